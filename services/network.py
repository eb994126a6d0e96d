"""Read side of the network: stores, regions and the KPIs of DOMAIN.md, nationally, per region or per store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

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
               count(DISTINCT sd.store_id) AS stores,
               count(DISTINCT sd.day) AS days,
               sum(sd.occupied_bay_min) / nullif(sum(sd.open_bay_min), 0),
               sum(sd.wait_sum_h) / nullif(sum(sd.wait_n), 0),
               sum(sd.vehicles)::float / nullif(count(*), 0),
               sum(sd.completed_amount)::float / nullif(count(*), 0),
               sum(sd.completed_amount)::float / nullif(sum(sd.technicians_on_duty), 0),
               sum(sd.rating_sum)::float / nullif(sum(sd.rating_n), 0),
               sum(sd.cross_store)::float / nullif(count(DISTINCT sd.day), 0),
               sum(sd.cross_store)::float / nullif(sum(sd.vehicles), 0),
               sum(sd.rework)::float / nullif(sum(sd.vehicles), 0),
               sum(sd.complaints)
        FROM kpi.store_days_fast(:d0, :d1) sd
        JOIN store s ON s.id = sd.store_id
        JOIN region r ON r.id = s.region_id
        {where}
        GROUP BY {group}
        ORDER BY {group}
    """
    params = {"d0": date_from, "d1": date_to, "region": region_code}
    rows = conn.execute(text(sql), params).all()
    return [
        KpiRow(scope, r[0], r[1], r[2], int(r[3]), int(r[4]), r[5], r[6], r[7] or 0.0, r[8] or 0.0, r[9], r[10],
               r[11] or 0.0, r[12], r[13], int(r[14] or 0))
        for r in rows
    ]


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
