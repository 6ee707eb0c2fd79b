#!/usr/bin/env python3
"""Kill `dyad run` with SIGKILL at random moments, run it again, and compare with a clean run.

    python scripts/bench_crash.py --trials 20 --docs 3000      # make bench-crash

For each trial: a fresh store; `dyad run` on a generated corpus in a subprocess, killed with
SIGKILL (the process, as the OOM killer or a lost node would) at a random moment between
start and the time a clean run takes; then `dyad run` again to the end. The resumed store must
hold exactly what the clean run's store holds (``Store.fingerprint``: every table's rows,
leaving out run ids and timestamps). Prints per trial when it was killed and what it found,
then the totals; the last line is `trials N  lost L  doubled D  crashes C  mismatched M`.

- lost: documents (or skips) of the clean run missing after the resumed run;
- doubled: rows the resumed store has beyond the clean one;
- crashes: runs that failed (non-zero exit other than our kill) or stores that would not open.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gen_corpus import generate

from dyad.store import Store

DYAD = str(Path(sys.executable).parent / "dyad")


@dataclass
class Trial:
    killed_at: float
    killed: bool  # False when the run finished before the kill
    lost: int
    doubled: int
    crashed: bool
    same: bool


def run_dyad(*inputs: Path, db: Path, kill_after: float | None = None) -> tuple[int, bool]:
    """Run `dyad run`; with ``kill_after``, SIGKILL it then. Returns (exit code, was killed)."""
    proc = subprocess.Popen(
        [DYAD, "run", *map(str, inputs), "--db", str(db), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    killed = False
    try:
        proc.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)  # the main process only, as a real kill -9
        killed = True
        proc.wait()
    finally:
        # Pool workers orphaned by the kill exit when their pipe closes; make sure of it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode != 0 and not killed and proc.stderr is not None:
        sys.stderr.write(proc.stderr.read().decode(errors="replace")[-2000:])
    if proc.stderr is not None:
        proc.stderr.close()
    return proc.returncode, killed


def fingerprint(db: Path) -> dict[str, tuple[int, str]]:
    with Store(db, read_only=True) as store:
        return store.fingerprint()


def clean_run(corpus: Path, work: Path) -> tuple[dict[str, tuple[int, str]], float]:
    db = work / "clean.duckdb"
    t = time.perf_counter()
    code, _ = run_dyad(corpus, db=db)
    took = time.perf_counter() - t
    if code != 0:
        raise SystemExit(f"the clean run failed with exit code {code}")
    return fingerprint(db), took


def trial(
    corpus: Path, work: Path, expected: dict[str, tuple[int, str]], kill_after: float, n: int
) -> Trial:
    db = work / f"trial-{n}.duckdb"
    code, killed = run_dyad(corpus, db=db, kill_after=kill_after)
    crashed = code != 0 and not killed
    code, _ = run_dyad(corpus, db=db)
    crashed = crashed or code != 0
    try:
        got = fingerprint(db)
    except Exception as e:  # the store would not open: that is what we are measuring
        print(f"  store does not open: {e}", file=sys.stderr)
        return Trial(kill_after, killed, expected["documents"][0], 0, True, False)
    lost = sum(max(0, expected[t][0] - got[t][0]) for t in ("documents", "skips"))
    doubled = sum(max(0, got[t][0] - expected[t][0]) for t in expected)
    for path in work.glob(f"trial-{n}.duckdb*"):
        path.unlink()
    return Trial(kill_after, killed, lost, doubled, crashed, got == expected)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temp one)")
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="dyad-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    generate(a.docs, corpus, seed=a.seed, shard=250)
    expected, took = clean_run(corpus, work)
    print(f"clean run: {a.docs} inputs in {took:.1f} s; {expected}")
    rng = random.Random(a.seed)
    totals = Trial(0, False, 0, 0, False, True)
    mismatched = crashes = 0
    for n in range(a.trials):
        t = trial(corpus, work, expected, rng.uniform(0.5, 0.9 * took), n)
        mismatched += not t.same
        crashes += t.crashed
        totals.lost += t.lost
        totals.doubled += t.doubled
        print(
            f"trial {n + 1:>2}: killed at {t.killed_at:5.1f} s"
            f"{'' if t.killed else ' (had finished)'}  lost {t.lost}  doubled {t.doubled}"
            f"  crashed {t.crashed}  identical {t.same}",
            flush=True,
        )
    print(
        f"trials {a.trials}  lost {totals.lost}  doubled {totals.doubled}  crashes {crashes}"
        f"  mismatched {mismatched}"
    )
    if a.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if (totals.lost or totals.doubled or crashes or mismatched) else 0


if __name__ == "__main__":
    sys.exit(main())
