"""Stage 2, clean: a RawDocument becomes a Document — the article's own text, with offsets.

Steps, in order:

1. HTML: embedded social posts, scripts and captions are removed, then trafilatura extracts the
   main text, title and date; when it finds nothing, the page's ``<p>`` elements are used.
   Plain text: lines are normalised and hard-wrapped lines joined.
2. Every paragraph is tested against the boilerplate rules (``data/boilerplate.yaml``); a match
   is dropped and recorded with the rule's name.
3. Paragraphs repeated inside the article are kept once (see ``dedup.drop_repeated``).
4. Short lines without closing punctuation (titles, section headings, headlines of other
   stories) stay in the text but are marked as headings, which are not coded.
5. The publication date, when the input gave none: HTML metadata, then a dateline or an explicit
   date near the top, then the crawl date of a WARC record — each recorded in ``date_source``.
6. Documents not in English, or with no body left, are skipped with that reason.

The cleaned text is the body paragraphs and headings joined by blank lines; every offset dyad
stores points into it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dyad.errors import DataFileError
from dyad.stages import dates, dedup
from dyad.types import Document, Drop, DropReason, RawDocument, Skip, SkipReason, Span

# A line of at most this many words with no closing punctuation is a heading, not prose.
HEADING_MAX_WORDS = 16
# The text of an embedded post is dropped with its byline only when it is this short.
EMBED_TEXT_MAX_WORDS = 80
# Below this many letters, language identification is a guess: such texts are kept.
LANGUAGE_MIN_LETTERS = 60
# Language identification must be this sure before a document is skipped as not English.
LANGUAGE_MIN_PROBABILITY = 0.90
# English prose has at least this share of these function words (about a quarter, typically);
# other languages have almost none of them.
ENGLISH_FUNCTION_SHARE = 0.12
_ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "was",
        "with",
        "by",
        "it",
        "as",
        "at",
        "from",
        "has",
        "have",
        "said",
    ]
)
# Paragraphs considered for a dateline or an explicit date near the top.
DATELINE_PARAGRAPHS = 8

_CLOSING = tuple(".!?…\"”’')]:;")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_EMBED_XPATH = (
    "//blockquote[contains(@class,'twitter-tweet') or contains(@class,'instagram-media') or "
    "contains(@class,'tiktok-embed') or contains(@class,'twitter-video') or "
    "contains(@class,'reddit-card') or contains(@class,'fb-xfbml-parse-ignore')]"
    " | //div[contains(@class,'fb-post') or contains(@class,'twitter-embed') or "
    "contains(@class,'embed-twitter') or contains(@class,'social-embed')]"
    " | //iframe | //script | //style | //noscript | //figcaption | //form | //nav | //footer"
    " | //button | //select | //textarea"
)


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    reason: DropReason
    regex: re.Pattern[str]
    max_words: int
    with_previous: bool


@dataclass(frozen=True)
class Boilerplate:
    """The boilerplate rules, loaded and validated from a data file."""

    rules: tuple[Rule, ...]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Boilerplate:
        if path is None:
            text = resources.files("dyad").joinpath("data/boilerplate.yaml").read_text("utf-8")
            where = "dyad/data/boilerplate.yaml"
        else:
            text, where = Path(path).read_text("utf-8"), str(path)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise DataFileError(where, "whole file", f"not valid YAML: {e}") from e
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            raise DataFileError(where, "top level", "expected a mapping with a 'rules' list")
        return cls(tuple(_rule(where, i, r) for i, r in enumerate(data["rules"])))

    def match(self, paragraph: str, words: int) -> Rule | None:
        for rule in self.rules:
            if words <= rule.max_words and rule.regex.search(paragraph):
                return rule
        return None


def _rule(where: str, i: int, raw: Any) -> Rule:
    if not isinstance(raw, dict):
        raise DataFileError(where, f"rule {i}", "must be a mapping")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise DataFileError(where, f"rule {i}", "needs a name")
    unknown = set(raw) - {"name", "reason", "pattern", "ignore_case", "max_words", "with_previous"}
    if unknown:
        raise DataFileError(where, name, f"unknown keys {sorted(unknown)}")
    try:
        reason = DropReason(raw.get("reason", "boilerplate"))
    except ValueError as e:
        raise DataFileError(where, name, f"reason must be boilerplate or social_embed: {e}") from e
    try:
        regex = re.compile(str(raw["pattern"]), re.IGNORECASE if raw.get("ignore_case") else 0)
    except (KeyError, re.error) as e:
        raise DataFileError(where, name, f"bad or missing pattern: {e}") from e
    max_words = raw.get("max_words", 10_000)
    if not isinstance(max_words, int) or max_words < 1:
        raise DataFileError(where, name, "max_words must be a positive integer")
    return Rule(name, reason, regex, max_words, bool(raw.get("with_previous", False)))


class Cleaner:
    """Turns RawDocuments into Documents; holds the rules and the language identifier."""

    def __init__(self, boilerplate: Boilerplate | None = None, language: str = "en") -> None:
        self.boilerplate = boilerplate or Boilerplate.load()
        self.language = language
        self._langid: Any = None

    def __call__(self, raw: RawDocument) -> Document | Skip:
        title, meta_date = raw.title, None
        if raw.is_html:
            try:
                paragraphs, html_title, meta_date = html_paragraphs(raw.body)
            except RecursionError:
                return Skip(raw.origin, SkipReason.MALFORMED, "HTML nested too deeply", raw.doc_id)
            title = title or html_title
        else:
            paragraphs = text_paragraphs(raw.body)
        kept, drops = self._drop_boilerplate(raw.doc_id, paragraphs)
        kept, repeated = dedup.drop_repeated(raw.doc_id, kept)
        drops += repeated
        headings = [_is_heading(p, len(kept)) for p in kept]
        body = [p for p, h in zip(kept, headings, strict=True) if not h]
        if not body or sum(len(p) for p in body) < 1:
            why = "no text left after removing boilerplate" if paragraphs else "no text"
            return Skip(raw.origin, SkipReason.EMPTY, why, raw.doc_id)
        lang = self._language(" ".join(body))
        if lang is not None:
            return Skip(raw.origin, SkipReason.NOT_ENGLISH, f"language is {lang}", raw.doc_id)
        date, date_source = raw.date, raw.date_source
        if date is None or date_source == "crawl":
            found = meta_date, "html"
            if found[0] is None:
                found = dates.find_dateline(paragraphs[:DATELINE_PARAGRAPHS]), "dateline"
            if found[0] is not None:
                date, date_source = found
        text, spans = _join(kept)
        para_spans = tuple(s for s, h in zip(spans, headings, strict=True) if not h)
        head_spans = tuple(s for s, h in zip(spans, headings, strict=True) if h)
        return Document(
            doc_id=raw.doc_id,
            origin=raw.origin,
            text=text,
            content_hash=content_hash(body),
            paragraphs=para_spans,
            headings=head_spans,
            date=date,
            date_source=date_source if date else None,
            url=raw.url,
            title=title,
            source=raw.source,
            drops=tuple(drops),
        )

    def _drop_boilerplate(self, doc_id: str, paragraphs: list[str]) -> tuple[list[str], list[Drop]]:
        kept: list[str] = []
        drops: list[Drop] = []
        for p in paragraphs:
            words = len(p.split())
            rule = self.boilerplate.match(p, words)
            if rule is None:
                kept.append(p)
                continue
            if rule.with_previous and kept and len(kept[-1].split()) <= EMBED_TEXT_MAX_WORDS:
                drops.append(Drop(doc_id, rule.reason, rule.name, kept.pop()))
            drops.append(Drop(doc_id, rule.reason, rule.name, p))
        return kept, drops

    def _language(self, text: str) -> str | None:
        """The detected language when it is surely not ours, else None.

        English prose is recognised at once by its function words; only a text that is not
        plainly English goes to the language identifier (which costs milliseconds a text).
        """
        sample = text[:3000]
        if sum(c.isalpha() for c in sample) < LANGUAGE_MIN_LETTERS:
            return None
        if self.language == "en":
            words = sample.lower().split()
            if (
                words
                and sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words)
                >= ENGLISH_FUNCTION_SHARE
            ):
                return None
        if self._langid is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            self._langid = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        lang, prob = self._langid.classify(sample)
        if lang != self.language and prob >= LANGUAGE_MIN_PROBABILITY:
            return str(lang)
        return None


def normalise(text: str) -> str:
    """Unicode NFC, one kind of space, no zero-width characters, trimmed lines."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def text_paragraphs(text: str) -> list[str]:
    """Plain text to paragraphs: one per line, with hard-wrapped lines joined."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", normalise(text)):
        lines = [ln for ln in block.split("\n") if ln]
        for line in lines:
            if out and out[-1] and _continues(out[-1], line) and _block_is_wrapped(lines):
                out[-1] = out[-1] + " " + line
            else:
                out.append(line)
        out.append("")  # block boundary: never join across it
    return [p for p in out if p]


def _continues(prev: str, line: str) -> bool:
    return not prev.endswith(_CLOSING) and line[:1].islower()


def _block_is_wrapped(lines: list[str]) -> bool:
    # Hard-wrapped text: several lines of similar, moderate length.
    return len(lines) > 1 and max(len(ln) for ln in lines[:-1]) <= 100


def html_paragraphs(html: str) -> tuple[list[str], str | None, Any]:
    """Main-text paragraphs, title and metadata date of an HTML page."""
    import lxml.html
    import trafilatura
    from lxml.etree import ParserError, XMLSyntaxError

    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    try:
        tree = lxml.html.fromstring(html)
    except (ParserError, XMLSyntaxError, ValueError):
        return [], None, None
    for el in tree.xpath(_EMBED_XPATH):
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()
    result = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    title = getattr(result, "title", None) if result is not None else None
    raw_date = getattr(result, "date", None) if result is not None else None
    text = getattr(result, "text", None) if result is not None else None
    if not text:
        text = "\n".join(
            " ".join(p.text_content().split()) for p in tree.xpath("//p | //h1 | //h2 | //li")
        )
    if not title:
        found = tree.xpath("//title")
        title = " ".join(found[0].text_content().split()) if found else None
    if not text and len(html) > _NESTED_FALLBACK_BYTES:
        # libxml2 stops building the tree 256 elements deep; a pathologically nested page
        # still has its text, which a flat tokenizer reads
        text = _flat_text(html)
    paragraphs = [p for p in normalise(text or "").split("\n") if p]
    from dyad.stages.ingest import parse_iso_date

    return paragraphs, title, parse_iso_date(raw_date) if raw_date else None


_NESTED_FALLBACK_BYTES = 2_000  # below this, an HTML page with no text found has none


def _flat_text(html: str) -> str:
    """The text of a page, paragraph per block element, ignoring structure, scripts and styles."""
    from html.parser import HTMLParser

    blocks = {"p", "div", "li", "h1", "h2", "h3", "h4", "br", "tr", "section", "article"}

    class Flat(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.hidden = 0

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag in {"script", "style", "noscript", "template"}:
                self.hidden += 1
            elif tag in blocks:
                self.parts.append("\n")

        def handle_endtag(self, tag: str) -> None:
            if tag in {"script", "style", "noscript", "template"} and self.hidden:
                self.hidden -= 1
            elif tag in blocks:
                self.parts.append("\n")

        def handle_data(self, data: str) -> None:
            if not self.hidden:
                self.parts.append(data)

    parser = Flat()
    parser.feed(html)
    parser.close()
    return "\n".join(" ".join(line.split()) for line in "".join(parser.parts).split("\n"))


def _is_heading(paragraph: str, n_paragraphs: int) -> bool:
    if n_paragraphs <= 1:
        return False
    words = paragraph.split()
    return len(words) <= HEADING_MAX_WORDS and not paragraph.endswith(_CLOSING)


def _join(paragraphs: list[str]) -> tuple[str, list[Span]]:
    spans: list[Span] = []
    pos = 0
    for p in paragraphs:
        spans.append(Span(pos, pos + len(p)))
        pos += len(p) + 2
    return "\n\n".join(paragraphs), spans


def content_hash(paragraphs: list[str]) -> str:
    """The identity of an article's content: case and spacing do not count."""
    canon = " ".join(" ".join(paragraphs).lower().split())
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()
