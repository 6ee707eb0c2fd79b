#!/usr/bin/env python3
"""Speed-up of the Dask engine from one worker to two, on a generated corpus.

    python scripts/bench_engine.py --docs 8000 --rounds 3      # make bench-engine

Runs `dyad run --engine dask` with 1 and then 2 workers (a local cluster each time, started
and torn down inside the timing) on the same corpus into fresh stores, ``--rounds`` times,
alternating; checks both stores hold the same mentions, and prints every wall time, each
round's speed-up and, last, the median of the rounds' speed-ups. (The same run took 83 s in one
round and 90 s in the next here: one pair of runs can mislead.) Each run starts and stops
its cluster inside the timing, about 4 s that a second worker cannot shorten: on 4,000
articles that is a tenth of a two-worker run, hence 8,000 by default.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gen_corpus import generate

from dyad.engines.dask import run_dask
from dyad.pipeline import Pipeline
from dyad.settings import Settings
from dyad.store import Store


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=8000)
    ap.add_argument("--work", type=Path, default=Path("build/bench"))
    ap.add_argument("--rounds", type=int, default=3, help="1- and 2-worker runs, alternated")
    ap.add_argument("--config", help="a dyad.toml with settings to use")
    a = ap.parse_args()
    corpus = a.work / f"corpus-{a.docs}"
    if not (corpus / "done").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        generate(a.docs, corpus)
        (corpus / "done").write_text("ok")
    settings = Settings.load(a.config, {"batch_size": 64})
    _ = Pipeline(settings).actors  # fills dyad's dictionary cache, so no single round pays for it
    times: dict[int, list[float]] = {1: [], 2: []}
    mentions = {}
    for round_ in range(1, a.rounds + 1):
        for workers in (1, 2):  # alternated, so a slow spell of the machine hits both
            db = a.work / f"engine-{workers}.duckdb"
            for p in (db, Path(str(db) + ".wal")):
                p.unlink(missing_ok=True)
            t = time.perf_counter()
            summary = run_dask([corpus], db, settings=settings, workers=workers)
            took = time.perf_counter() - t
            times[workers].append(took)
            with Store(db, read_only=True) as store:
                mentions[workers] = {r[0] for r in store.query("SELECT mention_id FROM mentions")}
            print(
                f"round {round_}, {workers} worker(s): {took:.1f} s, "
                f"{summary.counts.documents} documents, "
                f"{summary.counts.sentences / took:.0f} sentences/s"
            )
        print(f"round {round_}: speed-up {times[1][-1] / times[2][-1]:.2f}x")
    same = mentions[1] == mentions[2]
    one, two = statistics.median(times[1]), statistics.median(times[2])
    paired = statistics.median(t1 / t2 for t1, t2 in zip(times[1], times[2], strict=True))
    print(f"same mentions from 1 and 2 workers: {same} ({len(mentions[1])})")
    print(f"median times: 1 worker {one:.1f} s, 2 workers {two:.1f} s ({one / two:.2f}x)")
    print(f"speed-up 1 -> 2 workers: {paired:.2f}x (median of {a.rounds} rounds)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
