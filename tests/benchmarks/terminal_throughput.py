"""Benchmark: the terminal contract under 50 concurrent connections (≥ 2,000 events a second), p95 latency.

Each connection plays one store's technician pad through whole work orders — check-in, start, part, finish,
quality check, hand-over, rating — as the aftersales_terminal role, for a fixed time.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import sys
import threading
import time
import uuid

import psycopg
from _common import percentile, seeded

CONNECTIONS = 50
PROCESSES = 5  # 10 connections a process: one Python process with 50 threads spends its CPU fighting for the GIL
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0


def main() -> None:
    db = seeded("aftersales_bench_terminal", 60, 1)
    with db.connect() as conn:
        # one (store, lift bay, maintenance technician) per connection, so the pads never compete for a bay
        slots = conn.execute("""
            SELECT DISTINCT ON (s.id) s.id, b.id, t.id
            FROM store s JOIN bay b ON b.store_id = s.id AND b.kind = 'lift'
            JOIN technician t ON t.home_store_id = s.id AND 'maintenance' = ANY (t.skills)
            ORDER BY s.id, b.id, t.id LIMIT %s""", (CONNECTIONS,)).fetchall()
        conn.execute("UPDATE stock SET qty = 1000000")
        conn.execute("DELETE FROM job WHERE status = 'active'")
        conn.commit()
    groups = [slots[k::PROCESSES] for k in range(PROCESSES)]
    with mp.Pool(PROCESSES) as pool:
        t0 = time.perf_counter()
        results = pool.starmap(run_pads, [(db.conninfo, k, group, SECONDS) for k, group in enumerate(groups)])
        elapsed = time.perf_counter() - t0
    all_lat = [x for lat, _ in results for x in lat]
    refused = sum(r for _, r in results)
    print(json.dumps({"benchmark": "terminal_throughput", "connections": len(slots), "processes": PROCESSES,
                      "seconds": round(elapsed, 1), "events": len(all_lat),
                      "events_per_second": round(len(all_lat) / elapsed), "target_events_per_second": 2000,
                      "p50_ms": round(percentile(all_lat, 0.5), 2), "p95_ms": round(percentile(all_lat, 0.95), 2),
                      "p99_ms": round(percentile(all_lat, 0.99), 2), "refused": refused}))


def run_pads(conninfo: str, group: int, slots: list[tuple[int, int, int]], seconds: float):
    """One process playing several pads on threads for `seconds`; returns (latencies in ms, refused calls)."""
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in slots]
    refused = [0] * len(slots)

    def pad(k: int, store: int, bay: int, tech: int) -> None:
        lat = latencies[k]
        with psycopg.connect(conninfo, autocommit=True) as c:
            c.execute("SET ROLE aftersales_terminal")
            n = 0

            def call(sql: str, *params):
                t = time.perf_counter()
                try:
                    row = c.execute(sql, params).fetchone()
                except psycopg.Error:
                    refused[k] += 1
                    return None
                lat.append((time.perf_counter() - t) * 1000)
                return row[0]

            while not stop.is_set():
                n += 1
                wo = call("SELECT terminal.check_in(%s, %s, %s, ARRAY['MAINT_MINOR'], p_actor => 'bench')",
                          uuid.uuid4(), store, f"测{group}{k:02d}{n:06d}")
                if wo is None:
                    continue
                call("SELECT terminal.start_job(%s, %s, %s, %s, 'bench')", uuid.uuid4(), wo, bay, tech)
                call("SELECT terminal.use_part(%s, %s, 'OIL_FILTER', 1, 'bench')", uuid.uuid4(), wo)
                call("SELECT terminal.finish_job(%s, %s, 'bench')", uuid.uuid4(), wo)
                call("SELECT terminal.set_status(%s, %s, 'done', 'bench')", uuid.uuid4(), wo)
                call("SELECT terminal.set_status(%s, %s, 'delivered', 'bench')", uuid.uuid4(), wo)
                call("SELECT terminal.rate(%s, %s, 90)", uuid.uuid4(), wo)

    threads = [threading.Thread(target=pad, args=(k, *slot)) for k, slot in enumerate(slots)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    return [x for lat in latencies for x in lat], sum(refused)


if __name__ == "__main__":
    main()
