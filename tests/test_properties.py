"""Property tests: whatever string comes in, the cleaner, the date resolver and the coder
return a value and never raise; what they return is consistent with what came in.

Besides random strings and words, realistic text: sentences and clauses of the real news corpus
(``../shared/data/news-corpus``), recombined as sloppy pages are — clauses shuffled, words
dropped, punctuation doubled, quotes left open — through cleaning, parsing and coding, each
example within a deadline."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NEWS_CORPUS
from dyad.pipeline import Pipeline
from dyad.stages.clean import Cleaner
from dyad.stages.dates import resolve
from dyad.types import DatePrecision, Document, DocumentResult, RawDocument, Skip, SkipReason

CLEANER = Cleaner()

# Words that reach the interesting paths: actors, triggers, modals, dates, markup, boilerplate.
WORDS = [
    "Pakistan", "India", "the", "United", "States", "Imran", "Khan", "Taliban", "accused",
    "met", "said", "would", "not", "if", "on", "Sunday", "last", "week", "July", "24,", "2019",
    "officials", "his", "he", "it", "they", "that", "to", "talks", "aid", "$300", "million",
    "Read", "more:", "Skip", "content", "<p>", "</p>", "<div>", "<script>", "&amp;", ".", ",",
    "?", "!", "\"", "'", "—", "\n", "\n\n", "(", ")", "Washington", "Kabul", "threatened",
    "demanded", "must", "could", "visit", "of", "and", "by", "was", "attacked", "ﬁ", "İ", "\u200b",
]  # fmt: skip
NEWSY = st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join)
ANY_TEXT = st.one_of(st.text(max_size=400), NEWSY)
BASE = st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2060, 12, 31)))
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(body=ANY_TEXT, is_html=st.booleans())
@SLOW
def test_the_cleaner_takes_any_string(body: str, is_html: bool) -> None:
    out = CLEANER(RawDocument("d", "<test>", body, is_html))
    assert isinstance(out, Document | Skip)
    if isinstance(out, Document):
        for span in (*out.paragraphs, *out.headings):
            assert 0 <= span.start <= span.end <= len(out.text)


@given(expression=ANY_TEXT, base=BASE, future=st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_date_resolver_takes_any_string(
    expression: str, base: dt.date | None, future: bool
) -> None:
    out = resolve(expression, base, future)
    assert out is None or out.date is None or dt.date(1, 1, 1) <= out.date


@given(day=st.dates(dt.date(1950, 1, 1), dt.date(2060, 12, 31)), base=BASE)
@settings(max_examples=200, deadline=None)
def test_a_full_date_resolves_to_itself(day: dt.date, base: dt.date | None) -> None:
    out = resolve(f"{calendar.month_name[day.month]} {day.day}, {day.year}", base)
    assert out is not None and out.date == day and out.precision == DatePrecision.DAY


@given(text=ANY_TEXT, day=BASE)
@SLOW
def test_the_coder_takes_any_string(pipeline, text: str, day: dt.date | None) -> None:
    # the session pipeline is strict: a failure inside a document raises here
    raw = RawDocument("p", "<test>", text, False, day, "given" if day else None)
    for item in pipeline.process([raw]):
        if isinstance(item, Skip):
            continue
        for e in item.events:
            assert 0 <= e.start <= e.end <= len(item.document.text)
            assert item.document.text[e.start : e.end] == e.sentence


def _corpus_pieces() -> tuple[list[str], list[str]]:
    """The news corpus's sentences, and their clauses (cut at commas, semicolons, colons, dashes
    and "and"/"but"/"while"), each once, in a stable order."""
    sentences: set[str] = set()
    for line in NEWS_CORPUS.read_text("utf-8").splitlines():
        for paragraph in json.loads(line)["text"].split("\n"):
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", paragraph.strip()):
                if 20 <= len(sentence) <= 400:
                    sentences.add(sentence)
    clauses = {
        c.strip()
        for s in sentences
        for c in re.split(r"[,;:]\s+|\s+[—–-]\s+|\s+(?:and|but|while)\s+", s)
        if len(c.strip()) >= 8
    }
    return sorted(sentences), sorted(clauses)


SENTENCES, CLAUSES = _corpus_pieces()
PUNCTUATION = [".", ",", "?", "!", ";", ":", "—", "..."]
QUOTES = ['"', "“", "”", "'", "‘", "’", "«", "»"]


@st.composite
def sloppy(draw: st.DrawFn, piece: str) -> str:
    """A piece of real text, mangled as pages are: words dropped, punctuation doubled, a quote
    opened and never closed."""
    words = piece.split()
    if len(words) > 3 and draw(st.booleans()):
        drop = draw(st.sets(st.integers(0, len(words) - 1), max_size=len(words) // 3))
        words = [w for i, w in enumerate(words) if i not in drop] or words[:1]
    if draw(st.booleans()):
        i = draw(st.integers(0, len(words) - 1))
        p = draw(st.sampled_from(PUNCTUATION))
        words[i] += p * draw(st.integers(2, 4))
    if draw(st.booleans()):
        words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(QUOTES)))
    return " ".join(words)


@st.composite
def news_page(draw: st.DrawFn) -> str:
    """Real sentences and clauses of the corpus, shuffled and recombined into paragraphs."""
    pieces = draw(
        st.lists(
            st.sampled_from(SENTENCES) | st.sampled_from(CLAUSES), min_size=1, max_size=14
        ).flatmap(lambda ps: st.permutations(ps))
    )
    out = []
    for piece in pieces:
        out.append(draw(sloppy(piece)) if draw(st.booleans()) else piece)
        out.append(draw(st.sampled_from([" ", ". ", ", ", "\n", "\n\n", " — "])))
    return "".join(out)


@pytest.fixture(scope="module")
def loaded(pipeline: Pipeline) -> Pipeline:
    """The session's strict pipeline with the model loaded, so no example pays for it."""
    pipeline.load()
    return pipeline


# Each example is one page, about 20 ms to code twice; the deadline is far above that and far
# below the 30 s a document may take in a run.
REAL = settings(
    max_examples=100,
    deadline=dt.timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow],
)


def test_the_corpus_gives_the_strategies_enough_to_draw_from() -> None:
    assert len(SENTENCES) > 500 and len(CLAUSES) > 1000


@given(page=news_page(), day=BASE, is_html=st.booleans())
@REAL
def test_recombined_real_news_is_cleaned_parsed_and_coded(
    loaded: Pipeline, page: str, day: dt.date | None, is_html: bool
) -> None:
    body = "".join(f"<p>{p}" for p in page.split("\n")) if is_html else page
    raw = RawDocument("r", "<test>", body, is_html, day, "given" if day else None)
    (item,) = list(loaded.process([raw]))  # strict: a failure inside the document raises
    if isinstance(item, Skip):
        assert item.reason not in (SkipReason.FAILED, SkipReason.TIMEOUT), item
        return
    text = item.document.text
    for s in item.sentences:
        assert text[s.start : s.end] == s.text
    for e in item.events:
        assert text[e.start : e.end] == e.sentence
        assert any(s.start == e.start and s.end == e.end for s in item.sentences)
    # Coding is a function of the text: the same page again gives the same events.
    (again,) = list(loaded.process([raw]))
    assert isinstance(again, DocumentResult)
    assert [e.mention_id for e in again.events] == [e.mention_id for e in item.events]
