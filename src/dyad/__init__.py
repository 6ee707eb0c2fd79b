"""dyad: political event data from news articles — who did what to whom, when and where,
with the sentence that says so.

The public API::

    run(paths, db=..., meta=...)        ingest and code into a DuckDB store
    extract(paths, out=..., meta=...)   code and write event JSONL, no store
    explain(sentence, date=...)         how one sentence is read and why
    open_store(db)                      the store: events, mentions, stats, skips
    dyad_series(store, filter, by=...)  a dyad's counts, Goldstein and index per period
    find_events / key_events / network  events with their evidence; the actor network
    write_report(store, out, dyad=...)  the self-contained HTML report
    Settings                            defaults + overrides, passed explicitly
"""

from dyad.analysis import (
    actors,
    busiest_dyad,
    document,
    dyad_series,
    dyads,
    find_events,
    key_events,
    network,
)
from dyad.api import ExtractSummary, RunSummary, code_texts, explain, extract, open_store, run
from dyad.errors import DyadError
from dyad.report import write_report
from dyad.settings import Settings
from dyad.store import EventFilter, Store

__version__ = "0.1.0"

__all__ = [
    "DyadError",
    "EventFilter",
    "ExtractSummary",
    "RunSummary",
    "Settings",
    "Store",
    "__version__",
    "actors",
    "busiest_dyad",
    "code_texts",
    "document",
    "dyad_series",
    "dyads",
    "explain",
    "extract",
    "find_events",
    "key_events",
    "network",
    "open_store",
    "run",
    "write_report",
]
