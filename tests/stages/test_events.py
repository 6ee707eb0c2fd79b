"""The coder: predicates with their actors, types, modality and dates."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import triples
from dyad.types import DatePrecision, Modality

WED = dt.date(2018, 9, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Washington accuses Pakistan of harbouring militants.", {("USA", "PAK", "ACCUSE")}),
        ("Pakistan rejected India's offer of talks.", {("PAK", "IND", "REJECT")}),
        ("The Pentagon cancelled $300 million in aid to Pakistan.", {("USA", "PAK", "SANCTION")}),
        ("Pakistani police arrested Hafiz Saeed in Lahore.", {("PAK", "PAK", "COERCE")}),
        ("Mike Pompeo met Shah Mahmood Qureshi in Islamabad.", {("USA", "PAK", "CONSULT")}),
        (
            "Iran threatened to close the Strait of Hormuz to American ships.",
            {("IRN", "USA", "THREATEN")},
        ),
        (
            "China and Pakistan signed an agreement on trade.",
            {("CHN", "PAK", "SUPPORT"), ("PAK", "CHN", "SUPPORT")},
        ),
        ("Afghan forces attacked Taliban positions in Helmand.", {("AFG", "AFG", "ASSAULT")}),
    ],
)
def test_who_did_what_to_whom(coder, text: str, expected: set) -> None:
    assert expected <= triples(coder(text, WED))


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("Khan would not support any action that helps America.", Modality.HYPOTHETICAL),
        ("The Taliban could well shrug off Pakistan's requests.", Modality.HYPOTHETICAL),
        (
            "If Islamabad refuses to cooperate with Washington, it will lose the loan.",
            Modality.CONDITIONAL,
        ),
        ("Pakistan did not accuse India of the attack.", Modality.NEGATED),
        ("Will Pakistan reject the American demand?", Modality.QUESTION),
        ("Khan has a golden opportunity to cooperate with America.", Modality.HYPOTHETICAL),
    ],
)
def test_statements_that_are_not_facts_are_not_coded(coder, text: str, modality: Modality) -> None:
    assert coder(text, WED) == []
    kept = coder(text, WED, all_modalities=True)
    assert all(e.modality != Modality.ASSERTED for e in kept)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Syria says it will not accept any more refugees from Iraq.", ("SYR", "REJECT")),
        ("Iraq said it would allow the return of UN weapons inspectors.", ("IRQ", "AGREE")),
        (
            "The Bush administration declared that China must drop barriers to US exports.",
            ("USA", "REQUEST"),
        ),
        (
            "Palestinian leaders said they would boycott all official contact with the United States.",
            ("PSE", "THREATEN"),
        ),
    ],
)
def test_announced_intents_and_demands_are_events(
    coder, text: str, expected: tuple[str, str]
) -> None:
    assert expected in {(s, p) for s, _, p in triples(coder(text, WED))}


def test_an_analysts_future_is_not_a_states_intent(coder) -> None:
    text = '"Pakistan will never accept that," Shoaib, a defence analyst, said.'
    assert not [e for e in coder(text, WED) if e.plover == "REJECT"]


def test_dates_come_from_the_clause(coder) -> None:
    (e,) = [
        e for e in coder("On Sunday, the Pentagon cancelled $300 million in aid to Pakistan.", WED)
    ]
    assert (e.date.date, e.date.precision) == (dt.date(2018, 9, 2), DatePrecision.DAY)
    events = coder(
        "US President Donald Trump said at the beginning of the year that his administration was suspending aid payments to Pakistan.",
        WED,
    )
    assert any(
        e.date.date == dt.date(2018, 1, 1) and e.date.precision == DatePrecision.MONTH
        for e in events
    )
    (e,) = coder("Pakistan accused India of shelling villages.", WED)
    assert (e.date.date, e.date.precision) == (WED, DatePrecision.DOCUMENT)


def test_a_future_clause_dates_forward_and_a_time_clause_takes_its_date(coder) -> None:
    thursday = dt.date(2019, 2, 28)
    events = coder(
        "Imran Khan said on Thursday that Pakistan would release the Indian pilot on Friday.",
        thursday,
    )
    assert any(e.date.date == dt.date(2019, 3, 1) for e in events)
    events = coder(
        "The payments were suspended in January, when the administration froze aid to Pakistan.",
        WED,
    )
    assert events and all(e.date.date == dt.date(2018, 1, 1) for e in events)


@pytest.mark.parametrize(
    "text",
    [
        "Peace would come only when the Taliban agreed to a ceasefire.",
        "The State Department urged all parties to show restraint.",
        "Indian warplanes struck what New Delhi called a militant camp.",
    ],
)
def test_no_fact_or_no_actor_is_coded_as_such(coder, text: str) -> None:
    events = coder(text, WED)
    assert not [e for e in events if e.plover in {"AGREE", "PROTEST"}]
    assert not [e for e in events if e.target is not None and e.target.sector == "PTY"]


def test_summoning_an_envoy_is_a_protest_to_the_envoys_state(coder) -> None:
    events = coder("Pakistan's Foreign Office summoned the US ambassador on Monday.", WED)
    assert ("PAK", "USA", "ACCUSE") in triples(events)


def test_location_of_the_event(coder) -> None:
    events = coder(
        "Pakistani police arrested Hafiz Saeed in Lahore on Wednesday.", dt.date(2019, 7, 17)
    )
    assert events and events[0].location is not None and events[0].location.country == "PAK"


def test_every_event_has_codes_and_evidence(coder) -> None:
    text = "Pakistan expelled India's high commissioner on Wednesday."
    (e,) = coder(text, dt.date(2019, 8, 7))
    assert (
        e.cameo.startswith("16")
        and e.plover == "SANCTION"
        and e.goldstein < 0
        and int(e.quad_class) == 4
    )
    assert e.sentence == text and e.end - e.start == len(text) and e.event_id and e.mention_id


def test_explain_says_why(pipeline) -> None:
    from dyad.api import explain

    out = explain("Khan would not support any action.", WED, pipeline=pipeline)
    assert "not asserted: hypothetical" in out and "Events coded as fact: 0" in out


def test_patterns_file_is_validated(tmp_path) -> None:
    from dyad.errors import DataFileError
    from dyad.stages.events.lexicon import _pattern

    with pytest.raises(DataFileError, match="unknown CAMEO code"):
        _pattern("p.yaml", 0, {"verb": "x", "cameo": "999"}, {}, {})
    with pytest.raises(DataFileError, match="quote on, off"):
        _pattern("p.yaml", 0, {"verb": "x", "particle": [False], "cameo": "010"}, {}, {"010": None})


def test_pronouns_follow_the_story(pipeline) -> None:
    from dyad.types import RawDocument

    text = (
        "Mike Pompeo met Imran Khan in Islamabad on Wednesday.\n\n"
        "Pompeo said he had pressed Pakistan to act against militants. "
        "Foreign Minister Shah Mahmood Qureshi met Pompeo later and asked him to resume aid."
    )
    (result,) = pipeline.process([RawDocument("p", "<test>", text, False, WED, "given")])
    got = triples(result.events)
    assert ("USA", "PAK", "REQUEST") in got  # "he" is Pompeo, the one who said it
    assert ("PAK", "USA", "REQUEST") in got  # "him" is Pompeo, not Qureshi


def test_the_two_countries_are_the_last_two_named(pipeline) -> None:
    from dyad.types import RawDocument

    text = (
        "Indian and Pakistani troops exchanged fire across the Line of Control on Tuesday.\n\n"
        "Washington urged both countries to avoid escalation."
    )
    (result,) = pipeline.process([RawDocument("p", "<test>", text, False, WED, "given")])
    got = triples(result.events)
    assert {("USA", "IND", "REQUEST"), ("USA", "PAK", "REQUEST")} <= got


@pytest.mark.parametrize(
    ("text", "speech_act", "not_the_action"),
    [
        # what is asked for is requested, not done
        (
            "Washington demanded that Pakistan arrest the militants.",
            ("USA", "PAK", "REQUEST"),
            ("PAK", "PAK", "COERCE"),
        ),
        (
            "India wants Pakistan to act against the militants.",
            ("IND", "PAK", "REQUEST"),
            ("PAK", "PAK", "COERCE"),
        ),
        # an offer to mediate between two parties is an intent towards both
        (
            "Pakistan offered to mediate between Iran and Saudi Arabia.",
            ("PAK", "SAU", "AGREE"),
            None,
        ),
        (
            "Turkey is ready to host talks between Russia and Ukraine.",
            ("TUR", "UKR", "AGREE"),
            ("TUR", "UKR", "CONSULT"),
        ),
        # "they" are the rebels of the same sentence
        (
            "Colombian rebels said they would attack police stations.",
            ("COL", "COL", "THREATEN"),
            ("COL", "COL", "ASSAULT"),
        ),
    ],
)
def test_speech_acts_are_coded_and_their_actions_are_not(
    coder, text: str, speech_act: tuple, not_the_action: tuple | None
) -> None:
    got = triples(coder(text, WED))
    assert speech_act in got
    assert not_the_action not in got


def test_an_assessment_of_a_threat_is_no_threat(coder) -> None:
    text = "A Somali army commander said the militants pose a serious threat to the city."
    assert not any(p == "THREATEN" for _, _, p in triples(coder(text, WED)))


def test_the_next_pattern_when_the_first_lacks_its_arguments(coder) -> None:
    # "protest against" as a complaint needs someone complained to; as a protest it does not
    got = coder("Thousands of Kenyans protested on Monday against the attack on the mall.", WED)
    assert ("KEN", "KEN", "PROTEST") in triples(got)


def test_the_agency_is_the_organisation_just_named(coder) -> None:
    text = "Iran and the IAEA held talks in Vienna, a week after the agency accused Tehran."
    got = triples(coder(text, WED))
    assert ("IGO", "IRN", "ACCUSE") in got
    assert {("IRN", "IGO", "CONSULT"), ("IGO", "IRN", "CONSULT")} <= got
    assert not any(t == "AUT" for _, t, _ in got)  # Vienna is where, not with whom


@pytest.mark.parametrize(
    ("text", "plover", "day"),
    [
        # a date attached to an event noun dates that event, not the clause around it
        ("Kenyans rallied on Monday against last week's attack in Nairobi.", "PROTEST", 3),
        ("Kenyans rallied against last week's attack in Nairobi.", "PROTEST", None),
        # a clause "after" another happened at another time
        (
            "Iran held talks with the IAEA on Friday, after the agency accused Tehran.",
            "ACCUSE",
            None,
        ),
        (
            "Iran held talks with the IAEA on Friday, after the agency accused Tehran.",
            "CONSULT",
            31,
        ),
    ],
)
def test_a_date_dates_its_own_clause(coder, text: str, plover: str, day: int | None) -> None:
    (event,) = [e for e in coder(text, WED) if e.plover == plover]
    if day is None:
        assert event.date.precision == DatePrecision.DOCUMENT
    else:
        assert event.date.precision == DatePrecision.DAY and event.date.date.day == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Putin and Erdogan spoke by phone on Tuesday.", {("RUS", "TUR", "CONSULT")}),
        (
            "The Sudanese army and the rebels reached a ceasefire in Darfur.",
            {("SDN", "SDN", "RETREAT")},
        ),
        ("Japan complained of Chinese ships entering its waters.", {("JPN", "CHN", "ACCUSE")}),
        (
            "The United States declared Hezbollah a terrorist organization.",
            {("USA", "LBN", "SANCTION")},
        ),
        ("North Korea conducted a nuclear test on Monday.", {("PRK", "PRK", "MOBILIZE")}),
        ("Iran tested a ballistic missile.", {("IRN", "IRN", "MOBILIZE")}),
        (
            "The German minister reaffirmed Ukraine's right to defend itself.",
            {("DEU", "UKR", "SUPPORT")},
        ),
        (
            "Kenyan troops entered Kismayo on Monday, two days after the militants abandoned "
            "the city.",
            {("KEN", "SOM", "MOBILIZE"), ("SOM", "SOM", "RETREAT")},
        ),
    ],
)
def test_phrases_of_news(coder, text: str, expected: set) -> None:
    assert expected <= triples(coder(text, WED))


def test_two_days_after_is_two_days_before(coder) -> None:
    text = (
        "Kenyan troops entered Kismayo on Monday, two days after the militants abandoned the city."
    )
    (retreat,) = [e for e in coder(text, WED) if e.plover == "RETREAT"]
    assert retreat.date.date == dt.date(2018, 9, 1)  # Monday 3 September - 2 days


def test_the_intent_to_agree_is_not_the_ceasefire(coder) -> None:
    got = triples(coder("Bosnia and Slovenia agreed to a ceasefire.", WED))
    assert ("BIH", "SVN", "AGREE") in got and ("BIH", "SVN", "RETREAT") not in got


def test_a_warning_about_how_things_are_is_no_threat(coder) -> None:
    said = "The US envoy warned that the militants have been weakened but not defeated."
    assert not any(p == "THREATEN" for _, _, p in triples(coder(said, WED)))
    threat = "Russia warned that it would retaliate against any NATO attack."
    assert ("RUS", "IGO", "THREATEN") in triples(coder(threat, WED))


def test_calling_on_someone_is_a_visit_unless_it_asks_them_to_act(coder) -> None:
    visit = "The Egyptian minister called on the Jordanian king at his palace in Amman."
    assert ("EGY", "JOR", "CONSULT") in triples(coder(visit, WED))
    ask = "The UN chief called on Israel to halt settlement building."
    assert ("IGO", "ISR", "REQUEST") in triples(coder(ask, WED))
