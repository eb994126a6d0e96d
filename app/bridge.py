"""EventBridge: typed Qt signals for domain events; publish() is safe from any thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from services.model import Resync, StoreChanged


class EventBridge(QObject):
    sig_store_changed = Signal(int, str)  # store id, kind of change
    sig_resync = Signal()  # notifications may have been lost: re-read everything
    sig_connection_changed = Signal(bool, str)  # connected?, plain message
    sig_progress = Signal(float, str)  # long work: fraction 0..1, what is happening
    sig_job_event = Signal(object)  # services.jobs.JobEvent: a background job ran (rebalancing, alerts, ...)

    def publish(self, event: StoreChanged | Resync) -> None:
        """Called on the listener thread; Qt queues the emission to the receivers' (GUI) thread."""
        if isinstance(event, StoreChanged):
            self.sig_store_changed.emit(event.store_id, event.kind)
        else:
            self.sig_resync.emit()

    def publish_connection(self, connected: bool, message: str) -> None:
        self.sig_connection_changed.emit(connected, message)

    def publish_progress(self, fraction: float, message: str) -> None:
        self.sig_progress.emit(fraction, message)

    def publish_job(self, event: object) -> None:
        """Called on the scheduler's thread."""
        self.sig_job_event.emit(event)
