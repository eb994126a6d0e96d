"""The discrete-event engine: one store-day at a time (event heap), stores in sequence or in parallel."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from heapq import heapify, heappop, heappush

from services.catalog import SERVICE_BY_CODE, SKILLS

from .demand import BAY_ACCEPTS, StoreDemand, make_rework, wo_bay_kind
from .params import SimParams
from .policies import Dispatcher, NetworkView, OldPolicy, Policy
from .records import Request, StoreDay, StoreResult, Transfer, WorkOrder
from .resources import NetworkSpec, StoreSpec, Technician
from .timebase import MINUTES_PER_DAY, weekday_of

SKILL_BIT = {s: 1 << i for i, s in enumerate(SKILLS)}
# Event kinds; at equal times the heap orders by sequence number, i.e. by when the event was scheduled.
_ARRIVE, _FINISH, _QC_DONE, _WAKE = 0, 1, 2, 3
REWORK_PENALTY = 12.0  # rating points lost when the car is back for the same fault
LAST_START_BEFORE_CLOSE = 30  # a customer expected to start later than this before closing is turned away
LAST_START_BEFORE_SHIFT_END = 20  # nor one expected to start less than this before the able technicians leave
JOB_IN_PROGRESS_REST = 45  # minutes: what the advisor adds for the jobs already on the bays
_GROUP = {"lift": 0, "alignment": 0, "body": 1, "paint": 2}
LOAN_TRAVEL_KMH = 30.0  # a technician on loan drives to the receiving store at the start of their shift


def store_km(a: StoreSpec, b: StoreSpec) -> float:
    """Great-circle distance between two stores in km."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def loan_guest(tech: Technician, home: StoreSpec, host: StoreSpec) -> Technician:
    """The technician as the receiving store has them for a day on loan (应急支援): their own skills, speed,
    lunch and shift end, starting after the drive from their home store."""
    travel = math.ceil(store_km(home, host) / LOAN_TRAVEL_KMH * 60.0)
    return replace(tech, shift_start=min(tech.shift_end, tech.shift_start + travel))


class Job:
    """A checked-in vehicle waiting for (or in) service at a store."""

    __slots__ = ("req", "ready_at", "parts_at", "need", "bays", "std", "group", "checked_in_at", "price")

    def __init__(
        self,
        req: Request,
        ready_at: int,
        parts_at: int,
        need: int,
        bays: tuple[int, ...],
        std: int,
        group: int,
        price: float,
    ) -> None:
        self.req = req
        self.ready_at = ready_at  # max(arrival, booked time): the customer's claim to be served starts here
        self.parts_at = parts_at  # 0, or when the missing parts arrive
        self.need = need  # bitmask of required skills (SKILL_BIT)
        self.bays = bays  # acceptable bay indices, preferred first
        self.std = std  # standard minutes
        self.group = group  # which queue the advisor counts it in: 0 lift-type bays, 1 body, 2 paint
        self.checked_in_at = req.arrival
        self.price = price  # factor agreed at check-in (store price level × policy)


class Workshop:
    """The state of one store during one day, as a Dispatcher sees it (read-only for policies).

    Indices refer to `bays` and `techs`; `window[t]` = (shift start, lunch start, lunch end, shift end) in
    absolute minutes for today, `on_duty` the technicians not on their day off, `queue` the waiting jobs in
    first-come order (index = position in line), `bookings` today's booked requests (known in advance; walk-ins
    are only known once they are in the queue).
    """

    __slots__ = (
        "store",
        "day",
        "bays",
        "techs",
        "bay_busy",
        "tech_busy",
        "tech_idle_since",
        "tech_mask",
        "window",
        "on_duty",
        "queue",
        "bookings",
        "tech_skill_count",
    )

    def __init__(
        self, store: StoreSpec, day: int, tech_mask: list[int], techs: tuple[Technician, ...] | None = None
    ) -> None:
        self.store = store
        self.day = day
        self.bays = store.bays
        self.techs = store.technicians if techs is None else techs  # the store's own, then any on loan
        self.bay_busy = [False] * len(store.bays)
        self.tech_busy = [False] * len(self.techs)
        self.tech_idle_since = [0] * len(self.techs)
        self.tech_mask = tech_mask
        self.tech_skill_count = [len(t.skills) for t in self.techs]
        self.window: list[tuple[int, int, int, int]] = []
        self.on_duty: list[int] = []
        self.queue: list[Job] = []
        self.bookings: Sequence[Request] = ()

    def on_shift(self, t: int, now: int) -> bool:
        start, lunch_start, lunch_end, end = self.window[t]
        return start <= now < end and not lunch_start <= now < lunch_end


class StoreSimulator:
    """One store over consecutive days: parts stock, jobs carried overnight and rework returns persist.

    `run_day` is the per-store-day function: given the day's requests it runs the event loop and returns the
    work orders and the day's counters. It is pure given (store, seed, day, requests, carried state), so
    stores can be simulated in any order or process with identical results.
    """

    def __init__(
        self, store: StoreSpec, params: SimParams, policy: Policy, seed: int, start_date: date, days: int
    ) -> None:
        self.store = store
        self.params = params
        self.policy = policy
        self.seed = seed
        self.start_date = start_date
        self.days = days
        self.stock: dict[str, int] = dict(store.stock_par)
        self.carry: list[Job] = []
        self.pending: dict[int, list[Request]] = {}  # by day: rework returns, requests a policy moved there
        self.parts_ordered: set[int] = set()  # requests booked at the door whose missing parts were ordered then
        # technician loans (应急支援) by day: technicians working here that day, own technicians working away
        self.guests: dict[int, list[Technician]] = {}
        self.away: dict[int, set[int]] = {}
        self.tech_mask = [sum(SKILL_BIT[s] for s in t.skills) for t in store.technicians]
        self.wash = tuple(i for i, b in enumerate(store.bays) if b.kind == "wash")
        by_kind: dict[str, tuple[int, ...]] = {}
        for need, kinds in BAY_ACCEPTS.items():
            by_kind[need] = tuple(i for kind in kinds for i, b in enumerate(store.bays) if b.kind == kind)
        self._bays_for = by_kind
        self._job_shape: dict[tuple[str, ...], tuple[int, tuple[int, ...], int, int]] = {}

    def _shape(self, services: tuple[str, ...]) -> tuple[int, tuple[int, ...], int, int]:
        """(skill mask, acceptable bay indices, standard minutes, advisor queue group) of a service combination."""
        shape = self._job_shape.get(services)
        if shape is None:
            need = 0
            for code in services:
                need |= SKILL_BIT[SERVICE_BY_CODE[code].skill]
            std = sum(SERVICE_BY_CODE[c].std_minutes for c in services)
            kind = wo_bay_kind(services)
            shape = self._job_shape[services] = (need, self._bays_for[kind], std, _GROUP.get(kind, 0))
        return shape

    def _servers(self, on_duty: list[int], masks: list[int]) -> list[int]:
        """How many jobs of each advisor group the store can run at once today (bays ∧ qualified people)."""
        counts = [0, 0, 0]
        for group, (skill, kinds) in enumerate(
            (("maintenance", ("lift", "alignment")), ("body", ("body",)), ("paint", ("paint",)))
        ):
            people = sum(1 for t in on_duty if masks[t] & SKILL_BIT[skill])
            bays = sum(1 for b in self.store.bays if b.kind in kinds)
            counts[group] = min(people, bays)
        return counts

    def run_day(self, day: int, requests: Iterable[Request]) -> tuple[list[WorkOrder], StoreDay]:
        """Simulate one store-day; returns its work orders (in completion order) and counters.

        Flow of a vehicle: arrival → the advisor's check (a walk-in facing more wait than their patience, or
        anyone who could not start before the able technicians go home, leaves: "balked") → check-in, parts
        taken from stock (a shortfall orders an emergency delivery; the job cannot start before it arrives) →
        queue, eligible from max(arrival, booked time) → start when the policy's dispatcher assigns a free bay
        of an accepted kind and a free technician with the skills, on shift and not at lunch → service time =
        standard minutes × the request's work factor / technician speed → quality check on a free wash/QC bay
        (else on the service bay) → done → delivered when the customer collects (next morning after hours)
        → rating and complaint from the wait; a failed fix books a free rework visit 3–30 days later.
        Jobs started before closing run on (overtime); vehicles still waiting at the end wait overnight.
        """
        store, prof, params, policy = self.store, self.store.profile, self.params, self.policy
        weekday = weekday_of(day, self.start_date)
        base = day * MINUTES_PER_DAY
        open_abs, close_abs = base + store.open_minute, base + store.close_minute
        last_start = close_abs - LAST_START_BEFORE_CLOSE
        rng = random.Random((self.seed * 1_000_003 + store.id) * 100_019 + day + 7)
        stock = self.stock
        if day % prof.restock_every_days == prof.restock_offset:
            for part, par in store.stock_par:
                if stock[part] < par:
                    stock[part] = par

        todays = list(requests)
        todays.extend(self.pending.pop(day, ()))
        # Technicians on loan today work here after the store's own; own technicians lent away do not.
        guests = self.guests.pop(day, ())
        away = self.away.pop(day, ())
        if guests:
            team = store.technicians + tuple(guests)
            masks = self.tech_mask + [sum(SKILL_BIT[s] for s in g.skills) for g in guests]
        else:
            team, masks = store.technicians, self.tech_mask
        shop = Workshop(store, day, masks, team)
        shop.bookings = [r for r in todays if r.booked]
        heap: list[tuple[int, int, int, object]] = []
        seq = 0
        for req in todays:
            heap.append((req.arrival, seq, _ARRIVE, req))
            seq += 1
        window = shop.window
        for t, tech in enumerate(team):
            if tech.day_off == weekday or tech.id in away:
                window.append((0, 0, 0, 0))
                continue
            window.append(
                (
                    base + tech.shift_start,
                    base + tech.lunch_start,
                    base + tech.lunch_end,
                    base + tech.shift_end,
                )
            )
            shop.on_duty.append(t)
            shop.tech_idle_since[t] = base + tech.shift_start
            heap.append((base + tech.shift_start, seq, _WAKE, None))
            heap.append((base + tech.lunch_end, seq + 1, _WAKE, None))
            seq += 2
        heapify(heap)
        queue = shop.queue
        queue.extend(self.carry)
        self.carry = []
        queued = [0.0, 0.0, 0.0]  # standard minutes waiting per advisor group
        for j in queue:
            queued[j.group] += j.std
        dispatcher: Dispatcher = policy.plan_store_day(shop)
        servers = self._servers(shop.on_duty, masks)
        # skill mask → (technicians on duty who have all of it, latest sensible start for them)
        qualified: dict[int, tuple[int, int]] = {}

        bays, techs = store.bays, team
        bay_busy, tech_busy, idle_since = shop.bay_busy, shop.tech_busy, shop.tech_idle_since
        wash = self.wash
        free_bays = len(bays) - len(wash)
        free_techs = len(techs)
        occupied = checkins = balked = shortages = 0
        rating_base, per_hour, noise_sd = (
            params.rating_base,
            params.rating_per_wait_hour,
            params.rating_noise_sd,
        )
        rework_rate = prof.rework_rate
        horizon = self.days
        out: list[WorkOrder] = []
        # Optional seam: the policy's advisor at the door (see Policy.at_door); the old policy has none and
        # runs exactly the code below without it.
        door = getattr(policy, "at_door", None)
        ordered = self.parts_ordered

        while heap:
            now, _, kind, obj = heappop(heap)
            if kind == _ARRIVE:
                req: Request = obj  # type: ignore[assignment]
                need, bay_idx, std, group = self._shape(req.services)
                # The advisor's estimate: the work queued ahead for the same kind of bay, shared by today's
                # technicians who can do this job, plus the rest of a job in progress. A walk-in facing more
                # than their patience leaves; anyone (booked too: old-world stores booked without checking
                # capacity) who could not start before the last able technician goes home is told to come
                # back another day.
                able = qualified.get(need)
                if able is None:
                    people = [t for t in shop.on_duty if masks[t] & need == need]
                    home = max((window[t][3] for t in people), default=0) - LAST_START_BEFORE_SHIFT_END
                    able = qualified[need] = (len(people), min(last_start, home))
                capacity = min(servers[group], able[0])
                if capacity:
                    ahead = queued[group]
                    expected_wait = (ahead + JOB_IN_PROGRESS_REST) / capacity if ahead else 0.0
                else:
                    expected_wait = 1e9
                if now + expected_wait > able[1] or (not req.booked and expected_wait > req.patience):
                    balked += 1
                    continue
                if door is not None:
                    # The advisor sees the queue, the technicians' shifts and the parts stock (with the
                    # emergency delivery's arrival) before checking the car in, and may book it later instead.
                    eta = 0
                    if req.request_id not in ordered:
                        for part, qty in req.parts:
                            if stock.get(part, 0) < qty:
                                eta = max(eta, now + int(prof.parts_delay_minutes * rng.uniform(0.6, 1.4)))
                    decided = door(req, now, shop, able[1], eta)
                    if decided is None:  # told the car cannot be served in time and left
                        balked += 1
                        continue
                    if decided.day != day:  # booked for a later day at this store
                        if not day < decided.day < horizon:
                            raise ValueError(f"{policy.name}: request {req.request_id} booked for day {decided.day}")
                        if eta:  # the missing parts are ordered now and reserved for the booking
                            shortages += 1
                            ordered.add(req.request_id)
                            for part, qty in req.parts:
                                stock[part] = max(0, stock.get(part, 0) - qty)
                        self.pending.setdefault(decided.day, []).append(decided)
                        continue
                    if decided.arrival > now:  # comes back later today for a booked slot
                        heappush(heap, (decided.arrival, seq, _ARRIVE, decided))
                        seq += 1
                        continue
                    req = decided
                    checkins += 1
                    parts_at = 0
                    if req.request_id in ordered:  # its parts came in overnight, reserved for it
                        ordered.discard(req.request_id)
                    else:
                        for part, qty in req.parts:
                            have = stock.get(part, 0)
                            stock[part] = have - qty if have >= qty else 0
                        parts_at = eta
                else:
                    checkins += 1
                    parts_at = 0
                    for part, qty in req.parts:
                        have = stock.get(part, 0)
                        if have >= qty:
                            stock[part] = have - qty
                        else:  # emergency order for the shortfall; there is no transfer between stores
                            stock[part] = 0
                            parts_at = max(
                                parts_at, now + int(prof.parts_delay_minutes * rng.uniform(0.6, 1.4))
                            )
                if parts_at:
                    shortages += 1
                    heappush(heap, (parts_at, seq, _WAKE, None))
                    seq += 1
                ready = now if req.booked_for is None or req.booked_for < now else req.booked_for
                if ready > now:
                    heappush(heap, (ready, seq, _WAKE, None))
                    seq += 1
                price = store.profile.price_level * policy.price_factor(req, store, now)
                queue.append(Job(req, ready, parts_at, need, bay_idx, std, group, price))
                queued[group] += std
            elif kind == _FINISH:
                job, b, t, started = obj  # type: ignore[misc]
                tech_busy[t] = False
                free_techs += 1
                idle_since[t] = now
                qc_bay = b
                for w in wash:
                    if not bay_busy[w]:
                        qc_bay = w
                        bay_busy[w] = True
                        bay_busy[b] = False
                        free_bays += 1
                        occupied += _clipped(started, now, open_abs, close_abs)
                        break
                heappush(heap, (now + job.req.qc_minutes, seq, _QC_DONE, (job, b, t, started, now, qc_bay)))
                seq += 1
            elif kind == _QC_DONE:
                job, b, t, started, finished, qc_bay = obj  # type: ignore[misc]
                bay_busy[qc_bay] = False
                if qc_bay == b:
                    free_bays += 1
                    occupied += _clipped(started, now, open_abs, close_abs)
                else:
                    occupied += _clipped(finished, now, open_abs, close_abs)
                req = job.req
                tech = techs[t]
                delivered = now + req.pickup_delay
                if delivered > close_abs + 30:  # collected the next morning
                    delivered = base + MINUTES_PER_DAY + store.open_minute + req.pickup_delay % 60
                since = (
                    req.arrival if req.booked_for is None or req.booked_for < req.arrival else req.booked_for
                )
                wait_h = (started - since) / 60.0
                rating = None
                if req.rates:
                    score = (
                        rating_base + 1.5 * (tech.level - 3) - per_hour * wait_h + noise_sd * req.rating_noise
                    )
                    if req.rework_of is not None:
                        score -= REWORK_PENALTY
                    rating = 0 if score < 0 else 100 if score > 100 else round(score)
                p_complaint = 0.003 + (0.01 * (wait_h - 1.5) if wait_h > 1.5 else 0.0)
                if req.rework_of is not None:
                    p_complaint += 0.04
                if req.rework_of is None and req.rework_u < rework_rate * (1.45 - 0.15 * tech.level):
                    back = day + req.rework_days
                    if back < horizon:
                        self.pending.setdefault(back, []).append(make_rework(req, store, back, rng))
                out.append(
                    WorkOrder(
                        req.request_id,
                        store.id,
                        req.requested_store_id,
                        req.customer_id,
                        req.vehicle_id,
                        req.booked,
                        req.booking_created_at,
                        req.booked_for,
                        job.checked_in_at,
                        started,
                        finished,
                        now,
                        delivered,
                        bays[b].id,
                        bays[qc_bay].id,
                        tech.id,
                        req.services,
                        round(req.list_amount * job.price),
                        req.parts,
                        job.parts_at or None,
                        rating,
                        req.complaint_u < p_complaint,
                        req.rework_of,
                    )
                )
            # One dispatch after all events of the same minute: starts see every arrival and release.
            if queue and free_bays and free_techs and (not heap or heap[0][0] != now):
                for job, b, t in dispatcher.pick(now, shop):
                    if (
                        bay_busy[b]
                        or tech_busy[t]
                        or b not in job.bays
                        or masks[t] & job.need != job.need
                        or not shop.on_shift(t, now)
                        or job.ready_at > now
                        or job.parts_at > now
                    ):
                        raise RuntimeError(f"{policy.name}: infeasible assignment at store {store.id}, {now}")
                    queue.remove(job)
                    queued[job.group] -= job.std
                    bay_busy[b] = True
                    free_bays -= 1
                    tech_busy[t] = True
                    free_techs -= 1
                    duration = round(job.std * job.req.work_factor / techs[t].speed)
                    if duration < 5:
                        duration = 5
                    heappush(heap, (now + duration, seq, _FINISH, (job, b, t, now)))
                    seq += 1

        self.carry = list(queue)  # left overnight: first in line tomorrow morning
        stats = StoreDay(
            store.id,
            day,
            len(bays) * (store.close_minute - store.open_minute),
            occupied,
            len(shop.on_duty),
            checkins,
            balked,
            shortages,
            len(queue),
        )
        return out, stats


def _clipped(start: int, end: int, open_abs: int, close_abs: int) -> int:
    """Minutes of [start, end) inside opening hours: overtime keeps bays busy but is not utilization."""
    if start < open_abs:
        start = open_abs
    if end > close_abs:
        end = close_abs
    return end - start if end > start else 0


def _policy(policy: Policy | None) -> Policy:
    return policy if policy is not None else OldPolicy()


def simulate_store(
    network: NetworkSpec,
    store_id: int,
    days: int,
    start_date: date,
    policy: Policy | None = None,
    seed: int | None = None,
) -> StoreResult:
    """All days of one store under a policy whose stores are independent (e.g. OldPolicy)."""
    policy = _policy(policy)
    seed = network.seed if seed is None else seed
    store = network.store(store_id)
    sim = StoreSimulator(store, network.params, policy, seed, start_date, days)
    demand = StoreDemand(store, seed)
    orders: list[WorkOrder] = []
    stats: list[StoreDay] = []
    for day in range(days):
        wos, sd = sim.run_day(day, demand.day(day, weekday_of(day, start_date)))
        orders.extend(wos)
        stats.append(sd)
    return StoreResult(store_id, tuple(orders), tuple(stats))


def _store_ids(network: NetworkSpec, store_ids: Iterable[int] | None) -> list[int]:
    return [s.id for s in network.stores] if store_ids is None else sorted(store_ids)


def simulate(
    network: NetworkSpec,
    days: int,
    start_date: date,
    policy: Policy | None = None,
    seed: int | None = None,
    store_ids: Iterable[int] | None = None,
    mode: str = "auto",
    on_day: Callable[[int], None] | None = None,
) -> Iterator[StoreResult]:
    """Simulate `days` days from `start_date`; yields one StoreResult per store in store-id order.

    mode "store" runs each store through all days before the next (needs policy.stores_independent);
    "network" steps all stores day by day so the policy can route requests and move stock between them;
    "auto" picks "store" when the policy allows it. Both give identical results for independent policies.
    In network mode `on_day(day)` is called after each simulated day (progress).
    """
    policy = _policy(policy)
    seed = network.seed if seed is None else seed
    ids = _store_ids(network, store_ids)
    if mode == "auto":
        mode = "store" if policy.stores_independent else "network"
    if mode == "store":
        if not policy.stores_independent:
            raise ValueError(f"policy {policy.name!r} couples stores; use mode='network'")
        for sid in ids:
            yield simulate_store(network, sid, days, start_date, policy, seed)
        return
    if mode != "network":
        raise ValueError(f"unknown mode {mode!r}")
    yield from _simulate_network(network, ids, days, start_date, policy, seed, on_day)


def _simulate_network(
    network: NetworkSpec,
    ids: list[int],
    days: int,
    start_date: date,
    policy: Policy,
    seed: int,
    on_day: Callable[[int], None] | None = None,
) -> Iterator[StoreResult]:
    sims = {
        sid: StoreSimulator(network.store(sid), network.params, policy, seed, start_date, days) for sid in ids
    }
    demands = {sid: StoreDemand(network.store(sid), seed) for sid in ids}
    orders: dict[int, list[WorkOrder]] = {sid: [] for sid in ids}
    stats: dict[int, list[StoreDay]] = {sid: [] for sid in ids}
    # Optional seam: a policy may change a request's booked time and arrival once its store is chosen (the
    # smart booking engine's slots); policies without it (the old one) see their requests untouched.
    reschedule = getattr(policy, "reschedule", None)
    for day in range(days):
        weekday = weekday_of(day, start_date)
        view = NetworkView(network, day, start_date, sims)
        for transfer in policy.propose_transfers(view):
            _apply_transfer(transfer, sims, day, weekday)
        routed: dict[int, list[Request]] = {sid: [] for sid in ids}
        for sid in ids:
            for req in demands[sid].day(day, weekday):
                target = policy.choose_store(req, view)
                if target not in routed:
                    raise ValueError(
                        f"{policy.name}: request {req.request_id} sent to unknown store {target}"
                    )
                if reschedule is not None:
                    req = reschedule(req, target, view)
                    if req.day != day:  # booked for a later day: joins that day's bookings (like a rework)
                        if not day < req.day < days:
                            raise ValueError(f"{policy.name}: request {req.request_id} moved to day {req.day}")
                        sims[target].pending.setdefault(req.day, []).append(req)
                        continue
                routed[target].append(req)
        for sid in ids:
            wos, sd = sims[sid].run_day(day, sorted(routed[sid], key=lambda r: (r.arrival, r.request_id)))
            orders[sid].extend(wos)
            stats[sid].append(sd)
        if on_day is not None:
            on_day(day)
    for sid in ids:
        yield StoreResult(sid, tuple(orders[sid]), tuple(stats[sid]))


def _apply_transfer(transfer: Transfer, sims: dict[int, StoreSimulator], day: int, weekday: int) -> None:
    """Apply a policy's move before the day starts: parts move overnight between stock rooms; a technician on
    loan (应急支援) works this day at the receiving store, after the drive, and not at home; a referral moves a
    booking for this day (one a policy booked earlier) to another store, at the same time. The request keeps
    the store it was first made at, so its work order counts as a cross-store service."""
    if transfer.from_store_id not in sims or transfer.to_store_id not in sims:
        raise ValueError(f"transfer between unknown stores: {transfer}")
    src, dst = sims[transfer.from_store_id], sims[transfer.to_store_id]
    if transfer.kind == "parts" and transfer.part_code is not None:
        qty = min(transfer.qty, src.stock.get(transfer.part_code, 0))
        src.stock[transfer.part_code] = src.stock.get(transfer.part_code, 0) - qty
        dst.stock[transfer.part_code] = dst.stock.get(transfer.part_code, 0) + qty
    elif transfer.kind == "technician_loan":
        tech = next((t for t in src.store.technicians if t.id == transfer.technician_id), None)
        away = src.away.setdefault(day, set())
        if tech is None or tech.day_off == weekday or tech.id in away or src is dst:
            raise ValueError(f"technician {transfer.technician_id} cannot be lent by store "
                             f"{transfer.from_store_id} on day {day} (not theirs, day off or lent already)")
        if src.guests.get(day) or dst.away.get(day):
            raise ValueError(f"store {transfer.from_store_id} or {transfer.to_store_id} both lends and borrows "
                             f"on day {day}")
        away.add(tech.id)
        dst.guests.setdefault(day, []).append(loan_guest(tech, src.store, dst.store))
    elif transfer.kind == "referral":
        todays = src.pending.get(day, [])
        req = next((r for r in todays if r.request_id == transfer.request_id), None)
        if req is None or req.rework_of is not None or req.request_id in src.parts_ordered:
            raise ValueError(f"request {transfer.request_id} is no booking of store {transfer.from_store_id} "
                             f"for day {day} that can be referred")
        todays.remove(req)
        dst.pending.setdefault(day, []).append(req)
    else:
        raise NotImplementedError(f"transfer kind {transfer.kind!r} is not simulated")


# --- parallel -------------------------------------------------------------------------------------------

_WORKER: tuple[NetworkSpec, int, date, Policy, int] | None = None


def _init_worker(network: NetworkSpec, days: int, start_date: date, policy: Policy, seed: int) -> None:
    global _WORKER
    _WORKER = (network, days, start_date, policy, seed)


_Packed = tuple[int, list[tuple[object, ...]], list[tuple[int, ...]]]


def _run_chunk(store_ids: Sequence[int]) -> list[_Packed]:
    """Worker side: simulate stores and pack each result by columns.

    Pickling a million NamedTuples costs more than simulating them on this kind of machine; columns of plain
    values (with the repeated service and parts tuples sent once thanks to pickle's memo) are ~4× cheaper.
    """
    assert _WORKER is not None, "worker not initialised"
    network, days, start_date, policy, seed = _WORKER
    out = []
    for sid in store_ids:
        r = simulate_store(network, sid, days, start_date, policy, seed)
        out.append((sid, list(zip(*r.work_orders, strict=True)), [tuple(sd) for sd in r.store_days]))
    return out


def _unpack(packed: _Packed) -> StoreResult:
    sid, columns, days = packed
    make_wo, make_day = WorkOrder._make, StoreDay._make
    orders = tuple(map(make_wo, zip(*columns, strict=True))) if columns else ()
    return StoreResult(sid, orders, tuple(map(make_day, days)))


def simulate_parallel(
    network: NetworkSpec,
    days: int,
    start_date: date,
    policy: Policy | None = None,
    seed: int | None = None,
    workers: int = 2,
    chunk_stores: int = 10,
    store_ids: Iterable[int] | None = None,
) -> Iterator[list[StoreResult]]:
    """Like simulate(), in worker processes; yields lists of StoreResult (chunks) in store-id order.

    Results are identical to simulate() whatever the number of workers: each store draws from its own
    (seed, store id, day) streams. At most 2 × workers chunks are in flight, so a slow consumer (the database
    loader) holds back the workers instead of piling results up in memory. workers <= 1 runs in-process.
    """
    policy = _policy(policy)
    if not policy.stores_independent:
        raise ValueError(f"policy {policy.name!r} couples stores and cannot be simulated store-parallel")
    seed = network.seed if seed is None else seed
    ids = _store_ids(network, store_ids)
    chunks = [ids[i : i + chunk_stores] for i in range(0, len(ids), chunk_stores)]
    if workers <= 1:
        for chunk in chunks:
            yield [simulate_store(network, sid, days, start_date, policy, seed) for sid in chunk]
        return
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(network, days, start_date, policy, seed)
    ) as pool:
        in_flight: list[Future[list[_Packed]]] = []
        todo = iter(chunks)
        for chunk in todo:
            in_flight.append(pool.submit(_run_chunk, chunk))
            if len(in_flight) >= 2 * workers:
                break
        try:
            while in_flight:
                packed = in_flight.pop(0).result()
                nxt = next(todo, None)
                if nxt is not None:
                    in_flight.append(pool.submit(_run_chunk, nxt))
                yield [_unpack(p) for p in packed]
        finally:  # the consumer stopped early (or failed): do not finish chunks nobody will read
            for future in in_flight:
                future.cancel()
