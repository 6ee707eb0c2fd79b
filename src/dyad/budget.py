"""A document's time budget (``settings.document_timeout_s``): one document never stops a run.

A document whose cleaning, parsing and coding take longer than the budget is stopped and
becomes a ``Skip`` with reason ``timeout``, whose detail says where it stood; the run goes on.
Two mechanisms, because neither is enough alone:

1. **Cooperative.** The pipeline charges each document the time spent on it (its cleaning and
   splitting, its share of the batch's parse, its coding) and checks the budget between stages
   and between sentences (``Budget.at``). This stops a document that is slow but progressing
   (thousands of sentences) cleanly, between two steps, and knows the stage and sentence.
2. **A hard backstop** for code stuck inside one step (a loop in the coder on one sentence,
   a regular expression backtracking for ever). ``Budget.running`` arms an alarm
   ``backstop_s`` after the deadline, late enough that the cooperative check usually comes
   first, which raises ``DocumentTimeout`` wherever the code is:

   - in a process's main thread (one-process runs, ``dyad extract``, the pool's workers),
     SIGALRM from ``signal.setitimer``: a signal also stops a sleep, and a match of Python's
     ``re`` backtracking for ever (not every C extension looks for signals: the ``regex``
     module that dateparser uses does not);
   - in any other thread (Dask runs tasks in worker threads, and signals only go to the main
     thread; or when the program has a SIGALRM handler of its own), a timer thread raises it
     in the document's thread with ``PyThreadState_SetAsyncExc``, at its next bytecode.

Code stuck in C that never comes back to Python is beyond both: the process pool's parent
(``dyad.engines.local``) ends such a worker from outside and codes the rest of its batch again.
A Dask task stuck that way, or a one-process run, waits until the C code returns.

``DocumentTimeout`` is a ``BaseException`` (see ``dyad.errors``) so that no ``except Exception``
in code it interrupts can swallow it.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from dyad.errors import DocumentTimeout
from dyad.types import Skip, SkipReason

STAGES = ("clean", "split", "parse", "code")  # in the order a document goes through them
# The hard backstop fires this share of the budget (at least a second) after the deadline:
# the cooperative check, which stops a document between two steps, should come first.
BACKSTOP_GRACE = 0.25
BACKSTOP_MIN_GRACE_S = 1.0
SNIPPET_CHARS = 80  # of the sentence a timed-out document stood at, in the skip's detail


def backstop_s(limit: float) -> float:
    """When the hard backstop fires, in seconds of a document's budget ``limit``."""
    return limit + max(BACKSTOP_MIN_GRACE_S, limit * BACKSTOP_GRACE)


class Alarm(Protocol):
    """Raises ``DocumentTimeout`` in the armed thread when its time is up, unless disarmed."""

    def arm(self, seconds: float) -> None: ...

    def disarm(self) -> bool:
        """Stop the alarm; True if it went off."""
        ...


class SignalAlarm:
    """SIGALRM, for a process's main thread. The previous handler is restored on disarm."""

    def __init__(self) -> None:
        self.armed = False
        self.fired = False
        self._previous: Callable[..., object] | int | None = None

    def arm(self, seconds: float) -> None:
        self.fired = False
        self._previous = signal.signal(signal.SIGALRM, self._ring)
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))

    def _ring(self, signum: int, frame: object) -> None:
        # A signal caught just as the alarm is disarmed must not go off after it.
        if self.armed:
            self.armed = False
            self.fired = True
            raise DocumentTimeout

    def disarm(self) -> bool:
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous)
        return self.fired


class ThreadAlarm:
    """A timer thread that raises ``DocumentTimeout`` in the thread that armed it."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()
        self.armed = False
        self.fired = False
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def arm(self, seconds: float) -> None:
        self.thread = threading.get_ident()
        self.fired = False
        self.armed = True
        self._timer = threading.Timer(seconds, self._ring)
        self._timer.daemon = True
        self._timer.start()

    def _ring(self) -> None:
        with self._lock:
            if self.armed:
                self.armed = False
                self.fired = True
                _raise_in(self.thread, DocumentTimeout)

    def disarm(self) -> bool:
        with self._lock:
            self.armed = False
            if self._timer is not None:
                self._timer.cancel()
            if self.fired:
                # Raised in the thread at its next bytecode: one not delivered yet must not go
                # off later, in code that is not the document's.
                _raise_in(self.thread, None)
        return self.fired


def _raise_in(thread: int, exc: type[BaseException] | None) -> None:
    # None clears an exception set and not delivered yet.
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), ctypes.py_object(exc) if exc is not None else None
    )


def alarm_for_this_thread() -> Alarm:
    """The hard backstop that works where this is called (see the module docstring)."""
    in_main = threading.get_ident() == threading.main_thread().ident
    if (
        in_main
        and hasattr(signal, "setitimer")
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN)
    ):
        return SignalAlarm()
    return ThreadAlarm()


Listener = Callable[[str, int], None]  # (stage, sentence index or -1): where a document is


class Budget:
    """The time one document may take, and where it stands.

    ``limit`` 0 means no limit: time is still measured (``elapsed``), for the run's report of
    its slowest document.
    """

    def __init__(
        self, limit: float, alarm: Alarm | None = None, listener: Listener | None = None
    ) -> None:
        self.limit = limit
        self.alarm = alarm if limit > 0 else None
        self.listener = listener
        self.spent = 0.0
        self.stage = STAGES[0]
        self.sentence = -1  # index in the document, -1 before it has sentences
        self.sentences = 0  # how many it has
        self.text = ""  # of that sentence
        self.interrupted = False  # stopped by the hard backstop, inside a step
        self._since: float | None = None

    def elapsed(self) -> float:
        running = time.monotonic() - self._since if self._since is not None else 0.0
        return self.spent + running

    def at(self, stage: str, sentence: int = -1, text: str = "") -> None:
        """Say where the document is; raise ``DocumentTimeout`` if its time is spent."""
        self.stage, self.sentence, self.text = stage, sentence, text
        if self.listener is not None:
            self.listener(stage, sentence)
        if self.limit > 0 and self.elapsed() > self.limit:
            raise DocumentTimeout

    def charge(self, seconds: float) -> None:
        """Add time spent on this document together with others (its share of a parse)."""
        self.spent += seconds

    @contextmanager
    def running(self) -> Iterator[None]:
        """Count the time spent inside as this document's, with the hard backstop armed."""
        self._since = time.monotonic()
        if self.alarm is not None:
            self.alarm.arm(backstop_s(self.limit) - self.spent)
        try:
            yield
        finally:
            if self.alarm is not None and self.alarm.disarm():
                self.interrupted = True
            self.spent += time.monotonic() - self._since
            self._since = None

    def where(self) -> str:
        """The stage and sentence the document stood at, in words."""
        if self.sentence < 0:
            return f"in {self.stage}"
        snippet = " ".join(self.text.split())
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[: SNIPPET_CHARS - 1] + "…"
        return f"in {self.stage} at sentence {self.sentence + 1} of {self.sentences}: {snippet!r}"

    def skip(self, origin: str, doc_id: str, raw_hash: str) -> Skip:
        """The document as a ``timeout`` skip."""
        how = "; interrupted inside that step" if self.interrupted else ""
        detail = (
            f"took more than document_timeout_s ({self.limit:g} s; stopped after "
            f"{self.elapsed():.1f} s) {self.where()}{how}"
        )
        return Skip(origin, SkipReason.TIMEOUT, detail, doc_id, raw_hash=raw_hash)
