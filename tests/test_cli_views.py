"""`dyad timeline`, `dyad report`, `dyad index` and `dyad serve` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dyad.cli import main, sparkline
from dyad.store import Store
from stores import build_store


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_store(tmp_path_factory.mktemp("cli") / "s.duckdb")


def test_sparkline() -> None:
    assert sparkline([0, 1, 2, None, 4], low=0) == "▁▃▅ █"
    assert sparkline([None, None]) == "  "
    assert sparkline([-1.0, 0.0, 1.0], low=-1, high=1) == "▁▅█"


def test_timeline(db: str) -> None:
    r = CliRunner().invoke(main, ["timeline", "usa", "PAK", "--db", db, "--undirected"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert any(line.lstrip().startswith("2018-09") and "-0.33" in line for line in lines)
    assert any(line.lstrip().startswith("2018-10") and "–" in line for line in lines)
    assert "total: 5 events, 2 cooperation, 3 conflict" in r.output
    spark = next(line for line in lines if line.startswith("events"))
    assert spark.split(maxsplit=1)[1] == "█▁▆"  # 3, 0, 2 events
    weekly = CliRunner().invoke(main, ["timeline", "USA", "PAK", "--db", db, "--by", "week"])
    assert weekly.exit_code == 0 and "2018-08-27" in weekly.output
    none = CliRunner().invoke(main, ["timeline", "IND", "AFG", "--db", db])
    assert none.exit_code == 0 and "No events" in none.output


def test_timeline_bad_input(db: str, tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["timeline", "USAX", "PAK", "--db", db]).exit_code == 2
    r = CliRunner().invoke(main, ["timeline", "USA", "PAK", "--db", str(tmp_path / "no.duckdb")])
    assert r.exit_code == 1 and r.output.startswith("dyad: no store at")


def test_report_and_index(db: str, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = CliRunner().invoke(main, ["report", "--db", db, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "USA-PAK: 5 events" in r.output and out.read_text("utf-8").startswith("<!doctype html>")
    r = CliRunner().invoke(main, ["report", "--db", db, "--dyad", "IND-PAK", "--out", str(out)])
    assert r.exit_code == 0 and "IND-PAK: 1 events" in r.output
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(Path(db).read_bytes())
    r = CliRunner().invoke(main, ["index", "--db", str(copy)])
    assert r.exit_code == 0, r.output
    with Store(copy, read_only=True) as store:
        assert store.analysis_index_is_current()


def test_serve_binds_localhost_by_default() -> None:
    params = {p.name: p for p in main.commands["serve"].params}
    assert params["host"].default == "127.0.0.1" and params["port"].default == 8000
