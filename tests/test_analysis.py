"""Analysis: series, key events, search, network, documents — figures worked out by hand from
the store in ``stores.py``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import stores
from dyad import analysis
from dyad.errors import QueryError
from dyad.store import EventFilter, Store
from stores import DOCUMENTS, Spec, build_store, results

D = dt.date
BOTH = EventFilter(dyad=("USA", "PAK"), undirected=True)
ALL = EventFilter()
sample_store = stores.sample_store


@pytest.fixture(params=["in memory", "stored"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """The hand-made store, read-only, with the analysis tables built in memory or stored."""
    path = build_store(tmp_path / "s.duckdb", index=request.param == "stored")
    with Store(path, read_only=True) as s:
        yield s


def test_directed_series_by_month(store: Store) -> None:
    s = analysis.dyad_series(store, EventFilter(dyad=("USA", "PAK")), "month")
    assert [p.period for p in s.points] == [D(2018, 9, 1), D(2018, 10, 1), D(2018, 11, 1)]
    sep, oct_, nov = s.points
    assert sep.events.count == 2 and sep.events.by_quad == (1, 0, 1, 0)
    assert sep.events.by_type == {"CONSULT": 1, "SANCTION": 1}
    assert sep.events.goldstein_sum == pytest.approx(-4.6)
    assert sep.events.goldstein_mean == pytest.approx(-2.3)
    assert sep.events.index == 0.0
    # By mentions: the sanction is reported three times.
    assert sep.mentions.count == 4 and sep.mentions.by_quad == (1, 0, 3, 0)
    assert sep.mentions.goldstein_sum == pytest.approx(-15.8)
    assert sep.mentions.goldstein_mean == pytest.approx(-3.95)
    assert sep.mentions.index == -0.5
    # A period with no events has no index, not 0.
    assert oct_.events.count == 0 and oct_.events.index is None and oct_.mentions.index is None
    assert nov.events.index == 1.0 and nov.mentions.count == 2
    # Hypothetical threats and the undated event are not in the series.
    assert s.events.count == 3 and "THREATEN" not in s.events.by_type


def test_undirected_series_and_weeks(store: Store) -> None:
    s = analysis.dyad_series(store, BOTH, "month")
    assert [p.events.index for p in s.points] == [pytest.approx(-1 / 3), None, 0.0]
    weeks = analysis.dyad_series(store, BOTH, "week")
    assert weeks.points[0].period == D(2018, 8, 27)  # Sunday 2 September is in this week
    assert all(p.period.weekday() == 0 for p in weeks.points) and len(weeks.points) == 13
    # "In November" is stored as 1 November, a Thursday: it falls in the week of 29 October.
    by_week = {p.period: p.events.by_type for p in weeks.points}
    assert by_week[D(2018, 10, 29)] == {"ACCUSE": 1}
    days = analysis.dyad_series(store, BOTH, "day")
    assert days.points[0].period == D(2018, 9, 2) and days.points[-1].period == D(2018, 11, 19)


def test_series_filters_and_limits(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    s = analysis.dyad_series(
        store, EventFilter(dyad=("USA", "PAK"), undirected=True, since=D(2018, 11, 1)), "month"
    )
    assert [p.period for p in s.points] == [D(2018, 11, 1)]
    # A range cutting periods: only its days count.
    cut = EventFilter(
        dyad=("USA", "PAK"), undirected=True, since=D(2018, 9, 5), until=D(2018, 11, 18)
    )
    for by in ("week", "month"):
        s = analysis.dyad_series(store, cut, by)  # type: ignore[arg-type]
        assert s.events.by_type == {"CONSULT": 1, "REJECT": 1, "ACCUSE": 1}
    assert [p.events.by_quad for p in s.points] == [(1, 0, 1, 0), (0, 0, 0, 0), (0, 0, 1, 0)]
    assert analysis.dyad_series(store, EventFilter(dyad=("PAK", "IND")), "month").points == ()
    words = analysis.dyad_series(store, EventFilter(dyad=("USA", "PAK"), text="officials"))
    assert words.events.by_type == {"CONSULT": 1, "AID": 1, "SANCTION": 1}
    monkeypatch.setattr(analysis, "MAX_PERIODS", 10)
    with pytest.raises(QueryError, match="periods"):
        analysis.dyad_series(store, BOTH, "day")
    with pytest.raises(QueryError):
        analysis.dyad_series(store, BOTH, "year")  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        analysis.dyad_series(store, EventFilter(all_modalities=True))
    words = " ".join(f"w{i}" for i in range(analysis.MAX_SEARCH_WORDS + 1))
    with pytest.raises(QueryError, match="words"):
        analysis.find_events(store, EventFilter(text=words))
    assert analysis.find_events(store, EventFilter(text=words.rsplit(" ", 1)[0])).total == 0


def test_events_page_oldest_first_with_evidence(store: Store) -> None:
    page = analysis.find_events(store, BOTH, limit=4)
    assert page.total == 6
    ids = [h.event.event_id for h in page.items]
    assert ids == ["sanction", "reject", "consult", "accuse"]
    first = page.items[0]
    assert first.mentions == 3 and first.event.sentence == DOCUMENTS["a"][2][0]
    assert first.document.title == "Pentagon cancels aid" and first.document.source == "Test Wire"
    rest = analysis.find_events(store, BOTH, limit=4, offset=4)
    assert [h.event.event_id for h in rest.items] == ["aid", "undated"]  # undated last
    assert rest.total == 6
    assert analysis.find_events(store, BOTH, limit=4, offset=40).items == ()
    assert analysis.find_events(store, EventFilter(actor="IND")).total == 1
    assert analysis.find_events(store, EventFilter(plover=("AID", "ACCUSE"))).total == 2
    assert analysis.find_events(store, EventFilter(until=D(2018, 9, 5))).total == 2


def test_word_search_is_whole_words_and_literal(store: Store) -> None:
    def found(text: str, f: EventFilter = ALL) -> list[str]:
        page = analysis.find_events(store, EventFilter(**{**f.__dict__, "text": text}))
        return [h.event.event_id for h in page.items]

    assert found("cancelled") == ["sanction"]
    assert found("AID   Cancelled.") == ["sanction"]  # any case, any order, punctuation ignored
    assert found("cancel") == []  # whole words
    assert found("pak%") == [] and found("p_kistan") == [] and found("%") == found("")
    assert found("100%_unfair") == ["reject"]
    assert found("<b>bold</b>") == ["reject"]
    assert found("officials") == ["sanction", "consult", "aid"]
    assert found("officials", BOTH) == ["sanction", "consult", "aid"]
    assert found("officials", EventFilter(dyad=("PAK", "USA"))) == []


def test_search_evidence_is_the_mention_holding_the_words(store: Store) -> None:
    (hit,) = analysis.find_events(store, EventFilter(text="suspended military")).items
    assert hit.event.event_id == "sanction" and hit.mentions == 3
    assert hit.event.sentence == "Washington suspended military aid to Islamabad."
    assert hit.event.doc_id == "b" and hit.document.doc_id == "b"
    assert hit.document.title == "Aid suspended <script>alert(1)</script>"
    text = DOCUMENTS["b"][2]
    assert " ".join(text)[hit.event.start : hit.event.end] == hit.event.sentence
    aid = analysis.find_events(store, EventFilter(text="officials", plover=("AID",))).items[0]
    assert aid.event.sentence == "Aid reached Pakistan again, officials said." and aid.mentions == 2


def test_key_events_weigh_goldstein_by_mentions(store: Store) -> None:
    keys = analysis.key_events(store, BOTH, limit=3)
    assert [(k.event.event_id, k.score) for k in keys] == [
        ("sanction", pytest.approx(16.8)),
        ("aid", pytest.approx(14.8)),
        ("undated", pytest.approx(6.0)),
    ]
    assert keys[0].event.sentence and keys[0].document.title == "Pentagon cancels aid"


def test_network_dyads_and_actors(store: Store) -> None:
    net = analysis.network(store)
    assert [(e.source, e.target, e.events, e.mentions) for e in net.edges] == [
        ("USA", "PAK", 4, 7),
        ("PAK", "USA", 2, 2),
        ("IND", "PAK", 1, 1),
    ]
    assert net.edges[0].goldstein_mean == pytest.approx(2.2)
    assert net.edges[0].goldstein_weighted_mean == pytest.approx(5 / 7)
    assert [(n.code, n.events) for n in net.nodes] == [("PAK", 7), ("USA", 6), ("IND", 1)]
    assert net.nodes[0].name == "Pakistan"
    late = analysis.network(store, EventFilter(since=D(2018, 10, 1)))
    assert [(e.source, e.target, e.events) for e in late.edges] == [
        ("PAK", "USA", 1),
        ("USA", "PAK", 1),
    ]
    pairs = analysis.dyads(store, undirected=True)
    assert [(d.source, d.target, d.events) for d in pairs] == [("PAK", "USA", 6), ("IND", "PAK", 1)]
    assert pairs[0].first == D(2018, 9, 2) and pairs[0].last == D(2018, 11, 19)
    assert analysis.busiest_dyad(store) == ("USA", "PAK")
    assert [(a.code, a.events) for a in analysis.actors(store)] == [
        ("PAK", 7),
        ("USA", 6),
        ("AFG", 1),
        ("IND", 1),
    ]


def test_document_view_has_the_spans_of_asserted_events(store: Store) -> None:
    view = analysis.document(store, "a")
    assert view is not None and view.document.title == "Pentagon cancels aid"
    assert [m.event_id for m in view.mentions] == ["sanction", "consult", "reject"]
    for m in view.mentions:
        assert view.text[m.start : m.end] in DOCUMENTS["a"][2]
    assert analysis.document(store, "nope") is None
    assert analysis.document(store, "'; DROP TABLE documents; --") is None


def test_a_changed_store_is_analysed_afresh(tmp_path: Path) -> None:
    path = build_store(tmp_path / "s.duckdb", index=True)
    with Store(path) as store:
        assert store.analysis_index_is_current()
        assert analysis.find_events(store, BOTH).total == 6
        spec = Spec("support", "PAK", "USA", "SUPPORT", 1, 3.4, D(2018, 12, 1), (("e", 0),))
        store.write(results([spec], {"e": ("More", D(2018, 12, 2), ["Pakistan praised the US."])}))
        assert not store.analysis_index_is_current()
        assert analysis.find_events(store, BOTH).total == 7  # built again, in memory
        store.build_analysis_index()
        assert store.analysis_index_is_current()
    with Store(path, read_only=True) as ro:
        assert analysis.find_events(ro, BOTH).total == 7


def test_an_empty_store(tmp_path: Path) -> None:
    Store(tmp_path / "e.duckdb").close()
    with Store(tmp_path / "e.duckdb", read_only=True) as store:
        assert analysis.dyad_series(store, BOTH).points == ()
        assert analysis.find_events(store, BOTH).total == 0
        assert analysis.busiest_dyad(store) is None
        assert analysis.network(store).edges == ()


def test_build_index_needs_a_writable_store(tmp_path: Path) -> None:
    from dyad.errors import StoreError

    path = build_store(tmp_path / "s.duckdb")
    with Store(path, read_only=True) as ro, pytest.raises(StoreError, match="read-only"):
        ro.build_analysis_index()


def test_sample_corpus(sample_store: str) -> None:
    """The bundled sample corpus: the USA-PAK relationship has events, each sentence is where
    its offsets say in its document."""
    with Store(sample_store, read_only=True) as store:
        s = analysis.dyad_series(store, BOTH, "month")
        assert s.events.count > 5 and any(p.events.index is not None for p in s.points)
        page = analysis.find_events(store, BOTH, limit=200)
        assert page.total == s.events.count + sum(
            1 for h in page.items if h.event.date.date is None
        )
        for hit in page.items:
            doc = analysis.document(store, hit.event.doc_id)
            assert doc is not None
            assert doc.text[hit.event.start : hit.event.end] == hit.event.sentence
        assert analysis.key_events(store, BOTH, 5)
        assert analysis.busiest_dyad(store) is not None
