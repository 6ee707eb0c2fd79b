from __future__ import annotations

import pytest

from dyad.errors import SettingsError
from dyad.settings import Settings


def test_defaults_file_and_overrides(tmp_path) -> None:
    f = tmp_path / "dyad.toml"
    f.write_text("[dyad]\nbatch_size = 8\nnear_duplicate_threshold = 0.9\n")
    s = Settings.load(f, {"batch_size": 16, "n_process": None})
    assert (s.batch_size, s.near_duplicate_threshold, s.n_process) == (16, 0.9, 0)


@pytest.mark.parametrize(
    "bad",
    [
        {"batch_size": 0},
        {"nope": 1},
        {"candidate_filter": "yes"},
        {"near_duplicate_threshold": 2},
        {"actor_files": ["/no/such.yaml"]},
        {"document_timeout_s": -1},
        {"document_timeout_s": "30s"},
    ],
)
def test_bad_settings_are_refused(bad: dict) -> None:
    with pytest.raises(SettingsError):
        Settings.load(None, bad)
