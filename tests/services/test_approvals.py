"""The approval inbox against the real PostgreSQL: routing to a region's or head office's inbox, who sees and decides
what (row-level security under each user's own login), decisions that apply exactly once (stock, loans, referrals),
refusals that change nothing, audit rows and the NOTIFY that updates the inboxes live."""

from __future__ import annotations

import json
import select
from datetime import datetime, timedelta

import psycopg
import pytest

from services import approvals
from services.model import DecisionConflict, DomainError, Proposal
from services.network import CHINA
from services.users import as_user
from tests.services._approvals_net import Net, build, qty


@pytest.fixture(scope="module")
def net(database) -> Net:
    with database.connect() as c:
        return build(c, "apv")


def test_requests_are_routed_to_the_region_or_head_office(conn, net):
    inside = approvals.request_parts(conn, net.a1, net.a2, "OIL_FILTER", 3, "tester")
    across = approvals.request_parts(conn, net.a1, net.b1, "OIL_FILTER", 3, "tester")
    a, b = approvals.get(conn, inside), approvals.get(conn, across)
    assert (a.inbox, b.inbox) == ("region:N", "hq")
    assert a.status == "pending" and a.summary.startswith("机油") and "× 3" in a.summary
    assert a.impact["distance_km"] > 0 and a.impact["value_yuan"] > 0
    # the same request again (a double click, a retry) is the same request; a different quantity is refused
    assert approvals.request_parts(conn, net.a1, net.a2, "OIL_FILTER", 3, "tester") == inside
    with pytest.raises(DomainError, match="still waiting"):
        approvals.request_parts(conn, net.a1, net.a2, "OIL_FILTER", 4, "tester")
    with pytest.raises(DomainError, match="unknown"):
        approvals.request_parts(conn, net.a1, net.a2, "NO_SUCH_PART", 1, "tester")
    with pytest.raises(DomainError, match="positive"):
        approvals.request_parts(conn, net.a1, net.a2, "OIL_FILTER", 0, "tester")


def test_approval_moves_the_stock_once_and_writes_the_audit(conn, net):
    before = qty(conn, net.a2, "AIR_FILTER"), qty(conn, net.a1, "AIR_FILTER")
    rid = approvals.request_parts(conn, net.a1, net.a2, "AIR_FILTER", 4, "tester", urgency=1, reason="周末保养多")
    item = approvals.decide(conn, rid, True, "同意", "boss")
    assert item.status == "applied" and item.decided_by == "boss" and item.applied_at is not None
    assert (qty(conn, net.a2, "AIR_FILTER"), qty(conn, net.a1, "AIR_FILTER")) == (before[0] - 4, before[1] + 4)
    # the winner's own retry is harmless; anybody else's is a conflict; nothing moves again
    assert approvals.decide(conn, rid, True, "同意", "boss").status == "applied"
    with pytest.raises(DecisionConflict, match="Someone else decided"):
        approvals.decide(conn, rid, False, "不行", "other.boss")
    assert (qty(conn, net.a2, "AIR_FILTER"), qty(conn, net.a1, "AIR_FILTER")) == (before[0] - 4, before[1] + 4)
    hist = approvals.history(conn, rid)
    assert [h.action for h in hist] == ["request", "approve"]
    assert hist[1].actor == "boss" and hist[1].details["from_stock"] == {"before": before[0], "after": before[0] - 4}
    assert hist[1].details["to_stock"] == {"before": before[1], "after": before[1] + 4}


def test_an_approval_that_cannot_apply_changes_nothing(conn, net):
    have = qty(conn, net.a2, "BATTERY")
    rid = approvals.request_parts(conn, net.a1, net.a2, "BATTERY", have + 1, "tester")
    with pytest.raises(DomainError, match=f"has only {have} of") as info:
        approvals.decide(conn, rid, True, None, "boss")
    assert not isinstance(info.value, DecisionConflict)
    assert approvals.get(conn, rid).status == "pending" and qty(conn, net.a2, "BATTERY") == have
    assert [h.action for h in approvals.history(conn, rid)] == ["request"]
    # the approver rejects it with the reason; then nobody can approve it any more
    assert approvals.decide(conn, rid, False, "库存不足", "boss").status == "rejected"
    with pytest.raises(DecisionConflict):
        approvals.decide(conn, rid, True, None, "boss2")
    # and the database itself never lets stock go negative
    with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
        conn.execute("UPDATE stock SET qty = qty - %s WHERE store_id = %s AND part_id = (SELECT id FROM part "
                     "WHERE code = 'BATTERY')", (have + 1, net.a2))


def test_cancel_by_the_requester_and_bulk_decisions(conn, net):
    r1 = approvals.request_parts(conn, net.a1, net.a2, "SPARK_PLUG", 2, "asker")
    r2 = approvals.request_parts(conn, net.a1, net.a2, "CABIN_FILTER", 2, "asker")
    r3 = approvals.request_parts(conn, net.a1, net.a2, "HEADLAMP", 99, "asker")  # more than there is
    assert approvals.cancel(conn, r1, "asker").status == "cancelled"
    assert approvals.cancel(conn, r1, "asker").status == "cancelled"  # a retry
    before = qty(conn, net.a1, "CABIN_FILTER")
    done, refused = approvals.decide_many(conn, [r1, r2, r3, r2], True, "批量", "boss")
    assert [i.request_id for i in done] == [r2] and done[0].status == "applied"
    assert dict(refused).keys() == {r1, r3}
    assert "withdrew" in dict(refused)[r1] and "has only" in dict(refused)[r3]
    assert qty(conn, net.a1, "CABIN_FILTER") == before + 2
    assert approvals.get(conn, r3).status == "pending"
    with pytest.raises(DecisionConflict, match="no longer be withdrawn"):
        approvals.cancel(conn, r2, "asker")


def test_submit_skips_open_duplicates_and_refuses_bad_proposals(conn, net):
    props = [Proposal("parts", net.a2, net.a1, part_code="BRAKE_PADS", qty=2, urgency=1,
                      impact={"shortage_jobs": 2}, reason="明天两台刹车"),
             Proposal("parts", net.b1, net.a1, part_code="BRAKE_PADS", qty=1)]
    ids = approvals.submit(conn, props, None, "rebalance")
    assert len(ids) == 2
    assert approvals.submit(conn, props, None, "rebalance") == []  # still open: skipped
    items = {i.request_id: i for i in approvals.inbox(conn, kind="parts")}
    assert {items[i].inbox for i in ids} == {"region:N", "hq"}
    assert any(items[i].impact.get("reason") == "明天两台刹车" for i in ids)
    n = conn.execute("SELECT count(*) FROM transfer_request").fetchone()[0]
    with pytest.raises(DomainError, match="Proposal 2: The part"):
        approvals.submit(conn, [Proposal("parts", net.a2, net.a1, part_code="TIMING_BELT", qty=1),
                                Proposal("parts", net.a2, net.a1, part_code="NOPE", qty=1)], 7, "rebalance")
    assert conn.execute("SELECT count(*) FROM transfer_request").fetchone()[0] == n


def test_technician_loan_moves_his_shifts_and_never_twice(conn, net):
    tech = net.techs[net.a2][0]
    today = datetime.now(CHINA).date()
    days = (today + timedelta(days=1), today + timedelta(days=4))  # shifts are planned up to today + 2
    rid = approvals.request_loan(conn, net.a1, net.a2, tech, *days, "tester")
    other = approvals.request_loan(conn, net.b1, net.a2, tech, days[1], days[1], "tester")
    item = approvals.decide(conn, rid, True, None, "boss")
    assert item.status == "applied" and "借调技师" in item.summary
    rows = conn.execute("SELECT work_date, store_id FROM shift WHERE technician_id = %s AND work_date BETWEEN %s AND %s"
                        " ORDER BY work_date", (tech, *days)).fetchall()
    assert [r[0] for r in rows] == [days[0] + timedelta(days=k) for k in range(4)]
    assert {r[1] for r in rows} == {net.a1}
    details = approvals.history(conn, rid)[-1].details
    assert len(details["shifts_moved"]) == 2 and len(details["shifts_created"]) == 2
    # lent already for an overlapping day: refused with the reason, nothing changes
    with pytest.raises(DomainError, match="already works at"):
        approvals.decide(conn, other, True, None, "hq")
    assert approvals.get(conn, other).status == "pending"


def test_a_technician_is_never_lent_twice_for_overlapping_days_even_bypassing_the_checks(conn, net):
    tech = net.techs[net.a2][1]
    conn.execute("""INSERT INTO transfer_request (kind, status, from_store_id, to_store_id, technician_id, loan_days,
                        requested_by, decided_at, applied_at)
                    VALUES ('technician_loan', 'applied', %s, %s, %s, '[2030-01-01,2030-01-05]', 'x', now(), now())""",
                 (net.a2, net.a1, tech))
    with pytest.raises(psycopg.errors.ExclusionViolation), conn.transaction():
        conn.execute("""INSERT INTO transfer_request (kind, status, from_store_id, to_store_id, technician_id,
                            loan_days, requested_by, decided_at, applied_at)
                        VALUES ('technician_loan', 'applied', %s, %s, %s, '[2030-01-04,2030-01-06]', 'x', now(),
                                now())""", (net.a2, net.b1, tech))


def test_referral_moves_the_booking_with_a_reservation_and_tells_the_customer(conn, net):
    day = datetime.now(CHINA).date() + timedelta(days=1)
    start = datetime.combine(day, datetime.min.time(), tzinfo=CHINA).replace(hour=10)
    bid = conn.execute("SELECT booking_id FROM booking.book_slot(%s, '京Q12345', ARRAY['MAINT_MINOR'], %s, "
                       "p_actor => 'advisor')", (net.a1, start)).fetchone()[0]
    rid = approvals.request_referral(conn, bid, net.a1, net.a2, "advisor",
                                     slot_start=start + timedelta(hours=1))
    item = approvals.decide(conn, rid, True, None, "boss")
    assert item.status == "applied" and "京Q12345" in item.summary
    b = conn.execute("SELECT store_id, requested_store_id, lower(slot) FROM booking WHERE id = %s", (bid,)).fetchone()
    assert b == (net.a2, net.a1, start + timedelta(hours=1))
    res = conn.execute("SELECT store_id, status FROM reservation WHERE booking_id = %s ORDER BY id", (bid,)).fetchall()
    assert res == [(net.a1, "released"), (net.a2, "held")]
    notice = conn.execute("SELECT kind, store_id, message FROM customer_notice WHERE booking_id = %s",
                          (bid,)).fetchone()
    assert notice[0] == "referral" and notice[1] == net.a2 and "中关村" in notice[2]
    # a second referral of the same booking from its old store cannot even be asked
    with pytest.raises(DomainError, match="not for the referring store"):
        approvals.request_referral(conn, bid, net.a1, net.b1, "advisor")


def test_who_sees_and_decides_what_under_their_own_login(database, net):
    with database.connect() as c:
        inside = approvals.request_parts(c, net.a1, net.a2, "WIPER_BLADE", 1, "tester")
        across = approvals.request_parts(c, net.a2, net.b1, "WIPER_BLADE", 1, "tester")
        east = approvals.request_parts(c, net.b1, net.a2, "PAINT_1L", 1, "tester")  # to region E
        c.commit()
    ids = {inside, across, east}
    try:
        with as_user(database, net.users["rn"]).connect() as c:
            mine = {i.request_id for i in approvals.inbox(c)}
            assert inside in mine and not mine & {across, east}  # cross-region ones wait for head office
            assert {inside, across, east} <= {r[0] for r in c.execute("SELECT id FROM transfer_request")}
            with pytest.raises(DomainError, match="waits for head office"):
                approvals.decide(c, across, True, None, "x")
            assert approvals.pending_count(c) >= 1
            c.rollback()
        with as_user(database, net.users["re"]).connect() as c:
            seen = {r[0] for r in c.execute("SELECT id FROM transfer_request")}
            assert seen & ids == {across, east}  # RLS: only requests touching region E
            assert approvals.inbox(c) == [] or all(i.inbox == "region:E" for i in approvals.inbox(c))
            with pytest.raises(DomainError, match="unknown"):
                approvals.decide(c, inside, True, None, "x")
            c.rollback()
        with as_user(database, net.users["sa1"]).connect() as c:
            # a store manager sees his store's requests, asks for his store only, decides nothing
            assert {i.request_id for i in approvals.my_requests(c)} & ids == {inside}
            assert {r[0] for r in c.execute("SELECT id FROM transfer_request")} & ids == {inside}
            assert approvals.inbox(c) == []
            with pytest.raises(DomainError, match="may not decide"):
                approvals.decide(c, inside, True, None, "x")
            with pytest.raises(DomainError, match="cannot ask on behalf"):
                approvals.request_parts(c, net.a2, net.a1, "WIPER_BLADE", 1, "x")
            rid = approvals.request_parts(c, net.a1, net.b1, "TYRE_205_55R16", 4, "whoever")
            item = approvals.get(c, rid)
            assert item.requested_by == net.users["sa1"].login and item.from_store.endswith("廊坊东店")
            assert approvals.pending_count(c) >= 2
            with pytest.raises(DomainError, match="rebalancing run"):
                approvals.submit(c, [Proposal("parts", net.b1, net.a1, part_code="BUMPER", qty=1)], None, "x")
            c.rollback()
        with as_user(database, net.users["hq"]).connect() as c:
            assert {i.request_id for i in approvals.inbox(c)} & ids == {across, east}
            item = approvals.decide(c, across, False, "不需要", "x")
            assert item.decided_by == net.users["hq"].login and item.status == "rejected"
            c.commit()
    finally:
        with database.connect() as c:
            approvals.decide_many(c, list(ids), False, "test cleanup", "tester")
            c.commit()


def test_each_change_notifies_both_stores_once(database, net):
    with psycopg.connect(database.conninfo, autocommit=True) as listener:
        listener.execute("LISTEN aftersales")
        with database.connect() as c:
            rid = approvals.request_parts(c, net.a1, net.a2, "ALTERNATOR", 1, "tester")
            c.commit()
            got = _drain(listener)
            assert got.count({"store": net.a1, "kind": "inbox"}) == 1
            assert got.count({"store": net.a2, "kind": "inbox"}) == 1
            approvals.decide(c, rid, True, None, "boss")
            c.commit()
            got = _drain(listener)
            assert got.count({"store": net.a1, "kind": "inbox"}) == 1
            assert {"store": net.a2, "kind": "stock"} in got and {"store": net.a1, "kind": "stock"} in got


def _drain(listener: psycopg.Connection, timeout: float = 1.0) -> list[dict]:
    out = []
    deadline = datetime.now() + timedelta(seconds=timeout)
    while datetime.now() < deadline:
        select.select([listener.fileno()], [], [], 0.1)
        out.extend(json.loads(n.payload) for n in listener.notifies(timeout=0.05))
    return out
