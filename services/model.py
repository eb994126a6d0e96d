"""The language of the app: frozen dataclasses, enums, domain events and domain errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class DomainError(Exception):
    """An error with one plain sentence for the user: what is wrong and what to do."""


class ConfigError(DomainError):
    """The deployment settings are wrong (settings file, URL, keyring)."""


class DatabaseUnavailable(DomainError):
    """The database cannot be reached or refused the connection."""


class TerminalWriteRejected(DomainError):
    """The database refused a terminal write; `code` is the contract's SQLSTATE (AS404, AS409, AS422, AS423)."""

    def __init__(self, message: str, code: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


@dataclass(frozen=True, slots=True)
class StoreChanged:
    """A notification from the database: something of `kind` changed at `store_id`."""

    store_id: int
    kind: str  # workorder, booking, stock, rating, complaint, online, ...
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Resync:
    """The listener reconnected: notifications may have been lost, so re-read everything."""

    received_at: datetime
