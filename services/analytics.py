"""Analytics of off-peak pricing: the load of the bays hour by hour and how many bookings took a discounted slot,
so HQ sees whether the rules flatten the morning peak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, text

from services.network import CHINA

HOURS = tuple(range(8, 19))  # the hours of a typical opening day, 08:00 to 18:59


@dataclass(frozen=True, slots=True)
class HourlyLoad:
    """Per hour of the day over a period: bay utilization (occupied / open bay-minutes) and bookings, of which
    how many at an off-peak discount."""

    date_from: date
    date_to: date
    hours: tuple[int, ...]
    utilization: tuple[float, ...]
    bookings: tuple[int, ...]
    discounted: tuple[int, ...]
    mean_discount_pct: float

    @property
    def peak_to_mean(self) -> float:
        """How peaked the day is: the busiest hour's utilization over the mean (1.0 = perfectly flat)."""
        values = [u for u in self.utilization if u > 0]
        return max(values) / (sum(values) / len(values)) if values else 0.0


def hourly_load(conn: Connection, date_from: date, date_to: date, region_code: str | None = None) -> HourlyLoad:
    """Bay utilization and bookings by hour of day (Asia/Shanghai) over [date_from, date_to]; what the user's
    scope lets them see (row-level security)."""
    lo = datetime.combine(date_from, time(0), tzinfo=CHINA)
    hi = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=CHINA)
    params = {"lo": lo, "hi": hi, "region": region_code, "h0": HOURS[0], "h1": HOURS[-1]}
    scope = """JOIN store s ON s.id = x.store_id JOIN region r ON r.id = s.region_id
               WHERE (CAST(:region AS text) IS NULL OR r.code = :region)"""  # noqa: S608 - constant text
    occupied = dict(conn.execute(text("""
        WITH x AS (
            SELECT j.store_id, greatest(lower(j.period), :lo) AS a, least(coalesce(upper(j.period), now()), :hi) AS b
            FROM job_all j WHERE j.status <> 'cancelled' AND lower(j.period) < :hi
              AND coalesce(upper(j.period), now()) > :lo)
        SELECT extract(hour FROM h AT TIME ZONE 'Asia/Shanghai')::int AS hour,
               sum(extract(epoch FROM least(x.b, h + interval '1 hour') - greatest(x.a, h)) / 60)
        FROM x JOIN store s ON s.id = x.store_id JOIN region r ON r.id = s.region_id
        CROSS JOIN LATERAL generate_series(date_trunc('hour', x.a), x.b, interval '1 hour') AS h
        WHERE h < x.b AND (CAST(:region AS text) IS NULL OR r.code = :region)
        GROUP BY 1"""), params).all())
    days = (date_to - date_from).days + 1
    open_minutes: dict[int, float] = {}
    for opens, closes, bays in conn.execute(text("""
            SELECT s.opens_at, s.closes_at, (SELECT count(*) FROM bay b WHERE b.store_id = s.id AND b.active)
            FROM store s JOIN region r ON r.id = s.region_id
            WHERE s.active AND (CAST(:region AS text) IS NULL OR r.code = :region)"""), params):
        a, b = opens.hour * 60 + opens.minute, closes.hour * 60 + closes.minute
        for h in HOURS:
            overlap = min(b, h * 60 + 60) - max(a, h * 60)
            if overlap > 0:
                open_minutes[h] = open_minutes.get(h, 0.0) + overlap * bays * days
    booked = {int(h): (int(n), int(d), float(p or 0)) for h, n, d, p in conn.execute(text(f"""
        WITH x AS (SELECT bk.store_id, lower(bk.slot) AS t, bk.discount_pct FROM booking bk
                   WHERE lower(bk.slot) >= :lo AND lower(bk.slot) < :hi AND bk.status <> 'cancelled')
        SELECT extract(hour FROM x.t AT TIME ZONE 'Asia/Shanghai')::int, count(*),
               count(*) FILTER (WHERE x.discount_pct > 0), avg(x.discount_pct) FILTER (WHERE x.discount_pct > 0)
        FROM x {scope} GROUP BY 1"""), params).all()}
    util = tuple(min(1.0, float(occupied.get(h, 0) or 0) / float(open_minutes[h])) if open_minutes.get(h) else 0.0
                 for h in HOURS)
    total_discounted = sum(booked.get(h, (0, 0, 0.0))[1] for h in HOURS)
    mean_pct = (sum(booked[h][1] * booked[h][2] for h in booked if h in HOURS) / total_discounted
                if total_discounted else 0.0)
    return HourlyLoad(date_from, date_to, HOURS, util, tuple(booked.get(h, (0, 0, 0.0))[0] for h in HOURS),
                      tuple(booked.get(h, (0, 0, 0.0))[1] for h in HOURS), mean_pct)
