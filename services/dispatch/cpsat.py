"""The OR-Tools CP-SAT model of a store-day dispatch: optional jobs on bays and technicians, never worse than greedy.

Runs in the calling thread (call it off the GUI thread, or through services.dispatch.runner in a separate
process); always under a time limit; `cancel` stops the search and returns the best plan found so far.
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
from .greedy import build_plan, fcfs_plan, greedy_plan
from .model import Assignment, DispatchProblem, Plan

STATUS_NAMES = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}


def _meets(plan: Plan, guard: tuple[int, float] | None) -> bool:
    return guard is None or (len(plan.deferred) <= guard[0] and plan.total_wait <= guard[1] + 1e-9)


class _Model:
    """The CP-SAT variables of one problem, kept to read the solution back and to set hints."""

    def __init__(self, problem: DispatchProblem, move_penalty: float, guard: tuple[int, float] | None,
                 pinned: frozenset[int] = frozenset()) -> None:
        self.problem = problem
        m = self.model = cp_model.CpModel()
        board, fixed = base_board(problem)
        self.fixed = fixed
        hi = latest_start(problem)
        techs = {t.id: t for t in problem.techs}
        horizon = max([hi + max((j.duration for j in problem.jobs), default=0) * 2]
                      + [t.shift[1] for t in problem.techs] + [a.end for a in fixed])
        self.jobs: dict[int, dict] = {}
        bay_iv: dict[int, list] = {b.id: [] for b in problem.bays}
        tech_iv: dict[int, list] = {t.id: [] for t in problem.techs}
        load_terms: dict[int, list] = {t.id: [] for t in problem.techs}
        load_cap: dict[int, int] = dict.fromkeys(load_terms, 0)
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
            bays = eligible_bays(problem, job)
            opts = []
            for t in eligible_techs(problem, job):
                d = actual_minutes(job, t)
                first = max(lo, t.shift[0])
                if first <= hi and first + d <= t.shift[1]:
                    opts.append((t, d))
            hi_j = min(hi, max((t.shift[1] - d for t, d in opts), default=lo - 1))
            if not bays or not opts or lo > hi_j:
                const += defer_coef(job)  # cannot be placed today: deferred whatever the plan
                deferred_const += 1
                if job.current is not None:
                    const += move_coef(job, move_penalty)
                continue
            p = m.NewBoolVar(f"p{job.id}")
            s = m.NewIntVar(lo, hi_j, f"s{job.id}")
            xs = {b.id: (p if len(bays) == 1 else m.NewBoolVar(f"x{job.id}_{b.id}")) for b in bays}
            ys = {t.id: (p if len(opts) == 1 else m.NewBoolVar(f"y{job.id}_{t.id}")) for t, _ in opts}
            if len(bays) > 1:
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
            for b in bays:
                bay_iv[b.id].append(m.NewOptionalIntervalVar(s, dvar, e, xs[b.id], f"ib{job.id}_{b.id}"))
            for t, d in opts:
                y = ys[t.id]
                tech_iv[t.id].append(m.NewOptionalFixedSizeIntervalVar(s, d, y, f"it{job.id}_{t.id}"))
                if t.shift[0] > lo:
                    m.Add(s >= t.shift[0]).OnlyEnforceIf(y)
                if t.shift[1] - d < hi_j:
                    m.Add(s <= t.shift[1] - d).OnlyEnforceIf(y)
                load_terms[t.id].append(load_permille(d, t) * y)
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
                if cb in xs and ct in ys and lo <= cs <= hi_j:
                    same = m.NewBoolVar(f"same{job.id}")
                    m.AddImplication(same, xs[cb])
                    m.AddImplication(same, ys[ct])
                    m.Add(s == cs).OnlyEnforceIf(same)
                    obj.append(-mc * same)
                    if job.id in pinned:
                        m.Add(same == 1)
            self.jobs[job.id] = {"p": p, "s": s, "x": xs, "y": ys, "d": durs, "dvar": dvar, "e": e,
                                 "late": late, "same": same, "lo": lo}
        # Breaks and started jobs are fixed intervals on their resources.
        lo_all = min([problem.now, problem.day_start])
        for rid, tl in board.bays.items():
            for a, b in zip(tl.starts, tl.ends, strict=True):
                if b > lo_all and a < horizon:
                    bay_iv[rid].append(m.NewFixedSizeIntervalVar(a, b - a, f"fb{rid}_{a}"))
        for rid, tl in board.techs.items():
            for a, b in zip(tl.starts, tl.ends, strict=True):
                if b > lo_all and a < horizon:
                    tech_iv[rid].append(m.NewFixedSizeIntervalVar(a, b - a, f"ft{rid}_{a}"))
        for ivs in list(bay_iv.values()) + list(tech_iv.values()):
            if len(ivs) > 1:
                m.AddNoOverlap(ivs)
        # Constants of the started jobs (their waiting, lateness and load) so the objective equals evaluate().
        fixed_load = dict.fromkeys(techs, 0)
        for a in fixed:
            job = next(j for j in problem.jobs if j.id == a.job_id)
            const += wait_coef(job) * (a.start - job.ready)
            wait_const += wait_coef(job) * (a.start - job.ready)
            if job.promised is not None and a.start > job.promised:
                const += late_coef(job) * (a.start - job.promised)
            if a.tech_id in techs:
                fixed_load[a.tech_id] += load_permille(a.end - a.start, techs[a.tech_id])
        max_possible = max([fixed_load[t] + load_cap[t] for t in techs], default=0)
        self.max_load = m.NewIntVar(0, max(0, max_possible), "maxload")
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
        for jid, v in self.jobs.items():
            a = by_job.get(jid)
            present = a is not None and a.bay_id in v["x"] and a.tech_id in v["y"]
            if v["p"] not in v["x"].values() and v["p"] not in v["y"].values():
                m.AddHint(v["p"], present)
            m.AddHint(v["s"], a.start if present else v["lo"])
            if len(v["x"]) > 1:
                for bid, x in v["x"].items():
                    m.AddHint(x, present and a.bay_id == bid)
            elif v["p"] in v["x"].values():
                m.AddHint(v["p"], present)
            if len(v["y"]) > 1:
                for tid, y in v["y"].items():
                    m.AddHint(y, present and a.tech_id == tid)
            if not isinstance(v["dvar"], int):
                m.AddHint(v["dvar"], v["d"][a.tech_id] if present else 0)
                m.AddHint(v["e"], (a.start + v["d"][a.tech_id]) if present else v["lo"])
            job = next(j for j in self.problem.jobs if j.id == jid)
            if v["late"] is not None:
                m.AddHint(v["late"], max(0, (a.start if present else v["lo"]) - job.promised) if present else 0)
            if v["same"] is not None:
                m.AddHint(v["same"], present and (a.bay_id, a.tech_id, a.start) == tuple(job.current))
        m.AddHint(self.max_load, max(load.values(), default=0))

    def read(self, solver: cp_model.CpSolver) -> list[Assignment]:
        out = list(self.fixed)
        for jid, v in self.jobs.items():
            if not solver.BooleanValue(v["p"]):
                continue
            bay = next(b for b, x in v["x"].items() if solver.BooleanValue(x))
            tech = next(t for t, y in v["y"].items() if solver.BooleanValue(y))
            s = solver.Value(v["s"])
            out.append(Assignment(jid, bay, tech, s, s + v["d"][tech]))
        return out


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
) -> Plan:
    """The best plan found within `time_limit` seconds (the whole call, greedy included).

    Starts from the best of the greedy plan, the FCFS plan, `hint` and `start_plans` (those that are valid for
    this problem), hands it to CP-SAT as a complete hint and returns the solver's plan only when it is better
    by the objective; otherwise that starting plan with status "hint". With `guard_fcfs` the model may not
    defer more jobs nor make customers wait longer in total than FCFS (FCFS itself always qualifies).
    `cancel` set → the search stops and the best plan so far is returned (status "cancelled").
    `baselines=False` skips the greedy and FCFS candidates (re-planning passes its repair as the hint).
    `pinned` jobs keep their `current` place (when it is still feasible).
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

    def finish(plan: Plan, status: str, method: str, bound: float | None, extras: dict | None = None) -> Plan:
        return build_plan(problem, plan.assignments, status=status, method=method, bound=bound,
                          seconds=time.perf_counter() - t0, move_penalty=move_penalty,
                          extras={"start_objective": start.objective, **base, **(extras or {})})

    base = {"fcfs_deferred": float(len(fc.deferred)), "fcfs_wait": fc.total_wait} if fc is not None else {}

    remaining = time_limit - (time.perf_counter() - t0)
    if remaining < 0.02 or (cancel is not None and cancel.is_set()) or not any(j.fixed is None for j in problem.jobs):
        return finish(start, "cancelled" if cancel is not None and cancel.is_set() else "hint", start.method, None)
    model = _Model(problem, move_penalty, guard, pinned)
    model.hint(start)
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.num_workers = max(1, workers)
    prm.max_time_in_seconds = max(0.01, time_limit - (time.perf_counter() - t0))
    prm.random_seed = 7
    prm.log_search_progress = False
    # Presolve must not drop the hinted plan (it otherwise may, and the search starts from nothing), and
    # probing costs seconds on a 150-job day for no gain here.
    prm.keep_all_feasible_solutions_in_presolve = True
    prm.cp_model_probing_level = 0
    done = threading.Event()
    watcher = None
    if cancel is not None:
        def watch() -> None:
            while not done.is_set():
                if cancel.wait(0.01):
                    solver.StopSearch()
                    return

        watcher = threading.Thread(target=watch, name="dispatch-cancel", daemon=True)
        watcher.start()
    t_model = time.perf_counter()
    code = solver.Solve(model.model)
    done.set()
    if watcher is not None:
        watcher.join()
    cancelled = cancel is not None and cancel.is_set()
    extras = {"model_seconds": t_model - t0, "cp_seconds": time.perf_counter() - t_model,
              "branches": float(solver.NumBranches())}
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return finish(start, "cancelled" if cancelled else "hint", start.method, None, extras)
    bound = solver.BestObjectiveBound() / SCALE
    result = build_plan(problem, model.read(solver), status="cp", method="cpsat", move_penalty=move_penalty)
    extras["cp_objective"] = solver.ObjectiveValue() / SCALE
    if result.objective < start.objective - 1e-9 and _meets(result, guard) and not check_plan(problem, result):
        status = "cancelled" if cancelled else STATUS_NAMES[code]
        return finish(result, status, "cpsat", bound, extras)
    status = "cancelled" if cancelled else ("optimal-hint" if code == cp_model.OPTIMAL else "hint")
    return finish(start, status, start.method, bound, extras)
