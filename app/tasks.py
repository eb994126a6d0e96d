"""TaskRunner: runs service calls on a thread pool and delivers results on the GUI thread by signals."""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, task_id: int, fn: Callable[..., Any], args: tuple) -> None:
        super().__init__()
        self._runner, self._id, self._fn, self._args = runner, task_id, fn, args

    def run(self) -> None:  # runs on a pool thread
        try:
            result = self._fn(*self._args)
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the GUI, never lost
            log.debug("task %s failed:\n%s", self._id, traceback.format_exc())
            self._runner.sig_failed.emit(self._id, exc)
        else:
            self._runner.sig_done.emit(self._id, result)


class TaskRunner(QObject):
    """submit(fn, *args, on_done=..., on_error=...) runs fn off the GUI thread; callbacks run on the GUI thread.
    The signal object is the runner itself (long-lived, GUI thread), never the auto-deleted QRunnable."""

    sig_done = Signal(int, object)
    sig_failed = Signal(int, object)

    def __init__(self, max_threads: int = 4, synchronous: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._sync = synchronous
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None]] = {}
        self._closed = False
        self.sig_done.connect(self._on_done)
        self.sig_failed.connect(self._on_failed)

    def submit(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[Exception], None] | None = None) -> int:
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error)
        job = _Job(self, task_id, fn, args)
        if self._sync:
            job.run()
        else:
            self._pool.start(job)
        return task_id

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)

    def close(self) -> None:
        """At shutdown: results still on their way to the GUI thread are dropped (their windows are gone)."""
        self._closed = True
        self._callbacks.clear()

    @Slot(int, object)
    def _on_done(self, task_id: int, result: object) -> None:
        if self._closed:
            return
        on_done, _ = self._callbacks.pop(task_id, (None, None))
        if on_done is not None:
            on_done(result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, exc: object) -> None:
        if self._closed:
            return
        _, on_error = self._callbacks.pop(task_id, (None, None))
        if on_error is not None:
            on_error(exc)  # type: ignore[arg-type]
        else:
            log.error("background task failed: %s", exc)
