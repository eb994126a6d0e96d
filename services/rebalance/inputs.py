"""Inputs of the rebalancing: each store-day's forecast work against its capacity, technicians on shift, stock
against expected parts use, and referable bookings — read through the rebalance.* functions of migration 0010."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import psycopg
from sqlalchemy import Connection as SAConnection

from services.network import china_today

Conn = psycopg.Connection | SAConnection

SKILLS = ("maintenance", "electrical", "mechanical", "body", "paint", "tyres", "diagnostics")


@dataclass(frozen=True, slots=True)
class Params:
    """The business knobs of the rebalancing (documented in docs/rebalancing.md)."""

    overload_at: float = 0.90  # a store-day whose forecast work exceeds this share of its capacity is overloaded
    receive_up_to: float = 0.75  # a receiver (or a lender) stays at or below this share after the moves
    referral_km: float = 30.0  # customers are referred within this distance
    loan_km: float = 60.0  # technicians are lent within this distance (a day trip)
    parts_km: float = 150.0  # parts travel within this distance (the overnight shuttle)
    delivery_days: float = 2.0  # days until a store's next regular parts delivery
    spare_margin: float = 1.5  # a source keeps this multiple of its own need until the delivery
    usage_days: int = 14  # parts use is averaged over this many past days
    history_weeks: int = 4  # typical demand: the same weekday in this many past weeks
    road_factor: float = 1.3  # road distance / straight-line distance
    speed_kmh: float = 35.0  # average road speed for travel times
    min_loan_share: float = 0.5  # a loan is proposed when at least this share of the technician's day is needed


@dataclass(frozen=True, slots=True)
class StoreInfo:
    store_id: int
    code: str
    name_zh: str
    name_en: str
    region_code: str
    lat: float
    lon: float
    open_minutes: int
    bay_kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TechOnShift:
    technician_id: int
    store_id: int  # where the shift is
    home_store_id: int
    day: date
    skills: frozenset[str]
    level: int
    minutes: int


@dataclass(slots=True)
class StoreDay:
    """One store on one day: forecast standard minutes of work per skill against technician and bay minutes."""

    store_id: int
    day: date
    demand: dict[str, float] = field(default_factory=dict)  # forecast minutes per skill
    booked_min: float = 0.0
    vehicles: float = 0.0  # expected vehicles
    techs: list[TechOnShift] = field(default_factory=list)
    bay_minutes: float = 0.0

    @property
    def load(self) -> float:
        return float(sum(self.demand.values()))

    @property
    def tech_minutes(self) -> float:
        return float(sum(t.minutes for t in self.techs))

    @property
    def capacity(self) -> float:
        return min(self.tech_minutes, self.bay_minutes)

    def skill_capacity(self, skill: str) -> float:
        return float(sum(t.minutes for t in self.techs if skill in t.skills))

    def needed_skill(self) -> str:
        """The skill whose forecast work is shortest of technicians who have it (the one a loan should bring)."""
        best, ratio = "maintenance", -1.0
        for skill, minutes in self.demand.items():
            if minutes <= 0:
                continue
            r = minutes / max(1.0, self.skill_capacity(skill))
            if r > ratio:
                best, ratio = skill, r
        return best


@dataclass(frozen=True, slots=True)
class StockLine:
    store_id: int
    part_id: int
    part_code: str
    qty: int
    reorder_level: int
    daily_use: float
    incoming: int = 0  # pending transfer requests into the store
    outgoing: int = 0  # pending transfer requests out of the store

    def need(self, p: Params) -> int:
        """Units the store will use until its next delivery."""
        return math.ceil(self.daily_use * p.delivery_days - 1e-9)

    def shortage(self, p: Params) -> int:
        return max(0, self.need(p) - (self.qty + self.incoming - self.outgoing))

    def can_spare(self, p: Params) -> int:
        keep = max(self.reorder_level, math.ceil(self.daily_use * p.delivery_days * p.spare_margin - 1e-9))
        return max(0, self.qty - self.outgoing - keep)


@dataclass(frozen=True, slots=True)
class MovableBooking:
    booking_id: int
    store_id: int
    day: date
    starts_at: datetime
    service_codes: tuple[str, ...]
    minutes: int
    skills: frozenset[str]
    bay_kind: str


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    code: str
    skill: str
    bay_kind: str
    minutes: int
    price: float


@dataclass(slots=True)
class NetworkInputs:
    """Everything the model needs, for `days`; distances are computed once (km, straight line)."""

    days: tuple[date, ...]
    params: Params
    stores: dict[int, StoreInfo]
    store_days: dict[tuple[int, date], StoreDay]
    stock: list[StockLine]
    bookings: list[MovableBooking]
    services: dict[str, ServiceInfo]
    part_names: dict[int, tuple[str, str, str]]  # part id → (code, name_zh, name_en)
    busy_technicians: set[tuple[int, date]]  # (technician, day) already on a pending or approved loan
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    km: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    seconds: float = 0.0
    _pos: dict[int, int] = field(default_factory=dict, repr=False)

    def index(self, store_id: int) -> int:
        return self._pos[store_id]

    def __post_init__(self) -> None:
        self.ids = np.array(sorted(self.stores), dtype=np.int64)
        self._pos = {int(s): i for i, s in enumerate(self.ids)}
        lat = np.radians(np.array([self.stores[int(s)].lat for s in self.ids]))
        lon = np.radians(np.array([self.stores[int(s)].lon for s in self.ids]))
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
        self.km = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))

    def distance_km(self, a: int, b: int) -> float:
        return float(self.km[self._pos[a], self._pos[b]])

    def travel_min(self, a: int, b: int) -> float:
        p = self.params
        return self.distance_km(a, b) * p.road_factor / p.speed_kmh * 60.0

    def neighbours(self, store_id: int, radius_km: float) -> list[int]:
        """Other stores within radius_km, nearest first."""
        row = self.km[self._pos[store_id]]
        near = np.nonzero(row <= radius_km)[0]
        near = near[np.argsort(row[near], kind="stable")]
        return [int(self.ids[i]) for i in near if int(self.ids[i]) != store_id]

    @property
    def yuan_per_minute(self) -> float:
        """List price per standard minute over the service catalogue (what a technician's minute earns)."""
        mins = sum(s.minutes for s in self.services.values())
        return sum(s.price for s in self.services.values()) / max(1, mins)

    def needs(self, codes: Iterable[str]) -> tuple[int, frozenset[str], str]:
        """Minutes, skills and bay kind of a list of services (as booking._needs in SQL)."""
        codes = tuple(codes)
        known = [self.services[c] for c in codes if c in self.services]
        minutes = sum(s.minutes for s in known)
        kind = "alignment" if "ALIGN" in codes else (known[0].bay_kind if known else "lift")
        return minutes, frozenset(s.skill for s in known), kind


def horizon(days: int | Sequence[date] | None, today: date | None = None) -> tuple[date, ...]:
    """The days to plan: a count starting tomorrow (China), or the given dates (never before tomorrow)."""
    today = today or china_today()
    if days is None:
        days = 1
    if isinstance(days, int):
        if days < 1 or days > 14:
            raise ValueError("Plan between 1 and 14 days ahead.")
        return tuple(today + timedelta(days=i) for i in range(1, days + 1))
    out = tuple(sorted(set(days)))
    if not out:
        raise ValueError("Give at least one day to plan.")
    return out


def _rows(conn: Conn, sql: str, params: Mapping[str, Any]) -> list[Any]:
    if isinstance(conn, psycopg.Connection):
        return conn.execute(sql, params).fetchall()
    return list(conn.exec_driver_sql(sql, dict(params)).fetchall())


def _minutes_between(a: Any, b: Any) -> int:
    return int((datetime.combine(date(2000, 1, 1), b) - datetime.combine(date(2000, 1, 1), a)).total_seconds() // 60)


def _count_loan(sd: dict[tuple[int, date], StoreDay], tech_id: int, src: int, dst: int, day: date) -> None:
    """A loan already requested (pending or approved) counts as done: the technician works at the receiver."""
    home, there = sd.get((src, day)), sd.get((dst, day))
    if home is None:
        return
    t = next((t for t in home.techs if t.technician_id == tech_id), None)
    if t is None:
        return
    home.techs.remove(t)
    if there is not None:
        there.techs.append(TechOnShift(t.technician_id, dst, t.home_store_id, day, t.skills, t.level, t.minutes))


def load_inputs(conn: Conn, days: int | Sequence[date] | None = None, params: Params | None = None, *,
                store_ids: Sequence[int] | None = None) -> NetworkInputs:
    """Read the inputs for `days` (default: tomorrow) for every active store, or only `store_ids`. Six queries
    through SECURITY DEFINER functions, so any console user's login can run it. Runs on a worker thread."""
    t0 = time.perf_counter()
    p = params or Params()
    plan_days = horizon(days)
    ids = list(store_ids) if store_ids is not None else None
    q = {"days": list(plan_days), "ids": ids, "weeks": p.history_weeks, "usage": p.usage_days}

    services = {r[0]: ServiceInfo(r[0], r[1], r[2], int(r[3]), float(r[4])) for r in _rows(
        conn, "SELECT code, skill, bay_kind, std_minutes, price FROM service_type", {})}
    part_names = {int(r[0]): (r[1], r[2], r[3]) for r in _rows(conn, "SELECT id, code, name_zh, name_en FROM part", {})}

    stores: dict[int, StoreInfo] = {}
    for r in _rows(conn, "SELECT * FROM rebalance.stores()", {}):
        if ids is not None and r[0] not in ids:
            continue
        stores[int(r[0])] = StoreInfo(int(r[0]), r[1], r[2], r[3], r[4], float(r[5]), float(r[6]),
                                      _minutes_between(r[7], r[8]), tuple(r[9]))

    sd: dict[tuple[int, date], StoreDay] = {}
    for sid, info in stores.items():
        for d in plan_days:
            sd[(sid, d)] = StoreDay(sid, d, bay_minutes=float(len(info.bay_kinds) * info.open_minutes))
    typical_vehicles: dict[tuple[int, date], float] = {}
    for (sid, day, skill, booked_min, _booked_n, typ_booked, typ_walkin, typ_veh) in _rows(
            conn, "SELECT * FROM rebalance.store_days(%(days)s::date[], %(weeks)s, %(ids)s::integer[])", q):
        s = sd.get((sid, day))
        if s is None:
            continue
        s.demand[skill] = s.demand.get(skill, 0.0) + float(typ_walkin) + max(float(booked_min), float(typ_booked))
        s.booked_min += float(booked_min)
        typical_vehicles[(sid, day)] = float(typ_veh)
    for key, s in sd.items():
        s.vehicles = typical_vehicles.get(key, 0.0)
    for (sid, day, tid, home, skills, level, minutes) in _rows(
            conn, "SELECT * FROM rebalance.shifts(%(days)s::date[], %(ids)s::integer[])", q):
        s = sd.get((sid, day))
        if s is not None:
            s.techs.append(TechOnShift(int(tid), int(sid), int(home), day, frozenset(skills), int(level),
                                       int(minutes)))

    pending = _rows(conn, "SELECT * FROM rebalance.pending()", {})
    incoming: dict[tuple[int, int], int] = defaultdict(int)
    outgoing: dict[tuple[int, int], int] = defaultdict(int)
    busy: set[tuple[int, date]] = set()
    for (kind, src, dst, part_id, qty, tech_id, loan_days, _booking) in pending:
        if kind == "parts" and part_id is not None and qty:
            incoming[(dst, part_id)] += int(qty)
            outgoing[(src, part_id)] += int(qty)
        if kind == "technician_loan" and tech_id is not None and loan_days is not None:
            for d in plan_days:
                if (loan_days.lower is None or d >= loan_days.lower) and (loan_days.upper is None
                                                                           or d < loan_days.upper):
                    busy.add((int(tech_id), d))
                    _count_loan(sd, int(tech_id), int(src), int(dst), d)

    stock = [StockLine(int(sid), int(pid), code, int(qty), int(reorder), float(used) / p.usage_days,
                       incoming.get((sid, pid), 0), outgoing.get((sid, pid), 0))
             for (sid, pid, code, qty, reorder, used) in _rows(
                 conn, "SELECT * FROM rebalance.stock(%(usage)s, %(ids)s::integer[])", q)
             if sid in stores]

    inputs = NetworkInputs(plan_days, p, stores, sd, stock, [], services, part_names, busy)
    bookings = []
    for (bid, sid, day, starts, codes) in _rows(
            conn, "SELECT * FROM rebalance.bookings(%(days)s::date[], %(ids)s::integer[])", q):
        if sid not in stores:
            continue
        minutes, skills, kind = inputs.needs(codes)
        bookings.append(MovableBooking(int(bid), int(sid), day, starts, tuple(codes), minutes, skills, kind))
    inputs.bookings = bookings
    inputs.seconds = time.perf_counter() - t0
    return inputs
