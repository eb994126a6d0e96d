"""Solving off the GUI process: a warm worker process (spawn context) reused between solves, cancellable.

The app wraps a SolveHandle in its own thread or timer; nothing here knows Qt. One solve at a time per
handle. A worker that dies or stops answering is replaced on the next start, with a clear error meanwhile.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import time
from typing import Any

from services.model import DomainError

from .model import DispatchProblem, Plan

GRACE_SECONDS = 10.0  # beyond the time limit before a silent worker counts as stuck


class SolverFailed(DomainError):
    """The solver process crashed, stopped answering or raised; the plan in force is kept."""


class SolverBusy(DomainError):
    """A solve is already running on this handle."""


class _Flag:
    """A lock-free cancel flag shared with the worker (an Event's lock could be left held by a killed child)."""

    def __init__(self, value) -> None:
        self.value = value

    def is_set(self) -> bool:
        return bool(self.value.value)

    def wait(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while not self.value.value:
            if time.monotonic() >= end:
                return False
            time.sleep(min(0.01, max(0.0, end - time.monotonic())))
        return True


def _worker(conn, flag) -> None:
    """The child's loop: receive (problem, time_limit, hint, options), answer ("ok", plan) or ("error", text)."""
    with contextlib.suppress(OSError):
        os.nice(5)  # the window's process keeps priority
    from .cpsat import solve

    cancel = _Flag(flag)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        problem, time_limit, hint, options = msg
        try:
            plan = solve(problem, time_limit, hint=hint, cancel=cancel, **options)
            conn.send(("ok", plan))
        except Exception as exc:  # the parent turns it into one clear sentence
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class SolveHandle:
    """start(problem, time_limit, hint) → done() / result(timeout) / cancel(); shutdown() when finished."""

    def __init__(self, method: str = "spawn") -> None:
        if method == "fork":
            raise ValueError("Use 'spawn' or 'forkserver': the parent may have Qt threads.")
        self._ctx = mp.get_context(method)
        self._cancel = self._ctx.RawValue("b", 0)
        self._proc = None
        self._conn = None
        self._pending = False
        self._deadline = 0.0
        self._answer: tuple[str, Any] | None = None

    # -- worker life

    def _ensure_worker(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            return
        self._drop_worker()
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(target=_worker, args=(child, self._cancel), name="dispatch-solver",
                                       daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent

    def _drop_worker(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(timeout=5)
            self._proc = None

    @property
    def worker_pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def shutdown(self) -> None:
        """Stop a running solve and the worker process."""
        self._cancel.value = 1
        if self._conn is not None and self._proc is not None and self._proc.is_alive():
            try:
                if self._pending:
                    self._conn.poll(2.0)
                self._conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            self._proc.join(timeout=3)
        self._drop_worker()
        self._pending = False

    def __enter__(self) -> SolveHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()

    # -- one solve

    def start(self, problem: DispatchProblem, time_limit: float, hint: Plan | None = None, **options) -> None:
        """Begin a solve in the worker (started on first use, reused afterwards). Options go to cpsat.solve."""
        if self._pending and not self.done():
            raise SolverBusy("A dispatch solve is already running; cancel it or wait for its plan first.")
        self._ensure_worker()
        self._cancel.value = 0
        self._answer = None
        self._conn.send((problem, time_limit, hint, options))
        self._pending = True
        self._deadline = time.monotonic() + time_limit + GRACE_SECONDS

    def cancel(self) -> None:
        """Ask the solver to stop now; result() then returns the best plan found so far."""
        self._cancel.value = 1

    def _receive(self, wait: float) -> bool:
        if self._answer is not None:
            return True
        if self._conn is None:
            return False
        try:
            if not self._conn.poll(max(0.0, wait)):
                return False
            self._answer = self._conn.recv()
        except (EOFError, OSError):
            code = self._proc.exitcode if self._proc is not None else None
            self._answer = ("crash", code)
        return True

    def done(self) -> bool:
        return not self._pending or self._receive(0.0)

    def result(self, timeout: float | None = None) -> Plan:
        """The plan of the solve started last. timeout=None waits up to the time limit plus a grace period,
        after which the stuck worker is stopped; an explicit timeout that runs out leaves the solve running.
        Raises SolverFailed with one clear sentence when the worker crashed, got stuck or raised."""
        if not self._pending and self._answer is None:
            raise SolverFailed("No dispatch solve was started; start one first.")
        wait = (self._deadline - time.monotonic()) if timeout is None else timeout
        if not self._receive(wait):
            if timeout is not None:
                raise SolverFailed(f"The dispatch solver has not finished within {timeout:g} s; wait longer or "
                                   "cancel it.")
            self._drop_worker()
            self._pending = False
            raise SolverFailed("The dispatch solver did not answer in time and was stopped; the plan in force "
                               "is kept. Try again.")
        self._pending = False
        kind, payload = self._answer
        if kind == "ok":
            return payload
        if kind == "crash":
            self._drop_worker()
            raise SolverFailed(f"The dispatch solver process stopped unexpectedly (exit code {payload}); the plan "
                               "in force is kept. Try again.")
        raise SolverFailed(f"The dispatch solver failed ({payload}); the plan in force is kept.")
