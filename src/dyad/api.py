"""dyad's public functions: what the CLI, the web app and users' scripts call.

>>> import dyad
>>> summary = dyad.run(["articles/"], db="dyad.duckdb")            # doctest: +SKIP
>>> dyad.extract(["a.txt"], out="events.jsonl")                    # doctest: +SKIP
>>> print(dyad.explain("Pakistan rejected India's offer of talks."))  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from dyad.errors import DyadError
from dyad.export import event_record
from dyad.pipeline import Counts, Pipeline, new_deduper
from dyad.settings import Settings
from dyad.stages.dedup import Deduper
from dyad.stages.ingest import load_meta, read_inputs
from dyad.store import Staging, Store
from dyad.types import DocumentResult, Modality, RawDocument, Skip

Progress = Callable[[int, int, int], None]  # (inputs seen, documents stored, events) -> None


@dataclass
class RunSummary:
    """What a run did, and where it left its results."""

    db: str
    counts: Counts
    skips: dict[str, int] = field(default_factory=dict)  # this run's skips by reason
    run_id: str | None = None


def open_store(db: str | os.PathLike[str] = "dyad.duckdb", read_only: bool = False) -> Store:
    """Open (or create) a dyad store."""
    return Store(db, read_only=read_only)


def _inputs_order(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """The inputs, sorted and without repeats: the same inputs in another order give the same
    store."""
    if not paths:
        raise DyadError("no input paths given")
    return sorted({os.fspath(p) for p in paths})


def _inputs(
    paths: Sequence[str | os.PathLike[str]], meta: str | os.PathLike[str] | None, settings: Settings
) -> Iterator[RawDocument | Skip]:
    rows = load_meta(meta) if meta else None
    return read_inputs(_inputs_order(paths), rows, settings.max_document_bytes)


def _seeded_deduper(settings: Settings, store: Store, known: dict[str, tuple[str, str]]) -> Deduper:
    """A Deduper that knows what the store holds: every content hash, and the signatures of
    the last documents (its near-duplicate window)."""
    deduper = new_deduper(settings)
    deduper.seed(
        ((content, doc_id) for doc_id, (_, content) in known.items()),
        store.signatures(settings.near_duplicate_window),
    )
    return deduper


def run(
    paths: Sequence[str | os.PathLike[str]],
    db: str | os.PathLike[str] | None = None,
    meta: str | os.PathLike[str] | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    pipeline: Pipeline | None = None,
    storing: Callable[[], None] | None = None,
    retry_skipped: bool = False,
) -> RunSummary:
    """Ingest and code ``paths`` into the store at ``db``; only new or changed inputs are
    processed. Coded rows are staged beside the store while the run goes on and merged into it
    at the end (``Staging``), also when the run fails or is interrupted; ``storing`` is called
    when that merge begins (it takes about 40 s after 100,000 documents).

    An input skipped as ``timeout`` by an earlier run is passed over while it is unchanged (it
    would take the whole budget again, and again be skipped), unless ``retry_skipped``; every
    other skipped input is read again by every run."""
    settings = settings or (pipeline.settings if pipeline is not None else Settings())
    db_path = os.fspath(db) if db is not None else settings.db_path
    pipe = pipeline or Pipeline(settings)
    pipe.counts = Counts()
    inputs = _inputs(paths, meta, settings)
    skips_by_reason: dict[str, int] = {}
    with Store(db_path, memory_mb=settings.store_memory_mb) as store:
        store.merge_staged()  # what a killed run staged and did not merge
        run_id = store.start_run([os.fspath(p) for p in paths])
        known = store.document_hashes()
        timed_out = {} if retry_skipped else store.timed_out()
        deduper = _seeded_deduper(settings, store, known)
        staging = Staging(store, run_id)
        items = pipe.process(inputs, known, deduper, timed_out)
        batch: list[DocumentResult] = []
        skips: list[Skip] = []
        status = "failed"
        try:
            for item in items:
                if isinstance(item, Skip):
                    skips.append(item)
                    skips_by_reason[item.reason.value] = (
                        skips_by_reason.get(item.reason.value, 0) + 1
                    )
                else:
                    batch.append(item)
                if len(batch) >= settings.batch_size or len(skips) >= settings.batch_size * 4:
                    staging.add(batch, skips)
                    batch, skips = [], []
                if progress is not None:
                    c = pipe.counts
                    progress(c.inputs, c.documents, c.events)
            staging.add(batch, skips)
            status = "done"
        finally:
            items.close()  # the worker processes end before the store is written
            try:
                if storing is not None:
                    storing()
                staging.merge()
            finally:
                c = pipe.counts
                store.finish_run(run_id, c.documents, c.skipped, c.events, status)
    return RunSummary(db_path, pipe.counts, skips_by_reason, run_id)


@dataclass
class ExtractSummary:
    counts: Counts
    written: int
    skips: list[Skip]


def extract(
    paths: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str] | IO[str],
    meta: str | os.PathLike[str] | None = None,
    settings: Settings | None = None,
    all_modalities: bool = False,
    pipeline: Pipeline | None = None,
) -> ExtractSummary:
    """Code ``paths`` and write their events as JSONL to ``out``; no store is left behind.

    One line per event mention. An input that repeats another exactly (same content, another
    id) reports the same events: they are written under its id too, so every input's events
    are in the file. Statements not asserted as fact (hypothetical, future, negated…) are left
    out unless ``all_modalities``.
    """
    settings = settings or (pipeline.settings if pipeline is not None else Settings())
    pipe = pipeline or Pipeline(settings)
    pipe.counts = Counts()
    own = isinstance(out, str | os.PathLike)
    f: IO[str] = open(out, "w", encoding="utf-8") if own else out  # type: ignore[arg-type, assignment]  # noqa: SIM115
    written = 0
    skips: list[Skip] = []
    by_doc: dict[str, list[dict[str, Any]]] = {}
    aliases: list[tuple[str, str]] = []
    try:
        for item in pipe.process(_inputs(paths, meta, settings)):
            if isinstance(item, Skip):
                skips.append(item)
                if item.reason.value == "duplicate" and item.doc_id and item.duplicate_of:
                    aliases.append((item.doc_id, item.duplicate_of))
                continue
            records = [
                event_record(e)
                for e in item.events
                if all_modalities or e.modality == Modality.ASSERTED
            ]
            by_doc[item.document.doc_id] = records
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
                written += 1
        for alias, original in aliases:
            for r in by_doc.get(original, []):
                f.write(
                    json.dumps({**r, "doc_id": alias, "duplicate_of": original}, ensure_ascii=False)
                    + "\n"
                )
                written += 1
    finally:
        if own:
            f.close()
    return ExtractSummary(pipe.counts, written, skips)


def explain(
    sentence: str,
    date: dt.date | None = None,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
) -> str:
    """How dyad reads one sentence: its parse, the actors found, each candidate predicate and
    why it was or was not coded."""
    from dyad.stages.actors import Discourse
    from dyad.stages.events import SentenceContext

    pipe = pipeline or Pipeline(settings or Settings())
    nlp = pipe.nlp.nlp
    doc = nlp(sentence)
    lines = [
        f"Sentence: {sentence}",
        f"Date: {date.isoformat() if date else '(none: dates stay relative)'}",
    ]
    discard = pipe.discards.sentence(sentence)
    if discard:
        lines.append(f"Discarded: holds {discard!r} (not political news); a run does not code it")
    lines += ["", "Parse:"]
    for t in doc:
        ent = f" [{t.ent_type_}]" if t.ent_type_ else ""
        lines.append(
            f"  {t.i:>3} {t.text:<16} {t.lemma_:<14} {t.pos_:<6} {t.dep_:<10} <- {t.head.i} {t.head.text}{ent}"
        )
    discourse = Discourse(pipe.actors, date, pipe.settings.fuzzy_name_threshold)
    matches = pipe.actors.find(doc, nlp)
    lines += ["", "Actors in the dictionaries:"]
    from dyad.stages.actors import resolve

    for m in matches:
        a = resolve(m.entry, date)
        who = f"{a.cameo} ({a.name})" if a else f"agent: sector {m.entry.sector}"
        lines.append(f"  {doc[m.start : m.end].text!r:<30} {m.entry.kind:<9} -> {who}")
    if not matches:
        lines.append("  (none)")
    ctx = SentenceContext("explain", 0, 0, sentence, date)
    events, decisions = pipe.coder.code(doc, ctx, discourse, explain=True)
    lines += ["", "Predicates:"]
    for d in decisions:
        mark = "CODED " if d.coded else "no    "
        lines.append(f"  {mark} {d.trigger!r} (token {d.index}) {d.pattern}")
        lines.append(f"         why: {d.reason}")
        for e in d.events:
            lines.append(f"         event: {e}")
    if not decisions:
        lines.append("  (no word of this sentence is an event in dyad's patterns)")
    asserted = [e for e in events if e.modality == Modality.ASSERTED]
    lines += ["", f"Events coded as fact: {len(asserted)}"]
    for ev in asserted:
        tgt = ev.target.cameo if ev.target else "-"
        lines.append(
            f"  {ev.source.cameo} -> {tgt}  {ev.plover} (CAMEO {ev.cameo}, Goldstein {ev.goldstein})"
            f" {ev.date.date or ''} {ev.date.precision.value}"
        )
    return "\n".join(lines)


def code_texts(
    texts: Iterable[str], date: dt.date | None = None, settings: Settings | None = None
) -> list[list[dict[str, Any]]]:
    """Code short texts in memory (no files): one list of event records per text."""
    from dyad.types import RawDocument

    pipe = Pipeline(settings or Settings())
    out: list[list[dict[str, Any]]] = []
    raws = [
        RawDocument(f"text-{i}", f"<text {i}>", t, False, date, "given" if date else None)
        for i, t in enumerate(texts)
    ]
    results: dict[str, list[dict[str, Any]]] = {r.doc_id: [] for r in raws}
    for item in pipe.process(raws):
        if isinstance(item, DocumentResult):
            results[item.document.doc_id] = [
                event_record(e) for e in item.events if e.modality == Modality.ASSERTED
            ]
    for r in raws:
        out.append(results[r.doc_id])
    return out
