"""Clean: the article's own text, with boilerplate dropped (and recorded), offsets kept."""

from __future__ import annotations

import datetime as dt

import pytest

from dyad.errors import DataFileError
from dyad.stages.clean import Boilerplate, Cleaner, text_paragraphs
from dyad.types import Document, DropReason, RawDocument, Skip, SkipReason

BODY = (
    "Pakistan's foreign minister met his Afghan counterpart in Kabul on Monday to discuss "
    "the peace process, officials said. The two sides agreed to meet again next month."
)


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


def _doc(cleaner: Cleaner, body: str, html: bool = False, date: dt.date | None = None) -> Document:
    out = cleaner(RawDocument("d", "d.txt", body, html, date, "meta" if date else None))
    assert isinstance(out, Document), out
    return out


def test_scraped_furniture_is_dropped_with_the_rule_that_dropped_it(cleaner: Cleaner) -> None:
    raw = "\n\n".join(
        [
            "1. Skip to content",
            "Home | World | Asia | Opinion",
            BODY,
            "Read more: Pakistan expels Indian envoy over Kashmir move",
            "RelatedThe man who sold Pakistan",
            "IMG_2041.jpg",
            "Pakistan's Foreign Minister said talks were cordialImage: picture-alliance/AP",
            "Leave a Reply",
            "Your email address will not be published. Required fields are marked *",
            "Scroll to top",
        ]
    )
    doc = _doc(cleaner, raw)
    assert doc.text == BODY
    rules = [d.rule for d in doc.drops]
    assert rules == [
        "skip_link",
        "menu_bar",
        "read_more_link",
        "glued_related_link",
        "image_file",
        "caption_with_credit",
        "comment_form",
        "comment_form",
        "scroll_to_top",
    ]
    assert all(d.reason == DropReason.BOILERPLATE for d in doc.drops)


def test_embedded_tweet_and_its_byline_go_together(cleaner: Cleaner) -> None:
    raw = "\n\n".join(
        [
            BODY,
            "Pakistan has given us nothing but lies & deceit.",
            "— Donald J. Trump (@realDonaldTrump) January 1, 2018",
            "pic.twitter.com/abc123",
            "The foreign ministry summoned the US ambassador on Tuesday.",
        ]
    )
    doc = _doc(cleaner, raw)
    assert "lies & deceit" not in doc.text and "summoned" in doc.text
    assert [d.reason for d in doc.drops] == [DropReason.SOCIAL_EMBED] * 3


def test_offsets_point_into_the_cleaned_text(cleaner: Cleaner) -> None:
    doc = _doc(
        cleaner, "A headline without a full stop\n\n" + BODY + "\n\nSecond paragraph, also prose."
    )
    assert [doc.text[s.start : s.end] for s in doc.paragraphs] == [
        BODY,
        "Second paragraph, also prose.",
    ]
    assert [doc.text[s.start : s.end] for s in doc.headings] == ["A headline without a full stop"]


def test_repeated_paragraph_kept_once(cleaner: Cleaner) -> None:
    doc = _doc(cleaner, f"{BODY}\n\nA pull quote that repeats itself in the story.\n\n{BODY}")
    assert doc.text.count(BODY) == 1
    assert [d.reason for d in doc.drops] == [DropReason.REPEATED]


def test_hard_wrapped_lines_are_joined() -> None:
    assert text_paragraphs("The minister said the talks\nwent well and would resume.\n\nNext.") == [
        "The minister said the talks went well and would resume.",
        "Next.",
    ]


def test_html_main_text_without_nav_tweets_or_comments(cleaner: Cleaner) -> None:
    html = f"""<html><head><title>US cancels aid</title>
      <meta property="article:published_time" content="2018-09-02T10:00:00Z"></head>
      <body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
      <article><h1>US cancels aid</h1><p>{BODY}</p>
      <blockquote class="twitter-tweet"><p>Nothing but lies &amp; deceit.</p>&mdash; Donald J. Trump (@realDonaldTrump)</blockquote>
      <p>Pakistan's foreign ministry rejected the decision on Sunday, calling it unfortunate.</p></article>
      <form><p>Leave a Reply</p></form><footer>© 2018 Example News</footer></body></html>"""
    doc = _doc(cleaner, html, html=True)
    assert BODY in doc.text and "rejected the decision" in doc.text
    assert "lies" not in doc.text and "Home" not in doc.text and "Leave a Reply" not in doc.text
    assert doc.date == dt.date(2018, 9, 2) and doc.date_source == "html"
    assert doc.title == "US cancels aid"


def test_dateline_gives_the_date_when_nothing_else_does(cleaner: Cleaner) -> None:
    doc = _doc(cleaner, "Can the US and Pakistan reset ties?\n\nSeptember 5, 2018\n\n" + BODY)
    assert doc.date == dt.date(2018, 9, 5) and doc.date_source == "dateline"
    given = _doc(cleaner, "September 5, 2018\n\n" + BODY, date=dt.date(2018, 9, 6))
    assert given.date == dt.date(2018, 9, 6) and given.date_source == "meta"


def test_not_english_and_empty_are_skipped(cleaner: Cleaner) -> None:
    french = (
        "Le ministre pakistanais des Affaires étrangères a rencontré son homologue afghan à "
        "Kaboul lundi pour discuter du processus de paix, ont indiqué des responsables."
    )
    out = cleaner(RawDocument("fr", "fr.txt", french, False))
    assert isinstance(out, Skip) and out.reason == SkipReason.NOT_ENGLISH and "fr" in out.detail
    out = cleaner(RawDocument("e", "e.txt", "Skip to content\n\nScroll to top", False))
    assert isinstance(out, Skip) and out.reason == SkipReason.EMPTY
    out = cleaner(RawDocument("h", "h.html", "<html><head><title>x</title></head></html>", True))
    assert isinstance(out, Skip) and out.reason == SkipReason.EMPTY


def test_content_hash_ignores_case_spacing_and_boilerplate(cleaner: Cleaner) -> None:
    a = _doc(cleaner, BODY)
    b = _doc(cleaner, "Skip to content\n\n" + BODY.upper().replace(" ", "  "))
    assert a.content_hash == b.content_hash


def test_a_bad_boilerplate_file_is_refused(tmp_path) -> None:
    bad = tmp_path / "b.yaml"
    bad.write_text("rules:\n  - {name: x, pattern: '('}\n")
    with pytest.raises(DataFileError, match="bad or missing pattern"):
        Boilerplate.load(bad)
    bad.write_text("rules:\n  - {name: x, pattern: 'a', colour: red}\n")
    with pytest.raises(DataFileError, match="unknown keys"):
        Boilerplate.load(bad)
