"""The rebalancing network model: min-cost flows (OR-Tools SimpleMinCostFlow) that move technician capacity (loans),
customers (referrals) and parts (transfers) from where they are spare to where they are short, within radii."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ortools.graph.python import min_cost_flow

from services.rebalance.inputs import MovableBooking, NetworkInputs, StoreDay, TechOnShift

# Cost units are "minutes of someone's time" per unit moved; only their order matters to the flow.
LOAN_FIXED = 10  # per technician-minute: the organisation of a loan day
REFERRAL_FIXED = 20  # per work-minute: asking a customer to go elsewhere


@dataclass(frozen=True, slots=True)
class LoanMove:
    technician_id: int
    from_store_id: int  # the lender (the technician's home)
    to_store_id: int
    day: date
    minutes: int
    skill: str  # the receiver's needed skill, which the technician has
    skills: frozenset[str]
    level: int = 0


@dataclass(frozen=True, slots=True)
class ReferralMove:
    from_store_id: int
    to_store_id: int
    day: date
    minutes: float  # work minutes the flow moves
    bookings: tuple[MovableBooking, ...]  # the concrete bookings chosen for it (may be fewer minutes, or none)


@dataclass(frozen=True, slots=True)
class PartsMove:
    part_id: int
    from_store_id: int
    to_store_id: int
    qty: int


@dataclass(frozen=True, slots=True)
class DayState:
    """A store-day before and after the moves: forecast work, capacity and technicians on shift."""

    load: float
    capacity: float
    servers: int
    vehicles: float


@dataclass(slots=True)
class Solution:
    loans: list[LoanMove] = field(default_factory=list)
    referrals: list[ReferralMove] = field(default_factory=list)
    parts: list[PartsMove] = field(default_factory=list)
    before: dict[tuple[int, date], DayState] = field(default_factory=dict)
    after: dict[tuple[int, date], DayState] = field(default_factory=dict)
    overloaded: int = 0  # store-days over the threshold before
    overloaded_after: int = 0
    excess_min: float = 0.0  # work minutes above the threshold, before
    excess_after_min: float = 0.0
    steer_min: float = 0.0  # referral flow with no booking to move yet: for the booking engine to steer new customers
    seconds: float = 0.0


def expected_wait_min(load: float, capacity: float, servers: int, mean_job: float = 75.0) -> float:
    """Average wait before service, in minutes, of a store-day: the M/M/c queue (Sakasegawa's approximation) on the
    day's technician minutes up to 90 % utilisation, plus half the depth of the work beyond that."""
    c = max(1, servers)
    if capacity <= 0:
        return 8 * 60.0 if load > 0 else 0.0
    u = load / capacity
    cap_u = 0.90
    uu = min(u, cap_u)
    wait = mean_job * uu ** (math.sqrt(2 * (c + 1)) - 1) / (c * (1 - uu)) if uu > 0 else 0.0
    if u > cap_u:
        wait += (load - cap_u * capacity) / c / 2
    return wait


def _state(s: StoreDay) -> DayState:
    return DayState(s.load, s.capacity, len(s.techs), s.vehicles)


def wait_of(state: DayState) -> float:
    mean_job = state.load / state.vehicles if state.vehicles > 0 else 75.0
    return expected_wait_min(state.load, state.capacity, state.servers, mean_job)


@dataclass(slots=True)
class _Day:
    """Mutable working copy of one day's store states."""

    load: dict[int, float]
    techs: dict[int, list[TechOnShift]]
    bay_minutes: dict[int, float]
    vehicles: dict[int, float]
    demand: dict[int, dict[str, float]]

    def capacity(self, sid: int) -> float:
        return min(sum(t.minutes for t in self.techs[sid]), self.bay_minutes[sid])

    def tech_minutes(self, sid: int) -> float:
        return float(sum(t.minutes for t in self.techs[sid]))

    def skills(self, sid: int) -> set[str]:
        return {k for t in self.techs[sid] for k in t.skills}

    def state(self, sid: int) -> DayState:
        return DayState(self.load[sid], self.capacity(sid), len(self.techs[sid]), self.vehicles[sid])


def _day_copy(inputs: NetworkInputs, day: date) -> _Day:
    keys = [k for k in inputs.store_days if k[1] == day]
    sds = [inputs.store_days[k] for k in keys]
    return _Day(load={s.store_id: s.load for s in sds}, techs={s.store_id: list(s.techs) for s in sds},
                bay_minutes={s.store_id: s.bay_minutes for s in sds}, vehicles={s.store_id: s.vehicles for s in sds},
                demand={s.store_id: dict(s.demand) for s in sds})


def needed_skill(d: _Day, sid: int, overload_at: float = 0.9) -> str:
    """The skill with the largest shortfall of technician minutes (forecast work beyond overload_at of the minutes
    of the technicians who have it); with no shortfall, the skill with the most work."""
    best, gap = "maintenance", -math.inf
    for skill, minutes in sorted(d.demand[sid].items()):
        have = sum(t.minutes for t in d.techs[sid] if skill in t.skills)
        g = minutes - overload_at * have
        if g > gap + 1e-9:
            best, gap = skill, g
    if gap <= 0 and d.demand[sid]:
        best = max(sorted(d.demand[sid]), key=lambda k: d.demand[sid][k])
    return best


def lendable(inputs: NetworkInputs, d: _Day, sid: int, skill: str | None = None) -> list[TechOnShift]:
    """Technicians a store could lend that day: at home, not already on a loan request, with `skill`."""
    return [t for t in d.techs[sid] if t.home_store_id == sid and (t.technician_id, t.day) not in
            inputs.busy_technicians and (skill is None or skill in t.skills)]


def lender_ok(inputs: NetworkInputs, d: _Day, sid: int, lent_minutes: float) -> bool:
    """The lender stays under-loaded after lending: forecast work ≤ receive_up_to × the capacity left."""
    left = min(d.tech_minutes(sid) - lent_minutes, d.bay_minutes[sid])
    return left > 0 and d.load[sid] <= inputs.params.receive_up_to * left + 1e-6


def _excess(inputs: NetworkInputs, d: _Day, sid: int) -> float:
    return d.load[sid] - inputs.params.overload_at * d.capacity(sid)


def _spare(inputs: NetworkInputs, d: _Day, sid: int) -> float:
    return inputs.params.receive_up_to * d.capacity(sid) - d.load[sid]


def _lendable_count(inputs: NetworkInputs, d: _Day, sid: int) -> int:
    """How many technicians a store can lend and stay under-loaded (the shortest shifts go first)."""
    k, lent = 0, 0.0
    for t in sorted(lendable(inputs, d, sid), key=lambda t: t.minutes):
        if not lender_ok(inputs, d, sid, lent + t.minutes):
            break
        k, lent = k + 1, lent + t.minutes
    return k


def _solve_loans(inputs: NetworkInputs, d: _Day, day: date, only: int | None = None) -> list[LoanMove]:
    """Pass 1: whole technicians from under-loaded stores to overloaded ones whose bays have room, in technician
    units (a receiver asks for one more technician when at least min_loan_share of a day's shift is missing);
    cost = the technician's travel plus a fixed cost per loan."""
    p = inputs.params
    receivers = [s for s in d.load if _excess(inputs, d, s) > 0 and (only is None or s == only)]
    if not receivers:
        return []
    mcf = min_cost_flow.SimpleMinCostFlow()
    node: dict[tuple[str, int], int] = {}

    def n(kind: str, sid: int) -> int:
        return node.setdefault((kind, sid), len(node))

    skill_of = {a: needed_skill(d, a, p.overload_at) for a in receivers}
    arcs: list[tuple[int, int, int]] = []
    can_lend: dict[int, int] = {}
    for a in receivers:
        shift = sum(t.minutes for t in d.techs[a]) / max(1, len(d.techs[a])) or 450.0
        need_min = _excess(inputs, d, a) / p.overload_at  # technician-minutes that remove the overload
        room = d.bay_minutes[a] - d.tech_minutes(a)  # a loaned technician needs a free bay
        want = min(math.floor(need_min / shift + (1 - p.min_loan_share)), math.floor(room / shift))
        if want <= 0:
            continue
        added = False
        for b in inputs.neighbours(a, p.loan_km):
            if b not in d.load or _spare(inputs, d, b) <= 0:
                continue
            if b not in can_lend:
                can_lend[b] = _lendable_count(inputs, d, b)
            cap = min(want, can_lend[b], len(lendable(inputs, d, b, skill_of[a])))
            if cap <= 0:
                continue
            cost = LOAN_FIXED * 60 + round(2 * inputs.travel_min(b, a))
            arcs.append((mcf.add_arc_with_capacity_and_unit_cost(n("A", a), n("B", b), cap, cost), a, b))
            added = True
        if added:
            mcf.set_node_supply(n("A", a), want)
    if not arcs:
        return []
    for (kind, b), i in node.items():
        if kind == "B":
            mcf.set_node_supply(i, -can_lend[b])
    mcf.solve_max_flow_with_min_cost()
    moves: list[LoanMove] = []
    for arc, a, b in sorted(arcs, key=lambda x: (x[1], mcf.unit_cost(x[0]))):
        f = mcf.flow(arc)
        skill = skill_of[a]
        for t in sorted(lendable(inputs, d, b, skill), key=lambda t: (-t.minutes, t.level, t.technician_id)):
            if f <= 0 or _excess(inputs, d, a) <= 0:
                break
            if not lender_ok(inputs, d, b, t.minutes) or d.tech_minutes(a) + t.minutes > d.bay_minutes[a] + 1e-6:
                continue
            d.techs[b].remove(t)
            d.techs[a].append(TechOnShift(t.technician_id, a, t.home_store_id, day, t.skills, t.level, t.minutes))
            moves.append(LoanMove(t.technician_id, b, a, day, t.minutes, skill, t.skills, t.level))
            f -= 1
    return moves


def _referable_minutes(inputs: NetworkInputs, d: _Day, a: int, b: int) -> float:
    """A's forecast work that B could take: the skills B has on duty that day."""
    skills = d.skills(b)
    return sum(m for k, m in d.demand[a].items() if k in skills)


def _solve_referrals(inputs: NetworkInputs, d: _Day, day: date, bookings: dict[int, list[MovableBooking]]
                     ) -> list[ReferralMove]:
    """Pass 2: work minutes from still-overloaded stores to under-loaded ones within the referral radius, then the
    concrete bookings that carry them (those whose services the receiver can do, on a bay of the right kind)."""
    p = inputs.params
    mcf = min_cost_flow.SimpleMinCostFlow()
    arcs: list[tuple[int, int, int]] = []
    node: dict[int, int] = {}
    supply: dict[int, int] = {}
    for a in d.load:
        ex = _excess(inputs, d, a)
        if ex < 1:
            continue
        for b in inputs.neighbours(a, p.referral_km):
            if b not in d.load:
                continue
            spare = _spare(inputs, d, b)
            if spare < 1:
                continue
            cap = int(min(ex, spare, _referable_minutes(inputs, d, a, b)))
            if cap <= 0:
                continue
            na, nb = node.setdefault(a, len(node)), node.setdefault(b, len(node))
            arcs.append((mcf.add_arc_with_capacity_and_unit_cost(na, nb, cap, REFERRAL_FIXED
                                                                  + round(2 * inputs.travel_min(a, b))), a, b))
            supply[a] = int(ex)
    if not arcs:
        return []
    for a, s in supply.items():
        mcf.set_node_supply(node[a], s)
    for b in {b for _, _, b in arcs}:
        mcf.set_node_supply(node[b], -int(_spare(inputs, d, b)))
    mcf.solve_max_flow_with_min_cost()
    moves: list[ReferralMove] = []
    flows = sorted(((mcf.flow(arc), a, b) for arc, a, b in arcs if mcf.flow(arc) > 0), key=lambda x: (x[1], -x[0]))
    for f, a, b in flows:
        skills, kinds = d.skills(b), set(inputs.stores[b].bay_kinds)
        chosen: list[MovableBooking] = []
        moved = 0.0
        pool = bookings.get(a, [])
        for bk in list(pool):
            if moved + bk.minutes / 2 > f:
                continue
            if not bk.skills <= skills or bk.bay_kind not in kinds:
                continue
            if d.load[b] + bk.minutes > p.receive_up_to * d.capacity(b) + 1e-6:
                continue
            chosen.append(bk)
            pool.remove(bk)
            moved += bk.minutes
            d.load[a] -= bk.minutes
            d.load[b] += bk.minutes
        moves.append(ReferralMove(a, b, day, float(f), tuple(chosen)))
    return moves


def solve_capacity(inputs: NetworkInputs, sol: Solution, only: int | None = None, *,
                   referrals: bool = True) -> None:
    """Loans, then referrals, day by day; fills sol.before/after. `only` restricts receivers to one store."""
    for day in inputs.days:
        d = _day_copy(inputs, day)
        for sid in d.load:
            sol.before[(sid, day)] = d.state(sid)
            ex = _excess(inputs, d, sid)
            if ex > 0:
                sol.overloaded += 1
                sol.excess_min += ex
        sol.loans.extend(_solve_loans(inputs, d, day, only))
        if referrals:
            pool: dict[int, list[MovableBooking]] = defaultdict(list)
            for bk in sorted(inputs.bookings, key=lambda b: (b.store_id, -b.starts_at.timestamp(), b.booking_id)):
                if bk.day == day:
                    pool[bk.store_id].append(bk)  # the latest bookings of the day first: they wait longest
            moves = _solve_referrals(inputs, d, day, pool)
            sol.referrals.extend(moves)
            sol.steer_min += sum(max(0.0, m.minutes - sum(b.minutes for b in m.bookings)) for m in moves)
        for sid in d.load:
            sol.after[(sid, day)] = d.state(sid)
            ex = _excess(inputs, d, sid)
            if ex > 0:
                sol.overloaded_after += 1
                sol.excess_after_min += ex


def solve_parts(inputs: NetworkInputs, sol: Solution, only_to: int | None = None) -> None:
    """Parts: for every part, surplus (what a store can spare) → shortage (its use until the next delivery above
    its stock) within parts_km at the least distance; one graph holding every part, one solve."""
    p = inputs.params
    by_part: dict[int, list] = defaultdict(list)
    for line in inputs.stock:
        by_part[line.part_id].append(line)
    mcf = min_cost_flow.SimpleMinCostFlow()
    node: dict[tuple[int, int], int] = {}
    arcs: list[tuple[int, int, int, int]] = []
    supply: dict[int, int] = defaultdict(int)
    for part_id, lines in by_part.items():
        short = {ln.store_id: ln.shortage(p) for ln in lines if ln.shortage(p) > 0
                 and (only_to is None or ln.store_id == only_to)}
        spare = {ln.store_id: ln.can_spare(p) for ln in lines if ln.can_spare(p) > 0}
        if not short or not spare:
            continue
        for dst, need in short.items():
            for src in inputs.neighbours(dst, p.parts_km):
                have = spare.get(src)
                if not have:
                    continue
                ns = node.setdefault((part_id, src), len(node))
                nd = node.setdefault((part_id, dst), len(node))
                supply[ns] = have
                supply[nd] = -need
                cost = max(1, round(inputs.distance_km(src, dst) * p.road_factor))
                arcs.append((mcf.add_arc_with_capacity_and_unit_cost(ns, nd, min(have, need), cost), part_id,
                             src, dst))
    if not arcs:
        return
    for n_, s in supply.items():
        mcf.set_node_supply(n_, s)
    mcf.solve_max_flow_with_min_cost()
    for arc, part_id, src, dst in arcs:
        f = mcf.flow(arc)
        if f > 0:
            sol.parts.append(PartsMove(part_id, src, dst, int(f)))


def solve(inputs: NetworkInputs) -> Solution:
    """The national rebalancing: technician loans, referrals and parts transfers for inputs.days. Runs on a worker
    thread; a few hundred milliseconds over 600 stores."""
    t0 = time.perf_counter()
    sol = Solution()
    solve_capacity(inputs, sol)
    solve_parts(inputs, sol)
    sol.seconds = time.perf_counter() - t0
    return sol
