"""The importer for PETRARCH/Phoenix actor dictionaries (dated roles)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from dyad.phoenix import parse_phoenix_actors, to_yaml
from dyad.stages.actors import load_actor_file, resolve

SAMPLE = """
# a comment
IMRAN_KHAN
+IMRAN_AHMED_KHAN_NIAZI
\t[PAKOPP]
\t[PAKGOV 180818-220410]
\t[PAKOPP >20220411]
PAKISTAN_  [PAK]
+PAKISTANI_
HAMAS_GUNMEN [PSEHMSMIL]
BROKEN_MAN
\t[ARMUNR 9008223-911221]
\t[ARM >911221]
<!-- HIDDEN_ENTRY [XXX] -->
"""


def test_dated_roles_resolve_in_time(tmp_path: Path) -> None:
    problems: list[str] = []
    records = {r.name: r for r in parse_phoenix_actors(SAMPLE, "s.txt", problems)}
    assert set(records) == {"IMRAN KHAN", "PAKISTAN", "HAMAS GUNMEN", "BROKEN MAN"}
    khan = records["IMRAN KHAN"]
    assert khan.is_person and khan.names == ("IMRAN KHAN", "IMRAN AHMED KHAN NIAZI")
    # Dated roles first, the undated one last: it applies only when no dated one does.
    assert [(r.sector, r.start, r.end) for r in khan.roles] == [
        ("GOV", dt.date(2018, 8, 18), dt.date(2022, 4, 10)),
        ("OPP", dt.date(2022, 4, 11), None),
        ("OPP", None, None),
    ]
    assert records["HAMAS GUNMEN"].roles[0].sector == "MIL"
    assert len(problems) == 1 and "9008223" in problems[0]
    assert len(records["BROKEN MAN"].roles) == 1


def test_imported_file_loads_case_insensitively_and_resolves(tmp_path: Path) -> None:
    f = tmp_path / "a.actors.txt"
    f.write_text(SAMPLE)
    entries = {s: e for s, e in load_actor_file(str(f))}
    khan = entries["IMRAN KHAN"]
    assert resolve(khan, dt.date(2019, 1, 1)).sector == "GOV"
    assert resolve(khan, dt.date(2023, 1, 1)).sector == "OPP"
    assert resolve(khan, dt.date(2010, 1, 1)).sector == "OPP"


def test_to_yaml_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "a.actors.txt"
    src.write_text(SAMPLE)
    out = tmp_path / "a.yaml"
    problems: list[str] = []
    assert to_yaml(str(src), str(out), problems) == 4
    data = yaml.safe_load(out.read_text())
    khan = next(d for d in data if d["name"] == "Imran Khan")
    assert khan["aliases"] == ["Imran Ahmed Khan Niazi"]
    assert khan["roles"][0] == {
        "code": "PAK",
        "sector": "GOV",
        "from": "2018-08-18",
        "until": "2022-04-10",
    }
    loaded = {s: e for s, e in load_actor_file(str(out))}
    assert loaded["Imran Khan"].kind == "person" and loaded["Pakistan"].kind == "group"


def test_the_shared_phoenix_dictionaries_import(tmp_path: Path) -> None:
    from conftest import DICTIONARIES

    problems: list[str] = []
    text = (DICTIONARIES / "Phoenix.Countries.actors.txt").read_text("utf-8", errors="replace")
    records = list(parse_phoenix_actors(text, "Phoenix.Countries.actors.txt", problems))
    assert len(records) > 10_000
    khan = next(r for r in records if r.name == "IMRAN KHAN")
    assert {r.code for r in khan.roles} == {"PAK"}
