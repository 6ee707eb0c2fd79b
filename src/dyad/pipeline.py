"""The ordered stages: inputs in, one ``DocumentResult`` or ``Skip`` per input out.

    ingest -> clean -> nlp (split) -> discards -> nlp (filter, parse) -> actors + events
    -> dedup -> (store)

Documents flow as a stream, in batches, so memory stays flat whatever the corpus size. A batch
is cleaned, split into sentences, filtered, parsed (one ``nlp.pipe`` over all its candidate
sentences) and coded by ``Pipeline.code_batch`` — in this process, or on worker processes
(``dyad.engines.local``) when ``settings.n_process`` asks for more than one (each worker loads
the model once).
Dedup is decided here, in input order, on the content hash and MinHash signature the workers
computed, so the result is the same however the work was spread; a duplicate's coding is simply
dropped.

A failure inside one document is recorded as a ``Skip`` with reason ``failed`` and the stream
goes on; with ``strict=True`` (tests) it is raised instead. A document that takes longer than
``settings.document_timeout_s`` is stopped and recorded as a ``Skip`` with reason ``timeout``,
strict or not (``dyad.budget``: checked between stages and sentences, with a hard backstop; the
process pool of ``dyad.engines.local`` also ends a worker stuck in C code).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import os
import signal
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from spacy.tokens import Span

from dyad.budget import Budget, alarm_for_this_thread
from dyad.errors import DocumentTimeout
from dyad.settings import Settings
from dyad.stages import dedup
from dyad.stages.actors import ActorBook, Discourse
from dyad.stages.clean import Boilerplate, Cleaner
from dyad.stages.dedup import Deduper
from dyad.stages.discards import Discards
from dyad.stages.events import Coder, PatternBook, SentenceContext
from dyad.stages.nlp import NLP, CandidateFilter
from dyad.types import Document, DocumentResult, Drop, RawDocument, Sentence, Skip, SkipReason

T = TypeVar("T")


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
    not_retried: int = 0  # inputs that timed out in an earlier run and are unchanged since
    slowest_s: float = 0.0  # the time of the document that took longest to code, and its id
    slowest_doc: str = ""


class Prepared(NamedTuple):
    """A document cleaned and split, ready for the parser."""

    document: Document
    sentences: list[Sentence]
    tokenized: list[Any]  # a spaCy Doc per sentence, tokens only
    drops: list[Drop]
    signature: bytes | None  # MinHash
    candidates: list[int]  # the sentences the filter lets through to the parser


@dataclass(frozen=True)
class Coded:
    """A document coded by a worker, with what the filter let through to the parser."""

    result: DocumentResult
    parsed: int
    seconds: float  # spent on it: cleaning, its share of the batch's parse, coding


# Words a date is made of, besides numbers and the names of days and months.
TIME_WORDS = frozenset(
    ["today", "yesterday", "tomorrow", "tonight", "week", "weeks", "weekend", "month", "months",
     "year", "years", "decade", "decades", "century", "centuries", "ago", "earlier", "later",
     "recently", "recent", "morning", "afternoon", "evening", "night", "overnight", "noon",
     "midnight", "dawn", "dusk", "daily", "weekly", "annual", "annually", "previous", "past"]
)  # fmt: skip
# The recogniser's label for a name of each kind of dictionary entry.
ENTITY_LABELS = {
    "person": "PERSON", "group": "ORG", "country": "GPE", "seat": "GPE", "place": "GPE",
    "adjective": "NORP", "demonym": "NORP",
}  # fmt: skip
# Sectors whose naming makes a sentence political news, whatever sport it also names.
POLITICAL_SECTORS = frozenset(
    ["GOV", "MIL", "COP", "JUD", "LEG", "SPY", "REB", "OPP", "PTY", "IGO", "UAF", "RAD"]
)
PARALLEL_MIN_BATCHES = 4  # fewer batches than this are coded in this process

# TEST HOOK, for tests/test_timeout.py only: DYAD_TEST_SLOW_SENTENCE=<word>[:seconds[:how]][,...]
# makes coding each sentence that contains <word> take that long (60 s unless given), so that a
# test can make a document slow in every engine (pool and Dask workers inherit the environment).
# how: "spin" (the default), a pure-Python loop, which the hard backstop interrupts; "sleep";
# "stuck", a sleep with SIGALRM blocked, as C code that never returns to Python would be.
TEST_SLOW_SENTENCE = "DYAD_TEST_SLOW_SENTENCE"


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
        # (document of the batch, stage, sentence) on every step: set in the process pool's
        # workers, whose parent ends one that stops moving (dyad.engines.local).
        self.watch: Callable[[int, str, int], None] | None = None
        self._slow = _test_slow_sentence(os.environ.get(TEST_SLOW_SENTENCE))

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

    def load(self) -> None:
        """Load the model and the dictionaries now, and build the actor matchers (the first
        ``find`` does, in about a second): else the first document's budget would pay."""
        _ = self.coder, self.candidate_filter
        self.actors.find(self.nlp.nlp.make_doc(""), self.nlp.nlp)

    # -- the stream ------------------------------------------------------------------------

    def process(
        self,
        raws: Iterable[RawDocument | Skip],
        known: dict[str, tuple[str, str]] | None = None,
        deduper: Deduper | None = None,
        timed_out: dict[str, str] | None = None,
    ) -> Generator[DocumentResult | Skip, None, None]:
        """Code a stream of inputs. ``known`` maps stored doc_ids to (raw, content) hashes:
        an input whose raw hash is stored already is passed over (counted as unchanged).
        ``timed_out`` maps the doc_ids of inputs that timed out in an earlier run to their raw
        hash: those unchanged are passed over too (counted as not_retried)."""
        known = known or {}
        deduper = deduper or self.new_deduper()
        batches = self.batches(raws, known, timed_out)
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
            if item.seconds > self.counts.slowest_s:
                self.counts.slowest_s, self.counts.slowest_doc = item.seconds, doc.doc_id
            if doc.doc_id in known:
                deduper.forget(doc.doc_id)  # a new version of a stored document
            signature = dedup.from_bytes(result.signature)
            skip = deduper.check(doc, signature) if self.settings.dedup else None
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
        self,
        raws: Iterable[RawDocument | Skip],
        known: dict[str, tuple[str, str]],
        timed_out: dict[str, str] | None = None,
    ) -> Iterator[list[RawDocument | Skip]]:
        timed_out = timed_out or {}
        batch: list[RawDocument | Skip] = []
        seen_ids: dict[str, str] = {}
        for raw in raws:
            self.counts.inputs += 1
            if isinstance(raw, RawDocument):
                raw_hash = raw_hash_of(raw)
                stored = known.get(raw.doc_id)
                if stored is not None and stored[0] == raw_hash:
                    self.counts.unchanged += 1
                    continue
                if timed_out.get(raw.doc_id) == raw_hash:
                    self.counts.not_retried += 1  # its timeout skip stays in the store
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
        from dyad.engines.local import code_in_workers

        return code_in_workers(batches, self.settings, self.strict)

    # -- one batch, in whichever process -----------------------------------------------------

    def code_batch(self, batch: list[RawDocument | Skip]) -> list[Coded | Skip]:
        """Clean, split, filter, parse and code a batch of documents (no dedup), each within its
        time budget (``dyad.budget``)."""
        self.load()
        limit = self.settings.document_timeout_s
        alarm = alarm_for_this_thread() if limit > 0 else None
        budgets: dict[int, Budget] = {}
        prepared: list[Prepared | Skip] = []
        texts: list[tuple[Any, tuple[int, int]]] = []
        for n, raw in enumerate(batch):
            if isinstance(raw, Skip):
                prepared.append(raw)
                continue
            watch = functools.partial(self.watch, n) if self.watch is not None else None
            budget = budgets[n] = Budget(limit, alarm, watch)
            raw_hash = raw_hash_of(raw)
            item = self._guarded(
                budget, raw.origin, raw.doc_id, raw_hash, self._prepare, raw, raw_hash, budget
            )
            prepared.append(item)
            if not isinstance(item, Skip):
                # tokenized once
                texts += [(item.tokenized[i], (n, i)) for i in item.candidates]
        parsed = self._parse(texts, prepared, budgets)
        out: list[Coded | Skip] = []
        for n, item in enumerate(prepared):
            if isinstance(item, Skip):
                out.append(item)
                continue
            doc, budget, mine = item.document, budgets[n], parsed.get(n, {})
            coded = self._guarded(
                budget, doc.origin, doc.doc_id, doc.raw_hash, self.code_document, item, mine, budget
            )
            out.append(
                coded if isinstance(coded, Skip) else Coded(coded, len(mine), budget.elapsed())
            )
        return out

    def _guarded(
        self,
        budget: Budget,
        origin: str,
        doc_id: str,
        raw_hash: str,
        step: Callable[..., T],
        *args: Any,
    ) -> T | Skip:
        """``step(*args)`` on one document, on its budget's clock: a timeout, or a failure
        unless strict, becomes the document's skip."""
        try:
            with budget.running():
                return step(*args)
        except DocumentTimeout:
            return budget.skip(origin, doc_id, raw_hash)
        except Exception as e:  # one bad document never stops the run
            if self.strict:
                raise
            return Skip(origin, SkipReason.FAILED, f"{type(e).__name__}: {e}", doc_id)

    def _parse(
        self,
        texts: list[tuple[Any, tuple[int, int]]],
        prepared: list[Prepared | Skip],
        budgets: dict[int, Budget],
    ) -> dict[int, dict[int, Any]]:
        """Parse the batch's candidate sentences together, a chunk of ``nlp.pipe``'s batch size
        at a time: each document is charged its share (by tokens) of a chunk's time, and one
        whose time is spent becomes a timeout skip before the next chunk."""
        parsed: dict[int, dict[int, Any]] = {}
        size = self.nlp.batch_size
        for start in range(0, len(texts), size):
            chunk = [
                t for t in texts[start : start + size] if not isinstance(prepared[t[1][0]], Skip)
            ]
            tokens: dict[int, int] = {}
            first: dict[int, int] = {}
            for sdoc, (n, index) in chunk:
                tokens[n] = tokens.get(n, 0) + len(sdoc)
                first.setdefault(n, index)
            # The largest share last: it is where the pool's watchdog sees the worker stand.
            for n in sorted(tokens, key=tokens.__getitem__):
                item = prepared[n]
                assert not isinstance(item, Skip)
                doc = item.document
                try:
                    budgets[n].at("parse", first[n], item.sentences[first[n]].text)
                except DocumentTimeout:
                    prepared[n] = budgets[n].skip(doc.origin, doc.doc_id, doc.raw_hash)
            chunk = [t for t in chunk if not isinstance(prepared[t[1][0]], Skip)]
            began = time.monotonic()
            needs = self.needs_entities if self.settings.selective_ner else None
            for sdoc, (n, index) in self.nlp.parse(chunk, needs):
                parsed.setdefault(n, {})[index] = sdoc
            took = time.monotonic() - began
            total = sum(len(sdoc) for sdoc, _ in chunk) or 1
            for sdoc, (n, _) in chunk:
                budgets[n].charge(took * len(sdoc) / total)
        return parsed

    def _prepare(self, raw: RawDocument, raw_hash: str, budget: Budget) -> Prepared | Skip:
        budget.at("clean")
        cleaned = self.cleaner(raw)
        if isinstance(cleaned, Skip):
            return cleaned
        doc = dataclasses.replace(cleaned, raw_hash=raw_hash)
        budget.at("split")
        sentences, tokenized = self.nlp.split(doc)
        budget.sentences = len(sentences)
        sentences, repeats = dedup.mark_repeated(sentences)
        sentences, discarded = self.discards.mark(
            doc.text, sentences, lambda s: self._political(tokenized[s.index])
        )
        sig = dedup.signature_of(
            doc, self.settings.minhash_permutations, self.settings.near_duplicate_min_words
        )
        wants = self.candidate_filter
        candidates = [
            s.index
            for s in sentences
            if s.coded and (wants is None or wants.wants(tokenized[s.index]))
        ]
        drops = list(doc.drops) + repeats + discarded
        return Prepared(doc, sentences, tokenized, drops, sig, candidates)

    def needs_entities(self, doc: Any) -> bool:
        """Whether a parsed sentence needs the entity recogniser: it names something the
        actor dictionaries do not know (a capitalised word they do not cover: a person, a town,
        "Islamist"), or holds a number or a word of time, from which the coder reads dates. A
        sentence that does not is given its dictionary names as entities, labelled as the
        recogniser labels them, and skips it (40% of the parse's time)."""
        matches = self.actors.find(doc, self.nlp.nlp)
        named = {i for m in matches if m.entry.kind != "agent" for i in range(m.start, m.end)}
        for t in doc:
            if t.like_num or t.lower_ in TIME_WORDS or any(c.isdigit() for c in t.text):
                return True  # "mid-2012" too
            if t.i in named or not t.is_alpha:
                continue
            if t.pos_ == "PROPN" or (
                (t.is_title or t.is_upper) and not t.is_sent_start and t.pos_ in {"ADJ", "NOUN"}
            ):
                return True
        spans, taken = [], -1
        for m in sorted(matches, key=lambda m: (m.start, -m.end)):
            label = ENTITY_LABELS.get(m.entry.kind)
            if label is not None and m.start > taken:
                spans.append(Span(doc, m.start, m.end, label=label))
                taken = m.end - 1
        doc.ents = spans
        return False

    def _political(self, tokens: Any) -> bool:
        """Whether a sentence names a political institution (an agent of a state, armed or
        political sector, or an organisation with one)."""
        for m in self.actors.find(tokens, self.nlp.nlp):
            sector = m.entry.sector or next((r.sector for r in m.entry.roles), None)
            if sector in POLITICAL_SECTORS:
                return True
        return False

    def code_document(
        self, item: Prepared, parsed: dict[int, Any], budget: Budget | None = None
    ) -> DocumentResult:
        doc, sentences, tokenized, drops, signature, _ = item
        discourse = Discourse(self.actors, doc.date, self.settings.fuzzy_name_threshold)
        events = []
        for s in sentences:
            if budget is not None:
                budget.at("code", s.index, s.text)
            if self._slow is not None:
                self._slow(s.text)
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


def raw_hash_of(raw: RawDocument) -> str:
    """The hash of an input as read: an input whose hash is stored is not processed again."""
    return hashlib.sha256(raw.body.encode("utf-8", "surrogatepass")).hexdigest()


def _test_slow_sentence(spec: str | None) -> Callable[[str], None] | None:
    """The TEST HOOK above (``TEST_SLOW_SENTENCE``); None when it is not set."""
    if not spec:
        return None
    rules = []
    for rule in spec.split(","):
        word, _, rest = rule.partition(":")
        seconds, _, how = rest.partition(":")
        rules.append((word, float(seconds or 60), how or "spin"))

    def slow(text: str) -> None:
        for word, wait, how in rules:
            if word not in text:
                continue
            if how == "sleep":
                time.sleep(wait)
            elif how == "stuck":
                blocked = {signal.SIGALRM}
                signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
                try:
                    time.sleep(wait)
                finally:
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)
            else:
                end = time.monotonic() + wait
                while time.monotonic() < end:
                    pass

    return slow
