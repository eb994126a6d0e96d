"""Benchmark: what full CP-SAT dispatch adds over the replay's fast dispatch mode, on a sample of busy store-days
(waiting, vehicles left waiting at night, balked, seconds per store-day), with FCFS for reference.
`--sample N` store-days (default 20), `--limit` seconds per CP-SAT re-plan (default 0.3)."""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from datetime import date

import _common  # noqa: F401  (puts the project on sys.path)

from services.demo.seed import SeedOptions, network_for
from services.dispatch import cpsat
from services.dispatch.model import DBay, DispatchProblem, DJob, DTech
from services.simulation.demand import StoreDemand, wo_bay_kind
from services.simulation.engine import StoreSimulator
from services.simulation.policies import FcfsDispatcher, OldPolicy
from services.simulation.smart import SmartDispatcher
from services.simulation.timebase import MINUTES_PER_DAY, weekday_of


class CpSatDispatcher:
    """Plans the known queue and today's bookings still to come with services.dispatch.cpsat.solve, starts
    what the plan starts now, and re-plans whenever the queue or the free resources change."""

    def __init__(self, time_limit: float) -> None:
        self.time_limit = time_limit
        self.running: dict[int, tuple[int, int, int]] = {}  # job id → (bay idx, tech idx, expected end)
        self.plan_key: object = None
        self.plan: dict[int, tuple[int, int, int]] = {}
        self.solves = 0
        self.solve_seconds = 0.0

    def _problem(self, now: int, shop) -> DispatchProblem:
        store = shop.store
        base = shop.day * MINUTES_PER_DAY
        bays = tuple(DBay(i, b.kind) for i, b in enumerate(shop.bays) if b.kind != "wash")
        techs = []
        for t in shop.on_duty:
            start, ls, le, end = shop.window[t]
            tech = shop.techs[t]
            techs.append(DTech(t, frozenset(tech.skills), (start, end), ((ls, le),), tech.level, tech.rating,
                               tech.speed))
        jobs = []
        for job_id, (b, t, end) in self.running.items():  # in progress: fixed until their expected end
            if shop.bay_busy[b] and shop.tech_busy[t]:
                jobs.append(DJob(-job_id, frozenset(), shop.bays[b].kind, max(1, end - now), now,
                                 fixed=(b, t, now)))
        waiting = {j.req.request_id for j in shop.queue}
        for j in shop.queue:
            jobs.append(self._djob(j.req, j.std, max(j.ready_at, j.parts_at)))
        for r in shop.bookings:  # booked customers who have not arrived yet
            if r.request_id not in waiting and r.arrival > now and r.booked_for is not None:
                std = sum(_std(c) for c in r.services)
                jobs.append(self._djob(r, std, r.booked_for, promised=r.booked_for))
        return DispatchProblem(store.id, now, base + store.open_minute, base + store.close_minute, bays,
                               tuple(techs), tuple(jobs))

    @staticmethod
    def _djob(req, std: int, ready: int, promised: int | None = None) -> DJob:
        from services.catalog import SERVICE_BY_CODE

        skills = frozenset(SERVICE_BY_CODE[c].skill for c in req.services)
        return DJob(req.request_id, skills, wo_bay_kind(req.services), std, ready, promised)

    def pick(self, now: int, shop):
        key = (now, tuple(j.req.request_id for j in shop.queue), tuple(shop.bay_busy), tuple(shop.tech_busy))
        if key != self.plan_key:
            problem = self._problem(now, shop)
            t = time.perf_counter()
            plan = cpsat.solve(problem, self.time_limit, workers=2)
            self.solve_seconds += time.perf_counter() - t
            self.solves += 1
            self.plan = {a.job_id: (a.bay_id, a.tech_id, a.start) for a in plan.assignments}
            self.plan_key = key
        out, used_b, used_t = [], set(), set()
        for job in shop.queue:
            p = self.plan.get(job.req.request_id)
            if p is None or p[2] > now:
                continue
            b, t, _ = p
            if (shop.bay_busy[b] or shop.tech_busy[t] or b in used_b or t in used_t or b not in job.bays
                    or shop.tech_mask[t] & job.need != job.need or not shop.on_shift(t, now)
                    or job.ready_at > now or job.parts_at > now):
                continue
            out.append((job, b, t))
            used_b.add(b)
            used_t.add(t)
            self.running[job.req.request_id] = (b, t, now + round(job.std / shop.techs[t].speed))
        return out


def _std(code: str) -> int:
    from services.catalog import SERVICE_BY_CODE

    return SERVICE_BY_CODE[code].std_minutes


class _With(OldPolicy):
    def __init__(self, make) -> None:
        self.make = make
        self.last = None

    def plan_store_day(self, shop):
        self.last = self.make()
        return self.last


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--days", type=int, default=14, help="days before the sampled day that build each store's state")
    ap.add_argument("--limit", type=float, default=0.3, help="seconds per CP-SAT re-plan")
    args = ap.parse_args()
    opts = SeedOptions(stores=600, days=90, seed=7, end=date(2026, 11, 25))
    _, network = network_for(opts)
    start = opts.first_day()
    day = args.days
    # the busiest stores on the sampled day (most requests per service bay)
    weekday = weekday_of(day, start)
    busy = sorted(network.stores, key=lambda s: -len(StoreDemand(s, opts.seed).day(day, weekday))
                  / max(1, sum(1 for b in s.bays if b.kind != "wash")))[: args.sample]
    rows = []
    for store in busy:
        demand = StoreDemand(store, opts.seed)
        sim = StoreSimulator(store, network.params, OldPolicy(), opts.seed, start, day + 1)
        for d in range(day):  # the days before, under the old way, to reach a realistic state
            sim.run_day(d, demand.day(d, weekday_of(d, start)))
        requests = demand.day(day, weekday)
        row = {"store": store.code, "requests": len(requests)}
        for name, make in (("fcfs", FcfsDispatcher), ("fast", SmartDispatcher),
                           ("cpsat", lambda: CpSatDispatcher(args.limit))):
            twin = copy.deepcopy(sim)
            twin.policy = _With(make)
            t = time.perf_counter()
            wos, sd = twin.run_day(day, requests)
            seconds = time.perf_counter() - t
            waits = [wo.started_at - max(wo.checked_in_at, wo.booked_for or 0) for wo in wos]
            row[name] = {"wait_h": round(sum(waits) / 60 / max(1, len(waits)), 3), "served": len(wos),
                         "left_overnight": sd.carried_over, "balked": sd.balked, "seconds": round(seconds, 4)}
            if name == "cpsat":
                row[name]["solves"] = twin.policy.last.solves
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), file=sys.stderr)

    def mean(policy: str, field: str) -> float:
        return round(statistics.mean(r[policy][field] for r in rows), 4)

    summary = {p: {f: mean(p, f) for f in ("wait_h", "served", "left_overnight", "balked", "seconds")}
               for p in ("fcfs", "fast", "cpsat")}
    print(json.dumps({"benchmark": "replay_dispatch_sample", "store_days": len(rows), "cpsat_limit_s": args.limit,
                      "mean_per_store_day": summary,
                      "cpsat_extra_seconds_per_store_day": round(summary["cpsat"]["seconds"]
                                                                 - summary["fast"]["seconds"], 3)}))


if __name__ == "__main__":
    main()
