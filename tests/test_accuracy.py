"""The accuracy gate: dyad's figures on the three dev sets (seeds-dev, news-dev, PLOVER dev) may
not fall below the pinned floors.

Floors live in ``accuracy_floors.json``; raise them when accuracy rises. The figures are the
shared scorers' (a CLI test checks ``dyad evaluate`` agrees with them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import NEWS_DEV, PLOVER_DEV, SEEDS
from dyad.api import extract
from dyad.evaluate import evaluate

FLOORS = json.loads((Path(__file__).parent / "accuracy_floors.json").read_text())


@pytest.fixture(scope="module")
def seed_score(pipeline, tmp_path_factory):
    out = tmp_path_factory.mktemp("acc") / "seeds.jsonl"
    extract(sorted(SEEDS.glob("*.txt")), out, meta=SEEDS / "meta.csv", pipeline=pipeline)
    return evaluate(out, SEEDS / "gold.jsonl")


@pytest.fixture(scope="module")
def news_score(pipeline, tmp_path_factory):
    out = tmp_path_factory.mktemp("acc") / "news.jsonl"
    extract(
        sorted((NEWS_DEV / "texts").glob("*.txt")),
        out,
        meta=NEWS_DEV / "meta.csv",
        pipeline=pipeline,
    )
    return evaluate(out, NEWS_DEV / "gold.jsonl")


@pytest.fixture(scope="module")
def plover_score(pipeline, tmp_path_factory):
    out = tmp_path_factory.mktemp("acc") / "plover.jsonl"
    extract([PLOVER_DEV], out, pipeline=pipeline)
    return evaluate(out, PLOVER_DEV)


def test_seed_articles(seed_score) -> None:
    floor = FLOORS["seeds_dev"]
    assert seed_score.trap_hits <= floor["max_trap_hits"], seed_score.traps
    assert seed_score.f1 >= floor["f1"], seed_score.summary()
    assert seed_score.precision >= floor["precision"], seed_score.summary()
    assert seed_score.recall >= floor["recall"], seed_score.summary()


def test_news_reports(news_score) -> None:
    floor = FLOORS["news_dev"]
    assert news_score.trap_hits <= floor["max_trap_hits"], news_score.traps
    assert news_score.f1 >= floor["f1"], news_score.summary()
    assert news_score.precision >= floor["precision"], news_score.summary()
    assert news_score.recall >= floor["recall"], news_score.summary()


def test_plover_sentences(plover_score) -> None:
    floor = FLOORS["plover_dev"]
    assert plover_score.f1 >= floor["f1"], plover_score.summary()
    assert plover_score.type_accuracy >= floor["type_accuracy"], plover_score.summary()
