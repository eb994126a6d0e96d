"""Re-planning a store-day after an event (no-show, walk-in, overrun, early finish, technician absent) with
minimal disruption, and the "come earlier" notices that follow.

Only the jobs whose place became infeasible must move; after a no-show or an early finish another job may be
pulled earlier, and only when its customer gains at least MIN_GAIN minutes (moving a promised job costs more
than an unpromised one, so those go first); nothing else moves and nothing moves later by choice.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

from services.model import DomainError

from .common import actual_minutes, base_board, earliest_start, latest_start
from .cpsat import solve
from .greedy import build_plan, place_jobs
from .model import BAY_ACCEPTS, Assignment, DispatchProblem, DJob, EarlierNotice, Plan

REPLAN_MOVE_PENALTY = 20.0  # weighted minutes per moved job (× PROMISED_MOVE_FACTOR when promised)
MIN_GAIN = 15  # minutes a job must gain to be pulled earlier when it need not move


class EventRejected(DomainError):
    """An event that does not fit the day (unknown job or technician, a started job that cannot no-show)."""


@dataclass(frozen=True, slots=True)
class NoShow:
    job_id: int
    now: int | None = None  # when it happened (the new planning moment); None keeps the problem's


@dataclass(frozen=True, slots=True)
class WalkIn:
    job: DJob
    now: int | None = None


@dataclass(frozen=True, slots=True)
class Overrun:
    """A job takes `extra_minutes` more (actual minutes of its technician) than planned."""

    job_id: int
    extra_minutes: int
    now: int | None = None


@dataclass(frozen=True, slots=True)
class EarlyFinish:
    """A started job finished (or will finish) at minute `at`, before its planned end."""

    job_id: int
    at: int
    now: int | None = None


@dataclass(frozen=True, slots=True)
class TechAbsent:
    """A technician is away from `from_minute` to the end of his shift."""

    tech_id: int
    from_minute: int
    now: int | None = None


Event = NoShow | WalkIn | Overrun | EarlyFinish | TechAbsent


def _job(problem: DispatchProblem, job_id: int) -> DJob:
    for j in problem.jobs:
        if j.id == job_id:
            return j
    raise EventRejected(f"Job {job_id} is not on today's plan; refresh the board and try again.")


def _duration_for(actual: int, speed: float, up: bool) -> int:
    """Standard minutes whose actual minutes with `speed` are `actual` (at least, or at most when not up)."""
    if up:
        d = max(1, math.floor((actual - 1) * speed))
        while math.ceil(d / speed - 1e-9) < actual:
            d += 1
        return d
    return max(1, math.floor(actual * speed + 1e-9))


def apply_event(problem: DispatchProblem, plan: Plan, event: Event) -> DispatchProblem:
    """The problem after the event: every job carries `current` from the plan in force, jobs planned to start
    before the new `now` count as started (fixed), and the event's change is applied."""
    now = problem.now if event.now is None else max(problem.now, event.now)
    if isinstance(event, EarlyFinish) and event.now is None:
        now = max(now, event.at)
    by_job = plan.by_job()
    techs = {t.id: t for t in problem.techs}
    jobs: list[DJob] = []
    for j in problem.jobs:
        a = by_job.get(j.id)
        cur = (a.bay_id, a.tech_id, a.start) if a is not None else None
        fixed = j.fixed
        if fixed is None and a is not None and a.start < now:
            fixed = cur  # it has started as planned
        jobs.append(replace(j, current=cur if fixed is None else None, fixed=fixed))
    new_techs = list(problem.techs)
    if isinstance(event, NoShow):
        job = _job(problem, event.job_id)
        if any(j.id == job.id and j.fixed is not None for j in jobs):
            raise EventRejected(f"Job {job.id} has already started, so it cannot be a no-show; finish or "
                                "cancel it instead.")
        jobs = [j for j in jobs if j.id != job.id]
    elif isinstance(event, WalkIn):
        if any(j.id == event.job.id for j in jobs):
            raise EventRejected(f"Job {event.job.id} is already on today's plan; give the walk-in a new number.")
        jobs.append(replace(event.job, current=None, fixed=None))
    elif isinstance(event, Overrun):
        _job(problem, event.job_id)
        if event.extra_minutes <= 0:
            raise EventRejected("An overrun needs a positive number of extra minutes.")
        out = []
        for j in jobs:
            if j.id == event.job_id:
                place = j.fixed or j.current
                tech = techs.get(place[1]) if place else None
                speed = tech.speed if tech is not None else 1.0
                actual = math.ceil(j.duration / speed - 1e-9) + event.extra_minutes
                j = replace(j, duration=_duration_for(actual, speed, up=True))
            out.append(j)
        jobs = out
    elif isinstance(event, EarlyFinish):
        job = next(j for j in jobs if j.id == _job(problem, event.job_id).id)
        if job.fixed is None:
            raise EventRejected(f"Job {job.id} has not started, so it cannot finish early; start it first.")
        if event.at <= now:
            jobs = [j for j in jobs if j.id != job.id]  # done: it holds nothing from now on
        else:
            tech = techs.get(job.fixed[1])
            speed = tech.speed if tech is not None else 1.0
            d = _duration_for(max(1, event.at - job.fixed[2]), speed, up=False)
            jobs = [replace(j, duration=d) if j.id == job.id else j for j in jobs]
    elif isinstance(event, TechAbsent):
        if event.tech_id not in techs:
            raise EventRejected(f"Technician {event.tech_id} is not on duty today; pick one from the board.")
        t = techs[event.tech_id]
        end = max(t.shift[0], min(t.shift[1], event.from_minute))
        breaks = tuple((a, min(b, end)) for a, b in t.breaks if a < end)
        new_techs = [replace(t, shift=(t.shift[0], end), breaks=breaks) if t.id == event.tech_id else t
                     for t in problem.techs]
    else:
        raise EventRejected(f"Unknown event {event!r}.")
    return replace(problem, now=now, jobs=tuple(jobs), techs=tuple(new_techs))


def repair(problem: DispatchProblem, move_penalty: float = REPLAN_MOVE_PENALTY) -> Plan:
    """The cheap repair: keep every job whose current place is still feasible (earliest first), then place
    the jobs that must move and the new ones at their earliest start. extras["must_move"] counts the former."""
    return _repair(problem, move_penalty)[0]


def _repair(problem: DispatchProblem, move_penalty: float) -> tuple[Plan, list[int], list[int]]:
    """The repaired plan, the ids of the jobs that had to move and of those kept in place."""
    t0 = time.perf_counter()
    board, fixed = base_board(problem)
    bays = {b.id: b for b in problem.bays}
    techs = {t.id: t for t in problem.techs}
    hi = latest_start(problem)
    kept: list[Assignment] = []
    must: list[DJob] = []
    fresh: list[DJob] = []
    for j in sorted((j for j in problem.jobs if j.fixed is None), key=lambda j: (j.current or (0, 0, 1 << 30))[2]):
        if j.current is None:
            fresh.append(j)
            continue
        b, t, s = j.current
        bay, tech = bays.get(b), techs.get(t)
        ok = bay is not None and tech is not None and bay.kind in BAY_ACCEPTS.get(j.bay_kind, (j.bay_kind,))
        ok = ok and j.skills <= tech.skills and earliest_start(problem, j) <= s <= hi
        if ok:
            e = s + actual_minutes(j, tech)
            ok = (tech.shift[0] <= s and e <= tech.shift[1] and board.bays[b].conflict(s, e) is None
                  and board.techs[t].conflict(s, e) is None)
        if ok:
            a = Assignment(j.id, b, t, s, e)
            board.place(a)
            kept.append(a)
        else:
            must.append(j)
    must.sort(key=lambda j: (j.promised if j.promised is not None else j.ready, j.id))
    fresh.sort(key=lambda j: (j.ready, j.id))
    placed = place_jobs(problem, must + fresh, board)
    plan = build_plan(problem, fixed + kept + placed, status="repair", method="repair",
                      seconds=time.perf_counter() - t0, move_penalty=move_penalty,
                      extras={"must_move": float(len(must))})
    return plan, [j.id for j in must], [a.job_id for a in kept]


def replan(
    problem: DispatchProblem,
    plan: Plan,
    event: Event,
    time_limit: float = 0.35,
    move_penalty: float = REPLAN_MOVE_PENALTY,
    workers: int = 2,
    pin_unaffected: bool | None = None,
    min_gain: int = MIN_GAIN,
) -> Plan:
    """The plan after the event: the cheap repair, then CP-SAT with a strong move penalty hinted with it
    (never worse than the repair by the objective). `moved` lists the jobs whose place changed.

    Minimal disruption: the jobs whose place became infeasible (extras["must_move"]) move; every other job
    stays where it is, except after an event that frees capacity (no-show, early finish), where one may be
    pulled earlier, and only by at least `min_gain` minutes (a real gain for that customer, who then gets a
    "come earlier" notice when he was promised a time); promised jobs cost PROMISED_MOVE_FACTOR times more
    to move than unpromised ones, so the solver prefers pulling those. pin_unaffected=True forbids any
    voluntary move; False allows them after any event. extras: must_move, moved_must, moved_voluntary,
    moved_promised (voluntary moves of promised jobs), repair_objective, repair_moved.
    """
    t0 = time.perf_counter()
    new = apply_event(problem, plan, event)
    rep, must, kept = _repair(new, move_penalty)
    if pin_unaffected is None:
        pin_unaffected = not isinstance(event, NoShow | EarlyFinish)
    rest = time_limit - (time.perf_counter() - t0)
    out = solve(new, rest, hint=rep, workers=workers, move_penalty=move_penalty, guard_fcfs=False,
                baselines=False, pinned=frozenset(kept) if pin_unaffected else frozenset(),
                earlier_only=frozenset() if pin_unaffected else frozenset(kept), min_gain=min_gain)
    must_set = set(must)
    jobs = {j.id: j for j in new.jobs}
    voluntary = [jid for jid in out.moved if jid not in must_set]
    return replace(out, solve_seconds=time.perf_counter() - t0,
                   extras={**out.extras, "must_move": float(len(must)),
                           "moved_must": float(len(out.moved) - len(voluntary)),
                           "moved_voluntary": float(len(voluntary)),
                           "moved_promised": float(sum(jobs[j].promised is not None for j in voluntary)),
                           "repair_objective": rep.objective, "repair_moved": float(len(rep.moved))})


def earlier_notices(old_plan: Plan, new_plan: Plan, problem: DispatchProblem, min_gain: int = 15
                    ) -> list[EarlierNotice]:
    """Promised jobs that can now start at least `min_gain` minutes earlier than before: the "come earlier"
    notices for their customers (old start = the old plan's, or the promised start when it had none)."""
    old = old_plan.by_job()
    out = []
    for a in new_plan.assignments:
        job = next((j for j in problem.jobs if j.id == a.job_id), None)
        if job is None or job.promised is None or job.fixed is not None:
            continue
        before = old[a.job_id].start if a.job_id in old else job.promised
        if a.start <= before - min_gain:
            out.append(EarlierNotice(a.job_id, before, a.start))
    return sorted(out, key=lambda n: (n.new_start, n.job_id))
