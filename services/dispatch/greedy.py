"""The first-come-first-served baseline, a fast greedy plan and a local search over job orders; pure Python.

FCFS places jobs on concrete bays, as the old way of working does. The greedy and the local search decode a
job order with the bays of one kind as one pool (a span fits when fewer jobs than bays run at every minute of
it) and colour the pool into concrete bays at the end (`colour_bays`), which is both faster and free of the
first-fit bay fragmentation. `check_plan` and `evaluate` (services.dispatch.common) are re-exported here:
every plan is measured and validated by the same two functions.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from .common import (
    DEFAULT_MOVE_PENALTY,
    Board,
    Figures,
    Timeline,
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
from .model import BAY_ACCEPTS, Assignment, DispatchProblem, DJob, Plan

__all__ = ["build_plan", "check_plan", "colour_bays", "evaluate", "fcfs_order", "fcfs_plan", "greedy_plan", "improve",
           "place_jobs"]


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
    fast = _Fast(problem)
    for name, key, vers, upg in _orderings(problem):
        placed = fast.decode(sorted(todo, key=key), vers, upg)
        if placed is None:
            placed = fixed + place_jobs(problem, sorted(todo, key=key), base.copy(), versatility=vers,
                                        bay_upgrade=upg)
        plan = build_plan(problem, placed, status="greedy", method=f"greedy:{name}", move_penalty=move_penalty)
        if len(plan.deferred) > len(fc.deferred) or plan.total_wait > fc.total_wait + 1e-9:
            continue
        if (plan.objective, len(plan.deferred)) < (best.objective, len(best.deferred)):
            best = plan
    return build_plan(problem, best.assignments, status="greedy", method=best.method,
                      seconds=time.perf_counter() - t0, move_penalty=move_penalty)


# ---------------------------------------------------------------------------------------------- fast decoder


class _Pool:
    """The bays of one kind as one pool: a span fits when fewer jobs than bays run at every minute of it
    (the bays themselves are coloured at the end, see `colour_bays`). `full` holds the minutes with no bay
    free."""

    __slots__ = ("cap", "items", "full")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.items: list[tuple[int, int]] = []
        self.full = Timeline()

    def copy(self) -> _Pool:
        p = _Pool(self.cap)
        p.items = self.items[:]
        p.full = self.full.copy()
        return p

    def add(self, s: int, e: int) -> None:
        if self.cap == 1:
            self.full.add(s, e)
            return
        self.items.append((s, e))
        ev = []
        for a, b in self.items:
            if a < e and s < b:
                ev.append((max(a, s), 1))
                ev.append((min(b, e), -1))
        ev.sort()
        n, since = 0, None
        for t, dn in ev:
            n += dn
            if n >= self.cap and since is None:
                since = t
            elif n < self.cap and since is not None:
                self.full.add(since, t)
                since = None


class _Fast:
    """Everything about a problem the decoder needs, computed once."""

    def __init__(self, problem: DispatchProblem) -> None:
        self.problem = problem
        board, self.fixed = base_board(problem)
        self.techs = board.techs
        kinds: dict[str, int] = {}
        kind_of = {b.id: b.kind for b in problem.bays}
        for b in problem.bays:
            kinds[b.kind] = kinds.get(b.kind, 0) + 1
        self.pools = {k: _Pool(c) for k, c in kinds.items()}
        for bid, tl in board.bays.items():
            for s, e in zip(tl.starts, tl.ends, strict=True):
                self.pools[kind_of[bid]].add(s, e)
        self.board = board
        self.hi = latest_start(problem)
        self.opts: dict[int, list] = {}
        for j in problem.jobs:
            if j.fixed is not None:
                continue
            lo = earliest_start(problem, j)
            ks = [k for k in BAY_ACCEPTS.get(j.bay_kind, (j.bay_kind,)) if k in kinds]
            self.opts[j.id] = [(t.id, actual_minutes(j, t), max(lo, t.shift[0]), t.shift[1],
                                len(t.skills) - len(j.skills), ks) for t in sorted(eligible_techs(problem, j),
                                                                                    key=lambda t: t.id)]

    def decode(self, jobs: Sequence[DJob], versatility: float, bay_upgrade: float,
               colour: bool = True) -> list[Assignment] | None:
        """The plan of the job order (started jobs included). colour=False leaves the bays unnamed (bay id
        -1): enough to score a plan when no job has a place to keep (`current`)."""
        techs = {k: v.copy() for k, v in self.techs.items()}
        pools = {k: v.copy() for k, v in self.pools.items()}
        hi = self.hi
        items = []
        for job in jobs:
            best = None
            for tid, d, t0, t1, extra, ks in self.opts[job.id]:
                tl = techs[tid]
                pen_t = versatility * extra
                for k in ks:
                    pen = pen_t + (bay_upgrade if k != job.bay_kind else 0.0)
                    lim = hi if best is None else min(hi, int(best[0] - pen))
                    s = earliest_common(t0, lim, d, pools[k].full, tl, t1)
                    if s is None:
                        continue
                    key = (s + pen, s + d, tid)
                    if best is None or key < best[0:3]:
                        best = (s + pen, s + d, tid, k, s)
            if best is not None:
                _, e, tid, k, s = best
                techs[tid].add(s, e)
                pools[k].add(s, e)
                items.append((job.id, k, tid, s, e, job.current))
        if not colour:
            return self.fixed + [Assignment(jid, -1, tid, s, e) for jid, _, tid, s, e, _ in items]
        placed = colour_bays(self.problem, self.board, items)
        return None if placed is None else self.fixed + placed


def colour_bays(problem: DispatchProblem, board: Board, items) -> list[Assignment] | None:
    """Concrete bays for (job id, bay kind, technician, start, end, current place) items whose kinds respect
    the number of bays, coloured in start order (always possible when the started jobs on the board started
    before the planned ones; None otherwise). A job staying at its technician and start keeps its bay when it
    is free; the others take a free bay no such job will need (their former bay first), else any free one."""
    bays_of: dict[str, list[int]] = {}
    kind_of = {b.id: b.kind for b in problem.bays}
    for b in sorted(problem.bays, key=lambda b: b.id):
        bays_of.setdefault(b.kind, []).append(b.id)
    tls = {bid: tl.copy() for bid, tl in board.bays.items()}
    held: dict[int, list[tuple[int, int, int]]] = {}  # bay → (start, end, job) of the jobs that stay
    for jid, kind, tech, s, e, cur in items:
        if cur is not None and cur[1] == tech and cur[2] == s and kind_of.get(cur[0]) == kind:
            held.setdefault(cur[0], []).append((s, e, jid))
    out = []
    for jid, kind, tech, s, e, cur in sorted(items, key=lambda it: (it[3], it[4], it[0])):
        pref = [cur[0]] if cur is not None and kind_of.get(cur[0]) == kind else []
        free = [b for b in dict.fromkeys(pref + bays_of.get(kind, [])) if tls[b].conflict(s, e) is None]
        if not free:
            return None
        clear = [b for b in free if not any(a < e and s < z and k != jid for a, z, k in held.get(b, ()))]
        bid = (clear or free)[0]
        tls[bid].add(s, e)
        out.append(Assignment(jid, bid, tech, s, e))
    return out


def improve(problem: DispatchProblem, budget: float, move_penalty: float = DEFAULT_MOVE_PENALTY,
            guard: tuple[int, float] | None = None, seed: int = 7,
            stop: Callable[[], bool] | None = None) -> Plan | None:
    """A cheap local search over job orders: start from the best greedy ordering, move one job up to 8 places
    ahead or swap two near ones, decode, and keep the change when it is not worse: first by how far the plan
    exceeds `guard` (deferred jobs, total waiting of FCFS), then by the objective. The best plan found within
    `budget` seconds (or until `stop()`), or None when none came within the guard. Deterministic per seed
    for a given number of tries."""
    t0 = time.perf_counter()
    rng = random.Random(seed)
    fast = _Fast(problem)
    todo = [j for j in problem.jobs if j.fixed is None]
    keeps = any(j.current is not None for j in todo)  # then bays matter to the objective: colour every time

    def score(order, vers, upg, colour=keeps):
        placed = fast.decode(order, vers, upg, colour)
        if placed is None:
            return None
        plan = build_plan(problem, placed, status="greedy", method="greedy:local", move_penalty=move_penalty)
        over = 0.0
        if guard is not None:
            over = 1e6 * max(0, len(plan.deferred) - guard[0]) + max(0.0, plan.total_wait - guard[1] - 1e-9)
        return (over, plan.objective), plan

    best = None
    for _name, key, vers, upg in _orderings(problem):
        order = sorted(todo, key=key)
        got = score(order, vers, upg)
        if got is not None and (best is None or got[0] < best[0]):
            best = (got[0], got[1], order, vers, upg)
    if best is None:
        return None
    val, plan, order, vers, upg = best
    n = len(order)
    tries = 0
    while n > 1 and time.perf_counter() - t0 < budget and not (stop is not None and stop()):
        tries += 1
        new = order[:]
        i = rng.randrange(1, n)
        if rng.random() < 0.6:
            j = max(0, i - rng.randint(1, 8))
            new.insert(j, new.pop(i))
        else:
            j = max(0, i - rng.randint(1, 4))
            new[i], new[j] = new[j], new[i]
        got = score(new, vers, upg)
        if got is not None and got[0] <= val:
            val, plan, order = got[0], got[1], new
    if val[0] > 0:
        return None  # never got within the guard
    if not keeps:
        got = score(order, vers, upg, True)  # name the bays of the best order
        if got is None:
            return None
        plan = got[1]
    return replace(plan, extras={**plan.extras, "local_tries": float(tries)})
