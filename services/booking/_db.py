"""Database plumbing shared by the booking services: either connection the app has, SQLSTATEs of the contract,
savepoints, and the store-day clock (minutes since the local midnight, Asia/Shanghai)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import psycopg
from sqlalchemy import Connection as SAConnection
from sqlalchemy.exc import DBAPIError

from services.network import CHINA

# A SQLAlchemy Connection (the app's db pool) or a plain psycopg one (tests, tools). SQL here uses psycopg's
# %(name)s placeholders, which both pass through unchanged.
Conn = psycopg.Connection | SAConnection


def execute(conn: Conn, sql: str, params: Mapping[str, Any] | None = None) -> Any:
    if isinstance(conn, psycopg.Connection):
        return conn.execute(sql, params)
    return conn.exec_driver_sql(sql, dict(params)) if params else conn.exec_driver_sql(sql)


@dataclass(frozen=True, slots=True)
class SqlError:
    sqlstate: str | None
    message: str
    hint: str | None
    detail: str | None


def sql_error(exc: BaseException) -> SqlError | None:
    """The contract's view of a database error (SQLSTATE, message, hint, detail), or None for other errors."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(orig, psycopg.Error):
        return None
    diag = orig.diag
    return SqlError(orig.sqlstate, diag.message_primary or str(orig), diag.message_hint, diag.message_detail)


DB_ERRORS = (psycopg.Error, DBAPIError)


@contextlib.contextmanager
def savepoint(conn: Conn, name: str = "booking_sp") -> Iterator[None]:
    """A savepoint in the caller's transaction: on error the connection is usable again and nothing of the block
    is left; the caller's earlier work in the transaction stays."""
    execute(conn, f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        execute(conn, f"ROLLBACK TO SAVEPOINT {name}")
        execute(conn, f"RELEASE SAVEPOINT {name}")
        raise
    execute(conn, f"RELEASE SAVEPOINT {name}")


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CHINA)


def to_minute(day: date, at: datetime) -> int:
    """Whole minutes of `at` since the local midnight of `day` (floor)."""
    return int((at - midnight(day)).total_seconds() // 60)


def to_minute_ceil(day: date, at: datetime) -> int:
    secs = (at - midnight(day)).total_seconds()
    return int(-(-secs // 60))


def at_minute(day: date, minute: int) -> datetime:
    return midnight(day) + timedelta(minutes=minute)


def clock_minutes(t: time) -> int:
    return t.hour * 60 + t.minute
