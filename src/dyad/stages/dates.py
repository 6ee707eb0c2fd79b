"""Dates: the publication date of an article, and the date each event's own clause gives.

``resolve("on Sunday", base=date(2018, 9, 5))`` gives 2018-09-02 (day): relative expressions are
resolved against the publication date. News conventions dyad follows:

- a weekday in a story about the past is the most recent such day, the publication day included
  ("arrived on Wednesday" in a Wednesday story is that day); in a clause about the future it is
  the next one;
- a month without a year is the most recent such month (the next one for the future);
- "at the beginning of the year" is January of the publication year, "late February" is that
  February, "last week" the week before the publication date;
- durations ("for 16 years", "decades", "recent years") and vague times ("recently") give no
  date: the event then takes the publication date with precision ``document``.

An expression that covers several days is stored as its first day with the finest precision
that contains all of it (a week inside one month: ``month``), since the event contract knows
day, month and year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

from dyad.types import DatePrecision, EventDate

_MONTHS = {
    name.lower(): i
    for i in range(1, 13)
    for name in (calendar.month_name[i], calendar.month_abbr[i])
}
_MONTHS["sept"] = 9
_MONTH_RE = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)}
_WEEKDAY_RE = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

# Explicit full dates, as datelines and bylines write them.
_FULL_DATE_RES = (
    re.compile(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b"),
    re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_RE},?\s+((?:19|20)\d\d)\b"),
    re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"),
)
_DURATION = re.compile(
    r"(\b\d+|\bseveral|\bmany|\bfew|\btwo|\bthree|\bfour|\bfive|\bsix|\bseven|\beight|\bnine|"
    r"\bten|\bdozen)[-\s]+(year|month|week|day|decade|hour)s?(\b|-)(?!\s+(ago|earlier|before))|"
    r"\b(decades|years|months|weeks|centuries)\b(?!\s+ago)|\bthe (past|last) (decade|century)|"
    r"\brecent (years|months|weeks|days)|\blong\b|\bfor (a|the) (year|month|week)",
    re.I,
)
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip


def find_dateline(paragraphs: list[str]) -> dt.date | None:
    """An explicit full date near the top of an article ("September 5, 2018", "2018-09-05")."""
    for p in paragraphs:
        head = p[:200]
        for rx in _FULL_DATE_RES:
            m = rx.search(head)
            if m:
                found = _full_date(m)
                if found:
                    return found
    return None


def _full_date(m: re.Match[str]) -> dt.date | None:
    g = m.groups()
    try:
        if g[0].isdigit() and len(g[0]) == 4:
            return dt.date(int(g[0]), int(g[1]), int(g[2]))
        if g[0].isdigit():
            return dt.date(int(g[2]), _MONTHS[g[1].lower().rstrip(".")], int(g[0]))
        return dt.date(int(g[2]), _MONTHS[g[0].lower().rstrip(".")], int(g[1]))
    except (ValueError, KeyError):
        return None


def document_date(base: dt.date | None) -> EventDate:
    return EventDate(base, DatePrecision.DOCUMENT, None)


def resolve(
    expression: str, base: dt.date | None, future: bool = False, within: bool = False
) -> EventDate | None:
    """The date an expression names, resolved against ``base``; None when it names no date.

    ``within``: the expression follows "in", "over", "during" or "within", so a span before
    ``base`` ("in the past week", "over the last two days", "in recent days") is when the
    event happened, not how long it lasted ("for the past week" names no date)."""
    text = " ".join(expression.split())
    if not text or len(text) > 80:
        return None
    found = _recent(text.lower(), base) if within and base is not None else None
    found = found or _resolve(text, base, future)
    if found is None:
        return None
    start, end = found
    if start.year < 1900 or end.year > 2200 or end < start:
        return None
    return EventDate(start, _precision(start, end), text)


def _recent(low: str, base: dt.date) -> tuple[dt.date, dt.date] | None:
    """ "the past week", "the last two days", "recent days": from that long before ``base``
    to the day before it."""
    m = re.match(
        r"(?:the )?(?:past|last|previous|preceding) (?:(\w+) )?(day|week|month)s?\b"
        r"|(?:the )?recent (day|week)s\b",
        low.strip(" ,."),
    )  # "the last two days", also "the last two days preceding the start of Ramadan"
    if not m:
        return None
    unit = m.group(2) or m.group(3)
    n = (
        1
        if m.group(1) is None
        else NUMBER_WORDS.get(m.group(1)) or (int(m.group(1)) if m.group(1).isdigit() else None)
    )
    if n is None or n > 12:
        return None
    if m.group(3):  # "recent days": about a week; "recent weeks": about a month
        n, unit = (7, "day") if unit == "day" else (4, "week")
    days = {"day": 1, "week": 7, "month": 30}[unit] * n
    return base - dt.timedelta(days=days), base - dt.timedelta(days=1)


@lru_cache(maxsize=4096)
def _resolve(text: str, base: dt.date | None, future: bool) -> tuple[dt.date, dt.date] | None:
    low = text.lower().strip(" ,.")
    low = re.sub(r"^(on|in|at|by|during|from|since|until|as of|of|the)\s+", "", low)
    low = re.sub(r"^(on|in|at|the)\s+", "", low)

    # Explicit full dates first: they need no base.
    for rx in _FULL_DATE_RES:
        m = rx.search(text)
        if m:
            d = _full_date(m)
            return (d, d) if d else None
    m = re.fullmatch(
        rf"(?:early|mid|late|the end of|the beginning of|the start of|mid-)?\s*{_MONTH_RE},?\s+((?:19|20)\d\d)",
        text.strip(" ,."),
        re.I,
    )
    m = m or re.search(rf"\b{_MONTH_RE},?\s+((?:19|20)\d\d)\b", text, re.I)
    if m:
        month, year = _MONTHS[m.group(1).lower().rstrip(".")], int(m.group(2))
        return _month(year, month)
    if _DURATION.search(low) and not re.search(r"\bago\b|\bearlier\b|\blater\b", low):
        return None
    if re.search(r"\b\d{2,4}'?s\b", low) or re.match(
        r"the (past|last|previous|coming) (year|month|week|decade)", text.lower().strip()
    ):
        return None  # a decade ("the 1990s"), or a duration ("for the last year")
    m = re.fullmatch(r"(?:the )?(?:year )?((?:19|20)\d\d)", low)
    if m:
        y = int(m.group(1))
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    m = re.fullmatch(
        r"(?:early|late|mid-?|the (?:beginning|start|end|middle) of) ?((?:19|20)\d\d)", low
    )
    if m:
        return _part_of_year(int(m.group(1)), low)
    if base is None:
        return None

    if low in {"today", "tonight", "this morning", "this afternoon", "this evening", "now"}:
        return base, base
    low = re.sub(
        r"^(late|early) (?=monday|tuesday|wednesday|thursday|friday|saturday|sunday)", "", low
    )
    if low in {"yesterday", "last night", "yesterday morning", "yesterday evening", "overnight"}:
        d = base - dt.timedelta(days=1)
        return d, d
    if low in {"tomorrow", "tomorrow morning"}:
        d = base + dt.timedelta(days=1)
        return d, d

    m = re.fullmatch(
        rf"(last |this |next |this past |past )?{_WEEKDAY_RE}( (morning|afternoon|evening|night))?",
        low,
        re.I,
    )
    if m:
        return _weekday(base, _WEEKDAYS[m.group(2).lower()], (m.group(1) or "").strip(), future)

    m = re.fullmatch(
        r"(last|this|next|earlier this|later this|the past|the previous|the coming) (week|month|year|weekend)",
        low,
    )
    if m:
        return _relative_period(base, m.group(1), m.group(2))

    m = re.fullmatch(
        r"(?:the )?(beginning|start|end|middle|first half|second half|early part|latter part) of "
        r"(?:the |this |last |next )?(year|month)",
        low,
    )
    m = m or re.fullmatch(r"(early|late|mid-?) ?(?:this |last |next )?(year|month)", low)
    if m:
        which = re.search(r"\b(last|next)\b", low)
        year, month = base.year, base.month
        if m.group(2) == "year":
            year += {"last": -1, "next": 1}.get(which.group(1), 0) if which else 0
            return _part_of_year(year, low)
        if which:
            month += -1 if which.group(1) == "last" else 1
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        return _month(year, month)

    m = re.fullmatch(r"(\w+) (day|week|month|year)s? (ago|earlier|before)", low)
    if m and m.group(1) in NUMBER_WORDS | {str(i): i for i in range(1, 100)}:
        n = NUMBER_WORDS.get(m.group(1)) or int(m.group(1))
        return _ago(base, n, m.group(2))

    m = re.fullmatch(
        rf"(early|late|mid-?|the (?:beginning|start|end|middle) of |last |this |next |this past |past )?\s*{_MONTH_RE}",
        low,
        re.I,
    )
    if m:
        month = _MONTHS[m.group(2).lower().rstrip(".")]
        part = (m.group(1) or "").strip()
        year = base.year
        if part == "next" or (future and part not in {"last", "this past", "past"}):
            year += (
                1
                if (month <= base.month and part == "next") or (future and month < base.month)
                else 0
            )
        elif part in {"last", "this past", "past"}:
            year -= 1 if month >= base.month else 0
        elif not future and month > base.month:
            year -= 1
        return _month(year, month)

    m = re.fullmatch(
        rf"{_MONTH_RE} (\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH_RE}",
        low,
        re.I,
    )
    if m:
        month_name = m.group(1) or m.group(4)
        day = int(m.group(2) or m.group(3))
        month = _MONTHS[month_name.lower().rstrip(".")]
        try:
            d = dt.date(base.year, month, day)
        except ValueError:
            return None
        if not future and d > base + dt.timedelta(days=2):
            d = d.replace(year=base.year - 1)
        elif future and d < base:
            d = d.replace(year=base.year + 1)
        return d, d
    return _dateparser(text, base, future)


def _dateparser(text: str, base: dt.date, future: bool) -> tuple[dt.date, dt.date] | None:
    """Whatever the patterns above do not know, if dateparser reads it as a date or period."""
    if not re.search(rf"\b{_MONTH_RE}|\b{_WEEKDAY_RE}|\bago\b", text, re.I):
        return None
    import dateparser

    settings = {
        "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "future" if future else "past",
        "RETURN_TIME_AS_PERIOD": True,
        "STRICT_PARSING": False,
    }
    found = dateparser.DateDataParser(languages=["en"], settings=settings).get_date_data(text)
    if found is None or found.date_obj is None:
        return None
    d = found.date_obj.date()
    period = found.period or "day"
    if period == "year":
        return dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)
    if period == "month":
        return _month(d.year, d.month)
    if period == "week":
        monday = d - dt.timedelta(days=d.weekday())
        return monday, monday + dt.timedelta(days=6)
    return d, d


def _precision(start: dt.date, end: dt.date) -> DatePrecision:
    if start == end:
        return DatePrecision.DAY
    if (start.year, start.month) == (end.year, end.month):
        return DatePrecision.MONTH
    return DatePrecision.YEAR


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _part_of_year(year: int, low: str) -> tuple[dt.date, dt.date]:
    if re.search(r"beginning|start|early", low):
        return _month(year, 1)
    if re.search(r"\bend\b|late|latter|second half", low):
        return _month(year, 12) if "end" in low else (dt.date(year, 7, 1), dt.date(year, 12, 31))
    if re.search(r"middle|mid", low):
        return _month(year, 6)
    if "first half" in low:
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _weekday(base: dt.date, weekday: int, modifier: str, future: bool) -> tuple[dt.date, dt.date]:
    back = (base.weekday() - weekday) % 7
    if modifier == "next" or (future and modifier not in {"last", "this past", "past"}):
        ahead = (weekday - base.weekday()) % 7 or 7
        d = base + dt.timedelta(days=ahead)
    elif modifier == "last":
        d = base - dt.timedelta(days=back or 7)
    else:
        d = base - dt.timedelta(days=back)
    return d, d


def _relative_period(base: dt.date, which: str, unit: str) -> tuple[dt.date, dt.date]:
    step = {"last": -1, "the past": -1, "the previous": -1, "next": 1, "the coming": 1}.get(
        which, 0
    )
    if unit in {"week", "weekend"}:
        monday = base - dt.timedelta(days=base.weekday()) + dt.timedelta(weeks=step)
        if unit == "weekend":
            sat = monday + dt.timedelta(days=5)
            return sat, sat + dt.timedelta(days=1)
        return monday, monday + dt.timedelta(days=6)
    if unit == "month":
        month = base.month + step
        year, month = base.year + (month - 1) // 12, (month - 1) % 12 + 1
        return _month(year, month)
    year = base.year + step
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _ago(base: dt.date, n: int, unit: str) -> tuple[dt.date, dt.date]:
    if unit == "day":
        d = base - dt.timedelta(days=n)
        return d, d
    if unit == "week":
        d = base - dt.timedelta(weeks=n)
        return d - dt.timedelta(days=d.weekday()), d - dt.timedelta(
            days=d.weekday()
        ) + dt.timedelta(days=6)
    if unit == "month":
        month = base.month - n
        year, month = base.year + (month - 1) // 12, (month - 1) % 12 + 1
        return _month(year, month)
    return dt.date(base.year - n, 1, 1), dt.date(base.year - n, 12, 31)
