"""Parts shortages and where to get the parts: what a store's bookings and open work orders need against its stock,
and the nearby stores that can spare a part (distance, quantity, how long they can do without it), ranked with
reasons. Other stores' stock is read through approvals.part_sources (migration 0009), which returns only figures,
so it works under a store's own login too. Worker thread; read-only."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from typing import NamedTuple

from services.booking._db import DB_ERRORS, Conn, execute, savepoint, sql_error
from services.catalog import PART_BY_CODE
from services.model import DomainError, PartsSource, Reason
from services.network import china_today
from services.simulation.demand import PARTS_PER_SERVICE

# Stores get parts delivered about once a week: a source keeps what it expects to use until its next delivery.
DELIVERY_DAYS = 7.0
MAX_SPARE_DAYS = 99.0


class Shortage(NamedTuple):
    part_code: str
    needed: int
    on_hand: int


def _expected(codes: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """(certain, possible) expected quantities of each part for a list of service codes."""
    certain: dict[str, float] = defaultdict(float)
    possible: dict[str, float] = defaultdict(float)
    for code in codes:
        for part, prob, qtys in PARTS_PER_SERVICE.get(code, ()):
            mean = sum(qtys) / len(qtys)
            if prob >= 1.0:
                certain[part] += mean
            else:
                possible[part] += prob * mean
    return certain, possible


def _needed(certain: float, possible: float) -> int:
    """Parts a job surely uses count whole; parts it may use count by their expectation, rounded half up."""
    return math.ceil(certain - 1e-9) + math.floor(possible + 0.5)


def shortages(conn: Conn, store_id: int, *, booking_id: int | None = None, work_order_id: int | None = None,
              day: date | None = None) -> list[Shortage]:
    """The parts a store lacks for its work: one booking, one work order, or (neither given) the bookings of `day`
    (default today) plus the work orders in the workshop. Needs come from the services booked (the parts each
    service uses, as the simulation's demand model has them) minus what a work order already used. Biggest gap
    first; empty when the stock covers everything."""
    jobs: list[tuple[list[str], dict[str, int]]] = []  # (service codes, parts used already)
    if booking_id is not None or work_order_id is None:
        rows = execute(conn, """
            SELECT b.service_codes FROM booking b
            WHERE b.store_id = %(store)s AND b.status = 'booked'
              AND (CASE WHEN %(booking)s::bigint IS NULL
                        THEN (lower(b.slot) AT TIME ZONE 'Asia/Shanghai')::date = %(day)s::date
                        ELSE b.id = %(booking)s::bigint END)""",
                       {"store": store_id, "booking": booking_id, "day": day or china_today()}).fetchall()
        if booking_id is not None and not rows:
            raise DomainError(f"Booking {booking_id} is not an open booking of this store.")
        jobs.extend((list(r[0]), {}) for r in rows)
    if work_order_id is not None or booking_id is None:
        rows = execute(conn, """
            SELECT w.id, array_agg(st.code ORDER BY i.line_no),
                   (SELECT coalesce(jsonb_object_agg(p.code, u.n), '{}') FROM (
                        SELECT pu.part_id, sum(pu.qty) AS n FROM part_usage pu WHERE pu.work_order_id = w.id
                        GROUP BY pu.part_id) u JOIN part p ON p.id = u.part_id)
            FROM work_order w JOIN work_order_item i ON i.work_order_id = w.id
            JOIN service_type st ON st.id = i.service_type_id
            WHERE w.store_id = %(store)s AND (CASE WHEN %(wo)s::bigint IS NULL
                                                   THEN w.status IN ('checked_in', 'in_service')
                                                   ELSE w.id = %(wo)s::bigint END)
            GROUP BY w.id""", {"store": store_id, "wo": work_order_id}).fetchall()
        if work_order_id is not None and not rows:
            raise DomainError(f"Work order {work_order_id} is not a work order of this store.")
        jobs.extend((list(r[1]), {k: int(v) for k, v in (r[2] or {}).items()}) for r in rows)
    need: dict[str, int] = defaultdict(int)
    for codes, used in jobs:
        certain, possible = _expected(codes)
        for part in set(certain) | set(possible):
            n = _needed(certain.get(part, 0.0), possible.get(part, 0.0)) - used.get(part, 0)
            if n > 0:
                need[part] += n
    if not need:
        return []
    stock = dict(execute(conn, """
        SELECT p.code, k.qty FROM stock k JOIN part p ON p.id = k.part_id
        WHERE k.store_id = %(store)s AND p.code = ANY(%(codes)s)""",
                         {"store": store_id, "codes": list(need)}).fetchall())
    out = [Shortage(part, n, int(stock.get(part, 0))) for part, n in need.items() if n > stock.get(part, 0)]
    out.sort(key=lambda s: (s.on_hand - s.needed, s.part_code))
    return out


def sources(conn: Conn, store_id: int, part_code: str, qty: int, max_km: float = 80) -> list[PartsSource]:
    """The stores within `max_km` that can spare `part_code` for `store_id`, best first: those that can give all
    `qty` before those that can give part of it, then by a score of distance (near is quick), quantity and how long
    they can do without what they give. A store keeps its reorder level and what it expects to use until its next
    delivery (its average daily use over the last 28 days × DELIVERY_DAYS); stores with nothing to spare are left
    out. Each source carries its reasons in both languages."""
    if qty is None or qty <= 0:
        raise DomainError(f"The quantity must be a positive whole number, not {qty}.")
    part = PART_BY_CODE.get(part_code)
    try:
        with savepoint(conn, "part_sources"):
            rows = execute(conn, """
                SELECT store_id, name_zh, name_en, km, on_hand, reorder_level, daily_use
                FROM approvals.part_sources(%(store)s, %(part)s, %(km)s)""",
                           {"store": store_id, "part": part_code, "km": float(max_km)}).fetchall()
    except DB_ERRORS as exc:
        err = sql_error(exc)
        if err is None or not (err.sqlstate or "").startswith("AS"):
            raise
        raise DomainError(f"{err.message} {err.hint or ''}".strip()) from exc
    name_zh = part.name_zh if part else part_code
    name_en = part.name_en if part else part_code
    ranked: list[tuple[tuple, PartsSource]] = []
    for sid, sname, _sname_en, km, on_hand, reorder, daily in rows:
        keep = max(int(reorder), math.ceil(float(daily) * DELIVERY_DAYS - 1e-9))
        spare = max(0, int(on_hand) - keep)
        if spare <= 0:
            continue
        give = min(spare, qty)
        left = int(on_hand) - give
        days = MAX_SPARE_DAYS if daily <= 0 else min(MAX_SPARE_DAYS, left / float(daily))
        p_dist = max(0.0, 40.0 * (1 - float(km) / max(float(max_km), 1.0)))
        p_qty = 30.0 * give / qty
        p_days = 30.0 * min(days, 2 * DELIVERY_DAYS) / (2 * DELIVERY_DAYS)  # beyond two deliveries: plenty
        hours = float(km) / 40.0  # a van in town, about 40 km/h door to door
        reasons = (
            Reason("distance", round(p_dist, 1), f"相距 {km:.1f} 公里，约 {max(1, round(hours * 60))} 分钟送到",
                   f"{km:.1f} km away, about {max(1, round(hours * 60))} min by van"),
            Reason("quantity", round(p_qty, 1),
                   f"可调出 {spare} 个{name_zh}（库存 {on_hand}）" + ("，足够" if spare >= qty else f"，缺 {qty - spare}"),
                   f"can spare {spare} {name_en} (has {on_hand})" + (", enough" if spare >= qty
                                                                      else f", {qty - spare} short")),
            Reason("spare_days", round(p_days, 1),
                   "该店近 4 周没有用过此件" if daily <= 0 else f"调出后自用还够 {days:.0f} 天（日均用 {daily:.1f}）",
                   "the store has not used it in 4 weeks" if daily <= 0
                   else f"what stays lasts it {days:.0f} days (uses {daily:.1f} a day)"),
        )
        source = PartsSource(int(sid), sname, round(float(km), 1), int(on_hand), spare, round(days, 1), reasons)
        ranked.append(((spare < qty, -(p_dist + p_qty + p_days), float(km), int(sid)), source))
    ranked.sort(key=lambda x: x[0])
    return [s for _, s in ranked]
