"""A store's day for the store view: bookings, vehicles in the workshop, the bay/technician board, technicians,
and one work order's timeline. Plain data out; runs on a worker thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import Connection, text

from services.model import (
    BoardJob,
    BoardLane,
    BookingRow,
    DomainError,
    TechnicianState,
    TimelineEvent,
    WorkOrderDetail,
    WorkshopVehicle,
)
from services.network import CHINA, KpiRow, kpis


@dataclass(frozen=True, slots=True)
class StoreDayView:
    store_id: int
    code: str
    name_zh: str
    region_code: str
    day_start: datetime
    day_end: datetime
    kpis: KpiRow | None
    region_kpis: KpiRow | None
    bookings: tuple[BookingRow, ...]
    vehicles: tuple[WorkshopVehicle, ...]
    lanes: tuple[BoardLane, ...]
    jobs: tuple[BoardJob, ...]
    technicians: tuple[TechnicianState, ...]


def store_day(conn: Connection, store_id: int, now: datetime | None = None) -> StoreDayView:
    now = now or datetime.now(CHINA)
    day = now.astimezone(CHINA).date()
    store = conn.execute(text("""
        SELECT s.id, s.code, s.name_zh, r.code, s.opens_at, s.closes_at FROM store s
        JOIN region r ON r.id = s.region_id WHERE s.id = :id"""), {"id": store_id}).one_or_none()
    if store is None:
        raise DomainError(f"门店 {store_id} 不存在或不在您的权限范围内。 Store {store_id} is unknown or outside your scope.")
    start = datetime.combine(day, store[4], tzinfo=CHINA) - timedelta(hours=1)
    end = datetime.combine(day, store[5], tzinfo=CHINA) + timedelta(hours=2)
    day0 = datetime.combine(day, time(0), tzinfo=CHINA)
    own = [r for r in kpis(conn, "store", day, day) if r.key == store[1]]
    region = region_kpis(conn, store[3], day, day)
    bookings = conn.execute(text("""
        SELECT b.id, v.plate, c.name, array_to_string(b.service_codes, ', '), lower(b.slot), b.status, b.channel
        FROM booking b JOIN vehicle v ON v.id = b.vehicle_id JOIN customer c ON c.id = b.customer_id
        WHERE b.store_id = :s AND lower(b.slot) >= :d0 AND lower(b.slot) < :d1 ORDER BY lower(b.slot)"""),
        {"s": store_id, "d0": day0, "d1": day0 + timedelta(days=1)}).all()
    vehicles = conn.execute(text("""
        SELECT w.id, v.plate, (SELECT string_agg(st.name_zh, '、' ORDER BY i.line_no) FROM work_order_item i
                               JOIN service_type st ON st.id = i.service_type_id WHERE i.work_order_id = w.id),
               w.status, w.checked_in_at, w.started_at,
               extract(epoch FROM coalesce(w.started_at, :now) - greatest(w.checked_in_at, w.booked_for)) / 3600,
               CASE WHEN w.started_at IS NULL THEN 0
                    WHEN w.status <> 'in_service' THEN 1
                    ELSE least(1, extract(epoch FROM :now - w.started_at) / 60 / nullif((
                        SELECT sum(st.std_minutes) FROM work_order_item i JOIN service_type st
                        ON st.id = i.service_type_id WHERE i.work_order_id = w.id), 0)) END
        FROM work_order w JOIN vehicle v ON v.id = w.vehicle_id
        WHERE w.store_id = :s AND w.status IN ('checked_in', 'in_service', 'quality_check')
        ORDER BY w.checked_in_at"""), {"s": store_id, "now": now}).all()
    lanes = [BoardLane(r[0], "bay", r[1], r[2]) for r in conn.execute(text(
        "SELECT id, name, kind FROM bay WHERE store_id = :s AND active ORDER BY kind, name"), {"s": store_id})]
    techs = conn.execute(text("""
        SELECT t.id, t.name, t.level, array_to_string(t.skills, ', '), sh.period, sh.break_period
        FROM technician t
        LEFT JOIN shift sh ON sh.technician_id = t.id AND sh.work_date = :day AND sh.store_id = :s
        WHERE t.active AND (t.home_store_id = :s OR sh.id IS NOT NULL) ORDER BY t.id"""),
        {"s": store_id, "day": day}).all()
    lanes += [BoardLane(r[0], "technician", r[1], r[3]) for r in techs]
    jobs = conn.execute(text("""
        SELECT j.id, j.work_order_id, j.bay_id, j.technician_id, j.kind, j.status, lower(j.period), upper(j.period),
               v.plate || ' ' || coalesce((SELECT st.name_zh FROM work_order_item i JOIN service_type st
                                           ON st.id = i.service_type_id WHERE i.work_order_id = w.id
                                           ORDER BY i.line_no LIMIT 1), '')
        FROM job_all j JOIN work_order w ON w.id = j.work_order_id JOIN vehicle v ON v.id = w.vehicle_id
        WHERE j.store_id = :s AND j.status <> 'cancelled' AND lower(j.period) < :e
          AND coalesce(upper(j.period), 'infinity') > :b
        ORDER BY lower(j.period)"""), {"s": store_id, "b": start, "e": end}).all()
    # The plan: held reservations of bookings and waiting vehicles, drawn as movable "planned" bars. Their board
    # ids are the negated reservation ids, so they never collide with job ids.
    planned = conn.execute(text("""
        SELECT -r.id, coalesce(r.work_order_id, 0), r.bay_id, r.technician_id, 'service', 'planned',
               lower(r.period), upper(r.period),
               coalesce(v.plate, '') || ' ' || coalesce(
                   (SELECT st.name_zh FROM work_order_item i JOIN service_type st ON st.id = i.service_type_id
                    WHERE i.work_order_id = r.work_order_id ORDER BY i.line_no LIMIT 1),
                   (SELECT st.name_zh FROM service_type st WHERE st.code = b.service_codes[1]), '')
        FROM reservation r
        LEFT JOIN booking b ON b.id = r.booking_id
        LEFT JOIN work_order w ON w.id = r.work_order_id
        LEFT JOIN vehicle v ON v.id = coalesce(w.vehicle_id, b.vehicle_id)
        WHERE r.store_id = :s AND r.status = 'held' AND lower(r.period) < :e AND upper(r.period) > :b
        ORDER BY lower(r.period)"""), {"s": store_id, "b": start, "e": end}).all()
    board = tuple(BoardJob(*r) for r in jobs) + tuple(BoardJob(*r) for r in planned)
    busy = {j.technician_id: j.work_order_id for j in board
            if j.end is None and j.technician_id is not None and j.status == "active"}
    states = []
    for t_id, name, level, skills, period, lunch in techs:
        if period is None or not (period.lower <= now < period.upper):
            state = "off"
        elif t_id in busy:
            state = "busy"
        elif lunch is not None and lunch.lower <= now < lunch.upper:
            state = "lunch"
        else:
            state = "idle"
        states.append(TechnicianState(t_id, name, level, skills, state, busy.get(t_id)))
    return StoreDayView(
        store[0], store[1], store[2], store[3], start, end, own[0] if own else None, region,
        tuple(BookingRow(*r) for r in bookings),
        tuple(WorkshopVehicle(r[0], r[1], r[2] or "", r[3], r[4], r[5], float(r[6] or 0), float(r[7] or 0))
              for r in vehicles),
        tuple(lanes), board, tuple(states))


def region_kpis(conn: Connection, region_code: str, date_from, date_to) -> KpiRow | None:
    """The region's KPIs over the period, from totals any user of the region may see (kpi.region_totals)."""
    r = conn.execute(text("SELECT * FROM kpi.region_totals(:r, :a, :b)"),
                     {"r": region_code, "a": date_from, "b": date_to}).one()
    stores, open_min, occ, vehicles, amount, wait_sum, wait_n, rating_sum, rating_n, cross, rework, duty, \
        complaints, store_days, days = r
    if not stores:
        return None
    per = float(store_days)
    return KpiRow("region", region_code, "", "", int(stores), int(days), occ / open_min if open_min else None,
                  wait_sum / wait_n if wait_n else None, float(vehicles) / per, float(amount) / per,
                  float(amount) / float(duty) if duty else None, float(rating_sum) / rating_n if rating_n else None,
                  float(cross) / float(days) if days else 0.0, float(cross) / float(vehicles) if vehicles else None,
                  float(rework) / float(vehicles) if vehicles else None, int(complaints))


def work_order_detail(conn: Connection, work_order_id: int) -> WorkOrderDetail:
    row = conn.execute(text("""
        SELECT w.id, w.store_id, s.name_zh, v.plate, c.name, w.status,
               (SELECT array_agg(st.name_zh ORDER BY i.line_no) FROM work_order_item i
                JOIN service_type st ON st.id = i.service_type_id WHERE i.work_order_id = w.id),
               w.amount, w.checked_in_at, w.booked_for,
               (SELECT score FROM rating WHERE work_order_id = w.id)
        FROM work_order w JOIN store s ON s.id = w.store_id JOIN vehicle v ON v.id = w.vehicle_id
        JOIN customer c ON c.id = w.customer_id WHERE w.id = :id"""), {"id": work_order_id}).one_or_none()
    if row is None:
        raise DomainError(f"工单 {work_order_id} 不存在或不在您的权限范围内。 "
                          f"Work order {work_order_id} is unknown or outside your scope.")
    events = conn.execute(text("SELECT status, at, actor, source FROM work_order_event WHERE work_order_id = :id "
                               "ORDER BY at, id"), {"id": work_order_id}).all()
    parts = conn.execute(text("SELECT p.name_zh, sum(u.qty) FROM part_usage u JOIN part p ON p.id = u.part_id "
                              "WHERE u.work_order_id = :id GROUP BY p.name_zh ORDER BY 1"), {"id": work_order_id}).all()
    return WorkOrderDetail(row[0], row[1], row[2], row[3], row[4], row[5], tuple(row[6] or ()), float(row[7]),
                           row[8], row[9], tuple(TimelineEvent(*e) for e in events),
                           tuple((p[0], int(p[1])) for p in parts), row[10])


