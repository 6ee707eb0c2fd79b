"""The Dask engine on a local cluster started by the test: the same store as a local run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import PLOVER_DEV, SEEDS
from dyad.api import run
from dyad.engines.dask import RECORDS_PER_PARTITION, partitions
from dyad.settings import Settings
from dyad.store import Store

pytestmark = pytest.mark.slow


def test_partitions_cut_large_files_and_group_small_ones(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_text(
        "\n".join(f'{{"id": "{i}", "text": "x"}}' for i in range(RECORDS_PER_PARTITION + 5))
    )
    for i in range(3):
        (tmp_path / f"s{i}.txt").write_text("a story")
    parts, skips = partitions([tmp_path])
    assert not skips
    assert parts[0] == [(str(big), 1, RECORDS_PER_PARTITION)]
    assert parts[1][0][1] == RECORDS_PER_PARTITION + 1
    assert [p for p, _, _ in parts[2]] == [str(tmp_path / f"s{i}.txt") for i in range(3)]


def test_dask_run_equals_local_run(tmp_path: Path) -> None:
    from dyad.engines.dask import run_dask

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in SEEDS.glob("*.txt"):
        shutil.copy(f, corpus)
    shutil.copy(PLOVER_DEV, corpus / "plover.jsonl")
    settings = Settings(batch_size=32)
    local = run([corpus], db=tmp_path / "local.duckdb", meta=SEEDS / "meta.csv", settings=settings)
    dist = run_dask(
        [corpus], tmp_path / "dask.duckdb", meta=SEEDS / "meta.csv", settings=settings, workers=2
    )
    assert dist.counts.documents == local.counts.documents > 100
    q = "SELECT mention_id, event_id FROM mentions ORDER BY 1"
    with (
        Store(tmp_path / "local.duckdb", read_only=True) as a,
        Store(tmp_path / "dask.duckdb", read_only=True) as b,
    ):
        assert a.query(q) == b.query(q)
        assert a.query("SELECT reason, count(*) FROM skips GROUP BY 1 ORDER BY 1") == b.query(
            "SELECT reason, count(*) FROM skips GROUP BY 1 ORDER BY 1"
        )
    again = run_dask(
        [corpus], tmp_path / "dask.duckdb", meta=SEEDS / "meta.csv", settings=settings, workers=1
    )
    assert again.counts.documents == 0 and again.counts.unchanged == dist.counts.documents
