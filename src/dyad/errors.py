"""dyad's exceptions, one tree::

    DyadError                   anything dyad raises on purpose
    ├── SettingsError           a bad setting or configuration file
    ├── DataFileError           a data file (actors, patterns, boilerplate) fails validation
    ├── InputError              an input that cannot become a document (recorded as a Skip)
    │   ├── UnreadableInput     the file or record cannot be read
    │   ├── MalformedInput      broken JSON, truncated archive, wrong field types
    │   └── TooLarge            bigger than ``settings.max_document_bytes``
    ├── StoreError              the DuckDB store cannot be opened or written
    ├── EngineError             a parallel engine failed (worker processes, the Dask cluster)
    ├── QueryError              a question the analysis cannot answer (unknown period, too many)
    └── GoldFormatError         an evaluation gold file is not in a known format

    DocumentTimeout             a document ran past ``settings.document_timeout_s``

Library code raises these; the CLI turns them into a message and an exit code. A failure inside
one document never stops a run: the pipeline records it as a ``Skip`` and goes on.

``DocumentTimeout`` is raised inside the pipeline only, and always becomes a ``timeout`` skip. It
derives from ``BaseException``, as ``KeyboardInterrupt`` does, because it can be raised at any
bytecode of the code it interrupts (``dyad.budget``): an ``except Exception`` there must not
swallow it.
"""

from __future__ import annotations


class DyadError(Exception):
    """Base class of every error dyad raises on purpose."""


class SettingsError(DyadError):
    pass


class DataFileError(DyadError):
    def __init__(self, path: str, where: str, problem: str) -> None:
        super().__init__(f"{path}: {where}: {problem}")
        self.path = path
        self.where = where
        self.problem = problem


class InputError(DyadError):
    pass


class UnreadableInput(InputError):
    pass


class MalformedInput(InputError):
    pass


class TooLarge(InputError):
    pass


class StoreError(DyadError):
    pass


class EngineError(DyadError):
    pass


class GoldFormatError(DyadError):
    pass


class QueryError(DyadError):
    pass


class DocumentTimeout(BaseException):
    """A document took longer than ``settings.document_timeout_s`` (raised without arguments:
    ``dyad.budget.Budget`` knows where the document stood)."""
