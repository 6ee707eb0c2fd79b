"""Bad input: a corpus of malformed files beside good articles. Nothing crashes, every input
ends as a document or a skip with the reason expected of it, and every good article is stored.
(The 10,000-input version with a 200 MB file is ``make bench-badinput``.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))

from gen_badinput import check, generate

from dyad.api import run
from dyad.pipeline import Pipeline
from dyad.settings import Settings
from dyad.store import Store

pytestmark = pytest.mark.slow


def test_a_bad_corpus_is_accounted_for_input_by_input(tmp_path: Path) -> None:
    manifest = generate(tmp_path / "corpus", inputs=150, big_mb=2)
    settings = Settings(n_process=1, max_document_bytes=1_000_000)
    summary = run([tmp_path / "corpus"], tmp_path / "bad.duckdb", pipeline=Pipeline(settings))
    result = check(tmp_path / "bad.duckdb", manifest)
    assert (result["lost"], result["doubled"], result["wrong"]) == (0, 0, 0)
    assert summary.counts.documents >= len(manifest.good)
    with Store(tmp_path / "bad.duckdb", read_only=True) as store:
        reasons = store.stats()["skips_by_reason"]
    # every kind of bad input was met and named
    assert {"binary", "empty", "malformed", "unreadable", "unsupported", "too_large"} <= set(
        reasons
    )
