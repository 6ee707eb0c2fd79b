"""The store: one embedded DuckDB file, behind this one module.

Tables (``SCHEMA`` below is the whole truth):

- ``documents``: one row per stored article (cleaned text, publication date and its source,
  content hash, MinHash signature), keyed by ``doc_id``.
- ``sentences``: the sentences of each document, with offsets into its text.
- ``events``: one row per event (who did what to whom, when), keyed by a deterministic
  ``event_id``; ``mentions``: each sentence that reports an event, with the evidence.
  The same event reported in several sentences or articles is one event with many mentions.
- ``skips``: every input that did not become a document, with its reason; ``drops``: the parts
  of documents that were not coded (boilerplate, repeats).
- ``runs``: one row per ``dyad run``.

Writes go in batches, each one transaction: a run killed at any moment leaves whole batches.
They are idempotent: a document already stored with the same content hash is not read again,
events and mentions are keyed by content, so re-running on the same input adds nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from dyad.errors import StoreError
from dyad.types import (
    Actor,
    DatePrecision,
    DocumentResult,
    Event,
    EventDate,
    Location,
    Modality,
    QuadClass,
    Skip,
)

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, status VARCHAR,
    inputs VARCHAR, documents INTEGER, skipped INTEGER, events INTEGER, version VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY, content_hash VARCHAR NOT NULL, raw_hash VARCHAR, origin VARCHAR, url VARCHAR,
    title VARCHAR, source VARCHAR, date DATE, date_source VARCHAR, text VARCHAR,
    n_sentences INTEGER, n_events INTEGER, minhash BLOB, run_id VARCHAR, added TIMESTAMP);
CREATE TABLE IF NOT EXISTS sentences (
    doc_id VARCHAR, idx INTEGER, start_char INTEGER, end_char INTEGER, text VARCHAR,
    coded BOOLEAN, PRIMARY KEY (doc_id, idx));
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY, date DATE, date_precision VARCHAR, plover VARCHAR,
    mode VARCHAR, cameo VARCHAR, goldstein DOUBLE, quad_class INTEGER,
    source_code VARCHAR, source_country VARCHAR, source_sector VARCHAR, source_name VARCHAR,
    source_kind VARCHAR, target_code VARCHAR, target_country VARCHAR, target_sector VARCHAR,
    target_name VARCHAR, target_kind VARCHAR, modality VARCHAR);
CREATE TABLE IF NOT EXISTS mentions (
    mention_id VARCHAR PRIMARY KEY, event_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL,
    start_char INTEGER, end_char INTEGER, sentence VARCHAR, trigger VARCHAR,
    source_text VARCHAR, target_text VARCHAR, date_text VARCHAR, location_name VARCHAR,
    location_country VARCHAR, lat DOUBLE, lon DOUBLE, confidence DOUBLE, run_id VARCHAR);
CREATE TABLE IF NOT EXISTS skips (
    origin VARCHAR PRIMARY KEY, doc_id VARCHAR, reason VARCHAR, detail VARCHAR,
    duplicate_of VARCHAR, run_id VARCHAR, skipped_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS drops (
    doc_id VARCHAR, reason VARCHAR, rule VARCHAR, text VARCHAR);
CREATE INDEX IF NOT EXISTS mentions_event ON mentions (event_id);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions (doc_id);
CREATE INDEX IF NOT EXISTS drops_doc ON drops (doc_id);
"""

DOC_COLUMNS = [
    "doc_id", "content_hash", "raw_hash", "origin", "url", "title", "source", "date", "date_source",
    "text", "n_sentences", "n_events", "minhash", "run_id",
]  # fmt: skip
EVENT_TABLE_COLUMNS = [
    "event_id", "date", "date_precision", "plover", "mode", "cameo", "goldstein", "quad_class",
    "source_code", "source_country", "source_sector", "source_name", "source_kind", "target_code",
    "target_country", "target_sector", "target_name", "target_kind", "modality",
]  # fmt: skip
SENTENCE_COLUMNS = ["doc_id", "idx", "start_char", "end_char", "text", "coded"]
DROP_COLUMNS = ["doc_id", "reason", "rule", "text"]
SKIP_COLUMNS = ["origin", "doc_id", "reason", "detail", "duplicate_of", "run_id"]
MENTION_COLUMNS = [
    "mention_id", "event_id", "doc_id", "start_char", "end_char", "sentence", "trigger", "source_text",
    "target_text", "date_text", "location_name", "location_country", "lat", "lon", "confidence", "run_id",
]  # fmt: skip
EVENT_COLUMNS = (
    "e.event_id, e.date, e.date_precision, e.plover, e.mode, e.cameo, e.goldstein, e.quad_class, "
    "e.source_code, e.source_country, e.source_sector, e.source_name, e.source_kind, "
    "e.target_code, e.target_country, e.target_sector, e.target_name, e.target_kind, e.modality, "
    "m.mention_id, m.doc_id, m.start_char, m.end_char, m.sentence, m.trigger, m.source_text, "
    "m.target_text, m.date_text, m.location_name, m.location_country, m.lat, m.lon, m.confidence"
)


@dataclass(frozen=True)
class EventFilter:
    """Which events a query returns. All parts optional; dates are inclusive."""

    dyad: tuple[str, str] | None = None  # (source, target) codes; either order if undirected
    undirected: bool = False
    actor: str | None = None  # either side
    plover: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    text: str | None = None  # words in the evidence sentence
    doc_id: str | None = None
    all_modalities: bool = False  # include hypothetical, future, negated… statements

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if not self.all_modalities:
            clauses.append("e.modality = 'asserted'")
        if self.dyad:
            a, b = self.dyad
            if self.undirected:
                clauses.append(
                    "((e.source_code = ? AND e.target_code = ?) OR (e.source_code = ? AND e.target_code = ?))"
                )
                params += [a, b, b, a]
            else:
                clauses.append("e.source_code = ? AND e.target_code = ?")
                params += [a, b]
        if self.actor:
            clauses.append("(e.source_code = ? OR e.target_code = ?)")
            params += [self.actor, self.actor]
        if self.plover:
            clauses.append(f"e.plover IN ({', '.join('?' for _ in self.plover)})")
            params += list(self.plover)
        if self.since:
            clauses.append("e.date >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("e.date <= ?")
            params.append(self.until)
        if self.text:
            clauses.append("m.sentence ILIKE ?")
            params.append(
                "%" + self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
        if self.doc_id:
            clauses.append("m.doc_id = ?")
            params.append(self.doc_id)
        return (" AND ".join(clauses) or "TRUE"), params


class Store:
    """A dyad store. ``Store(":memory:")`` for tests; ``read_only=True`` for serving."""

    def __init__(
        self, path: str | os.PathLike[str] = "dyad.duckdb", read_only: bool = False
    ) -> None:
        self.path = str(path)
        self.read_only = read_only
        if self.path != ":memory:":
            parent = Path(self.path).parent
            if not read_only:
                parent.mkdir(parents=True, exist_ok=True)
            elif not Path(self.path).exists():
                raise StoreError(f"no store at {self.path}: run `dyad run` first")
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as e:
            raise StoreError(f"cannot open store {self.path}: {e}") from e
        if not read_only:
            self._migrate()
        else:
            self._check_version()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def _migrate(self) -> None:
        try:
            self.con.execute(SCHEMA)
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                self.con.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
                )
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(f"{self.path} was written by a newer dyad (schema {row[0]})")
        except duckdb.Error as e:
            raise StoreError(f"cannot prepare store {self.path}: {e}") from e

    def _check_version(self) -> None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.Error as e:
            raise StoreError(f"{self.path} is not a dyad store: {e}") from e
        if row is None or int(row[0]) > SCHEMA_VERSION:
            raise StoreError(f"{self.path} is not a store this dyad can read")

    # -- runs --------------------------------------------------------------------------------

    def start_run(self, inputs: Sequence[str]) -> str:
        from dyad import __version__

        run_id = uuid.uuid4().hex[:12]
        self.con.execute(
            "INSERT INTO runs VALUES (?, now(), NULL, 'running', ?, 0, 0, 0, ?)",
            [run_id, json.dumps(list(inputs)), __version__],
        )
        return run_id

    def finish_run(
        self, run_id: str, documents: int, skipped: int, events: int, status: str = "done"
    ) -> None:
        self.con.execute(
            "UPDATE runs SET finished = now(), status = ?, documents = ?, skipped = ?, events = ? WHERE run_id = ?",
            [status, documents, skipped, events, run_id],
        )

    # -- what the pipeline needs to know -----------------------------------------------------

    def document_hashes(self) -> dict[str, tuple[str, str]]:
        """doc_id -> (raw hash, content hash) of every stored document."""
        rows = self.con.execute("SELECT doc_id, raw_hash, content_hash FROM documents").fetchall()
        return {d: (r or "", c) for d, r, c in rows}

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        cur = self.con.execute(
            "SELECT doc_id, minhash FROM documents WHERE minhash IS NOT NULL ORDER BY doc_id"
        )
        while rows := cur.fetchmany(10_000):
            yield from rows

    def skipped_origins(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT origin FROM skips").fetchall()}

    # -- writes ------------------------------------------------------------------------------

    def write(
        self,
        results: Iterable[DocumentResult],
        skips: Iterable[Skip] = (),
        run_id: str | None = None,
    ) -> None:
        """Write a batch in one transaction: all of it, or (if the process dies) none.

        Rows go in as Arrow tables: DuckDB inserts them in bulk, a hundred times faster than
        row-by-row parameters.
        """
        results = list(results)
        rows = table_rows(results, skips, run_id)
        self._write_rows(
            rows, [r.document.doc_id for r in results], [r.document.origin for r in results]
        )

    def merge_partition(
        self,
        folder: str | os.PathLike[str],
        doc_ids: Sequence[str],
        skips: Iterable[Skip],
        run_id: str | None,
    ) -> None:
        """Merge a partition written by ``write_partition`` (Parquet, one file a table), keeping
        only the documents ``doc_ids`` (the others were duplicates) and adding ``skips``, in one
        transaction. DuckDB reads the Parquet files itself; merging twice adds nothing."""
        files = {
            t: (Path(folder) / f"{t}.parquet").as_posix().replace("'", "''") for t in TABLE_COLUMNS
        }
        have = {t for t in TABLE_COLUMNS if (Path(folder) / f"{t}.parquet").exists()}
        con = self.con
        try:
            con.execute("BEGIN TRANSACTION")
            self._bulk("batch_ids", ["doc_id"], [(d,) for d in sorted(set(doc_ids))])
            keep = "doc_id IN (SELECT doc_id FROM batch_ids)"
            if "documents" in have and doc_ids:
                con.execute(
                    f"CREATE TEMP TABLE part_docs AS SELECT * FROM read_parquet('{files['documents']}') WHERE {keep}"
                )
                # New versions of stored documents: their old rows go first.
                for table in ("mentions", "sentences", "drops", "documents"):
                    con.execute(
                        f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM part_docs)"
                    )
                con.execute("DELETE FROM skips WHERE origin IN (SELECT origin FROM part_docs)")
                con.execute(
                    f"INSERT INTO documents SELECT {', '.join(DOC_COLUMNS)}, now() FROM part_docs"
                )
                con.execute("DROP TABLE part_docs")
                for table, columns in (("sentences", SENTENCE_COLUMNS), ("drops", DROP_COLUMNS)):
                    if table in have:
                        con.execute(
                            f"INSERT INTO {table} SELECT {', '.join(columns)} FROM read_parquet('{files[table]}') WHERE {keep}"
                        )
                if "mentions" in have:
                    con.execute(
                        f"INSERT INTO mentions SELECT {', '.join(MENTION_COLUMNS)} FROM read_parquet('{files['mentions']}') "
                        f"WHERE {keep} ON CONFLICT DO NOTHING"
                    )
                    con.execute(
                        f"INSERT INTO events SELECT {', '.join(EVENT_TABLE_COLUMNS)} FROM read_parquet('{files['events']}') "
                        f"WHERE event_id IN (SELECT event_id FROM read_parquet('{files['mentions']}') WHERE {keep}) "
                        + EVENT_CONFLICT
                    )
            if "skips" in have:
                con.execute(
                    f"INSERT INTO skips SELECT {', '.join(SKIP_COLUMNS)}, now() FROM read_parquet('{files['skips']}') ON CONFLICT DO NOTHING"
                )
            skip_rows = table_rows([], skips, run_id)["skips"]
            self._insert(
                "skips",
                SKIP_COLUMNS,
                skip_rows,
                extra="now() AS skipped_at",
                conflict="ON CONFLICT DO NOTHING",
            )
            con.execute("COMMIT")
        except duckdb.Error as e:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise StoreError(f"cannot merge {folder} into {self.path}: {e}") from e
        finally:
            with contextlib.suppress(duckdb.Error):
                con.unregister("batch_ids")

    def _write_rows(
        self, rows: dict[str, list[tuple[Any, ...]]], doc_ids: list[str], origins: list[str]
    ) -> None:
        con = self.con
        try:
            con.execute("BEGIN TRANSACTION")
            existing: list[str] = []
            if doc_ids:
                self._bulk("batch_ids", ["doc_id"], [(d,) for d in doc_ids])
                existing = [
                    r[0]
                    for r in con.execute(
                        "SELECT doc_id FROM documents WHERE doc_id IN (SELECT doc_id FROM batch_ids)"
                    ).fetchall()
                ]
                if existing:
                    # New versions of stored documents: their old rows go first.
                    for table in ("mentions", "sentences", "drops", "documents"):
                        con.execute(
                            f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM batch_ids)"
                        )
                self._bulk("batch_origins", ["origin"], [(o,) for o in origins])
                con.execute("DELETE FROM skips WHERE origin IN (SELECT origin FROM batch_origins)")
            self._insert("documents", DOC_COLUMNS, rows["documents"], extra="now() AS added")
            self._insert("sentences", SENTENCE_COLUMNS, rows["sentences"])
            self._insert("drops", DROP_COLUMNS, rows["drops"])
            self._insert("events", EVENT_TABLE_COLUMNS, rows["events"], conflict=EVENT_CONFLICT)
            self._insert(
                "mentions", MENTION_COLUMNS, rows["mentions"], conflict="ON CONFLICT DO NOTHING"
            )
            self._insert(
                "skips",
                SKIP_COLUMNS,
                rows["skips"],
                extra="now() AS skipped_at",
                conflict="ON CONFLICT DO UPDATE SET doc_id = EXCLUDED.doc_id, reason = EXCLUDED.reason, "
                "detail = EXCLUDED.detail, duplicate_of = EXCLUDED.duplicate_of, run_id = EXCLUDED.run_id, "
                "skipped_at = EXCLUDED.skipped_at",
            )
            if existing:
                # Events no longer mentioned anywhere (a document changed) go too.
                con.execute(
                    "DELETE FROM events WHERE event_id NOT IN (SELECT event_id FROM mentions)"
                )
            con.execute("COMMIT")
        except duckdb.Error as e:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise StoreError(f"cannot write to {self.path}: {e}") from e
        finally:
            for name in ("batch_ids", "batch_origins", "batch_rows"):
                with contextlib.suppress(duckdb.Error):
                    con.unregister(name)

    def _bulk(self, name: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        import pyarrow as pa

        data: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in columns]
        self.con.register(name, pa.table({c: list(v) for c, v in zip(columns, data, strict=True)}))

    def _insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
        extra: str = "",
        conflict: str = "",
    ) -> None:
        if not rows:
            return
        self._bulk("batch_rows", columns, rows)
        select = ", ".join(columns) + (f", {extra}" if extra else "")
        self.con.execute(f"INSERT INTO {table} SELECT {select} FROM batch_rows {conflict}")
        self.con.unregister("batch_rows")

    # -- reads -------------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, list(params)).fetchall()

    def mentions(
        self, f: EventFilter = EventFilter(), limit: int | None = None, offset: int = 0
    ) -> Iterator[Event]:
        """Event mentions (one per reporting sentence), oldest first."""
        where, params = f.where()
        sql = (
            f"SELECT {EVENT_COLUMNS} FROM events e JOIN mentions m USING (event_id) WHERE {where} "
            "ORDER BY e.date NULLS LAST, m.doc_id, m.start_char, m.mention_id"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        cur = self.con.execute(sql, params)
        while rows := cur.fetchmany(5000):
            for row in rows:
                yield _event_from_row(row)

    def events(
        self, f: EventFilter = EventFilter(), limit: int | None = None, offset: int = 0
    ) -> Iterator[tuple[Event, int]]:
        """Events, each with its first mention as evidence and its number of mentions."""
        where, params = f.where()
        sql = f"""
            WITH hits AS (
                SELECT {EVENT_COLUMNS},
                       row_number() OVER (PARTITION BY e.event_id ORDER BY m.doc_id, m.start_char, m.mention_id) AS rn,
                       count(*) OVER (PARTITION BY e.event_id) AS n
                FROM events e JOIN mentions m USING (event_id) WHERE {where})
            SELECT * EXCLUDE (rn) FROM hits WHERE rn = 1
            ORDER BY date NULLS LAST, doc_id, start_char, event_id"""
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        cur = self.con.execute(sql, params)
        while rows := cur.fetchmany(5000):
            for row in rows:
                yield _event_from_row(row[:-1]), int(row[-1])

    def count_events(self, f: EventFilter = EventFilter()) -> int:
        where, params = f.where()
        row = self.con.execute(
            f"SELECT count(DISTINCT e.event_id) FROM events e JOIN mentions m USING (event_id) WHERE {where}",
            params,
        ).fetchone()
        return int(row[0]) if row else 0

    def stats(self) -> dict[str, Any]:
        """Counts of documents, sentences, events by type, skips by reason, top dyads."""
        q = self.query
        return {
            "documents": q("SELECT count(*) FROM documents")[0][0],
            "sentences": q("SELECT count(*) FROM sentences")[0][0],
            "events": q("SELECT count(*) FROM events WHERE modality = 'asserted'")[0][0],
            "mentions": q(
                "SELECT count(*) FROM mentions m JOIN events e USING (event_id) WHERE e.modality = 'asserted'"
            )[0][0],
            "not_asserted": dict(
                q(
                    "SELECT modality, count(*) FROM events WHERE modality <> 'asserted' GROUP BY 1 ORDER BY 2 DESC, 1"
                )
            ),
            "events_by_type": dict(
                q(
                    "SELECT plover, count(*) FROM events WHERE modality = 'asserted' GROUP BY 1 ORDER BY 2 DESC, 1"
                )
            ),
            "skips_by_reason": dict(
                q("SELECT reason, count(*) FROM skips GROUP BY 1 ORDER BY 2 DESC, 1")
            ),
            "drops_by_reason": dict(
                q("SELECT reason, count(*) FROM drops GROUP BY 1 ORDER BY 2 DESC, 1")
            ),
            "top_dyads": [
                (a, b, n)
                for a, b, n in q(
                    "SELECT source_code, target_code, count(*) FROM events WHERE modality = 'asserted' "
                    "AND target_code IS NOT NULL AND source_code <> target_code "
                    "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 10"
                )
            ],
        }

    def fingerprint(self) -> dict[str, tuple[int, str]]:
        """Per table, its row count and a hash of its rows in a canonical order, leaving out
        what differs between runs by design (run ids, timestamps): two stores with the same
        fingerprint hold the same data. Used to check that a killed and resumed run, or the
        same inputs in another order, give exactly what one clean run gives."""
        import hashlib

        tables = {
            "documents": "doc_id, content_hash, raw_hash, origin, url, title, source, date, "
            "date_source, text, n_sentences, n_events",
            "sentences": ", ".join(SENTENCE_COLUMNS),
            "events": ", ".join(EVENT_TABLE_COLUMNS),
            "mentions": ", ".join(c for c in MENTION_COLUMNS if c != "run_id"),
            "skips": "origin, doc_id, reason, detail, duplicate_of",
            "drops": ", ".join(DROP_COLUMNS),
        }
        out = {}
        for table, columns in tables.items():
            digest = hashlib.sha256()
            rows = self.con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
            for row in rows:
                digest.update(repr(row).encode())
            out[table] = (len(rows), digest.hexdigest()[:16])
        return out

    def skips(self, reason: str | None = None) -> list[Skip]:
        sql = "SELECT origin, reason, detail, doc_id, duplicate_of FROM skips"
        params: list[Any] = []
        if reason:
            sql += " WHERE reason = ?"
            params.append(reason)
        from dyad.types import SkipReason

        return [
            Skip(origin, SkipReason(r), detail or "", doc_id, dup)
            for origin, r, detail, doc_id, dup in self.query(sql + " ORDER BY origin", params)
        ]

    def aliases(self) -> dict[str, list[str]]:
        """Exact duplicates: stored doc_id -> other doc_ids with the same content."""
        out: dict[str, list[str]] = {}
        for doc_id, first in self.query(
            "SELECT doc_id, duplicate_of FROM skips WHERE reason = 'duplicate' AND doc_id IS NOT NULL ORDER BY doc_id"
        ):
            out.setdefault(first, []).append(doc_id)
        return out


def table_rows(
    results: Iterable[DocumentResult], skips: Iterable[Skip], run_id: str | None
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows a batch adds to each table (the documents' ``added`` and the skips'
    ``skipped_at`` are set when written)."""
    rows: dict[str, list[tuple[Any, ...]]] = {
        t: [] for t in ("documents", "sentences", "drops", "events", "mentions", "skips")
    }
    for r in results:
        d = r.document
        asserted = sum(e.modality == Modality.ASSERTED for e in r.events)
        rows["documents"].append(
            (
                d.doc_id,
                d.content_hash,
                d.raw_hash,
                d.origin,
                d.url,
                d.title,
                d.source,
                d.date,
                d.date_source,
                d.text,
                len(r.sentences),
                asserted,
                r.signature,
                run_id,
            )
        )
        rows["sentences"] += [
            (s.doc_id, s.index, s.start, s.end, s.text, s.coded) for s in r.sentences
        ]
        rows["drops"] += [(x.doc_id, x.reason.value, x.rule, x.text) for x in d.drops]
        for e in r.events:
            rows["events"].append(_event_row(e))
            loc = e.location
            rows["mentions"].append(
                (
                    e.mention_id,
                    e.event_id,
                    e.doc_id,
                    e.start,
                    e.end,
                    e.sentence,
                    e.trigger,
                    e.source_text,
                    e.target_text,
                    e.date.text,
                    loc.name if loc else None,
                    loc.country if loc else None,
                    loc.lat if loc else None,
                    loc.lon if loc else None,
                    e.confidence,
                    run_id,
                )
            )
    rows["events"] = _least_events(rows["events"])
    rows["skips"] = [
        (s.origin, s.doc_id, s.reason.value, s.detail, s.duplicate_of, run_id) for s in skips
    ]
    return rows


# Mentions of one event may describe it differently ("Imran Khan" or "the prime minister", CAMEO
# 162 or 1621). The events row keeps the least of these descriptions by this key, so the stored
# row does not depend on the order documents arrive in, are split across runs or merged.
_EVENT_CHOICE = [
    "cameo", "mode", "source_country", "source_sector", "source_name", "source_kind",
    "target_country", "target_sector", "target_name", "target_kind",
]  # fmt: skip
_EVENT_CHOICE_INDEX = [EVENT_TABLE_COLUMNS.index(c) for c in _EVENT_CHOICE]


def _choice_sql(table: str) -> str:
    return "concat_ws('|', " + ", ".join(f"coalesce({table}.{c}, '')" for c in _EVENT_CHOICE) + ")"


def _choice_key(row: tuple[Any, ...]) -> str:
    return "|".join("" if row[i] is None else str(row[i]) for i in _EVENT_CHOICE_INDEX)


EVENT_CONFLICT = (
    "ON CONFLICT (event_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in EVENT_TABLE_COLUMNS[1:])
    + f" WHERE {_choice_sql('EXCLUDED')} < {_choice_sql('events')}"
)


def _least_events(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """One row per event id: the least by ``_choice_key``."""
    best: dict[Any, tuple[Any, ...]] = {}
    for r in rows:
        have = best.get(r[0])
        if have is None or _choice_key(r) < _choice_key(have):
            best[r[0]] = r
    return list(best.values())


TABLE_COLUMNS = {
    "documents": DOC_COLUMNS, "sentences": SENTENCE_COLUMNS, "drops": DROP_COLUMNS,
    "events": EVENT_TABLE_COLUMNS, "mentions": MENTION_COLUMNS, "skips": SKIP_COLUMNS,
}  # fmt: skip


def write_partition(
    results: Iterable[DocumentResult],
    skips: Iterable[Skip],
    folder: str | os.PathLike[str],
    run_id: str | None = None,
) -> None:
    """Write a batch's rows as Parquet, one file a table, for ``Store.merge_partition``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    Path(folder).mkdir(parents=True, exist_ok=True)
    for table, rows in table_rows(results, skips, run_id).items():
        if not rows:
            continue  # no file: nothing of this table (and no column types to guess)
        columns = TABLE_COLUMNS[table]
        data: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in columns]
        tmp = Path(folder) / f".{table}.parquet"
        pq.write_table(pa.table({c: list(v) for c, v in zip(columns, data, strict=True)}), tmp)
        tmp.replace(Path(folder) / f"{table}.parquet")  # whole files only, even if killed


def _event_row(e: Event) -> tuple[Any, ...]:
    s, t = e.source, e.target
    return (
        e.event_id,
        e.date.date,
        e.date.precision.value,
        e.plover,
        e.mode,
        e.cameo,
        e.goldstein,
        int(e.quad_class),
        s.code,
        s.country,
        s.sector,
        s.name,
        s.kind,
        t.code if t else None,
        t.country if t else None,
        t.sector if t else None,
        t.name if t else None,
        t.kind if t else None,
        e.modality.value,
    )


def _event_from_row(r: Sequence[Any]) -> Event:
    (event_id, date, precision, plover, mode, cameo, goldstein, quad, s_code, s_country, s_sector,
     s_name, s_kind, t_code, t_country, t_sector, t_name, t_kind, modality, mention_id, doc_id,
     start, end, sentence, trigger, source_text, target_text, date_text, loc_name, loc_country,
     lat, lon, confidence) = r  # fmt: skip
    return Event(
        event_id=event_id,
        mention_id=mention_id,
        doc_id=doc_id,
        date=EventDate(date, DatePrecision(precision), date_text),
        plover=plover,
        mode=mode,
        cameo=cameo,
        goldstein=goldstein,
        quad_class=QuadClass(quad),
        source=Actor(s_code, s_country, s_sector, s_name, s_kind),
        target=Actor(t_code, t_country, t_sector, t_name, t_kind) if t_code else None,
        source_text=source_text,
        target_text=target_text,
        location=Location(loc_name, loc_country, lat, lon) if loc_name else None,
        sentence=sentence,
        start=start,
        end=end,
        trigger=trigger,
        modality=Modality(modality),
        confidence=confidence,
    )
