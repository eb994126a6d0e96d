"""Daily housekeeping of the shared database: roll up finished days, archive finished jobs, forget old event ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import Connection, text

from services.network import CHINA, china_today, ensure_rollup

# Terminals may not write events older than 7 days (terminal._check_time), so their ids are needed for a week.
LEDGER_DAYS = 8


@dataclass(frozen=True, slots=True)
class HousekeepingResult:
    days_rolled_up: int
    jobs_archived: int
    event_ids_forgotten: int


def run_housekeeping(conn: Connection) -> HousekeepingResult:
    """Idempotent; safe to run from several consoles at once. Runs on a worker thread. Commits."""
    rolled = ensure_rollup(conn)
    start_of_today = datetime.combine(china_today(), time(0, 0), tzinfo=CHINA)
    archived = conn.execute(text("SELECT archive_jobs(:t)"), {"t": start_of_today}).scalar_one()
    forgotten = conn.execute(text(
        "DELETE FROM terminal.event_ledger WHERE received_at < now() - make_interval(days => :d)"),
        {"d": LEDGER_DAYS}).rowcount
    conn.commit()
    return HousekeepingResult(rolled, int(archived), int(forgotten))
