"""Network operations through the GUI offscreen on the small demo network: a store asks a neighbour for parts in one
click, the regional manager's inbox shows it live with its count and approves it (the stock moves once), a second
decision of the same request is told someone else decided, and HQ runs the national rebalancing now."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import psycopg
import pytest

from services.network import CHINA, china_today

STORE = 1
PART = "OIL_FILTER"


@pytest.fixture(scope="module")
def shortage(demo_db):
    """Store 1 is out of oil filters and has a minor service booked today; its nearest neighbour moves next door
    (the small network has no two stores in one city) and has plenty. Restored afterwards."""
    db, _ = demo_db
    with psycopg.connect(db.conninfo) as c:
        part = c.execute("SELECT id FROM part WHERE code = %s", (PART,)).fetchone()[0]
        near = c.execute("SELECT id, lat, lon FROM store WHERE id <> %s AND region_id = (SELECT region_id FROM store "
                         "WHERE id = %s) ORDER BY (lat - 39.9) ^ 2 + (lon - 116.4) ^ 2 LIMIT 1",
                         (STORE, STORE)).fetchone()
        c.execute("UPDATE store SET lat = s1.lat + 0.03, lon = s1.lon + 0.04 FROM store s1 "
                  "WHERE s1.id = %s AND store.id = %s", (STORE, near[0]))
        before = dict(c.execute("SELECT store_id, qty FROM stock WHERE part_id = %s AND store_id = ANY(%s)",
                                (part, [STORE, near[0]])).fetchall())
        c.execute("UPDATE stock SET qty = 0 WHERE store_id = %s AND part_id = %s", (STORE, part))
        c.execute("UPDATE stock SET qty = 40 WHERE store_id = %s AND part_id = %s", (near[0], part))
        vid, cid = c.execute("SELECT (v).id, (v).customer_id FROM terminal._vehicle('京F66001', NULL, NULL, %s) v",
                             (STORE,)).fetchone()
        start = datetime.combine(china_today(), time(16, 0), tzinfo=CHINA)
        booking = c.execute("""INSERT INTO booking (store_id, requested_store_id, customer_id, vehicle_id, channel,
                                   service_codes, slot) VALUES (%s, %s, %s, %s, 'app', ARRAY['MAINT_MINOR'],
                                   tstzrange(%s, %s)) RETURNING id""",
                            (STORE, STORE, cid, vid, start, start + timedelta(hours=1))).fetchone()[0]
        c.commit()
    yield {"part_id": part, "source": near[0]}
    with psycopg.connect(db.conninfo) as c:
        c.execute("DELETE FROM customer_notice")
        c.execute("DELETE FROM transfer_request")
        c.execute("DELETE FROM booking WHERE id = %s", (booking,))
        for sid, qty in before.items():
            c.execute("UPDATE stock SET qty = %s WHERE store_id = %s AND part_id = %s", (qty, sid, part))
        c.execute("UPDATE store SET lat = %s, lon = %s WHERE id = %s", (near[1], near[2], near[0]))
        c.commit()


def _stock(db, store_id: int, part_id: int) -> int:
    with psycopg.connect(db.conninfo) as c:
        return c.execute("SELECT qty FROM stock WHERE store_id = %s AND part_id = %s", (store_id, part_id)).fetchone()[0]


def test_parts_request_goes_to_the_regional_inbox_live_and_applies_once(make_app, shortage, demo_db, qtbot):
    db, _ = demo_db
    store_app = make_app("store.s0001")
    manager = make_app("region.n")
    ops, inbox = store_app.presenter.ops, manager.presenter.ops
    assert manager.listener.connected.wait(5)
    qtbot.waitUntil(lambda: ops.store_data is not None, timeout=20000)
    assert ops.store_data.shortage is not None and ops.store_data.shortage[0] == PART
    assert ops.store_data.sources and ops.store_data.sources[0].store_id == shortage["source"]
    before_count = inbox.count
    loads = inbox.loaded

    ops.parts.sig_request_requested.emit(shortage["source"], PART, 2)  # one click: 申请调拨
    qtbot.waitUntil(lambda: inbox.loaded > loads and inbox.count == before_count + 1, timeout=20000)  # live
    assert inbox.badge.badge_text == str(inbox.count)
    request = next(i for i in inbox.inbox.model.items if i.kind == "parts" and i.to_store_id == STORE)
    with psycopg.connect(db.conninfo) as c:
        request_id, where = c.execute("SELECT id, inbox FROM transfer_request WHERE to_store_id = %s AND status = "
                                      "'pending' AND kind = 'parts'", (STORE,)).fetchone()
    assert where == "region:N"
    assert request.request_id == request_id and request.status == "pending"

    src_before, dst_before = _stock(db, shortage["source"], shortage["part_id"]), _stock(db, STORE, shortage["part_id"])
    inbox.inbox.sig_approve_requested.emit([request_id], "同意，今天送到")
    qtbot.waitUntil(lambda: inbox.count == before_count, timeout=20000)
    assert _stock(db, shortage["source"], shortage["part_id"]) == src_before - 2
    assert _stock(db, STORE, shortage["part_id"]) == dst_before + 2

    # HQ's late click on the same request is told someone else decided it; nothing moves again.
    hq = make_app("hq.zhang").presenter.ops
    messages = []
    hq.inbox.show_conflict = lambda text: messages.append(text)
    hq.inbox.sig_approve_requested.emit([request_id], "")
    qtbot.waitUntil(lambda: bool(messages), timeout=20000)
    assert _stock(db, STORE, shortage["part_id"]) == dst_before + 2
    with psycopg.connect(db.conninfo) as c:
        status, decided_by = c.execute("SELECT status, decided_by FROM transfer_request WHERE id = %s",
                                       (request_id,)).fetchone()
        audit = c.execute("SELECT count(*) FROM audit_log WHERE entity = 'transfer_request' AND entity_id = %s",
                          (str(request_id),)).fetchone()[0]
    assert status == "applied" and decided_by == "region.n"
    assert audit >= 2, "the request and its decision are in the audit log"

    # The requester sees the state of the request (refreshed live by the decision's NOTIFY).
    qtbot.waitUntil(lambda: any(i.request_id == request_id and i.status == "applied"
                                for i in ops.inbox.model.items), timeout=20000)


def test_hq_runs_the_national_rebalancing_now(make_app, demo_db, qtbot):
    db, _ = demo_db
    app = make_app("hq.zhang")
    ops = app.presenter.ops
    assert app.jobs is not None and ops.status is not None
    with psycopg.connect(db.conninfo) as c:
        runs_before = c.execute("SELECT count(*) FROM rebalance_run").fetchone()[0]
    ops.status.sig_run_requested.emit()  # 立即运行
    with psycopg.connect(db.conninfo) as c:
        qtbot.waitUntil(lambda: c.execute("SELECT count(*) FROM rebalance_run WHERE status <> 'running'")
                        .fetchone()[0] > runs_before, timeout=60000)
        run = c.execute("SELECT claimed_by, trigger, status FROM rebalance_run ORDER BY id DESC LIMIT 1").fetchone()
    assert run == ("hq.zhang", "manual", "done")
