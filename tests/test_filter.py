"""The candidate filter (parse only sentences that can hold an event) loses at most 1% of the
events that parsing every sentence finds, on the dev gold and the sample corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PLOVER_DEV, SAMPLES, SEEDS
from dyad.api import extract
from dyad.pipeline import Pipeline
from dyad.settings import Settings

pytestmark = pytest.mark.slow

CORPORA = [
    ([*sorted(SEEDS.glob("*.txt"))], SEEDS / "meta.csv"),
    ([PLOVER_DEV], None),
    ([SAMPLES / "articles"], SAMPLES / "meta.csv"),
]


def _events(pipeline: Pipeline, out: Path) -> set[tuple]:
    keys = set()
    for i, (paths, meta) in enumerate(CORPORA):
        path = out.with_suffix(f".{i}.jsonl")
        extract(paths, path, meta=meta, pipeline=pipeline)
        for line in path.read_text().splitlines():
            r = json.loads(line)
            target = r["target"]["code"] if r["target"] else None
            keys.add((r["doc_id"], r["start"], r["source"]["code"], target, r["plover"]))
    return keys


def test_the_filter_loses_at_most_one_percent(tmp_path: Path) -> None:
    filtered = _events(Pipeline(Settings(candidate_filter=True)), tmp_path / "on")
    everything = _events(Pipeline(Settings(candidate_filter=False)), tmp_path / "off")
    lost = everything - filtered
    assert everything and len(lost) <= 0.01 * len(everything), sorted(lost)[:10]
