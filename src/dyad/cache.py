"""A disk cache for what is slow to build from files and the same each time: the actor
dictionaries take about 1.7 s to parse and index, in every process that codes (each `dyad`
command, each worker of an engine); read back from the cache, about 0.2 s.

An entry is keyed by a hash of everything it is built from — the files' bytes, the code that
reads them, dyad's and Python's versions — so an edited file or an upgrade builds afresh and
nothing stale is read. The cache lives in ``$DYAD_CACHE_DIR``, else ``$XDG_CACHE_HOME/dyad``,
else ``~/.cache/dyad``; ``DYAD_CACHE_DIR=off`` turns it off. It is only ever a shortcut: a
cache that cannot be written or read (read-only home, a truncated file) means building again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from dyad import __version__

log = logging.getLogger(__name__)
T = TypeVar("T")
KEEP = 8  # entries kept per kind: enough for a few data folders side by side (tests, users)


def directory() -> Path | None:
    """Where the cache lives, or None when it is turned off."""
    chosen = os.environ.get("DYAD_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in {"", "off", "0", "no"} else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dyad"


def key(parts: Iterable[bytes]) -> str:
    """A hash of ``parts``, with dyad's and Python's versions (a pickle is only read back by
    the code that wrote it)."""
    h = hashlib.sha256(f"{__version__}|{sys.version}".encode())
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()[:32]


def cached(kind: str, parts: Iterable[bytes], build: Callable[[], T]) -> T:
    """``build()``, or what it returned before for the same ``parts``."""
    folder = directory()
    if folder is None:
        return build()
    path = folder / f"{kind}-{key(parts)}.pickle"
    try:
        with path.open("rb") as f:
            value: T = pickle.load(f)
        return value
    except FileNotFoundError:
        pass
    except Exception as e:  # a damaged entry is rebuilt, whatever unpickling raised
        log.warning("dyad cache: rebuilding %s (%s: %s)", path, type(e).__name__, e)
    value = build()
    _save(folder, kind, path, value)
    return value


def _save(folder: Path, kind: str, path: Path, value: Any) -> None:
    tmp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # written beside, then renamed: a process reading at the same time sees all or nothing
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{kind}-", delete=False) as f:
            tmp = f.name
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        entries = sorted(folder.glob(f"{kind}-*.pickle"), key=_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError as e:
        log.info("dyad cache: not written to %s (%s)", folder, e)
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
