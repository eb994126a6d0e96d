"""Build the demo network: place the stores, give them resources, simulate their history, bulk-load it with COPY.

The whole load is one transaction on one connection: a failed or interrupted seed leaves the database as it was.
Secondary indexes and foreign keys of the big tables are dropped inside that transaction and rebuilt after the
COPY, the way pg_restore does it, which is several times faster than maintaining them row by row.
"""

from __future__ import annotations

import json
import logging
import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import psycopg

from services import catalog
from services.db import embedded, migrate
from services.db.engine import Database
from services.demo.placement import place_stores
from services.model import DomainError
from services.network import china_today
from services.simulation.engine import simulate_parallel
from services.simulation.records import StoreResult
from services.simulation.resources import NetworkSpec, build_network, iter_customers
from services.simulation.timebase import MINUTES_PER_DAY, epoch
from services.users import ensure_login_roles

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
SETTING_KEY = "demo_network"

# Tables the history fills, in load order (parents first). Their secondary indexes and constraints other than
# the primary key and checks are dropped for the load and rebuilt after it.
BULK_TABLES = ("customer", "vehicle", "shift", "booking", "work_order", "work_order_item", "work_order_event",
               "job_archive", "part_usage", "rating", "complaint")

SERVICE_ID = {s.code: s.id for s in catalog.SERVICE_TYPES}
SERVICE_PRICE = {s.code: s.price for s in catalog.SERVICE_TYPES}
SERVICE_MIN = {s.code: s.std_minutes for s in catalog.SERVICE_TYPES}
PART_ID = {p.code: p.id for p in catalog.PARTS}
CHANNELS = ("app", "phone", "wechat", "advisor")
COMPLAINTS = ("等待时间太长", "交车时间比承诺的晚", "价格和预约时说的不一样", "问题没有修好", "服务态度不好")


@dataclass(frozen=True, slots=True)
class SeedOptions:
    stores: int = 600
    days: int = 90
    seed: int = 7
    workers: int = 2
    end: date | None = None  # last day of history; default yesterday (China)

    def last_day(self) -> date:
        return self.end or (china_today() - timedelta(days=1))

    def first_day(self) -> date:
        return self.last_day() - timedelta(days=self.days - 1)


@dataclass
class SeedResult:
    options: SeedOptions
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    reused: bool = False
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase

    def summary(self) -> str:
        if self.reused:
            return (f"The demo network is already there ({self.options.stores} stores, {self.options.days} days); "
                    "use --rebuild to build it again.")
        total = sum(self.rows.values())
        parts = ", ".join(f"{k} {v:,}" for k, v in self.rows.items())
        return (f"Built the demo network: {self.options.stores} stores, {self.options.days} days "
                f"({self.options.first_day()} – {self.options.last_day()}), {total:,} rows in {self.seconds:.0f} s.\n"
                f"  {parts}\n  phases (s): {self.phases}")


def network_for(opts: SeedOptions) -> tuple[tuple, NetworkSpec]:
    """The placements and resources of a demo network, rebuilt identically from its options (the live simulator
    and the tests use this to find the same stores, bays, technicians and customers the database holds).
    The rollout waves start 84 days before the history ends, so every store is live today."""
    placements = place_stores(seed=opts.seed, total=opts.stores, start=opts.last_day() - timedelta(days=84))
    return placements, build_network(placements, seed=opts.seed)


def is_seeded(db: Database) -> bool:
    with db.connect() as conn:
        try:
            return conn.execute("SELECT 1 FROM app_setting WHERE key = %s", (SETTING_KEY,)).fetchone() is not None
        except psycopg.errors.UndefinedTable:
            return False


def seeded_options(db: Database) -> SeedOptions | None:
    with db.connect() as conn:
        row = conn.execute("SELECT value FROM app_setting WHERE key = %s", (SETTING_KEY,)).fetchone()
    if row is None:
        return None
    v = row[0]
    return SeedOptions(stores=v["stores"], days=v["days"], seed=v["seed"], end=date.fromisoformat(v["end"]))


def seed_network(db: Database, opts: SeedOptions, *, rebuild: bool = False,
                 progress: Progress | None = None) -> SeedResult:
    """Build the demo network into `db` (migrating it first). Runs on a worker thread or the CLI."""
    if opts.stores < 14:
        raise DomainError("The demo network needs at least 14 stores (two per region); ask for more stores.")
    if not 1 <= opts.days <= 400:
        raise DomainError("The history must be between 1 and 400 days long.")
    report = progress or (lambda fraction, message: None)
    t0 = _time.perf_counter()
    phases: dict[str, float] = {}
    mark = [t0]

    def phase(name: str) -> None:
        now = _time.perf_counter()
        phases[name] = round(now - mark[0], 2)
        mark[0] = now

    migrate.upgrade(db)
    if is_seeded(db):
        if not rebuild:
            return SeedResult(seeded_options(db) or opts, 0.0, reused=True)
        if not db.embedded:
            raise DomainError("Rebuilding drops every row of the database; on a shared server, do it on a new, "
                              "empty database instead.")
        report(0.0, "正在清空旧的演示网络… Dropping the old demo network…")
        name = db.url.database or "aftersales"
        db.dispose()
        embedded.drop_database(db.maintenance_conninfo or "", name)
        embedded.ensure_database(db.maintenance_conninfo or "", name)
        migrate.upgrade(db)
    with db.connect() as conn:
        if conn.execute("SELECT count(*) FROM store").fetchone()[0]:
            raise DomainError("The database already holds stores that are not a demo network; seed an empty "
                              "database instead.")
    phase("prepare")
    report(0.01, "正在布置门店… Placing the stores…")
    first = opts.first_day()
    placements, network = network_for(opts)
    rows: dict[str, int] = {}
    with db.connect() as conn:
        conn.execute("SET LOCAL synchronous_commit = off")
        conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
        saved = _drop_bulk_constraints(conn)
        report(0.03, "正在写入门店、工位、技师… Stores, bays, technicians…")
        phase("network_build")
        rows.update(_load_network(conn, network, placements, opts))
        phase("network_load")
        loader = _HistoryLoader(conn, network, first, datetime.now(UTC))
        done = 0
        for chunk in simulate_parallel(network, opts.days, first, seed=opts.seed, workers=opts.workers,
                                       chunk_stores=15):
            loader.load(chunk)
            done += len(chunk)
            report(0.05 + 0.75 * done / len(network.stores),
                   f"正在模拟历史 {done}/{len(network.stores)} 家门店… Simulating history, {done} stores")
        rows.update(loader.rows)
        phase("history_simulate_and_copy")
        report(0.82, "正在建立索引和约束… Building indexes and constraints…")
        _restore_bulk_constraints(conn, saved)
        _check_history_overlaps(conn)
        conn.execute("INSERT INTO job_archive_horizon (upto) SELECT coalesce(max(upper(period)), now()) "
                     "FROM job_archive")
        _reset_sequences(conn)
        phase("indexes_and_constraints")
        report(0.92, "正在汇总指标… Rolling up the KPIs…")
        conn.execute("SELECT kpi.refresh(%s, %s)", (first, opts.last_day()))
        _demo_users(conn, placements)
        ensure_login_roles(conn)
        conn.execute(
            "INSERT INTO app_setting (key, value) VALUES (%s, %s)",
            (SETTING_KEY, json.dumps({"stores": opts.stores, "days": opts.days, "seed": opts.seed,
                                      "end": opts.last_day().isoformat(), "first": first.isoformat()})))
        conn.commit()
        phase("kpi_rollup_and_commit")
    with db.connect(autocommit=True) as conn:
        report(0.97, "正在更新统计信息… Analysing…")
        conn.execute("ANALYZE")
    phase("analyze")
    report(1.0, "演示网络已就绪 The demo network is ready")
    return SeedResult(opts, _time.perf_counter() - t0, rows, phases=phases)


# --- bulk-load mode -----------------------------------------------------------------------------------------

def _drop_bulk_constraints(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """Drop secondary indexes, unique/exclusion constraints and foreign keys of BULK_TABLES; return how to
    rebuild them, in rebuild order (unique and exclusion, then indexes, then foreign keys)."""
    tables = list(BULK_TABLES)
    cons = conn.execute("""
        SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
        FROM pg_constraint c WHERE c.conrelid = ANY (%s::regclass[]) AND c.contype IN ('u', 'x', 'f')
        ORDER BY c.contype DESC""", (tables,)).fetchall()
    idx = conn.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i WHERE i.indrelid = ANY (%s::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""", (tables,)).fetchall()
    rebuild: list[tuple[str, str]] = []
    for table, name, kind, definition in cons:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        if kind != "f":
            rebuild.append(("constraint", f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    for name, definition in idx:
        conn.execute(f"DROP INDEX {name}")
        rebuild.append(("index", definition))
    for table, name, kind, definition in cons:
        if kind == "f":
            rebuild.append(("fk", f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    return rebuild


def _restore_bulk_constraints(conn: psycopg.Connection, rebuild: list[tuple[str, str]]) -> None:
    for _kind, statement in rebuild:
        conn.execute(statement)


def _check_history_overlaps(conn: psycopg.Connection) -> None:
    """The archive has no exclusion constraint: prove in bulk (one sort per resource) that no bay and no
    technician was ever booked twice in the loaded history, or fail the whole seed."""
    for column in ("bay_id", "technician_id"):
        clash = conn.execute(f"""
            SELECT {column}, lower(period) FROM (
                SELECT {column}, period,
                       max(upper(period)) OVER (PARTITION BY {column} ORDER BY lower(period), id
                                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS busy_until
                FROM job_archive WHERE {column} IS NOT NULL AND status <> 'cancelled') x
            WHERE busy_until > lower(period) LIMIT 1""").fetchone()
        if clash:
            raise DomainError(f"The simulated history books {column.split('_')[0]} {clash[0]} twice at {clash[1]}; "
                              "the demo network was not loaded.")


def _reset_sequences(conn: psycopg.Connection) -> None:
    for (table,) in conn.execute("""
            SELECT table_name FROM information_schema.columns
            WHERE table_schema = 'public' AND column_name = 'id' AND is_identity = 'YES'""").fetchall():
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                     f"greatest((SELECT max(id) FROM {table}), 1))")


# --- reference network ----------------------------------------------------------------------------------------

def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _load_network(conn: psycopg.Connection, network: NetworkSpec, placements, opts: SeedOptions) -> dict[str, int]:
    region_id = {r.code: r.id for r in catalog.REGIONS}
    with conn.cursor().copy(
            "COPY store (id, code, name_zh, name_en, region_id, province_code, city_zh, city_en, lat, lon, "
            "store_type, size, opens_at, closes_at, rollout_wave, go_live_date) FROM STDIN") as cp:
        for p in placements:
            cp.write_row((p.id, p.code, p.name_zh, p.name_en, region_id[p.region_code], p.province_code, p.city_zh,
                          p.city_en, p.lat, p.lon, p.store_type, p.size, _hhmm(p.open_minute),
                          _hhmm(p.close_minute), p.rollout_wave, p.go_live_date))
    n_bays = n_techs = n_shifts = 0
    with conn.cursor().copy("COPY bay (id, store_id, kind, name) FROM STDIN") as cp:
        for s in network.stores:
            for b in s.bays:
                cp.write_row((b.id, s.id, b.kind, b.code))
                n_bays += 1
    with conn.cursor().copy("COPY technician (id, home_store_id, name, skills, level, rating) FROM STDIN") as cp:
        for s in network.stores:
            for t in s.technicians:
                cp.write_row((t.id, s.id, t.name, list(t.skills), t.level, t.rating))
                n_techs += 1
    first = opts.first_day()
    horizon = opts.days + 14  # the history plus two weeks of rosters ahead
    base = epoch(first)
    with conn.cursor().copy("COPY shift (technician_id, store_id, work_date, period, break_period) FROM STDIN") as cp:
        buf = []
        for s in network.stores:
            for t in s.technicians:
                for d in range(horizon):
                    day = first + timedelta(days=d)
                    if day.weekday() == t.day_off:
                        continue
                    m0 = d * MINUTES_PER_DAY
                    buf.append(f"{t.id}\t{s.id}\t{day.isoformat()}\t[{_ts(base, m0 + t.shift_start)},"
                               f"{_ts(base, m0 + t.shift_end)})\t[{_ts(base, m0 + t.lunch_start)},"
                               f"{_ts(base, m0 + t.lunch_end)})\n")
                    n_shifts += 1
            if len(buf) > 20000:
                cp.write("".join(buf))
                buf.clear()
        cp.write("".join(buf))
    with conn.cursor().copy("COPY stock (store_id, part_id, qty, reorder_level) FROM STDIN") as cp:
        for s in network.stores:
            for code, qty in s.stock_par:
                cp.write_row((s.id, PART_ID[code], qty, max(1, qty // 3)))
    n_cust = 0
    created = (base - timedelta(days=365)).isoformat()
    vbuf: list[str] = []
    with conn.cursor().copy("COPY customer (id, name, phone, home_lat, home_lon, home_store_id, created_at) "
                            "FROM STDIN") as cc:
        cbuf: list[str] = []
        for c, v in iter_customers(network):
            cbuf.append(f"{c.id}\t{c.name}\t{c.phone}\t{c.home_lat:.5f}\t{c.home_lon:.5f}\t{c.store_id}\t{created}\n")
            vbuf.append(f"{v.id}\t{v.customer_id}\t{v.plate}\t{v.model}\t{v.year}\n")
            n_cust += 1
            if len(cbuf) >= 20000:
                cc.write("".join(cbuf))
                cbuf.clear()
        cc.write("".join(cbuf))
    with conn.cursor().copy("COPY vehicle (id, customer_id, plate, model, model_year) FROM STDIN") as cv:
        for i in range(0, len(vbuf), 20000):
            cv.write("".join(vbuf[i:i + 20000]))
    return {"stores": len(placements), "bays": n_bays, "technicians": n_techs, "shifts": n_shifts,
            "customers": n_cust}


@lru_cache(maxsize=1 << 18)
def _ts_cached(base_iso_day: str, minute: int) -> str:
    day = date.fromisoformat(base_iso_day) + timedelta(days=minute // MINUTES_PER_DAY)
    m = minute % MINUTES_PER_DAY
    return f"{day.isoformat()} {m // 60:02d}:{m % 60:02d}:00+08"


def _ts(base: datetime, minute: int) -> str:
    """A simulation minute as a timestamptz literal (Asia/Shanghai is +08 all year)."""
    return _ts_cached(base.date().isoformat(), minute)


# --- history ------------------------------------------------------------------------------------------------

class _HistoryLoader:
    """Turns the engine's records into COPY text for the history tables, one chunk of stores at a time."""

    def __init__(self, conn: psycopg.Connection, network: NetworkSpec, first: date, now: datetime) -> None:
        self.conn = conn
        self.network = network
        self.day0 = first.isoformat()
        self.now_minute = int((now - epoch(first)).total_seconds() // 60)
        self.rows = {k: 0 for k in ("bookings", "work_orders", "items", "events", "jobs", "part_usage", "ratings",
                                    "complaints")}
        self.codes = {s.id: s.code for s in network.stores}

    def ts(self, minute: int) -> str:
        return _ts_cached(self.day0, minute)

    def load(self, chunk: list[StoreResult]) -> None:
        bk: list[str] = []
        wo: list[str] = []
        it: list[str] = []
        ev: list[str] = []
        jb: list[str] = []
        pu: list[str] = []
        rt: list[str] = []
        cp: list[str] = []
        ts = self.ts
        now = self.now_minute
        for res in chunk:
            advisor = f"advisor@{self.codes[res.store_id]}"
            for w in res.work_orders:
                if w.checked_in_at > now or w.started_at > now:
                    continue  # not yet happened (cannot occur for a history that ends yesterday)
                wid = w.wo_id
                booking = ""
                booked_for = "\\N"
                if w.booked and w.booked_for is not None:
                    booking = str(wid)
                    booked_for = ts(w.booked_for)
                    minutes = sum(SERVICE_MIN[c] for c in w.services)
                    created = w.booking_created_at if w.booking_created_at is not None else w.booked_for - 1440
                    bk.append(f"{wid}\t{w.store_id}\t{w.requested_store_id}\t{w.customer_id}\t{w.vehicle_id}\t"
                              f"{CHANNELS[wid % 4]}\t{{{','.join(w.services)}}}\t[{booked_for},"
                              f"{ts(w.booked_for + minutes)})\tchecked_in\t{w.amount}\t{ts(created)}\n")
                else:
                    booking = "\\N"
                fin = ts(w.finished_at)
                tech = f"tech:{w.technician_id}"
                # Steps that lie after "now" have not happened yet: the work order stops at the last one that did.
                if w.delivered_at <= now:
                    status, qc, dl = "delivered", ts(w.qc_done_at), ts(w.delivered_at)
                elif w.qc_done_at <= now:
                    status, qc, dl = "done", ts(w.qc_done_at), "\\N"
                else:
                    status, qc, dl = "quality_check", "\\N", "\\N"
                rework = "\\N" if w.rework_of is None else str(w.rework_of)
                wo.append(f"{wid}\t{w.store_id}\t{w.requested_store_id}\t{booking}\t{w.customer_id}\t{w.vehicle_id}\t"
                          f"{status}\t{booked_for}\t{ts(w.checked_in_at)}\t{ts(w.started_at)}\t{fin}\t{qc}\t{dl}\t"
                          f"{w.amount}\t{rework}\n")
                for n, code in enumerate(w.services, 1):
                    it.append(f"{wid}\t{n}\t{SERVICE_ID[code]}\t{SERVICE_PRICE[code]}\n")
                ev.append(f"{wid}\t{w.store_id}\tchecked_in\t{ts(w.checked_in_at)}\t{advisor}\thistory\n"
                          f"{wid}\t{w.store_id}\tin_service\t{ts(w.started_at)}\t{tech}\thistory\n"
                          f"{wid}\t{w.store_id}\tquality_check\t{fin}\t{tech}\thistory\n")
                if qc != "\\N":
                    ev.append(f"{wid}\t{w.store_id}\tdone\t{qc}\tqc@{self.codes[w.store_id]}\thistory\n")
                if dl != "\\N":
                    ev.append(f"{wid}\t{w.store_id}\tdelivered\t{dl}\t{advisor}\thistory\n")
                jb.append(f"{2 * wid}\t{wid}\t{w.store_id}\t{w.bay_id}\t{w.technician_id}\tservice\t"
                          f"[{ts(w.started_at)},{fin})\tdone\n")
                if qc != "\\N" and w.qc_done_at > w.finished_at:
                    jb.append(f"{2 * wid + 1}\t{wid}\t{w.store_id}\t{w.qc_bay_id}\t\\N\tqc\t[{fin},{qc})\tdone\n")
                for code, qty in w.parts:
                    pu.append(f"{wid}\t{w.store_id}\t{PART_ID[code]}\t{qty}\t{ts(w.started_at)}\n")
                if w.rating is not None and dl != "\\N":
                    rt.append(f"{wid}\t{w.store_id}\t{w.rating}\t{ts(w.delivered_at + 30)}\n")
                if w.complaint and dl != "\\N":
                    cp.append(f"{w.store_id}\t{wid}\t{COMPLAINTS[wid % len(COMPLAINTS)]}\t{ts(w.delivered_at + 60)}\n")
        self._copy("booking (id, store_id, requested_store_id, customer_id, vehicle_id, channel, service_codes, slot, "
                   "status, quoted_price, created_at)", bk, "bookings")
        self._copy("work_order (id, store_id, requested_store_id, booking_id, customer_id, vehicle_id, status, "
                   "booked_for, checked_in_at, started_at, finished_at, qc_done_at, delivered_at, amount, rework_of)",
                   wo, "work_orders")
        self._copy("work_order_item (work_order_id, line_no, service_type_id, price)", it, "items")
        self._copy("work_order_event (work_order_id, store_id, status, at, actor, source)", ev, "events")
        self._copy("job_archive (id, work_order_id, store_id, bay_id, technician_id, kind, period, status)", jb, "jobs")
        self._copy("part_usage (work_order_id, store_id, part_id, qty, used_at)", pu, "part_usage")
        self._copy("rating (work_order_id, store_id, score, rated_at)", rt, "ratings")
        self._copy("complaint (store_id, work_order_id, text, created_at)", cp, "complaints")

    def _copy(self, target: str, lines: list[str], counter: str) -> None:
        if not lines:
            return
        with self.conn.cursor().copy(f"COPY {target} FROM STDIN") as cp:
            cp.write("".join(lines))
        self.rows[counter] += sum(line.count("\n") for line in lines)


# --- demo users -------------------------------------------------------------------------------------------------

def _demo_users(conn: psycopg.Connection, placements) -> None:
    """One HQ operator, one manager per region and managers of the three pilot stores."""
    conn.execute("INSERT INTO app_user (login, display_name, role) VALUES ('hq.zhang', '张艳 (总部运营)', 'hq')")
    for r in catalog.REGIONS:
        conn.execute("INSERT INTO app_user (login, display_name, role, region_id) VALUES (%s, %s, 'region', %s)",
                     (f"region.{r.code.lower()}", f"{r.name_zh}区域经理", r.id))
    for p in sorted(placements, key=lambda p: p.id)[:3]:
        conn.execute("INSERT INTO app_user (login, display_name, role, store_id) VALUES (%s, %s, 'store', %s)",
                     (f"store.{p.code.lower()}", f"{p.name_zh}店长", p.id))
