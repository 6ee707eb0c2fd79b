"""The converter from PETRARCH-2's CAMEO verb dictionary to dyad patterns, on a dictionary
written for the test, and the converted lexicon in use."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, triples

_spec = importlib.util.spec_from_file_location(
    "convert_petrarch", ROOT / "scripts/convert_petrarch.py"
)
assert _spec is not None and _spec.loader is not None
convert_petrarch = importlib.util.module_from_spec(_spec)
sys.modules["convert_petrarch"] = convert_petrarch
_spec.loader.exec_module(convert_petrarch)

SAMPLE = """
####### SYNONYM SETS #######

&BORDER
# a comment inside a set
+FRONTIER
+BORDER

&PROPOSAL
+PLAN
+PEACE_OFFER_

####### VERB PATTERNS #######

---  HURRY   [---]  ---
HURRY {HURRIES HURRIED}
DASH
+RUSH_OFF [042]
- * (TO &BORDER)                     [154]   # DASH
- * FOOD                             [073]
- &BORDER GUARDS *                   [151]   # HURRY
- * {RELIEF CONVOY} (TO +)           [073:074]   # HURRY
- * (BEFORE JUDGE)                   [:173]  # HURRY
- * PARCEL                           [---]   # DASH

---  FORGIVE   [056]  ---
FORGIVE {FORGAVE FORGIVEN}
EXCUSE [055]
- * &PROPOSAL                        [2999]  # FORGIVE

~ a (a b ATTACK) SAY = a b 015
"""
CODES = {"154", "073", "074", "151", "173", "042", "056", "055", "05"}


def _line(fragment: str) -> str:
    """The origin a pattern of SAMPLE gets: its block and line."""
    n = next(i for i, line in enumerate(SAMPLE.splitlines(), 1) if fragment in line)
    return f"HURRY line {n}"


def _converted(only_found_with: bool = True) -> dict:
    data, problems = convert_petrarch.convert(SAMPLE, CODES, only_found_with=only_found_with)
    assert [p.split(": ", 1)[1] for p in problems] == ["CAMEO code 2999 unknown; left out"]
    return data


def test_synonym_sets_and_verb_blocks() -> None:
    data = _converted()
    assert data["classes"]["BORDER"] == ["border", "borders", "frontier", "frontiers"]
    assert data["classes"]["PROPOSAL"] == ["peace offer", "plan", "plans"]
    assert data["classes"]["verbs_hurry"] == ["dash", "hurry"]
    assert data["forms"]["hurry"] == ["hurried", "hurries"]
    assert data["forms"]["forgive"] == ["forgave", "forgiven"]


def test_patterns_become_dependency_constraints() -> None:
    by_line = {p["origin"]: p for p in _converted(only_found_with=False)["patterns"]}
    to_border = by_line[_line("(TO &BORDER)")]
    assert to_border["pp"] == [{"to": ["@BORDER"]}] and to_border["cameo"] == "154"
    assert by_line[_line("* FOOD")]["object"] == ["food"]
    assert by_line[_line("&BORDER GUARDS")]["subject"] == ["guards"]
    convoy = by_line[_line("{RELIEF CONVOY}")]
    assert convoy["object"] == ["relief convoy"] and convoy["pp"] == [{"to": None}]
    assert convoy["target"] == ["to"]
    assert (convoy["cameo"], convoy["reverse_cameo"]) == ("073", "074")
    judge = by_line[_line("(BEFORE JUDGE)")]
    assert judge["reverse"] is True and judge["cameo"] == "173"
    assert by_line[_line("* PARCEL")]["cameo"] == "---"


def test_a_pattern_applies_to_the_verb_it_was_found_with() -> None:
    patterns = _converted()["patterns"]
    border = [p for p in patterns if p.get("origin") == _line("(TO &BORDER)")]
    assert [p["verb"] for p in border] == [["dash"]]
    # a pattern whose comment names no verb of its block holds for the whole block, and for
    # its phrasal verbs with their particle
    food = [p for p in patterns if p.get("origin") == _line("* FOOD")]
    assert {str(p["verb"]) for p in food} == {"@verbs_hurry", "rush"}
    assert [p.get("particle") for p in food if p["verb"] == "rush"] == [["off"]]


def test_verbs_with_codes_of_their_own() -> None:
    bare = [p for p in _converted()["patterns"] if set(p) <= {"verb", "cameo", "origin"}]
    assert {(p["verb"], p["cameo"]) for p in bare} == {("forgive", "056"), ("excuse", "055")}
    phrasal = [p for p in _converted()["patterns"] if p.get("particle") == ["off"]]
    assert any(p["cameo"] == "042" and "object" not in p for p in phrasal)


def test_the_written_file_loads_with_its_license(tmp_path: Path) -> None:
    dictionary = tmp_path / "CAMEO.test.txt"
    dictionary.write_text(
        "# The MIT License (MIT)\n# Copyright (c) 2015 Someone\n" + SAMPLE, "utf-8"
    )
    out = tmp_path / "verbs.yaml"
    assert convert_petrarch.main(["verbs", str(dictionary), "--out", str(out)]) == 0
    text = out.read_text("utf-8")
    assert "# The MIT License (MIT)" in text and "CAMEO.test.txt" in text
    data = yaml.safe_load(text)
    assert data["patterns"] and all(isinstance(p, dict) for p in data["patterns"])


def test_the_shipped_lexicon_is_the_converters_output(tmp_path: Path) -> None:
    """The committed data is what `make lexicon` writes from the shared dictionary."""
    source = ROOT.parent / "shared/data/dictionaries/CAMEO.2.0.txt"
    if not source.exists():
        pytest.skip("the shared dictionaries are not beside the repository")
    out = tmp_path / "cameo_verbs.yaml"
    convert_petrarch.main(["verbs", str(source), "--out", str(out)])
    shipped = ROOT / "src/dyad/data/events/cameo_verbs.yaml"
    assert out.read_text("utf-8") == shipped.read_text("utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # phrases only the converted dictionary knows
        ("The rebels seized control of Kidal from Mali's army.", ("MLI", "MLI", "ASSAULT")),
    ],
)
def test_converted_patterns_code_events(coder, text: str, expected: tuple) -> None:
    assert expected in triples(coder(text, dt.date(2013, 1, 30)))


def test_explain_names_the_lexicon(pipeline) -> None:
    from dyad.api import explain

    out = explain("Pakistan praised China.", dt.date(2019, 1, 1), pipeline=pipeline)
    assert "dyad pattern" in out
    out = explain("The rebels seized control of Kidal.", dt.date(2013, 1, 30), pipeline=pipeline)
    assert "CAMEO 2.0 APPREHEND line" in out


AGENTS = """
!PERSON! = MAN, WOMAN
# a comment
FARMER [~AGR]
CONGRESS!PERSON! [~LEG]
FOREIGN_MINISTER [~GOVFRM]
POLICE {} [~COP]
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVATG]
HUMAN_RIGHTS_BODY  [NGO~]
"""


def test_agents_keep_the_sectors_dyad_has() -> None:
    data, problems = convert_petrarch.convert_agents(AGENTS, {"LEG", "GOV", "COP"})
    assert data["LEG"] == ["congressman", "congresswoman"]
    assert data["GOV"] == [
        "foreign minister",
        {"term": "attorney general", "plural": "attorneys general"},
    ]
    assert data["COP"] == [{"term": "police", "plural": "police"}]
    assert len(problems) == 2  # farmer (no dyad sector), the organisation code


DISCARDS = """
# Story-level discards are indicated with a '+'.
1944
YEARS AGO
CRICKET   # a comment
GOLF_CLUB_
+GRAND PRIX
"""


def test_discards_sentence_and_story() -> None:
    data, problems = convert_petrarch.convert_discards(DISCARDS)
    assert data == {"sentence": ["cricket*", "golf club"], "story": ["grand prix*"]}
    assert len(problems) == 2  # a year and a "years ago"


def test_the_shipped_agents_and_discards_are_the_converters_output(tmp_path: Path) -> None:
    shared = ROOT.parent / "shared/data/dictionaries"
    if not shared.exists():
        pytest.skip("the shared dictionaries are not beside the repository")
    for kind, name, shipped in [
        ("agents", "Phoenix.agents.txt", "actors/agents_phoenix.yaml"),
        ("discards", "Phoenix.discards.txt", "events/discards.yaml"),
    ]:
        out = tmp_path / f"{kind}.yaml"
        convert_petrarch.main([kind, str(shared / name), "--out", str(out)])
        assert out.read_text("utf-8") == (ROOT / "src/dyad/data" / shipped).read_text("utf-8")
