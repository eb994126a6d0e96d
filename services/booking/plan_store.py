"""The plan of a store-day in the database: loading it as a dispatch problem, saving a plan (reservations and
"come earlier" notices) in one transaction, the planner's moves on the board, and the board's planned jobs.

Times in the problem are minutes since the store-day's local midnight (Asia/Shanghai). Job ids are stable:
2 × work order id for a vehicle in the store, 2 × booking id + 1 for a booking not yet arrived.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from services.booking._db import (
    DB_ERRORS,
    Conn,
    at_minute,
    clock_minutes,
    execute,
    midnight,
    savepoint,
    sql_error,
    to_minute,
    to_minute_ceil,
)
from services.booking.slots import needs_of, service_types
from services.dispatch.model import Assignment, DBay, DispatchProblem, DJob, DTech, EarlierNotice, Plan
from services.model import DomainError, MoveRefused
from services.network import CHINA

NOTICE_MIN_GAIN = 15  # minutes earlier before a customer is told to come earlier


class PlanMoveRefused(MoveRefused):
    """A move the database refused; `reason` is a stable code: unknown, released, past, bay_unknown, bay_kind,
    tech_unknown, skill, store_hours, off_shift, break, bay_busy, tech_busy, conflict, unplanned."""

    def __init__(self, message: str, reason: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.hint = hint


@dataclass(frozen=True, slots=True)
class JobRef:
    """Where a job of the problem comes from in the database."""

    job_id: int
    work_order_id: int | None
    booking_id: int | None
    reservation_id: int | None  # the held reservation (the plan in force), if any
    started: bool
    promised_at: datetime | None
    plate: str
    services_zh: str


@dataclass(frozen=True, slots=True)
class PlanContext:
    store_id: int
    day: date
    now: datetime
    jobs: dict[int, JobRef] = field(default_factory=dict)

    def at(self, minute: int) -> datetime:
        return at_minute(self.day, minute)


@dataclass(frozen=True, slots=True)
class SaveResult:
    updated: int
    inserted: int
    released: int
    notices: int
    notice_items: tuple[EarlierNotice, ...] = ()


@dataclass(frozen=True, slots=True)
class BoardReservation:
    """A planned job on the day board (the plan; running and finished work is in the store's jobs)."""

    id: int
    bay_id: int
    technician_id: int
    start: datetime
    end: datetime
    label: str  # plate and services
    promised: bool
    booking_id: int | None
    work_order_id: int | None
    arrived: bool  # the vehicle is in the store (checked in)


def load_problem(conn: Conn, store_id: int, day: date, now: datetime | None = None
                 ) -> tuple[DispatchProblem, PlanContext]:
    """The store-day as a dispatch problem: open bays, technicians on shift (with breaks), and the jobs — vehicles
    in service (fixed), vehicles waiting, bookings not yet arrived — each with its ready time, promised start and
    place in the plan in force. Runs on a worker thread."""
    now = now or datetime.now(CHINA)
    store = execute(conn, "SELECT opens_at, closes_at FROM store WHERE id = %(s)s AND active",
                    {"s": store_id}).fetchone()
    if store is None:
        raise DomainError(f"Store {store_id} is unknown, closed or outside your scope; pick another store.")
    types = service_types(conn)
    p = {"s": store_id, "day": day, "d0": midnight(day)}
    bays = tuple(DBay(int(r[0]), r[1], r[2]) for r in execute(
        conn, "SELECT id, kind, name FROM bay WHERE store_id = %(s)s AND active ORDER BY id", p).fetchall())
    techs = []
    for tid, name, skills, level, rating, p0, p1, b0, b1 in execute(conn, """
            SELECT t.id, t.name, t.skills, t.level, t.rating, lower(sh.period), upper(sh.period),
                   lower(sh.break_period), upper(sh.break_period)
            FROM shift sh JOIN technician t ON t.id = sh.technician_id
            WHERE sh.store_id = %(s)s AND sh.work_date = %(day)s AND t.active ORDER BY t.id""", p).fetchall():
        breaks = ((to_minute(day, b0), to_minute_ceil(day, b1)),) if b0 is not None else ()
        techs.append(DTech(int(tid), frozenset(skills), (to_minute_ceil(day, p0), to_minute(day, p1)), breaks,
                           int(level), float(rating), name=name))
    rows = execute(conn, """
        SELECT w.id, NULL::bigint, w.status, greatest(w.checked_in_at, w.booked_for), w.booked_for,
               (SELECT array_agg(st.code ORDER BY i.line_no) FROM work_order_item i
                JOIN service_type st ON st.id = i.service_type_id WHERE i.work_order_id = w.id),
               v.plate, r.id, r.bay_id, r.technician_id, lower(r.period), r.promised,
               j.bay_id, j.technician_id, lower(j.period)
        FROM work_order w JOIN vehicle v ON v.id = w.vehicle_id
        LEFT JOIN reservation r ON r.work_order_id = w.id AND r.status = 'held'
        LEFT JOIN job j ON j.work_order_id = w.id AND j.kind = 'service' AND j.status = 'active'
        WHERE w.store_id = %(s)s AND (w.status = 'checked_in' OR (w.status = 'in_service' AND j.id IS NOT NULL))
          AND w.checked_in_at < %(d0)s + interval '1 day'
        UNION ALL
        SELECT NULL, b.id, 'booked', lower(b.slot), lower(b.slot), b.service_codes, v.plate,
               r.id, r.bay_id, r.technician_id, lower(r.period), r.promised, NULL, NULL, NULL
        FROM booking b JOIN vehicle v ON v.id = b.vehicle_id
        LEFT JOIN reservation r ON r.booking_id = b.id AND r.status = 'held'
        WHERE b.store_id = %(s)s AND b.status = 'booked'
          AND lower(b.slot) >= %(d0)s AND lower(b.slot) < %(d0)s + interval '1 day'
        ORDER BY 4""", p).fetchall()
    jobs = []
    refs: dict[int, JobRef] = {}
    for (wo, bk, status, ready_at, booked_at, codes, plate, rid, rbay, rtech, rstart, promised, jbay, jtech,
         jstart) in rows:
        try:
            needs = needs_of(tuple(codes or ()), types)
        except DomainError:
            continue
        job_id = 2 * wo if wo is not None else 2 * bk + 1
        promised_at = rstart if (rid is not None and promised) else booked_at
        current = (int(rbay), int(rtech), to_minute(day, rstart)) if rid is not None else None
        fixed = (int(jbay), int(jtech), to_minute(day, jstart)) if status == "in_service" else None
        label = f"{plate} {'、'.join(needs.names_zh)}"
        jobs.append(DJob(job_id, needs.skills, needs.bay_kind, needs.minutes, to_minute(day, ready_at),
                         to_minute(day, promised_at) if promised_at is not None else None,
                         fixed=fixed, current=None if fixed else current, label=label))
        refs[job_id] = JobRef(job_id, wo, bk, rid, fixed is not None, promised_at, plate, "、".join(needs.names_zh))
    now_min = max(0, min(24 * 60, to_minute_ceil(day, now)))
    problem = DispatchProblem(store_id, now_min, clock_minutes(store[0]), clock_minutes(store[1]), bays,
                              tuple(techs), tuple(jobs))
    return problem, PlanContext(store_id, day, now, refs)


def current_plan(problem: DispatchProblem) -> Plan:
    """The plan in force as a Plan: every job at its reservation (`current`) or, when started, where it runs."""
    out = []
    for j in problem.jobs:
        place = j.fixed or j.current
        if place is not None:
            out.append(Assignment(j.id, place[0], place[1], place[2], place[2] + j.duration))
    return Plan(tuple(out), (), 0.0, 0.0, 0.0, status="current")


def earlier_notices(problem: DispatchProblem, ctx: PlanContext, plan: Plan,
                    min_gain: int = NOTICE_MIN_GAIN) -> list[EarlierNotice]:
    """Customers to tell to come earlier: bookings not yet arrived that `plan` starts at least `min_gain` minutes
    before the plan in force (services.dispatch.replan.earlier_notices), and not in the past."""
    from services.dispatch.replan import earlier_notices as dispatch_notices

    out = []
    for n in dispatch_notices(current_plan(problem), plan, problem, min_gain):
        ref = ctx.jobs.get(n.job_id)
        if ref is not None and ref.work_order_id is None and n.new_start >= problem.now:
            out.append(n)
    return out


def _notice_text(ref: JobRef, new: datetime, old: datetime) -> str:
    return (f"您的车辆 {ref.plate} 的{ref.services_zh}可提前到 {new.astimezone(CHINA):%H:%M} 开始"
            f"（原定 {old.astimezone(CHINA):%H:%M}），欢迎提前到店。")


def save_plan(conn: Conn, store_id: int, day: date, problem: DispatchProblem, ctx: PlanContext, plan: Plan,
              actor: str) -> SaveResult:
    """Make `plan` the plan in force, in one transaction: every assigned job not yet started gets its reservation
    (moved or new), deferred jobs lose theirs, and bookings that can come earlier get a notice. A booking that came in
    while planning and now overlaps makes the whole save fail with a DomainError (plan again); nothing is half
    changed. Runs in the caller's transaction (commit it); worker thread."""
    if ctx.store_id != store_id or ctx.day != day:
        raise DomainError("The plan belongs to another store or day; plan this store-day again.")
    notices = earlier_notices(problem, ctx, plan)
    told = {n.job_id for n in notices}
    items = []
    for a in plan.assignments:
        ref = ctx.jobs.get(a.job_id)
        if ref is None or ref.started:
            continue
        start, end = at_minute(day, a.start), at_minute(day, a.end)
        if ref.reservation_id is not None:
            promised = True if a.job_id in told else None  # None: keep what the customer was told
        else:
            promised = a.job_id in told or (ref.promised_at is not None and ref.promised_at == start)
        items.append({"reservation_id": ref.reservation_id, "booking_id": ref.booking_id,
                      "work_order_id": ref.work_order_id, "bay_id": a.bay_id, "technician_id": a.tech_id,
                      "start": start.isoformat(), "end": end.isoformat(), "promised": promised})
    release = [ctx.jobs[j].reservation_id for j in plan.deferred
               if j in ctx.jobs and ctx.jobs[j].reservation_id is not None]
    notes = []
    for n in notices:
        ref = ctx.jobs[n.job_id]
        old, new = at_minute(day, n.old_start), at_minute(day, n.new_start)
        notes.append({"booking_id": ref.booking_id, "work_order_id": ref.work_order_id, "old_start": old.isoformat(),
                      "new_start": new.isoformat(), "message": _notice_text(ref, new, old)})
    try:
        with savepoint(conn, "save_plan"):
            row = execute(conn, "SELECT updated, inserted, released, notices FROM booking.save_plan("
                                "%(s)s, %(items)s::jsonb, %(release)s::bigint[], %(notes)s::jsonb, %(actor)s)",
                          {"s": store_id, "items": json.dumps(items), "release": release,
                           "notes": json.dumps(notes, ensure_ascii=False), "actor": actor}).fetchone()
    except DB_ERRORS as exc:
        err = sql_error(exc)
        if err is None:
            raise
        if err.sqlstate == "23P01":
            raise DomainError("The plan no longer fits: a booking or a move came in while planning; "
                              "plan again.") from exc
        if err.sqlstate in ("AS403", "AS404", "AS409", "AS422", "23505"):
            raise DomainError(f"The plan was not saved: {err.message} {err.hint or ''}".strip()) from exc
        raise
    return SaveResult(int(row[0]), int(row[1]), int(row[2]), int(row[3]), tuple(notices))


def move_reservation(conn: Conn, reservation_id: int, bay_id: int, technician_id: int, start: datetime,
                     actor: str) -> None:
    """The planner's drag on the board: the database checks bay kind, skills, shift, breaks, store hours and
    overlaps and moves the planned job, or refuses with PlanMoveRefused (a MoveRefused with a `reason` code).
    Runs in the caller's transaction (commit it); worker thread."""
    if start.tzinfo is None:
        raise DomainError("The new start needs a time zone; pass an aware datetime.")
    try:
        with savepoint(conn, "move_reservation"):
            execute(conn, "SELECT booking.move_reservation(%(id)s, %(bay)s, %(tech)s, %(start)s, %(actor)s)",
                    {"id": reservation_id, "bay": bay_id, "tech": technician_id, "start": start, "actor": actor})
    except DB_ERRORS as exc:
        err = sql_error(exc)
        if err is None or err.sqlstate not in ("AS403", "AS404", "AS409", "AS422"):
            raise
        reason = err.detail or {"AS403": "scope", "AS404": "unknown"}.get(err.sqlstate or "", "invalid")
        raise PlanMoveRefused(err.message, reason, err.hint) from exc


def board_plan(conn: Conn, store_id: int, day: date) -> list[BoardReservation]:
    """The held reservations of the store-day for the board, in start order. Runs on a worker thread."""
    rows = execute(conn, """
        SELECT r.id, r.bay_id, r.technician_id, lower(r.period), upper(r.period),
               v.plate || ' ' || coalesce((
                   SELECT string_agg(st.name_zh, '、' ORDER BY c.n) FROM unnest(coalesce(
                       (SELECT array_agg(st2.code ORDER BY i.line_no) FROM work_order_item i
                        JOIN service_type st2 ON st2.id = i.service_type_id WHERE i.work_order_id = r.work_order_id),
                       b.service_codes)) WITH ORDINALITY AS c(code, n)
                   JOIN service_type st ON st.code = c.code), ''),
               r.promised, r.booking_id, r.work_order_id, r.work_order_id IS NOT NULL
        FROM reservation r
        LEFT JOIN booking b ON b.id = r.booking_id
        LEFT JOIN work_order w ON w.id = r.work_order_id
        JOIN vehicle v ON v.id = coalesce(w.vehicle_id, b.vehicle_id)
        WHERE r.store_id = %(s)s AND r.status = 'held'
          AND r.period && tstzrange(%(d0)s, %(d0)s + interval '1 day')
        ORDER BY lower(r.period), r.id""", {"s": store_id, "d0": midnight(day)}).fetchall()
    return [BoardReservation(int(r[0]), int(r[1]), int(r[2]), r[3], r[4], r[5], bool(r[6]), r[7], r[8], bool(r[9]))
            for r in rows]


def move_to_lane(conn: Conn, reservation_id: int, lane_kind: str, lane_id: int, start: datetime,
                 actor: str) -> None:
    """A drag on the day board: the planned job goes to another bay (lane_kind 'bay') or technician
    ('technician') and/or another start; the other resource stays. Same checks as move_reservation."""
    row = execute(conn, "SELECT bay_id, technician_id FROM reservation WHERE id = %(id)s",
                  {"id": reservation_id}).fetchone()
    if row is None:
        raise PlanMoveRefused("This planned job no longer exists.", "unknown", "Refresh the board.")
    bay_id, tech_id = int(row[0]), int(row[1])
    if lane_kind == "bay":
        bay_id = lane_id
    else:
        tech_id = lane_id
    move_reservation(conn, reservation_id, bay_id, tech_id, start, actor)


def assign_planned_job(conn: Conn, work_order_id: int, technician_id: int, start: datetime | None,
                       actor: str) -> datetime:
    """Give a waiting work order's planned job to a technician (at `start`, or its planned start), keeping its bay;
    the same checks as a drag on the board. Returns the start. Not in the plan yet: PlanMoveRefused 'unplanned'."""
    row = execute(conn, "SELECT id, bay_id, lower(period) FROM reservation WHERE work_order_id = %(w)s "
                        "AND status = 'held'", {"w": work_order_id}).fetchone()
    if row is None:
        raise PlanMoveRefused("This vehicle is not in the plan yet.", "unplanned", "Re-plan the day first.")
    at = start or row[2]
    move_reservation(conn, int(row[0]), int(row[1]), technician_id, at, actor)
    return at
