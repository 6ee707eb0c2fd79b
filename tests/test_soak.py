"""Real news never stops a run: 77 public-domain news texts (page openings, boilerplate and all)
and the gold articles through ``dyad run``'s API into a fresh store. Every input is stored or
skipped with a reason, nothing fails (the pipeline is strict: a failure raises), nothing times
out, and the slowest document's time is reported at the end of the test run."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import NEWS_CORPUS, NEWS_DEV, SEEDS
from dyad.api import run
from dyad.pipeline import Pipeline
from dyad.store import Store
from dyad.types import SkipReason

pytestmark = pytest.mark.slow

GOLD_TEXTS = [*sorted(SEEDS.glob("*.txt")), *sorted((NEWS_DEV / "texts").glob("*.txt"))]
SLOWEST_ALLOWED_S = 10.0  # a news article takes well under a second; the budget is 30 s


def test_real_news_runs_through(
    tmp_path: Path, pipeline: Pipeline, report: Callable[[str], None]
) -> None:
    records = [json.loads(line) for line in NEWS_CORPUS.read_text("utf-8").splitlines()]
    ids = [r["id"] for r in records] + [p.stem for p in GOLD_TEXTS]
    assert len(records) == 77 and len(GOLD_TEXTS) >= 14 and len(set(ids)) == len(ids)
    began = time.monotonic()
    summary = run([NEWS_CORPUS, *GOLD_TEXTS], tmp_path / "soak.duckdb", pipeline=pipeline)
    took = time.monotonic() - began
    with Store(tmp_path / "soak.duckdb", read_only=True) as store:
        stored = [d for (d,) in store.query("SELECT doc_id FROM documents")]
        skips = store.skips()
    assert summary.counts.inputs == len(ids)
    assert sorted(stored + [s.doc_id or s.origin for s in skips]) == sorted(ids)
    for s in skips:
        assert s.reason not in (SkipReason.FAILED, SkipReason.TIMEOUT) and s.detail, s
    c = summary.counts
    assert c.documents > 0.9 * len(ids) and c.events > 100
    assert 0 < c.slowest_s < SLOWEST_ALLOWED_S, (c.slowest_doc, c.slowest_s)
    skipped = ", ".join(f"{n} {r}" for r, n in sorted(summary.skips.items())) or "none"
    report(
        f"soak: {len(ids)} real news texts in {took:.1f} s: {c.documents} stored (skipped: "
        f"{skipped}), {c.events} events; slowest document {c.slowest_doc} {c.slowest_s:.2f} s"
    )
