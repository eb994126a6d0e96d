"""Free slots of a store for given services: bay capacity and the shifts, breaks and skills of technicians, minus
the plan (held reservations), the jobs running now, and the queue of vehicles waiting or booked without a plan.

Everything of one store-day is loaded in three calls of the network read functions (migration 0008: any active
store whatever the caller's scope, never customer data) and computed in Python (minutes since the local midnight).
The same occupancy model serves the store recommendation (many stores at once) and the day plan. Plain data out;
runs on a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from services.booking import pricing
from services.booking._db import Conn, at_minute, clock_minutes, execute, to_minute, to_minute_ceil
from services.dispatch.model import BAY_ACCEPTS
from services.model import DomainError, PricingRule, SlotOffer
from services.network import CHINA

ACTIVE_JOB_MIN_REMAINING = 10  # a running job keeps its bay and technician at least this long from now
QC_MINUTES = 15  # a quality check still running is assumed to take this long
QUEUE_STEP = 5  # the queue's greedy placement looks at starts this many minutes apart


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    code: str
    name_zh: str
    skill: str
    bay_kind: str
    minutes: int
    price: float


@dataclass(frozen=True, slots=True)
class Needs:
    """What a list of services needs: one bay of `bay_kind` (or one that accepts it), one technician with every skill,
    `minutes` of work; `list_price` before any discount."""

    codes: tuple[str, ...]
    bay_kind: str
    skills: frozenset[str]
    minutes: int
    list_price: float
    names_zh: tuple[str, ...] = ()


def service_types(conn: Conn) -> dict[str, ServiceInfo]:
    rows = execute(conn, "SELECT code, name_zh, skill, bay_kind, std_minutes, price FROM service_type").fetchall()
    return {r[0]: ServiceInfo(r[0], r[1], r[2], r[3], int(r[4]), float(r[5])) for r in rows}


def needs_of(codes: Sequence[str], types: dict[str, ServiceInfo]) -> Needs:
    """The needs of a list of service codes (same rule as booking._needs in SQL and the simulation's
    wo_bay_kind: alignment if any service needs it, else the first service's bay kind)."""
    codes = tuple(codes)
    if not codes:
        raise DomainError("Pick at least one service to book.")
    unknown = [c for c in codes if c not in types]
    if unknown:
        raise DomainError(f"The service “{unknown[0]}” is unknown; pick a service from the list.")
    infos = [types[c] for c in codes]
    kind = "alignment" if "ALIGN" in codes else infos[0].bay_kind
    return Needs(codes, kind, frozenset(i.skill for i in infos), sum(i.minutes for i in infos),
                 float(sum(i.price for i in infos)), tuple(i.name_zh for i in infos))


@dataclass(frozen=True, slots=True)
class TechDay:
    """A technician on shift as the slot finder sees them (no name: any store's day is read, see 0008)."""

    id: int
    skills: frozenset[str]
    shift: tuple[int, int]
    breaks: tuple[tuple[int, int], ...]
    level: int
    rating: float


@dataclass(frozen=True, slots=True)
class BayDay:
    id: int
    kind: str


def _overlaps(busy: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(x < b and a < y for x, y in busy)


@dataclass
class StoreDay:
    """One store's day as the slot finder sees it. Times are minutes since the local midnight of `day`."""

    store_id: int
    day: date
    opens: int
    closes: int
    now: int  # minutes since midnight of `day` (may be < 0 for a future day, > 1440 for a past one)
    bays: list[BayDay]
    techs: list[TechDay]
    bay_busy: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    tech_busy: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    queued: int = 0  # vehicles waiting or booked without a plan, placed greedily
    unplaced: int = 0  # of them, how many found no room today
    # (bay kind, skills) → [(from, minutes)] that found no room: occupancy only grows, so a job of the same kind
    # that is as long or longer and may start no earlier finds none either (an overloaded queue stays cheap)
    _failed: dict[tuple[str, frozenset[str]], list[tuple[int, int]]] = field(default_factory=dict)

    def fits(self, bay: BayDay, tech: TechDay, a: int, b: int) -> bool:
        if a < tech.shift[0] or b > tech.shift[1] or a < self.opens or b > self.closes:
            return False
        for x, y in tech.breaks:
            if x < b and a < y:
                return False
        return not (_overlaps(self.bay_busy.get(bay.id, ()), a, b) or _overlaps(self.tech_busy.get(tech.id, ()), a, b))

    def candidates(self, needs: Needs) -> list[tuple[BayDay, TechDay]]:
        """Eligible pairs, best first: a bay of exactly the kind needed (keep alignment bays for alignment), then the
        technician with the fewest skills beyond the job's (keep scarce skills free), then ids."""
        accepts = BAY_ACCEPTS.get(needs.bay_kind, (needs.bay_kind,))
        bays = [b for b in self.bays if b.kind in accepts]
        techs = [t for t in self.techs if needs.skills <= t.skills]
        pairs = [(b, t) for b in bays for t in techs]
        pairs.sort(key=lambda p: (p[0].kind != needs.bay_kind, len(p[1].skills) - len(needs.skills), p[1].id, p[0].id))
        return pairs

    def first_pair(self, pairs: list[tuple[BayDay, TechDay]], a: int, b: int) -> tuple[BayDay, TechDay] | None:
        for bay, tech in pairs:
            if self.fits(bay, tech, a, b):
                return bay, tech
        return None

    def occupy(self, bay_id: int | None, tech_id: int | None, a: int, b: int) -> None:
        if b <= a:
            return
        if bay_id is not None:
            self.bay_busy.setdefault(bay_id, []).append((a, b))
        if tech_id is not None:
            self.tech_busy.setdefault(tech_id, []).append((a, b))

    def place(self, needs: Needs, earliest: int, step: int = QUEUE_STEP) -> tuple[BayDay, TechDay, int] | None:
        """Greedy: the earliest start from `earliest` (and now) at which an eligible pair is free; occupies it."""
        t0 = max(earliest, self.now, self.opens)
        key = (needs.bay_kind, needs.skills)
        if any(f <= t0 and m <= needs.minutes for f, m in self._failed.get(key, ())):
            return None
        pairs = self.candidates(needs)
        t = t0
        while pairs and t + needs.minutes <= self.closes:
            pair = self.first_pair(pairs, t, t + needs.minutes)
            if pair is not None:
                self.occupy(pair[0].id, pair[1].id, t, t + needs.minutes)
                return pair[0], pair[1], t
            t += step
        self._failed.setdefault(key, []).append((t0, needs.minutes))
        return None

    def load_at(self, hour: int) -> float:
        """Planned share of the tighter resource in [hour, hour + 1): max(bay-minutes used / open, technician-minutes
        used / on duty). 1.0 when nothing is open then."""
        h0, h1 = hour * 60, hour * 60 + 60
        o0, o1 = max(h0, self.opens), min(h1, self.closes)
        bay_cap = max(0, o1 - o0) * len(self.bays)
        tech_cap = 0
        for t in self.techs:
            a, b = max(h0, t.shift[0]), min(h1, t.shift[1])
            if b > a:
                tech_cap += (b - a) - sum(max(0, min(b, y) - max(a, x)) for x, y in t.breaks)
        if bay_cap <= 0 or tech_cap <= 0:
            return 1.0
        bay_used = sum(max(0, min(o1, y) - max(o0, x)) for busy in self.bay_busy.values() for x, y in busy)
        tech_used = sum(max(0, min(h1, y) - max(h0, x)) for busy in self.tech_busy.values() for x, y in busy)
        return min(1.0, max(bay_used / bay_cap, tech_used / tech_cap))

    def starts(self, needs: Needs, step: int, start_min: int | None = None, end_min: int | None = None
               ) -> list[tuple[int, BayDay, TechDay]]:
        """Every start (every `step` minutes, from now on) at which an eligible pair is free for the whole job."""
        pairs = self.candidates(needs)
        if not pairs:
            return []
        lo = max(self.opens, self.now if start_min is None else max(start_min, self.now))
        lo = -(-lo // step) * step  # round up to the grid
        hi = self.closes - needs.minutes
        if end_min is not None:
            hi = min(hi, end_min)
        out = []
        t = lo
        while t <= hi:
            pair = self.first_pair(pairs, t, t + needs.minutes)
            if pair is not None:
                out.append((t, pair[0], pair[1]))
            t += step
        return out


def load_store_days(conn: Conn, store_ids: Iterable[int], day: date, now: datetime,
                    types: dict[str, ServiceInfo]) -> dict[int, StoreDay]:
    """The store-days of several stores in three calls of the network read functions (migration 0008), for any
    active store whatever the caller's scope: stores with their bays, technicians on shift, and the occupancy (held
    reservations, running jobs, the queue). The queue is placed greedily, oldest first."""
    ids = sorted(set(store_ids))
    if not ids:
        return {}
    params = {"ids": ids, "day": day}
    now_min = to_minute(day, now)
    days: dict[int, StoreDay] = {}
    for sid, opens, closes, bay_ids, bay_kinds in execute(
            conn, "SELECT * FROM booking.network_stores(%(ids)s::integer[])", params).fetchall():
        days[sid] = StoreDay(sid, day, clock_minutes(opens), clock_minutes(closes), now_min,
                             [BayDay(int(b), k) for b, k in zip(bay_ids, bay_kinds, strict=True)], [])
    for sid, tid, skills, level, rating, p0, p1, b0, b1 in execute(
            conn, "SELECT * FROM booking.network_shifts(%(ids)s::integer[], %(day)s::date)", params).fetchall():
        sd = days.get(sid)
        if sd is None:
            continue
        breaks = ((to_minute(day, b0), to_minute_ceil(day, b1)),) if b0 is not None else ()
        sd.techs.append(TechDay(tid, frozenset(skills), (to_minute_ceil(day, p0), to_minute(day, p1)), breaks,
                                int(level), float(rating)))
    queue: list[tuple[int, int, int, tuple[str, ...]]] = []  # (ready, order, store, codes)
    for src, sid, bay, tech, a, b, codes, kind in execute(
            conn, "SELECT * FROM booking.network_occupancy(%(ids)s::integer[], %(day)s::date)", params).fetchall():
        sd = days.get(sid)
        if sd is None:
            continue
        if src == "reservation":
            sd.occupy(bay, tech, to_minute(day, a), to_minute_ceil(day, b))
        elif src == "job":
            start = to_minute(day, a)
            if b is not None:
                end = to_minute_ceil(day, b)
            else:
                std = QC_MINUTES if kind == "qc" else sum(types[c].minutes for c in (codes or ()) if c in types) or 60
                end = max(start + std, now_min + ACTIVE_JOB_MIN_REMAINING)
            sd.occupy(bay, tech, start, end)
        elif codes:
            ready = to_minute(day, a) if a is not None else now_min
            queue.append((ready, 0 if src == "queue" else 1, sid, tuple(codes)))
    for ready, _order, sid, codes in sorted(queue):
        sd = days[sid]
        sd.queued += 1
        try:
            needs = needs_of(codes, types)
        except DomainError:
            continue
        if sd.place(needs, ready) is None:
            sd.unplaced += 1
    return days


def offers_of(sd: StoreDay, needs: Needs, rules: Sequence[PricingRule], step: int = 15,
              start_min: int | None = None, end_min: int | None = None) -> list[SlotOffer]:
    weekday = sd.day.weekday()
    loads: dict[int, float] = {}
    out = []
    for t, bay, tech in sd.starts(needs, step, start_min, end_min):
        hour = t // 60
        if hour not in loads:
            loads[hour] = sd.load_at(hour)
        pct, rule = pricing.discount_for(rules, loads[hour], weekday, hour)
        out.append(SlotOffer(sd.store_id, at_minute(sd.day, t), at_minute(sd.day, t + needs.minutes), bay.id, tech.id,
                             round(loads[hour], 3), needs.list_price, pricing.discounted(needs.list_price, pct), pct,
                             rule.name if rule else None))
    return out


def free_slots(conn: Conn, store_id: int, service_codes: Sequence[str], day: date, *, now: datetime | None = None,
               step: int = 15, rules: Sequence[PricingRule] | None = None) -> list[SlotOffer]:
    """The free slots of a store on `day` for the services: one per start time (every `step` minutes from now on)
    with the best bay and technician for it, the predicted load of that hour and the off-peak price. Any active
    store of the network, also outside the caller's scope (to refer a customer there). Runs on a worker thread."""
    from services.booking.rules import load_rules

    if step <= 0 or step > 240:
        raise DomainError("The slot step must be between 1 and 240 minutes.")
    now = now or datetime.now(CHINA)
    types = service_types(conn)
    needs = needs_of(service_codes, types)
    days = load_store_days(conn, [store_id], day, now, types)
    sd = days.get(store_id)
    if sd is None:
        raise DomainError(f"Store {store_id} is unknown or closed; pick another store.")
    return offers_of(sd, needs, load_rules(conn) if rules is None else rules, step)
