"""The report: one self-contained HTML file about a dyad, readable offline.

    write_report(store, "report.html", dyad=("USA", "PAK"))

It holds the dyad's cooperation–conflict index over time (both directions together, each
direction, and weighted by mentions), its events stacked by PLOVER type, its key events with
their evidence sentences and documents, and the network of the actors around it as a
source × target matrix. Charts are Vega-Lite specifications made with altair; the Vega
libraries (from the vl-convert package, bundled once) are inlined with them, so the file needs
nothing from the network. Every piece of text from the store is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from dataclasses import dataclass
from typing import Any, Literal

from dyad import analysis
from dyad.analysis import DyadSeries, KeyEvent, Network, Unit
from dyad.errors import QueryError
from dyad.store import EventFilter, Store

KEY_EVENTS = 15
NETWORK_ACTORS = 12  # the matrix shows the actors of the busiest edges, up to this many
TimeUnit = Literal["yearmonth", "yearmonthdate"]


@dataclass(frozen=True)
class Report:
    """What a written report holds."""

    path: str
    dyad: tuple[str, str]
    events: int
    periods: int
    key_events: int


def write_report(
    store: Store,
    out: str | os.PathLike[str],
    dyad: tuple[str, str] | None = None,
    by: Unit = "month",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Report:
    """Write the report of ``dyad`` (default: the busiest, see ``analysis.busiest_dyad``)
    between ``since`` and ``until`` to ``out``."""
    if dyad is None:
        dyad = analysis.busiest_dyad(store)
        if dyad is None:
            raise QueryError("the store has no events between two actors: nothing to report")
    text, report = render_report(store, dyad, by, since, until)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    return Report(os.fspath(out), *report)


def render_report(
    store: Store,
    dyad: tuple[str, str],
    by: Unit = "month",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> tuple[str, tuple[tuple[str, str], int, int, int]]:
    """The report's HTML, and (dyad, events, periods, key events) for a summary."""
    a, b = dyad
    both = EventFilter(dyad=dyad, undirected=True, since=since, until=until)
    series = {
        f"{a} ↔ {b}": analysis.dyad_series(store, both, by),
        f"{a} → {b}": analysis.dyad_series(
            store, EventFilter(dyad=(a, b), since=since, until=until), by
        ),
        f"{b} → {a}": analysis.dyad_series(
            store, EventFilter(dyad=(b, a), since=since, until=until), by
        ),
    }
    overall = series[f"{a} ↔ {b}"]
    keys = analysis.key_events(store, both, KEY_EVENTS)
    net = analysis.network(store, EventFilter(since=since, until=until), 500)
    names = {x.code: x.name for x in analysis.actors(store, 100_000)}
    charts = [
        ("index", _index_chart(series, overall.by)),
        ("types", _types_chart(overall)),
        ("network", _network_chart(net, dyad)),
    ]
    title = f"{_name(a, names)} and {_name(b, names)}"
    span = f"{overall.points[0].period} to {overall.points[-1].period}" if overall.points else ""
    body = [
        f"<h1>{_e(title)}</h1>",
        f"<p class='meta'>{_e(a)} ↔ {_e(b)}, by {_e(by)}{', ' + _e(span) if span else ''}. "
        f"Written by dyad on {dt.date.today().isoformat()}.</p>",
        _summary_table(series),
        "<h2>Cooperation and conflict over time</h2>",
        "<p class='hint'>The index of a period is (cooperation − conflict) / (cooperation + "
        "conflict) of its events (quad classes 1–2 against 3–4), from −1 to 1; a period with "
        "no events has none. “by mentions” counts each event once per article sentence that "
        "reports it. Events dated only to a month or a year fall on its first day.</p>",
        "<div id='chart-index' class='chart'></div>",
        "<h2>Events by type</h2>",
        "<div id='chart-types' class='chart'></div>",
        "<h2>Key events</h2>",
        "<p class='hint'>Largest |Goldstein| × mentions first, each with the sentence that "
        "reports it.</p>",
        _key_events_table(keys),
        "<h2>The network</h2>",
        f"<p class='hint'>Who acts on whom among the {NETWORK_ACTORS} busiest actors: colour "
        "is the mean Goldstein score of the events from the row's actor to the column's, the "
        "number their count.</p>",
        "<div id='chart-network' class='chart'></div>",
    ]
    text = _page(title, "\n".join(body), charts)
    return text, (dyad, overall.events.count, len(overall.points), len(keys))


def _name(code: str, names: dict[str, str | None]) -> str:
    return names.get(code) or code


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _summary_table(series: dict[str, DyadSeries]) -> str:
    rows = []
    for label, s in series.items():
        t, m = s.events, s.mentions
        rows.append(
            "<tr>"
            + "".join(
                f"<td{' class=num' if i else ''}>{_e(v)}</td>"
                for i, v in enumerate(
                    [
                        label,
                        t.count,
                        m.count,
                        t.cooperation,
                        t.conflict,
                        _fmt(t.goldstein_mean),
                        _fmt(t.index),
                        _fmt(m.index),
                    ]
                )
            )
            + "</tr>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "",
            "events",
            "mentions",
            "cooperation",
            "conflict",
            "mean Goldstein",
            "index",
            "index by mentions",
        )
    )
    return f"<table class='summary'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _key_events_table(keys: list[KeyEvent]) -> str:
    if not keys:
        return "<p>No events.</p>"
    rows = []
    for k in keys:
        e, d = k.event, k.document
        sentence = _e(e.sentence)
        if e.trigger and e.trigger in e.sentence:
            at = e.sentence.index(e.trigger)
            sentence = (
                _e(e.sentence[:at])
                + f"<b>{_e(e.trigger)}</b>"
                + _e(e.sentence[at + len(e.trigger) :])
            )
        source = " — ".join(_e(x) for x in (d.title or d.doc_id, d.source, d.date) if x)
        if d.url and d.url.startswith(("http://", "https://")):
            source += f" <a href='{_e(d.url)}' rel='noopener noreferrer'>link</a>"
        rows.append(
            "<tr>"
            f"<td>{_e(e.date.date or 'undated')}</td>"
            f"<td>{_e(e.source.code)} → {_e(e.target.code if e.target else '—')}</td>"
            f"<td>{_e(e.plover)}</td><td class=num>{e.goldstein:.1f}</td>"
            f"<td class=num>{k.mentions}</td><td class=num>{k.score:.1f}</td>"
            f"<td>{sentence}<span class='doc'>{source}</span></td>"
            "</tr>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("date", "source → target", "type", "Goldstein", "mentions", "weight", "evidence")
    )
    return f"<table class='events'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _index_chart(series: dict[str, DyadSeries], by: Unit) -> dict[str, Any]:
    import altair as alt

    rows = []
    for label, s in series.items():
        for p in s.points:
            rows.append(
                {
                    "period": p.period.isoformat(),
                    "series": label,
                    "index": p.events.index,
                    "events": p.events.count,
                }
            )
        if label.count("↔"):
            for p in s.points:
                rows.append(
                    {
                        "period": p.period.isoformat(),
                        "series": f"{label} by mentions",
                        "index": p.mentions.index,
                        "events": p.mentions.count,
                    }
                )
    unit: TimeUnit = "yearmonth" if by == "month" else "yearmonthdate"
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("period:T", timeUnit=unit, title=None),
        y=alt.Y("index:Q", scale=alt.Scale(domain=[-1, 1]), title="index"),
        color=alt.Color("series:N", title=None),
        tooltip=["period:N", "series:N", "events:Q", alt.Tooltip("index:Q", format=".2f")],
    )
    chart = (
        base.mark_line(interpolate="monotone") + base.mark_point(filled=True, size=30)
    ).properties(width="container", height=260)
    return dict(chart.to_dict())


def _types_chart(s: DyadSeries) -> dict[str, Any]:
    import altair as alt

    from dyad.types import PLOVER_TYPES

    rows = [
        {"period": p.period.isoformat(), "type": t, "events": n}
        for p in s.points
        for t, n in p.events.by_type.items()
    ]
    unit: TimeUnit = "yearmonth" if s.by == "month" else "yearmonthdate"
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("period:T", timeUnit=unit, title=None),
            y=alt.Y("sum(events):Q", stack="zero", title="events"),
            color=alt.Color("type:N", sort=list(PLOVER_TYPES), title="PLOVER type"),
            tooltip=["period:N", "type:N", "sum(events):Q"],
        )
        .properties(width="container", height=260)
    )
    return dict(chart.to_dict())


def _network_chart(net: Network, dyad: tuple[str, str]) -> dict[str, Any]:
    import altair as alt

    chosen = list(dict.fromkeys([*dyad, *(n.code for n in net.nodes)]))[:NETWORK_ACTORS]
    rows = [
        {
            "source": e.source,
            "target": e.target,
            "events": e.events,
            "goldstein": e.goldstein_mean,
        }
        for e in net.edges
        if e.source in chosen and e.target in chosen
    ]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("target:N", sort=chosen, title="target"),
        y=alt.Y("source:N", sort=chosen, title="source"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "goldstein:Q",
            scale=alt.Scale(scheme="redblue", domain=[-10, 10]),
            title="mean Goldstein",
        ),
        tooltip=["source:N", "target:N", "events:Q", alt.Tooltip("goldstein:Q", format=".2f")],
    )
    counts = base.mark_text(fontSize=10).encode(text="events:Q")
    return dict(
        (cells + counts)
        .properties(width=min(60 * len(chosen), 720), height=min(40 * len(chosen), 520))
        .to_dict()
    )


def _script_json(value: Any) -> str:
    """JSON that cannot end the script element it sits in."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def _page(title: str, body: str, charts: list[tuple[str, dict[str, Any]]]) -> str:
    import altair as alt
    import vl_convert

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    bundle = vl_convert.javascript_bundle(vl_version=f"v{version}")  # type: ignore[call-arg]  # its stub wants a snippet
    bundle = bundle.replace("</script", "<\\/script")
    embeds = "\n".join(
        f"vegaEmbed({_script_json('#chart-' + name)}, {_script_json(spec)}, "
        "{actions: false, renderer: 'svg'});"
        for name, spec in charts
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} — dyad report</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 68rem; padding: 0 1rem 3rem; color: #222; }}
.meta, .hint {{ color: #666; font-size: .9rem; }}
.chart {{ width: 100%; margin: 1rem 0 2rem; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9rem; }}
th, td {{ text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.doc {{ display: block; color: #666; font-size: .8rem; }}
</style>
<script>{bundle}</script>
</head>
<body>
{body}
<script>
{embeds}
</script>
</body>
</html>
"""
