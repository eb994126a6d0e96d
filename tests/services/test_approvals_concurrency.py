"""Approvals under concurrency and faults, against the real PostgreSQL with committed data: two managers deciding one
request at once, a bulk approval racing a single one, retries after a lost connection, and a backend killed in the
middle of an approval (blocked on a stock row, or after the stock moved but before the audit row)."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from services import approvals
from services.model import DecisionConflict
from services.users import as_user
from tests.services._approvals_net import Net, build, qty


@pytest.fixture(scope="module")
def net(database) -> Net:
    with database.connect() as c:
        return build(c, "apc", stock=50)


def _race(fns):
    """Run the functions at once (after a barrier) and return their results or exceptions, in order."""
    barrier = threading.Barrier(len(fns))
    out: list = [None] * len(fns)

    def run(k):
        barrier.wait()
        try:
            out[k] = fns[k]()
        except Exception as exc:  # noqa: BLE001
            out[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return out


def _new_request(database, net, part, n, frm=None, to=None) -> int:
    with database.connect() as c:
        rid = approvals.request_parts(c, to or net.a1, frm or net.a2, part, n, "asker")
        c.commit()
    return rid


def test_two_managers_deciding_at_once_exactly_one_wins(database, net):
    rn, rn2 = as_user(database, net.users["rn"]), as_user(database, net.users["rn2"])
    for round_ in range(6):
        rid = _new_request(database, net, "OIL_FILTER", 2)
        with database.connect() as c:
            before = qty(c, net.a2, "OIL_FILTER"), qty(c, net.a1, "OIL_FILTER")
        approve_second = round_ % 2 == 0  # approve vs approve, then approve vs reject

        def decide(db, approve, rid=rid):
            with db.connect() as c:
                item = approvals.decide(c, rid, approve, None, "ignored")
                c.commit()
                return item

        results = _race([lambda: decide(rn, True), lambda a=approve_second: decide(rn2, a)])
        wins = [r for r in results if not isinstance(r, Exception)]
        losses = [r for r in results if isinstance(r, Exception)]
        assert len(wins) == 1 and len(losses) == 1, results
        assert isinstance(losses[0], DecisionConflict) and "a moment ago" in str(losses[0])
        with database.connect() as c:
            final = approvals.get(c, rid)
            moved = 2 if final.status == "applied" else 0
            assert final.decided_by == wins[0].decided_by
            assert (qty(c, net.a2, "OIL_FILTER"), qty(c, net.a1, "OIL_FILTER")) == (before[0] - moved,
                                                                                   before[1] + moved)
            assert [h.action for h in approvals.history(c, rid)].count("approve") == (1 if moved else 0)


def test_bulk_approval_racing_a_single_decision(database, net):
    ids = [_new_request(database, net, part, 1) for part in ("SPARK_PLUG", "AIR_FILTER", "CABIN_FILTER", "BRAKE_PADS")]
    with database.connect() as c:
        totals = {p: qty(c, net.a1, p) + qty(c, net.a2, p) for p in ("SPARK_PLUG", "AIR_FILTER", "CABIN_FILTER")}

    def bulk():
        with as_user(database, net.users["rn"]).connect() as c:
            res = approvals.decide_many(c, list(reversed(ids)), True, "批量同意", "x")
            c.commit()
            return res

    def single():
        with as_user(database, net.users["rn2"]).connect() as c:
            item = approvals.decide(c, ids[1], False, "我来拒绝", "x")
            c.commit()
            return item

    res_bulk, res_single = _race([bulk, single])
    done, refused = res_bulk
    if isinstance(res_single, Exception):  # the bulk got there first
        assert isinstance(res_single, DecisionConflict) and not refused and len(done) == 4
    else:
        assert res_single.status == "rejected"
        assert [r[0] for r in refused] == [ids[1]] and "Someone else decided" in refused[0][1]
        assert {i.request_id for i in done} == set(ids) - {ids[1]}
    with database.connect() as c:
        statuses = {approvals.get(c, i).status for i in ids}
        assert statuses <= {"applied", "rejected"}
        for p, total in totals.items():
            assert qty(c, net.a1, p) + qty(c, net.a2, p) == total  # conserved: moved, never created


def test_a_retry_after_a_lost_connection_never_applies_twice(database, net):
    rid = _new_request(database, net, "HEADLAMP", 3)
    with database.connect() as c:
        before = qty(c, net.a2, "HEADLAMP")
    # the decision commits, then the connection dies before the client hears back
    c1 = psycopg.connect(database.conninfo)
    approvals.decide(c1, rid, True, None, "boss")
    c1.commit()
    with database.connect(autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (c1.info.backend_pid,))
    with pytest.raises(psycopg.OperationalError):
        c1.execute("SELECT 1")
    # the client retries the same decision on a new connection: told it is done, nothing moves again
    with database.connect() as c2:
        assert approvals.decide(c2, rid, True, None, "boss").status == "applied"
        c2.commit()
        assert qty(c2, net.a2, "HEADLAMP") == before - 3
        assert [h.action for h in approvals.history(c2, rid)] == ["request", "approve"]
    # and a request asked twice over a flaky line is one request
    with database.connect() as c3:
        again = approvals.request_parts(c3, net.a1, net.a2, "HEADLAMP", 3, "asker")
        assert again != rid and approvals.request_parts(c3, net.a1, net.a2, "HEADLAMP", 3, "asker") == again
        approvals.cancel(c3, again, "asker")
        c3.commit()


def _wait_blocked(admin: psycopg.Connection, pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = admin.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
        if row and row[0] == "Lock":
            return
        time.sleep(0.02)
    raise AssertionError("the approval never blocked")


@pytest.mark.parametrize("block_at", ["destination_stock", "audit_log"])
def test_killing_the_approvers_connection_mid_approval_leaves_it_unapplied(database, net, block_at):
    rid = _new_request(database, net, "BATTERY", 2)
    with database.connect() as c:
        before = qty(c, net.a2, "BATTERY"), qty(c, net.a1, "BATTERY")
    blocker = psycopg.connect(database.conninfo)
    if block_at == "destination_stock":  # blocks the approval while it takes its locks
        blocker.execute("SELECT 1 FROM stock WHERE store_id = %s AND part_id = (SELECT id FROM part "
                        "WHERE code = 'BATTERY') FOR UPDATE", (net.a1,))
    else:  # blocks it after the status flipped and both stock rows changed, at the audit row
        blocker.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE")
    approver = psycopg.connect(database.conninfo)
    pid = approver.info.backend_pid
    outcome: list = []

    def approve():
        try:
            approvals.decide(approver, rid, True, None, "boss")
            approver.commit()
            outcome.append("committed")
        except Exception as exc:  # noqa: BLE001
            outcome.append(exc)

    t = threading.Thread(target=approve)
    t.start()
    with database.connect(autocommit=True) as admin:
        _wait_blocked(admin, pid)
        if block_at == "audit_log":  # it really got that far: its transaction holds the request and stock rows
            held = admin.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND locktype = 'transactionid'",
                                 (pid,)).fetchone()[0]
            assert held >= 1
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    t.join(10)
    blocker.rollback()
    blocker.close()
    assert outcome and isinstance(outcome[0], psycopg.OperationalError)
    with database.connect() as c:
        assert approvals.get(c, rid).status == "pending"
        assert (qty(c, net.a2, "BATTERY"), qty(c, net.a1, "BATTERY")) == before
        assert [h.action for h in approvals.history(c, rid)] == ["request"]
        # a later approval applies, once
        assert approvals.decide(c, rid, True, None, "boss").status == "applied"
        c.commit()
        assert (qty(c, net.a2, "BATTERY"), qty(c, net.a1, "BATTERY")) == (before[0] - 2, before[1] + 2)
