"""The ordered stages: inputs in, one ``DocumentResult`` or ``Skip`` per input out.

    ingest -> clean -> nlp (split) -> discards -> nlp (filter, parse) -> actors + events
    -> dedup -> (store)

Documents flow as a stream, in batches, so memory stays flat whatever the corpus size. A batch
is cleaned, split into sentences, filtered, parsed (one ``nlp.pipe`` over all its candidate
sentences) and coded by ``Pipeline.code_batch`` — in this process, or on a pool of worker
processes when ``settings.n_process`` asks for more than one (each worker loads the model once).
Dedup is decided here, in input order, on the content hash and MinHash signature the workers
computed, so the result is the same however the work was spread; a duplicate's coding is simply
dropped.

A failure inside one document is recorded as a ``Skip`` with reason ``failed`` and the stream
goes on; with ``strict=True`` (tests) it is raised instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import multiprocessing
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from dyad.settings import Settings
from dyad.stages import dedup
from dyad.stages.actors import ActorBook, Discourse
from dyad.stages.clean import Boilerplate, Cleaner
from dyad.stages.dedup import Deduper
from dyad.stages.discards import Discards
from dyad.stages.events import Coder, PatternBook, SentenceContext
from dyad.stages.nlp import NLP, CandidateFilter
from dyad.types import Document, DocumentResult, RawDocument, Skip, SkipReason


@dataclass
class Counts:
    """What a stream of inputs came to."""

    inputs: int = 0
    documents: int = 0
    unchanged: int = 0
    skipped: int = 0
    sentences: int = 0
    parsed: int = 0
    events: int = 0  # asserted events (mentions) coded


@dataclass(frozen=True)
class Coded:
    """A document coded by a worker, with what the filter let through to the parser."""

    result: DocumentResult
    parsed: int


# Sectors whose naming makes a sentence political news, whatever sport it also names.
POLITICAL_SECTORS = frozenset(
    ["GOV", "MIL", "COP", "JUD", "LEG", "SPY", "REB", "OPP", "PTY", "IGO", "UAF", "RAD"]
)
PARALLEL_MIN_BATCHES = 4  # fewer batches than this are coded in this process
WORKER_BATCHES = 100  # batches a worker process codes before a fresh one replaces it


def new_deduper(settings: Settings) -> Deduper:
    """An empty Deduper with the settings' thresholds and window."""
    s = settings
    return Deduper(
        s.near_duplicate_threshold,
        s.minhash_permutations,
        s.near_duplicate_min_words,
        s.near_duplicate_window,
    )


class Pipeline:
    """Everything needed to turn raw documents into coded ones, loaded once, lazily."""

    def __init__(self, settings: Settings | None = None, strict: bool = False) -> None:
        self.settings = settings or Settings()
        self.strict = strict
        self.cleaner = Cleaner(Boilerplate.load(), self.settings.language)
        self.discards = Discards.load()
        self._actors: ActorBook | None = None
        self._patterns: PatternBook | None = None
        self._nlp: NLP | None = None
        self._coder: Coder | None = None
        self._filter: CandidateFilter | None = None
        self.counts = Counts()

    @property
    def actors(self) -> ActorBook:
        if self._actors is None:
            self._actors = ActorBook.load(
                self.settings.actor_files, self.settings.actors_dir or None
            )
        return self._actors

    @property
    def patterns(self) -> PatternBook:
        if self._patterns is None:
            self._patterns = PatternBook.load()
        return self._patterns

    @property
    def nlp(self) -> NLP:
        if self._nlp is None:
            self._nlp = NLP(self.settings.spacy_model)
        return self._nlp

    @property
    def coder(self) -> Coder:
        if self._coder is None:
            self._coder = Coder(
                self.actors, self.patterns, self.nlp.nlp, self.settings.fuzzy_name_threshold
            )
        return self._coder

    @property
    def candidate_filter(self) -> CandidateFilter | None:
        if not self.settings.candidate_filter:
            return None
        if self._filter is None:
            strong, conditional = self.patterns.trigger_rules()
            self._filter = CandidateFilter(
                strong, conditional, self.actors.terms(), self.nlp.nlp, self.patterns.forms
            )
        return self._filter

    def new_deduper(self) -> Deduper:
        return new_deduper(self.settings)

    # -- the stream ------------------------------------------------------------------------

    def process(
        self,
        raws: Iterable[RawDocument | Skip],
        known: dict[str, tuple[str, str]] | None = None,
        deduper: Deduper | None = None,
    ) -> Generator[DocumentResult | Skip, None, None]:
        """Code a stream of inputs. ``known`` maps stored doc_ids to (raw, content) hashes:
        an input whose raw hash is stored already is passed over (counted as unchanged)."""
        known = known or {}
        deduper = deduper or self.new_deduper()
        batches = self.batches(raws, known)
        coded: Iterator[Coded | Skip]
        parallel = self.settings.processes > 1
        head = list(itertools.islice(batches, PARALLEL_MIN_BATCHES)) if parallel else []
        if len(head) == PARALLEL_MIN_BATCHES:
            # Worker processes pay off only for a longer stream: each loads the model and the
            # dictionaries first (a few seconds).
            coded = self._parallel(itertools.chain(head, batches))
        else:
            coded = (
                item for batch in itertools.chain(head, batches) for item in self.code_batch(batch)
            )
        for item in coded:
            if isinstance(item, Skip):
                self.counts.skipped += 1
                yield item
                continue
            result = item.result
            doc = result.document
            if doc.doc_id in known:
                deduper.forget(doc.doc_id)  # a new version of a stored document
            signature = dedup.from_bytes(result.signature)
            skip = deduper.check(doc, signature)
            if skip is not None:
                self.counts.skipped += 1
                yield skip
                continue
            self.counts.documents += 1
            self.counts.sentences += len(result.sentences)
            self.counts.parsed += item.parsed
            self.counts.events += sum(e.modality == "asserted" for e in result.events)
            yield result

    def batches(
        self, raws: Iterable[RawDocument | Skip], known: dict[str, tuple[str, str]]
    ) -> Iterator[list[RawDocument | Skip]]:
        batch: list[RawDocument | Skip] = []
        seen_ids: dict[str, str] = {}
        for raw in raws:
            self.counts.inputs += 1
            if isinstance(raw, RawDocument):
                raw_hash = _raw_hash(raw)
                stored = known.get(raw.doc_id)
                if stored is not None and stored[0] == raw_hash:
                    self.counts.unchanged += 1
                    continue
                if raw.doc_id in seen_ids:
                    raw = Skip(
                        raw.origin,
                        SkipReason.MALFORMED,
                        f"doc_id {raw.doc_id!r} already used by {seen_ids[raw.doc_id]}",
                        raw.doc_id,
                    )
                else:
                    seen_ids[raw.doc_id] = raw.origin
            batch.append(raw)
            if len(batch) >= self.settings.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _parallel(self, batches: Iterable[list[RawDocument | Skip]]) -> Iterator[Coded | Skip]:
        # Workers are spawned, not forked: a worker forked late in a run (see below) would
        # start with a copy of everything this process holds by then (the store's buffers),
        # which measured 378 -> 726 MB a worker at about 45,000 documents. A worker is replaced
        # after WORKER_BATCHES batches: spaCy's string store and caches grow with every new
        # word, and a long run must not grow with them.
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(
            self.settings.processes,
            initializer=_init_worker,
            initargs=(self.settings, self.strict),
            maxtasksperchild=WORKER_BATCHES,
        ) as pool:
            # imap keeps input order: dedup decides as a single process would.
            for coded in pool.imap(_work, batches, chunksize=1):
                yield from coded

    # -- one batch, in whichever process -----------------------------------------------------

    def code_batch(self, batch: list[RawDocument | Skip]) -> list[Coded | Skip]:
        """Clean, split, filter, parse and code a batch of documents (no dedup)."""
        prepared: list[tuple[Document, list[Any], list[Any], list[Any], bytes | None] | Skip] = []
        texts: list[tuple[Any, tuple[int, int]]] = []
        wants = self.candidate_filter
        for n, raw in enumerate(batch):
            if isinstance(raw, Skip):
                prepared.append(raw)
                continue
            try:
                item = self._prepare(raw)
            except Exception as e:  # one bad document never stops the run
                if self.strict:
                    raise
                item = Skip(raw.origin, SkipReason.FAILED, f"{type(e).__name__}: {e}", raw.doc_id)
            prepared.append(item)
            if isinstance(item, Skip):
                continue
            doc, sentences, tokenized, _, _ = item
            for s in sentences:
                if s.coded and (wants is None or wants.wants(tokenized[s.index])):
                    texts.append((tokenized[s.index], (n, s.index)))  # tokenized once
        parsed: dict[int, dict[int, Any]] = {}
        for sdoc, (n, index) in self.nlp.parse(texts):
            parsed.setdefault(n, {})[index] = sdoc
        out: list[Coded | Skip] = []
        for n, item in enumerate(prepared):
            if isinstance(item, Skip):
                out.append(item)
                continue
            doc = item[0]
            try:
                mine = parsed.get(n, {})
                out.append(Coded(self.code_document(item, mine), len(mine)))
            except Exception as e:
                if self.strict:
                    raise
                out.append(
                    Skip(doc.origin, SkipReason.FAILED, f"{type(e).__name__}: {e}", doc.doc_id)
                )
        return out

    def _prepare(
        self, raw: RawDocument
    ) -> tuple[Document, list[Any], list[Any], list[Any], bytes | None] | Skip:
        cleaned = self.cleaner(raw)
        if isinstance(cleaned, Skip):
            return cleaned
        doc = dataclasses.replace(cleaned, raw_hash=_raw_hash(raw))
        sentences, tokenized = self.nlp.split(doc)
        sentences, repeats = dedup.mark_repeated(sentences)
        sentences, discarded = self.discards.mark(
            doc.text, sentences, lambda s: self._political(tokenized[s.index])
        )
        sig = dedup.signature_of(
            doc, self.settings.minhash_permutations, self.settings.near_duplicate_min_words
        )
        return doc, sentences, tokenized, list(doc.drops) + repeats + discarded, sig

    def _political(self, tokens: Any) -> bool:
        """Whether a sentence names a political institution (an agent of a state, armed or
        political sector, or an organisation with one)."""
        for m in self.actors.find(tokens, self.nlp.nlp):
            sector = m.entry.sector or next((r.sector for r in m.entry.roles), None)
            if sector in POLITICAL_SECTORS:
                return True
        return False

    def code_document(
        self,
        item: tuple[Document, list[Any], list[Any], list[Any], bytes | None],
        parsed: dict[int, Any],
    ) -> DocumentResult:
        doc, sentences, tokenized, drops, signature = item
        discourse = Discourse(self.actors, doc.date, self.settings.fuzzy_name_threshold)
        events = []
        for s in sentences:
            sdoc = parsed.get(s.index)
            if sdoc is None:
                tokens = tokenized[s.index]
                discourse.observe(s.index, tokens, self.actors.find(tokens, self.nlp.nlp))
                continue
            ctx = SentenceContext(doc.doc_id, s.index, s.start, s.text, doc.date)
            found, _ = self.coder.code(sdoc, ctx, discourse)
            events.extend(found)
        document = dataclasses.replace(doc, drops=tuple(drops))
        return DocumentResult(document, tuple(sentences), tuple(events), signature)


def _raw_hash(raw: RawDocument) -> str:
    return hashlib.sha256(raw.body.encode("utf-8", "surrogatepass")).hexdigest()


# Each worker process builds its pipeline once; this is its only state, set by the pool's
# initializer, never shared.
_WORKER: Pipeline | None = None


def _init_worker(settings: Settings, strict: bool) -> None:
    global _WORKER
    _WORKER = Pipeline(settings.replace(n_process=1), strict=strict)


def _work(batch: list[RawDocument | Skip]) -> list[Coded | Skip]:
    assert _WORKER is not None
    return _WORKER.code_batch(batch)
