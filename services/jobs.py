"""Background jobs of a console on APScheduler 3 (a local in-memory timer on its own thread): the national
rebalancing every N minutes (each run claimed in PostgreSQL, so exactly one console runs it), alert evaluation each
minute and housekeeping each night. Never touches Qt: results go to `on_event`, called on the scheduler's thread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from services.db.engine import Database
from services.model import DomainError, RebalanceRunInfo
from services.rebalance.inputs import Params

log = logging.getLogger(__name__)

INTERVAL_KEY = "rebalance_interval_minutes"
DEFAULT_INTERVAL = 30
HOUSEKEEPING_AT = (3, 15)  # China time: after midnight's day is over, before stores open


@dataclass(frozen=True, slots=True)
class JobEvent:
    """What a job did, for the console's status line. kind: rebalance_done | rebalance_failed | rebalance_skipped |
    alerts | housekeeping | interval_changed | error."""

    kind: str
    message: str
    run: RebalanceRunInfo | None = None
    proposals: int = 0
    details: dict | None = None


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """One attempt at a slot: ran (with its run row) or skipped because another console had claimed it."""

    claimed: bool
    run: RebalanceRunInfo | None  # the run row (ours, or for a skip the last run, whoever ran it)
    request_ids: tuple[int, ...] = ()
    error: str | None = None


def floor_slot(now: datetime, minutes: int) -> datetime:
    """The scheduled moment `now` belongs to: the time floored to `minutes` (counted from midnight UTC, the same for
    every console)."""
    now = now.astimezone(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    step = max(1, int(minutes)) * 60
    elapsed = int((now - midnight).total_seconds()) // step * step
    return midnight + timedelta(seconds=elapsed)


_RUN_COLS = "id, slot, trigger, claimed_by, started_at, finished_at, status, proposals, seconds, message"


def _info(row: Any) -> RebalanceRunInfo | None:
    if row is None:
        return None
    return RebalanceRunInfo(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], int(row[7]),
                            float(row[8]) if row[8] is not None else None, row[9])


def last_run(conn: psycopg.Connection) -> RebalanceRunInfo | None:
    """The latest rebalancing run of any console (when, by whom, how it went)."""
    return _info(conn.execute(f"SELECT {_RUN_COLS} FROM rebalance.last_run()").fetchone())


def recent_runs(conn: psycopg.Connection, limit: int = 5) -> list[RebalanceRunInfo]:
    """The latest runs of any console, newest first, with the requests each one submitted by kind."""
    rows = conn.execute(f"SELECT {_RUN_COLS} FROM rebalance_run ORDER BY started_at DESC, id DESC LIMIT %s",
                        (limit,)).fetchall()
    return [r for r in map(_info, rows) if r is not None]


def requests_by_kind(conn: psycopg.Connection, run_id: int) -> dict[str, int]:
    """How many requests of each kind a run put into the inboxes (as far as the caller may see them)."""
    return {k: int(n) for k, n in conn.execute(
        "SELECT kind, count(*) FROM approvals.request_view WHERE run_id = %s GROUP BY kind", (run_id,)).fetchall()}


def get_run(conn: psycopg.Connection, run_id: int) -> RebalanceRunInfo | None:
    return _info(conn.execute(f"SELECT {_RUN_COLS} FROM rebalance_run WHERE id = %s", (run_id,)).fetchone())


def read_interval(conn: psycopg.Connection) -> int:
    """The shared interval in minutes (app_setting), the default when unset or unreadable."""
    row = conn.execute("SELECT value FROM app_setting WHERE key = %s", (INTERVAL_KEY,)).fetchone()
    try:
        value = int(row[0]) if row is not None else DEFAULT_INTERVAL
    except (TypeError, ValueError):
        return DEFAULT_INTERVAL
    return value if 5 <= value <= 1440 else DEFAULT_INTERVAL


def set_interval(conn: psycopg.Connection, minutes: int) -> int:
    """HQ changes the interval for every console (they pick it up within a minute). Commits."""
    try:
        value = conn.execute("SELECT rebalance.set_interval(%s)", (minutes,)).fetchone()[0]
    except psycopg.Error as exc:
        conn.rollback()
        if getattr(exc, "sqlstate", None) in ("AS403", "AS422"):
            raise DomainError(str(exc.diag.message_primary)) from exc
        raise
    conn.commit()
    return int(value)


def _national(conn: psycopg.Connection, days: int | Sequence[date] | None, params: Params | None) -> Any:
    from services.rebalance.proposals import national

    return national(conn, days, params)


def _submit(conn: psycopg.Connection, proposals: list, run_id: int, actor: str) -> list[int]:
    from services.approvals import submit

    return submit(conn, proposals, run_id, actor)


class Jobs:
    """A console's background jobs. `db` connects as the logged-in user (login `login`): the rebalancing and the
    alert evaluation run under it (through SECURITY DEFINER functions); `owner_db` (the owner's connection), when
    given, runs the nightly housekeeping, which needs the owner. `on_event(JobEvent)` is called on the scheduler's
    thread: hand it to something thread-safe (the EventBridge). start() / shutdown() / run_now() / last_run()."""

    def __init__(self, db: Database, login: str, *, on_event: Callable[[JobEvent], None] | None = None,
                 owner_db: Database | None = None, days: int | Sequence[date] | None = 1,
                 params: Params | None = None, rebalance: bool = True, alerts: bool = True,
                 housekeeping: bool = True,
                 compute: Callable[[psycopg.Connection, Any, Params | None], Any] | None = None,
                 submit: Callable[[psycopg.Connection, list, int, str], list[int]] | None = None) -> None:
        self.db = db
        self.login = login
        self.owner_db = owner_db
        self.on_event = on_event
        self.days = days
        self.params = params
        self.enabled = {"rebalance": rebalance, "alerts": alerts, "housekeeping": housekeeping and owner_db is not None}
        self._compute = compute or _national
        self._submit = submit or _submit
        self._scheduler: BackgroundScheduler | None = None
        self._interval = DEFAULT_INTERVAL
        self._lock = threading.Lock()

    # --- life cycle ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Read the interval and start the timer thread."""
        with self.db.connect() as conn:
            self._interval = read_interval(conn)
        sched = BackgroundScheduler(timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1,
                                                                  "misfire_grace_time": 120})
        if self.enabled["rebalance"]:
            sched.add_job(self._scheduled, self._rebalance_trigger(), id="rebalance", name="rebalance")
        # The minute job also notices a changed interval, so no console needs a restart for it.
        sched.add_job(self._minute, IntervalTrigger(minutes=1, timezone=UTC), id="minute", name="minute",
                      next_run_time=datetime.now(UTC) + timedelta(seconds=2))
        if self.enabled["housekeeping"]:
            sched.add_job(self._housekeeping, CronTrigger(hour=HOUSEKEEPING_AT[0], minute=HOUSEKEEPING_AT[1],
                                                          timezone="Asia/Shanghai"), id="housekeeping")
        self._scheduler = sched
        sched.start()

    def shutdown(self, wait: bool = True) -> None:
        """Stop the timer; with wait, until a running job has finished (ARCHITECTURE.md's shutdown order)."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=wait)
            self._scheduler = None

    @property
    def interval_minutes(self) -> int:
        return self._interval

    def _rebalance_trigger(self) -> IntervalTrigger:
        now = datetime.now(UTC)
        start = floor_slot(now, self._interval) + timedelta(minutes=self._interval, seconds=1)
        return IntervalTrigger(minutes=self._interval, start_date=start, timezone=UTC)

    def reload_settings(self) -> bool:
        """Re-read the interval; reschedule when it changed. Returns whether it changed."""
        with self.db.connect() as conn:
            minutes = read_interval(conn)
        if minutes == self._interval:
            return False
        self._interval = minutes
        if self._scheduler is not None and self.enabled["rebalance"]:
            self._scheduler.reschedule_job("rebalance", trigger=self._rebalance_trigger())
        self._emit(JobEvent("interval_changed", f"The rebalancing now runs every {minutes} minutes.",
                            details={"minutes": minutes}))
        return True

    # --- the jobs -----------------------------------------------------------------------------------------------

    def _emit(self, event: JobEvent) -> None:
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception:  # noqa: BLE001 - a broken sink must not stop the timer
                log.exception("job event sink failed")

    def _scheduled(self) -> None:
        self.run_slot(floor_slot(datetime.now(UTC), self._interval), "schedule")

    def _minute(self) -> None:
        try:
            self.reload_settings()
        except Exception as exc:  # noqa: BLE001
            log.warning("could not re-read the rebalancing interval: %s", exc)
        if self.enabled["alerts"]:
            try:
                from services.alerts import evaluate

                with self.db.connect() as conn:
                    res = evaluate(conn)
                self._emit(JobEvent("alerts", "Alerts evaluated.", details={
                    "raised": res.raised, "updated": res.updated, "resolved": res.resolved, "skipped": res.skipped}))
            except Exception as exc:  # noqa: BLE001
                log.warning("alert evaluation failed: %s", exc)
                self._emit(JobEvent("error", f"The alert evaluation failed: {exc}"))

    def _housekeeping(self) -> None:
        from services.housekeeping import run_housekeeping

        assert self.owner_db is not None
        try:
            with self.owner_db.engine.connect() as conn:
                res = run_housekeeping(conn)
            self._emit(JobEvent("housekeeping", "Housekeeping done.", details={
                "days_rolled_up": res.days_rolled_up, "jobs_archived": res.jobs_archived,
                "event_ids_forgotten": res.event_ids_forgotten}))
        except Exception as exc:  # noqa: BLE001
            log.warning("housekeeping failed: %s", exc)
            self._emit(JobEvent("error", f"Housekeeping failed: {exc}"))

    def run_now(self) -> None:
        """A manual run on the scheduler's thread, now (its own slot); the outcome arrives through on_event. Without
        a running scheduler it runs on the calling thread."""
        if self._scheduler is not None:
            self._scheduler.add_job(self.run_slot, args=(None, "manual"), id=f"manual-{time.time_ns()}")
        else:
            self.run_slot(None, "manual")

    def last_run(self) -> RebalanceRunInfo | None:
        with self.db.connect() as conn:
            return last_run(conn)

    def run_slot(self, slot: datetime | None, trigger: str = "schedule") -> RunOutcome:
        """Claim `slot` (None: a manual run now) and, if this console won it, run the rebalancing and hand its
        proposals to the approvals inboxes; the run row is then done (with the number of requests) or failed (with
        the reason). A console that lost the claim skips. Runs on the scheduler's thread (or any worker)."""
        with self._lock, self.db.connect() as conn:
            try:
                run_id = conn.execute("SELECT rebalance.claim_run(%s, %s, %s)",
                                      (slot, trigger, self.login)).fetchone()[0]
                conn.commit()
            except psycopg.Error as exc:
                conn.rollback()
                message = exc.diag.message_primary if getattr(exc, "sqlstate", "").startswith("AS") else str(exc)
                self._emit(JobEvent("error", message or str(exc), run=last_run(conn)))
                return RunOutcome(False, last_run(conn), error=message)
            if run_id is None:
                other = last_run(conn)
                by = conn.execute(f"SELECT {_RUN_COLS} FROM rebalance_run WHERE slot = %s", (slot,)).fetchone()
                run = _info(by) or other
                self._emit(JobEvent("rebalance_skipped", f"Another console ({run.claimed_by if run else '?'}) runs "
                                    "this rebalancing.", run=run))
                return RunOutcome(False, run)
            try:
                result = self._compute(conn, self.days, self.params)
                ids = self._submit(conn, list(result.proposals), run_id, self.login)
                summary = self._summary(result, ids)
                conn.execute("SELECT rebalance.finish_run(%s, 'done', %s, %s)", (run_id, len(ids), summary))
                conn.commit()  # the requests and the run's "done" together, or neither
            except Exception as exc:  # noqa: BLE001 - any failure is recorded on the run
                conn.rollback()
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                log.warning("rebalancing run %s failed: %s", run_id, message)
                conn.execute("SELECT rebalance.finish_run(%s, 'failed', 0, %s)", (run_id, message[:500]))
                conn.commit()
                run = get_run(conn, run_id)
                self._emit(JobEvent("rebalance_failed", f"The rebalancing failed: {message}", run=run))
                return RunOutcome(True, run, error=message)
            run = get_run(conn, run_id)
            self._emit(JobEvent("rebalance_done", summary, run=run, proposals=len(ids)))
            return RunOutcome(True, run, tuple(ids))

    @staticmethod
    def _summary(result: Any, ids: list[int]) -> str:
        counts = {k: result.count(k) for k in ("technician_loan", "referral", "parts")}
        return (f"{len(ids)} requests submitted ({counts['technician_loan']} loans, {counts['referral']} referrals, "
                f"{counts['parts']} parts transfers proposed); overloaded store-days {result.overloaded_before} → "
                f"{result.overloaded_after}.")
