"""Schema and migrations: upgrade from empty, downgrade of the last revision, models agree with the database,
and the invariants the database enforces on its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.db import migrate
from services.db.engine import Database
from services.db.tables import Base
from tests.conftest import make_scratch_database


@pytest.fixture(scope="module")
def scratch(database) -> Database:
    """A separate empty database on the same server, for migration round trips."""
    db = make_scratch_database(database, "aftersales_scratch", migrated=False)
    yield db
    db.dispose()


def test_upgrade_from_empty_then_downgrade_last_and_upgrade_again(scratch):
    assert migrate.current_revision(scratch) is None
    assert migrate.upgrade(scratch) is True
    head = migrate.head_revision()
    assert migrate.current_revision(scratch) == head
    assert migrate.upgrade(scratch) is False  # nothing pending: no work, no lock held for long
    migrate.downgrade(scratch, "-1")
    assert migrate.current_revision(scratch) != head
    assert migrate.upgrade(scratch) is True
    with scratch.connect() as c:
        assert c.execute("SELECT count(*) FROM region").fetchone()[0] == 7
        assert c.execute("SELECT count(*) FROM service_type").fetchone()[0] > 5


def test_concurrent_upgrades_do_not_race(scratch):
    import threading

    migrate.downgrade(scratch, "base")
    errors: list[Exception] = []

    def run() -> None:
        try:
            migrate.upgrade(scratch)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert migrate.current_revision(scratch) == migrate.head_revision()


def test_orm_models_match_the_migrated_database(database):
    def include(obj, name, type_, reflected, compare_to):
        # Exclusion constraints, expression indexes and the kpi/terminal schemas are SQL-only by design.
        return not (type_ == "index" and name and name.endswith(("_start_ix", "_slot_ix", "_one_open_ix",
                                                                   "_pending_ix", "_open_ix", "_received_ix",
                                                                   "_bay_ix", "_technician_ix", "_created_ix",
                                                                   "_scope_ix")))

    with database.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include, "compare_type": False})
        diffs = [d for d in compare_metadata(ctx, Base.metadata) if d[0] != "remove_table" or
                 d[1].name != "alembic_version"]
    assert diffs == []


def _fails(conn, sql, params=(), sqlstate=None):
    with pytest.raises(psycopg.Error) as info, conn.transaction():
        conn.execute(sql, params)
    if sqlstate:
        assert info.value.sqlstate == sqlstate, info.value
    return info.value


def test_job_exclusion_constraints(conn, mini_network):
    s, bay, bay2, tech, tech2 = (mini_network[k] for k in ("store0", "lift0", "lift0b", "tech0", "tech0b"))
    t0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
    vid, cid = conn.execute("SELECT (v).id, (v).customer_id FROM terminal._vehicle('京Z00001', NULL, NULL, %s) v",
                            (s,)).fetchone()
    wo = conn.execute("""INSERT INTO work_order (store_id, requested_store_id, customer_id, vehicle_id, status,
                          checked_in_at) VALUES (%s, %s, %s, %s, 'checked_in', %s) RETURNING id""",
                      (s, s, cid, vid, t0)).fetchone()[0]
    ins = ("INSERT INTO job (work_order_id, store_id, bay_id, technician_id, period, status) "
           "VALUES (%s, %s, %s, %s, tstzrange(%s, %s), %s)")
    conn.execute(ins, (wo, s, bay, tech, t0, t0 + timedelta(hours=1), "done"))
    _fails(conn, ins, (wo, s, bay, tech2, t0 + timedelta(minutes=30), t0 + timedelta(hours=2), "planned"), "23P01")
    _fails(conn, ins, (wo, s, bay2, tech, t0 + timedelta(minutes=59), t0 + timedelta(hours=2), "planned"), "23P01")
    conn.execute(ins, (wo, s, bay, tech2, t0 + timedelta(hours=1), t0 + timedelta(hours=2), "planned"))  # touching
    conn.execute(ins, (wo, s, bay2, tech, t0 + timedelta(minutes=30), t0 + timedelta(hours=2), "cancelled"))


def test_back_dated_job_is_checked_against_the_archive(conn, mini_network):
    s, bay, tech, tech2 = (mini_network[k] for k in ("store0", "lift0", "tech0", "tech0b"))
    t0 = datetime(2026, 1, 6, 9, tzinfo=UTC)
    vid, cid = conn.execute("SELECT (v).id, (v).customer_id FROM terminal._vehicle('京Z00002', NULL, NULL, %s) v",
                            (s,)).fetchone()
    wo = conn.execute("""INSERT INTO work_order (store_id, requested_store_id, customer_id, vehicle_id, status,
                          checked_in_at) VALUES (%s, %s, %s, %s, 'checked_in', %s) RETURNING id""",
                      (s, s, cid, vid, t0)).fetchone()[0]
    ins = ("INSERT INTO job (work_order_id, store_id, bay_id, technician_id, period, status) "
           "VALUES (%s, %s, %s, %s, tstzrange(%s, %s), 'done')")
    conn.execute(ins, (wo, s, bay, tech, t0, t0 + timedelta(hours=1)))
    assert conn.execute("SELECT archive_jobs(%s)", (t0 + timedelta(days=1),)).fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM job_all WHERE work_order_id = %s", (wo,)).fetchone()[0] == 1
    # same bay, overlapping the archived hour: refused although the row is no longer in `job`
    _fails(conn, ins, (wo, s, bay, tech2, t0 + timedelta(minutes=30), t0 + timedelta(hours=2)), "23P01")
    _fails(conn, ins, (wo, s, mini_network["lift0b"], tech, t0 + timedelta(minutes=30), t0 + timedelta(hours=2)),
           "23P01")
    conn.execute(ins, (wo, s, bay, tech, t0 + timedelta(hours=1), t0 + timedelta(hours=2)))  # right after: fine


def test_shift_overlap_refused(conn, mini_network):
    t0 = datetime(2026, 1, 5, 0, 30, tzinfo=UTC)
    ins = ("INSERT INTO shift (technician_id, store_id, work_date, period) VALUES (%s, %s, '2026-01-05', "
           "tstzrange(%s, %s))")
    conn.execute(ins, (mini_network["tech0"], mini_network["store0"], t0, t0 + timedelta(hours=9)))
    _fails(conn, ins, (mini_network["tech0"], mini_network["store1"], t0 + timedelta(hours=8),
                       t0 + timedelta(hours=12)), "23P01")


@pytest.mark.parametrize("sql", [
    "UPDATE store SET lat = 80 WHERE code = 'T001'",
    "UPDATE store SET opens_at = '19:00' WHERE code = 'T001'",
    "UPDATE store SET store_type = 'chain' WHERE code = 'T001'",
    "UPDATE stock SET qty = -1 WHERE store_id = (SELECT id FROM store WHERE code = 'T001') AND part_id = 1",
    "UPDATE technician SET skills = ARRAY['flying'] WHERE id = (SELECT min(id) FROM technician)",
    "UPDATE technician SET skills = ARRAY[]::text[] WHERE id = (SELECT min(id) FROM technician)",
    "UPDATE technician SET level = 9 WHERE id = (SELECT min(id) FROM technician)",
    "INSERT INTO app_user (login, display_name, role) VALUES ('reg.one', 'R', 'region')",
    "INSERT INTO app_user (login, display_name, role, region_id) VALUES ('hq.one', 'H', 'hq', 1)",
    "INSERT INTO app_user (login, display_name, role) VALUES ('X bad login', 'H', 'hq')",
    "INSERT INTO transfer_request (kind, from_store_id, to_store_id, requested_by) "
    "SELECT 'parts', min(id), max(id), 'x' FROM store",
    "INSERT INTO transfer_request (kind, from_store_id, to_store_id, part_id, qty, requested_by) "
    "SELECT 'parts', min(id), min(id), 1, 2, 'x' FROM store",
    "INSERT INTO bay (store_id, kind, name) SELECT min(id), 'spaceship', 'S9' FROM store",
    "INSERT INTO rating (work_order_id, store_id, score, rated_at) VALUES (-1, 1, 50, now())",
])
def test_check_and_foreign_key_constraints(conn, mini_network, sql):
    _fails(conn, sql)


def test_one_open_alert_per_store_and_kind(conn, mini_network):
    ins = "INSERT INTO alert (store_id, kind, severity, message) VALUES (%s, 'complaint', 'warning', 'x')"
    conn.execute(ins, (mini_network["store0"],))
    _fails(conn, ins, (mini_network["store0"],), "23505")
    conn.execute("UPDATE alert SET resolved_at = now() WHERE store_id = %s", (mini_network["store0"],))
    conn.execute(ins, (mini_network["store0"],))
