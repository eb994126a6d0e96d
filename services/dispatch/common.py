"""Shared pieces of the dispatch engine: eligibility, durations, busy timelines, the objective and check_plan.

Every planner (FCFS, greedy, CP-SAT, repair) and every test measures a plan with the same `evaluate` and
validates it with the same `check_plan`, so "never worse" compares like with like.

The objective, in weighted minutes (lower is better):
    Σ weight × wait  +  LATE_WEIGHT × Σ weight × lateness  +  DEFER_PENALTY × Σ weight over deferred jobs
    +  BALANCE_WEIGHT × (highest technician load in % of his shift)
    +  move_penalty × (PROMISED_MOVE_FACTOR if promised else 1) per job moved from its `current` place.
It is computed in integer units of 1/SCALE so that the CP-SAT model and `evaluate` agree exactly.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

from .model import BAY_ACCEPTS, Assignment, DBay, DispatchProblem, DJob, DTech

SCALE = 100  # integer objective units per weighted minute
DEFER_PENALTY = 5000.0  # weighted minutes per deferred job: fewer deferred jobs come first
LATE_WEIGHT = 1.0  # lateness against the promised start counts on top of the waiting
BALANCE_WEIGHT = 1.0  # per percentage point of the busiest technician's load (load balance)
DEFAULT_MOVE_PENALTY = 10.0  # weighted minutes per job moved from the plan in force
PROMISED_MOVE_FACTOR = 3.0  # moving a job whose start the customer was told costs this much more


def actual_minutes(job: DJob, tech: DTech) -> int:
    """Minutes the technician needs: the job's standard minutes divided by his speed, rounded up."""
    return max(1, math.ceil(job.duration / tech.speed - 1e-9))


def latest_start(problem: DispatchProblem) -> int:
    return problem.day_end - problem.last_start_margin


def earliest_start(problem: DispatchProblem, job: DJob) -> int:
    return max(problem.now, job.ready, problem.day_start)


def eligible_bays(problem: DispatchProblem, job: DJob) -> list[DBay]:
    kinds = BAY_ACCEPTS.get(job.bay_kind, (job.bay_kind,))
    return [b for b in problem.bays if b.kind in kinds]


def eligible_techs(problem: DispatchProblem, job: DJob) -> list[DTech]:
    return [t for t in problem.techs if job.skills <= t.skills]


def shift_minutes(tech: DTech) -> int:
    """Working minutes of the shift (breaks excluded), at least 1."""
    s, e = tech.shift
    brk = sum(max(0, min(b1, e) - max(b0, s)) for b0, b1 in tech.breaks)
    return max(1, e - s - brk)


class Timeline:
    """Busy intervals [start, end) of one bay or technician, kept sorted and merged."""

    __slots__ = ("starts", "ends")

    def __init__(self, intervals: tuple[tuple[int, int], ...] | list[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for s, e in intervals:
            self.add(s, e)

    def copy(self) -> Timeline:
        tl = Timeline()
        tl.starts = self.starts[:]
        tl.ends = self.ends[:]
        return tl

    def conflict(self, s: int, e: int) -> int | None:
        """The end of the first busy interval overlapping [s, e), or None when the span is free."""
        i = bisect_right(self.ends, s)
        if i < len(self.starts) and self.starts[i] < e:
            return self.ends[i]
        return None

    def add(self, s: int, e: int) -> None:
        if e <= s:
            return
        i = bisect_right(self.ends, s - 1)  # first interval ending at or after s (touching ones merge)
        j = i
        while j < len(self.starts) and self.starts[j] <= e:
            s = min(s, self.starts[j])
            e = max(e, self.ends[j])
            j += 1
        self.starts[i:j] = [s]
        self.ends[i:j] = [e]

    def remove(self, s: int, e: int) -> None:
        """Free [s, e) (used when a job is taken off the board)."""
        out: list[tuple[int, int]] = []
        for a, b in zip(self.starts, self.ends, strict=True):
            if b <= s or a >= e:
                out.append((a, b))
            else:
                if a < s:
                    out.append((a, s))
                if b > e:
                    out.append((e, b))
        self.starts = [a for a, _ in out]
        self.ends = [b for _, b in out]

    def busy_minutes(self) -> int:
        return sum(e - s for s, e in zip(self.starts, self.ends, strict=True))


def earliest_common(t: int, hi: int, d: int, bay: Timeline, tech: Timeline, shift_end: int) -> int | None:
    """The earliest start ≥ t and ≤ hi at which both timelines are free for d minutes, ending by shift_end."""
    bs, be, ts, te = bay.starts, bay.ends, tech.starts, tech.ends
    nb, nt = len(bs), len(ts)
    while t <= hi and t + d <= shift_end:
        i = bisect_right(be, t)  # Timeline.conflict, inlined: this is the planners' inner loop
        if i < nb and bs[i] < t + d:
            t = be[i]
            continue
        i = bisect_right(te, t)
        if i < nt and ts[i] < t + d:
            t = te[i]
            continue
        return t
    return None


@dataclass(slots=True)
class Board:
    """Bay and technician timelines of a problem with the started (fixed) jobs and the breaks on them."""

    bays: dict[int, Timeline]
    techs: dict[int, Timeline]

    def copy(self) -> Board:
        return Board({k: v.copy() for k, v in self.bays.items()}, {k: v.copy() for k, v in self.techs.items()})

    def place(self, a: Assignment) -> None:
        if a.bay_id in self.bays:
            self.bays[a.bay_id].add(a.start, a.end)
        if a.tech_id in self.techs:
            self.techs[a.tech_id].add(a.start, a.end)


def fixed_assignment(problem: DispatchProblem, job: DJob) -> Assignment:
    """Where a started job is: its fixed place and its end with the technician's speed."""
    assert job.fixed is not None
    bay_id, tech_id, start = job.fixed
    tech = next((t for t in problem.techs if t.id == tech_id), None)
    d = actual_minutes(job, tech) if tech is not None else max(1, job.duration)
    return Assignment(job.id, bay_id, tech_id, start, start + d)


def base_board(problem: DispatchProblem) -> tuple[Board, list[Assignment]]:
    """Timelines holding the breaks and the started jobs; also the started jobs' assignments."""
    board = Board({b.id: Timeline() for b in problem.bays}, {t.id: Timeline(list(t.breaks)) for t in problem.techs})
    fixed = [fixed_assignment(problem, j) for j in problem.jobs if j.fixed is not None]
    for a in fixed:
        board.place(a)
    return board, fixed


# ---------------------------------------------------------------------------------------------- objective


@dataclass(frozen=True, slots=True)
class Figures:
    """What a plan is worth (see the module docstring); waits in weighted minutes."""

    total_wait: float
    total_lateness: float
    objective: float
    deferred: tuple[int, ...]
    max_load_permille: int
    moved: tuple[int, ...]

    @property
    def key(self) -> tuple[int, float]:
        """The issue's lexicographic intent: fewer deferred jobs, then less total waiting."""
        return (len(self.deferred), round(self.total_wait, 6))


def wait_coef(job: DJob) -> int:
    return round(SCALE * job.weight)


def late_coef(job: DJob) -> int:
    return round(SCALE * LATE_WEIGHT * job.weight)


def defer_coef(job: DJob) -> int:
    return round(SCALE * DEFER_PENALTY * job.weight)


def move_coef(job: DJob, move_penalty: float) -> int:
    return round(SCALE * move_penalty * (PROMISED_MOVE_FACTOR if job.promised is not None else 1.0))


BALANCE_COEF = round(SCALE * BALANCE_WEIGHT / 10)  # per permille of the busiest technician's load


def load_permille(minutes: int, tech: DTech) -> int:
    return round(1000 * minutes / shift_minutes(tech))


def is_moved(job: DJob, a: Assignment | None) -> bool:
    """Whether a not-started job left its place in the plan in force (deferring it counts as a move)."""
    if job.current is None or job.fixed is not None:
        return False
    return a is None or (a.bay_id, a.tech_id, a.start) != tuple(job.current)


def evaluate(problem: DispatchProblem, assignments, move_penalty: float = DEFAULT_MOVE_PENALTY) -> Figures:
    """The figures of a set of assignments (jobs without one are deferred), exactly as the CP-SAT model scores."""
    by_job = {a.job_id: a for a in assignments}
    techs = {t.id: t for t in problem.techs}
    wait = late = obj = 0
    deferred: list[int] = []
    moved: list[int] = []
    load: dict[int, int] = dict.fromkeys(techs, 0)
    for job in problem.jobs:
        a = by_job.get(job.id)
        if is_moved(job, a):
            moved.append(job.id)
            obj += move_coef(job, move_penalty)
        if a is None:
            deferred.append(job.id)
            obj += defer_coef(job)
            continue
        w = wait_coef(job) * (a.start - job.ready)
        wait += w
        obj += w
        if job.promised is not None and a.start > job.promised:
            lt = late_coef(job) * (a.start - job.promised)
            late += round(SCALE * job.weight) * (a.start - job.promised)
            obj += lt
        if a.tech_id in techs:
            load[a.tech_id] += load_permille(a.end - a.start, techs[a.tech_id])
    max_load = max(load.values(), default=0)
    obj += BALANCE_COEF * max_load
    return Figures(wait / SCALE, late / SCALE, obj / SCALE, tuple(deferred), max_load, tuple(moved))


# ---------------------------------------------------------------------------------------------- validity


def check_plan(problem: DispatchProblem, plan) -> list[str]:
    """Every rule a plan breaks, one plain line each; an empty list means the plan is valid.

    Rules: each job assigned once or deferred, started jobs exactly where they are, a bay of an accepted kind,
    a technician with all the skills, end = start + ceil(duration / speed), not before now / ready / opening,
    not after the last start, inside the technician's shift and clear of his breaks, and no two jobs at once on
    one bay or one technician.
    """
    out: list[str] = []
    jobs = {j.id: j for j in problem.jobs}
    bays = {b.id: b for b in problem.bays}
    techs = {t.id: t for t in problem.techs}
    seen: set[int] = set()
    for a in plan.assignments:
        if a.job_id not in jobs:
            out.append(f"job {a.job_id} is planned but is not a job of the day")
            continue
        if a.job_id in seen:
            out.append(f"job {a.job_id} is planned twice")
        seen.add(a.job_id)
    for jid in plan.deferred:
        if jid in seen:
            out.append(f"job {jid} is both planned and deferred")
        seen.add(jid)
    for jid in jobs:
        if jid not in seen:
            out.append(f"job {jid} is neither planned nor deferred")
    for a in plan.assignments:
        job = jobs.get(a.job_id)
        if job is None:
            continue
        if job.fixed is not None:
            if (a.bay_id, a.tech_id, a.start) != tuple(job.fixed):
                out.append(f"started job {job.id} moved from {job.fixed} to {(a.bay_id, a.tech_id, a.start)}")
            if a.end != fixed_assignment(problem, job).end:
                out.append(f"started job {job.id} ends at {a.end}, expected {fixed_assignment(problem, job).end}")
            continue
        bay, tech = bays.get(a.bay_id), techs.get(a.tech_id)
        if bay is None:
            out.append(f"job {job.id} is on unknown bay {a.bay_id}")
        elif bay.kind not in BAY_ACCEPTS.get(job.bay_kind, (job.bay_kind,)):
            out.append(f"job {job.id} needs a {job.bay_kind} bay but is on {bay.kind} bay {bay.id}")
        if tech is None:
            out.append(f"job {job.id} is given to unknown technician {a.tech_id}")
            continue
        if not job.skills <= tech.skills:
            out.append(f"technician {tech.id} lacks {sorted(job.skills - tech.skills)} for job {job.id}")
        if a.end - a.start != actual_minutes(job, tech):
            out.append(f"job {job.id} lasts {a.end - a.start} min, technician {tech.id} needs "
                       f"{actual_minutes(job, tech)}")
        if a.start < earliest_start(problem, job):
            out.append(f"job {job.id} starts at {a.start}, before {earliest_start(problem, job)} "
                       "(now, ready or opening)")
        if a.start > latest_start(problem):
            out.append(f"job {job.id} starts at {a.start}, after the last start {latest_start(problem)}")
        if a.start < tech.shift[0] or a.end > tech.shift[1]:
            out.append(f"job {job.id} [{a.start}, {a.end}) is outside technician {tech.id}'s shift {tech.shift}")
        for b0, b1 in tech.breaks:
            if a.start < b1 and b0 < a.end:
                out.append(f"job {job.id} [{a.start}, {a.end}) overlaps technician {tech.id}'s break {(b0, b1)}")
    for attr, what in (("bay_id", "bay"), ("tech_id", "technician")):
        groups: dict[int, list[Assignment]] = {}
        for a in plan.assignments:
            if a.job_id in jobs:
                groups.setdefault(getattr(a, attr), []).append(a)
        for rid, items in groups.items():
            items.sort(key=lambda a: (a.start, a.end))
            for i, a in enumerate(items):
                for b in items[i + 1:]:
                    if b.start >= a.end:
                        break
                    if jobs[a.job_id].fixed is not None and jobs[b.job_id].fixed is not None:
                        continue  # two started jobs: facts, not a planning error
                    out.append(f"jobs {a.job_id} and {b.job_id} overlap on {what} {rid}")
    return out
