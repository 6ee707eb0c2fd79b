"""Discards: sentences and stories that are not political news are not coded."""

from __future__ import annotations

import datetime as dt

from conftest import triples
from dyad.stages.discards import Discards
from dyad.types import DropReason, RawDocument

DAY = dt.date(2018, 7, 16)


def test_phrases_match_whole_words_and_stems() -> None:
    d = Discards.from_lists(["wicket*", "golf course"], ["grand prix"])
    assert d.sentence("He took three wickets.") == "wickets"
    assert d.sentence("A new Golf Course opened.") == "Golf Course"
    assert d.sentence("The golf coursework") is None  # a whole-word phrase
    assert d.sentence("Rain stopped play at the Grand Prix.") == "Grand Prix"
    assert d.story("the Monaco grand prix") == "grand prix"
    assert d.sentence("Ministers met in Paris.") is None


def test_a_sports_story_is_not_coded(pipeline) -> None:
    text = (
        "France beat Croatia 4-2 in the World Cup final on Sunday.\n\n"
        "Croatia had knocked out England in the semifinal."
    )
    (result,) = pipeline.process([RawDocument("wc", "<test>", text, False, DAY)])
    assert result.events == ()
    assert not any(s.coded for s in result.sentences)
    drops = [d for d in result.document.drops if d.reason == DropReason.DISCARD]
    assert [d.rule for d in drops] == ["story: world cup"]


def test_a_sentence_about_sport_that_names_an_institution_is_coded(pipeline) -> None:
    text = "Zimbabwean police arrested twelve opposition activists at a football match in Harare."
    (result,) = pipeline.process([RawDocument("fb", "<test>", text, False, DAY)])
    assert ("ZWE", "ZWE", "COERCE") in triples(result.events)


def test_a_game_result_is_no_assault(coder) -> None:
    assert coder("India beat Sri Lanka by 117 runs.", DAY) == []
    assert coder("Brazil defeated Argentina in the final.", DAY) == []
    assert ("ZWE", "ZWE", "ASSAULT") in triples(coder("Police beat protesters in Harare.", DAY))


def test_explain_says_a_sentence_is_discarded(pipeline) -> None:
    from dyad.api import explain

    out = explain("Spain won the World Cup in 2010.", DAY, pipeline=pipeline)
    assert "Discarded: holds 'World Cup'" in out
