"""The first-come-first-served baseline and a fast greedy plan (the CP-SAT solver's hint); both pure Python.

`check_plan` and `evaluate` (services.dispatch.common) are re-exported here: every plan is measured and
validated by the same two functions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

from .common import (
    DEFAULT_MOVE_PENALTY,
    Board,
    Figures,
    actual_minutes,
    base_board,
    check_plan,
    earliest_common,
    earliest_start,
    eligible_bays,
    eligible_techs,
    evaluate,
    latest_start,
)
from .model import Assignment, DispatchProblem, DJob, Plan

__all__ = ["build_plan", "check_plan", "evaluate", "fcfs_plan", "greedy_plan", "place_jobs", "fcfs_order"]


def build_plan(
    problem: DispatchProblem,
    assignments: Iterable[Assignment],
    *,
    status: str,
    method: str,
    seconds: float = 0.0,
    move_penalty: float = DEFAULT_MOVE_PENALTY,
    bound: float | None = None,
    extras: dict[str, float] | None = None,
) -> Plan:
    """A Plan with its figures from `evaluate` (jobs without an assignment are deferred)."""
    order = {j.id: i for i, j in enumerate(problem.jobs)}
    assignments = tuple(sorted(assignments, key=lambda a: (a.start, a.bay_id, a.job_id)))
    f: Figures = evaluate(problem, assignments, move_penalty)
    return Plan(
        assignments=assignments,
        deferred=tuple(sorted(f.deferred, key=order.__getitem__)),
        total_wait=f.total_wait,
        total_lateness=f.total_lateness,
        objective=f.objective,
        bound=bound,
        status=status,
        method=method,
        solve_seconds=seconds,
        moved=f.moved,
        extras={"max_load_permille": float(f.max_load_permille), **(extras or {})},
    )


def fcfs_order(problem: DispatchProblem) -> list[DJob]:
    return sorted((j for j in problem.jobs if j.fixed is None), key=lambda j: (j.ready, j.id))


def place_jobs(
    problem: DispatchProblem,
    jobs: Sequence[DJob],
    board: Board,
    *,
    versatility: float = 0.0,
    bay_upgrade: float = 0.0,
    fcfs: bool = False,
) -> list[Assignment]:
    """Place jobs one by one, each at its best (bay, technician) start on the board (which is updated).

    fcfs: the earliest start, ties to the lowest bay id then technician id. Otherwise the start plus
    `versatility` minutes per skill the technician has beyond the job's and `bay_upgrade` minutes for a bay
    of a scarcer kind than needed (an alignment bay for a lift job), ties to the earlier end.
    A job with no start by the last start is left out (deferred).
    """
    hi = latest_start(problem)
    out: list[Assignment] = []
    for job in jobs:
        lo = earliest_start(problem, job)
        bays = sorted(eligible_bays(problem, job), key=lambda b: b.id)
        techs = sorted(eligible_techs(problem, job), key=lambda t: t.id)
        best: tuple | None = None
        best_a: Assignment | None = None
        for t in techs:
            d = actual_minutes(job, t)
            t0 = max(lo, t.shift[0])
            pen_t = versatility * (len(t.skills) - len(job.skills))
            tl_t = board.techs[t.id]
            for b in bays:
                pen = pen_t + (bay_upgrade if b.kind != job.bay_kind else 0.0)
                if best is None:
                    lim = hi
                elif fcfs:
                    lim = min(hi, best[0])
                else:
                    lim = min(hi, int(best[0] - pen))
                s = earliest_common(t0, lim, d, board.bays[b.id], tl_t, t.shift[1])
                if s is None:
                    continue
                key = (s, b.id, t.id) if fcfs else (s + pen, s + d, b.id, t.id)
                if best is None or key < best:
                    best, best_a = key, Assignment(job.id, b.id, t.id, s, s + d)
        if best_a is not None:
            board.place(best_a)
            out.append(best_a)
    return out


def fcfs_plan(problem: DispatchProblem, move_penalty: float = DEFAULT_MOVE_PENALTY) -> Plan:
    """The baseline: each job in arrival order (ready, then id) at its earliest feasible start on any eligible
    bay and technician (ties: lowest start, bay id, technician id); started jobs first; no start by the last
    start → deferred."""
    t0 = time.perf_counter()
    board, fixed = base_board(problem)
    placed = place_jobs(problem, fcfs_order(problem), board, fcfs=True)
    return build_plan(problem, fixed + placed, status="fcfs", method="fcfs", seconds=time.perf_counter() - t0,
                      move_penalty=move_penalty)


def _scarcity(problem: DispatchProblem) -> dict[int, int]:
    """Qualified technicians × eligible bays per job: the smaller, the scarcer."""
    return {j.id: len(eligible_techs(problem, j)) * 100 + len(eligible_bays(problem, j)) for j in problem.jobs}


def _orderings(problem: DispatchProblem) -> list[tuple[str, Callable[[DJob], tuple], float, float]]:
    sc = _scarcity(problem)

    def lo(j: DJob) -> int:
        return earliest_start(problem, j)

    return [
        ("arrival", lambda j: (j.ready, j.id), 0.0, 0.0),
        ("arrival-keepfree", lambda j: (j.ready, j.id), 10.0, 10.0),
        ("scarce-first", lambda j: (lo(j) // 30, sc[j.id], j.ready, j.id), 10.0, 10.0),
        ("longest-first", lambda j: (lo(j) // 30, -j.duration, j.ready, j.id), 10.0, 10.0),
        ("wspt", lambda j: (lo(j) // 45, j.duration / j.weight, j.ready, j.id), 10.0, 10.0),
        ("wspt-scarce", lambda j: (lo(j) // 60, sc[j.id] > 300, j.duration / j.weight, j.id), 10.0, 10.0),
    ]


def greedy_plan(problem: DispatchProblem, move_penalty: float = DEFAULT_MOVE_PENALTY) -> Plan:
    """A fast smarter greedy: several job orders and a choice that keeps versatile technicians and scarce bays
    free; the best of them by the solver's objective among those that defer no more jobs and make customers
    wait no longer in total than FCFS (FCFS itself is a candidate, so the greedy never loses to it)."""
    t0 = time.perf_counter()
    base, fixed = base_board(problem)
    todo = [j for j in problem.jobs if j.fixed is None]
    fc = fcfs_plan(problem, move_penalty)
    best: Plan = fc
    for name, key, vers, upg in _orderings(problem):
        placed = place_jobs(problem, sorted(todo, key=key), base.copy(), versatility=vers, bay_upgrade=upg)
        plan = build_plan(problem, fixed + placed, status="greedy", method=f"greedy:{name}",
                          move_penalty=move_penalty)
        if len(plan.deferred) > len(fc.deferred) or plan.total_wait > fc.total_wait + 1e-9:
            continue
        if (plan.objective, len(plan.deferred)) < (best.objective, len(best.deferred)):
            best = plan
    return build_plan(problem, best.assignments, status="greedy", method=best.method,
                      seconds=time.perf_counter() - t0, move_penalty=move_penalty)
