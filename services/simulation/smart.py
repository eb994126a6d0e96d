"""The smart policy of the replay: store recommendation, capacity-aware slots with off-peak pricing and a fast
skill-aware dispatcher (the seed's 智能预约引擎 + 技师调度) on the engine's Policy seams."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from services.booking.pricing import DEFAULT_RULES, discount_for
from services.catalog import SERVICE_BY_CODE
from services.model import PricingRule

from .demand import BAY_ACCEPTS, StoreDemand, wo_bay_kind
from .engine import SKILL_BIT
from .policies import Assignment, Dispatcher, NetworkView
from .records import Request, Transfer
from .timebase import MINUTES_PER_DAY, weekday_of

if TYPE_CHECKING:
    from .engine import Job, Workshop
    from .resources import StoreSpec, Technician

BUCKET = 30  # minutes per ledger bucket; booking slots start on the half hour
BUCKETS = MINUTES_PER_DAY // BUCKET
_GROUP = {"lift": 0, "alignment": 0, "body": 1, "paint": 2}  # the engine's advisor queue groups
_GROUP_SKILL = ("maintenance", "body", "paint")
_GROUP_BAYS = (("lift", "alignment"), ("body",), ("paint",))
_NEVER = 1e9  # predicted wait of a slot nobody can serve
IN_PROGRESS_REST = 20  # minutes the door expects a busy bay without a planned end to stay busy (QC)


@dataclass(frozen=True, slots=True)
class SmartParams:
    """The levers of the smart policy and the customer behaviour they rely on (minutes unless said otherwise).

    Customer behaviour (not the policy's choice, so kept modest): `app_share` of walk-ins look at the app
    before coming; of those the app offers a booking (their predicted wait ≥ `offer_wait`), `book_accept` take a
    slot within `near_minutes` of when they meant to come; a slot further away is taken by `offpeak_accept` of
    customers when it carries an off-peak discount and by `plain_move_accept` when it does not.
    """

    app_share: float = 0.5
    book_accept: float = 0.8
    offpeak_accept: float = 0.6
    plain_move_accept: float = 0.2
    # store recommendation
    radius_km: float = 25.0  # stores farther than this are never recommended
    max_candidates: int = 6
    travel_kmh: float = 30.0  # urban driving speed; a referral costs the customer two extra trips
    min_gain_minutes: float = 15.0  # wait saved beyond the extra travel for a referral to be proposed
    # slots
    wait_ok: float = 20.0  # a slot "has capacity" when its predicted wait is at most this
    offer_wait: float = 30.0  # predicted wait at which a booked slot is moved / a walk-in is offered a booking
    near_minutes: int = 60
    rules: tuple[PricingRule, ...] = DEFAULT_RULES
    # forecast and capacity model
    forecast_days: int = 21  # the store's usual day is learnt from this many past days
    capacity_factor: float = 0.9  # standard minutes a server turns out per minute (QC, changeovers)
    # parts (issue 5's lever: on in the rebalance policy, off in smart)
    parts_transfers: bool = False  # overnight transfers from neighbours within radius_km
    parts_cover_days: float = 0.5  # safety stock (days of usual use) beyond the next regular truck
    # dispatch
    spt_weight: float = 3.0  # priority = ready time + weight × standard minutes (shorter jobs first)
    booked_priority: float = 15.0  # minutes of priority a booked customer gets at their slot
    # the advisor at the door (服务顾问): the same booking engine for every customer who walks in
    door_share: float = 0.95  # share of door decisions where the advisor follows the booking engine
    door_referrals: bool = True  # a walk-in facing a wait is offered a neighbour that starts sooner
    door_referral_accept: float = 0.4  # ... and drives on (they came to this store, often on foot)
    door_slots: bool = True  # ... or a booked slot later today (leave the car or come back)
    door_later_accept: float = 0.5
    door_come_back: float = 0.5  # of those, the share who come back at the slot (the others leave the car)
    door_overnight: bool = True  # a car that cannot start today is booked for tomorrow, not checked in
    overnight_accept_booked: float = 0.9  # the others leave (counted as turned away)
    overnight_accept_walkin: float = 0.7
    door_parts: bool = True  # a job waiting for missing parts is booked for when they arrive
    parts_accept: float = 0.8
    # network rebalancing (issue 5; services/simulation/rebalancing.py turns them on)
    loans: bool = False  # technician loans (应急支援) from under-loaded neighbours for the day
    loan_wait: float = 30.0  # a store is a receiver when the mean predicted wait of its day is this or more
    loan_min_gain_h: float = 1.0  # customer-hours of waiting saved at the receiver net of the sender's cost
    loan_keep: int = 2  # technicians a sender keeps on duty (and every skill it had on duty)
    loan_sender_load: float = 0.8  # the sender's expected work stays within this share of its capacity
    loans_max_in: int = 2  # technicians a store receives per day
    day_before_referrals: bool = False  # the evening before, bookings of overloaded stores offered a neighbour
    day_before_accept: float = 0.5  # customers called who agree to go to the neighbour at the same time

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["rules"] = [f"{r.name}: <{r.load_below:.0%} load → {r.discount_pct:g}%" for r in self.rules]
        return d


def _u(request_id: int, salt: int) -> float:
    """A uniform draw in [0, 1) that belongs to the request (same customer, same answer under any policy)."""
    x = (request_id * 0x9E3779B97F4A7C15 + salt * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x ^= x >> 31
    x = (x * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    x ^= x >> 29
    return (x >> 11) / float(1 << 53)


def _punctual(request_id: int) -> int:
    """Minutes from a booked slot to the customer's arrival: a few minutes early, like booked customers."""
    return -15 + int(_u(request_id, 4) * 16)


def _slot_at(base: int, t: float) -> int:
    """The first booking slot (half hour) at or after minute t of the day starting at `base`."""
    return base + math.ceil((t - base) / BUCKET) * BUCKET


def _km(a: StoreSpec, b: StoreSpec) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_SHAPES: dict[tuple[str, ...], tuple[int, float, frozenset[str]]] = {}


def _shape(services: tuple[str, ...]) -> tuple[int, float, frozenset[str]]:
    """(queue group, standard minutes, skills) of a service combination."""
    s = _SHAPES.get(services)
    if s is None:
        s = _SHAPES[services] = (
            _GROUP.get(wo_bay_kind(services), 0),
            float(sum(SERVICE_BY_CODE[c].std_minutes for c in services)),
            frozenset(SERVICE_BY_CODE[c].skill for c in services),
        )
    return s


def team_capacity(
    spec: StoreSpec, team: Sequence[Technician], factor: float
) -> tuple[list[list[int]], list[list[float]]]:
    """(group → bucket: servers, standard minutes they turn out) of a store's bays worked by a team of
    technicians (those on duty that day: the store's own, less any lent away, plus any on loan)."""
    servers = [[0] * BUCKETS for _ in range(3)]
    cap = [[0.0] * BUCKETS for _ in range(3)]
    for g in range(3):
        bays = sum(1 for b in spec.bays if b.kind in _GROUP_BAYS[g])
        if not bays:
            continue
        people = [t for t in team if _GROUP_SKILL[g] in t.skills]
        for k in range(spec.open_minute // BUCKET, -(-spec.close_minute // BUCKET)):
            mid = k * BUCKET + BUCKET // 2
            here = [t for t in people if t.shift_start <= mid < t.shift_end and not t.lunch_start <= mid < t.lunch_end]
            n = min(bays, len(here))
            servers[g][k] = n
            if n:
                speed = sum(sorted((t.speed for t in here), reverse=True)[:n]) / n
                cap[g][k] = n * BUCKET * speed * factor
    return servers, cap


class _StoreModel:
    """What the policy knows of one store: neighbours, capacity by weekday, the usual day (forecast)."""

    __slots__ = ("spec", "neighbours", "capacity", "servers", "forecast", "slots", "skills_by_weekday")

    def __init__(self, spec: StoreSpec) -> None:
        self.spec = spec
        self.neighbours: list[tuple[float, int]] = []
        # weekday → group → bucket: servers on duty and standard minutes they turn out per bucket
        self.servers: dict[int, list[list[int]]] = {}
        self.capacity: dict[int, list[list[float]]] = {}
        self.skills_by_weekday: dict[int, list[frozenset[str]]] = {}
        self.forecast: list[list[float]] | None = None  # group → bucket: std minutes on an average-factor day
        last_slot = (spec.close_minute - 90 - spec.open_minute) // 30
        self.slots = tuple(spec.open_minute + 30 * k for k in range(last_slot + 1))

    def weekday(self, weekday: int, factor: float) -> tuple[list[list[int]], list[list[float]]]:
        cap = self.capacity.get(weekday)
        if cap is None:
            spec = self.spec
            on = [t for t in spec.technicians if t.day_off != weekday]
            self.skills_by_weekday[weekday] = [frozenset(t.skills) for t in on]
            servers, cap = team_capacity(spec, on, factor)
            self.servers[weekday] = servers
            self.capacity[weekday] = cap
        return self.servers[weekday], cap

    def can_do(self, weekday: int, skills: frozenset[str], services: tuple[str, ...]) -> bool:
        if any(c not in self.spec.offered for c in services):
            return False
        return any(skills <= have for have in self.skills_by_weekday[weekday])


class _DayLedger:
    """A store's predicted load for one day: the forecast, moved by every routing and slot decision."""

    __slots__ = ("load", "servers", "cap", "backlog0", "waits", "open_b", "close_b")

    def __init__(self, model: _StoreModel, weekday: int, scale: float, backlog0: list[float], factor: float):
        servers, cap = model.weekday(weekday, factor)
        fc = model.forecast or [[0.0] * BUCKETS for _ in range(3)]
        self.load = [[v * scale for v in row] for row in fc]
        self.servers = servers
        self.cap = cap
        self.backlog0 = backlog0
        self.waits: list[list[float] | None] = [None, None, None]
        self.open_b = model.spec.open_minute // BUCKET
        self.close_b = -(-model.spec.close_minute // BUCKET)

    def add(self, group: int, bucket: int, minutes: float) -> None:
        self.load[group][max(bucket, self.open_b)] += minutes
        self.waits[group] = None

    def wait_curve(self, group: int) -> list[float]:
        """Predicted wait (minutes) of a customer whose claim starts in each bucket: a fluid queue of the
        day's expected work against the servers on duty, starting from the jobs carried from yesterday."""
        w = self.waits[group]
        if w is not None:
            return w
        load, cap = self.load[group], self.cap[group]
        w = [_NEVER] * BUCKETS
        backlog = self.backlog0[group]
        for k in range(self.open_b, self.close_b):
            a, c = load[k], cap[k]
            if c > 0:  # the work ahead of a mid-bucket arrival, at the bucket's service rate
                w[k] = max(0.0, backlog + (a - c) / 2) * BUCKET / c
            elif backlog + a <= 0:
                w[k] = 0.0
            backlog = max(0.0, backlog + a - c)
        self.waits[group] = w
        return w

    def load_share(self, group: int, bucket: int) -> float:
        c = self.cap[group][bucket]
        return self.load[group][bucket] / c if c else 1.0


class SmartPolicy:
    """The smart booking engine and technician dispatch (see docs/replay.md for the levers).

    Keeps per store and day a load ledger (the forecast of the store's usual day, moved by every decision it
    takes while routing) and answers from it: which store to recommend, which slot to offer, at what discount.
    Stores are coupled through the ledger, so the engine runs it in network mode, day by day.
    """

    name = "smart"
    stores_independent = False

    def __init__(self, params: SmartParams | None = None) -> None:
        self.params = params or SmartParams()
        self._models: dict[int, _StoreModel] = {}
        self._day = -1
        self._ledgers: dict[tuple[int, int], _DayLedger] = {}  # (day, store id) → ledger
        self._carried: set[int] = set()  # stores whose ledger today holds yesterday's carried jobs
        self._shift: dict[int, int] = {}  # request id → minutes a referred walk-in arrives later (travel)
        self.discounts: dict[int, float] = {}  # request id → discount % agreed at booking
        self.referrals = 0
        self.moved_bookings = 0
        self.converted_walkins = 0
        self.next_day = 0
        self.parts_transfers = 0
        self.door_referrals = 0
        self.door_later = 0
        self.door_tomorrow = 0
        self.door_left = 0
        self.parts_booked = 0
        self._view: NetworkView | None = None
        self._door_done: set[int] = set()  # requests booked for tomorrow at the door (one decision each)
        self._door_shapes: dict[tuple[int, tuple[str, ...]], tuple[int, tuple[int, ...]]] = {}
        self._dispatcher = SmartDispatcher(self.params.spt_weight, self.params.booked_priority)

    # --- models -----------------------------------------------------------------------------------------

    def _model(self, sid: int, view: NetworkView) -> _StoreModel:
        m = self._models.get(sid)
        if m is None:
            if not self._models:
                self._build_models(view)
            m = self._models[sid]
        if m.forecast is None:
            m.forecast = self._forecast(m, view)
        return m

    def _build_models(self, view: NetworkView) -> None:
        p = self.params
        ids = list(view.stores)
        specs = [view.network.store(sid) for sid in ids]
        for spec in specs:
            self._models[spec.id] = _StoreModel(spec)
        for a in specs:
            near = []
            for b in specs:
                if b.id != a.id and abs(a.lat - b.lat) < p.radius_km / 100.0:
                    d = _km(a, b)
                    if d <= p.radius_km:
                        near.append((d, b.id))
            near.sort()
            self._models[a.id].neighbours = near[: p.max_candidates]

    def _forecast(self, m: _StoreModel, view: NetworkView) -> list[list[float]]:
        """The store's usual day in standard minutes per group and bucket of the customers' wished start,
        learnt from the `forecast_days` before the replay (normalised to an average weekday)."""
        from .demand import WEEKDAY_FACTORS

        sim = view.stores[m.spec.id]
        demand = StoreDemand(m.spec, sim.seed)
        out = [[0.0] * BUCKETS for _ in range(3)]
        weight = 0.0
        for d in range(-self.params.forecast_days, 0):
            wd = weekday_of(d, view.start_date)
            weight += WEEKDAY_FACTORS[wd]
            base = d * MINUTES_PER_DAY
            for r in demand.day(d, wd):
                g, std, _ = _shape(r.services)
                t = r.booked_for if r.booked_for is not None and r.booked_for > r.arrival else r.arrival
                out[g][min(BUCKETS - 1, max(0, (t - base) // BUCKET))] += std
        return [[v / weight for v in row] for row in out]

    def _ledger(self, sid: int, view: NetworkView, day: int | None = None) -> _DayLedger:
        """The store's ledger for `day` (default today). Tomorrow's starts from the forecast and the bookings
        moved there; on its own day it learns the jobs carried overnight."""
        from .demand import WEEKDAY_FACTORS

        today = view.day
        if today != self._day:
            self._day = today
            self._ledgers = {k: v for k, v in self._ledgers.items() if k[0] > today}
            self._carried = set()
            self._shift = {}
        day = today if day is None else day
        led = self._ledgers.get((day, sid))
        if led is None:
            m = self._model(sid, view)
            wd = weekday_of(day, view.start_date)
            led = _DayLedger(m, wd, WEEKDAY_FACTORS[wd], [0.0, 0.0, 0.0], self.params.capacity_factor)
            base = day * MINUTES_PER_DAY
            for r in view.stores[sid].pending.get(day, ()):  # rework returns and bookings moved to the day
                g, std, _ = _shape(r.services)
                led.add(g, (r.booked_for - base) // BUCKET, std)
            self._ledgers[(day, sid)] = led
        if day == today and sid not in self._carried:
            self._carried.add(sid)
            for job in view.stores[sid].carry:
                led.backlog0[job.group] += job.std
            led.waits = [None, None, None]
        return led

    # --- Policy -------------------------------------------------------------------------------------------

    def _informed(self, req: Request) -> bool:
        """Booked customers go through the booking engine; a share of walk-ins check the app first."""
        return req.booked or _u(req.request_id, 1) < self.params.app_share

    def _at_door(self, req: Request) -> bool:
        """Whether the advisor who meets this customer at the door follows the booking engine."""
        return _u(req.request_id, 7) < self.params.door_share

    def choose_store(self, request: Request, view: NetworkView) -> int:
        self._view = view
        home = request.requested_store_id
        if request.rework_of is not None:
            return home
        p = self.params
        door = False
        if not self._informed(request):
            # a walk-in without the app: the advisor at the door may refer them, if they agree to drive on
            if not (
                p.door_referrals
                and self._at_door(request)
                and _u(request.request_id, 6) < p.door_referral_accept
            ):
                return home
            door = True
        group, std, skills = _shape(request.services)
        base = view.day * MINUTES_PER_DAY
        t = request.booked_for if request.booked else request.arrival
        bucket = (t - base) // BUCKET
        led_home = self._ledger(home, view)
        cost_home = led_home.wait_curve(group)[max(bucket, led_home.open_b)]
        if cost_home < p.min_gain_minutes:
            return home
        wd = weekday_of(view.day, view.start_date)
        best, best_cost, best_shift = home, cost_home - p.min_gain_minutes, 0
        for dist, sid in self._model(home, view).neighbours:
            if sid not in view.stores:
                continue
            m = self._model(sid, view)
            led = self._ledger(sid, view)
            if not m.can_do(wd, skills, request.services):
                continue
            one_way = dist / p.travel_kmh * 60.0
            shift = 0 if request.booked else round(one_way)
            b = (t + shift - base) // BUCKET
            if b >= led.close_b:
                continue
            cost = led.wait_curve(group)[max(b, led.open_b)] + 2 * one_way
            if cost < best_cost:
                best, best_cost, best_shift = sid, cost, shift
        if best != home:
            led_home.add(group, bucket, -std)
            self._ledger(best, view).add(group, (t + best_shift - base) // BUCKET, std)
            if best_shift:
                self._shift[request.request_id] = best_shift
            self.referrals += 1
            self.door_referrals += door
        return best

    def reschedule(self, request: Request, store_id: int, view: NetworkView) -> Request:
        """The slot a customer ends up with at the store chosen: a booking whose wished time is predicted full
        moves to a slot with capacity near it (or, if the customer accepts, an off-peak slot with the discount
        of the pricing rules); an app user facing a long wait is offered a booking the same way."""
        shift = self._shift.pop(request.request_id, 0)
        req = request._replace(arrival=request.arrival + shift) if shift else request
        if req.rework_of is not None or not self._informed(req):
            return req
        p = self.params
        group, std, _ = _shape(req.services)
        day = view.day
        led = self._ledger(store_id, view)
        base = day * MINUTES_PER_DAY
        wished = req.booked_for if req.booked else req.arrival
        b0 = max(led.open_b, (wished - base) // BUCKET)
        if led.wait_curve(group)[b0] < p.offer_wait:
            return req
        model = self._models[store_id]
        # Candidate slots: the rest of today and, unless today is the replay's last, tomorrow's.
        days = [day] + ([day + 1] if day + 1 < view.stores[store_id].days else [])
        near: list[tuple[int, int, int]] = []
        far: list[tuple[float, int, int, int]] = []
        for d in days:
            dled = self._ledger(store_id, view, d)
            curve = dled.wait_curve(group)
            wd = weekday_of(d, view.start_date)
            for slot in model.slots:
                at = d * MINUTES_PER_DAY + slot
                offset = at - wished
                if not offset or (offset < 0 and not req.booked):  # a walk-in can only come later
                    continue
                k = slot // BUCKET
                if curve[k] > p.wait_ok:
                    continue
                if d == day and abs(offset) <= p.near_minutes:
                    near.append((abs(offset), d, at))
                else:
                    pct, _ = discount_for(p.rules, dled.load_share(group, k), wd, slot // 60)
                    far.append((-pct, abs(offset), d, at))
        pct = 0.0
        if near and (req.booked or _u(req.request_id, 2) < p.book_accept):
            _, new_day, at = min(near)
        elif far:
            neg_pct, _, new_day, at = min(far)
            accept = p.offpeak_accept if neg_pct < 0 else p.plain_move_accept
            if _u(req.request_id, 3) >= accept:
                return req
            pct = -neg_pct
        else:
            return req
        led.add(group, b0, -std)
        new_base = new_day * MINUTES_PER_DAY
        self._ledger(store_id, view, new_day).add(group, (at - new_base) // BUCKET, std)
        if pct:
            self.discounts[req.request_id] = pct
        opens = new_base + model.spec.open_minute
        if new_day != day:
            self.next_day += 1
        if req.booked:
            self.moved_bookings += 1
            arrival = max(opens, req.arrival + at - wished)
            return req._replace(day=new_day, booked_for=at, arrival=arrival)
        self.converted_walkins += 1
        punctual = _punctual(req.request_id)
        return req._replace(
            day=new_day,
            booked=True,
            booked_for=at,
            booking_created_at=req.arrival - 60,
            arrival=max(opens, at + punctual),
        )

    # --- the advisor at the door (engine seam `at_door`) -------------------------------------------------

    def at_door(self, req: Request, now: int, shop: Workshop, latest_start: int, parts_eta: int) -> Request | None:
        """The advisor's check before a car is checked in, on what the store really has: its queue, the
        technicians' shifts and the parts (with the emergency delivery's arrival, `parts_eta`, 0 when all is in
        stock). A car predicted not to start before the able technicians leave (`latest_start`) is not checked
        in to wait overnight: the customer is offered tomorrow's first slot with capacity (off-peak discount by
        the pricing rules) or leaves. A job that would wait for parts is booked for when they arrive. A walk-in
        facing more than `offer_wait` is offered the slot at their predicted start (leave the car or come
        back). Returns the request as checked in (booked time moved), moved to tomorrow, or None (left)."""
        p = self.params
        rid = req.request_id
        if rid in self._door_done:  # booked here yesterday: the booking is kept
            self._door_done.discard(rid)
            return req
        if not self._at_door(req):
            return req
        group, std, _ = _shape(req.services)
        ready = now if req.booked_for is None or req.booked_for < now else req.booked_for
        start = self._door_start(req, now, ready, shop, group, std)
        can_book_tomorrow = shop.day + 1 < self._view.stores[shop.store.id].days if self._view else False
        if start > latest_start:
            if not p.door_overnight or not can_book_tomorrow:
                return req
            accept = p.overnight_accept_booked if req.booked else p.overnight_accept_walkin
            if _u(rid, 8) >= accept:
                self.door_left += 1
                return None
            return self._book_tomorrow(req, now, shop, group, std)
        base = shop.day * MINUTES_PER_DAY
        out = req
        if p.door_parts and parts_eta > ready + p.offer_wait and _u(rid, 9) < p.parts_accept:
            at = _slot_at(base, max(parts_eta, start))
            if at > latest_start:
                if not can_book_tomorrow:
                    return req
                self.parts_booked += 1
                return self._book_tomorrow(req, now, shop, group, std)
            self.parts_booked += 1
            out = req._replace(
                booked=True, booked_for=at, booking_created_at=req.booking_created_at if req.booked else now
            )
            start = max(start, at)
        elif p.door_slots and not req.booked and start - now > p.offer_wait and _u(rid, 10) < p.door_later_accept:
            at = _slot_at(base, start)
            if at > latest_start:
                at -= BUCKET
            if at > now:
                self.door_later += 1
                out = req._replace(booked=True, booked_for=at, booking_created_at=now)
                if _u(rid, 11) < p.door_come_back:
                    self._door_done.add(rid)
                    out = out._replace(arrival=max(now + 1, at + _punctual(rid)))
        return out

    def _door_start(
        self, req: Request, now: int, ready: int, shop: Workshop, group: int, std: float
    ) -> float:
        """Predicted start of a job checked in now, as the advisor reads the board: every bay and technician
        free at the planned end of the job on it; the jobs ahead of this one in the dispatcher's priority order
        (those waiting, of any kind, and today's bookings still to come) each take in turn the earliest free
        bay of their kind and technician with their skills (on shift, not at lunch), for their standard
        minutes at that technician's speed; then this one does."""
        p = self.params
        w, bp = p.spt_weight, p.booked_priority
        key = ready + w * std - (bp if req.booked else 0.0)
        priority = self._dispatcher.priority
        ahead: list[tuple[float, int, float, int, tuple[int, ...]]] = []
        for j in shop.queue:
            prio = priority(j)
            if prio <= key:
                ahead.append((prio, max(j.ready_at, j.parts_at), j.std, j.need, j.bays))
        for r in shop.bookings:
            if r.arrival > now and r.booked_for is not None:
                _, s, _ = _shape(r.services)
                prio = r.booked_for + w * s - bp
                if prio <= key:
                    need, bays = self._door_shape(shop, r.services)
                    ahead.append((prio, r.booked_for, s, need, bays))
        bay_ends, tech_ends = self._dispatcher.planned_ends(shop)
        bay_free = [
            (bay_ends.get(b, now + IN_PROGRESS_REST) if busy else now) for b, busy in enumerate(shop.bay_busy)
        ]
        techs, window, masks = shop.techs, shop.window, shop.tech_mask
        tech_free: dict[int, float] = {}
        for t in shop.on_duty:
            if window[t][3] > now:
                tech_free[t] = tech_ends.get(t, now + IN_PROGRESS_REST) if shop.tech_busy[t] else now
        factor = p.capacity_factor

        def earliest(at: float, need: int, bays: tuple[int, ...]) -> tuple[float, int, int]:
            if not bays:
                return _NEVER, -1, -1
            b = min(bays, key=bay_free.__getitem__)
            best, best_t = _NEVER, -1
            for t, f in tech_free.items():
                if masks[t] & need != need:
                    continue
                start, lunch_start, lunch_end, end = window[t]
                f = max(f, start, at, bay_free[b])
                if lunch_start <= f < lunch_end:
                    f = lunch_end
                if f < end and f < best:
                    best, best_t = f, t
            return best, b, best_t

        ahead.sort()
        for _, at, s, need, bays in ahead:
            start, b, t = earliest(at, need, bays)
            if t >= 0:
                bay_free[b] = tech_free[t] = start + s / (techs[t].speed * factor)
        need, bays = self._door_shape(shop, req.services)
        return max(ready, earliest(ready, need, bays)[0])

    def _door_shape(self, shop: Workshop, services: tuple[str, ...]) -> tuple[int, tuple[int, ...]]:
        """(skill mask, indices of the store's bays that accept the job) of a service combination."""
        key = (shop.store.id, services)
        got = self._door_shapes.get(key)
        if got is None:
            need = 0
            for code in services:
                need |= SKILL_BIT[SERVICE_BY_CODE[code].skill]
            kinds = BAY_ACCEPTS[wo_bay_kind(services)]
            bays = tuple(i for kind in kinds for i, b in enumerate(shop.bays) if b.kind == kind)
            got = self._door_shapes[key] = (need, bays)
        return got

    def _book_tomorrow(self, req: Request, now: int, shop: Workshop, group: int, std: float) -> Request:
        """Tomorrow's first slot with capacity at this store (the ledger counts the car there), at the
        off-peak discount the pricing rules give it."""
        p, view = self.params, self._view
        assert view is not None
        sid, day = shop.store.id, shop.day + 1
        led = self._ledger(sid, view, day)
        model = self._models[sid]
        curve = led.wait_curve(group)
        slot = next((s for s in model.slots if curve[s // BUCKET] <= p.wait_ok), None)
        if slot is None:
            slot = min(model.slots, key=lambda s: (curve[s // BUCKET], s))
        k = slot // BUCKET
        pct, _ = discount_for(p.rules, led.load_share(group, k), weekday_of(day, view.start_date), slot // 60)
        led.add(group, k, std)
        if pct:
            self.discounts[req.request_id] = max(pct, self.discounts.get(req.request_id, 0.0))
        self._door_done.add(req.request_id)
        self.door_tomorrow += 1
        base = day * MINUTES_PER_DAY
        at = base + slot
        return req._replace(
            day=day,
            booked=True,
            booked_for=at,
            booking_created_at=now,
            arrival=max(base + model.spec.open_minute, at + _punctual(req.request_id)),
        )

    def price_factor(self, request: Request, store: StoreSpec, minute: int) -> float:
        pct = self.discounts.get(request.request_id)
        return 1.0 if pct is None else 1.0 - pct / 100.0

    def plan_store_day(self, shop: Workshop) -> Dispatcher:
        return self._dispatcher

    def propose_transfers(self, view: NetworkView) -> Sequence[Transfer]:
        """Overnight parts transfers (资源调度: parts from nearby stores): a store whose stock of a part will not
        last until its next truck (plus `parts_cover_days` of its usual use) gets the shortfall from neighbours
        that keep the same cover for themselves. Stores restocked today need nothing."""
        p = self.params
        self._view = view
        if not p.parts_transfers:
            return ()
        if not self._models:
            self._build_models(view)
        regions = view.network.params.regions
        stock = {sid: dict(sim.stock) for sid, sim in view.stores.items()}
        use: dict[int, dict[str, float]] = {}
        for sid in view.stores:
            spec = view.network.store(sid)
            cover = regions[spec.region_code].stock_coverage_days
            use[sid] = {part: par / cover for part, par in spec.stock_par}
        out: list[Transfer] = []

        def days_to_truck(sid: int) -> int:
            prof = view.stores[sid].store.profile
            k = 1
            while (view.day + k) % prof.restock_every_days != prof.restock_offset:
                k += 1
            return k

        for sid, sim in view.stores.items():
            prof = sim.store.profile
            if view.day % prof.restock_every_days == prof.restock_offset:
                continue
            horizon = days_to_truck(sid) + p.parts_cover_days
            for part, daily in use[sid].items():
                have = stock[sid].get(part, 0)
                need = math.ceil(horizon * daily - have)
                if need <= 0:
                    continue
                for _, donor in self._models[sid].neighbours:
                    if donor not in stock or need <= 0:
                        continue
                    keep = (days_to_truck(donor) + p.parts_cover_days) * use[donor].get(part, 0.0)
                    qty = min(need, stock[donor].get(part, 0) - math.ceil(keep))
                    if qty > 0:
                        out.append(Transfer("parts", donor, sid, part, qty))
                        stock[donor][part] -= qty
                        stock[sid][part] = stock[sid].get(part, 0) + qty
                        need -= qty
        self.parts_transfers += len(out)
        return out

    def stats(self) -> dict[str, int]:
        return {
            "referrals": self.referrals,
            "moved_bookings": self.moved_bookings,
            "converted_walkins": self.converted_walkins,
            "next_day": self.next_day,
            "parts_transfers": self.parts_transfers,
            "discounted": len(self.discounts),
            "door_referrals": self.door_referrals,
            "door_later_today": self.door_later,
            "door_tomorrow": self.door_tomorrow,
            "door_left": self.door_left,
            "parts_booked": self.parts_booked,
        }


class SmartDispatcher:
    """Fast dispatch for the replay: each time something can start, the ready jobs in priority order (booked
    customers at their slot first, then the longest waiting, shorter jobs nudged ahead) each take a free bay
    of their kind (a lift job leaves the alignment bay to a waiting alignment job) and the qualified free
    technician whose skills are least needed by the other waiting jobs (scarce and versatile people are kept
    for the jobs only they can do), least versatile and longest idle among equals."""

    def __init__(self, spt_weight: float = 0.5, booked_priority: float = 30.0) -> None:
        self.spt_weight = spt_weight
        self.booked_priority = booked_priority
        # store → (day, bay → planned end of its job, technician → planned end of theirs)
        self._ends: dict[int, tuple[int, dict[int, float], dict[int, float]]] = {}

    def priority(self, job: Job) -> float:
        """Lower goes first: ready time + weight × standard minutes, less the booked customers' head start."""
        return job.ready_at + self.spt_weight * job.std - (self.booked_priority if job.req.booked else 0.0)

    def planned_ends(self, shop: Workshop) -> tuple[dict[int, float], dict[int, float]]:
        """(bay → , technician → ) when the job started on it today is planned to end (standard minutes at
        the technician's speed): what the board shows the advisor."""
        got = self._ends.get(shop.store.id)
        if got is None or got[0] != shop.day:
            got = self._ends[shop.store.id] = (shop.day, {}, {})
        return got[1], got[2]

    def pick(self, now: int, shop: Workshop) -> list[Assignment]:
        tech_busy, window = shop.tech_busy, shop.window
        avail = []
        for t in shop.on_duty:
            if not tech_busy[t]:
                start, lunch_start, lunch_end, end = window[t]
                if start <= now < end and not lunch_start <= now < lunch_end:
                    avail.append(t)
        if not avail:
            return []
        ready = [j for j in shop.queue if j.ready_at <= now and j.parts_at <= now]
        if not ready:
            return []
        ready.sort(key=self.priority)
        bay_busy, masks, idle = shop.bay_busy, shop.tech_mask, shop.tech_idle_since
        skill_counts = shop.tech_skill_count
        bays, techs = shop.bays, shop.techs
        bay_ends, tech_ends = self.planned_ends(shop)
        out: list[Assignment] = []
        taken: set[int] = set()
        left = list(ready)
        for job in ready:
            left.remove(job)
            bay = -1
            for b in job.bays:
                if bay_busy[b] or b in taken:
                    continue
                if bays[b].kind == "alignment" and len(job.bays) > 1 and any(
                    len(o.bays) < len(job.bays) and b in o.bays for o in left
                ):
                    continue  # keep the alignment bay for the alignment job waiting behind
                bay = b
                break
            if bay < 0:
                continue
            need, best, best_key = job.need, -1, (1e9, 99, 1 << 62)
            for t in avail:
                m = masks[t]
                if m & need != need:
                    continue
                cost = 0.0
                for o in left:
                    if m & o.need == o.need:
                        holders = sum(1 for u in avail if masks[u] & o.need == o.need)
                        cost += 1.0 / holders
                key = (cost, skill_counts[t], idle[t])
                if key < best_key:
                    best, best_key = t, key
            if best < 0:
                continue
            out.append((job, bay, best))
            taken.add(bay)
            bay_ends[bay] = tech_ends[best] = now + job.std / techs[best].speed
            avail.remove(best)
            if not avail:
                break
        return out
