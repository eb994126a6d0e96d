"""Benchmark: the free slots of one store for a day (target ≤ 50 ms), on the full demo network: the busiest stores
of today (their live plan and queue) and of tomorrow, every service mix, with the off-peak prices."""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import datetime, timedelta

from _common import percentile, seeded

from services.booking.slots import free_slots
from services.network import CHINA

MIXES = (["MAINT_MINOR"], ["MAINT_MAJOR"], ["TYRE", "ALIGN"], ["ELEC"], ["MECH"], ["BODY"], ["DIAG", "MAINT_MINOR"])


def main() -> None:
    db = seeded("aftersales", 600, 90)
    now = datetime.now(CHINA)
    today = now.date()
    rng = random.Random(5)
    samples: list[float] = []
    offers = 0
    with db.engine.connect() as conn:
        busiest = [r[0] for r in conn.exec_driver_sql("""
            SELECT store_id FROM work_order WHERE checked_in_at >= now() - interval '1 day'
            GROUP BY store_id ORDER BY count(*) DESC LIMIT 20""").fetchall()]
        stores = busiest or [r[0] for r in conn.exec_driver_sql("SELECT id FROM store LIMIT 20").fetchall()]
        free_slots(conn, stores[0], MIXES[0], today, now=now)  # warm the caches once
        for i in range(60):
            store = rng.choice(stores)
            day = today + timedelta(days=i % 2)
            t = time.perf_counter()
            offers += len(free_slots(conn, store, rng.choice(MIXES), day, now=now))
            samples.append((time.perf_counter() - t) * 1000)
    print(json.dumps({"benchmark": "slots", "calls": len(samples), "ms_median": round(statistics.median(samples), 1),
                      "ms_p95": round(percentile(samples, 0.95), 1), "ms_max": round(max(samples), 1),
                      "target_ms": 50, "offers_per_call": round(offers / len(samples), 1),
                      "stores": len(stores)}))


if __name__ == "__main__":
    main()
