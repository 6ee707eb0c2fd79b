"""A document's time budget: checked between steps, and a hard backstop that interrupts a step
that never returns, in the main thread (a signal) and in any other thread (as Dask runs tasks)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from dyad.budget import Budget, SignalAlarm, ThreadAlarm, alarm_for_this_thread, backstop_s
from dyad.errors import DocumentTimeout
from dyad.types import SkipReason


def _spin(seconds: float) -> None:
    """Pure Python that does not return for ``seconds``, as a loop in the coder would."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _in_thread(fn: Callable[[], Any]) -> Any:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    assert out, "the thread raised"
    return out[0]


def test_a_spent_budget_stops_the_document_at_its_next_step() -> None:
    budget = Budget(0.2)
    budget.sentences = 10
    with budget.running():
        budget.at("clean")
        time.sleep(0.3)
        with pytest.raises(DocumentTimeout):
            budget.at("code", 3, "Pakistan  summoned\nthe envoy.")
    skip = budget.skip("a.txt", "a", "h")
    assert skip.reason == SkipReason.TIMEOUT and skip.raw_hash == "h"
    assert "in code at sentence 4 of 10: 'Pakistan summoned the envoy.'" in skip.detail
    assert "interrupted" not in skip.detail


def test_only_time_spent_on_the_document_is_charged() -> None:
    budget = Budget(0.5)
    with budget.running():
        pass
    time.sleep(0.6)  # another document's turn
    budget.at("parse", 0)
    budget.charge(0.45)  # its share of a parse
    with budget.running():
        time.sleep(0.1)
        with pytest.raises(DocumentTimeout):
            budget.at("code", 0)


@pytest.mark.parametrize("where", ["main thread", "other thread"])
def test_the_backstop_interrupts_a_step_that_never_returns(where: str) -> None:
    def stuck() -> tuple[Budget, float, str]:
        budget = Budget(0.1, alarm_for_this_thread())
        began = time.monotonic()
        with pytest.raises(DocumentTimeout), budget.running():
            _spin(20)
        return budget, time.monotonic() - began, type(budget.alarm).__name__

    budget, took, alarm = stuck() if where == "main thread" else _in_thread(stuck)
    assert alarm == ("SignalAlarm" if where == "main thread" else "ThreadAlarm")
    assert budget.interrupted
    assert backstop_s(0.1) <= took < backstop_s(0.1) + 2
    assert "interrupted inside that step" in budget.skip("o", "d", "h").detail


@pytest.mark.parametrize("where", ["main thread", "other thread"])
def test_a_disarmed_backstop_never_goes_off_later(where: str) -> None:
    def quick() -> bool:
        budget = Budget(0.05, alarm_for_this_thread())
        with budget.running():
            pass
        _spin(backstop_s(0.05) + 0.5)  # past when it would have gone off
        return budget.interrupted

    assert not (quick() if where == "main thread" else _in_thread(quick))


def test_the_signal_alarm_gives_back_the_previous_handler() -> None:
    alarm = SignalAlarm()
    alarm.arm(10)
    assert signal.getsignal(signal.SIGALRM) != signal.SIG_DFL
    assert not alarm.disarm()
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_program_with_its_own_sigalrm_handler_keeps_it() -> None:
    previous = signal.signal(signal.SIGALRM, lambda *_: None)
    try:
        assert isinstance(alarm_for_this_thread(), ThreadAlarm)
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_no_limit_measures_time_and_never_stops() -> None:
    budget = Budget(0, alarm_for_this_thread())
    assert budget.alarm is None
    with budget.running():
        time.sleep(0.05)
        budget.at("code", 0)
    assert budget.elapsed() >= 0.05
