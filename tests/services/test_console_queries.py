"""The console's read side on the small demo network: store states, KPI tiles, daily trends, under scope."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.network import CHINA, daily_kpis, kpi_tiles, kpis, store_statuses, trend_series
from services.users import as_user, list_users
from tests.conftest import DEMO_OPTS

NOW = datetime.combine(DEMO_OPTS.last_day() - timedelta(days=1), datetime.min.time(), tzinfo=CHINA).replace(hour=12)


def test_store_statuses_cover_the_visible_stores(demo_db):
    db, _ = demo_db
    with db.engine.connect() as conn:
        everything = store_statuses(conn)
        two = store_statuses(conn, store_ids=[everything[0].store_id, everything[1].store_id])
        north = store_statuses(conn, region_code="N")
    assert len(everything) == DEMO_OPTS.stores
    assert [s.store_id for s in two] == [everything[0].store_id, everything[1].store_id]
    assert north and {s.region_code for s in north} == {"N"}
    for s in everything:
        assert 18 < s.lat < 54 and 73 < s.lon < 136
        assert s.utilization_band in {"low", "normal", "high", "none"}


def test_kpi_tiles_compare_with_the_same_weekday_last_week_up_to_the_same_time(demo_db):
    db, _ = demo_db
    with db.engine.connect() as conn:
        tiles = {t.key: t for t in kpi_tiles(conn, now=NOW)}
        full_day = kpis(conn, "nation", NOW.date(), NOW.date())[0]
    assert set(tiles) == {"utilization", "wait_hours", "vehicles", "output", "csi", "cross_store", "stores_online"}
    vehicles = tiles["vehicles"]
    assert vehicles.value is not None and vehicles.previous is not None
    # cut at noon: fewer vehicles than the whole day, and a comparable number last week
    assert 0 < vehicles.value < full_day.vehicles_per_store_day
    assert vehicles.previous == pytest.approx(vehicles.value, rel=0.6)
    assert len(tiles["utilization"].sparkline) >= 5
    assert tiles["wait_hours"].higher_is_better is False


def test_trend_series_one_line_per_region(demo_db):
    db, _ = demo_db
    with db.engine.connect() as conn:
        series = trend_series(conn, "utilization", DEMO_OPTS.first_day(), DEMO_OPTS.last_day())
        days = daily_kpis(conn, DEMO_OPTS.first_day(), DEMO_OPTS.last_day())
    assert {s.key for s in series} == {"N", "NE", "E", "C", "S", "SW", "NW"}
    assert all(len(s.days) == DEMO_OPTS.days == len(s.values) for s in series)
    assert all(v is not None and 0 < v < 1 for s in series for v in s.values)
    assert len(days) == DEMO_OPTS.days


def test_a_regional_login_gets_only_its_region_on_the_map(demo_db):
    db, _ = demo_db
    with db.connect() as c:
        north_user = next(u for u in list_users(c) if u.login == "region.n")
    north = as_user(db, north_user)
    with north.engine.connect() as conn:
        states = store_statuses(conn)
        tiles = kpi_tiles(conn, region_code="N", now=NOW)
    north.dispose()
    assert states and {s.region_code for s in states} == {"N"}
    assert tiles[0].value is not None


def test_today_snapshot_gives_the_same_figures(demo_db):
    from services.network import china_today, today_snapshot

    db, _ = demo_db
    today = china_today()
    with db.engine.connect() as conn:
        plain = (kpis(conn, "region", today - timedelta(days=40), today), store_statuses(conn))
        conn.rollback()
        with today_snapshot(conn):
            snap = (kpis(conn, "region", today - timedelta(days=40), today), store_statuses(conn))
    # the same rows; a day in progress moves by the seconds between the two reads (open minutes so far)
    for a, b in zip(plain[0], snap[0], strict=True):
        assert (a.key, a.stores, a.days) == (b.key, b.stores, b.days)
        assert a.vehicles_per_store_day == pytest.approx(b.vehicles_per_store_day)
        assert a.utilization == pytest.approx(b.utilization, rel=0.01)
        assert a.wait_hours == pytest.approx(b.wait_hours)
    assert [(s.store_id, s.vehicles_today, s.in_workshop) for s in plain[1]] == \
        [(s.store_id, s.vehicles_today, s.in_workshop) for s in snap[1]]
