"""Benchmark: one alert evaluation over all 600 stores (90 days of history) well under a second, for a day in
progress: as of 10:00 and 16:00 on the history's last day, and now, with today so far played by the live terminals
in real time (back-filled with true times, then on with the clock and heartbeats)."""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections import Counter
from datetime import datetime
from datetime import time as clock

from _common import seeded

from services import alerts
from services.demo.live import LiveOptions, run_live
from services.demo.seed import seeded_options
from services.network import CHINA, ensure_rollup

LIVE_SECONDS = 120  # enough to back-fill the day so far for 600 stores and play on for a while


def measure(db, at: datetime | None, repeat: int = 7) -> dict:
    """The first evaluation (raises everything; rolled back each time) and the steady state (re-evaluating with
    the alerts in place, as the consoles do every minute), in milliseconds."""
    with db.connect() as c:
        c.execute("DELETE FROM alert")
        c.commit()
        first: list[float] = []
        for _ in range(repeat):
            t = time.perf_counter()
            result = alerts.evaluate(c, at, commit=False)
            first.append((time.perf_counter() - t) * 1000)
            c.rollback()
        alerts.evaluate(c, at)  # commits: the alerts are now in place
        kinds = Counter(r[0] for r in c.execute("SELECT kind FROM alert WHERE resolved_at IS NULL").fetchall())
        c.commit()
        steady: list[float] = []
        for _ in range(repeat):
            t = time.perf_counter()
            alerts.evaluate(c, at, commit=False)
            steady.append((time.perf_counter() - t) * 1000)
            c.rollback()
        c.execute("DELETE FROM alert")
        c.commit()
    return {"first_ms_median": round(statistics.median(first), 1), "first_ms_max": round(max(first), 1),
            "steady_ms_median": round(statistics.median(steady), 1), "steady_ms_max": round(max(steady), 1),
            "raised": result.raised, "by_kind": dict(sorted(kinds.items()))}


def play_today(db) -> int:
    """Today so far, written through the terminal contract with true times; returns today's work orders."""
    stop = threading.Event()
    threading.Timer(LIVE_SECONDS, stop.set).start()
    run_live(db, LiveOptions(speed=1, connections=20), report=lambda line: None, stop=stop)
    with db.connect() as c:
        return c.execute("SELECT count(*) FROM work_order WHERE checked_in_at >= "
                         "(now() AT TIME ZONE 'Asia/Shanghai')::date::timestamp AT TIME ZONE 'Asia/Shanghai'"
                         ).fetchone()[0]


def main() -> None:
    db = seeded("aftersales_bench_alerts", 600, 90)
    with db.engine.connect() as conn:
        ensure_rollup(conn)  # what housekeeping keeps up to date every day
    last = seeded_options(db).last_day()
    figures = {f"as_of_{h:02d}h": measure(db, datetime.combine(last, clock(h, 0), tzinfo=CHINA)) for h in (10, 16)}
    today_orders = play_today(db)
    figures["now_live"] = measure(db, None)
    figures["now_live"]["china_time"] = datetime.now(CHINA).strftime("%H:%M")
    with db.connect() as c:
        stores = c.execute("SELECT count(*) FROM store WHERE active").fetchone()[0]
    print(json.dumps({"benchmark": "alert_evaluation", "stores": stores, "history_last_day": last.isoformat(),
                      "work_orders_today": today_orders, "target_ms": 1000, **figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
