"""A document that takes too long is skipped as ``timeout`` and the run goes on, in every
engine: one process (the API and ``dyad extract``), the process pool, Dask. Every other document
is stored exactly as a run without the slow ones stores it, and a later run does not try a
timed-out document again unless asked.

Documents are made slow with the pipeline's test hook (``DYAD_TEST_SLOW_SENTENCE``): a copy of a
real article with a marker word in its sentences, coded with a 3 s budget."""

from __future__ import annotations

import multiprocessing
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import NEWS_DEV
from dyad.api import run
from dyad.cli import main
from dyad.pipeline import TEST_SLOW_SENTENCE, Pipeline, raw_hash_of
from dyad.settings import Settings
from dyad.stages.ingest import load_meta, read_inputs
from dyad.store import Store
from dyad.types import RawDocument, Skip

TEXTS = sorted((NEWS_DEV / "texts").glob("*.txt"))
META = NEWS_DEV / "meta.csv"
# Seconds a document may take here: several times the slowest of these articles (under 0.5 s on
# this project's 2-core machine), so that a busy machine does not time out the others.
LIMIT = 3
# Marker words no article has, and the file (doc_id) of the copy that carries each: the names
# put them in the first and the last batch.
SPIN, STUCK, SLOW = "Zqspin", "Zqstuck", "Zqslow"
MARKED = {SPIN: "00-spin", STUCK: "99-stuck", SLOW: "50-slow"}
INTERRUPTED = "interrupted inside that step"  # the hard backstop stopped it

Outcome = dict[str, frozenset[str] | str]  # doc_id -> its mention ids, or its skip reason


@pytest.fixture(scope="module")
def expected(pipeline: Pipeline) -> tuple[Outcome, set[str]]:
    """What coding the articles without any slow copy gives: per document its mention ids (a
    skip: its reason), and the ids of the mentions asserted as fact."""
    outcome: Outcome = {}
    asserted: set[str] = set()
    for item in pipeline.process(read_inputs(list(map(str, TEXTS)), load_meta(META))):
        if isinstance(item, Skip):
            assert item.doc_id is not None
            outcome[item.doc_id] = item.reason.value
        else:
            outcome[item.document.doc_id] = frozenset(e.mention_id for e in item.events)
            asserted |= {e.mention_id for e in item.events if e.modality == "asserted"}
    assert sum(isinstance(v, frozenset) for v in outcome.values()) >= 10
    return outcome, asserted


def _corpus(folder: Path, *words: str) -> Path:
    """The articles, and for each marker word a copy of the first with the word in each of its
    sentences."""
    folder.mkdir()
    for f in TEXTS:
        shutil.copy(f, folder)
    text = TEXTS[0].read_text("utf-8")
    for word in words:
        (folder / f"{MARKED[word]}.txt").write_text(text.replace(". ", f" {word}. "), "utf-8")
    return folder


def _stored(db: Path) -> tuple[Outcome, dict[str, str]]:
    """What the store holds, as ``expected`` has it, and the detail of each skip."""
    with Store(db, read_only=True) as store:
        outcome: Outcome = {d: frozenset() for (d,) in store.query("SELECT doc_id FROM documents")}
        for doc_id, mention in store.query("SELECT doc_id, mention_id FROM mentions"):
            outcome[doc_id] = outcome[doc_id] | {mention}
        skips = store.skips()
    for s in skips:
        assert s.doc_id is not None and s.doc_id not in outcome
        outcome[s.doc_id] = s.reason.value
    return outcome, {s.doc_id or "": s.detail for s in skips}


def _check(db: Path, expected: Outcome, stopped: dict[str, str]) -> None:
    """Every article as expected; each slow copy (marker word -> a phrase of its detail) a
    timeout."""
    outcome, details = _stored(db)
    assert outcome == {**expected, **{MARKED[w]: "timeout" for w in stopped}}
    for word, phrase in stopped.items():
        assert phrase in details[MARKED[word]], details[MARKED[word]]


def _timed(fn: Callable[[], object]) -> float:
    began = time.monotonic()
    fn()
    return time.monotonic() - began


def test_a_timed_out_input_is_passed_over_only_while_unchanged() -> None:
    pipe = Pipeline(Settings(n_process=1))
    raw = RawDocument("a", "a.txt", "Pakistan protested.", False)
    assert list(pipe.batches([raw], {}, {"a": raw_hash_of(raw)})) == []
    assert pipe.counts.not_retried == 1
    assert list(pipe.batches([raw], {}, {"a": "the hash of an older version"})) == [[raw]]


@pytest.mark.slow
def test_one_process_skips_slow_documents_and_later_runs_pass_them_over(
    tmp_path: Path,
    expected: tuple[Outcome, set[str]],
    monkeypatch: pytest.MonkeyPatch,
    report: Callable[[str], None],
) -> None:
    folder = _corpus(tmp_path / "corpus", SPIN, SLOW)
    db = tmp_path / "one.duckdb"
    # SPIN never returns from one sentence (the SIGALRM backstop ends it); SLOW takes 0.8 s a
    # sentence (the check between sentences stops it).
    monkeypatch.setenv(TEST_SLOW_SENTENCE, f"{SPIN}:60,{SLOW}:0.8:sleep")
    pipe = Pipeline(Settings(n_process=1, document_timeout_s=LIMIT), strict=True)
    pipe.load()
    took = _timed(lambda: run([folder], db, meta=META, pipeline=pipe))
    _check(db, expected[0], {SPIN: INTERRUPTED, SLOW: "in code at sentence"})
    assert INTERRUPTED not in _stored(db)[1][MARKED[SLOW]]
    report(f"timeout, one process: {len(TEXTS) + 2} documents, 2 stopped, coded in {took:.1f} s")

    with Store(db, read_only=True) as store:
        before = store.fingerprint()
    again = run([folder], db, meta=META, pipeline=pipe)
    assert (again.counts.not_retried, again.counts.documents) == (2, 0)
    with Store(db, read_only=True) as store:
        assert store.fingerprint() == before

    monkeypatch.delenv(TEST_SLOW_SENTENCE)
    fast = Pipeline(Settings(n_process=1, document_timeout_s=LIMIT), strict=True)
    retried = run([folder], db, meta=META, pipeline=fast, retry_skipped=True)
    assert retried.counts.not_retried == 0
    outcome, _ = _stored(db)
    assert {outcome[MARKED[SPIN]], outcome[MARKED[SLOW]]} & {"timeout"} == set()


@pytest.mark.slow
def test_the_process_pool_skips_slow_documents_and_replaces_a_stuck_worker(
    tmp_path: Path,
    expected: tuple[Outcome, set[str]],
    monkeypatch: pytest.MonkeyPatch,
    report: Callable[[str], None],
) -> None:
    folder = _corpus(tmp_path / "corpus", SPIN, STUCK)
    db = tmp_path / "pool.duckdb"
    # SPIN: the worker's own backstop ends it. STUCK: as C code that never returns to Python,
    # out of the worker's reach; its parent ends the worker and codes the rest of the batch.
    monkeypatch.setenv(TEST_SLOW_SENTENCE, f"{SPIN}:60,{STUCK}:120:stuck")
    settings = Settings(n_process=2, batch_size=2, document_timeout_s=LIMIT)
    took = _timed(lambda: run([folder], db, meta=META, pipeline=Pipeline(settings, strict=True)))
    _check(
        db, expected[0], {SPIN: INTERRUPTED, STUCK: "its worker process stood in code at sentence"}
    )
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("dyad-worker")]
    report(
        f"timeout, process pool: {len(TEXTS) + 2} documents, 2 stopped, in {took:.1f} s with start"
    )


@pytest.mark.slow
def test_dask_skips_slow_documents(
    tmp_path: Path,
    expected: tuple[Outcome, set[str]],
    monkeypatch: pytest.MonkeyPatch,
    report: Callable[[str], None],
) -> None:
    from dyad.engines.dask import run_dask

    folder = _corpus(tmp_path / "corpus", SPIN)
    db = tmp_path / "dask.duckdb"
    monkeypatch.setenv(TEST_SLOW_SENTENCE, f"{SPIN}:60")  # ended by the thread backstop
    settings = Settings(document_timeout_s=LIMIT)
    began = time.monotonic()
    summary = run_dask([folder], db, meta=META, settings=settings, workers=1)
    took = time.monotonic() - began
    assert summary.skips.get("timeout") == 1
    _check(db, expected[0], {SPIN: INTERRUPTED})
    report(f"timeout, Dask: {len(TEXTS) + 1} documents, 1 stopped, in {took:.1f} s with start")


@pytest.mark.slow
def test_dyad_extract_skips_a_slow_document(
    tmp_path: Path, expected: tuple[Outcome, set[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    folder = _corpus(tmp_path / "corpus", SPIN)
    config = tmp_path / "dyad.toml"
    config.write_text(f"document_timeout_s = {LIMIT}\n")
    out = tmp_path / "events.jsonl"
    monkeypatch.setenv(TEST_SLOW_SENTENCE, f"{SPIN}:60")
    result = CliRunner().invoke(
        main,
        ["extract", str(folder), "--meta", str(META), "--out", str(out), "--config", str(config)],
    )
    assert result.exit_code == 0, result.output
    assert "skipped: 1 timeout" in result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["mention_id"] for r in records} == expected[1]
