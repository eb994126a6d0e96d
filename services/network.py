"""Read side of the network: stores, regions and the KPIs of DOMAIN.md, nationally, per region or per store."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from services.model import KpiTile, StoreStatus, TrendSeries

CHINA = ZoneInfo("Asia/Shanghai")
SCOPES = ("nation", "region", "store")


def china_today() -> date:
    return datetime.now(CHINA).date()


@dataclass(frozen=True, slots=True)
class KpiRow:
    """KPIs over a period for one scope (the nation, a region or a store). None where nothing was measured."""

    scope: str  # nation | region | store
    key: str  # "CN", the region code or the store code
    name_zh: str
    name_en: str
    stores: int
    days: int
    utilization: float | None  # occupied bay-minutes / open bay-minutes, 0..1
    wait_hours: float | None  # mean of service start - max(arrival, booked time)
    vehicles_per_store_day: float
    output_per_store_day: float  # completed amount, yuan
    output_per_technician_day: float | None
    csi: float | None  # mean rating 0..100
    cross_store_per_day: float
    cross_store_share: float | None
    rework_rate: float | None
    complaints: int


@dataclass(frozen=True, slots=True)
class Presence:
    """Adoption figures right now: stores online (terminals wrote in 15 minutes) and daily active users."""

    live_stores: int
    stores_online: int
    users: int
    active_users_today: int

    @property
    def online_share(self) -> float | None:
        return self.stores_online / self.live_stores if self.live_stores else None

    @property
    def active_user_share(self) -> float | None:
        return self.active_users_today / self.users if self.users else None


_GROUP = {
    "nation": ("'CN'", "'全国'", "'China'", "1"),
    "region": ("r.code", "r.name_zh", "r.name_en", "r.id, r.code, r.name_zh, r.name_en"),
    "store": ("s.code", "s.name_zh", "s.name_en", "s.id, s.code, s.name_zh, s.name_en"),
}


# The KPIs of DOMAIN.md over any set of store-day rows `sd`, in KpiRow's order after key and names.
_AGGREGATES = """
    count(DISTINCT sd.store_id), count(DISTINCT sd.day),
    sum(sd.occupied_bay_min) / nullif(sum(sd.open_bay_min), 0),
    sum(sd.wait_sum_h) / nullif(sum(sd.wait_n), 0),
    sum(sd.vehicles)::float / nullif(count(*), 0),
    sum(sd.completed_amount)::float / nullif(count(*), 0),
    sum(sd.completed_amount)::float / nullif(sum(sd.technicians_on_duty), 0),
    sum(sd.rating_sum)::float / nullif(sum(sd.rating_n), 0),
    sum(sd.cross_store)::float / nullif(count(DISTINCT sd.day), 0),
    sum(sd.cross_store)::float / nullif(sum(sd.vehicles), 0),
    sum(sd.rework)::float / nullif(sum(sd.vehicles), 0),
    sum(sd.complaints)"""


def _row(scope: str, r) -> KpiRow:
    """A KpiRow from (key, name_zh, name_en, *_AGGREGATES)."""
    return KpiRow(scope, r[0], r[1], r[2], int(r[3]), int(r[4]), r[5], r[6], r[7] or 0.0, r[8] or 0.0, r[9], r[10],
                  r[11] or 0.0, r[12], r[13], int(r[14] or 0))


def _days_source(conn: Connection) -> str:
    """Where store-day rows come from: finished days from the rollup, today either computed on the spot or, inside
    today_snapshot(), from the snapshot taken once for the whole refresh. Uses the :d0 and :d1 parameters."""
    if conn.info.get(_SNAPSHOT) is None:
        return "kpi.store_days_fast(:d0, :d1)"
    return ("(SELECT * FROM kpi.store_day WHERE day BETWEEN :d0 AND least(CAST(:d1 AS date), "
            "(now() AT TIME ZONE 'Asia/Shanghai')::date - 1) "
            "UNION ALL SELECT * FROM pg_temp.today_sd WHERE day BETWEEN :d0 AND :d1)")


_SNAPSHOT = "aftersales_today_snapshot"


@contextmanager
def today_snapshot(conn: Connection) -> Iterator[None]:
    """Compute today's store-day rows once (about 30 ms on 600 stores) for every query inside the block, instead
    of once per query. The temporary table lives in this transaction only. Runs on a worker thread."""
    conn.execute(text("CREATE TEMP TABLE today_sd ON COMMIT DROP AS SELECT * FROM kpi.store_days(:d, :d)"),
                 {"d": china_today()})
    conn.info[_SNAPSHOT] = True
    try:
        yield
    finally:
        conn.info.pop(_SNAPSHOT, None)
        conn.rollback()


def kpis(conn: Connection, scope: str = "region", date_from: date | None = None, date_to: date | None = None,
         region_code: str | None = None) -> list[KpiRow]:
    """KPIs per scope over [date_from, date_to] (China days; default: today). Runs on a worker thread."""
    if scope not in _GROUP:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    date_to = date_to or china_today()
    date_from = date_from or date_to
    key, name_zh, name_en, group = _GROUP[scope]
    where = "WHERE r.code = :region" if region_code else ""
    sql = f"""
        SELECT {key}, {name_zh}, {name_en},
               {_AGGREGATES}
        FROM {_days_source(conn)} sd
        JOIN store s ON s.id = sd.store_id
        JOIN region r ON r.id = s.region_id
        {where}
        GROUP BY {group}
        ORDER BY {group}
    """
    params = {"d0": date_from, "d1": date_to, "region": region_code}
    rows = conn.execute(text(sql), params).all()
    return [_row(scope, r) for r in rows]


def presence(conn: Connection, at: datetime | None = None) -> Presence:
    """Stores online and daily active users now (or at `at`)."""
    row = conn.execute(text("""
        SELECT (SELECT count(*) FROM store WHERE active AND go_live_date <= (:at AT TIME ZONE 'Asia/Shanghai')::date),
               (SELECT count(*) FROM terminal.store_activity a JOIN store s ON s.id = a.store_id
                 WHERE s.active AND a.last_write_at > :at - interval '15 minutes'),
               (SELECT count(*) FROM app_user WHERE active),
               (SELECT count(DISTINCT user_id) FROM user_login
                 WHERE (at AT TIME ZONE 'Asia/Shanghai')::date = (:at AT TIME ZONE 'Asia/Shanghai')::date)
    """), {"at": at or datetime.now(CHINA)}).one()
    return Presence(*(int(v) for v in row))


def ensure_rollup(conn: Connection) -> int:
    """Materialise every finished day not yet in kpi.store_day (after a seed, or after midnight). Commits."""
    last, first_wo = conn.execute(text(
        "SELECT (SELECT max(day) FROM kpi.store_day), "
        "(SELECT (min(checked_in_at) AT TIME ZONE 'Asia/Shanghai')::date FROM work_order)")).one()
    if first_wo is None:
        return 0
    start = (last + timedelta(days=1)) if last else first_wo
    n = conn.execute(text("SELECT kpi.refresh(:a, :b)"), {"a": start, "b": china_today() - timedelta(days=1)}
                     ).scalar_one()
    conn.commit()
    return int(n)


# --- the live console: store states, KPI tiles, daily series ------------------------------------------------------

# Bands for colouring the map; business thresholds every console shares would live in app_setting.
UTILIZATION_LOW, UTILIZATION_HIGH = 0.40, 0.85
WAIT_LONG, WAIT_VERY_LONG = 1.0, 2.0


def utilization_band(value: float | None) -> str:
    if value is None:
        return "none"
    return "low" if value < UTILIZATION_LOW else "high" if value > UTILIZATION_HIGH else "normal"


def wait_band(value: float | None) -> str:
    if value is None:
        return "none"
    return "short" if value < WAIT_LONG else "long" if value < WAIT_VERY_LONG else "very_long"


def store_statuses(conn: Connection, store_ids: list[int] | None = None, region_code: str | None = None
                   ) -> list[StoreStatus]:
    """Today's live state of the stores (all visible ones, or only `store_ids`). Runs on a worker thread."""
    today = china_today()
    today_rows = ("pg_temp.today_sd" if conn.info.get(_SNAPSHOT) is not None
                  else "kpi.store_days(CAST(:today AS date), CAST(:today AS date))")
    rows = conn.execute(text(f"""
        SELECT s.id, s.code, s.name_zh, s.name_en, r.code, s.city_zh, s.lat, s.lon,
               sd.occupied_bay_min / nullif(sd.open_bay_min, 0),
               sd.wait_sum_h / nullif(sd.wait_n, 0),
               coalesce(sd.vehicles, 0),
               (SELECT count(*) FROM work_order w WHERE w.store_id = s.id
                  AND w.status IN ('checked_in', 'in_service', 'quality_check')),
               coalesce(a.n, 0), a.worst,
               coalesce(act.last_write_at > now() - interval '15 minutes', false)
        FROM store s
        JOIN region r ON r.id = s.region_id
        LEFT JOIN {today_rows} sd ON sd.store_id = s.id
        LEFT JOIN (SELECT store_id, count(*) AS n,
                          (array_agg(severity ORDER BY array_position(ARRAY['critical','warning','info'], severity)))[1]
                              AS worst
                   FROM alert WHERE resolved_at IS NULL GROUP BY store_id) a ON a.store_id = s.id
        LEFT JOIN terminal.store_activity act ON act.store_id = s.id
        WHERE s.active AND (CAST(:ids AS integer[]) IS NULL OR s.id = ANY (CAST(:ids AS integer[])))
          AND (CAST(:region AS text) IS NULL OR r.code = :region)
        ORDER BY s.id
    """), {"today": today, "ids": store_ids, "region": region_code}).all()
    return [StoreStatus(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], int(r[10]), int(r[11]),
                        int(r[12]), r[13], bool(r[14]), utilization_band(r[8]), wait_band(r[9])) for r in rows]


# The seven tiles of the wall: KpiRow attribute, titles, unit, whether higher is better.
TILE_SPECS: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("utilization", "utilization", "工位利用率", "Bay utilization", "%", True),
    ("wait_hours", "wait_hours", "客户等待时长", "Customer waiting time", "h", False),
    ("vehicles", "vehicles_per_store_day", "日均接车量", "Vehicles received per store", "台", True),
    ("output", "output_per_store_day", "门店日均产值", "Output per store", "¥", True),
    ("csi", "csi", "客户满意度", "Customer satisfaction", "", True),
    ("cross_store", "cross_store_per_day", "跨店服务量", "Cross-store services", "单", True),
)


def kpi_tiles(conn: Connection, region_code: str | None = None, now: datetime | None = None,
              spark_days: int = 14) -> list[KpiTile]:
    """Today so far against the same weekday last week up to the same time, with a daily sparkline.
    The nation, or one region. Runs on a worker thread."""
    now = now or datetime.now(CHINA)
    today = now.astimezone(CHINA).date()
    last_week = today - timedelta(days=7)
    until = now.astimezone(CHINA).time()
    scope = "region" if region_code else "nation"
    if conn.info.get(_SNAPSHOT) is not None and now.astimezone(CHINA).date() == china_today():
        current = _one(kpis(conn, scope, today, today, region_code))  # today so far, from the snapshot
    else:
        current = _one(_kpis_until(conn, scope, today, until, region_code))
    who = conn.engine.url.username  # cached per login: row-level security decides what each one sees
    minute = now.replace(second=0, microsecond=0)
    previous = _cached(("previous", who, region_code, minute),
                       lambda: _one(_kpis_until(conn, scope, last_week, until, region_code)))
    daily = _cached(("daily", who, region_code, today), lambda: daily_kpis(
        conn, today - timedelta(days=spark_days), today - timedelta(days=1), region_code))
    tiles = []
    for key, attr, zh, en, unit, higher in TILE_SPECS:
        spark = tuple(float(getattr(r, attr)) for _, r in daily if getattr(r, attr) is not None)
        tiles.append(KpiTile(key, zh, en, getattr(current, attr) if current else None, unit,
                             getattr(previous, attr) if previous else None, spark, higher))
    live = presence(conn, now)
    share = live.online_share
    tiles.append(KpiTile("stores_online", "门店上线率", "Stores online", share, "%", None, (), True))
    return tiles


_CACHE: dict[tuple, object] = {}
_CACHE_LOCK = threading.Lock()


def _cached(key: tuple, compute):
    """Figures of the past (finished days, last week up to this minute) do not change: compute them once.
    The key holds the login, the scope and the day or minute they belong to; the cache stays small."""
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
    value = compute()
    with _CACHE_LOCK:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = value
    return value


def _one(rows: list[KpiRow]) -> KpiRow | None:
    return rows[0] if rows else None


def _kpis_until(conn: Connection, scope: str, day: date, until, region_code: str | None) -> list[KpiRow]:
    """KPIs of one past day cut at a clock time, computed from the raw tables."""
    key, name_zh, name_en, group = _GROUP[scope]
    where = "WHERE r.code = :region" if region_code else ""
    rows = conn.execute(text(f"""
        SELECT {key}, {name_zh}, {name_en}, {_AGGREGATES}
        FROM kpi.store_days(:d, :d, :until) sd
        JOIN store s ON s.id = sd.store_id JOIN region r ON r.id = s.region_id
        {where} GROUP BY {group}
    """), {"d": day, "until": until, "region": region_code}).all()
    return [_row(scope, r) for r in rows]


def daily_kpis(conn: Connection, date_from: date, date_to: date, region_code: str | None = None,
               by_region: bool = False) -> list[tuple[date, KpiRow]]:
    """One KpiRow per day (nation or region; or per region and day with by_region) for sparklines and trends."""
    key, name_zh, name_en = ("r.code", "r.name_zh", "r.name_en") if by_region or region_code else (
        "'CN'", "'全国'", "'China'")
    group = "sd.day, r.code, r.name_zh, r.name_en" if by_region or region_code else "sd.day"
    where = "WHERE r.code = :region" if region_code else ""
    rows = conn.execute(text(f"""
        SELECT sd.day, {key}, {name_zh}, {name_en}, {_AGGREGATES}
        FROM {_days_source(conn)} sd
        JOIN store s ON s.id = sd.store_id JOIN region r ON r.id = s.region_id
        {where} GROUP BY {group} ORDER BY {group}
    """), {"d0": date_from, "d1": date_to, "region": region_code}).all()
    scope = "region" if by_region or region_code else "nation"
    return [(r[0], _row(scope, r[1:])) for r in rows]


def trend_series(conn: Connection, kpi_key: str, date_from: date, date_to: date) -> list[TrendSeries]:
    """Per region, one value a day of the KPI `kpi_key` (a TILE_SPECS key). Runs on a worker thread."""
    attr = {spec[0]: spec[1] for spec in TILE_SPECS}[kpi_key]
    per: dict[str, tuple[str, dict[date, float | None]]] = {}
    rows = (_cached(("trend", conn.engine.url.username, date_from, date_to),
                    lambda: daily_kpis(conn, date_from, date_to, by_region=True))
            if date_to < china_today() else daily_kpis(conn, date_from, date_to, by_region=True))
    for day, row in rows:
        per.setdefault(row.key, (row.name_zh, {}))[1][day] = getattr(row, attr)
    days = tuple(date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1))
    return [TrendSeries(code, name, days, tuple(values.get(d) for d in days)) for code, (name, values) in per.items()]
