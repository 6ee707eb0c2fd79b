#!/usr/bin/env python3
"""End-to-end speed of dyad, with the naive baseline beside it, on a generated or a real corpus.

    python scripts/bench.py --docs 100000        # make bench
    python scripts/bench.py --docs 10000         # make bench DOCS=10000
    python scripts/bench.py --corpus FILE.jsonl  # make bench CORPUS=news (or CORPUS=FILE.jsonl)

Prints, from one run on this machine: documents/s, sentences/s, events/s and peak RSS of
`dyad run` (all cores, candidate filter on) into a fresh store; then, measured in the same run
on the same corpus's sentences, the naive baseline (the full spaCy pipeline on every sentence,
same processes) and the floor (tokenizer only). On a generated corpus the baseline is measured
on a sample, because on every sentence of 100k articles it would take hours: a rate is a rate.

With ``--corpus`` (JSONL records with ``id``, ``text`` and an optional ``date``), the corpus is
coded as many times over as makes the run last at least ``--min-seconds`` (60), each copy under
new ids and with dedup off, so that every copy is parsed and coded afresh; the baseline is the
full pipeline on every sentence of the corpus. Before the run, one copy is coded in this process
stage by stage, to show where the time goes (read and clean, split, filter, tag and parse,
entity recognition, coding, store). The last line is `sentences/s N  baseline B  ratio N/B`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from gen_corpus import generate

from dyad.api import run
from dyad.budget import Budget
from dyad.pipeline import Pipeline, raw_hash_of
from dyad.settings import Settings
from dyad.stages import dedup
from dyad.stages.nlp import share_cores


class TreeRSS:
    """Peak resident memory of this process and all its children together, sampled from
    /proc every 0.2 s (workers run at the same time, so their peaks add up)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, _tree_rss(os.getpid()))

    @property
    def mb(self) -> float:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return max(self.peak, own) / 2**20


def _tree_rss(pid: int) -> int:
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return total


def sample_sentences(corpus: Path, pipe: Pipeline, n: int, seed: int = 11) -> list[str]:
    from dyad.stages.ingest import read_inputs
    from dyad.types import Document, Skip

    rng = random.Random(seed)
    texts: list[str] = []
    for raw in read_inputs([corpus]):
        if len(texts) >= n * 20:
            break
        if isinstance(raw, Skip):
            continue
        doc = pipe.cleaner(raw)
        if isinstance(doc, Document):
            texts += [s.text for s in pipe.nlp.split(doc)[0] if s.coded]
    rng.shuffle(texts)
    return texts[:n]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--corpus", type=Path, help="a JSONL file of real texts (id, text, date)")
    ap.add_argument("--min-seconds", type=float, default=60.0, help="with --corpus: run length")
    ap.add_argument("--work", type=Path, default=Path("build/bench"))
    ap.add_argument("--processes", type=int, default=0, help="0: one per core")
    ap.add_argument("--sample", type=int, default=4000, help="sentences for the baseline and floor")
    ap.add_argument(
        "--no-filter", action="store_true", help="parse every sentence (to measure the filter)"
    )
    ap.add_argument("--config", help="a dyad.toml with settings to use")
    a = ap.parse_args()
    if a.corpus is not None:
        return bench_corpus(a)

    corpus = a.work / f"corpus-{a.docs}"
    if not (corpus / "done").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        t = time.perf_counter()
        generate(a.docs, corpus)
        (corpus / "done").write_text("ok")
        print(f"generated {a.docs} articles in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    db = a.work / f"bench-{a.docs}.duckdb"
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)

    settings = Settings.load(
        a.config, {"n_process": a.processes, "candidate_filter": not a.no_filter, "batch_size": 256}
    )
    pipe = Pipeline(settings)
    result = {"docs": a.docs, **timed_run(corpus, db, settings, pipe)}

    sample = sample_sentences(corpus, pipe, a.sample)
    result |= baseline_and_floor(pipe, sample, settings.processes)

    return report(result)


def timed_run(inputs: Path, db: Path, settings: Settings, pipe: Pipeline) -> dict[str, Any]:
    """``dyad.run`` of ``inputs`` into ``db``: its rates, counts and peak memory."""
    t = time.perf_counter()
    with TreeRSS() as memory:
        summary = run([inputs], db=db, settings=settings, pipeline=pipe)
    elapsed = time.perf_counter() - t
    c = summary.counts
    return {
        "processes": settings.processes,
        "seconds": round(elapsed, 1),
        "documents_per_s": round(c.documents / elapsed, 1),
        "sentences_per_s": round(c.sentences / elapsed, 1),
        "events_per_s": round(c.events / elapsed, 1),
        "sentences": c.sentences,
        "parsed": c.parsed,
        "parsed_share": round(c.parsed / c.sentences, 3) if c.sentences else 0,
        "events": c.events,
        "skipped": c.skipped,
        "peak_rss_mb": round(memory.mb, 0),
    }


def baseline_and_floor(pipe: Pipeline, sample: list[str], processes: int) -> dict[str, Any]:
    """The naive baseline (the full pipeline on every sentence of ``sample``, on ``processes``
    processes) and the floor (the tokenizer alone), in sentences a second."""
    nlp = pipe.nlp.nlp
    share_cores(processes)  # each process one core's BLAS threads, as dyad's workers
    t = time.perf_counter()
    for _ in nlp.pipe(sample, batch_size=256, n_process=processes):
        pass
    baseline = len(sample) / (time.perf_counter() - t)
    t = time.perf_counter()
    for text in sample:
        nlp.make_doc(text)
    floor = len(sample) / (time.perf_counter() - t)
    return {
        "baseline_sentences_per_s": round(baseline, 1),
        "floor_sentences_per_s": round(floor, 1),
        "sample": len(sample),
    }


def report(result: dict[str, Any]) -> int:
    print(json.dumps(result, indent=2))
    for k in (
        "documents_per_s",
        "sentences_per_s",
        "events_per_s",
        "peak_rss_mb",
        "parsed_share",
        "baseline_sentences_per_s",
        "floor_sentences_per_s",
    ):
        print(f"{k:>26}  {result[k]}")
    sps, baseline = result["sentences_per_s"], result["baseline_sentences_per_s"]
    print(f"sentences/s {sps:.0f}  baseline {baseline:.0f}  ratio {sps / baseline:.1f}")
    return 0


# -- a real corpus ---------------------------------------------------------------------------


def read_records(path: Path) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                if isinstance(r.get("text"), str) and r.get("id") is not None:
                    records.append({"id": str(r["id"]), "text": r["text"], "date": r.get("date")})
    if not records:
        raise SystemExit(f"{path}: no records with an id and a text")
    return records


def breakdown(records: list[dict[str, Any]], settings: Settings, work: Path) -> dict[str, Any]:
    """One copy of the corpus through each stage in this process, timed stage by stage."""
    import datetime as dt

    from dyad.store import Store
    from dyad.types import RawDocument, Skip

    pipe = Pipeline(settings.replace(n_process=1))
    pipe.load()
    nlp = pipe.nlp.nlp
    times = dict.fromkeys(
        ["read and clean", "split", "filter", "tag and parse", "entities", "coding", "store"],
        0.0,
    )

    def timed(name: str, fn: Any, *args: Any) -> Any:
        t = time.perf_counter()
        out = fn(*args)
        times[name] += time.perf_counter() - t
        return out

    raws = timed(
        "read and clean",
        lambda: [
            RawDocument(
                r["id"], r["id"], r["text"], False,
                dt.date.fromisoformat(r["date"]) if r["date"] else None,
            )
            for r in records
        ],
    )  # fmt: skip
    sentences = parsed_n = 0
    results = []
    wants = pipe.candidate_filter
    assert wants is not None
    for raw in raws:
        doc = timed("read and clean", pipe.cleaner, raw)
        if isinstance(doc, Skip):
            continue
        t = time.perf_counter()
        sents, tokenized = pipe.nlp.split(doc)
        sents, _ = dedup.mark_repeated(sents)
        sents, _ = pipe.discards.mark(doc.text, sents)
        times["split"] += time.perf_counter() - t
        t = time.perf_counter()
        cands = [s.index for s in sents if s.coded and wants.wants(tokenized[s.index])]
        times["filter"] += time.perf_counter() - t
        sentences += len(sents)
        parsed_n += len(cands)
        t = time.perf_counter()
        docs = list(nlp.pipe([tokenized[i] for i in cands], disable=["ner"]))
        times["tag and parse"] += time.perf_counter() - t
        needs = pipe.needs_entities if settings.selective_ner else (lambda d: True)
        timed("entities", pipe.nlp.recognize, docs, needs)
        item = pipe._prepare(raw, raw_hash_of(raw), Budget(0))
        assert not isinstance(item, Skip)
        parsed = dict(zip(cands, docs, strict=True))
        results.append(timed("coding", pipe.code_document, item, parsed))
    db = work / "breakdown.duckdb"
    db.unlink(missing_ok=True)
    with Store(db) as store:
        timed("store", store.write, results, [])
    total = sum(times.values())
    return {
        "sentences": sentences,
        "parsed": parsed_n,
        "seconds": {k: round(v, 2) for k, v in times.items()},
        "shares": {k: round(v / total, 3) for k, v in times.items()},
        "sentences_per_s_one_process": round(sentences / total, 1),
    }


def bench_corpus(a: argparse.Namespace) -> int:
    records = read_records(a.corpus)
    a.work.mkdir(parents=True, exist_ok=True)
    settings = Settings.load(
        a.config,
        {
            "n_process": a.processes,
            "candidate_filter": not a.no_filter,
            "batch_size": 256,
            "dedup": False,
        },
    )
    where = breakdown(records, settings, a.work)
    # copies enough for the run to last --min-seconds on all cores, judging by one process
    per_copy = sum(where["seconds"].values()) / settings.processes
    copies = max(1, math.ceil(a.min_seconds / max(per_copy, 1e-3)))
    inputs = a.work / f"{a.corpus.stem}-x{copies}.jsonl"
    with inputs.open("w", encoding="utf-8") as f:
        for k in range(copies):
            for r in records:
                f.write(json.dumps({**r, "id": f"{k}-{r['id']}"}, ensure_ascii=False) + "\n")
    db = a.work / f"bench-{a.corpus.stem}.duckdb"
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(Path(str(db) + ".staging"), ignore_errors=True)
    pipe = Pipeline(settings)
    result: dict[str, Any] = {
        "corpus": str(a.corpus),
        "records": len(records),
        "copies": copies,
        **timed_run(inputs, db, settings, pipe),
        "breakdown_one_process": where,
    }
    # The baseline: the full pipeline (entities included) on every sentence of the corpus,
    # as often over as makes at least 4,000 sentences, on the same processes.
    texts = corpus_sentences(records, pipe)
    sample = (texts * math.ceil(a.sample / max(len(texts), 1)))[: max(a.sample, len(texts))]
    result |= baseline_and_floor(pipe, sample, settings.processes)
    print("where one process spends a copy of the corpus:")
    for k, v in where["seconds"].items():
        print(f"{k:>26}  {v:7.2f} s  {where['shares'][k]:6.1%}")
    return report(result)


def corpus_sentences(records: list[dict[str, Any]], pipe: Pipeline) -> list[str]:
    from dyad.types import Document, RawDocument

    texts: list[str] = []
    for r in records:
        doc = pipe.cleaner(RawDocument(r["id"], r["id"], r["text"], False))
        if isinstance(doc, Document):
            texts += [s.text for s in pipe.nlp.split(doc)[0] if s.coded]
    return texts


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
