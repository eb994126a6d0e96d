"""Benchmark: the national rebalancing optimisation over the 600-store demo network (target ≤ 2 s): the inputs'
load time, the solve and the proposals separately and in total, and the proposals by kind. Nothing is submitted.
AFTERSALES_BENCH_REBALANCE_DB names another seeded database (default: the demo database "aftersales")."""

from __future__ import annotations

import json
import os
import statistics
import time

from _common import seeded

from services.rebalance.inputs import load_inputs
from services.rebalance.model import solve
from services.rebalance.proposals import build_proposals


def main(repeat: int = 5) -> None:
    db = seeded(os.environ.get("AFTERSALES_BENCH_REBALANCE_DB", "aftersales"), 600, 90)
    load_s, solve_s, build_s, total_s = [], [], [], []
    with db.connect() as conn:
        load_inputs(conn)  # warm the caches once: the service runs every half hour on a live database
        conn.rollback()
        for _ in range(repeat):
            t0 = time.perf_counter()
            inputs = load_inputs(conn)
            t1 = time.perf_counter()
            sol = solve(inputs)
            t2 = time.perf_counter()
            proposals = build_proposals(inputs, sol)
            t3 = time.perf_counter()
            conn.rollback()
            load_s.append(t1 - t0)
            solve_s.append(t2 - t1)
            build_s.append(t3 - t2)
            total_s.append(t3 - t0)
    kinds = {k: sum(1 for p in proposals if p.kind == k) for k in ("technician_loan", "referral", "parts")}

    def med(xs: list[float]) -> float:
        return round(statistics.median(xs), 3)

    print(json.dumps({
        "benchmark": "rebalance", "stores": len(inputs.stores), "days": [d.isoformat() for d in inputs.days],
        "inputs_s_median": med(load_s), "solve_s_median": med(solve_s), "proposals_s_median": med(build_s),
        "total_s_median": med(total_s), "total_s_max": round(max(total_s), 3), "target_s": 2.0,
        "proposals": len(proposals), "by_kind": kinds, "parts_moves_before_cap": len(sol.parts),
        "parts_units_moved": sum(m.qty for m in sol.parts),
        "overloaded_store_days_before": sol.overloaded, "overloaded_store_days_after": sol.overloaded_after,
        "excess_min_before": round(sol.excess_min), "excess_min_after": round(sol.excess_after_min),
        "referral_minutes_without_booking": round(sol.steer_min), "repeat": repeat}))


if __name__ == "__main__":
    main()
