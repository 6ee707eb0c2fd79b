"""How a relationship moves: dyad time series, key events, the actor network — over a store.

What the CLI (``dyad timeline``, ``dyad report``) and the web API show, as small frozen
dataclasses::

    dyad_series(store, EventFilter(dyad=("USA", "PAK"), undirected=True), by="month")
        -> DyadSeries: one SeriesPoint a period, each a Tally of events and one of mentions
    find_events(store, f, limit, offset)   -> EventPage of EventHits (event, evidence, document)
    key_events(store, f, limit)            -> the events of largest |Goldstein| × mentions
    network(store, f)                      -> Network: who acts on whom, how often, how
    dyads(store, f) / actors(store)        -> what there is to look at
    document(store, doc_id)                -> DocumentView: an article and its events' spans

Counting rules, the same everywhere:

- Only events asserted as fact count (not hypothetical, future, negated… statements).
- An event counts once however many articles report it; the ``mentions`` tallies weight each
  event by its number of mentions instead.
- Quad classes 1 and 2 are cooperation, 3 and 4 conflict. The cooperation–conflict index of a
  set of events is (cooperation − conflict) / (cooperation + conflict), from −1 (all conflict)
  to 1 (all cooperation). A period with no events has no index (None), not 0.
- Events are placed by their own date. One dated only to a month or a year is stored on the
  first day of that month or year, so it falls in the period holding that day (a weekly series
  puts "in March" in the week of 1 March). Events with no date are in lists, dyads and the
  network, not in time series.
- A dyad is two different actors (codes); directed unless the filter says ``undirected``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from dyad.errors import QueryError
from dyad.store import EVENT_ROW_WIDTH, EventFilter, Store, _event_from_row
from dyad.types import PLOVER_TYPES, Event

Unit = Literal["day", "week", "month"]
UNITS: tuple[Unit, ...] = ("day", "week", "month")
# A series longer than this is refused: thousands of points are unreadable in a chart or a
# terminal, and the request that makes them (days over decades) is usually a slip.
MAX_PERIODS = 5000
# Each word of a search is one more lookup in the word index; twelve is a long search.
MAX_SEARCH_WORDS = 12
ALL_EVENTS = EventFilter()


@dataclass(frozen=True)
class Tally:
    """Counts and Goldstein figures of a set of events, each event counted once (``events``
    tallies) or once per mention (``mentions`` tallies)."""

    count: int = 0
    by_type: dict[str, int] = field(default_factory=dict)  # PLOVER type -> count
    by_quad: tuple[int, int, int, int] = (0, 0, 0, 0)  # quad classes 1-4
    goldstein_sum: float = 0.0
    goldstein_mean: float | None = None
    index: float | None = None  # (cooperation − conflict) / (cooperation + conflict)

    @property
    def cooperation(self) -> int:
        return self.by_quad[0] + self.by_quad[1]

    @property
    def conflict(self) -> int:
        return self.by_quad[2] + self.by_quad[3]


@dataclass(frozen=True)
class SeriesPoint:
    """One period of a series: ``period`` is its first day (a week starts on Monday)."""

    period: dt.date
    events: Tally
    mentions: Tally


@dataclass(frozen=True)
class DyadSeries:
    source: str | None
    target: str | None
    undirected: bool
    by: Unit
    points: tuple[SeriesPoint, ...]
    events: Tally  # the whole series
    mentions: Tally


@dataclass(frozen=True)
class DocumentRef:
    doc_id: str
    title: str | None = None
    url: str | None = None
    source: str | None = None  # the publisher
    date: dt.date | None = None


@dataclass(frozen=True)
class EventHit:
    """An event with its evidence: ``event`` carries one mention (its first, or the first
    holding the searched words) with the sentence and its offsets in ``document``."""

    event: Event
    mentions: int
    document: DocumentRef


@dataclass(frozen=True)
class KeyEvent(EventHit):
    score: float = 0.0  # |Goldstein| × mentions


@dataclass(frozen=True)
class EventPage:
    items: tuple[EventHit, ...]
    total: int  # events matching, on all pages
    limit: int
    offset: int


@dataclass(frozen=True)
class NetworkEdge:
    source: str
    target: str
    events: int
    mentions: int
    goldstein_mean: float | None
    goldstein_weighted_mean: float | None  # by mentions


@dataclass(frozen=True)
class ActorSummary:
    code: str
    name: str | None
    events: int


@dataclass(frozen=True)
class Network:
    nodes: tuple[ActorSummary, ...]  # the actors on the edges, with their events on them
    edges: tuple[NetworkEdge, ...]  # busiest first


@dataclass(frozen=True)
class DyadSummary:
    source: str
    target: str
    events: int
    mentions: int
    goldstein_mean: float | None
    first: dt.date | None
    last: dt.date | None


@dataclass(frozen=True)
class MentionSpan:
    """Where a document reports an event: characters ``start``-``end`` of its text."""

    mention_id: str
    event_id: str
    start: int
    end: int
    trigger: str | None
    plover: str
    source: str
    target: str | None
    date: dt.date | None


@dataclass(frozen=True)
class DocumentView:
    document: DocumentRef
    text: str
    mentions: tuple[MentionSpan, ...]


def index(cooperation: float, conflict: float) -> float | None:
    """The cooperation–conflict index: None when there is neither."""
    total = cooperation + conflict
    return None if total == 0 else (cooperation - conflict) / total


def next_period(start: dt.date, by: Unit) -> dt.date:
    """The first day of the period after the one starting on ``start``."""
    if by == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=7 if by == "week" else 1)


def dyad_series(store: Store, f: EventFilter, by: Unit = "month") -> DyadSeries:
    """Counts, Goldstein figures and the index of the events of ``f`` per period, from the
    first period with events to the last; periods between them with no events are there, with
    zero counts and no index.

    >>> dyad_series(store, EventFilter(dyad=("USA", "PAK"), undirected=True), by="week")  # doctest: +SKIP
    """
    _check(f, store)
    if by not in UNITS:
        raise QueryError(f"unknown period {by!r}: one of {', '.join(UNITS)}")
    rows = store.analysis_series(f, by)
    points: list[SeriesPoint] = []
    if rows:
        first, last = rows[0][0], rows[-1][0]
        n = _periods_between(first, last, by)
        if n > MAX_PERIODS:
            raise QueryError(
                f"{n} periods of a {by}: more than {MAX_PERIODS}; use a longer period or a shorter range"
            )
        found = {r[0]: r for r in rows}
        day = first
        while day <= last:
            r = found.get(day)
            points.append(
                SeriesPoint(day, *_tallies(r)) if r else SeriesPoint(day, Tally(), Tally())
            )
            day = next_period(day, by)
    total = [
        *(sum(r[i] for r in rows) for i in range(1, 13)),
        [t for r in rows for t in r[13]],
        [n for r in rows for n in r[14]],
        [m for r in rows for m in r[15]],
    ]
    events, mentions = _tallies((None, *total))
    source, target = f.dyad or (None, None)
    return DyadSeries(source, target, f.undirected, by, tuple(points), events, mentions)


def _periods_between(first: dt.date, last: dt.date, by: Unit) -> int:
    if by == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return (last - first).days // (7 if by == "week" else 1) + 1


def _tallies(row: Sequence[Any]) -> tuple[Tally, Tally]:
    """The tallies by event and by mention of a row of ``Store.analysis_series``."""
    (_, n, m, n1, n2, n3, n4, m1, m2, m3, m4, g, gm, types, type_n, type_m) = row
    return (
        _tally(n, (n1, n2, n3, n4), g, _by_type(types, type_n)),
        _tally(m, (m1, m2, m3, m4), gm, _by_type(types, type_m)),
    )


_PLOVER_ORDER = {t: i for i, t in enumerate(PLOVER_TYPES)}


def _by_type(types: Sequence[str], counts: Sequence[int]) -> dict[str, int]:
    """Counts by PLOVER type, in PLOVER's order."""
    out: dict[str, int] = {}
    for t, c in zip(types, counts, strict=True):
        out[t] = out.get(t, 0) + int(c)
    return dict(sorted(out.items(), key=lambda kv: (_PLOVER_ORDER.get(kv[0], 99), kv[0])))


def _tally(
    count: int | None, quads: Sequence[int | None], goldstein: float | None, by_type: dict[str, int]
) -> Tally:
    q = tuple(int(x or 0) for x in quads)
    total = int(count or 0)
    g = float(goldstein or 0.0)
    return Tally(
        count=total,
        by_type=by_type,
        by_quad=(q[0], q[1], q[2], q[3]),
        goldstein_sum=round(g, 6),
        goldstein_mean=round(g / total, 6) if total else None,
        index=index(q[0] + q[1], q[2] + q[3]),
    )


def find_events(store: Store, f: EventFilter, limit: int = 50, offset: int = 0) -> EventPage:
    """A page of the events of ``f``, oldest first (undated last), each with its evidence.

    ``f.text`` finds events with a mention whose sentence holds every word of it, in any
    order and case, as whole words ("strike" does not find "strikes"); punctuation is ignored,
    and text with no words filters nothing.
    """
    _check(f, store)
    rows, total = store.analysis_events(f, limit, offset)
    return EventPage(tuple(_hit(r) for r in rows), total, limit, offset)


def key_events(store: Store, f: EventFilter, limit: int = 10) -> list[KeyEvent]:
    """The events of ``f`` that weigh most: largest |Goldstein| × mentions first."""
    _check(f, store)
    out = []
    for r in store.analysis_key_events(f, limit):
        hit = _hit(r)
        score = abs(hit.event.goldstein) * hit.mentions
        out.append(KeyEvent(hit.event, hit.mentions, hit.document, round(score, 6)))
    return out


def _hit(row: tuple[Any, ...]) -> EventHit:
    n = EVENT_ROW_WIDTH
    event = _event_from_row(row[:n])
    mentions, title, url, publisher, date = row[n : n + 5]
    return EventHit(event, int(mentions), DocumentRef(event.doc_id, title, url, publisher, date))


def network(store: Store, f: EventFilter = ALL_EVENTS, limit: int = 200) -> Network:
    """Who acts on whom: one edge a directed dyad of ``f``, busiest first, with its events,
    mentions and mean Goldstein (plain and weighted by mentions). ``f.text`` is not used."""
    _check(f)
    rows = store.analysis_dyads(f, limit)
    edges = tuple(
        NetworkEdge(s, t, int(n), int(m), _mean(g, n), _mean(gm, m))
        for s, t, n, m, g, gm, _, _ in rows
    )
    names = {code: name for code, name, _ in store.analysis_actors(100_000)}
    weight: dict[str, int] = {}
    for e in edges:
        weight[e.source] = weight.get(e.source, 0) + e.events
        weight[e.target] = weight.get(e.target, 0) + e.events
    nodes = tuple(
        ActorSummary(code, names.get(code), n)
        for code, n in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return Network(nodes, edges)


def dyads(
    store: Store,
    f: EventFilter = ALL_EVENTS,
    limit: int = 50,
    offset: int = 0,
    undirected: bool = False,
) -> list[DyadSummary]:
    """Dyads of ``f``, busiest first; ``undirected`` puts both directions together, the codes
    in alphabetical order. ``f.text`` is not used."""
    _check(f)
    return [
        DyadSummary(s, t, int(n), int(m), _mean(g, n), first, last)
        for s, t, n, m, g, _, first, last in store.analysis_dyads(f, limit, offset, undirected)
    ]


def busiest_dyad(store: Store) -> tuple[str, str] | None:
    """The pair of actors with the most events between them (either direction), in the
    direction with more; None in a store with no dyad."""
    pairs = store.analysis_dyads(EventFilter(), 1, undirected=True)
    if not pairs:
        return None
    a, b = pairs[0][0], pairs[0][1]
    both = {
        (s, t): n
        for s, t, n, *_ in store.analysis_dyads(EventFilter(dyad=(a, b), undirected=True), 2)
    }
    return (b, a) if both.get((b, a), 0) > both.get((a, b), 0) else (a, b)


def actors(store: Store, limit: int = 1000) -> list[ActorSummary]:
    """Actor codes with their most used name and number of events, busiest first."""
    return [ActorSummary(c, name, int(n)) for c, name, n in store.analysis_actors(limit)]


def document(store: Store, doc_id: str) -> DocumentView | None:
    """A stored article with the spans of its asserted events' mentions; None if there is no
    document ``doc_id``."""
    doc, rows = store.document_view(doc_id)
    if doc is None:
        return None
    doc_id, title, url, publisher, date, text = doc
    spans = tuple(
        MentionSpan(mid, eid, start, end, trigger, plover, s, t, day)
        for mid, eid, start, end, trigger, plover, s, t, day in rows
    )
    return DocumentView(DocumentRef(doc_id, title, url, publisher, date), text or "", spans)


def _check(f: EventFilter, store: Store | None = None) -> None:
    if store is not None and f.text and len(store.search_terms(f.text)) > MAX_SEARCH_WORDS:
        raise QueryError(f"a search of more than {MAX_SEARCH_WORDS} different words")
    if f.all_modalities:
        raise QueryError("the analysis counts events asserted as fact only")
    if f.doc_id:
        raise QueryError("the analysis is over all documents: see document() for one")


def _mean(total: float | None, n: int | None) -> float | None:
    return round(float(total or 0.0) / n, 6) if n else None
