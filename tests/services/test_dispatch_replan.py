"""Re-planning after events with minimal disruption, and the "come earlier" notices."""

from __future__ import annotations

import pytest

from services.dispatch import scenarios as S
from services.dispatch.cpsat import solve
from services.dispatch.greedy import build_plan, check_plan
from services.dispatch.model import Assignment, DBay, DispatchProblem, DJob, DTech
from services.dispatch.replan import (
    EarlyFinish,
    EventRejected,
    NoShow,
    Overrun,
    TechAbsent,
    WalkIn,
    apply_event,
    earlier_notices,
    replan,
)

MAINT = frozenset({"maintenance"})
ELEC = frozenset({"electrical"})


def electrician_day():
    """One electrician: B (promised 10:00) then C (in the store since 9:00, promised 11:40 behind B)."""
    bays = (DBay(1, "lift"), DBay(2, "lift"))
    techs = (DTech(1, ELEC, (480, 1050), ((780, 840),)), DTech(2, MAINT, (480, 1050), ((720, 780),)))
    jobs = (
        DJob(1, ELEC, "lift", 100, 600, promised=600),  # B
        DJob(2, ELEC, "lift", 60, 540, promised=700),  # C
        DJob(3, MAINT, "lift", 60, 620, promised=620),  # D
        DJob(4, MAINT, "lift", 60, 560, fixed=(2, 2, 560)),  # started
    )
    p = DispatchProblem(1, 590, 510, 1080, bays, techs, jobs)
    plan = build_plan(p, [Assignment(1, 1, 1, 600, 700), Assignment(2, 1, 1, 700, 760),
                          Assignment(3, 2, 2, 620, 680), Assignment(4, 2, 2, 560, 620)], status="x", method="x")
    assert check_plan(p, plan) == []
    return p, plan


def test_no_show_pulls_the_waiting_customer_forward_and_notifies_him():
    p, plan = electrician_day()
    new = replan(p, plan, NoShow(1))
    np_ = apply_event(p, plan, NoShow(1))
    assert check_plan(np_, new) == []
    assert new.by_job()[2].start == 590 and new.moved == (2,)
    assert new.by_job()[3].start == 620  # D does not move: nothing to gain
    notices = earlier_notices(plan, new, np_)
    assert [(n.job_id, n.old_start, n.new_start) for n in notices] == [(2, 700, 590)]


def test_no_show_with_a_small_gain_moves_nobody_promised():
    p, plan = electrician_day()
    # B is short: C would gain only 10 minutes, less than the move penalty of a promised job.
    p2 = DispatchProblem(p.store_id, p.now, p.day_start, p.day_end, p.bays, p.techs,
                         (DJob(1, ELEC, "lift", 10, 680, promised=680),) + p.jobs[1:])
    plan2 = build_plan(p2, [Assignment(1, 1, 1, 680, 690), Assignment(2, 1, 1, 690, 750),
                            Assignment(3, 2, 2, 620, 680), Assignment(4, 2, 2, 560, 620)], status="x", method="x")
    assert check_plan(p2, plan2) == []
    new = replan(p2, plan2, NoShow(1, now=670))
    assert new.moved == () and earlier_notices(plan2, new, apply_event(p2, plan2, NoShow(1, now=670))) == []


def test_overrun_moves_only_the_job_behind():
    p, plan = electrician_day()
    # The started job 4 overruns by 40 minutes: D (planned at 10:20 on the same bay and technician) must move.
    new = replan(p, plan, Overrun(4, 40))
    np_ = apply_event(p, plan, Overrun(4, 40))
    assert check_plan(np_, new) == []
    assert new.by_job()[4].end == 660 and new.moved == (3,) and new.extras["must_move"] == 1
    assert new.by_job()[3].start >= 590


def test_walk_in_is_placed_without_moving_anyone():
    p, plan = electrician_day()
    walk = DJob(9, MAINT, "lift", 30, 595)
    new = replan(p, plan, WalkIn(walk))
    assert check_plan(apply_event(p, plan, WalkIn(walk)), new) == []
    assert 9 in new.by_job() and new.moved == ()


def test_early_finish_frees_the_bay_and_keeps_started_jobs():
    p, plan = electrician_day()
    new = replan(p, plan, EarlyFinish(4, 600, now=600))
    np_ = apply_event(p, plan, EarlyFinish(4, 600, now=600))
    assert 4 not in {j.id for j in np_.jobs}  # done: it holds nothing any more
    assert check_plan(np_, new) == []
    # Job 1 was planned at 10:00 = now: it counts as started and stays.
    assert new.by_job()[1].start == 600 and 1 not in new.moved


@pytest.mark.parametrize("seed", [1, 2])
def test_tech_absent_moves_only_that_technicians_later_jobs(seed):
    p = S.busy_day(40, seed)
    plan = solve(p, 1.0)
    tech = max(p.techs, key=lambda t: sum(1 for a in plan.assignments if a.tech_id == t.id and a.start >= 780))
    ev = TechAbsent(tech.id, 780, now=600)
    new = replan(p, plan, ev)
    np_ = apply_event(p, plan, ev)
    assert check_plan(np_, new) == []
    hit = {a.job_id for a in plan.assignments if a.tech_id == tech.id and a.end > 780 and a.start >= 600}
    assert hit and set(new.moved) <= hit
    assert new.extras["must_move"] == len(hit)
    assert all(a.tech_id != tech.id or a.end <= 780 for a in new.assignments if a.start >= 600)
    # Started jobs (planned before now) never move.
    old = plan.by_job()
    for a in new.assignments:
        if old.get(a.job_id) and old[a.job_id].start < 600:
            assert (a.bay_id, a.tech_id, a.start) == (old[a.job_id].bay_id, old[a.job_id].tech_id,
                                                      old[a.job_id].start)


@pytest.mark.parametrize("kind", ["noshow", "walkin", "overrun", "early", "absent"])
def test_every_event_on_a_generated_day_gives_a_valid_plan(kind):
    p = S.walk_in_surge_day(50, 5)
    plan = solve(p, 1.0)
    running = [a for a in plan.assignments if a.start < 620 < a.end]
    later = [a for a in plan.assignments if a.start >= 660]
    ev = {"noshow": NoShow(later[0].job_id, now=620),
          "walkin": WalkIn(DJob(999, MAINT, "lift", 45, 620), now=620),
          "overrun": Overrun(running[0].job_id, 50, now=620),
          "early": EarlyFinish(running[0].job_id, 620, now=620),
          "absent": TechAbsent(later[0].tech_id, 700, now=620)}[kind]
    new = replan(p, plan, ev)
    np_ = apply_event(p, plan, ev)
    assert check_plan(np_, new) == []
    assert len(new.moved) <= max(new.extras["must_move"], 0) + (0 if kind in ("walkin", "overrun", "absent")
                                                                  else len(new.moved))
    if kind in ("walkin", "overrun", "absent"):
        assert len(new.moved) <= new.extras["must_move"]
    assert new.objective <= new.extras["repair_objective"] + 1e-9


def test_events_that_do_not_fit_are_refused_plainly():
    p, plan = electrician_day()
    with pytest.raises(EventRejected, match="already started"):
        apply_event(p, plan, NoShow(4))
    with pytest.raises(EventRejected, match="not on today's plan"):
        apply_event(p, plan, NoShow(77))
    with pytest.raises(EventRejected, match="not on duty"):
        apply_event(p, plan, TechAbsent(9, 700))
    with pytest.raises(EventRejected, match="already on today's plan"):
        apply_event(p, plan, WalkIn(DJob(2, MAINT, "lift", 30, 600)))


def vip_day():
    """One lift technician: A (promised 10:00, 14 minutes), then the VIP V (waiting since 8:50, not promised)
    at 10:14. A is a no-show at 10:00: V could start 14 minutes earlier."""
    bays = (DBay(1, "lift"),)
    techs = (DTech(1, MAINT, (480, 1050)),)
    jobs = (DJob(1, MAINT, "lift", 14, 600, promised=600), DJob(2, MAINT, "lift", 60, 530, weight=2.0))
    p = DispatchProblem(1, 510, 510, 1080, bays, techs, jobs)
    plan = build_plan(p, [Assignment(1, 1, 1, 600, 614), Assignment(2, 1, 1, 614, 674)], status="x", method="x")
    assert check_plan(p, plan) == []
    return p, plan


def test_no_show_pulls_a_job_earlier_only_for_a_real_gain():
    p, plan = vip_day()
    ev = NoShow(1, now=600)  # 14 minutes earlier for V would be worth 28 weighted minutes > the move penalty
    new = replan(p, plan, ev)
    assert check_plan(apply_event(p, plan, ev), new) == []
    assert new.moved == () and new.extras["moved_voluntary"] == 0
    # With a smaller threshold the same gain is taken: the threshold is what keeps V in place.
    eager = replan(p, plan, ev, min_gain=10)
    assert eager.moved == (2,) and eager.by_job()[2].start == 600 and eager.extras["moved_voluntary"] == 1


@pytest.mark.parametrize("seed", [3, 4])
def test_after_a_no_show_or_early_finish_only_real_gains_move(seed):
    p = S.busy_day(80, seed)
    plan = solve(p, 1.5)
    for now in (600, 720, 840):
        running = [a for a in plan.assignments if a.start < now < a.end]
        later = sorted((a for a in plan.assignments if a.start >= now + 30), key=lambda a: -(a.end - a.start))
        old = plan.by_job()
        for ev in (NoShow(later[0].job_id, now=now), EarlyFinish(running[0].job_id, now, now=now)):
            new = replan(p, plan, ev)
            assert check_plan(apply_event(p, plan, ev), new) == []
            got = new.by_job()
            assert new.extras["must_move"] == new.extras["moved_must"] == 0
            assert new.extras["moved_voluntary"] == len(new.moved)
            for jid in new.moved:
                assert got[jid].start <= old[jid].start - 15  # pulled earlier by a real gain, never later
