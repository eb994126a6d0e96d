"""The demo network loader: what it writes agrees with the engine, it is atomic, and it is reused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.demo.seed import SeedOptions, is_seeded, network_for, seed_network, seeded_options
from services.model import DomainError
from services.network import kpis
from services.simulation.engine import simulate
from services.simulation.kpi import KpiAccumulator
from tests.conftest import DEMO_OPTS as OPTS
from tests.conftest import make_scratch_database


def test_seed_writes_the_whole_network(demo_db):
    db, result = demo_db
    assert is_seeded(db)
    assert seeded_options(db).stores == 28
    with db.connect() as c:
        counts = dict(c.execute("""
            SELECT 'stores', count(*) FROM store UNION ALL SELECT 'regions', count(DISTINCT region_id) FROM store
            UNION ALL SELECT 'wo', count(*) FROM work_order WHERE checked_in_at < %s
            UNION ALL SELECT 'events', count(*) FROM work_order_event WHERE source = 'history'
            UNION ALL SELECT 'users', count(*) FROM app_user""", (OPTS.last_day() + timedelta(days=1),)).fetchall())
        assert counts["stores"] == 28 and counts["regions"] == 7
        assert counts["wo"] == result.rows["work_orders"] > 28 * 10 * 5
        assert counts["events"] >= 4 * counts["wo"]  # each work order's timeline, step by step
        assert counts["users"] == 1 + 7 + 3
        # every timeline is in order and each event says who wrote it
        bad = c.execute("""SELECT count(*) FROM (SELECT at < lag(at) OVER (PARTITION BY work_order_id ORDER BY id)
                           AS back FROM work_order_event) x WHERE back""").fetchone()[0]
        assert bad == 0
        # the history has a morning peak: most vehicles arrive before 10:30
        early = c.execute("""SELECT avg(((checked_in_at AT TIME ZONE 'Asia/Shanghai')::time < '10:30')::int)
                             FROM work_order""").fetchone()[0]
        assert early > 0.5
        # ids handed out after the load do not collide with the loaded ones
        nxt = c.execute("SELECT nextval(pg_get_serial_sequence('work_order', 'id'))").fetchone()[0]
        assert nxt > c.execute("SELECT max(id) FROM work_order").fetchone()[0]


def test_kpis_in_the_database_agree_with_the_engine(demo_db):
    """The loader and the SQL KPI definitions reproduce what the simulation measured on the same records."""
    db, _ = demo_db
    _, network = network_for(OPTS)
    acc = KpiAccumulator({s.id: s.region_code for s in network.stores})
    for res in simulate(network, OPTS.days, OPTS.first_day(), seed=OPTS.seed):
        acc.add(res)
    engine = acc.by_region()
    with db.engine.connect() as conn:
        rows = {r.key: r for r in kpis(conn, "region", OPTS.first_day(), OPTS.last_day())}
    for code, e in engine.items():
        if code not in rows:  # the engine also reports "national"
            continue
        d = rows[code]
        assert d.utilization == pytest.approx(e.utilization, abs=0.01), code
        assert d.wait_hours == pytest.approx(e.wait_hours, abs=0.05), code
        assert d.vehicles_per_store_day == pytest.approx(e.vehicles_per_store_day, rel=0.02), code
        assert d.output_per_store_day == pytest.approx(e.output_per_store_day, rel=0.05), code
        assert d.csi == pytest.approx(e.csi, abs=1.0), code


def test_seed_is_reused_not_doubled(demo_db):
    db, _ = demo_db
    again = seed_network(db, OPTS)
    assert again.reused
    with db.connect() as c:
        assert c.execute("SELECT count(*) FROM store").fetchone()[0] == 28


def test_a_failed_seed_leaves_nothing_behind(database):
    db = make_scratch_database(database, "aftersales_test_seed_fail")

    def explode(fraction: float, message: str) -> None:
        if fraction > 0.3:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        seed_network(db, SeedOptions(stores=14, days=3, workers=1, end=date(2026, 10, 31)), progress=explode)
    with db.connect() as c:
        assert c.execute("SELECT count(*) FROM store").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM work_order").fetchone()[0] == 0
        # the bulk load dropped and rebuilt constraints inside the transaction: they are all still there
        assert c.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'job_bay_no_overlap'").fetchone()[0] == 1
    assert not is_seeded(db)
    db.dispose()


def test_bad_options_are_refused_in_a_sentence(database):
    with pytest.raises(DomainError, match="at least 14 stores"):
        seed_network(database, SeedOptions(stores=3))


def test_housekeeping_archives_finished_jobs_and_is_idempotent(demo_db):
    from services.housekeeping import run_housekeeping

    db, _ = demo_db
    with db.connect() as c:
        # pretend the last two days of history had not been archived yet
        c.execute("UPDATE job_archive_horizon SET upto = (SELECT max(upper(period)) FROM job_archive) "
                  "- interval '2 days'")
        moved = c.execute("""WITH m AS (DELETE FROM job_archive WHERE upper(period) > (SELECT upto FROM
                              job_archive_horizon) RETURNING *) INSERT INTO job SELECT id, work_order_id, store_id,
                              bay_id, technician_id, kind, period, status FROM m""").rowcount
        c.commit()
    assert moved > 0
    with db.engine.connect() as conn:
        first = run_housekeeping(conn)
        second = run_housekeeping(conn)
    assert first.jobs_archived >= moved and second.jobs_archived == 0
    with db.connect() as c:
        assert c.execute("SELECT count(*) FROM job WHERE status = 'done' AND upper(period) < now() - interval '1 day'"
                         ).fetchone()[0] == 0
