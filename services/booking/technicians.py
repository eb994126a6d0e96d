"""Technician recommendation for a waiting work order, from the store-day as the database has it (booking side of
services.dispatch.technicians)."""

from __future__ import annotations

from datetime import datetime

from services.booking._db import Conn, execute
from services.booking.plan_store import load_problem
from services.dispatch.model import TechRecommendation
from services.dispatch.technicians import recommend_technicians
from services.model import DomainError
from services.network import CHINA


def recommend_for_work_order(conn: Conn, work_order_id: int, now: datetime | None = None) -> list[TechRecommendation]:
    """The technicians on duty today at the work order's store, best first, each factor explained (skill match,
    current load, rating, earliest start). Runs on a worker thread."""
    now = now or datetime.now(CHINA)
    row = execute(conn, "SELECT store_id, status FROM work_order WHERE id = %(id)s", {"id": work_order_id}).fetchone()
    if row is None:
        raise DomainError(f"Work order {work_order_id} is unknown or outside your scope; refresh the list.")
    if row[1] != "checked_in":
        raise DomainError(f"Work order {work_order_id} is no longer waiting; only a waiting vehicle needs a "
                          "technician.")
    problem, _ctx = load_problem(conn, int(row[0]), now.astimezone(CHINA).date(), now=now)
    return recommend_technicians(problem, 2 * work_order_id)


def work_order_technicians(conn: Conn, work_order_id: int, now: datetime | None = None
                           ) -> tuple[str, list[TechRecommendation], dict[int, str]]:
    """For the work order page: (the vehicle's plate, the ranked technicians, their names)."""
    items = recommend_for_work_order(conn, work_order_id, now=now)
    names = {int(r[0]): r[1] for r in execute(conn, "SELECT id, name FROM technician WHERE id = ANY(%(ids)s)",
                                              {"ids": [i.tech_id for i in items]}).fetchall()}
    plate = execute(conn, "SELECT v.plate FROM work_order w JOIN vehicle v ON v.id = w.vehicle_id "
                          "WHERE w.id = %(id)s", {"id": work_order_id}).fetchone()
    return (plate[0] if plate else str(work_order_id)), items, names
