"""The before/after replay: the seeded network's demand under the old, the smart and the rebalance policy, saved
as scenarios and compared side by side (per region and nationally)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import psycopg

from services.catalog import REGION_BY_CODE, REGIONS
from services.model import DomainError, ScenarioKpiRow
from services.simulation.engine import simulate, simulate_parallel
from services.simulation.kpi import NATIONAL, KpiAccumulator, Kpis
from services.simulation.policies import OldPolicy, Policy
from services.simulation.rebalancing import RebalancePolicy
from services.simulation.records import StoreResult
from services.simulation.resources import NetworkSpec
from services.simulation.smart import SmartParams, SmartPolicy
from services.simulation.timebase import MINUTES_PER_DAY

POLICIES: tuple[str, ...] = ("old", "smart", "rebalance")  # also the order of the comparison
Progress = Callable[[float, str], None]


class UnknownPolicy(DomainError):
    """The replay was asked for a policy it does not know."""


@dataclass(frozen=True)
class ReplayResult:
    """KPIs of one policy replayed over the network's demand, plus what the off-peak analytics need."""

    policy: str
    start_date: date
    days: int
    seed: int
    stores: int
    elapsed_s: float
    kpis: dict[str, Kpis]  # region code → KPIs, plus NATIONAL
    store_output: dict[int, float]  # store id → ¥ per store-day
    cross_store_by_day: tuple[int, ...]  # work orders served away from the requested store, per day
    hourly_load: dict[str, tuple[float, ...]]  # scope → 24 shares of open bay capacity used, by hour of day
    discounted_share: float  # share of work orders priced with an off-peak discount
    params: dict[str, object] = field(default_factory=dict)
    policy_stats: dict[str, int] = field(default_factory=dict)

    @property
    def national(self) -> Kpis:
        return self.kpis[NATIONAL]


def make_policy(name: str, params: SmartParams | None = None) -> Policy:
    if name == "old":
        return OldPolicy()
    if name == "smart":
        return SmartPolicy(params)
    if name == "rebalance":
        return RebalancePolicy(params)
    raise UnknownPolicy(f"There is no replay policy called {name!r}; choose one of {', '.join(POLICIES)}.")


class _HourlyLoad:
    """Occupied and open bay-minutes per hour of the day and scope, counted like the engine's utilization."""

    def __init__(self, network: NetworkSpec) -> None:
        self.network = network
        self.occupied: dict[str, list[float]] = {}
        self.open: dict[str, list[float]] = {}

    def add(self, result: StoreResult) -> None:
        store = self.network.store(result.store_id)
        scopes = (store.region_code, NATIONAL)
        occ = [0.0] * 24
        opened = [0.0] * 24
        o, c = store.open_minute, store.close_minute
        for h in range(24):
            opened[h] = max(0, min(c, 60 * h + 60) - max(o, 60 * h)) * len(store.bays) * len(result.store_days)
        for wo in result.work_orders:
            base = wo.started_at - wo.started_at % MINUTES_PER_DAY
            if wo.qc_bay_id == wo.bay_id:
                _spread(occ, wo.started_at - base, wo.qc_done_at - base, o, c)
            else:
                _spread(occ, wo.started_at - base, wo.finished_at - base, o, c)
                fb = wo.finished_at - wo.finished_at % MINUTES_PER_DAY
                _spread(occ, wo.finished_at - fb, wo.qc_done_at - fb, o, c)
        for scope in scopes:
            so = self.occupied.setdefault(scope, [0.0] * 24)
            sp = self.open.setdefault(scope, [0.0] * 24)
            for h in range(24):
                so[h] += occ[h]
                sp[h] += opened[h]

    def shares(self) -> dict[str, tuple[float, ...]]:
        return {
            scope: tuple(round(o / p, 4) if p else 0.0 for o, p in zip(occ, self.open[scope], strict=True))
            for scope, occ in self.occupied.items()
        }


def _spread(hours: list[float], start: int, end: int, open_m: int, close_m: int) -> None:
    start, end = max(start, open_m), min(end, close_m)
    while start < end:
        h = start // 60
        stop = min(end, 60 * h + 60)
        hours[h] += stop - start
        start = stop


def run_replay(
    network: NetworkSpec,
    days: int,
    start_date: date,
    policy_name: str,
    *,
    seed: int,
    workers: int = 2,
    progress: Progress | None = None,
    params: SmartParams | None = None,
    store_ids: Iterable[int] | None = None,
) -> ReplayResult:
    """Replay `days` days from `start_date` of the network's demand (the same customers as the seeded history
    when `seed` and `start_date` are the seed's) under a policy; runs on a worker thread or the CLI.

    The old policy's stores are independent and run in `workers` processes; the smart and rebalance ones
    couple the stores through routing, loans and transfers, so it steps the network day by day in this process (fast enough: see docs/replay.md).
    Results never depend on `workers`.
    """
    if not 1 <= days <= 366:
        raise DomainError("A replay covers 1 to 366 days; ask for a number of days in that range.")
    report = progress or (lambda fraction, message: None)
    policy = make_policy(policy_name, params)
    ids = sorted(store_ids) if store_ids is not None else [s.id for s in network.stores]
    region_of = {s.id: s.region_code for s in network.stores}
    acc = KpiAccumulator(region_of)
    hourly = _HourlyLoad(network)
    cross = [0] * days
    store_output: dict[int, float] = {}
    discounted = 0
    discounts = getattr(policy, "discounts", {})
    t0 = time.perf_counter()

    def take(result: StoreResult) -> None:
        nonlocal discounted
        acc.add(result)
        hourly.add(result)
        amount = 0
        for wo in result.work_orders:
            amount += wo.amount
            if wo.store_id != wo.requested_store_id:
                cross[min(days - 1, wo.started_at // MINUTES_PER_DAY)] += 1
            if wo.wo_id in discounts:
                discounted += 1
        store_output[result.store_id] = amount / len(result.store_days) if result.store_days else 0.0

    if policy.stores_independent:
        done = 0
        for chunk in simulate_parallel(
            network, days, start_date, policy, seed, workers=workers, chunk_stores=15, store_ids=ids
        ):
            for result in chunk:
                take(result)
            done += len(chunk)
            report(done / len(ids), f"{policy_name}: {done}/{len(ids)} stores")
    else:

        def on_day(day: int) -> None:
            report(0.95 * (day + 1) / days, f"{policy_name}: day {day + 1}/{days}")

        for result in simulate(
            network, days, start_date, policy, seed, store_ids=ids, mode="network", on_day=on_day
        ):
            take(result)
    kpis = acc.by_region()
    report(1.0, f"{policy_name}: done")
    n_orders = kpis[NATIONAL].work_orders
    return ReplayResult(
        policy=policy_name,
        start_date=start_date,
        days=days,
        seed=seed,
        stores=len(ids),
        elapsed_s=round(time.perf_counter() - t0, 2),
        kpis=kpis,
        store_output=store_output,
        cross_store_by_day=tuple(cross),
        hourly_load=hourly.shares(),
        discounted_share=discounted / n_orders if n_orders else 0.0,
        params=policy.params.as_dict() if isinstance(policy, SmartPolicy) else {},
        policy_stats=policy.stats() if isinstance(policy, SmartPolicy) else {},
    )


# --- scenarios in the database ------------------------------------------------------------------------------


def _finite(v: float | None) -> float | None:
    return None if v is None or math.isnan(v) else v


def save_scenario(conn: psycopg.Connection, result: ReplayResult, name: str, created_by: str) -> int:
    """Write a replay as a scenario with one KPI row per region and one for the nation; returns its id.
    Runs in the caller's transaction (the caller commits), so a failure stores nothing."""
    if not name.strip():
        raise DomainError("A scenario needs a name.")
    sid = conn.execute(
        """INSERT INTO scenario (name, policy, start_date, days, seed, stores, elapsed_s, params, created_by)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id""",
        (
            name.strip()[:200],
            result.policy,
            result.start_date,
            result.days,
            result.seed,
            result.stores,
            result.elapsed_s,
            json.dumps({**result.params, "stats": result.policy_stats}, ensure_ascii=False),
            created_by,
        ),
    ).fetchone()[0]
    for scope, k in result.kpis.items():
        extra: dict[str, object] = {"hourly_load": list(result.hourly_load.get(scope, ())),
                                    "parts_shortages": k.parts_shortages, "complaints": k.complaints}
        if scope == NATIONAL:
            extra.update(
                cross_store_by_day=list(result.cross_store_by_day),
                discounted_share=round(result.discounted_share, 5),
                store_output={str(s): round(v, 1) for s, v in result.store_output.items()},
            )
        conn.execute(
            """INSERT INTO scenario_kpi (scenario_id, region_id, stores, store_days, work_orders, utilization,
                   wait_hours, vehicles_per_store_day, output_per_store_day, output_per_technician_day, csi,
                   rework_rate, cross_store_per_day, cross_store_share, balked, extra)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
            (
                sid,
                None if scope == NATIONAL else REGION_BY_CODE[scope].id,
                k.stores,
                k.store_days,
                k.work_orders,
                min(1.0, k.utilization),
                k.wait_hours,
                k.vehicles_per_store_day,
                k.output_per_store_day,
                k.output_per_technician_day,
                _finite(k.csi),
                k.rework_rate,
                k.cross_store_per_day,
                k.cross_store_share,
                k.balked,
                json.dumps(extra),
            ),
        )
    return sid


def find_scenario(
    conn: psycopg.Connection, policy: str, start_date: date, days: int, seed: int, stores: int
) -> int | None:
    """The latest scenario of a policy replayed over exactly this demand, or None."""
    row = conn.execute(
        """SELECT id FROM scenario WHERE policy = %s AND start_date = %s AND days = %s AND seed = %s
           AND stores = %s ORDER BY created_at DESC, id DESC LIMIT 1""",
        (policy, start_date, days, seed, stores),
    ).fetchone()
    return None if row is None else row[0]


_REGION_CODE = {r.id: r.code for r in REGIONS}


def load_comparison(conn: psycopg.Connection, scenario_ids: Sequence[int] | None = None) -> list[ScenarioKpiRow]:
    """KPI rows of the given scenarios (default: the latest of each policy), nation first then the regions in
    catalog order, scenarios in the order given (default: old before smart)."""
    if scenario_ids is None:
        rows = conn.execute(
            "SELECT DISTINCT ON (policy) id, policy FROM scenario ORDER BY policy, created_at DESC, id DESC"
        ).fetchall()
        order = {p: i for i, p in enumerate(POLICIES)}
        scenario_ids = [r[0] for r in sorted(rows, key=lambda r: (order.get(r[1], 99), r[1]))]
    if not scenario_ids:
        return []
    found = conn.execute(
        """SELECT s.id, s.policy, k.region_id, k.utilization, k.wait_hours, k.vehicles_per_store_day,
                  k.output_per_store_day, k.output_per_technician_day, k.csi, k.rework_rate,
                  k.cross_store_per_day, k.cross_store_share, k.balked, k.work_orders
           FROM scenario s JOIN scenario_kpi k ON k.scenario_id = s.id WHERE s.id = ANY(%s)""",
        (list(scenario_ids),),
    ).fetchall()
    rank = {sid: i for i, sid in enumerate(scenario_ids)}
    out = [
        ScenarioKpiRow(
            scenario_id=r[0],
            policy=r[1],
            region_code=None if r[2] is None else _REGION_CODE[r[2]],
            utilization=r[3],
            wait_hours=r[4],
            vehicles_per_store_day=r[5],
            output_per_store_day=r[6],
            output_per_technician_day=r[7],
            csi=r[8],
            rework_rate=r[9],
            cross_store_per_day=r[10],
            cross_store_share=r[11],
            balked=r[12],
            work_orders=r[13],
        )
        for r in found
    ]
    region_rank = {r.code: i + 1 for i, r in enumerate(REGIONS)}
    out.sort(key=lambda r: (0 if r.region_code is None else region_rank[r.region_code], rank[r.scenario_id]))
    return out


def load_extra(conn: psycopg.Connection, scenario_id: int) -> dict[str, object]:
    """The national row's extra figures of a scenario (hourly load, cross-store per day, store output…)."""
    row = conn.execute(
        "SELECT extra FROM scenario_kpi WHERE scenario_id = %s AND region_id IS NULL", (scenario_id,)
    ).fetchone()
    return {} if row is None else dict(row[0])


def load_meta(conn: psycopg.Connection, scenario_id: int) -> dict[str, object]:
    """When and over what a scenario was replayed: days, stores, run_at (for the wall's caption)."""
    row = conn.execute("SELECT days, stores, created_at FROM scenario WHERE id = %s", (scenario_id,)).fetchone()
    return {} if row is None else {"days": row[0], "stores": row[1], "run_at": row[2]}


def load_stats(conn: psycopg.Connection, scenario_id: int) -> dict[str, object]:
    """What the policy of a scenario did (referrals, loans, parts transfers…), as counted over the replay."""
    row = conn.execute("SELECT params -> 'stats', days FROM scenario WHERE id = %s", (scenario_id,)).fetchone()
    return {} if row is None or not isinstance(row[0], dict) else {**row[0], "days": row[1]}


def network_moves_line(policy: str, stats: dict[str, object]) -> str:
    """One line of a scenario's network moves per day: referrals, loans, parts transfers."""
    days = int(stats.get("days") or 0)  # type: ignore[call-overload]
    if not days:
        return ""

    def per_day(key: str) -> str:
        return f"{float(stats.get(key, 0) or 0) / days:,.1f}"  # type: ignore[arg-type]

    return (
        f"{policy}: per day {per_day('referrals')} referrals (of which {per_day('day_before_referrals')} the "
        f"evening before), {per_day('loans')} technician loans, {per_day('parts_transfers')} parts transfers."
    )


def store_output_change(before: dict, after: dict) -> str:
    """One line on how stores' output moved between two scenarios (store id → ¥ per store-day)."""
    common = [s for s in before if s in after]
    if not common:
        return ""
    up = sum(1 for s in common if after[s] > before[s] * 1.02)
    down = sum(1 for s in common if after[s] < before[s] * 0.98)
    b = sum(before[s] for s in common) / len(common)
    a = sum(after[s] for s in common) / len(common)
    return (
        f"Store output: ¥{b:,.0f} → ¥{a:,.0f} per store-day ({(a / b - 1) * 100 if b else 0:+.1f} %); "
        f"{up} stores up, {down} down, {len(common) - up - down} within ±2 %."
    )


# --- the comparison table -----------------------------------------------------------------------------------

_KPIS: tuple[tuple[str, str, Callable[[float], str], bool], ...] = (
    # (attribute, label, format, relative change shown)
    ("utilization", "utilization %", lambda v: f"{v * 100:.1f}", False),
    ("wait_hours", "wait h", lambda v: f"{v:.2f}", True),
    ("vehicles_per_store_day", "vehicles / store-day", lambda v: f"{v:.1f}", True),
    ("output_per_store_day", "output ¥ / store-day", lambda v: f"{v:,.0f}", True),
    ("output_per_technician_day", "output ¥ / technician-day", lambda v: f"{v:,.0f}", True),
    ("csi", "CSI", lambda v: f"{v:.1f}", False),
    ("cross_store_per_day", "cross-store / day", lambda v: f"{v:,.1f}", False),
    ("balked", "balked customers", lambda v: f"{v:,.0f}", True),
    ("work_orders", "work orders", lambda v: f"{v:,.0f}", True),
)


def _change(attr: str, a: float | None, b: float | None, relative: bool) -> str:
    if a is None or b is None:
        return "–"
    if attr == "utilization":
        return f"{(b - a) * 100:+.1f} pts"
    diff = b - a
    text = f"{diff:+,.2f}" if attr == "wait_hours" else f"{diff:+,.1f}"
    if relative and a:
        text += f" ({diff / a * 100:+.0f} %)"
    return text


def _scope_name(code: str | None) -> str:
    if code is None:
        return "全国 National"
    r = REGION_BY_CODE[code]
    return f"{r.name_zh} {code}"


def format_comparison(rows: Sequence[ScenarioKpiRow], notes: Sequence[str] = ()) -> str:
    """A side-by-side table: the nation KPI by KPI, then each region's headline KPIs, the scenarios in the order
    given (old, smart, rebalance). Two scenarios get one "change" column (second − first); more get one column
    per step (each scenario − the one before it: what smart adds to old, what rebalancing adds to smart)."""
    if not rows:
        return "No replay scenarios yet; run `python main.py replay --days 30 --policy smart`."
    scen: list[tuple[int, str]] = []
    for r in rows:
        if (r.scenario_id, r.policy) not in scen:
            scen.append((r.scenario_id, r.policy))
    by = {(r.scenario_id, r.region_code): r for r in rows}
    steps = list(range(1, len(scen)))
    heads = ["change"] if len(scen) == 2 else [f"{scen[i][1]} − {scen[i - 1][1]}" for i in steps]
    lines: list[tuple[str, ...]] = [("National", *[p for _, p in scen], *heads)]
    for attr, label, fmt, relative in _KPIS:
        vals = [getattr(by[(s, None)], attr) if (s, None) in by else None for s, _ in scen]
        cells = [("–" if v is None else fmt(v)) for v in vals]
        cells.extend(_change(attr, vals[i - 1], vals[i], relative) for i in steps)
        lines.append((label, *cells))
    out = [_table(lines), ""]
    regions = [r.code for r in REGIONS if any((s, r.code) in by for s, _ in scen)]
    if regions:
        head = ("By region", "utilization %", "wait h", "output ¥/store-day", "CSI", "cross/day")
        table: list[tuple[str, ...]] = [head]
        for code in [None, *regions]:
            got = [by.get((s, code)) for s, _ in scen]
            if any(g is None for g in got):
                continue

            def pair(attr: str, fmt: Callable[[float], str], got=got) -> str:
                vals = [getattr(g, attr) for g in got]
                return " → ".join("–" if v is None else fmt(v) for v in vals)

            table.append(
                (
                    _scope_name(code),
                    pair("utilization", lambda v: f"{v * 100:.1f}"),
                    pair("wait_hours", lambda v: f"{v:.2f}"),
                    pair("output_per_store_day", lambda v: f"{v:,.0f}"),
                    pair("csi", lambda v: f"{v:.1f}"),
                    pair("cross_store_per_day", lambda v: f"{v:,.1f}"),
                )
            )
        out.append(_table(table))
    out.extend(n for n in notes if n)
    return "\n".join(out).rstrip()


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _table(lines: Sequence[tuple[str, ...]]) -> str:
    widths = [max(_width(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(
            (cell + " " * (widths[i] - _width(cell))) if i == 0 else (" " * (widths[i] - _width(cell)) + cell)
            for i, cell in enumerate(line)
        ).rstrip()
        for line in lines
    )
