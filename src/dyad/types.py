"""The types that flow between dyad's stages, defined once.

An article travels as::

    RawDocument --clean--> Document --nlp--> Sentence ... --actors--> ActorMention
                                                       --events--> Event

and whatever is dropped on the way becomes a ``Skip`` (a whole input) or a ``Drop`` (a part of a
document: a boilerplate line, a repeated paragraph), each with a typed reason.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class SkipReason(enum.StrEnum):
    """Why a whole input never became a stored document."""

    UNREADABLE = "unreadable"  # the file or record could not be read at all
    BINARY = "binary"  # not text in any encoding
    UNDECODABLE = "undecodable"  # text, but no encoding decodes it
    EMPTY = "empty"  # nothing left after cleaning
    TOO_LARGE = "too_large"  # larger than settings.max_document_bytes
    MALFORMED = "malformed"  # broken JSON line, truncated archive, wrong field types
    NOT_ENGLISH = "not_english"
    DUPLICATE = "duplicate"  # same content as a stored document
    NEAR_DUPLICATE = "near_duplicate"  # MinHash-similar to a stored document
    UNSUPPORTED = "unsupported"  # a file type dyad does not read
    FAILED = "failed"  # an unexpected error while processing this document
    TIMEOUT = "timeout"  # took longer than settings.document_timeout_s; the detail says where


class DropReason(enum.StrEnum):
    """Why a part of a document was not coded."""

    BOILERPLATE = "boilerplate"  # navigation, links to other stories, forms, captions
    SOCIAL_EMBED = "social_embed"  # an embedded post and its byline
    REPEATED = "repeated"  # a paragraph or sentence already seen in the same article
    DISCARD = "discard"  # not political news: sport, entertainment… (PETRARCH's discards)


class DatePrecision(enum.StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    DOCUMENT = "document"  # no date in the clause: the publication date


class Modality(enum.StrEnum):
    """Whether the text asserts that an event happened."""

    ASSERTED = "asserted"
    HYPOTHETICAL = "hypothetical"  # could, would, might, may, should, must, can; imagine if
    FUTURE = "future"  # will, plans to, is to
    NEGATED = "negated"  # not, never, no, failed to
    CONDITIONAL = "conditional"  # if, unless
    QUESTION = "question"


class QuadClass(enum.IntEnum):
    VERBAL_COOPERATION = 1
    MATERIAL_COOPERATION = 2
    VERBAL_CONFLICT = 3
    MATERIAL_CONFLICT = 4


PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

SECTORS = frozenset(
    [
        "GOV",
        "MIL",
        "REB",
        "OPP",
        "PTY",
        "LEG",
        "JUD",
        "COP",
        "SPY",
        "MED",
        "EDU",
        "BUS",
        "CVL",
        "REF",
        "HLH",
        "LAB",
        "ELI",
        "CRM",
        "UAF",
        "ACT",
        "IGO",
        "NGO",
        "RAD",
    ]
)
NON_STATE_CODES = frozenset({"IGO", "NGO", "IMG", "MNC", "UIS"})


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input article as read, before cleaning."""

    doc_id: str
    origin: str  # where it came from: a path, with ``#line`` or ``#record`` when inside a file
    body: str  # decoded text or HTML
    is_html: bool
    date: dt.date | None = None
    date_source: str | None = None  # meta | record | html | dateline | crawl
    url: str | None = None
    title: str | None = None
    source: str | None = None  # the publisher


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a document's cleaned text, by character offsets."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Drop:
    """A part of a document that was not coded, and why."""

    doc_id: str
    reason: DropReason
    rule: str  # the pattern or check that dropped it
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """A cleaned article. Every offset in dyad points into ``text``."""

    doc_id: str
    origin: str
    text: str
    content_hash: str  # of the cleaned body: what dedup compares
    paragraphs: tuple[Span, ...]  # body paragraphs to code
    headings: tuple[Span, ...] = ()  # title and headline-like lines: kept, not coded
    date: dt.date | None = None
    date_source: str | None = None
    url: str | None = None
    title: str | None = None
    source: str | None = None
    drops: tuple[Drop, ...] = ()
    raw_hash: str = ""  # of the input as read: an unchanged input is not processed again


@dataclass(frozen=True, slots=True)
class Skip:
    """An input that did not become a stored document, and why."""

    origin: str
    reason: SkipReason
    detail: str
    doc_id: str | None = None
    duplicate_of: str | None = None  # the stored doc_id this input repeats
    # Of the input as read, for a timeout: a later run does not try it again while unchanged.
    raw_hash: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    doc_id: str
    index: int  # position in the document
    start: int
    end: int
    text: str
    coded: bool = True  # False for repeats of an earlier sentence and for headings


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts or is acted on, resolved for a date."""

    code: str  # ISO-3166 alpha-3, or IGO/NGO/IMG/MNC/UIS
    country: str | None = None
    sector: str | None = None  # GOV, MIL, REB, OPP, ...
    name: str | None = None  # canonical name: "Imran Khan", "Pakistan", "Taliban"
    kind: str = "country"  # country | person | group | agent

    @property
    def cameo(self) -> str:
        """A CAMEO-style actor code: country then sector, e.g. ``PAKGOV``."""
        return self.code + (self.sector or "") if self.sector != self.code else self.code


@dataclass(frozen=True, slots=True)
class Role:
    """A dated role: who an entry is between ``start`` and ``end`` (inclusive; None is open)."""

    code: str
    country: str | None
    sector: str | None
    role: str | None = None
    title: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, day: dt.date | None) -> bool:
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def distance(self, day: dt.date) -> int:
        if self.start and day < self.start:
            return (self.start - day).days
        if self.end and day > self.end:
            return (day - self.end).days
        return 0


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor found in a sentence: tokens ``[start, end)`` of the parsed sentence."""

    start: int
    end: int
    text: str
    actor: Actor
    confidence: float = 1.0
    how: str = "dictionary"  # dictionary | title | coreference | fuzzy | place


@dataclass(frozen=True, slots=True)
class Location:
    name: str
    country: str | None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class EventDate:
    date: dt.date | None
    precision: DatePrecision
    text: str | None = None  # the expression it was resolved from


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event mention: an actor did something to another, said in one sentence."""

    event_id: str  # the event (shared by all its mentions)
    mention_id: str  # this mention
    doc_id: str
    date: EventDate
    plover: str
    mode: str | None  # PLOVER mode, e.g. "visit", "arrest", "discontinue"
    cameo: str
    goldstein: float
    quad_class: QuadClass
    source: Actor
    target: Actor | None
    source_text: str
    target_text: str | None
    location: Location | None
    sentence: str
    start: int  # character offsets of the sentence in the document's cleaned text
    end: int
    trigger: str  # the word(s) that carried the event
    modality: Modality = Modality.ASSERTED
    confidence: float = 1.0
    # for a speech act (an intent, refusal, threat, demand): the action it is about, with its
    # CAMEO code when dyad knows one ("resume talks (046)")
    action: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """Everything one document produced: what the store writes in one go."""

    document: Document
    sentences: tuple[Sentence, ...]
    events: tuple[Event, ...]  # every coded statement; those not asserted carry their modality
    signature: bytes | None = None  # MinHash signature, for near-duplicate checks in later runs
