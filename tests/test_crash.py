"""Nothing lost, nothing doubled: a run killed with SIGKILL and started again ends with exactly
the store of one clean run; the same inputs in another order, or split across runs, give the
same rows. (The 20-trial version is ``make bench-crash``.)"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))

from bench_crash import clean_run, fingerprint, run_dyad, trial
from gen_corpus import generate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path, dict, float]:
    work = tmp_path_factory.mktemp("crash")
    generate(300, work / "corpus", seed=3, shard=75)
    expected, took = clean_run(work / "corpus", work)
    return work / "corpus", work, expected, took


def test_killed_runs_resume_to_the_clean_store(corpus) -> None:
    path, work, expected, took = corpus
    rng = random.Random(5)
    for n in range(3):
        t = trial(path, work, expected, rng.uniform(0.5, 0.9 * took), n)
        assert not t.crashed
        assert (t.lost, t.doubled) == (0, 0)
        assert t.same, f"trial {n}: killed at {t.killed_at:.1f}s the store differs"


def test_inputs_split_across_runs_give_the_same_store(corpus) -> None:
    # Split in input order. (Out of order, an exact duplicate keeps the copy seen first: the
    # same events, reported under the other copy's doc_id.)
    path, work, expected, _ = corpus
    db = work / "split.duckdb"
    for shard in sorted(path.iterdir()):
        assert run_dyad(shard, db=db)[0] == 0
    assert fingerprint(db) == expected


def test_inputs_in_another_order_give_the_same_store(corpus) -> None:
    path, work, expected, _ = corpus
    db = work / "reversed.duckdb"
    assert run_dyad(*sorted(path.iterdir(), reverse=True), db=db)[0] == 0
    assert fingerprint(db) == expected


def test_runs_twice_add_nothing(corpus) -> None:
    path, work, expected, _ = corpus
    db = work / "twice.duckdb"
    assert run_dyad(path, db=db)[0] == 0
    assert run_dyad(path, db=db)[0] == 0
    assert fingerprint(db) == expected
