"""Dates: each expression resolved against the publication date, with its precision."""

from __future__ import annotations

import datetime as dt

import pytest

from dyad.stages.dates import find_dateline, resolve
from dyad.types import DatePrecision as P

BASE = dt.date(2018, 9, 5)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("on Sunday", dt.date(2018, 9, 2), P.DAY),
        ("on Wednesday", dt.date(2018, 9, 5), P.DAY),  # the publication day itself
        ("Monday night", dt.date(2018, 9, 3), P.DAY),
        ("yesterday", dt.date(2018, 9, 4), P.DAY),
        ("at the beginning of the year", dt.date(2018, 1, 1), P.MONTH),
        ("late February", dt.date(2018, 2, 1), P.MONTH),
        ("in March", dt.date(2018, 3, 1), P.MONTH),
        ("last month", dt.date(2018, 8, 1), P.MONTH),
        ("earlier this month", dt.date(2018, 9, 1), P.MONTH),
        ("in 2017", dt.date(2017, 1, 1), P.YEAR),
        ("this year", dt.date(2018, 1, 1), P.YEAR),
        ("last year", dt.date(2017, 1, 1), P.YEAR),
        ("July 24, 2019", dt.date(2019, 7, 24), P.DAY),
        ("24 July 2019", dt.date(2019, 7, 24), P.DAY),
        ("on May 23, 2018", dt.date(2018, 5, 23), P.DAY),
        ("May 24", dt.date(2018, 5, 24), P.DAY),
        ("September 29", dt.date(2017, 9, 29), P.DAY),  # after the publication date: last year's
        ("two days ago", dt.date(2018, 9, 3), P.DAY),
        ("last week", dt.date(2018, 8, 27), P.YEAR),  # Aug 27 - Sep 2 spans two months
    ],
)
def test_resolves_against_publication_date(text: str, date: dt.date, precision: P) -> None:
    got = resolve(text, BASE)
    assert got is not None and (got.date, got.precision) == (date, precision)


@pytest.mark.parametrize(
    "text",
    [
        "in recent days",
        "16-year-long",
        "nearly 17 years",
        "decades",
        "the last year",
        "the 1990s",
        "recently",
        "for years",
        "",
    ],
)
def test_durations_and_vague_times_give_no_date(text: str) -> None:
    assert resolve(text, BASE) is None


def test_future_clauses_look_forward() -> None:
    got = resolve("Friday", BASE, future=True)
    assert got is not None and got.date == dt.date(2018, 9, 7)
    got = resolve("in March", BASE, future=True)
    assert got is not None and got.date == dt.date(2019, 3, 1)


def test_relative_dates_need_a_base() -> None:
    assert resolve("on Sunday", None) is None
    got = resolve("July 24, 2019", None)
    assert got is not None and got.date == dt.date(2019, 7, 24)


def test_dateline() -> None:
    assert (
        find_dateline(
            ["Skip to content", "Can the US and Pakistan reset ties?", "September 5, 2018"]
        )
        == BASE
    )
    assert find_dateline(["ISLAMABAD, Sept. 5, 2018 (Newswire) - Talks began."]) == BASE
    assert find_dateline(["No date here at all."]) is None


def test_a_recent_span_dates_what_happened_within_it() -> None:
    base = dt.date(2014, 8, 26)  # a Tuesday
    week = resolve("the past week", base, within=True)
    assert week is not None and week.date == dt.date(2014, 8, 19)
    assert week.precision == P.MONTH  # 19-25 August
    days = resolve("the last two days", base, within=True)
    assert days is not None and days.date == dt.date(2014, 8, 24)
    assert resolve("recent days", base, within=True) is not None
    # how long something lasted is no date: "for the past week"
    assert resolve("the past week", base) is None


def test_late_and_overnight() -> None:
    base = dt.date(2014, 8, 26)
    late = resolve("late Sunday", base)
    assert late is not None and late.date == dt.date(2014, 8, 24)
    night = resolve("overnight", base)
    assert night is not None and night.date == dt.date(2014, 8, 25)
