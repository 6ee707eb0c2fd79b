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

A run stages its rows as Parquet parts beside the store (``Staging``) and merges them at the
end, a part per transaction; a run killed at any moment leaves whole parts, which the next run
merges first. Writes are idempotent: a document already stored with the same content hash is
not read again, events and mentions are keyed by content, so re-running on the same input adds
nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from dyad.errors import StoreError
from dyad.settings import Settings
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

# 2: skips.raw_hash (a timed-out input is not tried again while unchanged); 3: mentions.action
# (the action a speech act is about). Added to older stores when a writer opens them.
SCHEMA_VERSION = 3
# The write-ahead log size that makes a writer checkpoint. A checkpoint costs time in proportion
# to the whole store, so DuckDB's default (16 MB, every ~40 batches) made writing quadratic:
# replaying 100k documents' rows took 89 s of writes with it, 36 s with 256 MB.
WRITER_CHECKPOINT = "256MB"
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
    location_country VARCHAR, lat DOUBLE, lon DOUBLE, confidence DOUBLE, run_id VARCHAR,
    action VARCHAR);
CREATE TABLE IF NOT EXISTS skips (
    origin VARCHAR PRIMARY KEY, doc_id VARCHAR, reason VARCHAR, detail VARCHAR,
    duplicate_of VARCHAR, run_id VARCHAR, skipped_at TIMESTAMP, raw_hash VARCHAR);
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
SKIP_COLUMNS = ["origin", "doc_id", "reason", "detail", "duplicate_of", "run_id", "raw_hash"]
MENTION_COLUMNS = [
    "mention_id", "event_id", "doc_id", "start_char", "end_char", "sentence", "trigger", "source_text",
    "target_text", "date_text", "location_name", "location_country", "lat", "lon", "confidence", "run_id",
    "action",
]  # fmt: skip
EVENT_COLUMNS = (
    "e.event_id, e.date, e.date_precision, e.plover, e.mode, e.cameo, e.goldstein, e.quad_class, "
    "e.source_code, e.source_country, e.source_sector, e.source_name, e.source_kind, "
    "e.target_code, e.target_country, e.target_sector, e.target_name, e.target_kind, e.modality, "
    "m.mention_id, m.doc_id, m.start_char, m.end_char, m.sentence, m.trigger, m.source_text, "
    "m.target_text, m.date_text, m.location_name, m.location_country, m.lat, m.lon, m.confidence, "
    "m.action"
)
EVENT_ROW_WIDTH = EVENT_COLUMNS.count(",") + 1  # the values of one row of EVENT_COLUMNS
MENTION_ROW_WIDTH = EVENT_ROW_WIDTH - len(EVENT_TABLE_COLUMNS)  # of them, the mention's


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
            clauses.append("m.sentence ILIKE ? ESCAPE '\\'")
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
        self,
        path: str | os.PathLike[str] = "dyad.duckdb",
        read_only: bool = False,
        memory_mb: int = Settings.store_memory_mb,
    ) -> None:
        self.path = str(path)
        self.memory_mb = memory_mb
        self._staging: Path | None = None
        self.read_only = read_only
        if self.path != ":memory:":
            parent = Path(self.path).parent
            if not read_only:
                parent.mkdir(parents=True, exist_ok=True)
            elif not Path(self.path).exists():
                raise StoreError(f"no store at {self.path}: run `dyad run` first")
        try:
            # DuckDB's buffer pool may grow to 80% of RAM by default and keeps what a long run
            # wrote; a writer gets a fixed pool instead. Too small a pool fails as the store
            # grows (128 MB ran out at about 90k documents), hence the setting.
            config: dict[str, Any] = (
                {}
                if read_only
                else {"memory_limit": f"{memory_mb}MB", "checkpoint_threshold": WRITER_CHECKPOINT}
            )
            self.con = duckdb.connect(self.path, read_only=read_only, config=config)
            self.con.execute("SET enable_progress_bar = false")  # no bars amid dyad's output
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
            if row is not None and int(row[0]) > SCHEMA_VERSION:
                raise StoreError(f"{self.path} was written by a newer dyad (schema {row[0]})")
            self.con.execute("ALTER TABLE skips ADD COLUMN IF NOT EXISTS raw_hash VARCHAR")
            self.con.execute("ALTER TABLE mentions ADD COLUMN IF NOT EXISTS action VARCHAR")
            self.con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
            )
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

    def signatures(self, last: int | None = None) -> Iterator[tuple[str, bytes]]:
        """MinHash signatures of stored documents in the order they were stored (the ``last``
        ones only, if given)."""
        cur = self.con.execute(
            "SELECT doc_id, minhash FROM (SELECT doc_id, minhash, rowid AS r FROM documents "
            "WHERE minhash IS NOT NULL ORDER BY r DESC LIMIT ?) ORDER BY r",
            [last if last is not None else 2**62],
        )
        while rows := cur.fetchmany(10_000):
            yield from rows

    def timed_out(self) -> dict[str, str]:
        """doc_id -> raw hash of the inputs skipped as ``timeout``: a run passes over those it
        finds unchanged, unless asked to retry them."""
        rows = self.con.execute(
            "SELECT doc_id, raw_hash FROM skips WHERE reason = 'timeout' "
            "AND doc_id IS NOT NULL AND raw_hash IS NOT NULL"
        ).fetchall()
        return dict(rows)

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
        rows = table_rows(results, skips, run_id)
        try:
            for table, columns in TABLE_COLUMNS.items():
                if rows[table]:  # (an empty one would have no column types)
                    self._bulk(f"new_{table}", columns, rows[table])
            self._apply({t: f"new_{t}" for t in TABLE_COLUMNS if rows[t]})
        finally:
            for table in TABLE_COLUMNS:
                with contextlib.suppress(duckdb.Error):
                    self.con.unregister(f"new_{table}")

    def merge_partition(
        self,
        folder: str | os.PathLike[str],
        doc_ids: Sequence[str] | None = None,
        skips: Iterable[Skip] = (),
        run_id: str | None = None,
    ) -> None:
        """Merge a partition written by ``write_partition`` (Parquet, one file a table) in one
        transaction, keeping only the documents ``doc_ids`` (all, if None: the others were
        duplicates) and adding ``skips``. DuckDB reads the Parquet files itself; merging twice
        adds nothing."""
        files = {
            t: (Path(folder) / f"{t}.parquet").as_posix().replace("'", "''")
            for t in TABLE_COLUMNS
            if (Path(folder) / f"{t}.parquet").exists()
        }
        sources: dict[str, str] = {}
        try:
            keep = ""
            if doc_ids is not None and not doc_ids:
                keep = " WHERE FALSE"  # every document a duplicate
            elif doc_ids is not None:
                self._bulk("keep_ids", ["doc_id"], [(d,) for d in sorted(set(doc_ids))])
                keep = " WHERE doc_id IN (SELECT doc_id FROM keep_ids)"
            for table in ("documents", "sentences", "drops", "mentions"):
                if table in files:
                    sources[table] = f"(SELECT * FROM read_parquet('{files[table]}'){keep})"
            if "events" in files and "mentions" in sources:
                sources["events"] = (
                    f"(SELECT * FROM read_parquet('{files['events']}') "
                    f"WHERE event_id IN (SELECT event_id FROM {sources['mentions']}))"
                )
            new_skips = table_rows([], skips, run_id)["skips"]
            parts = [f"SELECT * FROM read_parquet('{files['skips']}')"] if "skips" in files else []
            if new_skips:
                self._bulk("new_skips", SKIP_COLUMNS, new_skips)
                parts.append("SELECT * FROM new_skips")
            if parts:
                sources["skips"] = f"({' UNION ALL BY NAME '.join(parts)})"
            self._apply(sources, what=f"merge {folder} into")
        finally:
            for name in ("keep_ids", "new_skips"):
                with contextlib.suppress(duckdb.Error):
                    self.con.unregister(name)

    def staging_root(self) -> Path:
        """Where runs stage their rows: beside the store (a temporary folder for ":memory:")."""
        if self._staging is None:
            self._staging = (
                Path(tempfile.mkdtemp(prefix="dyad-staging-"))
                if self.path == ":memory:"
                else Path(self.path + ".staging")
            )
        return self._staging

    def merge_staged(self) -> int:
        """Merge the parts runs staged (``Staging``) in the order they were written, each in
        one transaction, deleting each once merged; returns how many were merged."""
        root = self.staging_root()
        merged = 0
        for run in sorted(root.iterdir()) if root.is_dir() else []:
            for part in sorted(run.iterdir()):
                if part.name.startswith("."):  # a part being written when its run was killed
                    shutil.rmtree(part, ignore_errors=True)
                    continue
                try:
                    self.merge_partition(part)
                except StoreError as e:
                    raise StoreError(
                        f"{e} (to give up on this part, delete {part}: the next run codes its "
                        "documents again)"
                    ) from e
                shutil.rmtree(part)
                merged += 1
            run.rmdir()
        if root.is_dir():
            root.rmdir()
        return merged

    def _apply(self, sources: dict[str, str], what: str = "write to") -> None:
        """Add the rows of ``sources`` (table -> a relation with that table's columns; a table
        left out adds nothing) in one transaction. A document stored before is replaced: its
        old rows go first, and so do events no document mentions any more."""
        con = self.con
        new_docs = sources.get("documents")
        try:
            con.execute("BEGIN TRANSACTION")
            replaced = False
            if new_docs is not None:
                con.execute(f"CREATE TEMP TABLE new_ids AS SELECT doc_id, origin FROM {new_docs}")
                replaced = bool(
                    con.execute(
                        "SELECT count(*) FROM documents WHERE doc_id IN (SELECT doc_id FROM new_ids)"
                    ).fetchone()[0]  # type: ignore[index]
                )
                if replaced:
                    for table in ("mentions", "sentences", "drops", "documents"):
                        con.execute(
                            f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM new_ids)"
                        )
                # An input skipped before and stored now is no longer a skip.
                con.execute("DELETE FROM skips WHERE origin IN (SELECT origin FROM new_ids)")
                con.execute("DROP TABLE new_ids")
            for table, stamp, conflict in (
                ("documents", "added", ""),
                ("sentences", "", ""),
                ("drops", "", ""),
                ("events", "", EVENT_CONFLICT),
                ("mentions", "", "ON CONFLICT DO NOTHING"),
                ("skips", "skipped_at", SKIP_CONFLICT),
            ):
                if table in sources:
                    columns = ", ".join(TABLE_COLUMNS[table])
                    into, now = (f"{columns}, {stamp}", ", now()") if stamp else (columns, "")
                    con.execute(
                        f"INSERT INTO {table} ({into}) SELECT {columns}{now} FROM {sources[table]} "
                        f"{conflict}"
                    )
            if replaced:
                con.execute(
                    "DELETE FROM events WHERE event_id NOT IN (SELECT event_id FROM mentions)"
                )
            con.execute("COMMIT")
        except duckdb.Error as e:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise StoreError(f"cannot {what} {self.path}: {e}{self._hint(e)}") from e

    def _hint(self, e: duckdb.Error) -> str:
        if isinstance(e, duckdb.OutOfMemoryException):
            return f" (raise store_memory_mb in dyad.toml; it is {self.memory_mb})"
        return ""

    def _bulk(self, name: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        self.con.register(name, _arrow(columns, rows))

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
            "skips": "origin, doc_id, reason, detail, duplicate_of, raw_hash",
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
        sql = "SELECT origin, reason, detail, doc_id, duplicate_of, raw_hash FROM skips"
        params: list[Any] = []
        if reason:
            sql += " WHERE reason = ?"
            params.append(reason)
        from dyad.types import SkipReason

        return [
            Skip(origin, SkipReason(r), detail or "", doc_id, dup, raw)
            for origin, r, detail, doc_id, dup, raw in self.query(sql + " ORDER BY origin", params)
        ]

    def aliases(self) -> dict[str, list[str]]:
        """Exact duplicates: stored doc_id -> other doc_ids with the same content."""
        out: dict[str, list[str]] = {}
        for doc_id, first in self.query(
            "SELECT doc_id, duplicate_of FROM skips WHERE reason = 'duplicate' AND doc_id IS NOT NULL ORDER BY doc_id"
        ):
            out.setdefault(first, []).append(doc_id)
        return out

    # -- analysis queries --------------------------------------------------------------------
    # Time series, key events, networks and search read tables derived from ``events`` and
    # ``mentions`` (asserted events only; ``ANALYSIS_TABLES`` says how each is made):
    #
    #   analysis_events       one row per event: its first mention as evidence, its number of
    #                         mentions, that mention's document, and ``eid``, its place in
    #                         (date, event_id) order. Sorted by eid: a page of events in date
    #                         order is a few neighbouring rows.
    #   analysis_dyad_keys    their filtered and sorted-on columns, sorted by dyad then eid:
    #                         a dyad's events are a few neighbouring rows.
    #   analysis_days         per directed dyad, date, PLOVER type and quad class: events,
    #                         mentions, Goldstein sums (plain and mention-weighted).
    #   analysis_weeks, analysis_months  the same by week (from Monday) and by month.
    #   analysis_dyads        per directed dyad, over all time: events, mentions, Goldstein
    #                         sums, first and last dates.
    #   analysis_terms        the distinct words of each mention's sentence, with the event's
    #                         eid and the mention's rank among its event's mentions, and
    #                         whether it is the first of them with the word; sorted by word.
    #   analysis_vocabulary   each word with its number of postings: rare words are looked up
    #                         first.
    #   analysis_actors       each actor code with its most used name and number of events.
    #
    # A page of events is found in two steps: the eids of the page, reading only the columns
    # filtered and sorted on, then their rows by eid. DuckDB does not push an IN list down
    # into a scan: a query selecting wide rows by a list reads every column of every row
    # group. So the rows are fetched as a range of eids when they are neighbours (a page in
    # date order of a busy filter), else through an index on eid.
    #
    # ``build_analysis_index`` writes them into the store with a fingerprint of the events and
    # mentions they were made from. A store without them, or whose events changed since, gets
    # them built in memory (an attached in-memory database) on first use: the same queries
    # run either way, read-only stores included.

    _analysis_prefix: str | None = None

    # Rows fetched as a range when the range is at most this much wider than the rows: a
    # range of a row group or less costs a few milliseconds, an index lookup half of one a row.
    NEIGHBOURS = 20_000
    ANALYSIS_VERSION = 5  # bump when the tables below change: stored ones are then rebuilt
    SCRATCH = "dyad_analysis"  # the in-memory database for stores without the tables
    # A sentence's words, as search sees them: lower case, split at anything not a letter or
    # digit (in any script).
    SPLIT_WORDS = r"regexp_split_to_array(lower({x}), '[^\pL\pN]+')"
    # (name, SELECT) in the order they are built; {p} is the prefix of the database they go in,
    # {words} the words of a mention's sentence.
    ANALYSIS_TABLES = (
        (
            "analysis_events",
            """
            WITH m AS (
                SELECT event_id, count(*)::INTEGER AS mentions,
                       arg_min({'mention_id': mention_id, 'doc_id': doc_id, 'start_char': start_char,
                                'end_char': end_char, 'sentence': sentence, 'trigger': trigger,
                                'source_text': source_text, 'target_text': target_text,
                                'date_text': date_text, 'location_name': location_name,
                                'location_country': location_country, 'lat': lat, 'lon': lon,
                                'confidence': confidence, 'action': action},
                               (doc_id, start_char, mention_id)) AS first
                FROM mentions GROUP BY event_id),
            m2 AS (SELECT event_id, mentions, unnest(first) FROM m),
            ev AS (
                SELECT row_number() OVER (ORDER BY e.date NULLS LAST, e.event_id)::INTEGER AS eid,
                       e.*, m2.* EXCLUDE (event_id)
                FROM events e JOIN m2 USING (event_id) WHERE e.modality = 'asserted')
            SELECT ev.*, d.title AS doc_title, d.url AS doc_url, d.source AS doc_source,
                   d.date AS doc_date
            FROM ev LEFT JOIN documents d USING (doc_id)
            ORDER BY ev.eid""",
        ),
        (
            "analysis_dyad_keys",
            "SELECT eid, source_code, target_code, date, plover, quad_class, goldstein, mentions "
            "FROM {p}analysis_events ORDER BY source_code, target_code, eid",
        ),
        (
            "analysis_days",
            """
            SELECT source_code, target_code, date, plover, quad_class, count(*)::INTEGER AS events,
                   sum(mentions)::BIGINT AS mentions, sum(goldstein) AS goldstein,
                   sum(goldstein * mentions) AS goldstein_mentions
            FROM {p}analysis_events GROUP BY ALL
            ORDER BY source_code, target_code, date, plover""",
        ),
        (
            "analysis_dyads",
            """
            SELECT source_code, target_code, sum(events)::BIGINT AS events,
                   sum(mentions)::BIGINT AS mentions, sum(goldstein) AS goldstein,
                   sum(goldstein_mentions) AS goldstein_mentions, min(date) AS first,
                   max(date) AS last
            FROM {p}analysis_days GROUP BY source_code, target_code
            ORDER BY source_code, target_code""",
        ),
        *(
            (
                f"analysis_{unit}s",
                f"""
            SELECT source_code, target_code, CAST(date_trunc('{unit}', date) AS DATE) AS date,
                   plover, quad_class, sum(events)::INTEGER AS events,
                   sum(mentions)::BIGINT AS mentions, sum(goldstein) AS goldstein,
                   sum(goldstein_mentions) AS goldstein_mentions
            FROM {{p}}analysis_days GROUP BY ALL
            ORDER BY source_code, target_code, date, plover""",
            )
            for unit in ("week", "month")
        ),
        (
            "analysis_terms",
            """
            WITH r AS (
                SELECT e.eid, m.sentence,
                       row_number() OVER (PARTITION BY m.event_id
                                          ORDER BY m.doc_id, m.start_char, m.mention_id)::INTEGER AS rank
                FROM mentions m JOIN {p}analysis_events e USING (event_id)),
            w AS (SELECT DISTINCT unnest({words}) AS term, eid, rank FROM r)
            SELECT term, eid, rank,
                   rank = min(rank) OVER (PARTITION BY term, eid) AS first
            FROM w WHERE term <> '' ORDER BY term, eid, rank""",
        ),
        (
            "analysis_vocabulary",
            "SELECT term, count(*) AS postings FROM {p}analysis_terms GROUP BY term ORDER BY term",
        ),
        (
            "analysis_actors",
            """
            WITH sides AS (
                SELECT source_code AS code, source_name AS name, source_kind AS kind, eid
                FROM {p}analysis_events
                UNION ALL
                SELECT target_code, target_name, target_kind, eid FROM {p}analysis_events
                WHERE target_code IS NOT NULL),
            names AS (
                SELECT code, arg_max(name, (coalesce(kind = 'country', false), n)) AS name
                FROM (SELECT code, name, kind, count(*) AS n FROM sides GROUP BY ALL) GROUP BY code)
            SELECT s.code, n.name, count(DISTINCT s.eid)::INTEGER AS events
            FROM sides s JOIN names n USING (code) GROUP BY s.code, n.name""",
        ),
    )
    # EVENT_COLUMNS read from analysis_events, then the event's mentions and its evidence's
    # document.
    ANALYSIS_EVENT_COLUMNS = (
        EVENT_COLUMNS.replace("m.", "e.")
        + ", e.mentions, e.doc_title, e.doc_url, e.doc_source, e.doc_date"
    )

    def build_analysis_index(self) -> None:
        """Write the analysis tables into the store (seconds for a million events), so that
        read-only users (``dyad serve``, ``dyad report``) find them ready."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only: cannot build its analysis index")
        try:
            self.con.execute("BEGIN TRANSACTION")
            fingerprint = self._build_analysis_tables("")
            self.con.execute(
                "INSERT INTO meta VALUES ('analysis_index', ?) ON CONFLICT DO UPDATE SET value = EXCLUDED.value",
                [fingerprint],
            )
            self.con.execute("COMMIT")
        except duckdb.Error as e:
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise StoreError(f"cannot build the analysis index of {self.path}: {e}") from e
        self._analysis_prefix = None

    def analysis_index_is_current(self) -> bool:
        """Whether the store holds analysis tables made from its present events."""
        row = self.con.execute("SELECT value FROM meta WHERE key = 'analysis_index'").fetchone()
        return (
            row is not None
            and row[0] == self._analysis_fingerprint()
            and self._has_analysis_tables()
        )

    def _has_analysis_tables(self) -> bool:
        names = [name for name, _ in self.ANALYSIS_TABLES]
        row = self.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            f"AND schema_name = 'main' AND table_name IN ({', '.join('?' for _ in names)})",
            names,
        ).fetchone()
        return row is not None and row[0] == len(names)

    def reader(self) -> Store:
        """Another handle on this store with its own DuckDB cursor, for one thread (a web
        request); closing it leaves this store open."""
        prefix = self._analysis()
        other = object.__new__(Store)
        other.path, other.read_only = self.path, self.read_only
        other.con = self.con.cursor()
        other._analysis_prefix = prefix if self.read_only else None
        return other

    def _analysis_fingerprint(self) -> str:
        row = self.con.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT bit_xor(hash(event_id, modality)) FROM events), "
            "(SELECT count(*) FROM mentions), (SELECT bit_xor(hash(mention_id, event_id, doc_id)) FROM mentions)"
        ).fetchone()
        return f"v{self.ANALYSIS_VERSION}:" + ":".join(str(x) for x in row or ())

    def _analysis(self) -> str:
        """The prefix of the analysis tables to query: "" (in the store) or the in-memory
        database's. A read-only store cannot change, so it is worked out once."""
        if self._analysis_prefix is not None and self.read_only:
            return self._analysis_prefix
        try:
            fingerprint = self._analysis_fingerprint()
            row = self.con.execute("SELECT value FROM meta WHERE key = 'analysis_index'").fetchone()
            if row is not None and row[0] == fingerprint and self._has_analysis_tables():
                prefix = ""
            else:
                prefix = f"{self.SCRATCH}."
                self.con.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {self.SCRATCH} (READ_WRITE)")
                self.con.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.SCRATCH}.built (store VARCHAR PRIMARY KEY, fingerprint VARCHAR)"
                )
                built = self.con.execute(
                    f"SELECT fingerprint FROM {self.SCRATCH}.built WHERE store = ?", [self.path]
                ).fetchone()
                if built is None or built[0] != fingerprint:
                    self._build_analysis_tables(prefix)
                    self.con.execute(
                        f"INSERT OR REPLACE INTO {self.SCRATCH}.built VALUES (?, ?)",
                        [self.path, fingerprint],
                    )
        except duckdb.Error as e:
            raise StoreError(f"cannot prepare the analysis tables of {self.path}: {e}") from e
        self._analysis_prefix = prefix
        return prefix

    def _build_analysis_tables(self, prefix: str) -> str:
        self.con.execute("SET enable_progress_bar = false")  # DuckDB's bar would go to stdout
        fingerprint = self._analysis_fingerprint()
        words = self.SPLIT_WORDS.format(x="r.sentence")
        self.con.execute(f"DROP INDEX IF EXISTS {prefix}analysis_events_eid")
        for name, sql in self.ANALYSIS_TABLES:
            self.con.execute(
                f"CREATE OR REPLACE TABLE {prefix}{name} AS "
                + sql.replace("{p}", prefix).replace("{words}", words)
            )
        self.con.execute(f"CREATE INDEX analysis_events_eid ON {prefix}analysis_events (eid)")
        return fingerprint

    def search_terms(self, text: str) -> list[str]:
        """The words of a search, as the index splits sentences: lower case, split at
        anything not a letter or digit."""
        row = self.con.execute(
            f"SELECT list_sort(list_distinct(list_filter({self.SPLIT_WORDS.format(x='?')}, w -> w <> '')))",
            [text],
        ).fetchone()
        return list(row[0]) if row and row[0] else []

    def _analysis_filter(self, f: EventFilter, alias: str) -> tuple[str, list[Any]]:
        """The WHERE clause of ``f`` (all but its text) over an analysis table aliased
        ``alias``, and its parameters. Only asserted events are in these tables; a filter
        asking for other modalities or for one document is a caller's mistake."""
        if f.all_modalities or f.doc_id:
            raise StoreError("the analysis tables hold asserted events, not single documents")
        clauses: list[str] = []
        params: list[Any] = []
        a = alias
        if f.dyad:
            s, t = f.dyad
            if f.undirected and s != t:
                clauses.append(
                    f"(({a}.source_code = ? AND {a}.target_code = ?) OR ({a}.source_code = ? AND {a}.target_code = ?))"
                )
                params += [s, t, t, s]
            else:
                clauses.append(f"{a}.source_code = ? AND {a}.target_code = ?")
                params += [s, t]
        if f.actor:
            clauses.append(f"({a}.source_code = ? OR {a}.target_code = ?)")
            params += [f.actor, f.actor]
        if f.plover:
            clauses.append(f"{a}.plover IN ({', '.join('?' for _ in f.plover)})")
            params += list(f.plover)
        if f.since:
            clauses.append(f"{a}.date >= ?")
            params.append(f.since)
        if f.until:
            clauses.append(f"{a}.date <= ?")
            params.append(f.until)
        return " AND ".join(clauses) or "TRUE", params

    def _events_table(self, f: EventFilter, prefix: str) -> str:
        """The table of events to filter for ``f``: sorted by dyad when it names one."""
        return f"{prefix}analysis_dyad_keys" if f.dyad else f"{prefix}analysis_events"

    def _matches(self, f: EventFilter, prefix: str) -> tuple[str, list[Any]] | None:
        """A WITH clause defining ``matches (eid, rank)``: the events with a mention holding
        every word of ``f.text`` (and, when ``f`` names a dyad or an actor, of that dyad or
        actor), with the rank of the first such mention; None when the text has no words."""
        terms = self.search_terms(f.text) if f.text else []
        if not terms:
            return None
        postings = dict(
            self.con.execute(
                f"SELECT term, postings FROM {prefix}analysis_vocabulary "
                f"WHERE term IN ({', '.join('?' for _ in terms)})",
                terms,
            ).fetchall()
        )
        if len(postings) < len(terms):  # a word no sentence has
            return "WITH matches AS (SELECT 0 AS eid, 0 AS rank WHERE false) ", []
        terms.sort(key=lambda t: (postings[t], t))  # the rarest first: it narrows the others
        scope, scope_params = "", list[Any]()
        if f.dyad or f.actor:
            where, scope_params = self._analysis_filter(f, "e")
            scope = (
                f"AND t.eid IN (SELECT e.eid FROM {self._events_table(f, prefix)} e WHERE {where})"
            )
        terms_table = f"{prefix}analysis_terms"
        if len(terms) == 1:
            return (
                f"WITH matches AS (SELECT t.eid, t.rank FROM {terms_table} t "
                f"WHERE t.term = ? AND t.first {scope}) ",
                [terms[0], *scope_params],
            )
        # Each further word must be in the same mention as the ones before it.
        parts = [f"t1 AS (SELECT t.eid, t.rank FROM {terms_table} t WHERE t.term = ? {scope})"]
        for i in range(2, len(terms) + 1):
            parts.append(
                f"t{i} AS (SELECT t.eid, t.rank FROM {terms_table} t "
                f"SEMI JOIN t{i - 1} USING (eid, rank) WHERE t.term = ?)"
            )
        sql = (
            "WITH "
            + ", ".join(parts)
            + f", matches AS (SELECT eid, min(rank) AS rank FROM t{len(terms)} GROUP BY eid) "
        )
        return sql, [terms[0], *scope_params, *terms[1:]]

    def analysis_series(self, f: EventFilter, unit: str) -> list[tuple[Any, ...]]:
        """One row a period with events of ``f`` (dated ones), by ``unit`` (day, week from
        Monday, or month): period start; events, mentions; events in quad classes 1-4,
        mentions in them; Goldstein sum, mention-weighted Goldstein sum; then the PLOVER types
        in the period, and the events and the mentions of each (three lists, a type may come
        twice when its events are in two quad classes)."""
        p = self._analysis()
        matches = self._matches(f, p)
        if matches:
            with_sql, with_params = matches
            where, params = self._analysis_filter(f, "e")
            rows = (
                f"SELECT CAST(date_trunc(?, e.date) AS DATE) AS period, e.plover, e.quad_class, "
                "count(*) AS n, sum(e.mentions) AS m, sum(e.goldstein) AS g, "
                "sum(e.goldstein * e.mentions) AS gm "
                f"FROM {self._events_table(f, p)} e SEMI JOIN matches USING (eid) "
                f"WHERE e.date IS NOT NULL AND {where} GROUP BY ALL"
            )
            params = [*with_params, unit, *params]
        else:
            # The table of the unit when the range has whole periods, else days.
            day = dt.timedelta(days=1)
            whole = unit in ("week", "month") and all(
                x is None or (x.day == 1 if unit == "month" else x.weekday() == 0)
                for x in (f.since, f.until + day if f.until else None)
            )
            table = f"{p}analysis_{unit}s" if whole else f"{p}analysis_days"
            where, params = self._analysis_filter(f, "d")
            with_sql = ""
            rows = (
                "SELECT CAST(date_trunc(?, d.date) AS DATE) AS period, d.plover, d.quad_class, "
                "sum(d.events) AS n, sum(d.mentions) AS m, sum(d.goldstein) AS g, "
                "sum(d.goldstein_mentions) AS gm "
                f"FROM {table} d WHERE d.date IS NOT NULL AND {where} GROUP BY ALL"
            )
            params = [unit, *params]
        quads = ", ".join(
            f"coalesce(sum({x}) FILTER (WHERE quad_class = {q}), 0)"
            for x in ("n", "m")
            for q in (1, 2, 3, 4)
        )
        sql = (
            f"{with_sql}{', ' if with_sql else 'WITH '}x AS ({rows}) "
            f"SELECT period, sum(n), sum(m), {quads}, sum(g), sum(gm), list(plover), list(n), list(m) "
            "FROM x GROUP BY period ORDER BY period"
        )
        return self.con.execute(sql, params).fetchall()

    def analysis_events(
        self, f: EventFilter, limit: int, offset: int = 0
    ) -> tuple[list[tuple[Any, ...]], int]:
        """A page of the events of ``f``, oldest first (undated last), and how many there
        are on all pages. Rows are ``EVENT_COLUMNS`` then the number of mentions and the
        evidence's document title, url, publisher and date. The evidence is the first
        mention, or with ``f.text`` the first mention holding its words."""
        p = self._analysis()
        table = self._events_table(f, p)
        where, params = self._analysis_filter(f, "e")
        matches = self._matches(f, p)
        if matches:
            # One pass: the matches are found once for the page and the count.
            with_sql, with_params = matches
            hits = (
                "SELECT eid, rank FROM matches"
                if where == "TRUE"
                else f"SELECT e.eid, m.rank FROM {table} e JOIN matches m USING (eid) WHERE {where}"
            )
            page = self.con.execute(
                f"{with_sql}, hits AS MATERIALIZED ({hits}) "
                "SELECT eid, rank, (SELECT count(*) FROM hits) FROM hits ORDER BY eid LIMIT ? OFFSET ?",
                [*with_params, *([] if where == "TRUE" else params), int(limit), int(offset)],
            ).fetchall()
            total = int(page[0][2]) if page else 0
            if not page and offset:
                row = self.con.execute(
                    f"{with_sql}SELECT count(*) FROM ({hits})",
                    [*with_params, *([] if where == "TRUE" else params)],
                ).fetchone()
                total = int(row[0]) if row else 0
        else:
            page = self.con.execute(
                f"SELECT e.eid, 1 FROM {table} e WHERE {where} ORDER BY e.eid LIMIT ? OFFSET ?",
                [*params, int(limit), int(offset)],
            ).fetchall()
            row = self.con.execute(
                f"SELECT count(*) FROM {table} e WHERE {where}", params
            ).fetchone()
            total = int(row[0]) if row else 0
        fetched = self._events_by_eid([r[0] for r in page], p)
        return self._with_evidence([(*fetched[r[0]], r[1]) for r in page]), total

    def analysis_key_events(self, f: EventFilter, limit: int) -> list[tuple[Any, ...]]:
        """The events of ``f`` of largest |Goldstein| × mentions, in that order: rows as
        ``analysis_events``."""
        p = self._analysis()
        table = self._events_table(f, p)
        where, params = self._analysis_filter(f, "e")
        matches = self._matches(f, p)
        with_sql, with_params = matches or ("", [])
        join = "JOIN matches m USING (eid)" if matches else ""
        page = self.con.execute(
            f"{with_sql}SELECT e.eid, {'m.rank' if matches else '1'} FROM {table} e {join} "
            f"WHERE {where} ORDER BY abs(e.goldstein) * e.mentions DESC, e.eid LIMIT ?",
            [*with_params, *params, int(limit)],
        ).fetchall()
        fetched = self._events_by_eid([r[0] for r in page], p)
        return self._with_evidence([(*fetched[r[0]], r[1]) for r in page])

    def _events_by_eid(self, eids: list[int], prefix: str) -> dict[int, tuple[Any, ...]]:
        """eid -> ``ANALYSIS_EVENT_COLUMNS`` of those events."""
        if not eids:
            return {}
        lo, hi = min(eids), max(eids)
        in_list = ", ".join("?" for _ in eids)
        if hi - lo < self.NEIGHBOURS + 4 * len(eids):
            sql = f"WHERE e.eid BETWEEN ? AND ? AND e.eid IN ({in_list})"
            params = [lo, hi, *eids]
        else:  # through the index
            sql, params = f"WHERE e.eid IN ({in_list})", list(eids)
        return {
            r[-1]: r[:-1]
            for r in self.con.execute(
                f"SELECT {self.ANALYSIS_EVENT_COLUMNS}, e.eid FROM {prefix}analysis_events e {sql}",
                params,
            ).fetchall()
        }

    def _with_evidence(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Rows ending with the rank of their evidence mention, without it: the first
        mention's columns are replaced by those of that mention when it is a later one."""
        later = [(r[0], r[-1]) for r in rows if r[-1] != 1]
        evidence = self._nth_mentions(later) if later else {}
        n = len(EVENT_TABLE_COLUMNS)  # then the mention's columns, its count, 4 of the document
        k = MENTION_ROW_WIDTH
        out = []
        for r in rows:
            m = evidence.get((r[0], r[-1]))
            out.append(r[:n] + m[:k] + r[n + k : n + k + 1] + m[k:] if m else r[:-1])
        return out

    def _nth_mentions(
        self, wanted: list[tuple[str, int]]
    ) -> dict[tuple[str, int], tuple[Any, ...]]:
        """(event_id, rank) -> the mention of that rank (as in EVENT_COLUMNS) and its
        document (4 columns)."""
        ids = sorted({event_id for event_id, _ in wanted})
        # By key, each lookup through the primary and event_id indexes: a join would scan.
        rows = self.con.execute(
            "SELECT event_id, mention_id, doc_id, start_char, end_char, sentence, trigger, "
            "source_text, target_text, date_text, location_name, location_country, lat, lon, "
            "confidence, action FROM mentions "
            f"WHERE event_id IN ({', '.join('?' for _ in ids)}) "
            "ORDER BY event_id, doc_id, start_char, mention_id",
            ids,
        ).fetchall()
        ranks: dict[str, int] = {}
        chosen: dict[tuple[str, int], tuple[Any, ...]] = {}
        for r in rows:
            ranks[r[0]] = ranks.get(r[0], 0) + 1
            if (r[0], ranks[r[0]]) in wanted:
                chosen[(r[0], ranks[r[0]])] = r[1:]
        doc_ids = sorted({m[1] for m in chosen.values()})
        docs = {
            d[0]: d[1:]
            for d in self.con.execute(
                "SELECT doc_id, title, url, source, date FROM documents "
                f"WHERE doc_id IN ({', '.join('?' for _ in doc_ids)})",
                doc_ids,
            ).fetchall()
        }
        return {k: m + tuple(docs.get(m[1], (None,) * 4)) for k, m in chosen.items()}

    def analysis_dyads(
        self, f: EventFilter, limit: int, offset: int = 0, undirected: bool = False
    ) -> list[tuple[Any, ...]]:
        """Rows (source, target, events, mentions, Goldstein sum, mention-weighted Goldstein
        sum, first date, last date) of each dyad of two different actors in ``f``, busiest
        first. ``undirected`` puts both directions together, the codes in alphabetical order."""
        p = self._analysis()
        where, params = self._analysis_filter(f, "d")
        pair = (
            "least(d.source_code, d.target_code), greatest(d.source_code, d.target_code)"
            if undirected
            else "d.source_code, d.target_code"
        )
        if f.since or f.until or f.plover:
            table, first, last = f"{p}analysis_days", "min(d.date)", "max(d.date)"
        else:
            table, first, last = f"{p}analysis_dyads", "min(d.first)", "max(d.last)"
        return self.con.execute(
            f"SELECT {pair}, sum(d.events), sum(d.mentions), sum(d.goldstein), "
            f"sum(d.goldstein_mentions), {first}, {last} FROM {table} d "
            f"WHERE d.target_code IS NOT NULL AND d.source_code <> d.target_code AND {where} "
            "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        ).fetchall()

    def analysis_actors(self, limit: int) -> list[tuple[str, str | None, int]]:
        """(code, name, events) of each actor, busiest first."""
        p = self._analysis()
        return self.con.execute(
            f"SELECT code, name, events FROM {p}analysis_actors ORDER BY events DESC, code LIMIT ?",
            [int(limit)],
        ).fetchall()

    def document_view(self, doc_id: str) -> tuple[tuple[Any, ...] | None, list[tuple[Any, ...]]]:
        """A document (doc_id, title, url, source, date, text) and its asserted events'
        mentions (mention_id, event_id, start, end, trigger, plover, source, target, date),
        in text order."""
        doc = self.con.execute(
            "SELECT doc_id, title, url, source, date, text FROM documents WHERE doc_id = ?",
            [doc_id],
        ).fetchone()
        if doc is None:
            return None, []
        mentions = self.con.execute(
            "SELECT mention_id, event_id, start_char, end_char, trigger FROM mentions WHERE doc_id = ?",
            [doc_id],
        ).fetchall()
        if not mentions:
            return doc, []
        ids = sorted({m[1] for m in mentions})
        # Only the key in the WHERE clause: with another condition DuckDB scans the table
        # instead of looking the keys up in the index.
        events = {
            r[0]: r[1:-1]
            for r in self.con.execute(
                "SELECT event_id, plover, source_code, target_code, date, modality FROM events "
                f"WHERE event_id IN ({', '.join('?' for _ in ids)})",
                ids,
            ).fetchall()
            if r[-1] == "asserted"
        }
        rows = [m + events[m[1]] for m in mentions if m[1] in events]
        return doc, sorted(rows, key=lambda r: (r[2], r[0]))


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
                    e.action,
                )
            )
    rows["events"] = _least_events(rows["events"])
    rows["skips"] = [
        (s.origin, s.doc_id, s.reason.value, s.detail, s.duplicate_of, run_id, s.raw_hash)
        for s in skips
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
SKIP_CONFLICT = "ON CONFLICT DO UPDATE SET " + ", ".join(
    f"{c} = EXCLUDED.{c}" for c in [*SKIP_COLUMNS[1:], "skipped_at"]
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

# Documents a staged part holds; a part is merged into the store in one transaction.
STAGE_DOCUMENTS = 1024


class Staging:
    """A run's rows, staged as Parquet parts beside the store and merged into it at the end.

    Why not commit batch by batch: a writer keeps the store's indexes and its not yet
    checkpointed rows in memory, so the run's main process grew with the store while the
    workers parsed (400 MB at 10k documents, 610 MB at 100k). Staged, it holds at most one
    part's rows; the store is written when the workers are gone, a part at a time.

    A part is written whole or not at all (``write_rows``). The end of a run merges its parts,
    also when the run fails or is interrupted; a run killed outright leaves its parts behind and
    the next run merges them first (``Store.merge_staged``). Merging a part twice adds nothing.
    """

    def __init__(self, store: Store, run_id: str) -> None:
        self.store = store
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        self.folder = store.staging_root() / f"{stamp}-{run_id}"  # in the order runs started
        self.run_id = run_id
        self.rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in TABLE_COLUMNS}
        self.parts = 0

    def add(self, results: Iterable[DocumentResult], skips: Iterable[Skip] = ()) -> None:
        for table, rows in table_rows(results, skips, self.run_id).items():
            self.rows[table] += rows
        if (
            len(self.rows["documents"]) >= STAGE_DOCUMENTS
            or len(self.rows["skips"]) >= 4 * STAGE_DOCUMENTS
        ):
            self.flush()

    def flush(self) -> None:
        """Write what was added since the last flush as a part."""
        if not any(self.rows.values()):
            return
        self.rows["events"] = _least_events(self.rows["events"])  # one row an event
        # One row an input, the last said, as the store keeps it (one INSERT may not update a
        # row twice).
        self.rows["skips"] = list({r[0]: r for r in self.rows["skips"]}.values())
        write_rows(self.rows, self.folder / f"part-{self.parts:06d}")
        self.parts += 1
        self.rows = {t: [] for t in TABLE_COLUMNS}

    def merge(self) -> None:
        """Flush, then merge every staged part into the store."""
        self.flush()
        self.store.merge_staged()


def _arrow(columns: Sequence[str], rows: list[tuple[Any, ...]]) -> Any:
    """Rows as an Arrow table with these column names (a column of Nones gets the null type)."""
    import pyarrow as pa

    data: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in columns]
    return pa.table({c: list(v) for c, v in zip(columns, data, strict=True)})


def write_partition(
    results: Iterable[DocumentResult],
    skips: Iterable[Skip],
    folder: str | os.PathLike[str],
    run_id: str | None = None,
) -> None:
    """Write a batch's rows as Parquet, one file a table, for ``Store.merge_partition``."""
    write_rows(table_rows(results, skips, run_id), folder)


def write_rows(rows: dict[str, list[tuple[Any, ...]]], folder: str | os.PathLike[str]) -> None:
    """Write rows (``table_rows``) as Parquet, one file a table, into ``folder``: whole, or (if
    the process dies) not at all, since the files are written in a hidden folder renamed last."""
    import pyarrow.parquet as pq

    final = Path(folder)
    tmp = final.with_name(f".{final.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for table, table_rows_ in rows.items():
        if not table_rows_:
            continue  # no file: nothing of this table (and no column types to guess)
        pq.write_table(_arrow(TABLE_COLUMNS[table], table_rows_), tmp / f"{table}.parquet")
    shutil.rmtree(final, ignore_errors=True)  # a partition written again (a retried task)
    tmp.rename(final)


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
     lat, lon, confidence, action) = r  # fmt: skip
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
        action=action,
    )
