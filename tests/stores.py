"""Small stores built by hand, through the store's own write API, for analysis and web tests.

``build_store(path)`` writes four articles about USA, PAK, IND and AFG in September-November
2018 whose figures are worked out in the tests by hand (see ``EVENTS``).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pytest

from dyad.store import Store
from dyad.types import (
    Actor,
    DatePrecision,
    Document,
    DocumentResult,
    Event,
    EventDate,
    Modality,
    QuadClass,
    Sentence,
    Span,
)

ACTORS = {
    "USA": Actor("USA", "USA", "GOV", "United States"),
    "PAK": Actor("PAK", "PAK", "GOV", "Pakistan"),
    "IND": Actor("IND", "IND", "GOV", "India"),
    "AFG": Actor("AFG", "AFG", None, "Afghanistan"),
}

# doc_id -> (title, publication date, sentences)
DOCUMENTS = {
    "a": (
        "Pentagon cancels aid",
        dt.date(2018, 9, 3),
        [
            "The Pentagon cancelled $300 million in aid to Pakistan.",
            "Officials in Washington held talks with Pakistan on Monday.",
            "Pakistan rejected the decision, calling it 100%_unfair <b>bold</b> & wrong.",
            "The US could threaten further cuts.",
        ],
    ),
    "b": (
        "Aid suspended <script>alert(1)</script>",
        dt.date(2018, 9, 4),
        [
            "Washington suspended military aid to Islamabad.",
            "India attacked positions held by Pakistan near the border.",
        ],
    ),
    "c": (
        "Cuts confirmed",
        dt.date(2018, 9, 5),
        ["The United States cut aid, officials said.", "Afghan crowds protested in Kabul."],
    ),
    "d": (
        "Aid returns",
        dt.date(2018, 11, 20),
        [
            "The United States sent aid to Pakistan after the floods.",
            "Pakistan accused the United States of meddling in November.",
            "The United States cooperated with Pakistan on an undated matter.",
            "Aid reached Pakistan again, officials said.",
        ],
    ),
}


@dataclass(frozen=True)
class Spec:
    """An event and the (document, sentence index) pairs that report it."""

    event_id: str
    source: str
    target: str | None
    plover: str
    quad: int
    goldstein: float
    day: dt.date | None
    mentions: tuple[tuple[str, int], ...]
    precision: DatePrecision = DatePrecision.DAY
    modality: Modality = Modality.ASSERTED
    trigger: str = ""


EVENTS = [
    Spec("sanction", "USA", "PAK", "SANCTION", 3, -5.6, dt.date(2018, 9, 2),
         (("a", 0), ("b", 0), ("c", 0)), trigger="cancelled"),
    Spec("consult", "USA", "PAK", "CONSULT", 1, 1.0, dt.date(2018, 9, 10), (("a", 1),),
         trigger="held talks"),
    Spec("reject", "PAK", "USA", "REJECT", 3, -4.0, dt.date(2018, 9, 5), (("a", 2),),
         trigger="rejected"),
    Spec("threat", "USA", "PAK", "THREATEN", 3, -4.4, dt.date(2018, 9, 6), (("a", 3),),
         modality=Modality.HYPOTHETICAL, trigger="threaten"),
    Spec("assault", "IND", "PAK", "ASSAULT", 4, -10.0, dt.date(2018, 9, 15), (("b", 1),),
         trigger="attacked"),
    Spec("protest", "AFG", None, "PROTEST", 4, -6.5, dt.date(2018, 9, 20), (("c", 1),),
         trigger="protested"),
    Spec("aid", "USA", "PAK", "AID", 2, 7.4, dt.date(2018, 11, 19), (("d", 0), ("d", 3)),
         trigger="sent aid"),
    # Dated to a month only: stored on its first day, a Thursday (its week starts 29 October).
    Spec("accuse", "PAK", "USA", "ACCUSE", 3, -2.0, dt.date(2018, 11, 1), (("d", 1),),
         precision=DatePrecision.MONTH, trigger="accused"),
    Spec("undated", "USA", "PAK", "COOPERATE", 2, 6.0, None, (("d", 2),),
         precision=DatePrecision.DOCUMENT, trigger="cooperated"),
]  # fmt: skip


def _offsets(sentences: list[str]) -> list[tuple[int, int]]:
    out, at = [], 0
    for s in sentences:
        out.append((at, at + len(s)))
        at += len(s) + 1
    return out


def results(specs: list[Spec] = EVENTS, documents: dict = DOCUMENTS) -> list[DocumentResult]:
    """One DocumentResult a document, holding the mentions of ``specs`` in it."""
    out = []
    for doc_id, (title, day, sentences) in documents.items():
        text = " ".join(sentences)
        spans = _offsets(sentences)
        events = []
        for spec in specs:
            for n, (d, i) in enumerate(spec.mentions):
                if d != doc_id:
                    continue
                start, end = spans[i]
                events.append(
                    Event(
                        event_id=spec.event_id,
                        mention_id=f"{spec.event_id}-{n}",
                        doc_id=doc_id,
                        date=EventDate(spec.day, spec.precision, None),
                        plover=spec.plover,
                        mode=None,
                        cameo="000",
                        goldstein=spec.goldstein,
                        quad_class=QuadClass(spec.quad),
                        source=ACTORS[spec.source],
                        target=ACTORS[spec.target] if spec.target else None,
                        source_text=spec.source,
                        target_text=spec.target,
                        location=None,
                        sentence=sentences[i],
                        start=start,
                        end=end,
                        trigger=spec.trigger,
                        modality=spec.modality,
                    )
                )
        doc = Document(
            doc_id,
            f"{doc_id}.txt",
            text,
            f"hash-{doc_id}",
            (Span(0, len(text)),),
            date=day,
            date_source="meta",
            title=title,
            source="Test Wire",
            url=f"https://example.org/{doc_id}",
            raw_hash=f"raw-{doc_id}",
        )
        sents = tuple(
            Sentence(doc_id, i, a, b, s)
            for i, ((a, b), s) in enumerate(zip(spans, sentences, strict=True))
        )
        out.append(DocumentResult(doc, sents, tuple(events)))
    return out


def build_store(path: str | os.PathLike[str], index: bool = False) -> str:
    """Write the hand-made store at ``path`` (with its analysis index if ``index``)."""
    with Store(path) as store:
        store.write(results())
        if index:
            store.build_analysis_index()
    return os.fspath(path)


_SAMPLE_STORES: dict[str, str] = {}  # built once a test session, whichever module asks first


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory, pipeline) -> str:
    """A store coded from the bundled sample corpus (``samples/articles``, dated by
    ``samples/meta.csv``), with its analysis index."""
    from conftest import SAMPLES
    from dyad import api

    articles, meta = SAMPLES / "articles", SAMPLES / "meta.csv"
    if not articles.is_dir() or not meta.is_file():
        pytest.skip(f"the sample corpus is not in this checkout ({articles})")
    if "path" not in _SAMPLE_STORES:
        db = tmp_path_factory.mktemp("samples") / "samples.duckdb"
        api.run([articles], db=db, meta=meta, pipeline=pipeline)
        with Store(db) as store:
            store.build_analysis_index()
        _SAMPLE_STORES["path"] = str(db)
    return _SAMPLE_STORES["path"]
