"""LISTEN/NOTIFY on its own thread and connection: notification → domain event → callback (any thread-safe sink).

Notifications are wake-up hints carrying ids only; they are lost while disconnected, so after every reconnect
the listener emits Resync and consumers re-read from the tables.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import psycopg

from services.model import Resync, StoreChanged

log = logging.getLogger(__name__)

CHANNEL = "aftersales"


def parse(payload: str) -> StoreChanged | None:
    """The payload is {"store": id, "kind": "..."}; anything else is ignored (and logged), never fatal."""
    try:
        data = json.loads(payload)
        return StoreChanged(store_id=int(data["store"]), kind=str(data["kind"]), received_at=_now())
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring a malformed notification payload: %.200s", payload)
        return None


def _now() -> datetime:
    return datetime.now(UTC)


class Listener:
    """Runs on its own daemon thread; call start() and stop(). `on_event` is called on the listener thread.
    `on_state(connected: bool, message: str)` reports connection changes."""

    def __init__(self, conninfo: str, on_event: Callable[[StoreChanged | Resync], None],
                 on_state: Callable[[bool, str], None] | None = None, *, poll_seconds: float = 0.5,
                 max_backoff: float = 10.0) -> None:
        self._conninfo = conninfo
        self._on_event = on_event
        self._on_state = on_state or (lambda connected, message: None)
        self._poll = poll_seconds
        self._max_backoff = max_backoff
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="db-listener", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:  # runs on the listener thread
        backoff = 0.5
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected.set()
                    self._on_state(True, "connected")
                    if not first:
                        self._on_event(Resync(received_at=_now()))
                    first = False
                    backoff = 0.5
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=self._poll):
                            event = parse(note.payload)
                            if event is not None:
                                self._on_event(event)
                        # notifies() returns quietly on a dead connection with no error; check it ourselves
                        if conn.closed or conn.broken:
                            raise psycopg.OperationalError("connection lost")
            except psycopg.Error as exc:
                self.connected.clear()
                if self._stop.is_set():
                    break
                log.warning("database listener disconnected: %s", str(exc).strip().splitlines()[0] if str(exc)
                            else type(exc).__name__)
                self._on_state(False, "disconnected")
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._max_backoff)
        self.connected.clear()
