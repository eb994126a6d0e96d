"""Parts shortages of a store's bookings and work orders, and the nearby stores that can spare a part, against the
real PostgreSQL (under a store manager's own login for the network read)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services import approvals, parts
from services.model import DomainError
from services.network import CHINA
from services.users import as_user
from tests.services._approvals_net import Net, build


@pytest.fixture(scope="module")
def net(database) -> Net:
    with database.connect() as c:
        return build(c, "apt")


def _set(conn, store_id, code, n, reorder=0):
    conn.execute("UPDATE stock SET qty = %s, reorder_level = %s WHERE store_id = %s AND part_id = (SELECT id FROM part "
                 "WHERE code = %s)", (n, reorder, store_id, code))


def _work_order(conn, store_id, codes, plate, checked_in_at=None):
    cid = conn.execute("INSERT INTO customer (name) VALUES ('测试') RETURNING id").fetchone()[0]
    vid = conn.execute("INSERT INTO vehicle (customer_id, plate, model) VALUES (%s, %s, 'x') RETURNING id",
                       (cid, plate)).fetchone()[0]
    wid = conn.execute("""INSERT INTO work_order (store_id, requested_store_id, customer_id, vehicle_id, status,
                              checked_in_at) VALUES (%s, %s, %s, %s, 'checked_in', %s) RETURNING id""",
                       (store_id, store_id, cid, vid, checked_in_at or datetime.now(CHINA))).fetchone()[0]
    for n, code in enumerate(codes, 1):
        conn.execute("INSERT INTO work_order_item SELECT %s, %s, id, price FROM service_type WHERE code = %s",
                     (wid, n, code))
    return wid


def _use(conn, wid, store_id, code, n, at):
    conn.execute("INSERT INTO part_usage (work_order_id, store_id, part_id, qty, used_at) "
                 "SELECT %s, %s, id, %s, %s FROM part WHERE code = %s", (wid, store_id, n, at, code))


def test_shortages_of_a_booking_and_of_a_work_order(conn, net):
    day = datetime.now(CHINA).date() + timedelta(days=1)
    start = datetime.combine(day, datetime.min.time(), tzinfo=CHINA).replace(hour=9)
    bid = conn.execute("SELECT booking_id FROM booking.book_slot(%s, '京P11111', ARRAY['MAINT_MINOR'], %s, "
                       "p_actor => 'advisor')", (net.a1, start)).fetchone()[0]
    _set(conn, net.a1, "OIL_FILTER", 0)
    assert parts.shortages(conn, net.a1, booking_id=bid) == [("OIL_FILTER", 1, 0)]
    assert ("OIL_FILTER", 1, 0) in parts.shortages(conn, net.a1, day=day)
    assert parts.shortages(conn, net.a1, day=day + timedelta(days=1)) == []  # nothing booked that day
    _set(conn, net.a1, "OIL_FILTER", 1)
    assert parts.shortages(conn, net.a1, booking_id=bid) == []
    # a tyre job: a set of tyres is needed until the work order has used them
    _set(conn, net.a1, "TYRE_205_55R16", 1)
    wid = _work_order(conn, net.a1, ["TYRE"], "京P22222")
    short = parts.shortages(conn, net.a1, work_order_id=wid)
    assert [s.part_code for s in short] == ["TYRE_205_55R16"] and short[0].needed >= 2 and short[0].on_hand == 1
    _use(conn, wid, net.a1, "TYRE_205_55R16", 4, datetime.now(CHINA))
    assert parts.shortages(conn, net.a1, work_order_id=wid) == []
    with pytest.raises(DomainError, match="not a work order of this store"):
        parts.shortages(conn, net.a2, work_order_id=wid)


def test_sources_rank_by_what_they_can_spare_and_distance(conn, net):
    # a2 is 13 km away but uses oil filters every day; b1 is 55 km away and has plenty
    _set(conn, net.a2, "OIL_FILTER", 10, reorder=2)
    _set(conn, net.b1, "OIL_FILTER", 30, reorder=2)
    wid = _work_order(conn, net.a2, ["MAINT_MINOR"], "京P33333", datetime.now(CHINA) - timedelta(days=3))
    for k in range(14):  # 14 a day over the last 4 weeks... well, one a day for 14 days: 0.5 a day
        _use(conn, wid, net.a2, "OIL_FILTER", 1, datetime.now(CHINA) - timedelta(days=k + 1))
    def ours(found):  # other test modules' stores stand at the same places
        return [s for s in found if s.store_id in (net.a2, net.b1)]

    found = ours(parts.sources(conn, net.a1, "OIL_FILTER", 6))
    by_store = {s.store_id: s for s in found}
    assert set(by_store) >= {net.a2, net.b1}
    a2, b1 = by_store[net.a2], by_store[net.b1]
    assert a2.can_spare == 10 - 4 and b1.can_spare == 30 - 2  # a2 keeps a week's use (3.5 → 4)
    assert 12 < a2.distance_km < 15 and b1.distance_km > 40
    assert a2.spare_days == pytest.approx((10 - 6) / 0.5, abs=0.1)
    assert found.index(a2) < found.index(b1)  # both cover 6: the nearer first
    assert {r.factor for r in a2.reasons} == {"distance", "quantity", "spare_days"}
    # asking for more than a2 can spare puts b1, which can give all, first
    found = ours(parts.sources(conn, net.a1, "OIL_FILTER", 8))
    assert found[0].store_id == net.b1
    # a store that needs everything it has is left out
    _set(conn, net.a2, "OIL_FILTER", 4, reorder=2)
    assert net.a2 not in {s.store_id for s in parts.sources(conn, net.a1, "OIL_FILTER", 1)}
    assert ours(parts.sources(conn, net.a1, "OIL_FILTER", 1, max_km=5)) == []


def test_a_store_manager_sees_other_stores_figures_only_through_the_sources(database, net):
    with as_user(database, net.users["sa1"]).connect() as c:
        assert c.execute("SELECT count(*) FROM stock WHERE store_id = %s", (net.a2,)).fetchone()[0] == 0  # RLS
        found = parts.sources(c, net.a1, "SPARK_PLUG", 2)
        assert {s.store_id for s in found} >= {net.a2, net.b1}
        # one click: ask the best source
        rid = approvals.request_parts(c, net.a1, found[0].store_id, "SPARK_PLUG", 2, "x", reason="明天大保养")
        assert approvals.get(c, rid).impact["reason"] == "明天大保养"
        with pytest.raises(DomainError, match="outside the scope"):
            parts.sources(c, net.a2, "SPARK_PLUG", 2)
        with pytest.raises(DomainError, match="unknown"):
            parts.sources(c, net.a1, "NOPE", 2)
        c.rollback()
