"""Sentence splitting and the tokenizer's cache."""

from __future__ import annotations

import time
from typing import Any

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


def _parsed(pipeline: Pipeline, text: str):
    return next(pipeline.nlp.nlp.pipe([text], disable=["ner"]))


def test_the_recogniser_runs_where_the_dictionaries_do_not_know_a_name(pipeline: Pipeline) -> None:
    needs = pipeline.needs_entities
    assert needs(_parsed(pipeline, "Pakistan accused India of the attack.")) is False
    assert needs(_parsed(pipeline, "Pakistan accused Zubair Qadri of the attack."))  # a person
    assert needs(_parsed(pipeline, "Pakistan accused India of the attack on Monday."))  # a date
    assert needs(_parsed(pipeline, "Pakistan accused India of 12 attacks."))  # a number
    assert needs(_parsed(pipeline, "Pakistan accused India of the attack last week."))


def test_a_sentence_without_the_recogniser_has_its_dictionary_names_as_entities(
    pipeline: Pipeline,
) -> None:
    doc = _parsed(pipeline, "Imran Khan said Pakistani troops would stay in Afghanistan.")
    assert pipeline.needs_entities(doc) is False
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Imran Khan", "PERSON"),
        ("Pakistani", "NORP"),
        ("Afghanistan", "GPE"),
    ]


def test_the_events_are_those_of_the_recogniser_on_every_sentence(pipeline: Pipeline) -> None:
    import datetime as dt

    from dyad.settings import Settings
    from dyad.types import RawDocument

    text = (
        "Pakistan accused India of shelling villages in Kashmir on Monday.\n\n"
        "Imran Khan said Pakistani troops would respond. India rejected the charge.\n\n"
        "Zubair Qadri, a local official, said 12 civilians were wounded."
    )
    raw = RawDocument("k", "<t>", text, False, dt.date(2019, 3, 6))
    every = Pipeline(Settings(n_process=1, selective_ner=False), strict=True)
    (a,) = every.process([raw])
    (b,) = pipeline.process([raw])
    assert a.events == b.events and a.events


def test_numpy_matrix_products_give_the_annotations_of_blis(pipeline: Pipeline) -> None:
    # dyad builds the model on NumpyBlasOps (matrix products by numpy's BLAS, 3-4x faster than
    # the blis package here); tags, parses and entities must be those of thinc's own backend.
    import spacy
    from thinc.api import NumpyOps, use_ops

    from dyad.stages.nlp import NumpyBlasOps

    ours = pipeline.nlp.nlp
    assert isinstance(ours.get_pipe("tok2vec").model.ops, NumpyBlasOps)
    with use_ops("numpy"):
        reference = spacy.load(pipeline.settings.spacy_model, exclude=["senter"])
    assert type(reference.get_pipe("tok2vec").model.ops) is NumpyOps
    texts = [
        "The foreign minister of Pakistan met his American counterpart in Islamabad on Monday.",
        "Rebels attacked a convoy near Goma, killing 14 soldiers, the army said.",
        "Washington suspended $300 million in military aid, citing a lack of cooperation.",
        "She said the talks, which began in March, would resume after the elections.",
        "Police in Lagos arrested 52 protesters and charged them with unlawful assembly.",
        "The ministry denied the report and called it baseless propaganda.",
    ] * 20  # a batch as large as the pipeline's, so the products have their real shapes

    def annotations(nlp: Any) -> list[list[tuple[str, str, int, str, str]]]:
        return [
            [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc]
            for doc in nlp.pipe(texts, batch_size=64)
        ]

    assert annotations(ours) == annotations(reference)


def test_parallel_workers_share_the_cores_between_their_blas_threads() -> None:
    import os

    from threadpoolctl import threadpool_info

    from dyad.stages.nlp import share_cores

    def blas_threads() -> set[int]:
        return {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}

    assert blas_threads(), "numpy's BLAS is not loaded"
    cores = os.cpu_count() or 1
    limit = share_cores(cores)  # as many processes as cores: one thread each
    try:
        assert blas_threads() == {1}
    finally:
        limit.restore_original_limits()
