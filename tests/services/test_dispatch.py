"""Dispatch engine: check_plan, FCFS, greedy and CP-SAT plans on hand-made and generated store-days."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from services.dispatch import scenarios as S
from services.dispatch.common import actual_minutes, evaluate
from services.dispatch.cpsat import solve
from services.dispatch.greedy import check_plan, fcfs_plan, greedy_plan
from services.dispatch.model import Assignment, DBay, DispatchProblem, DJob, DTech, Plan
from services.dispatch.technicians import recommend_technicians

MAINT = frozenset({"maintenance"})
ELEC = frozenset({"electrical"})


def small_problem(**kw) -> DispatchProblem:
    bays = (DBay(1, "lift"), DBay(2, "lift"), DBay(3, "alignment"))
    techs = (
        DTech(1, frozenset({"maintenance", "electrical", "diagnostics"}), (480, 1050), ((720, 780),), level=5,
              rating=95, speed=1.0),
        DTech(2, frozenset({"maintenance"}), (480, 1050), ((720, 780),), level=2, rating=80, speed=1.0),
    )
    jobs = (
        DJob(1, MAINT, "lift", 60, 500),
        DJob(2, MAINT, "lift", 60, 505),
        DJob(3, ELEC, "lift", 90, 510),
        DJob(4, ELEC, "lift", 90, 515),
    )
    base = dict(store_id=1, now=510, day_start=510, day_end=1080, bays=bays, techs=techs, jobs=jobs)
    base.update(kw)
    return DispatchProblem(**base)


def plan_of(problem, assignments) -> Plan:
    from services.dispatch.greedy import build_plan

    return build_plan(problem, assignments, status="test", method="test")


# ---------------------------------------------------------------------------------------------- check_plan


def test_check_plan_reports_every_broken_rule():
    p = small_problem()
    good = fcfs_plan(p)
    assert check_plan(p, good) == []
    bad = [
        Assignment(1, 3, 2, 400, 460),  # before now and ready
        Assignment(2, 2, 2, 660, 720),  # overlaps job 3 on technician 2
        Assignment(3, 1, 2, 700, 790),  # tech 2 lacks electrical, crosses the break
        Assignment(4, 1, 1, 1055, 1145),  # after the last start, beyond the shift
    ]
    msgs = check_plan(p, plan_of(p, bad))
    text = "\n".join(msgs)
    assert "before" in text and "lacks" in text and "break" in text and "last start" in text
    assert "shift" in text and "overlap on technician 2" in text
    assert any("job 3" in m and "lacks" in m for m in msgs)
    # A wrong duration, an unknown bay kind and a missing job are caught too.
    msgs = check_plan(p, Plan((Assignment(1, 1, 1, 600, 630),), (2, 3), 0, 0, 0))
    assert any("lasts 30" in m for m in msgs) and any("job 4 is neither" in m for m in msgs)


def test_bay_kinds_and_speed_make_the_duration():
    p = small_problem(techs=(DTech(7, MAINT, (480, 1050), speed=1.25),),
                      jobs=(DJob(1, MAINT, "alignment", 50, 510),))
    plan = fcfs_plan(p)
    (a,) = plan.assignments
    assert a.bay_id == 3 and a.end - a.start == 40 == actual_minutes(p.jobs[0], p.techs[0])
    assert check_plan(p, plan) == []


# ---------------------------------------------------------------------------------------------- FCFS and greedy


def test_fcfs_takes_jobs_in_arrival_order_at_the_earliest_start():
    p = small_problem()
    plan = fcfs_plan(p)
    a = plan.by_job()
    # Job 1 arrived first and gets the lowest bay and technician (the electrician: FCFS wastes him).
    assert (a[1].bay_id, a[1].tech_id, a[1].start) == (1, 1, 510)
    assert (a[2].tech_id, a[2].start) == (2, 510)
    assert a[3].tech_id == 1 and a[3].start == 570  # waits behind the maintenance job
    assert plan.status == "fcfs" and check_plan(p, plan) == []


def test_greedy_keeps_the_versatile_technician_free_and_is_not_worse_than_fcfs():
    p = small_problem()
    f, g = fcfs_plan(p), greedy_plan(p)
    assert check_plan(p, g) == []
    assert g.objective <= f.objective
    assert g.total_wait < f.total_wait
    assert g.by_job()[3].start == 510  # the electrician starts his electrical job at once


def test_started_jobs_stay_where_they_are_and_block_their_resources():
    p = small_problem(now=540, jobs=small_problem().jobs[:3] + (DJob(9, MAINT, "lift", 120, 480, fixed=(2, 2, 500)),))
    for plan in (fcfs_plan(p), greedy_plan(p), solve(p, 0.5)):
        assert check_plan(p, plan) == []
        a = plan.by_job()[9]
        assert (a.bay_id, a.tech_id, a.start, a.end) == (2, 2, 500, 620)
        assert all(x.start >= 540 for x in plan.assignments if x.job_id != 9)
        assert all(not (x.bay_id == 2 and x.start < 620) for x in plan.assignments if x.job_id != 9)
    best = solve(p, 3.0)
    assert best.bound == pytest.approx(best.objective, abs=0.02)  # solved to optimality, started job included
    assert best.objective <= greedy_plan(p).objective


def test_a_job_that_cannot_fit_is_deferred_not_infeasible():
    jobs = (DJob(1, MAINT, "lift", 60, 500), DJob(2, frozenset({"paint"}), "paint", 60, 500),
            DJob(3, MAINT, "lift", 400, 990), DJob(4, MAINT, "lift", 30, 1060))
    p = small_problem(jobs=jobs)
    for plan in (fcfs_plan(p), greedy_plan(p), solve(p, 0.5)):
        assert check_plan(p, plan) == []
        assert set(plan.deferred) == {2, 3, 4}  # no paint bay/skill, too long for the day, after the last start
        assert plan.objective >= 3 * 5000


@pytest.mark.parametrize("kind", S.KINDS)
def test_generated_days_give_valid_plans_everywhere(kind):
    p = S.day_of_kind(kind, 30, 3)
    assert len(p.jobs) == 30 and 6 <= len(p.techs) <= 10
    assert S.day_of_kind(kind, 30, 3) == p  # deterministic
    for plan in (fcfs_plan(p), greedy_plan(p)):
        assert check_plan(p, plan) == []


def test_greedy_is_fast_enough_for_a_flagship_day():
    p = S.busy_day(150, 1)
    t = time.perf_counter()
    g = greedy_plan(p)
    assert check_plan(p, g) == [] and time.perf_counter() - t < 5  # the figure itself is a benchmark's


# ---------------------------------------------------------------------------------------------- CP-SAT


@pytest.mark.parametrize("kind,n", [("busy", 30), ("scarce_skill", 30), ("absent_after_lunch", 40),
                                    ("walk_in_surge", 40)])
def test_solve_is_valid_and_never_worse_than_greedy_or_fcfs(kind, n):
    p = S.day_of_kind(kind, n, 11)
    f, g = fcfs_plan(p), greedy_plan(p)
    plan = solve(p, 1.0)
    assert check_plan(p, plan) == []
    assert plan.objective <= g.objective + 1e-9
    assert len(plan.deferred) <= len(f.deferred)
    assert plan.total_wait <= f.total_wait + 1e-9
    assert plan.bound is None or plan.bound <= plan.objective + 1e-6
    assert evaluate(p, plan.assignments).objective == pytest.approx(plan.objective)


def test_solve_improves_a_small_day_to_optimality():
    p = small_problem()
    plan = solve(p, 5.0)
    assert plan.status in ("optimal", "optimal-hint")
    assert plan.bound == pytest.approx(plan.objective, abs=0.02)
    assert plan.total_wait <= greedy_plan(p).total_wait


def test_scarce_skill_day_fewer_deferred_than_fcfs():
    # FCFS gives the only electrician the morning's maintenance jobs: electrical jobs pile up behind.
    better = 0
    for seed in range(3):
        p = S.scarce_skill_day(40, seed)
        f = fcfs_plan(p)
        plan = solve(p, 1.0)
        assert check_plan(p, plan) == []
        assert (len(plan.deferred), plan.total_wait) <= (len(f.deferred), f.total_wait)
        better += (len(plan.deferred), plan.total_wait) < (len(f.deferred), f.total_wait)
    assert better >= 2


def test_solve_with_current_plan_keeps_it_when_moving_costs_more():
    p = small_problem()
    first = solve(p, 1.0)
    cur = {a.job_id: (a.bay_id, a.tech_id, a.start) for a in first.assignments}
    p2 = replace(p, jobs=tuple(replace(j, current=cur.get(j.id), promised=cur[j.id][2]) for j in p.jobs))
    again = solve(p2, 1.0, hint=first, move_penalty=50.0)
    assert check_plan(p2, again) == [] and again.moved == ()


def test_cancel_returns_quickly_with_a_valid_plan():
    p = S.busy_day(80, 4)
    cancel = threading.Event()
    threading.Timer(0.4, cancel.set).start()
    t = time.perf_counter()
    plan = solve(p, 30.0, cancel=cancel)
    assert time.perf_counter() - t < 3.0
    assert plan.status in ("cancelled",) and check_plan(p, plan) == []
    assert plan.objective <= greedy_plan(p).objective + 1e-9


def test_an_invalid_hint_is_ignored():
    p = small_problem()
    bogus = Plan((Assignment(1, 1, 2, 100, 160),), (), 0, 0, 0)
    plan = solve(p, 0.5, hint=bogus)
    assert check_plan(p, plan) == []


# ---------------------------------------------------------------------------------------------- technicians


def test_recommend_technicians_ranks_and_explains():
    p = small_problem()
    recs = recommend_technicians(p, 1)
    assert [r.tech_id for r in recs] == [2, 1]  # the specialist in maintenance, keeping the all-rounder free
    skill = next(r for r in recs[1].reasons if r.factor == "skill")
    assert "电气" in skill.zh and "electrical" in skill.en and "better kept free" in skill.en
    assert {r.factor for r in recs[0].reasons} == {"skill", "load", "rating", "start"}
    assert recs[0].earliest_start == 510
    assert 0 < recs[0].score <= 100

    elec = recommend_technicians(p, 3)
    assert elec[0].tech_id == 1 and elec[-1].tech_id == 2
    assert elec[-1].score == 0 and elec[-1].earliest_start is None
    assert "缺少电气" in elec[-1].reasons[0].zh and "lacks electrical" in elec[-1].reasons[0].en


def test_recommend_technicians_counts_load_and_start_from_the_plan():
    jobs = small_problem().jobs + (DJob(5, MAINT, "lift", 60, 520), DJob(6, MAINT, "lift", 60, 520))
    p = small_problem(jobs=jobs)
    # Technician 2 is busy until 11:30 in this plan and lunches at 12:00, technician 1 is free.
    plan = plan_of(p, [Assignment(1, 1, 2, 510, 570), Assignment(2, 2, 2, 570, 630), Assignment(6, 3, 2, 630, 690)])
    recs = recommend_technicians(p, 5, plan)
    by = {r.tech_id: r for r in recs}
    assert by[2].earliest_start == 780 and by[1].earliest_start == 520
    load2 = next(r for r in by[2].reasons if r.factor == "load")
    assert "180 min" in load2.en and "180 分钟" in load2.zh
    assert recs[0].tech_id == 1


# ---------------------------------------------------------------------------------------------- bays by kind


def test_colour_bays_keeps_staying_jobs_on_their_bay_and_fills_the_rest():
    from services.dispatch.common import base_board
    from services.dispatch.greedy import colour_bays

    bays = (DBay(1, "lift"), DBay(2, "lift"), DBay(3, "alignment"))
    techs = tuple(DTech(i, MAINT, (480, 1050)) for i in (1, 2, 3))
    jobs = (DJob(1, MAINT, "lift", 60, 510, current=(2, 1, 600)), DJob(2, MAINT, "lift", 60, 510),
            DJob(3, MAINT, "lift", 60, 510))
    p = small_problem(bays=bays, techs=techs, jobs=jobs)
    board, _ = base_board(p)
    # Two lifts: job 1 stays at (lift 2, tech 1, 10:00); job 2 (9:30–10:30) must not take lift 2.
    items = [(2, "lift", 2, 570, 630, None), (1, "lift", 1, 600, 660, (2, 1, 600)), (3, "alignment", 3, 600, 660,
                                                                                       None)]
    out = {a.job_id: a for a in colour_bays(p, board, items)}
    assert out[1].bay_id == 2 and out[2].bay_id == 1 and out[3].bay_id == 3
    assert check_plan(p, plan_of(p, out.values())) == []
    # Three lift jobs at once on two lifts cannot be coloured: the caller gets None.
    assert colour_bays(p, board, [(i, "lift", i, 600, 660, None) for i in (1, 2, 3)]) is None


def test_identical_lifts_are_one_pool_and_the_plan_names_real_bays():
    p = S.busy_day(60, 5)
    plan = solve(p, 1.0)
    assert check_plan(p, plan) == []
    kinds = {b.id: b.kind for b in p.bays}
    lifts = [a for a in plan.assignments if kinds[a.bay_id] == "lift"]
    assert len({a.bay_id for a in lifts}) > 1  # the pool was spread over the lifts


def test_local_search_is_valid_within_the_guard_and_not_worse_than_greedy():
    from services.dispatch.greedy import improve

    for kind in ("busy", "walk_in_surge"):
        p = S.day_of_kind(kind, 45, 21)
        f, g = fcfs_plan(p), greedy_plan(p)
        guard = (len(f.deferred), f.total_wait)
        plan = improve(p, 0.3, guard=guard)
        assert plan is not None and check_plan(p, plan) == []
        assert len(plan.deferred) <= guard[0] and plan.total_wait <= guard[1] + 1e-9
        if g.method != "fcfs":  # the greedy's own best order is where the search starts
            assert plan.objective <= g.objective + 1e-9
        assert plan.extras["local_tries"] > 0
