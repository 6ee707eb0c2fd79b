"""Shared fixtures. The spaCy model and the dictionaries load once per test session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dyad.pipeline import Pipeline
from dyad.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "data" / "seeds-dev"
NEWS_DEV = SHARED / "data" / "news-dev"
NEWS_CORPUS = SHARED / "data" / "news-corpus" / "corpus.jsonl"  # 77 real public-domain texts
PLOVER_DEV = SHARED / "data" / "peer" / "plover_gsr.dev.jsonl"
DICTIONARIES = SHARED / "data" / "dictionaries"
SAMPLES = ROOT / "samples"
_REPORT = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """dyad's disk cache in a folder of this test session's own (the commands the tests start
    inherit it), not in the user's home: each session starts cold."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DYAD_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """A strict pipeline: a failure inside a document raises instead of becoming a skip."""
    return Pipeline(Settings(n_process=1), strict=True)


@pytest.fixture(scope="session")
def coder(pipeline: Pipeline):
    """Code one sentence: ``coder("Pakistan rejected India's offer.", date)`` -> events."""
    from dyad.stages.actors import Discourse
    from dyad.stages.events import SentenceContext

    def code(
        text: str, date: dt.date | None = dt.date(2019, 6, 1), *, all_modalities: bool = False
    ):
        doc = pipeline.nlp.nlp(text)
        discourse = Discourse(pipeline.actors, date, pipeline.settings.fuzzy_name_threshold)
        events, _ = pipeline.coder.code(doc, SentenceContext("t", 0, 0, text, date), discourse)
        return [e for e in events if all_modalities or e.modality.value == "asserted"]

    return code


def triples(events) -> set[tuple[str, str | None, str]]:
    return {(e.source.code, e.target.code if e.target else None, e.plover) for e in events}


@pytest.fixture(scope="session")
def report(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """``report("line")``: a line for the "dyad" section at the end of the run's output (seen
    in ``make test``, with or without ``-s``): timings worth watching."""
    return request.config.stash.setdefault(_REPORT, []).append


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    lines = config.stash.get(_REPORT, [])
    if lines:
        terminalreporter.section("dyad")
        for line in lines:
            terminalreporter.write_line(line)
