"""Actors: dictionaries validated at load, resolved in time, composed, and followed through a
document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dyad.errors import DataFileError
from dyad.stages.actors import ActorBook, Discourse, SentenceActors, noun_phrase_actor, resolve


@pytest.fixture(scope="module")
def book(pipeline) -> ActorBook:
    return pipeline.actors


def _entry(book: ActorBook, name: str, kind: str):
    return next(e for e in book.names[name] if e.kind == kind)


@pytest.mark.parametrize(
    ("day", "sector"),
    [
        (dt.date(2017, 6, 1), "OPP"),
        (dt.date(2018, 8, 18), "GOV"),
        (dt.date(2021, 1, 1), "GOV"),
        (dt.date(2023, 1, 1), "OPP"),
    ],
)
def test_imran_khan_over_time(book: ActorBook, day: dt.date, sector: str) -> None:
    a = resolve(_entry(book, "Imran Khan", "person"), day)
    assert a is not None and (a.code, a.sector) == ("PAK", sector)


def test_taliban_are_rebels_then_the_government(book: ActorBook) -> None:
    taliban = _entry(book, "Taliban", "group")
    assert resolve(taliban, dt.date(2019, 1, 1)).sector == "REB"
    assert resolve(taliban, dt.date(2021, 9, 1)).sector == "GOV"
    assert resolve(taliban, dt.date(2021, 9, 1)).code == "AFG"


def test_every_iso_country_and_the_seats_of_power(book: ActorBook) -> None:
    for name, code in [
        ("Pakistan", "PAK"),
        ("Ivory Coast", "CIV"),
        ("UK", "GBR"),
        ("Washington", "USA"),
        ("Kremlin", "RUS"),
        ("Pentagon", "USA"),
        ("Islamabad", "PAK"),
        ("Kabul", "AFG"),
    ]:
        entries = book.names.get(name)
        assert entries, name
        assert resolve(entries[0], dt.date(2019, 1, 1)).code == code, name


def test_igos_and_armed_groups(book: ActorBook) -> None:
    for name, code in [
        ("IMF", "IGO"),
        ("NATO", "IGO"),
        ("FATF", "IGO"),
        ("al-Qaeda", "IMG"),
        ("Haqqani Network", "AFG"),
        ("TTP", "PAK"),
    ]:
        entries = book.names.get(name)
        assert entries, name
        assert resolve(entries[0], dt.date(2019, 1, 1)).code == code, name


def _data_dir(root: Path, people: str) -> Path:
    """A data folder with the shipped countries, groups and agents, and ``people`` as its
    only people file (``actors/people/x.yaml``)."""
    (root / "actors" / "people").mkdir(parents=True)
    shipped = Path(__file__).resolve().parents[2] / "src" / "dyad" / "data" / "actors"
    for f in ("countries.yaml", "groups.yaml", "agents.yaml"):
        (root / "actors" / f).write_text((shipped / f).read_text())
    (root / "actors" / "people" / "x.yaml").write_text(people)
    return root


def test_a_bad_people_file_is_refused_with_its_place(tmp_path: Path) -> None:
    _data_dir(
        tmp_path,
        "- name: Someone\n  roles:\n    - {code: PAK, sector: GOV, from: 2020-01-01, until: 2019-01-01}\n",
    )
    with pytest.raises(DataFileError, match=r"ends .* before it starts"):
        ActorBook.load(data_dir=tmp_path)
    (tmp_path / "actors" / "people" / "x.yaml").write_text(
        "- name: Someone\n  roles:\n    - {code: PAK, sector: XYZ}\n"
    )
    with pytest.raises(DataFileError, match="unknown sector"):
        ActorBook.load(data_dir=tmp_path)


def _np(pipeline, text: str, word: str, day: dt.date = dt.date(2019, 6, 1)):
    doc = pipeline.nlp.nlp(text)
    sent = SentenceActors(doc, pipeline.actors.find(doc, pipeline.nlp.nlp))
    discourse = Discourse(pipeline.actors, day, 90.0)
    head = next(t for t in doc if t.text == word)
    return noun_phrase_actor(head, sent, discourse, 0)


@pytest.mark.parametrize(
    ("text", "word", "code", "sector"),
    [
        ("Pakistani officials met on Monday.", "officials", "PAK", "GOV"),
        ("Pakistan's army chief spoke.", "chief", "PAK", "MIL"),
        ("The army chief of Pakistan spoke.", "chief", "PAK", "MIL"),
        ("Taliban representatives met.", "representatives", "AFG", "REB"),
        ("American drones flew.", "drones", "USA", "MIL"),
        ("The Pentagon said so.", "Pentagon", "USA", "MIL"),
        ("Rebels in the Ivory Coast attacked.", "Rebels", "CIV", "REB"),
    ],
)
def test_country_and_sector_compose(pipeline, text: str, word: str, code: str, sector: str) -> None:
    m = _np(pipeline, text, word)
    assert m is not None and (m.actor.code, m.actor.sector) == (code, sector)


def test_misspelt_name_resolves_with_lower_confidence(pipeline) -> None:
    m = _np(pipeline, "Prime Minister Iman Khan met the envoy.", "Khan")
    assert m is not None and m.actor.name == "Imran Khan" and m.confidence < 1.0


def test_later_mentions_resolve_to_earlier_ones(pipeline) -> None:
    from dyad.stages.events import SentenceContext

    discourse = Discourse(pipeline.actors, dt.date(2019, 6, 1), 90.0)
    texts = [
        "Imran Khan arrived in Washington on Monday.",
        "Khan met the president.",
        "He said talks went well.",
    ]
    for i, text in enumerate(texts):
        doc = pipeline.nlp.nlp(text)
        pipeline.coder.code(doc, SentenceContext("d", i, 0, text, discourse.day), discourse)
    assert discourse.surname("Khan").actor.name == "Imran Khan"
    k = discourse.last({"person"})
    assert k is not None and k.actor.code in {"PAK", "USA"}


def test_an_unknown_namesake_blocks_a_wrong_surname(pipeline) -> None:
    from dyad.stages.events import SentenceContext

    discourse = Discourse(pipeline.actors, dt.date(2018, 9, 5), 90.0)
    for i, text in enumerate(
        [
            "Imran Khan met the envoy.",
            "Tauseef Ahmed Khan, an analyst, told DW the meeting went well.",
        ]
    ):
        doc = pipeline.nlp.nlp(text)
        pipeline.coder.code(doc, SentenceContext("d", i, 0, text, discourse.day), discourse)
    known = discourse.surname("Khan")
    assert known is not None and known.text == "Tauseef Ahmed Khan" and known.actor is None


QURESHI = "- name: Ayesha Qureshi\n  roles:\n    - {code: PAK, sector: GOV, from: 2020-01-01}\n"


def test_the_dictionaries_are_read_back_from_the_cache_until_a_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dyad.stages.actors as actors

    monkeypatch.setenv("DYAD_CACHE_DIR", str(tmp_path / "cache"))
    data = _data_dir(tmp_path / "data", QURESHI)
    first = ActorBook.load(data_dir=data)
    assert len(list((tmp_path / "cache").glob("actors-*.pickle"))) == 1

    def no_parsing(*args: object) -> None:
        raise AssertionError("parsed again: the cache was not used")

    monkeypatch.setattr(actors, "_load_yaml", no_parsing)
    again = ActorBook.load(data_dir=data)
    assert again.names.keys() == first.names.keys()
    assert again.names["Ayesha Qureshi"] == first.names["Ayesha Qureshi"]
    assert again.places.keys() == first.places.keys()
    # an edited file is a different key: parsed again (here: refused by no_parsing)
    (data / "actors" / "people" / "x.yaml").write_text(
        "- name: Bilal Qureshi\n  roles:\n    - {code: PAK, sector: GOV}\n"
    )
    with pytest.raises(AssertionError, match="parsed again"):
        ActorBook.load(data_dir=data)
    monkeypatch.undo()
    monkeypatch.setenv("DYAD_CACHE_DIR", str(tmp_path / "cache"))
    edited = ActorBook.load(data_dir=data)
    assert "Bilal Qureshi" in edited.names and "Ayesha Qureshi" not in edited.names


def test_a_damaged_or_unwritable_cache_only_means_reading_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data_dir(tmp_path / "data", QURESHI)
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("DYAD_CACHE_DIR", str(cache_dir))
    ActorBook.load(data_dir=data)
    [entry] = cache_dir.glob("actors-*.pickle")
    entry.write_bytes(entry.read_bytes()[:100])  # truncated
    assert "Ayesha Qureshi" in ActorBook.load(data_dir=data).names
    assert entry.stat().st_size > 100  # written again, whole
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("DYAD_CACHE_DIR", str(blocker / "cache"))
    assert "Ayesha Qureshi" in ActorBook.load(data_dir=data).names
    monkeypatch.setenv("DYAD_CACHE_DIR", "off")
    assert "Ayesha Qureshi" in ActorBook.load(data_dir=data).names
