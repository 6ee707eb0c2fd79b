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


def test_an_event_judged_by_the_subject_is_not_the_subjects_own(coder) -> None:
    # a support verb shares its subject with the event noun; a verb of judgment does not
    launched = triples(coder("Syrian troops launched an offensive against Turkish forces.", DAY))
    assert ("SYR", "TUR", "ASSAULT") in launched
    condemned = triples(coder("France condemned the attack on the Russian embassy.", DAY))
    assert not any(s == "FRA" and p == "ASSAULT" for s, _, p in condemned)


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the two sides of "clashes between A and B" are A and B, whatever the clause says
        (
            "Talks will resume next week after two days of clashes between the army and "
            "rebels in Darfur.",
            {("SDN", "SDN", "ASSAULT")},
        ),
        # the owner of the object: by whom it was made
        ("Rebels rejected a truce declared by Colombia's president.", {("COL", "COL", "REJECT")}),
        # where the thing condemned is
        ("The United States condemned the violence in Syria.", {("USA", "SYR", "ACCUSE")}),
        # an event noun's target is the owner of what it is about
        (
            "The president underscored the United States' condemnation of Hamas' rocket attacks.",
            {("USA", "PSE", "ACCUSE")},
        ),
        # "leaders of the opposition": the opposition's
        (
            "Leaders of the opposition alliance in Caracas agreed to postpone the march.",
            {("VEN", "VEN", "AGREE")},
        ),
    ],
)
def test_arguments_inside_the_phrase(coder, text: str, expected: set) -> None:
    assert expected <= triples(coder(text, DAY))


def test_the_source_own_country_is_not_its_target(coder) -> None:
    got = triples(
        coder("The US president reaffirmed the United States' support for Egypt's plan.", DAY)
    )
    assert ("USA", "EGY", "SUPPORT") in got and ("USA", "USA", "SUPPORT") not in got


def test_a_description_is_not_an_event(coder) -> None:
    got = triples(coder("Moscow denounced the sanctions as an act of aggression.", DAY))
    assert not any(p == "ASSAULT" for _, _, p in got)


def test_the_president_is_the_one_the_story_named(pipeline) -> None:
    text = (
        "President Obama met Chancellor Merkel in Berlin on Monday.\n\n"
        "The president praised Germany's support for Ukraine."
    )
    (result,) = pipeline.process([RawDocument("s", "<test>", text, False, dt.date(2014, 7, 1))])
    assert ("USA", "DEU", "SUPPORT") in triples(result.events)


def test_the_two_sides_are_the_last_two_parties(pipeline) -> None:
    text = (
        "Iranian officials met IAEA inspectors in Tehran on Monday.\n\n"
        "The two sides met again on Friday in Vienna."
    )
    (result,) = pipeline.process([RawDocument("s", "<test>", text, False, dt.date(2014, 7, 1))])
    events = [e for e in result.events if e.date.date == dt.date(2014, 6, 27)]
    assert {("IRN", "IGO", "CONSULT"), ("IGO", "IRN", "CONSULT")} <= triples(events)


def test_the_story_is_where_its_towns_are(pipeline) -> None:
    got = _story(
        pipeline,
        "French troops reached the town of Kidal on Tuesday, officials in Paris said.",
        "The militants had seized the airport in April.",
    )
    assert ("MLI", "MLI", "ASSAULT") in got
    assert not any(s == "FRA" and p == "ASSAULT" for s, _, p in got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "the Afghan insurgency" says who, not where; "in Peshawar" says where
        (
            "Afghan militants killed six people in Peshawar in the latest attack of the Afghan "
            "insurgency.",
            ("AFG", "PAK", "ASSAULT"),
        ),
        # a town the tagger takes for a people is still a place
        (
            "A car bomb near the town of Baqubah killed three Iraqi policemen, the army said.",
            ("IRQ", "IRQ", "ASSAULT"),
        ),
        # "they" are the rebels who said it
        (
            "Ivorian rebels rejected the plan of Senegal on Friday and said they opposed any "
            "deployment of French troops.",
            ("CIV", "FRA", "REJECT"),
        ),
    ],
)
def test_places_and_sayers(coder, text: str, expected: tuple) -> None:
    assert expected in triples(coder(text, DAY))


def test_a_demand_keeps_its_direction(coder) -> None:
    got = triples(coder("Washington said Beijing must drop the tariffs or face penalties.", DAY))
    assert ("USA", "CHN", "REQUEST") in got and ("CHN", "USA", "REQUEST") not in got
