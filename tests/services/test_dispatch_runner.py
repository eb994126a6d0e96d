"""The solver in a warm worker process: results, reuse, cancellation, crash and timeout errors."""

from __future__ import annotations

import contextlib
import os
import signal
import time

import pytest

from services.dispatch import scenarios as S
from services.dispatch.greedy import check_plan, greedy_plan
from services.dispatch.runner import SolveHandle, SolverBusy, SolverFailed


@pytest.fixture
def handle():
    h = SolveHandle()
    yield h
    h.shutdown()


def test_solve_in_a_worker_and_reuse_it(handle):
    p = S.busy_day(30, 2)
    handle.start(p, 0.5)
    with pytest.raises(SolverBusy):
        handle.start(p, 0.5)
    plan = handle.result()
    assert handle.done() and check_plan(p, plan) == []
    assert plan.objective <= greedy_plan(p).objective + 1e-9
    pid = handle.worker_pid
    q = S.scarce_skill_day(30, 2)
    handle.start(q, 0.3)
    assert check_plan(q, handle.result()) == [] and handle.worker_pid == pid  # the same warm process


def test_cancel_returns_quickly_with_a_valid_plan(handle):
    p = S.busy_day(80, 3)
    handle.start(p, 0.2)  # warm the worker up first
    handle.result()
    handle.start(p, 60.0)
    time.sleep(0.5)
    t = time.perf_counter()
    handle.cancel()
    plan = handle.result(timeout=10)
    assert time.perf_counter() - t < 3.0
    assert plan.status == "cancelled" and check_plan(p, plan) == []


def test_a_crashed_worker_gives_a_clear_error_and_is_replaced(handle):
    p = S.busy_day(80, 3)
    handle.start(p, 30.0)
    time.sleep(1.0)
    os.kill(handle.worker_pid, signal.SIGKILL)
    with pytest.raises(SolverFailed, match="stopped unexpectedly"):
        handle.result(timeout=10)
    handle.start(S.busy_day(30, 1), 0.3)
    assert check_plan(S.busy_day(30, 1), handle.result()) == []


def test_a_stuck_worker_times_out_with_a_clear_error(handle):
    p = S.busy_day(30, 2)
    handle.start(p, 0.3)
    handle.result()
    pid = handle.worker_pid
    os.kill(pid, signal.SIGSTOP)  # frozen: it will never answer
    try:
        handle.start(p, 0.2)
        with pytest.raises(SolverFailed, match="not finished within"):
            handle.result(timeout=0.5)
        handle._deadline = time.monotonic() + 0.5  # the grace period, shortened for the test
        with pytest.raises(SolverFailed, match="did not answer in time"):
            handle.result()
        assert handle.worker_pid is None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)
