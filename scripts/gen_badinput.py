#!/usr/bin/env python3
"""Generate a corpus of malformed inputs beside good articles, and check a `dyad run` on it.

    python scripts/gen_badinput.py --inputs 10000 --big-mb 200     # make bench-badinput

Writes, under ``--out``, a deterministic mix of every kind of bad input dyad must survive —
binary files, empty files of every format, a huge text file, invalid UTF-8, UTF-16 with and
without a byte-order mark, Latin-1, HTML without a body, deeply nested HTML, truncated gzip and
WARC, JSONL with broken lines and wrong field types, odd file names, symbolic link loops — and
good English articles among them, then runs `dyad run` on it and checks that:

- the run does not crash (exit code 0);
- every input ends exactly once, as a stored document or as a skip with a reason;
- every good article is stored;
- each kind of bad input got the skip reason expected of it.

The last line is `inputs N  stored S  skipped K  lost L  doubled D  crashes C  wrong-reason W`.
``generate`` is also used by the test suite, at a small size.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SUBJECTS = ["Pakistan", "The United States", "India", "Afghanistan", "China", "Iran", "Turkey"]
OBJECTS = ["Washington", "Islamabad", "New Delhi", "Kabul", "Beijing", "Tehran", "Ankara"]
VERBS = ["accused", "met", "criticised", "praised", "threatened", "thanked", "warned"]


@dataclass
class Manifest:
    """What was written: per input origin prefix, the outcome expected of it."""

    good: set[str] = field(default_factory=set)  # doc_ids that must be stored
    expected: dict[str, set[str]] = field(default_factory=dict)  # origin -> allowed outcomes
    inputs: int = 0

    def expect(self, origin: Path | str, *outcomes: str) -> None:
        self.expected[str(origin)] = set(outcomes)
        self.inputs += 1


def article(rng: random.Random, n: int) -> str:
    """A short English article, unique by its numbers (so no two are duplicates)."""
    lines = [f"Talks and tensions, report number {n}", ""]
    for i in range(rng.randint(4, 8)):
        s, o, v = rng.choice(SUBJECTS), rng.choice(OBJECTS), rng.choice(VERBS)
        lines.append(
            f"{s} {v} {o} on Monday over the dispute, officials said in statement {n}-{i}. "
            f"The ministry said {rng.randint(2, 900)} people had attended the meeting in the "
            f"capital, and that the government would publish its report on {n * 7 + i} pages."
        )
    return "\n\n".join(lines)


def generate(out: Path, inputs: int, big_mb: int = 200, seed: int = 5) -> Manifest:
    """Write about ``inputs`` inputs under ``out``: two in five bad, the rest good."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    m = Manifest()
    n = 0

    def good_txt(folder: Path) -> None:
        nonlocal n
        n += 1
        p = folder / f"good-{n:06d}.txt"
        p.write_text(article(rng, n), encoding="utf-8")
        m.good.add(p.stem)
        m.expect(p, "document")

    bad_makers = [
        _binary, _empty, _invalid_utf8, _utf16, _latin1, _html_without_body, _nested_html,
        _truncated_gzip, _truncated_warc, _broken_jsonl, _odd_name, _symlink_loop, _unsupported,
    ]  # fmt: skip
    folder = out
    i = 0
    while m.inputs < inputs:
        if i % 500 == 0:
            folder = out / f"part-{i // 500:04d}"
            folder.mkdir(exist_ok=True)
        if rng.random() < 0.6:
            good_txt(folder)
        else:
            n += 1
            bad_makers[i % len(bad_makers)](folder, n, rng, m)
        i += 1
    _huge(out / "huge", big_mb, m)
    return m


# -- the kinds of bad input ------------------------------------------------------------------


def _binary(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    p = folder / f"binary-{n}.txt"
    p.write_bytes(b"\x7fELF\x02\x01\x01\x00" + rng.randbytes(2000))
    m.expect(p, "binary", "undecodable")


def _empty(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    suffix = [".txt", ".html", ".jsonl", ".warc"][n % 4]
    p = folder / f"empty-{n}{suffix}"
    p.write_bytes(b"" if n % 2 else b"\n  \n")
    m.expect(p, "empty", "malformed")


def _invalid_utf8(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    # Mostly English with stray bytes no UTF-8 decoder accepts: a guessed 8-bit encoding
    # recovers it, or it is undecodable; either way it is accounted for.
    p = folder / f"badutf8-{n}.txt"
    text = article(rng, n).encode()
    cut = len(text) // 2
    p.write_bytes(text[:cut] + b"\xc3\x28\xa0\xa1\xff\xfe" + text[cut:])
    m.expect(p, "document", "undecodable")


def _utf16(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    p = folder / f"utf16-{n}.txt"
    text = article(rng, n)
    p.write_bytes(text.encode("utf-16") if n % 2 else text.encode("utf-16-le"))
    m.expect(p, "document", "undecodable", "binary")
    if n % 2:
        m.good.add(p.stem)  # with a byte-order mark it must be read


def _latin1(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    p = folder / f"latin1-{n}.txt"
    p.write_bytes(
        (article(rng, n) + "\n\nCafé owners in Peshawar said prices rose.").encode("latin-1")
    )
    m.good.add(p.stem)
    m.expect(p, "document")


def _html_without_body(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    p = folder / f"nobody-{n}.html"
    p.write_text("<html><head><title>Nothing here</title></head></html>")
    m.expect(p, "empty")


def _nested_html(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    p = folder / f"nested-{n}.html"
    depth = 20_000
    body = "<div>" * depth + f"<p>{article(rng, n)}</p>" + "</div>" * depth
    p.write_text(f"<html><body>{body}</body></html>")
    m.expect(p, "document", "empty", "malformed")


def _truncated_gzip(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    p = folder / f"cut-{n}.jsonl.gz"
    lines = [json.dumps({"id": f"gz-{n}-{k}", "text": article(rng, n * 10 + k)}) for k in range(3)]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    p.write_bytes(data[: len(data) * 2 // 3])
    _cut_records(p, m)


def _truncated_warc(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    p = folder / f"cut-{n}.warc.gz"
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for k in range(3):
        html = f"<html><body><p>{article(rng, n * 10 + k)}</p></body></html>".encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://example.org/{n}/{k}",
            "response",
            payload=io.BytesIO(html),
            http_headers=headers,
        )
        writer.write_record(record)
        record.raw_stream.close()  # warcio spools the payload to a temporary file
    data = buf.getvalue()
    p.write_bytes(data[: len(data) * 2 // 3])
    _cut_records(p, m)


def _cut_records(p: Path, m: Manifest) -> None:
    # Records before the cut are read; the cut is one malformed skip at the record it hit.
    for k in range(1, 5):
        m.expect(f"{p}#{k}", "document", "malformed", "none")
    m.inputs -= 1  # three records were written; #4 is where a cut after the last one lands


def _broken_jsonl(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    p = folder / f"broken-{n}.jsonl"
    rows: list[tuple[str, tuple[str, ...]]] = [
        (json.dumps({"id": f"ok-{n}", "text": article(rng, n)}), ("document",)),
        ('{"id": "half", "text": "an unterminated', ("malformed",)),
        (json.dumps({"id": f"t-{n}", "text": 12345}), ("malformed",)),
        (json.dumps({"id": [1, 2], "text": "x"}), ("malformed",)),
        (json.dumps(["not", "an", "object"]), ("malformed",)),
        (json.dumps({"id": f"d-{n}", "text": article(rng, n + 1), "date": 2019}), ("malformed",)),
        (json.dumps({"id": f"n-{n}"}), ("malformed",)),
        ("\x00\x01\x02 binary junk", ("malformed",)),
    ]
    p.write_text("\n".join(r for r, _ in rows) + "\n", encoding="utf-8")
    m.good.add(f"ok-{n}")
    for k, (_, outcomes) in enumerate(rows):
        m.expect(f"{p}#{k + 1}", *outcomes)


def _odd_name(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    names = [
        f"spaces and 'quotes' {n}.txt", f"-leading-dash-{n}.txt", f"ünïcødé-名前-{n}.txt",
        f"semi;colon$dollar`tick`{n}.txt", f"new\nline-{n}.txt", f"{'x' * 200}-{n}.txt",
    ]  # fmt: skip
    p = folder / names[n % len(names)]
    p.write_text(article(rng, n), encoding="utf-8")
    m.good.add(p.name[: -len(".txt")])
    m.expect(p, "document")


def _symlink_loop(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    a, b = folder / f"loop-a-{n}.txt", folder / f"loop-b-{n}.txt"
    os.symlink(b.name, a)
    os.symlink(a.name, b)
    m.expect(a, "unreadable")
    m.expect(b, "unreadable")
    d = folder / f"dirloop-{n}"
    d.mkdir()
    os.symlink(".", d / "self")  # a folder loop: not an input, and must not hang the walk


def _unsupported(folder: Path, n: int, rng: random.Random, m: Manifest) -> None:
    p = folder / f"image-{n}.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + rng.randbytes(500))
    m.expect(p, "unsupported")


def _huge(folder: Path, megabytes: int, m: Manifest) -> None:
    folder.mkdir(exist_ok=True)
    p = folder / "huge.txt"
    line = ("Pakistan accused India of violating the ceasefire. " * 20 + "\n").encode()
    with open(p, "wb") as f:
        for _ in range(megabytes * (1 << 20) // len(line) + 1):
            f.write(line)
    m.expect(p, "too_large")


# -- checking a run --------------------------------------------------------------------------


def check(db: Path, m: Manifest) -> dict[str, int]:
    """Compare the store with the manifest: lost, doubled and wrongly skipped inputs."""
    from dyad.store import Store

    with Store(db, read_only=True) as store:
        docs = store.query("SELECT doc_id, origin FROM documents")
        skips = store.query("SELECT origin, reason FROM skips")
    outcome: dict[str, list[str]] = {}
    for _, origin in docs:
        outcome.setdefault(origin, []).append("document")
    for origin, reason in skips:
        outcome.setdefault(origin, []).append(reason)
    stored = {d for d, _ in docs}
    lost = len(m.good - stored)
    doubled = sum(len(v) - 1 for v in outcome.values())
    wrong = 0
    for origin, allowed in m.expected.items():
        got = outcome.get(origin, ["none"])
        if not set(got) <= allowed:
            wrong += 1
            if wrong <= 20:
                print(f"  {origin!r}: expected {sorted(allowed)}, got {got}", file=sys.stderr)
    unexpected = [o for o in outcome if o not in m.expected]
    for o in unexpected[:20]:
        print(f"  not an input we wrote: {o!r} -> {outcome[o]}", file=sys.stderr)
    return {
        "stored": len(docs),
        "skipped": len(skips),
        "lost": lost,
        "doubled": doubled,
        "wrong": wrong + len(unexpected),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=10_000)
    ap.add_argument("--big-mb", type=int, default=200)
    ap.add_argument("--out", type=Path, default=None, help="where to write (default: a temp dir)")
    a = ap.parse_args()
    work = a.out or Path(tempfile.mkdtemp(prefix="dyad-bad-"))
    if (work / "corpus").exists():
        shutil.rmtree(work / "corpus")
    m = generate(work / "corpus", a.inputs, a.big_mb)
    print(f"{m.inputs} inputs written under {work / 'corpus'} ({len(m.good)} good articles)")
    db = work / "bad.duckdb"
    db.unlink(missing_ok=True)
    dyad = str(Path(sys.executable).parent / "dyad")
    t = time.perf_counter()
    proc = subprocess.run([dyad, "run", str(work / "corpus"), "--db", str(db), "--quiet"])
    took = time.perf_counter() - t
    crashes = int(proc.returncode != 0)
    r = (
        check(db, m)
        if db.exists()
        else {"stored": 0, "skipped": 0, "lost": len(m.good), "doubled": 0, "wrong": 0}
    )
    print(f"run took {took:.1f} s, exit code {proc.returncode}")
    print(
        f"inputs {m.inputs}  stored {r['stored']}  skipped {r['skipped']}  lost {r['lost']}"
        f"  doubled {r['doubled']}  crashes {crashes}  wrong-reason {r['wrong']}"
    )
    if a.out is None:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if (crashes or r["lost"] or r["doubled"] or r["wrong"]) else 0


if __name__ == "__main__":
    sys.exit(main())
