"""Background jobs: the rebalancing run claimed in PostgreSQL by exactly one of several consoles, manual runs,
failed runs, the shared interval, the scheduler's life cycle."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from services.jobs import Jobs, floor_slot, last_run, read_interval, set_interval
from services.model import DomainError
from tests.services.test_rebalance import make_toy


@pytest.fixture(scope="module")
def toy(database):
    """An overloaded store next to an idle one, committed (each console reads it on its own connection)."""
    with database.connect() as c:
        ids = make_toy(c, "J", lat=33.0)
        c.commit()
    return ids


def _slot(minutes_ago: int) -> datetime:
    # Slots far in the past so they never meet a real schedule's slot.
    return datetime(2001, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes_ago)


def test_floor_slot_is_the_same_moment_for_every_console():
    t = datetime(2026, 11, 26, 10, 47, 13, tzinfo=UTC)
    assert floor_slot(t, 30) == datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
    assert floor_slot(t + timedelta(minutes=12), 30) == datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
    assert floor_slot(t, 15) == datetime(2026, 11, 26, 10, 45, tzinfo=UTC)


def test_two_consoles_racing_for_a_slot_run_it_once(database, toy):
    slot = _slot(1)
    consoles = [Jobs(database, f"console{n}", days=[toy["day"]]) for n in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def race(n: int) -> None:
        barrier.wait()
        outcomes[n] = consoles[n].run_slot(slot, "schedule")

    threads = [threading.Thread(target=race, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    winners = [o for o in outcomes if o.claimed]
    losers = [o for o in outcomes if not o.claimed]
    assert len(winners) == 1 and len(losers) == 1
    win = winners[0]
    assert win.run.status == "done" and win.run.proposals == len(win.request_ids) >= 1
    assert losers[0].run.run_id == win.run.run_id  # the loser sees who ran it
    with database.connect() as c:
        rows = c.execute("SELECT id, claimed_by, status FROM rebalance_run WHERE slot = %s", (slot,)).fetchall()
        assert len(rows) == 1 and rows[0][1] == win.run.claimed_by
        per_run = c.execute("SELECT run_id, count(*) FROM transfer_request WHERE run_id IS NOT NULL "
                            "AND (from_store_id = ANY(%(s)s) OR to_store_id = ANY(%(s)s)) GROUP BY 1",
                            {"s": [toy["A"], toy["B"]]}).fetchall()
        assert per_run == [(win.run.run_id, win.run.proposals)]  # one set of proposals
        kinds = {r[0] for r in c.execute("SELECT kind FROM transfer_request WHERE run_id = %s",
                                         (win.run.run_id,)).fetchall()}
        assert "technician_loan" in kinds
    # the next slot: the same move is already pending, so nothing is proposed twice
    again = consoles[0].run_slot(_slot(2), "schedule")
    assert again.claimed and again.run.status == "done"
    with database.connect() as c:
        n = c.execute("SELECT count(*) FROM transfer_request WHERE kind = 'technician_loan' AND to_store_id = %s "
                      "AND status = 'pending'", (toy["A"],)).fetchone()[0]
    assert n == 1


def test_a_manual_run_gets_its_own_slot_now(database, toy):
    events = []
    jobs = Jobs(database, "manual.user", days=[toy["day"]], on_event=events.append)
    before = datetime.now(UTC)
    jobs.run_now()  # no scheduler running: on this thread
    run = jobs.last_run()
    assert run.trigger == "manual" and run.claimed_by == "manual.user" and run.status == "done"
    assert run.slot >= before - timedelta(seconds=5)
    assert events and events[-1].kind == "rebalance_done" and events[-1].run.run_id == run.run_id


def test_a_failing_run_is_marked_failed_with_its_message(database, toy):
    def broken(conn, days, params):
        raise RuntimeError("the solver exploded")

    events = []
    jobs = Jobs(database, "unlucky", days=[toy["day"]], compute=broken, on_event=events.append)
    out = jobs.run_slot(_slot(3), "schedule")
    assert out.claimed and out.run.status == "failed" and "the solver exploded" in out.run.message
    assert out.run.finished_at is not None and events[-1].kind == "rebalance_failed"
    with database.connect() as c:
        assert c.execute("SELECT count(*) FROM transfer_request WHERE run_id = %s",
                         (out.run.run_id,)).fetchone()[0] == 0
        assert last_run(c).run_id == out.run.run_id


def test_a_failing_submit_leaves_no_half_run(database, toy):
    def submit_then_fail(conn, proposals, run_id, actor):
        from services.approvals import submit

        submit(conn, proposals, run_id, actor)
        raise RuntimeError("connection lost after the submit")

    with database.connect() as c:
        c.execute("UPDATE transfer_request SET status = 'cancelled' WHERE status = 'pending' "
                  "AND (from_store_id = ANY(%(s)s) OR to_store_id = ANY(%(s)s))", {"s": [toy["A"], toy["B"]]})
        c.commit()
    out = Jobs(database, "halfway", days=[toy["day"]], submit=submit_then_fail).run_slot(_slot(4), "schedule")
    assert out.run.status == "failed"
    with database.connect() as c:
        assert c.execute("SELECT count(*) FROM transfer_request WHERE run_id = %s",
                         (out.run.run_id,)).fetchone()[0] == 0


def test_manual_run_is_refused_while_another_runs(database):
    with database.connect() as c:
        rid = c.execute("SELECT rebalance.claim_run(%s, 'schedule', 'busy.console')", (_slot(5),)).fetchone()[0]
        c.commit()
        try:
            out = Jobs(database, "impatient").run_slot(None, "manual")
            assert not out.claimed and "still running" in out.error and "busy.console" in out.error
        finally:
            c.execute("SELECT rebalance.finish_run(%s, 'done', 0)", (rid,))
            c.commit()


def test_interval_setting_is_shared_and_checked(conn):
    assert read_interval(conn) == 30
    assert set_interval(conn, 15) == 15
    assert read_interval(conn) == 15
    with pytest.raises(DomainError, match="between 5 and 1440"):
        set_interval(conn, 2)
    set_interval(conn, 30)


def test_scheduler_starts_reschedules_on_a_new_interval_and_stops(database):
    events = []
    jobs = Jobs(database, "timer", on_event=events.append, alerts=False)
    jobs.start()
    try:
        assert jobs.interval_minutes == read_interval_db(database)
        with database.connect() as c:
            set_interval(c, 10)
        assert jobs.reload_settings() is True and jobs.interval_minutes == 10
        assert any(e.kind == "interval_changed" for e in events)
        job = jobs._scheduler.get_job("rebalance")
        assert job.trigger.interval == timedelta(minutes=10)
        assert job.next_run_time.minute % 10 == 0
    finally:
        with database.connect() as c:
            set_interval(c, 30)
        jobs.shutdown()
    assert jobs._scheduler is None
    assert not [t for t in threading.enumerate() if "APScheduler" in t.name]


def read_interval_db(database) -> int:
    with database.connect() as c:
        return read_interval(c)


def test_the_minute_job_evaluates_alerts_under_a_console_users_login(demo_db):
    """The console's timer runs as the logged-in user (not the owner): the alert rules must run under that role."""
    from services.users import as_user, list_users

    db, _ = demo_db
    with db.connect() as c:
        region = next(u for u in list_users(c) if u.role == "region")
    user_db = as_user(db, region)
    events = []
    try:
        Jobs(user_db, region.login, on_event=events.append, rebalance=False, housekeeping=False)._minute()
    finally:
        user_db.dispose()
    assert [e.kind for e in events if e.kind in ("alerts", "error")] == ["alerts"], events
