"""The store view's data and a work order's timeline, on the small demo network."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.model import DomainError
from services.network import CHINA
from services.store_day import store_day, work_order_detail
from tests.conftest import DEMO_OPTS

NOON = datetime.combine(DEMO_OPTS.last_day() - timedelta(days=2), datetime.min.time(), tzinfo=CHINA).replace(hour=11)


def test_store_day_board_and_technicians(demo_db):
    db, _ = demo_db
    with db.engine.connect() as conn:
        view = store_day(conn, 1, now=NOON)
    assert view.code and view.kpis is not None and view.region_kpis is not None
    bays = {lane.id for lane in view.lanes if lane.kind == "bay"}
    techs = {lane.id for lane in view.lanes if lane.kind == "technician"}
    assert bays and techs
    assert view.jobs, "a working day has jobs on the board"
    for job in view.jobs:
        assert job.bay_id in bays
        assert job.technician_id is None or job.technician_id in techs
        assert job.end is None or job.end > job.start
    assert {t.state for t in view.technicians} <= {"busy", "idle", "lunch", "off"}
    assert any(t.state != "off" for t in view.technicians)


def test_work_order_timeline_says_who_wrote_each_step(demo_db):
    db, _ = demo_db
    with db.connect() as c:
        wo = c.execute("SELECT min(id) FROM work_order WHERE status = 'delivered'").fetchone()[0]
    with db.engine.connect() as conn:
        detail = work_order_detail(conn, wo)
    assert [e.status for e in detail.events] == ["checked_in", "in_service", "quality_check", "done", "delivered"]
    assert all(e.actor for e in detail.events)
    assert detail.services and detail.amount > 0


def test_unknown_work_order_is_one_sentence(demo_db):
    db, _ = demo_db
    with db.engine.connect() as conn, pytest.raises(DomainError, match="unknown or outside your scope"):
        work_order_detail(conn, -5)
