"""Benchmark and invariant check: 20 concurrent approvers and requesters hammer the same requests and stock rows.

Threads (each with its own connection, console users under their own PostgreSQL login): requesters ask for parts
between three stores (store managers for their own store, the owner for any) and withdraw some; approvers pick
from the few oldest pending requests (so they collide) and approve or reject; bulk approvers decide ten at once;
flaky approvers lose their connection in the middle of a decision (their backend is terminated before the commit)
or right after the commit, reconnect and retry; flaky requesters retry a request after a lost connection.
At the end a sweep rejects what is still pending, then the run asserts and reports:
  - no transfer applied twice: every (store, part) stock equals its start plus the applied transfers in minus out,
    and the totals per part over the stores are unchanged; one 'approve' audit row per applied request, none for
    the others;
  - no negative stock;
  - every request in exactly one final state (applied, rejected or cancelled; none pending or half-approved);
  - throughput (decisions and requests a second) and p50/p95 latency per operation.
Usage: python tests/benchmarks/approval_stress.py [--seconds 60] [--threads 20]. JSON last line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import threading
import time
from collections import Counter, defaultdict

import psycopg
from _common import bench_database, percentile

from services import approvals
from services.model import DecisionConflict, DomainError
from services.users import as_user
from tests.services._approvals_net import build

PARTS = ("OIL_FILTER", "BATTERY", "SPARK_PLUG")
START_QTY = 25


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lat: dict[str, list[float]] = defaultdict(list)
        self.count: Counter = Counter()
        self.errors: list[str] = []

    def add(self, op: str, ms: float, outcome: str) -> None:
        with self.lock:
            self.lat[op].append(ms)
            self.count[f"{op}:{outcome}"] += 1


def _pending(c, limit: int = 6) -> list[int]:
    rows = c.execute("SELECT id FROM approvals.request_view WHERE status = 'pending' AND for_me "
                     "ORDER BY id LIMIT %s", (limit,)).fetchall()
    return [r[0] for r in rows]


def _timed(stats: Stats, op: str, fn, *args):
    t0 = time.perf_counter()
    try:
        out = fn(*args)
        stats.add(op, (time.perf_counter() - t0) * 1000, "ok")
        return out
    except DecisionConflict:
        stats.add(op, (time.perf_counter() - t0) * 1000, "conflict")
    except DomainError:
        stats.add(op, (time.perf_counter() - t0) * 1000, "refused")
    return None


def requester(conninfo: str, stores: list[int], own: int | None, stop: threading.Event, stats: Stats, seed: int,
              flaky: bool, admin_info: str) -> None:
    rnd = random.Random(seed)
    c = psycopg.connect(conninfo)
    mine: list[int] = []
    try:
        while not stop.is_set():
            try:
                to = own if own is not None else rnd.choice(stores)
                frm = rnd.choice([s for s in stores if s != to])
                part, n = rnd.choice(PARTS), rnd.randint(1, 6)
                if mine and rnd.random() < 0.25:
                    rid = mine.pop(rnd.randrange(len(mine)))
                    _timed(stats, "cancel", approvals.cancel, c, rid, "requester")
                    c.commit()
                    continue
                rid = _timed(stats, "request", approvals.request_parts, c, to, frm, part, n, "requester")
                c.commit()
                if rid is not None:
                    mine.append(rid)
                    mine[:] = mine[-20:]
                if flaky and rnd.random() < 0.3:  # the line drops after the commit: reconnect and send again
                    _kill(admin_info, c)
                    c = psycopg.connect(conninfo)
                    again = _timed(stats, "request_retry", approvals.request_parts, c, to, frm, part, n,
                                   "requester")
                    c.commit()
                    with stats.lock:
                        stats.count["request_retry_same_id" if again == rid else "request_retry_new_id"] += 1
            except psycopg.OperationalError:
                c = _reconnect(c, conninfo, stats)
            except psycopg.Error as exc:
                stats.errors.append(f"request: {exc.sqlstate} {exc}")
                c.rollback()
    finally:
        c.close()


def approver(conninfo: str, stop: threading.Event, stats: Stats, seed: int, mode: str, admin_info: str) -> None:
    rnd = random.Random(seed)
    c = psycopg.connect(conninfo)
    try:
        while not stop.is_set():
            try:
                ids = _pending(c, 12 if mode == "bulk" else 6)
                c.commit()
                if not ids:
                    time.sleep(0.005)
                    continue
                approve = rnd.random() < 0.8
                if mode == "bulk":
                    pick = rnd.sample(ids, min(len(ids), 10))

                    def bulk(c, pick, approve):
                        done, refused = approvals.decide_many(c, pick, approve, "bulk", "bulk")
                        with stats.lock:
                            stats.count["bulk_items_decided"] += len(done)
                            stats.count["bulk_items_refused"] += len(refused)
                        return done

                    _timed(stats, "decide_many", bulk, c, pick, approve)
                    c.commit()
                    continue
                rid = rnd.choice(ids)
                if mode == "flaky" and rnd.random() < 0.5:
                    # decided but not committed when the backend dies: the decision must vanish; then retry
                    with contextlib.suppress(DomainError):
                        approvals.decide(c, rid, approve, None, "flaky")
                    _kill(admin_info, c)
                    with stats.lock:
                        stats.count["killed_mid_decision"] += 1
                    c = psycopg.connect(conninfo)
                    _timed(stats, "decide_retry", approvals.decide, c, rid, approve, None, "flaky")
                    c.commit()
                    continue
                actor = "flaky" if mode == "flaky" else "approver"
                item = _timed(stats, "decide", approvals.decide, c, rid, approve, None, actor)
                c.commit()
                if mode == "flaky" and item is not None:  # committed, then the line drops: the retry is harmless
                    _kill(admin_info, c)
                    c = psycopg.connect(conninfo)
                    again = _timed(stats, "decide_retry", approvals.decide, c, rid, approve, None, "flaky")
                    c.commit()
                    with stats.lock:
                        stats.count["retry_after_commit_ok" if again is not None and again.status == item.status
                                    else "retry_after_commit_other"] += 1
            except psycopg.OperationalError:
                c = _reconnect(c, conninfo, stats)
            except psycopg.Error as exc:
                stats.errors.append(f"{mode}: {exc.sqlstate} {exc}")
                c.rollback()
    finally:
        c.close()


def _kill(admin_info: str, c: psycopg.Connection) -> None:
    with psycopg.connect(admin_info, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (c.info.backend_pid,))
    c.close()


def _reconnect(c: psycopg.Connection, conninfo: str, stats: Stats) -> psycopg.Connection:
    with stats.lock:
        stats.count["reconnects"] += 1
    c.close()
    return psycopg.connect(conninfo)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--threads", type=int, default=20)
    args = ap.parse_args()
    db = bench_database("aftersales_bench_approvals", fresh=True)
    with db.connect() as c:
        net = build(c, "stress", stock=START_QTY, shift_days=1)
    stores = [net.a1, net.a2, net.b1]
    with db.connect() as c:
        start_stock = {(s, p): q for s, p, q in c.execute(
            "SELECT k.store_id, p.code, k.qty FROM stock k JOIN part p ON p.id = k.part_id "
            "WHERE k.store_id = ANY(%s)", (stores,)).fetchall()}
    info = {k: as_user(db, net.users[k]).conninfo for k in ("rn", "rn2", "re", "hq", "sa1", "sa2")}
    owner = db.conninfo
    stop = threading.Event()
    stats = Stats()
    # 20 threads: 6 requesters (2 flaky), 14 approvers (8 single, 3 bulk, 3 flaky) with a mix of logins
    plan = [("req", info["sa1"], net.a1, False), ("req", info["sa2"], net.a2, False), ("req", owner, None, False),
            ("req", owner, None, False), ("req", info["sa1"], net.a1, True), ("req", owner, None, True),
            ("dec", info["rn"], "single"), ("dec", info["rn2"], "single"), ("dec", info["hq"], "single"),
            ("dec", info["hq"], "single"), ("dec", owner, "single"), ("dec", owner, "single"),
            ("dec", info["re"], "single"), ("dec", info["rn"], "single"), ("dec", info["rn2"], "bulk"),
            ("dec", info["hq"], "bulk"), ("dec", owner, "bulk"), ("dec", info["rn"], "flaky"),
            ("dec", info["hq"], "flaky"), ("dec", owner, "flaky")]
    plan = (plan * ((args.threads // len(plan)) + 1))[:args.threads]
    threads = []
    for k, p in enumerate(plan):
        if p[0] == "req":
            t = threading.Thread(target=requester, args=(p[1], stores, p[2], stop, stats, k, p[3], owner))
        else:
            t = threading.Thread(target=approver, args=(p[1], stop, stats, k, p[2], owner))
        threads.append(t)
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(args.seconds)
    stop.set()
    for t in threads:
        t.join(60)
    elapsed = time.perf_counter() - t0
    alive = sum(t.is_alive() for t in threads)

    # the final sweep: whatever is still pending is rejected
    with db.connect() as c:
        left = [r[0] for r in c.execute("SELECT id FROM transfer_request WHERE status = 'pending'").fetchall()]
        for k in range(0, len(left), 500):
            approvals.decide_many(c, left[k:k + 500], False, "final sweep", "sweep")
        c.commit()
        final = check(c, stores, start_stock)
    decisions = sum(v for k, v in stats.count.items() if k.startswith(("decide:ok", "decide_retry:ok")))
    decisions += stats.count["bulk_items_decided"]
    with db.connect() as c:
        requests = c.execute("SELECT count(*) FROM transfer_request").fetchone()[0]
    lat = {op: {"n": len(v), "p50_ms": round(percentile(v, 0.5), 1), "p95_ms": round(percentile(v, 0.95), 1)}
           for op, v in sorted(stats.lat.items())}
    all_lat = [x for v in stats.lat.values() for x in v]
    ok = (final["double_applied"] == 0 and final["negative_stock"] == 0 and final["not_final"] == 0
          and final["conserved"] and not stats.errors and alive == 0
          and stats.count["retry_after_commit_other"] == 0)
    result = {"benchmark": "approval_stress", "threads": len(threads), "seconds": round(elapsed, 1),
              "requests": requests, "requests_per_second": round(requests / elapsed, 1),
              "request_calls": stats.count["request:ok"] + stats.count["request:refused"],
              "decisions": decisions, "decisions_per_second": round(decisions / elapsed, 1),
              "p95_ms": round(percentile(all_lat, 0.95), 1), "latency": lat,
              "outcomes": dict(sorted(stats.count.items())), "errors": stats.errors[:5], "threads_alive": alive,
              **final, "ok": ok}
    print(json.dumps(result, ensure_ascii=False))
    if not ok:
        raise SystemExit(1)


def check(c: psycopg.Connection, stores: list[int], start: dict) -> dict:
    statuses = Counter(dict(c.execute("SELECT status, count(*) FROM transfer_request GROUP BY status").fetchall()))
    now = {(s, p): q for s, p, q in c.execute(
        "SELECT k.store_id, p.code, k.qty FROM stock k JOIN part p ON p.id = k.part_id WHERE k.store_id = ANY(%s)",
        (stores,)).fetchall()}
    expected = dict(start)
    for frm, to, part, n in c.execute(
            "SELECT r.from_store_id, r.to_store_id, p.code, r.qty FROM transfer_request r JOIN part p "
            "ON p.id = r.part_id WHERE r.status = 'applied'").fetchall():
        expected[(frm, part)] -= n
        expected[(to, part)] += n
    mismatched = sum(1 for key in now if now[key] != expected.get(key))
    audits = c.execute("""
        SELECT count(*) FILTER (WHERE r.status = 'applied' AND coalesce(a.n, 0) <> 1),
               count(*) FILTER (WHERE r.status <> 'applied' AND coalesce(a.n, 0) <> 0)
        FROM transfer_request r LEFT JOIN (
            SELECT entity_id::bigint AS id, count(*) AS n FROM audit_log
            WHERE entity = 'transfer_request' AND action = 'approve' GROUP BY entity_id) a ON a.id = r.id""").fetchone()
    totals_before: Counter = Counter()
    totals_after: Counter = Counter()
    for (_, p), q in start.items():
        totals_before[p] += q
    for (_, p), q in now.items():
        totals_after[p] += q
    return {"requests_final": dict(sorted(statuses.items())),
            "not_final": sum(v for k, v in statuses.items() if k not in ("applied", "rejected", "cancelled")),
            "double_applied": mismatched + audits[0], "approve_audit_on_unapplied": audits[1],
            "negative_stock": sum(1 for q in now.values() if q < 0),
            "conserved": totals_before == totals_after and audits[1] == 0,
            "moved_units": sum(abs(now[k] - start.get(k, 0)) for k in now) // 2}


if __name__ == "__main__":
    main()
