"""The CLI: every command documented with an example; errors are one clean line."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dyad.cli import main


def _commands() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output and f"dyad {name}" in result.output


def test_the_group_help_lists_every_command() -> None:
    out = CliRunner().invoke(main, ["--help"]).output
    for name in _commands():
        assert name in out


def test_missing_store_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert result.output.startswith("dyad: no store at") and "Traceback" not in result.output


def test_bad_dyad_option_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["events", "--dyad", "USAPAK", "--db", str(tmp_path / "x")])
    assert result.exit_code == 2 and "USA-PAK" in result.output


def test_evaluate_agrees_with_the_shared_scorers(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import PLOVER_DEV, SEEDS, SHARED

    events = tmp_path / "e.jsonl"
    records = [
        {
            "doc_id": "003_19829c5e519ee1c3",
            "date": "2018-09-02",
            "plover": "SANCTION",
            "source": {"code": "USA"},
            "target": {"code": "PAK"},
            "sentence": "canceled a $300 million aid package",
        },
        {
            "doc_id": "003_19829c5e519ee1c3",
            "date": "2018-09-05",
            "plover": "REJECT",
            "source": {"code": "PAK"},
            "target": {"code": "USA"},
            "sentence": "If Islamabad refuses to cooperate with Washington, it will not be able to get the loan",
        },
        {
            "doc_id": "000_5911660b90f6781b",
            "date": "2018-09-05",
            "plover": "ASSAULT",
            "source": {"code": "USA"},
            "target": {"code": "AFG"},
            "sentence": "x",
        },
        {
            "doc_id": "PLOVER-GSR01-AGREE-0003",
            "plover": "AGREE",
            "source": {"code": "USA"},
            "target": {"code": "JOR"},
        },
        {
            "doc_id": "PLOVER-GSR01-AGREE-0003",
            "plover": "AGREE",
            "source": {"code": "USA"},
            "target": {"code": "GBR"},
        },
    ]
    events.write_text("\n".join(json.dumps(r) for r in records))
    for gold, script in ((SEEDS / "gold.jsonl", "score.py"), (PLOVER_DEV, "score_sentences.py")):
        theirs = subprocess.run(
            [sys.executable, str(SHARED / "eval" / script), str(events), str(gold)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()[0]
        ours = json.loads(
            CliRunner().invoke(main, ["evaluate", str(events), str(gold), "--json"]).output
        )
        for k, v in json.loads(theirs).items():
            if k in ours:
                assert ours[k] == pytest.approx(v), (script, k)


def test_main_is_a_click_group() -> None:
    assert isinstance(main, click.Group)
