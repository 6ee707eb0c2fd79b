"""The ordered stages, streaming: inputs in, one ``DocumentResult`` or ``Skip`` per input out.

    ingest -> clean -> dedup -> nlp (split, filter, parse) -> actors + events -> (store)

Documents flow through as a stream so memory stays flat whatever the corpus size; sentences of
many documents are parsed together in ``nlp.pipe`` batches (on several processes when
``settings.n_process`` says so) and regrouped by document for coding. A failure inside one
document is recorded as a ``Skip`` with reason ``failed`` and the stream goes on; with
``strict=True`` (tests) it is raised instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dyad.settings import Settings
from dyad.stages import dedup
from dyad.stages.actors import ActorBook, Discourse
from dyad.stages.clean import Boilerplate, Cleaner
from dyad.stages.dedup import Deduper
from dyad.stages.events import Coder, PatternBook, SentenceContext
from dyad.stages.nlp import NLP, CandidateFilter
from dyad.types import Document, DocumentResult, Drop, RawDocument, Sentence, Skip, SkipReason


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


@dataclass
class _Pending:
    document: Document
    sentences: list[Sentence]
    tokenized: list[Any]
    drops: list[Drop]
    signature: bytes | None
    parsed: dict[int, Any] = field(default_factory=dict)


class Pipeline:
    """Everything needed to turn raw documents into coded ones, loaded once."""

    def __init__(self, settings: Settings | None = None, strict: bool = False) -> None:
        self.settings = settings or Settings()
        self.strict = strict
        self.cleaner = Cleaner(Boilerplate.load(), self.settings.language)
        self.actors = ActorBook.load(self.settings.actor_files, self.settings.actors_dir or None)
        self.patterns = PatternBook.load()
        self._nlp: NLP | None = None
        self._coder: Coder | None = None
        self._filter: CandidateFilter | None = None
        self.counts = Counts()

    @property
    def nlp(self) -> NLP:
        if self._nlp is None:
            self._nlp = NLP(self.settings.spacy_model, n_process=self.settings.processes)
        return self._nlp

    @property
    def coder(self) -> Coder:
        if self._coder is None:
            self._coder = Coder(self.actors, self.patterns, self.nlp.nlp, self.settings.fuzzy_name_threshold)
        return self._coder

    @property
    def candidate_filter(self) -> CandidateFilter | None:
        if not self.settings.candidate_filter:
            return None
        if self._filter is None:
            strong, conditional = self.patterns.trigger_rules()
            self._filter = CandidateFilter(strong, conditional, self.actors.terms(), self.nlp.nlp)
        return self._filter

    def new_deduper(self) -> Deduper:
        s = self.settings
        return Deduper(s.near_duplicate_threshold, s.minhash_permutations, s.near_duplicate_min_words)

    # -- the stream ------------------------------------------------------------------------

    def process(
        self,
        raws: Iterable[RawDocument | Skip],
        known: dict[str, tuple[str, str]] | None = None,
        deduper: Deduper | None = None,
    ) -> Iterator[DocumentResult | Skip]:
        """Code a stream of inputs. ``known`` maps stored doc_ids to (raw, content) hashes:
        an input whose raw hash is stored already is passed over (counted as unchanged)."""
        deduper = deduper or self.new_deduper()
        pending: dict[int, _Pending] = {}
        feed = self._feed(raws, known or {}, deduper, pending)
        for parsed, ctx in self.nlp.parse(feed):
            kind = ctx[0]
            if kind == "skip":
                self.counts.skipped += 1
                yield ctx[1]
            elif kind == "sentence":
                pending[ctx[1]].parsed[ctx[2]] = parsed
            else:
                yield self._finish(pending.pop(ctx[1]))

    def _feed(
        self,
        raws: Iterable[RawDocument | Skip],
        known: dict[str, tuple[str, str]],
        deduper: Deduper,
        pending: dict[int, _Pending],
    ) -> Iterator[tuple[str, tuple[Any, ...]]]:
        seen_ids: dict[str, str] = {}
        for n, raw in enumerate(raws):
            self.counts.inputs += 1
            if isinstance(raw, Skip):
                yield "", ("skip", raw)
                continue
            try:
                raw_hash = hashlib.sha256(raw.body.encode("utf-8", "surrogatepass")).hexdigest()
                stored = known.get(raw.doc_id)
                if stored is not None and stored[0] == raw_hash:
                    self.counts.unchanged += 1
                    continue
                if raw.doc_id in seen_ids:
                    yield "", ("skip", Skip(raw.origin, SkipReason.MALFORMED, f"doc_id {raw.doc_id!r} already used by {seen_ids[raw.doc_id]}", raw.doc_id))
                    continue
                seen_ids[raw.doc_id] = raw.origin
                item = self._prepare(raw, raw_hash, stored, deduper)
            except Exception as e:  # one bad document never stops the run
                if self.strict:
                    raise
                item = Skip(raw.origin, SkipReason.FAILED, f"{type(e).__name__}: {e}", raw.doc_id)
            if isinstance(item, Skip):
                yield "", ("skip", item)
                continue
            pending[n] = item
            wants = self.candidate_filter
            for s in item.sentences:
                if s.coded and (wants is None or wants.wants(item.tokenized[s.index])):
                    self.counts.parsed += 1
                    yield s.text, ("sentence", n, s.index)
            yield "", ("end", n)

    def _prepare(self, raw: RawDocument, raw_hash: str, stored: tuple[str, str] | None, deduper: Deduper) -> _Pending | Skip:
        cleaned = self.cleaner(raw)
        if isinstance(cleaned, Skip):
            return cleaned
        doc = dataclasses.replace(cleaned, raw_hash=raw_hash)
        if stored is not None:
            deduper.forget(doc.doc_id)  # a new version of a stored document
        skip, signature = deduper.check(doc)
        if skip is not None:
            return skip
        sentences, tokenized = self.nlp.split(doc)
        sentences, repeats = dedup.mark_repeated(sentences)
        sig = signature.tobytes() if signature is not None else None
        return _Pending(doc, sentences, tokenized, list(doc.drops) + repeats, sig)

    def _finish(self, p: _Pending) -> DocumentResult | Skip:
        try:
            result = self.code_document(p)
        except Exception as e:
            if self.strict:
                raise
            self.counts.skipped += 1
            return Skip(p.document.origin, SkipReason.FAILED, f"{type(e).__name__}: {e}", p.document.doc_id)
        self.counts.documents += 1
        self.counts.sentences += len(result.sentences)
        self.counts.events += sum(e.modality == "asserted" for e in result.events)
        return result

    def code_document(self, p: _Pending) -> DocumentResult:
        doc = p.document
        discourse = Discourse(self.actors, doc.date, self.settings.fuzzy_name_threshold)
        events = []
        for s in p.sentences:
            parsed = p.parsed.get(s.index)
            if parsed is None:
                tokens = p.tokenized[s.index]
                discourse.observe(s.index, tokens, self.actors.find(tokens, self.nlp.nlp))
                continue
            ctx = SentenceContext(doc.doc_id, s.index, s.start, s.text, doc.date)
            found, _ = self.coder.code(parsed, ctx, discourse)
            events.extend(found)
        document = dataclasses.replace(doc, drops=tuple(p.drops))
        return DocumentResult(document, tuple(p.sentences), tuple(events), p.signature)
