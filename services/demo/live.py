"""Live mode: the stores' terminals writing today's events through the terminal contract, in real time or faster.

The day's work orders come from the same discrete-event engine as the history (same network, same demand
generator, the old policy); this module only plays them back as terminal calls (check-in, job start, parts,
finish, quality check, hand-over, rating, heartbeats) over several connections, each store always on the same
connection so its events keep their order. In real time (speed 1) the day so far is first back-filled with the
events' own times, then play goes on with the clock. Faster, times are the server's clock at the moment of each
call, so at 60× a day's durations shrink 60-fold in the database.
"""

from __future__ import annotations

import heapq
import logging
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psycopg

from services.db.engine import Database
from services.demo.seed import network_for, seeded_options
from services.model import DomainError
from services.network import CHINA
from services.simulation.demand import StoreDemand
from services.simulation.engine import StoreSimulator
from services.simulation.policies import OldPolicy
from services.simulation.records import WorkOrder
from services.simulation.timebase import MINUTES_PER_DAY, epoch, weekday_of

log = logging.getLogger(__name__)

# At one simulated minute, hand-overs and finishes come before starts so a freed bay can be taken again.
_ORDER = {"finish": 0, "done": 1, "deliver": 2, "rate": 3, "check_in": 4, "start": 5, "part": 6}


@dataclass(frozen=True, slots=True)
class LiveOptions:
    speed: float = 60.0  # simulated seconds per real second
    stores: int = 0  # only the first N stores (0 = all)
    connections: int = 20
    minutes: float = 0.0  # stop after this many real minutes (0 = until stopped)
    heartbeat_seconds: float = 60.0  # real seconds between a store's heartbeats
    seed: int = 1


@dataclass
class LiveStats:
    started: float = field(default_factory=time.perf_counter)
    calls: int = 0
    refused: Counter = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)  # the first refusal message per SQLSTATE
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, ms: float, refused_code: str | None = None, message: str = "") -> None:
        with self.lock:
            self.calls += 1
            if len(self.latencies_ms) < 200_000:
                self.latencies_ms.append(ms)
            if refused_code:
                self.refused[refused_code] += 1
                self.examples.setdefault(refused_code, message.strip().splitlines()[0] if message else "")

    def p95_ms(self) -> float:
        with self.lock:
            data = sorted(self.latencies_ms)
        return data[int(0.95 * (len(data) - 1))] if data else 0.0

    def summary(self) -> str:
        secs = time.perf_counter() - self.started
        refused = ", ".join(f"{k} {v} (e.g. {self.examples.get(k, '')})" for k, v in sorted(self.refused.items())) \
            or "none"
        return (f"{self.calls:,} terminal calls in {secs:.0f} s ({self.calls / max(secs, 1e-9):.0f}/s), "
                f"p95 {self.p95_ms():.1f} ms; refused: {refused}")


@dataclass(order=True)
class _Call:
    due: float  # real seconds after the start
    order: int
    seq: int
    kind: str = field(compare=False)
    wo: WorkOrder | None = field(compare=False, default=None)
    store_id: int = field(compare=False, default=0)
    at: datetime | None = field(compare=False, default=None)  # the shop-floor time, for back-filled calls


def _day_calls(orders: list[WorkOrder], m0: int, real_per_minute: float, seq0: int,
               backfill_from: int | None = None, epoch_at: datetime | None = None) -> list[_Call]:
    """The terminal calls of the day's work orders from minute m0 on, due in real seconds after the start.
    With backfill_from, work orders that arrived between it and m0 are played at once with their real times
    (the day so far, as the terminals would have written it)."""
    calls: list[_Call] = []
    seq = seq0
    first = m0 if backfill_from is None else backfill_from
    for w in orders:
        if w.checked_in_at < first:
            continue
        steps = [("check_in", w.checked_in_at), ("start", w.started_at), ("finish", w.finished_at),
                 ("done", w.qc_done_at), ("deliver", w.delivered_at)]
        steps += [("part", w.started_at)] if w.parts else []
        steps += [("rate", w.delivered_at + 20)] if w.rating is not None else []
        for kind, minute in steps:
            seq += 1
            if minute < m0 and epoch_at is not None:  # already happened today: write it now, with its own time
                at = epoch_at + timedelta(minutes=minute)
                calls.append(_Call(-1.0 + minute / 1e6, _ORDER[kind], seq, kind, w, w.store_id, at))
            else:
                calls.append(_Call((minute - m0) * real_per_minute, _ORDER[kind], seq, kind, w, w.store_id))
    return calls


class _Terminal(threading.Thread):
    """One connection playing the calls of its stores in order."""

    def __init__(self, db: Database, calls: list[_Call], stores: list[int], t0: float, opts: LiveOptions,
                 stats: LiveStats, stop: threading.Event, codes: dict[int, str], plates: dict[int, str]) -> None:
        super().__init__(daemon=True, name="live-terminal")
        self.plates = plates  # the terminal role cannot read vehicles; a real pad scans the plate
        self.db, self.calls, self.stores, self.t0 = db, calls, stores, t0
        self.opts, self.stats, self.stop_event, self.codes = opts, stats, stop, codes
        heapq.heapify(self.calls)
        self.wo_ids: dict[int, int] = {}  # engine's wo id -> database id

    def run(self) -> None:
        try:
            with psycopg.connect(self.db.conninfo, autocommit=True) as conn:
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'aftersales_terminal'").fetchone():
                    conn.execute("SET ROLE aftersales_terminal")  # write as a terminal may, nothing more
                next_beat = 0.0
                while not self.stop_event.is_set():
                    now = time.perf_counter() - self.t0
                    if now >= next_beat:
                        for sid in self.stores:
                            self._call(conn, "SELECT terminal.heartbeat(%s, %s)", (f"pad-{self.codes[sid]}", sid))
                        next_beat = now + self.opts.heartbeat_seconds
                    if not self.calls:
                        self.stop_event.wait(min(1.0, max(0.0, next_beat - now)))
                        continue
                    wait = self.calls[0].due - now
                    if wait > 0:
                        self.stop_event.wait(min(wait, max(0.01, next_beat - now)))
                        continue
                    self._play(conn, heapq.heappop(self.calls))
        except psycopg.OperationalError as exc:
            log.error("a live terminal lost its connection: %s", exc)

    def _play(self, conn: psycopg.Connection, c: _Call) -> None:
        w = c.wo
        assert w is not None
        if c.kind == "check_in":
            plate = self.plates.get(w.vehicle_id)
            if plate is None:
                return
            wo = self._call(conn, "SELECT terminal.check_in(%s, %s, %s, %s, p_actor => %s, p_at => %s)",
                            (uuid.uuid4(), w.store_id, plate, list(w.services), f"advisor@{self.codes[w.store_id]}",
                             c.at))
            if wo is not None:
                self.wo_ids[w.wo_id] = wo
            return
        wo = self.wo_ids.get(w.wo_id)
        if wo is None:
            return  # its check-in was refused; a real terminal would not have the job either
        tech = f"tech:{w.technician_id}"
        if c.kind == "start":
            self._call(conn, "SELECT terminal.start_job(%s, %s, %s, %s, %s, %s)",
                       (uuid.uuid4(), wo, w.bay_id, w.technician_id, tech, c.at))
        elif c.kind == "part":
            for code, qty in w.parts:
                self._call(conn, "SELECT terminal.use_part(%s, %s, %s, %s, %s, %s)",
                           (uuid.uuid4(), wo, code, qty, tech, c.at))
        elif c.kind == "finish":
            qc_bay = w.qc_bay_id if w.qc_bay_id != w.bay_id else None
            self._call(conn, "SELECT terminal.finish_job(%s, %s, %s, %s, %s)", (uuid.uuid4(), wo, tech, c.at, qc_bay))
        elif c.kind == "done":
            self._call(conn, "SELECT terminal.set_status(%s, %s, 'done', %s, %s)",
                       (uuid.uuid4(), wo, f"qc@{self.codes[w.store_id]}", c.at))
        elif c.kind == "deliver":
            self._call(conn, "SELECT terminal.set_status(%s, %s, 'delivered', %s, %s)",
                       (uuid.uuid4(), wo, f"advisor@{self.codes[w.store_id]}", c.at))
            if w.complaint:
                self._call(conn, "SELECT terminal.complain(%s, %s, %s, %s, %s)",
                           (uuid.uuid4(), w.store_id, "等待时间太长", wo, c.at))
        elif c.kind == "rate":
            self._call(conn, "SELECT terminal.rate(%s, %s, %s, NULL, %s)", (uuid.uuid4(), wo, w.rating, c.at))
            self.wo_ids.pop(w.wo_id, None)

    def _call(self, conn: psycopg.Connection, sql: str, params: tuple) -> int | None:
        t = time.perf_counter()
        try:
            row = conn.execute(sql, params).fetchone()
        except psycopg.Error as exc:
            if exc.sqlstate is None or isinstance(exc, psycopg.OperationalError):
                raise
            self.stats.record((time.perf_counter() - t) * 1000, exc.sqlstate, str(exc))
            log.debug("refused: %s", exc)
            return None
        self.stats.record((time.perf_counter() - t) * 1000)
        return row[0] if row else None


def _close_open_work(db: Database, store_ids: list[int]) -> int:
    """Work orders left open by an earlier run would block their bays: finish them through the contract."""
    n = 0
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        rows = conn.execute("SELECT id, status FROM work_order WHERE store_id = ANY(%s) "
                            "AND status NOT IN ('delivered', 'cancelled')", (store_ids,)).fetchall()
        for wo, status in rows:
            if status == "checked_in":
                conn.execute("SELECT terminal.set_status(%s, %s, 'cancelled', 'simulator')", (uuid.uuid4(), wo))
            else:
                if status == "in_service":
                    conn.execute("SELECT terminal.finish_job(%s, %s, 'simulator')", (uuid.uuid4(), wo))
                conn.execute("SELECT terminal.set_status(%s, %s, 'delivered', 'simulator')", (uuid.uuid4(), wo))
            n += 1
    return n


def run_live(db: Database, opts: LiveOptions, report=print, stop: threading.Event | None = None) -> LiveStats:
    """Play the network's terminals until `stop` is set, opts.minutes pass, or Ctrl+C."""
    seeded = seeded_options(db)
    if seeded is None:
        raise DomainError("There is no demo network to simulate; run 'python main.py seed' first.")
    if opts.speed <= 0 or opts.connections < 1:
        raise DomainError("The speed must be above 0 and there must be at least one connection.")
    stop = stop or threading.Event()
    _, network = network_for(seeded)
    stores = network.stores[: opts.stores] if opts.stores else network.stores
    ids = [s.id for s in stores]
    codes = {s.id: s.code for s in stores}
    closed = _close_open_work(db, ids)
    with psycopg.connect(db.conninfo) as conn:
        plates = dict(conn.execute("SELECT v.id, v.plate FROM vehicle v JOIN customer c ON c.id = v.customer_id "
                                   "WHERE c.home_store_id = ANY(%s)", (ids,)).fetchall())
    first = seeded.first_day()
    now = datetime.now(CHINA)
    day = (now.date() - first).days
    real_per_minute = 60.0 / opts.speed
    # In real time, start at the clock's minute; faster, start the day at the first opening.
    m0 = day * MINUTES_PER_DAY + (now.hour * 60 + now.minute if opts.speed <= 1.5 else
                                  min(s.open_minute for s in stores) - 5)
    stats = LiveStats()
    report(f"Live terminals: {len(ids)} stores on {opts.connections} connections at {opts.speed:g}× "
           f"(closed {closed} work orders left open by an earlier run). Ctrl+C stops.")
    deadline = time.perf_counter() + opts.minutes * 60 if opts.minutes else None
    policy = OldPolicy()
    rng = random.Random(opts.seed)
    try:
        while not stop.is_set():
            per_conn: list[list[_Call]] = [[] for _ in range(opts.connections)]
            seq = 0
            for s in stores:
                sim = StoreSimulator(s, network.params, policy, seeded.seed + rng.randrange(1000), first, day + 1)
                orders, _ = sim.run_day(day, StoreDemand(s, seeded.seed).day(day, weekday_of(day, first)))
                backfill = day * MINUTES_PER_DAY if opts.speed <= 1.5 else None
                calls = _day_calls(orders, m0, real_per_minute, seq, backfill, epoch(first))
                seq += len(calls)
                per_conn[s.id % opts.connections].extend(calls)
            t0 = time.perf_counter()
            day_stop = threading.Event()
            terminals = [_Terminal(db, calls, [sid for sid in ids if sid % opts.connections == k], t0, opts, stats,
                                   day_stop, codes, plates) for k, calls in enumerate(per_conn)]
            for t in terminals:
                t.start()
            day_len = (max(s.close_minute for s in stores) + 240 - (m0 - day * MINUTES_PER_DAY)) * real_per_minute
            while not stop.is_set() and time.perf_counter() - t0 < day_len:
                if deadline and time.perf_counter() >= deadline:
                    stop.set()
                    break
                stop.wait(min(10.0, max(0.1, day_len - (time.perf_counter() - t0))))
                report(stats.summary())
            day_stop.set()
            for t in terminals:
                t.join(10)
            day += 1
            m0 = day * MINUTES_PER_DAY + min(s.open_minute for s in stores) - 5
    except KeyboardInterrupt:
        stop.set()
    return stats
