#!/usr/bin/env python3
"""End-to-end speed of dyad on a generated corpus, with the naive baseline beside it.

    python scripts/bench.py --docs 100000        # make bench
    python scripts/bench.py --docs 10000         # make bench DOCS=10000

Prints, from one run on this machine: documents/s, sentences/s, events/s and peak RSS of
`dyad run` (all cores, candidate filter on) into a fresh store; then, measured in the same run
on a seeded sample of the same corpus's sentences, the naive baseline (the full spaCy pipeline
on every sentence, same processes) and the floor (tokenizer only). The baseline is measured on
a sample because on every sentence of 100k articles it would take hours; a rate is a rate.
The last line is `sentences/s N  baseline B  ratio N/B`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gen_corpus import generate

from dyad.api import run
from dyad.pipeline import Pipeline
from dyad.settings import Settings


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
    ap.add_argument("--work", type=Path, default=Path("build/bench"))
    ap.add_argument("--processes", type=int, default=0, help="0: one per core")
    ap.add_argument("--sample", type=int, default=4000, help="sentences for the baseline and floor")
    ap.add_argument(
        "--no-filter", action="store_true", help="parse every sentence (to measure the filter)"
    )
    ap.add_argument("--config", help="a dyad.toml with settings to use")
    a = ap.parse_args()

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
    t = time.perf_counter()
    with TreeRSS() as memory:
        summary = run([corpus], db=db, settings=settings, pipeline=pipe)
    elapsed = time.perf_counter() - t
    c = summary.counts
    rss = memory.mb
    result = {
        "docs": a.docs,
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
        "peak_rss_mb": round(rss, 0),
    }

    sample = sample_sentences(corpus, pipe, a.sample)
    nlp = pipe.nlp.nlp
    t = time.perf_counter()
    for _ in nlp.pipe(sample, batch_size=256, n_process=settings.processes):
        pass
    baseline = len(sample) / (time.perf_counter() - t)
    t = time.perf_counter()
    for text in sample:
        nlp.make_doc(text)
    floor = len(sample) / (time.perf_counter() - t)
    result |= {
        "baseline_sentences_per_s": round(baseline, 1),
        "floor_sentences_per_s": round(floor, 1),
        "sample": len(sample),
    }

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
    sps = result["sentences_per_s"]
    print(f"sentences/s {sps:.0f}  baseline {baseline:.0f}  ratio {sps / baseline:.1f}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
