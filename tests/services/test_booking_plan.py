"""The plan of a store-day in the database: loading it as a dispatch problem, saving a plan (moves, deferrals,
"come earlier" notices) in one transaction, and the planner's moves, refused for each rule with a reason code."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.booking.book import book_slot
from services.booking.plan_store import PlanMoveRefused, board_plan, load_problem, move_reservation, save_plan
from services.dispatch.model import Assignment, Plan
from services.model import DomainError, MoveRefused
from tests.services.test_booking import _at, make_shop


@pytest.fixture
def shop(conn, mini_network):
    return make_shop(conn, mini_network)


def _book(conn, shop, plate, codes, hh, mm=0, **kw):
    return book_slot(conn, shop["s"], plate, codes, _at(shop["day"], hh, mm), actor="advisor.test", **kw)


def _rid(conn, booking_id):
    return conn.execute("SELECT id FROM reservation WHERE booking_id = %s AND status = 'held'",
                        (booking_id,)).fetchone()[0]


def test_load_problem_has_bays_shifts_breaks_and_jobs_with_their_plan(conn, shop):
    a = _book(conn, shop, "京D10001", ["MAINT_MINOR"], 10)
    b = _book(conn, shop, "京D10002", ["ELEC"], 14)
    wo = conn.execute("SELECT terminal.check_in(%s, %s, NULL, NULL, %s)", (uuid.uuid4(), shop["s"], a.booking_id)
                      ).fetchone()[0]
    problem, ctx = load_problem(conn, shop["s"], shop["day"])
    assert {x.id for x in problem.bays} == {shop["lift0"], shop["lift0b"], shop["paint0"]}
    techs = {t.id: t for t in problem.techs}
    assert techs[shop["tech0"]].shift == (8 * 60 + 30, 17 * 60 + 30)
    assert techs[shop["tech0"]].breaks == ((12 * 60, 13 * 60),)
    assert techs[shop["tech0b"]].skills == frozenset({"maintenance", "electrical"})
    assert (problem.day_start, problem.day_end) == (8 * 60 + 30, 18 * 60)
    assert problem.now == 0  # tomorrow: nothing has started yet
    jobs = {j.id: j for j in problem.jobs}
    waiting, booked = jobs[2 * wo], jobs[2 * b.booking_id + 1]
    assert (waiting.ready, waiting.promised, waiting.duration, waiting.bay_kind) == (600, 600, 45, "lift")
    assert waiting.current == (a.bay_id, a.technician_id, 600)
    assert (booked.skills, booked.duration, booked.current) == (frozenset({"electrical"}), 90,
                                                                (b.bay_id, b.technician_id, 840))
    assert ctx.jobs[2 * wo].work_order_id == wo and ctx.jobs[2 * wo].booking_id is None
    assert ctx.jobs[2 * b.booking_id + 1].reservation_id == _rid(conn, b.booking_id)


def test_save_plan_moves_defers_and_tells_customers_to_come_earlier(conn, shop):
    early = _book(conn, shop, "京D20001", ["MAINT_MINOR"], 16)
    gone = _book(conn, shop, "京D20002", ["MAINT_MINOR"], 11)
    problem, ctx = load_problem(conn, shop["s"], shop["day"])
    je, jg = 2 * early.booking_id + 1, 2 * gone.booking_id + 1
    other_bay = shop["lift0b"] if early.bay_id == shop["lift0"] else shop["lift0"]
    plan = Plan((Assignment(je, other_bay, early.technician_id, 9 * 60 + 30, 9 * 60 + 75),), (jg,), 0, 0, 0)
    result = save_plan(conn, shop["s"], shop["day"], problem, ctx, plan, "planner.test")
    assert (result.updated, result.inserted, result.released, result.notices) == (1, 0, 1, 1)
    row = conn.execute("SELECT bay_id, lower(period), upper(period), promised, updated_by FROM reservation "
                       "WHERE booking_id = %s AND status = 'held'", (early.booking_id,)).fetchone()
    assert row == (other_bay, _at(shop["day"], 9, 30), _at(shop["day"], 10, 15), True, "planner.test")
    assert conn.execute("SELECT status FROM reservation WHERE booking_id = %s", (gone.booking_id,)).fetchone()[0] \
        == "released"
    note = conn.execute("SELECT booking_id, old_start, new_start, message FROM customer_notice WHERE store_id = %s",
                        (shop["s"],)).fetchall()
    assert [(n[0], n[1], n[2]) for n in note] == [(early.booking_id, _at(shop["day"], 16), _at(shop["day"], 9, 30))]
    assert "09:30" in note[0][3] and "16:00" in note[0][3]
    board = board_plan(conn, shop["s"], shop["day"])
    assert [(r.booking_id, r.bay_id, r.start) for r in board] == [(early.booking_id, other_bay,
                                                                   _at(shop["day"], 9, 30))]
    assert board[0].label.startswith("京D20001 ") and board[0].promised and not board[0].arrived


def test_save_plan_may_swap_two_jobs_and_refuses_a_plan_that_no_longer_fits(conn, shop):
    a = _book(conn, shop, "京D30001", ["MAINT_MINOR"], 10)
    b = _book(conn, shop, "京D30002", ["MAINT_MINOR"], 10)
    problem, ctx = load_problem(conn, shop["s"], shop["day"])
    ja, jb = 2 * a.booking_id + 1, 2 * b.booking_id + 1
    swap = Plan((Assignment(ja, b.bay_id, b.technician_id, 600, 645), Assignment(jb, a.bay_id, a.technician_id, 600,
                                                                                 645)), (), 0, 0, 0)
    assert save_plan(conn, shop["s"], shop["day"], problem, ctx, swap, "planner.test").updated == 2
    assert conn.execute("SELECT bay_id FROM reservation WHERE booking_id = %s AND status = 'held'",
                        (a.booking_id,)).fetchone()[0] == b.bay_id
    # a plan made before a new booking came in and now overlapping it is refused as a whole
    problem, ctx = load_problem(conn, shop["s"], shop["day"])
    late = _book(conn, shop, "京D30003", ["MAINT_MINOR"], 15)
    stale = Plan((Assignment(ja, late.bay_id, late.technician_id, 15 * 60, 15 * 60 + 45),), (), 0, 0, 0)
    with pytest.raises(DomainError, match="plan again"):
        save_plan(conn, shop["s"], shop["day"], problem, ctx, stale, "planner.test")
    assert conn.execute("SELECT bay_id, lower(period) FROM reservation WHERE booking_id = %s AND status = 'held'",
                        (a.booking_id,)).fetchone() == (b.bay_id, _at(shop["day"], 10))


def test_move_reservation_refuses_each_rule_with_a_reason_and_moves_when_all_is_well(conn, shop):
    s, day = shop, shop["day"]
    job = _book(conn, s, "京D40001", ["MAINT_MINOR"], 9, 30, bay_id=s["lift0"], technician_id=s["tech0"])
    elec = _book(conn, s, "京D40002", ["ELEC"], 14)  # 李师傅 on some lift 14:00-15:30
    other_lift = s["lift0b"] if elec.bay_id == s["lift0"] else s["lift0"]
    rid = _rid(conn, job.booking_id)
    cases = [
        ("bay_kind", s["paint0"], s["tech0"], _at(day, 10)),
        ("off_shift", s["lift0"], s["tech0"], _at(day, 17)),  # 张师傅 ends 17:30
        ("break", s["lift0"], s["tech0"], _at(day, 12, 15)),
        ("store_hours", s["lift0"], s["tech0"], _at(day, 7, 30)),
        ("bay_busy", elec.bay_id, s["tech0"], _at(day, 14, 30)),
        ("tech_busy", other_lift, s["tech0b"], _at(day, 15)),
        ("past", s["lift0"], s["tech0"], _at(day, 10) - timedelta(days=2)),
    ]
    for reason, bay, tech, start in cases:
        with pytest.raises(MoveRefused) as info:
            move_reservation(conn, rid, bay, tech, start, "planner.test")
        assert isinstance(info.value, PlanMoveRefused) and info.value.reason == reason, (reason, str(info.value))
        assert str(info.value).endswith(".")
    elec_rid = _rid(conn, elec.booking_id)
    with pytest.raises(PlanMoveRefused) as info:
        move_reservation(conn, elec_rid, elec.bay_id, s["tech0"], _at(day, 14), "planner.test")
    assert info.value.reason == "skill" and "electrical" in str(info.value)
    with pytest.raises(PlanMoveRefused) as info:
        move_reservation(conn, 10**12, s["lift0"], s["tech0"], _at(day, 10), "planner.test")
    assert info.value.reason == "unknown"
    # nothing changed by the refusals; then a move that breaks no rule
    assert conn.execute("SELECT bay_id, technician_id, lower(period) FROM reservation WHERE id = %s",
                        (rid,)).fetchone() == (s["lift0"], s["tech0"], _at(day, 9, 30))
    move_reservation(conn, rid, other_lift, s["tech0b"], _at(day, 11), "planner.test")
    assert conn.execute("SELECT bay_id, technician_id, lower(period), upper(period), promised FROM reservation "
                        "WHERE id = %s", (rid,)).fetchone() == (other_lift, s["tech0b"], _at(day, 11),
                                                                _at(day, 11, 45), False)
    assert conn.execute("SELECT count(*) FROM audit_log WHERE entity = 'reservation' AND entity_id = %s",
                        (str(rid),)).fetchone()[0] == 1


def test_a_greedy_plan_of_the_loaded_day_saves_without_overlaps(conn, shop):
    from services.dispatch.greedy import greedy_plan

    for i, hh in enumerate((9, 9, 10, 11, 11, 14, 15)):
        _book(conn, shop, f"京D5000{i}", ["MAINT_MINOR"] if i % 3 else ["ELEC"], hh)
    problem, ctx = load_problem(conn, shop["s"], shop["day"])
    plan = greedy_plan(problem)
    result = save_plan(conn, shop["s"], shop["day"], problem, ctx, plan, "planner.test")
    assert result.updated == len(plan.assignments) and result.released == len(plan.deferred)
    held = {(r.bay_id, r.technician_id, r.start) for r in board_plan(conn, shop["s"], shop["day"])}
    assert held == {(a.bay_id, a.tech_id, ctx.at(a.start)) for a in plan.assignments}


def test_technicians_are_recommended_for_a_waiting_work_order(conn, shop):
    from datetime import datetime

    from services.booking.technicians import recommend_for_work_order
    from services.network import CHINA

    now = datetime.now(CHINA)
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    for tech in (shop["tech0"], shop["tech0b"]):
        conn.execute("INSERT INTO shift (technician_id, store_id, work_date, period) VALUES (%s, %s, %s, "
                     "tstzrange(%s, %s))", (tech, shop["s"], now.date(), start, start + timedelta(hours=9)))
    wo = conn.execute("SELECT terminal.check_in(%s, %s, '京D60001', ARRAY['ELEC'])", (uuid.uuid4(), shop["s"])
                      ).fetchone()[0]
    recs = recommend_for_work_order(conn, wo, now=now)
    assert [r.tech_id for r in recs] == [shop["tech0b"], shop["tech0"]]  # only 李师傅 does electrical work
    assert recs[0].score > recs[1].score == 0 and recs[0].reasons and recs[0].earliest_start is not None
    with pytest.raises(DomainError):
        recommend_for_work_order(conn, 10**12)
