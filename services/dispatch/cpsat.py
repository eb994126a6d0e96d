"""The OR-Tools CP-SAT model of a store-day dispatch: optional jobs on bays and technicians, never worse than greedy.

`solve` starts from the best of FCFS, the greedy orders and the caller's hint, then spends the time limit in
two phases: (1) CP-SAT's full search with its LP on one core, for the lower bound, while the other core runs
the local search over job orders (greedy.improve); (2) CP-SAT large-neighbourhood search on every worker from
the best plan so far. Bays of one kind form one pool in the model (see _Model). Runs in the calling thread
(call it off the GUI thread, or through services.dispatch.runner in a separate process); always under a time
limit; `cancel` stops the search and returns the best plan found so far.
"""

from __future__ import annotations

import threading
import time

from ortools.sat.python import cp_model

from .common import (
    BALANCE_COEF,
    DEFAULT_MOVE_PENALTY,
    SCALE,
    actual_minutes,
    base_board,
    check_plan,
    defer_coef,
    earliest_start,
    eligible_bays,
    eligible_techs,
    late_coef,
    latest_start,
    load_permille,
    move_coef,
    wait_coef,
)
from .greedy import build_plan, colour_bays, fcfs_plan, greedy_plan, improve
from .model import BAY_ACCEPTS, Assignment, DispatchProblem, Plan

LOCAL_SHARE = 0.7  # of the time left after the baselines, for the local search over job orders
BOUND_SHARE = 0.2  # of the time limit at least, for phase 1 (the bound; it runs beside the local search)
STATUS_NAMES = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}


def _meets(plan: Plan, guard: tuple[int, float] | None) -> bool:
    return guard is None or (len(plan.deferred) <= guard[0] and plan.total_wait <= guard[1] + 1e-9)


class _Model:
    """The CP-SAT variables of one problem, kept to read the solution back and to set hints.

    Bays of one kind are interchangeable, so on a fresh day the model only chooses a bay *kind* per job and
    holds each kind to its number of bays with a cumulative constraint (no symmetry between identical lifts);
    `read` then gives every job a concrete bay by colouring the intervals in start order (always possible: at
    any start fewer jobs than bays of the kind are running). When a plan is in force (jobs carry `current`)
    the bay itself is part of "staying in place", so each bay is its own unit with a no-overlap. Technicians
    are not interchangeable: one no-overlap each, with their breaks and started jobs as fixed intervals.
    """

    def __init__(self, problem: DispatchProblem, move_penalty: float, guard: tuple[int, float] | None,
                 pinned: frozenset[int] = frozenset(), earlier_only: frozenset[int] = frozenset(),
                 min_gain: int = 0) -> None:
        self.problem = problem
        self.move_penalty = move_penalty
        m = self.model = cp_model.CpModel()
        board, fixed = base_board(problem)
        self.board = board
        self.fixed = fixed
        hi = latest_start(problem)
        techs = {t.id: t for t in problem.techs}
        # With a plan in force (jobs with `current`) the bay itself matters for minimal disruption: one unit
        # per bay. Otherwise one unit per bay kind.
        self.per_bay = any(j.current is not None for j in problem.jobs)
        self.unit = {b.id: (b.id if self.per_bay else b.kind) for b in problem.bays}
        capacity: dict = {}
        for b in problem.bays:
            capacity[self.unit[b.id]] = capacity.get(self.unit[b.id], 0) + 1
        horizon = max([hi + max((j.duration for j in problem.jobs), default=0) * 2]
                      + [t.shift[1] for t in problem.techs] + [a.end for a in fixed])
        self.jobs: dict[int, dict] = {}
        kind_iv: dict = {k: [] for k in capacity}
        tech_iv: dict[int, list] = {t.id: [] for t in problem.techs}
        load_terms: dict[int, list] = {t.id: [] for t in problem.techs}
        load_cap: dict[int, int] = dict.fromkeys(load_terms, 0)
        work_terms: dict[int, list] = {t.id: [] for t in problem.techs}  # (earliest start, minutes, literal)
        kind_work: dict = {k: [] for k in capacity}
        obj: list = []
        const = 0
        wait_terms: list = []
        wait_const = 0
        absent_terms: list = []
        deferred_const = 0
        for job in problem.jobs:
            if job.fixed is not None:
                continue
            lo = earliest_start(problem, job)
            if self.per_bay:
                kinds = [b.id for b in eligible_bays(problem, job)]
            else:
                kinds = [k for k in BAY_ACCEPTS.get(job.bay_kind, (job.bay_kind,)) if k in capacity]
            opts = []
            for t in eligible_techs(problem, job):
                d = actual_minutes(job, t)
                first = max(lo, t.shift[0])
                if first <= hi and first + d <= t.shift[1]:
                    opts.append((t, d))
            lo = max(lo, min((max(lo, t.shift[0]) for t, _ in opts), default=lo))
            hi_j = min(hi, max((t.shift[1] - d for t, d in opts), default=lo - 1))
            if not kinds or not opts or lo > hi_j:
                const += defer_coef(job)  # cannot be placed today: deferred whatever the plan
                deferred_const += 1
                if job.current is not None:
                    const += move_coef(job, move_penalty)
                continue
            p = m.NewBoolVar(f"p{job.id}")
            s = m.NewIntVar(lo, hi_j, f"s{job.id}")
            xs = {k: (p if len(kinds) == 1 else m.NewBoolVar(f"x{job.id}_{k}")) for k in kinds}
            ys = {t.id: (p if len(opts) == 1 else m.NewBoolVar(f"y{job.id}_{t.id}")) for t, _ in opts}
            if len(kinds) > 1:
                m.Add(sum(xs.values()) == p)
            if len(opts) > 1:
                m.Add(sum(ys.values()) == p)
            durs = {t.id: d for t, d in opts}
            dset = sorted(set(durs.values()))
            if len(dset) == 1:
                dvar = dset[0]
                e = s + dvar
            else:
                dvar = m.NewIntVarFromDomain(cp_model.Domain.FromValues([0, *dset]), f"d{job.id}")
                m.Add(dvar == sum(d * ys[tid] for tid, d in durs.items()))
                e = m.NewIntVar(lo, hi_j + dset[-1], f"e{job.id}")
                m.Add(e == s + dvar)
            for k in kinds:
                kind_iv[k].append(m.NewOptionalIntervalVar(s, dvar, e, xs[k], f"ib{job.id}_{k}"))
                kind_work[k].append((lo, dset[0], xs[k]))
            for t, d in opts:
                y = ys[t.id]
                tech_iv[t.id].append(m.NewOptionalFixedSizeIntervalVar(s, d, y, f"it{job.id}_{t.id}"))
                if t.shift[0] > lo:
                    m.Add(s >= t.shift[0]).OnlyEnforceIf(y)
                if t.shift[1] - d < hi_j:
                    m.Add(s <= t.shift[1] - d).OnlyEnforceIf(y)
                load_terms[t.id].append(load_permille(d, t) * y)
                work_terms[t.id].append((lo, d, y))
                load_cap[t.id] += load_permille(d, t)
            wc = wait_coef(job)
            wait_terms += [wc * s, wc * (lo - job.ready) * p]
            wait_const -= wc * lo
            obj += [wc * s, wc * (lo - job.ready) * p]
            const -= wc * lo
            obj.append(-defer_coef(job) * p)
            const += defer_coef(job)
            absent_terms.append(p)
            late = None
            if job.promised is not None and hi_j > job.promised:
                late = m.NewIntVar(0, hi_j - job.promised, f"l{job.id}")
                m.Add(late >= s - job.promised).OnlyEnforceIf(p)
                obj.append(late_coef(job) * late)
            same = None
            if job.current is not None:
                cb, ct, cs = job.current
                mc = move_coef(job, move_penalty)
                const += mc
                ck = self.unit.get(cb)
                if ck in xs and ct in ys and lo <= cs <= hi_j:
                    same = m.NewBoolVar(f"same{job.id}")
                    m.AddImplication(same, xs[ck])
                    m.AddImplication(same, ys[ct])
                    m.Add(s == cs).OnlyEnforceIf(same)
                    obj.append(-mc * same)
                    if job.id in pinned:
                        m.Add(same == 1)
                    elif job.id in earlier_only:
                        # Stays, or starts at least min_gain minutes earlier for its customer; never deferred.
                        m.Add(p == 1)
                        m.Add(s <= cs - min_gain).OnlyEnforceIf(same.Not())
            self.jobs[job.id] = {"p": p, "s": s, "x": xs, "y": ys, "d": durs, "dvar": dvar, "e": e,
                                 "late": late, "same": same, "lo": lo, "job": job}
        # Breaks and started jobs are fixed intervals on their resources.
        lo_all = min([problem.now, problem.day_start])
        for rid, tl in board.bays.items():
            for a, b in zip(tl.starts, tl.ends, strict=True):
                if b > lo_all and a < horizon:
                    kind_iv[self.unit[rid]].append(m.NewFixedSizeIntervalVar(a, b - a, f"fb{rid}_{a}"))
        for rid, tl in board.techs.items():
            for a, b in zip(tl.starts, tl.ends, strict=True):
                if b > lo_all and a < horizon:
                    tech_iv[rid].append(m.NewFixedSizeIntervalVar(a, b - a, f"ft{rid}_{a}"))
        for k, ivs in kind_iv.items():
            if len(ivs) > capacity[k]:
                if capacity[k] == 1:
                    m.AddNoOverlap(ivs)
                else:
                    m.AddCumulative(ivs, [1] * len(ivs), capacity[k])
        for ivs in tech_iv.values():
            if len(ivs) > 1:
                m.AddNoOverlap(ivs)
        # Constants of the started jobs (their waiting, lateness and load) so the objective equals evaluate().
        fixed_load = dict.fromkeys(techs, 0)
        jobs_by_id = {j.id: j for j in problem.jobs}
        for a in fixed:
            job = jobs_by_id[a.job_id]
            const += wait_coef(job) * (a.start - job.ready)
            wait_const += wait_coef(job) * (a.start - job.ready)
            if job.promised is not None and a.start > job.promised:
                const += late_coef(job) * (a.start - job.promised)
            if a.tech_id in techs:
                fixed_load[a.tech_id] += load_permille(a.end - a.start, techs[a.tech_id])
        max_possible = max([fixed_load[t] + load_cap[t] for t in techs], default=0)
        self.max_load = m.NewIntVar(0, max(0, max_possible), "maxload")
        # Redundant, for the bound (the LP otherwise believes every job fits and bounds the deferred jobs near
        # zero): the jobs that cannot start before minute a fit in the free minutes after a, of each technician
        # (until his shift ends) and of each bay unit (until the last technician leaves), for a every hour.
        # They only serve phase 1: `cuts` is fixed true there and left free (so presolve drops them) in phase 2.
        self.cuts = m.NewBoolVar("cuts")
        last_end = max([t.shift[1] for t in problem.techs], default=hi)
        marks = range(problem.now - problem.now % 60, hi + 1, 60)
        for tid, t in techs.items():
            tl = board.techs[tid]
            for a in marks:
                terms = [d * y for lo_j, d, y in work_terms[tid] if lo_j >= a]
                if not terms:
                    continue
                a = max(a, t.shift[0], problem.now)
                busy = sum(max(0, min(z, t.shift[1]) - max(y0, a)) for y0, z in zip(tl.starts, tl.ends, strict=True))
                m.Add(sum(terms) <= max(0, t.shift[1] - a - busy)).OnlyEnforceIf(self.cuts)
        fixed_units: dict = {k: [] for k in capacity}
        for rid, tl in board.bays.items():
            fixed_units[self.unit[rid]] += list(zip(tl.starts, tl.ends, strict=True))
        for k, items in kind_work.items():
            for a in marks:
                terms = [d * x for lo_j, d, x in items if lo_j >= a]
                if not terms:
                    continue
                a = max(a, problem.now)
                busy = sum(max(0, min(z, last_end) - max(y0, a)) for y0, z in fixed_units[k])
                m.Add(sum(terms) <= max(0, capacity[k] * (last_end - a) - busy)).OnlyEnforceIf(self.cuts)
        for tid in techs:
            if load_terms[tid] or fixed_load[tid]:
                m.Add(self.max_load >= fixed_load[tid] + sum(load_terms[tid]))
        obj.append(BALANCE_COEF * self.max_load)
        if guard is not None:
            m.Add(deferred_const + len(absent_terms) - sum(absent_terms) <= guard[0])
            m.Add(sum(wait_terms) + wait_const <= round(guard[1] * SCALE))
        m.Minimize(sum(obj) + const)

    def hint(self, plan: Plan) -> None:
        by_job = plan.by_job()
        m = self.model
        m.ClearHints()
        techs = {t.id: t for t in self.problem.techs}
        load = dict.fromkeys(techs, 0)
        for a in plan.assignments:
            if a.tech_id in techs:
                load[a.tech_id] += load_permille(a.end - a.start, techs[a.tech_id])
        hinted: set = set()

        def put(var, value) -> None:
            if isinstance(var, int) or var.Index() in hinted:
                return
            hinted.add(var.Index())
            m.AddHint(var, value)

        for jid, v in self.jobs.items():
            a = by_job.get(jid)
            kind = self.unit.get(a.bay_id) if a is not None else None
            present = a is not None and kind in v["x"] and a.tech_id in v["y"]
            put(v["p"], present)
            put(v["s"], a.start if present else v["lo"])
            for k, x in v["x"].items():
                put(x, present and kind == k)
            for tid, y in v["y"].items():
                put(y, present and a.tech_id == tid)
            if not isinstance(v["dvar"], int):
                put(v["dvar"], v["d"][a.tech_id] if present else 0)
                put(v["e"], (a.start + v["d"][a.tech_id]) if present else v["lo"])
            job = v["job"]
            if v["late"] is not None:
                put(v["late"], max(0, a.start - job.promised) if present else 0)
            if v["same"] is not None:
                put(v["same"], present and (a.bay_id, a.tech_id, a.start) == tuple(job.current))
        put(self.max_load, max(load.values(), default=0))
        put(self.cuts, True)  # the redundant constraints hold for every valid plan

    def read(self, solver: cp_model.CpSolver) -> list[Assignment] | None:
        """The solution with concrete bays, or None when the bays cannot be coloured (started jobs that start
        after `now` on a kind that is full: then the caller keeps its starting plan)."""
        items = []
        for jid, v in self.jobs.items():
            if not solver.BooleanValue(v["p"]):
                continue
            kind = next(k for k, x in v["x"].items() if solver.BooleanValue(x))
            tech = next(t for t, y in v["y"].items() if solver.BooleanValue(y))
            s = solver.Value(v["s"])
            items.append((jid, kind, tech, s, s + v["d"][tech], v["job"].current))
        if self.per_bay:
            return list(self.fixed) + [Assignment(jid, b, t, s, e) for jid, b, t, s, e, _ in items]
        placed = colour_bays(self.problem, self.board, items)
        return None if placed is None else list(self.fixed) + placed


def solve(
    problem: DispatchProblem,
    time_limit: float,
    hint: Plan | None = None,
    cancel: threading.Event | None = None,
    workers: int = 2,
    move_penalty: float = DEFAULT_MOVE_PENALTY,
    guard_fcfs: bool = True,
    start_plans: tuple[Plan, ...] = (),
    baselines: bool = True,
    pinned: frozenset[int] = frozenset(),
    local_share: float = LOCAL_SHARE,
    earlier_only: frozenset[int] = frozenset(),
    min_gain: int = 0,
) -> Plan:
    """The best plan found within `time_limit` seconds (the whole call, greedy included).

    Starts from the best of the greedy plan, the FCFS plan, `hint` and `start_plans` (those that are valid for
    this problem), hands it to CP-SAT as a complete hint and returns the solver's plan only when it is better
    by the objective; otherwise that starting plan with status "hint". With `guard_fcfs` the model may not
    defer more jobs nor make customers wait longer in total than FCFS (FCFS itself always qualifies).
    `cancel` set → the search stops and the best plan so far is returned (status "cancelled").
    `baselines=False` skips the greedy and FCFS candidates (re-planning passes its repair as the hint).
    `pinned` jobs keep their `current` place (when it is still feasible); `earlier_only` jobs keep it too or
    start at least `min_gain` minutes earlier (never later, never deferred). `local_share` of the time after
    the baselines goes to the local search over job orders (with `baselines`), on one core while CP-SAT
    bounds the objective on the other.
    """
    t0 = time.perf_counter()
    fc = fcfs_plan(problem, move_penalty) if baselines or guard_fcfs else None
    guard = (len(fc.deferred), fc.total_wait) if guard_fcfs and fc is not None else None
    candidates = [*start_plans]
    if fc is not None:
        candidates.append(fc)
    if baselines or hint is None:
        candidates.append(greedy_plan(problem, move_penalty))
    if hint is not None:
        candidates.append(build_plan(problem, [a for a in hint.assignments], status="hint",
                                     method=hint.method or "hint", move_penalty=move_penalty))
    ok = [c for c in candidates if _meets(c, guard) and not check_plan(problem, c)]
    start = min(ok, key=lambda c: (c.objective, len(c.deferred)))
    base = {"fcfs_deferred": float(len(fc.deferred)), "fcfs_wait": fc.total_wait} if fc is not None else {}

    def finish(plan: Plan, status: str, method: str, bound: float | None, extras: dict | None = None) -> Plan:
        return build_plan(problem, plan.assignments, status=status, method=method, bound=bound,
                          seconds=time.perf_counter() - t0, move_penalty=move_penalty,
                          extras={"start_objective": start.objective, **base, **(extras or {})})

    def stopped() -> bool:
        return cancel is not None and cancel.is_set()

    remaining = time_limit - (time.perf_counter() - t0)
    if remaining < 0.02 or stopped() or not any(j.fixed is None for j in problem.jobs):
        return finish(start, "cancelled" if stopped() else "hint", start.method, None)
    model = _Model(problem, move_penalty, guard, pinned, earlier_only, min_gain)
    t_model = time.perf_counter()
    holder: list[cp_model.CpSolver] = []
    done = threading.Event()
    watcher = None
    if cancel is not None:
        def watch() -> None:
            while not done.is_set():
                if cancel.wait(0.01):
                    if holder:
                        holder[-1].StopSearch()  # again every 10 ms: the phase running now stops too
                    done.wait(0.01)

        watcher = threading.Thread(target=watch, name="dispatch-cancel", daemon=True)
        watcher.start()

    best: Plan = start
    bound: float | None = None
    found = False
    branches = 0
    code = cp_model.UNKNOWN

    def run(phase: int, seconds: float, hint_plan: Plan) -> tuple[int, cp_model.CpSolver]:
        solver = cp_model.CpSolver()
        holder.append(solver)
        prm = solver.parameters
        prm.random_seed = 7
        prm.log_search_progress = False
        # Presolve must not drop the hinted plan (it otherwise may, and the search starts from nothing), and
        # probing costs seconds on a 150-job day for no gain here.
        prm.keep_all_feasible_solutions_in_presolve = True
        prm.cp_model_probing_level = 0
        prm.max_time_in_seconds = max(0.01, seconds)
        cuts = model.model.Proto().variables[model.cuts.Index()].domain
        cuts[0] = 1 if phase == 1 else 0
        if phase == 1:
            prm.num_workers = 1
        else:
            prm.num_workers = max(1, workers)
            prm.use_lns_only = True
        model.hint(hint_plan)
        return solver.Solve(model.model), solver

    def take(plan: Plan | None) -> None:
        nonlocal best, found
        if (plan is not None and plan.objective < best.objective - 1e-9 and _meets(plan, guard)
                and not check_plan(problem, plan)):
            best, found = plan, True

    def read(code: int, solver: cp_model.CpSolver) -> Plan | None:
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        placed = model.read(solver)
        return None if placed is None else build_plan(problem, placed, status="cp", method="cpsat",
                                                      move_penalty=move_penalty)

    # Phase 1, on one core: the full search with its LP, for the bound (and often optimality on small days),
    # while the other core runs the cheap local search over job orders (pure Python; CP-SAT frees the GIL).
    # Phase 2, on every worker: large-neighbourhood search only, from the best plan so far; on these models it
    # finds far better plans in the same time than the full search does.
    left = time_limit - (time.perf_counter() - t0)
    local_budget = local_share * left if baselines and local_share > 0 else 0.0
    phase1 = max(local_budget, BOUND_SHARE * time_limit)
    out: dict[str, tuple] = {}

    def phase_one(seconds: float, hint_plan: Plan) -> None:
        try:
            out["r"] = run(1, seconds, hint_plan)
        except BaseException as exc:  # raised again in the calling thread
            out["error"] = (exc,)

    th = threading.Thread(target=phase_one, args=(min(left, phase1), start), name="dispatch-bound", daemon=True)
    if workers > 1:
        th.start()  # beside the local search

    def settled() -> bool:  # cancelled, or phase 1 has proved its plan optimal: no use searching on
        return stopped() or ("r" in out and out["r"][0] == cp_model.OPTIMAL)

    local = improve(problem, local_budget, move_penalty, guard, stop=settled) if local_budget > 0 else None
    if workers <= 1:  # one core: one after the other
        seconds = min(time_limit - (time.perf_counter() - t0), BOUND_SHARE * time_limit)
        first = local if local is not None and local.objective < start.objective else start
        th = threading.Thread(target=phase_one, args=(seconds, first), name="dispatch-bound", daemon=True)
        th.start()
    th.join()
    if "error" in out:
        done.set()
        raise out["error"][0]
    code, solver = out["r"]
    branches += solver.NumBranches()
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = solver.BestObjectiveBound() / SCALE
    take(read(code, solver))
    take(local)
    left = time_limit - (time.perf_counter() - t0)
    if code != cp_model.OPTIMAL and left >= 0.02 and not stopped():
        code, solver = run(2, left, best)
        branches += solver.NumBranches()
        take(read(code, solver))
    done.set()
    if watcher is not None:
        watcher.join()
    cancelled = stopped()
    extras = {"model_seconds": t_model - t0, "cp_seconds": time.perf_counter() - t_model,
              "branches": float(branches), "local_objective": local.objective if local is not None else -1.0}
    if bound is not None:
        bound = min(bound, best.objective)
    if found:
        status = "cancelled" if cancelled else ("optimal" if code == cp_model.OPTIMAL else "feasible")
        return finish(best, status, best.method, bound, extras)
    status = "cancelled" if cancelled else ("optimal-hint" if code == cp_model.OPTIMAL else "hint")
    return finish(start, status, start.method, bound, extras)
