"""Property tests: whatever string comes in, the cleaner, the date resolver and the coder
return a value and never raise; what they return is consistent with what came in."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.stages.clean import Cleaner
from dyad.stages.dates import resolve
from dyad.types import DatePrecision, Document, RawDocument, Skip

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
