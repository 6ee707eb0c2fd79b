"""The pipeline on this machine's cores: batches coded by worker processes, results in input order.

``Pipeline.process`` hands its batches here when a run has more than one process and enough
batches. Each worker is a spawned process that builds a ``Pipeline`` once and codes whole
batches with ``Pipeline.code_batch``; the results come back in input order, so dedup, in the
main process, decides as a single process would.

Why not ``multiprocessing.Pool``: its ``imap`` cannot end one task. A worker stuck in C code
that never returns to Python (out of reach of the in-process backstop, ``dyad.budget``), or a
worker that died (the OOM killer, a crash in a C extension), left the whole run waiting for
ever. Here:

- a worker writes where it stands (document of its batch, stage, sentence, a step count) into a
  small shared array at every step of a document; the parent ends a worker that has not moved
  for ``stuck_after_s`` (twice the document budget and 5 s: well after the worker's own
  backstop) and starts another in its place;
- the document a worker was ended on becomes a skip, ``timeout`` (or ``failed`` if the worker
  died by itself), and the rest of its batch is coded again, by whichever worker is free, with
  the batches that were queued to it: the parent keeps each batch until its results arrive, so
  nothing is lost, and a batch's results are taken once, so nothing is doubled;
- a worker holds at most ``QUEUED`` batches (one coding, one waiting), sent by a thread of the
  parent, so the parent never blocks on a worker that is not reading;
- workers are spawned, not forked: a worker forked late in a run would start with a copy of
  everything the main process holds by then (the store's buffers), which measured 378 -> 726 MB
  a worker at about 45,000 documents. A worker is replaced after ``WORKER_BATCHES`` batches:
  spaCy's string store and caches grow with every new word, and a long run must not grow with
  them.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from dyad.budget import STAGES
from dyad.errors import DyadError, EngineError
from dyad.pipeline import Coded, Pipeline, raw_hash_of
from dyad.settings import Settings
from dyad.stages.nlp import share_cores
from dyad.types import RawDocument, Skip, SkipReason

Batch = list[RawDocument | Skip]

WORKER_BATCHES = 100  # batches a worker process codes before a fresh one replaces it
QUEUED = 2  # batches given to a worker at a time: it starts the next as soon as one is done
# A worker that has not moved for STUCK_FACTOR times the document budget plus STUCK_MARGIN_S is
# ended: its own backstop fires at 1.25 times the budget, so this is code stuck in C.
STUCK_FACTOR = 2.0
STUCK_MARGIN_S = 5.0
POLL_S = 0.5  # how often the parent looks at its workers while it waits for results
# A worker that dies outside any document (on start, between batches) leaves no document to
# blame: after this many such deaths in a run, the run stops instead of starting workers for ever.
MAX_UNEXPLAINED_DEATHS = 3
_NOWHERE = -1.0  # the document index a worker writes when it is not inside a document
_NUMBERS = itertools.count(1)  # of worker processes, for their names


def code_in_workers(
    batches: Iterable[Batch], settings: Settings, strict: bool
) -> Iterator[Coded | Skip]:
    """Code ``batches`` on ``settings.processes`` worker processes; the items come back in
    input order."""
    pool = WorkerPool(settings, strict)
    try:
        for coded in pool.imap(batches):
            yield from coded
        pool.close(finished=True)
    finally:
        pool.close(finished=False)


class _Worker:
    """One worker process, seen from the parent."""

    def __init__(self, ctx: Any, settings: Settings, strict: bool) -> None:
        reader, self.tasks = ctx.Pipe(duplex=False)
        self.results, writer = ctx.Pipe(duplex=False)
        self.state = ctx.Array("d", [_NOWHERE, 0, -1, 0], lock=False)
        self.process = ctx.Process(
            target=_serve,
            args=(reader, writer, self.state, settings, strict),
            name=f"dyad-worker-{next(_NUMBERS)}",
            daemon=True,
        )
        self.process.start()
        # Only the worker holds these ends now: when it dies, reads and writes here fail.
        reader.close()
        writer.close()
        self.outbox: queue.SimpleQueue[tuple[int, Batch] | None] = queue.SimpleQueue()
        threading.Thread(target=self._send, daemon=True).start()
        self.queued: deque[int] = deque()  # batches sent, in the order the worker codes them
        self.given = 0  # batches over its life
        self.seen: tuple[float, ...] = ()  # where it last stood, and since when (our clock)
        self.since = time.monotonic()

    def _send(self) -> None:
        # This thread alone uses and closes ``tasks``: closed under a send in progress, its file
        # descriptor could be reused by the next worker's pipe.
        try:
            while True:
                task = self.outbox.get()
                self.tasks.send(task)
                if task is None:
                    return
        except OSError:  # the worker is gone; the parent gives its batches to others
            return
        finally:
            self.tasks.close()

    def give(self, seq: int, batch: Batch) -> None:
        self.queued.append(seq)
        self.given += 1
        self.outbox.put((seq, batch))

    def can_take(self) -> bool:
        return len(self.queued) < QUEUED and self.given < WORKER_BATCHES

    def stands(self) -> tuple[int, str, int]:
        """The document of its current batch it is on (-1 if none), the stage, the sentence."""
        n, stage, sentence, _ = self.state[:]
        return int(n), STAGES[int(stage)], int(sentence)

    def stuck_for(self) -> float:
        """How long it has stood on one step of a document (0 if it is not in one)."""
        now = time.monotonic()
        snapshot = tuple(self.state[:])
        if snapshot != self.seen:
            self.seen, self.since = snapshot, now
        return now - self.since if self.queued and snapshot[0] != _NOWHERE else 0.0

    def stop(self) -> None:
        """Tell it to exit once it has coded what it was given."""
        self.outbox.put(None)

    def end(self) -> None:
        """Kill it (if it is still alive) and let go of it."""
        self.process.kill()
        self.process.join()
        self.outbox.put(None)
        self.results.close()


class WorkerPool:
    """Worker processes coding batches, watched; see the module docstring."""

    def __init__(self, settings: Settings, strict: bool) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.settings = settings
        self.strict = strict
        limit = settings.document_timeout_s
        self.stuck_after_s = STUCK_FACTOR * limit + STUCK_MARGIN_S if limit > 0 else None
        self.workers: list[_Worker] = []
        self.retired: list[_Worker] = []
        self.unexplained_deaths = 0

    def _start(self) -> _Worker:
        return _Worker(self.ctx, self.settings, self.strict)

    def imap(self, batches: Iterable[Batch]) -> Iterator[list[Coded | Skip]]:
        """The coded batches, in the order given."""
        source = enumerate(batches)
        pending: dict[int, Batch] = {}  # given to a worker, results not back yet
        again: list[int] = []  # batches to give again (their worker was lost), first
        done: dict[int, list[Coded | Skip]] = {}
        out = 0
        exhausted = False
        self.workers = [self._start() for _ in range(self.settings.processes)]
        while True:
            for i, w in enumerate(self.workers):
                if w.given >= WORKER_BATCHES and not w.queued:
                    w.stop()
                    w.results.close()
                    self.retired.append(w)
                    self.workers[i] = w = self._start()
                while w.can_take() and (again or not exhausted):
                    if again:
                        seq = again.pop(0)
                    else:
                        nxt = next(source, None)
                        if nxt is None:
                            exhausted = True
                            break
                        seq, pending[seq] = nxt
                    w.give(seq, pending[seq])
            while out in done:
                yield done.pop(out)
                out += 1
            if exhausted and not pending:
                return
            self._wait(pending, again, done)

    def _wait(self, pending: dict[int, Batch], again: list[int], done: dict[int, Any]) -> None:
        """Wait for results (or a dead worker) for up to POLL_S, then end stuck workers."""
        by_handle: dict[Any, _Worker] = {}
        for w in self.workers:
            by_handle[w.results] = by_handle[w.process.sentinel] = w
        ready = wait(list(by_handle), timeout=POLL_S)
        # Results first: a worker may have sent its last before it died.
        for handle in sorted(ready, key=lambda h: not isinstance(h, Connection)):
            w = by_handle[handle]
            if w not in self.workers:
                continue  # already replaced on another of its handles
            if isinstance(handle, Connection):
                try:
                    kind, seq, value = handle.recv()
                except (EOFError, OSError):
                    self._lost(w, pending, again, stuck=False)
                    continue
                if kind == "error":
                    raise value
                w.queued.remove(seq)
                done[seq] = value
                del pending[seq]
            elif not w.process.is_alive():
                self._lost(w, pending, again, stuck=False)
        if self.stuck_after_s is not None:
            for w in list(self.workers):
                if w.stuck_for() > self.stuck_after_s:
                    self._lost(w, pending, again, stuck=True)

    def _lost(self, w: _Worker, pending: dict[int, Batch], again: list[int], stuck: bool) -> None:
        """End ``w`` and start another; the document it stood on becomes a skip, its batches
        are given again."""
        n, stage, sentence = w.stands()
        seconds = time.monotonic() - w.since
        w.end()
        code = w.process.exitcode
        self.workers[self.workers.index(w)] = self._start()
        seqs = list(w.queued)
        w.queued.clear()
        if not seqs:
            return
        at = f"in {stage}" + (f" at sentence {sentence + 1}" if sentence >= 0 else "")
        batch = pending[seqs[0]]
        raw = batch[n] if 0 <= n < len(batch) else None
        if isinstance(raw, RawDocument):
            if stuck:
                limit = self.settings.document_timeout_s
                skip = Skip(
                    raw.origin,
                    SkipReason.TIMEOUT,
                    f"took more than document_timeout_s ({limit:g} s): its worker process stood "
                    f"{at} for {seconds:.0f} s and was ended",
                    raw.doc_id,
                    raw_hash=raw_hash_of(raw),
                )
            else:
                skip = Skip(
                    raw.origin,
                    SkipReason.FAILED,
                    f"its worker process died (exit code {code}) {at}",
                    raw.doc_id,
                )
            pending[seqs[0]] = [*batch[:n], skip, *batch[n + 1 :]]
        else:
            self.unexplained_deaths += 1
            if self.unexplained_deaths > MAX_UNEXPLAINED_DEATHS:
                raise EngineError(
                    f"worker processes keep dying outside any document (last exit code {code})"
                )
        again[:] = sorted({*again, *seqs})

    def close(self, finished: bool) -> None:
        """Stop the workers: let them exit when the run is done, else end them now."""
        for w in self.workers:
            if finished:
                w.stop()
            else:
                w.process.terminate()
        for w in self.workers:
            w.process.join(timeout=30)
            w.end()
        for w in self.retired:
            w.process.join(timeout=30)
            w.end()
        self.workers, self.retired = [], []


# -- in the worker process -------------------------------------------------------------------


def _serve(
    tasks: Connection, results: Connection, state: Any, settings: Settings, strict: bool
) -> None:
    """A worker's life: build the pipeline, then code each batch it is sent until told to stop
    (or until the parent is gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it ends the workers

    def watch(n: int, stage: str, sentence: int) -> None:
        state[3] += 1
        state[0], state[1], state[2] = n, STAGES.index(stage), sentence

    try:
        share_cores(settings.processes)
        pipe = Pipeline(settings.replace(n_process=1), strict=strict)
        pipe.watch = watch
        pipe.load()
    except Exception as e:  # no model, a bad dictionary: the parent says so and stops
        _reply(results, ("error", -1, e))
        return
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if task is None:
            return
        seq, batch = task
        try:
            reply: tuple[str, int, Any] = ("done", seq, pipe.code_batch(batch))
        except Exception as e:  # strict, or a bug outside any one document: the parent raises it
            reply = ("error", seq, e)
        state[0] = _NOWHERE
        if not _reply(results, reply):
            return


def _reply(results: Connection, reply: tuple[str, int, Any]) -> bool:
    """Send to the parent; False if it is gone."""
    try:
        results.send(reply)
    except (EOFError, OSError):
        return False
    except Exception as e:  # it does not pickle (an exception of a C extension): say so in words
        kind, seq, value = reply
        what = value if kind == "error" else e
        with contextlib.suppress(OSError):
            results.send(("error", seq, DyadError(f"{type(what).__name__}: {what}")))
    return True
