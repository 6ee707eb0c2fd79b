"""Sentence splitting and the tokenizer's cache."""

from __future__ import annotations

import time

from dyad.pipeline import Pipeline


def test_tokenizer_keeps_caching_new_words_after_the_dictionaries_load(
    pipeline: Pipeline,
) -> None:
    # Building the candidate filter tokenizes thousands of dictionary names; with spaCy's
    # default cache (10,000 chunks) it would then be full, and every later word would be split
    # by the prefix/suffix/infix rules each time it is seen (measured 25x slower than a hit).
    assert pipeline.candidate_filter is not None
    text = " ".join(f"(Zqx{n}vort)," for n in range(12_000))
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        pipeline.nlp.nlp.make_doc(text)
        timings.append(time.perf_counter() - start)
    first, again = timings
    assert again < first / 3


def test_sentences_carry_offsets_into_the_cleaned_text(pipeline: Pipeline) -> None:
    from dyad.types import RawDocument

    raw = RawDocument("d", "<t>", "Pakistan protested. The envoy was summoned on Monday.", False)
    doc = pipeline.cleaner(raw)
    sentences, tokenized = pipeline.nlp.split(doc)  # type: ignore[arg-type]
    assert [s.text for s in sentences] == [
        "Pakistan protested.",
        "The envoy was summoned on Monday.",
    ]
    for s, t in zip(sentences, tokenized, strict=True):
        assert doc.text[s.start : s.end] == s.text == t.text  # type: ignore[union-attr]
