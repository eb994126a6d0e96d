"""Benchmark: generate and load the full demo network (600 stores, 90 days) from scratch. Target ≤ 180 s."""

from __future__ import annotations

import json
import time

from _common import bench_database

from services.demo.seed import SeedOptions, seed_network


def main() -> None:
    db = bench_database("aftersales_bench_seed", fresh=True)
    t0 = time.perf_counter()
    result = seed_network(db, SeedOptions(stores=600, days=90),
                          progress=lambda f, m: print(f"{f * 100:5.1f}% {m}", flush=True))
    seconds = time.perf_counter() - t0
    print(result.summary())
    print(json.dumps({"benchmark": "seed_network", "stores": 600, "days": 90, "seconds": round(seconds, 1),
                      "target_seconds": 180, "rows": sum(result.rows.values()), "phases": result.phases}))


if __name__ == "__main__":
    main()
