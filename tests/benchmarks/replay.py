"""Benchmark: the replay of 30 days × the whole demo network under the old, smart and rebalance policies (target
≤ 600 s each on 2 cores), their national and regional KPIs on the same demand and the rebalance policy's network
moves per day. `--days`, `--stores` and `--policies` for quick runs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date

import _common  # noqa: F401  (puts the project on sys.path)

from services.demo.seed import SeedOptions, network_for
from services.replay import run_replay, store_output_change


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--stores", type=int, default=600, help="size of the demo network (default 600)")
    ap.add_argument("--end", type=date.fromisoformat, default=date(2026, 11, 25),
                    help="last day of the seeded history the replay starts from (fixed, so runs compare)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--policies", default="old,smart,rebalance", help="comma-separated (default all three)")
    args = ap.parse_args()
    opts = SeedOptions(stores=args.stores, days=90, seed=7, end=args.end)
    _, network = network_for(opts)
    start = opts.first_day()
    out: dict[str, object] = {"benchmark": "replay", "stores": len(network.stores), "days": args.days,
                              "start": start.isoformat(), "target_s": 600}
    results = {}
    policies = [p.strip() for p in args.policies.split(",") if p.strip()]
    for policy in policies:
        t = time.perf_counter()
        r = run_replay(network, args.days, start, policy, seed=opts.seed, workers=args.workers)
        elapsed = time.perf_counter() - t
        results[policy] = r
        k = r.national
        out[policy] = {
            "elapsed_s": round(elapsed, 1),
            "utilization": round(k.utilization, 4),
            "wait_hours": round(k.wait_hours, 3),
            "vehicles_per_store_day": round(k.vehicles_per_store_day, 2),
            "output_per_store_day": round(k.output_per_store_day),
            "cross_store_per_day": round(k.cross_store_per_day, 1),
            "csi": round(k.csi, 2),
            "balked": k.balked,
            "work_orders": k.work_orders,
            "discounted_share": round(r.discounted_share, 4),
            "stats": r.policy_stats,
            "per_day": {key: round(r.policy_stats.get(key, 0) / args.days, 1)
                        for key in ("referrals", "day_before_referrals", "loans", "parts_transfers")},
            "regions": {code: {"utilization": round(v.utilization, 4), "wait_hours": round(v.wait_hours, 3),
                               "output_per_store_day": round(v.output_per_store_day),
                               "cross_store_per_day": round(v.cross_store_per_day, 1), "csi": round(v.csi, 2)}
                        for code, v in r.kpis.items() if code != "national"},
        }
        print(f"{policy}: {elapsed:.1f} s, utilization {k.utilization:.1%}, wait {k.wait_hours:.2f} h, "
              f"output ¥{k.output_per_store_day:,.0f}/store-day, cross-store {k.cross_store_per_day:,.0f}/day, "
              f"CSI {k.csi:.1f}", file=sys.stderr)
    out["elapsed_s"] = max(out[p]["elapsed_s"] for p in policies)  # type: ignore[index]
    if "old" in results:
        out["store_output_change"] = {p: store_output_change(results["old"].store_output, r.store_output)
                                      for p, r in results.items() if p != "old"}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
