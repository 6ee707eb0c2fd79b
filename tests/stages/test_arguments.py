"""Arguments: who the source and the target are, on sentences written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import triples
from dyad.types import RawDocument

DAY = dt.date(2019, 6, 1)


def _story(pipeline, *paragraphs: str) -> set[tuple[str, str | None, str]]:
    (result,) = pipeline.process([RawDocument("s", "<test>", "\n\n".join(paragraphs), False, DAY)])
    return triples(result.events)


@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        # a modifier that names no actor is not the source: climb to the clause's subject
        (
            "France began aerial bombardments of rebel positions in Mali.",
            ("FRA", "MLI", "ASSAULT"),
            None,
        ),
        # the first conjunct's modifier is the second's too
        (
            "Israeli helicopters and tanks shelled a refugee camp in Gaza.",
            ("ISR", "PSE", "ASSAULT"),
            ("PSE", "PSE", "ASSAULT"),
        ),
        # "ethnic X" are people where the event is, not the state named X
        (
            "Police detained dozens of ethnic Uzbeks in Osh on Monday.",
            ("KGZ", "KGZ", "COERCE"),
            ("KGZ", "UZB", "COERCE"),
        ),
        # an agent of no named country yields to a named actor in another slot
        ("Cuba offered to send doctors to Italy.", ("CUB", "ITA", "AGREE"), None),
        # "to" parsed as a dative is still the recipient
        ("Cuba sent medical aid to Italy.", ("CUB", "ITA", "AID"), None),
    ],
)
def test_source_and_target(coder, text: str, expected: tuple, not_expected: tuple | None) -> None:
    got = triples(coder(text, DAY))
    assert expected in got
    assert not_expected not in got


def test_one_actor_on_both_sides_is_no_dyad(coder) -> None:
    got = triples(coder("The Turkish government praised Ankara's government.", DAY))
    assert not any(s == t for s, t, _ in got)


def test_two_sectors_of_one_country_are_a_dyad(coder) -> None:
    assert ("NGA", "NGA", "ASSAULT") in triples(
        coder("Nigerian soldiers attacked rebels in Maiduguri.", DAY)
    )


def test_a_generic_agent_takes_the_country_of_the_story(pipeline) -> None:
    got = _story(
        pipeline,
        "Ukraine's army said on Monday that fighting continued near Donetsk.",
        "Separatists shelled a checkpoint on Tuesday, a French journalist reported.",
    )
    assert ("UKR", "UKR", "ASSAULT") in got
    assert not any(s == "FRA" for s, _, _ in got)


def test_agents_stay_where_the_story_placed_them(pipeline) -> None:
    got = _story(
        pipeline,
        "Rebels ambushed an army convoy near Idlib on Monday, officials in Damascus said.",
        "On Tuesday, the rebels attacked a police station, a Turkish monitor reported.",
    )
    assert ("SYR", "SYR", "ASSAULT") in got
    assert not any(s == "TUR" for s, _, _ in got)


def test_an_attack_on_an_unnamed_thing_abroad_is_not_on_the_attacker(coder) -> None:
    got = triples(coder("British jets bombed a weapons depot.", DAY))
    assert ("GBR", "GBR", "ASSAULT") not in got
