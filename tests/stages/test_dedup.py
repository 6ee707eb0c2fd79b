"""Dedup: exact and near duplicates across articles, repeats inside one."""

from __future__ import annotations

from dyad.stages.clean import Cleaner
from dyad.stages.dedup import Deduper, from_bytes, mark_repeated, signature_of
from dyad.types import Document, RawDocument, Sentence, SkipReason

STORY = " ".join(
    f"Paragraph {i}: officials in Islamabad and Washington said talks on the Afghan peace process "
    f"continued for a {i}th day as envoys met in Doha."
    for i in range(12)
)


def _doc(doc_id: str, text: str) -> Document:
    out = Cleaner()(RawDocument(doc_id, f"{doc_id}.txt", text, False))
    assert isinstance(out, Document)
    return out


def _deduper() -> Deduper:
    return Deduper(threshold=0.8, permutations=64, min_words=60)


def _check(d: Deduper, doc: Document):
    return d.check(doc, from_bytes(signature_of(doc, 64, 60)))


def test_exact_duplicate_under_another_id() -> None:
    d = _deduper()
    assert _check(d, _doc("a", STORY)) is None
    skip = _check(d, _doc("b", "Skip to content\n\n" + STORY))
    assert skip is not None and skip.reason == SkipReason.DUPLICATE and skip.duplicate_of == "a"


def test_near_duplicate_syndicated_copy() -> None:
    d = _deduper()
    _check(d, _doc("a", STORY))
    copy = STORY.replace("continued", "went on", 1).replace("envoys", "diplomats", 1)
    skip = _check(d, _doc("b", copy))
    assert (
        skip is not None and skip.reason == SkipReason.NEAR_DUPLICATE and skip.duplicate_of == "a"
    )
    other = "The IMF approved a loan for Pakistan after months of talks in Washington. " * 12
    assert _check(d, _doc("c", other)) is None


def test_short_texts_are_never_near_duplicates() -> None:
    d = _deduper()
    _check(d, _doc("a", "Egyptian police opened fire on demonstrators on Monday."))
    assert _check(d, _doc("b", "Egyptian police opened fire on protesters on Monday.")) is None


def test_signatures_survive_a_round_trip_through_bytes() -> None:
    sig = signature_of(_doc("a", STORY), 64, 60)
    assert sig is not None
    fresh = _deduper()
    fresh.seed([], [("a", sig)])
    skip = _check(fresh, _doc("b", STORY.replace("Doha", "Qatar's capital", 1)))
    assert skip is not None and skip.duplicate_of == "a"


def test_repeated_sentence_is_kept_once() -> None:
    quote = "We will never accept a deal that ignores Kashmir, the minister said."
    sentences = [
        Sentence("d", 0, 0, 10, quote),
        Sentence("d", 1, 11, 20, "Other text about the talks in Doha."),
        Sentence("d", 2, 21, 30, quote),
    ]
    out, drops = mark_repeated(sentences)
    assert [s.coded for s in out] == [True, True, False]
    assert len(drops) == 1 and drops[0].text == quote


def test_near_duplicates_are_looked_for_in_a_bounded_window() -> None:
    import numpy as np

    from dyad.stages.dedup import Deduper

    d = Deduper(0.8, 64, 60, window=3)
    rng = np.random.default_rng(0)
    for i in range(10):
        d._insert(f"d{i}", rng.integers(0, 2**32, 64, dtype=np.uint64))
    assert list(d._signatures) == ["d7", "d8", "d9"]  # memory stays flat


def test_dedup_off_codes_every_input() -> None:
    from dyad.pipeline import Pipeline
    from dyad.settings import Settings
    from dyad.types import DocumentResult, RawDocument

    text = "Pakistan protested to India over the shelling of villages in Kashmir. " * 12
    raws = [RawDocument(f"d{n}", f"<{n}>", text, False) for n in range(2)]
    on = list(Pipeline(Settings(n_process=1)).process(raws))
    off = list(Pipeline(Settings(n_process=1, dedup=False)).process(raws))
    assert [isinstance(r, DocumentResult) for r in on] == [True, False]
    assert [isinstance(r, DocumentResult) for r in off] == [True, True]
