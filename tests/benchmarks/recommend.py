"""Benchmark: a store recommendation over the 600-store network (target ≤ 100 ms): customers at varied places
(around the stores' cities), varied services, wished windows today and tomorrow."""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import datetime, timedelta
from datetime import time as dtime

from _common import percentile, seeded

from services.booking.recommend import recommend_stores
from services.network import CHINA

MIXES = (["MAINT_MINOR"], ["MAINT_MAJOR"], ["TYRE"], ["ELEC"], ["MECH"], ["BODY"], ["PAINT"], ["TYRE", "ALIGN"])


def main() -> None:
    db = seeded("aftersales", 600, 90)
    now = datetime.now(CHINA)
    rng = random.Random(11)
    samples: list[float] = []
    found = capable = 0
    with db.engine.connect() as conn:
        places = conn.exec_driver_sql("SELECT lat, lon FROM store ORDER BY id").fetchall()
        recommend_stores(conn, places[0][0], places[0][1], MIXES[0], now, now + timedelta(hours=4))  # warm up
        for i in range(60):
            lat, lon = rng.choice(places)
            lat += rng.uniform(-0.08, 0.08)
            lon += rng.uniform(-0.08, 0.08)
            if i % 2:
                day = now.date() + timedelta(days=1)
                start = datetime.combine(day, dtime(9), tzinfo=CHINA)
                end = start + timedelta(hours=rng.choice((3, 6, 9)))
            else:
                start, end = now, now + timedelta(hours=rng.choice((2, 4, 8)))
            t = time.perf_counter()
            recs = recommend_stores(conn, lat, lon, rng.choice(MIXES), start, end, now=now)
            samples.append((time.perf_counter() - t) * 1000)
            found += bool(recs)
            capable += sum(r.capable for r in recs)
    print(json.dumps({"benchmark": "recommend", "calls": len(samples),
                      "ms_median": round(statistics.median(samples), 1),
                      "ms_p95": round(percentile(samples, 0.95), 1), "ms_max": round(max(samples), 1),
                      "target_ms": 100, "calls_with_results": found,
                      "capable_per_call": round(capable / len(samples), 2), "stores": len(places)}))


if __name__ == "__main__":
    main()
