"""Demand of the old world: per store and day, who comes when, booked or not, for which services and parts."""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections.abc import Mapping
from itertools import accumulate
from typing import TYPE_CHECKING

from services.catalog import SERVICE_BY_CODE

from .records import Request
from .timebase import MINUTES_PER_DAY

if TYPE_CHECKING:
    from .resources import StoreSpec

# Share of requests by main service type at a store that offers everything (maintenance dominates).
# Repair types are scaled by the region's repair_mix, body and paint by its body_mix and the store's body
# bays. Stores without a body bay never see body requests: customers know what their nearest store does.
MAIN_SERVICE_WEIGHTS: dict[str, float] = {
    "MAINT_MINOR": 0.36,
    "MAINT_MAJOR": 0.16,
    "TYRE": 0.09,
    "ALIGN": 0.05,
    "DIAG": 0.07,
    "ELEC": 0.07,
    "MECH": 0.09,
    "BODY": 0.09,
    "PAINT": 0.08,
}
REFERENCE_LIFT_BAYS = 6
PEAK_MAX = 1.6  # upper end of the peak-concentration knob (see peak_shape)
REPAIR_SERVICES = frozenset({"ELEC", "MECH"})
BODY_SERVICES = frozenset({"BODY", "PAINT"})
SECOND_SERVICE_SHARE = 0.30
# What a customer adds to the main job; both must fit one bay and one technician's skills.
SECOND_SERVICE_WEIGHTS: dict[str, dict[str, float]] = {
    "MAINT_MINOR": {"TYRE": 0.35, "DIAG": 0.25, "ELEC": 0.20, "ALIGN": 0.20},
    "MAINT_MAJOR": {"TYRE": 0.40, "ALIGN": 0.30, "DIAG": 0.30},
    "TYRE": {"ALIGN": 0.70, "MAINT_MINOR": 0.30},
    "ALIGN": {"TYRE": 1.0},
    "DIAG": {"ELEC": 0.5, "MECH": 0.5},
    "ELEC": {"DIAG": 1.0},
    "MECH": {"DIAG": 0.6, "MAINT_MINOR": 0.4},
    "BODY": {},
    "PAINT": {},
}
# Bay kinds that can take a job needing a given kind: an alignment bay is a lift with alignment gear.
BAY_ACCEPTS: dict[str, tuple[str, ...]] = {
    "lift": ("lift", "alignment"),
    "alignment": ("alignment",),
    "body": ("body",),
    "paint": ("paint",),
}
# Parts a service consumes: (part code, probability, quantities to choose from).
PARTS_PER_SERVICE: dict[str, tuple[tuple[str, float, tuple[int, ...]], ...]] = {
    "MAINT_MINOR": (("OIL_FILTER", 1.0, (1,)), ("ENGINE_OIL_4L", 1.0, (1,)), ("WIPER_BLADE", 0.1, (2,))),
    "MAINT_MAJOR": (
        ("OIL_FILTER", 1.0, (1,)),
        ("ENGINE_OIL_4L", 1.0, (1,)),
        ("AIR_FILTER", 1.0, (1,)),
        ("CABIN_FILTER", 1.0, (1,)),
        ("SPARK_PLUG", 0.6, (4,)),
        ("BRAKE_PADS", 0.2, (1,)),
    ),
    "TYRE": (("TYRE_205_55R16", 1.0, (1, 2, 2, 2, 2, 2, 4, 4, 4)),),
    "ALIGN": (),
    "DIAG": (),
    "ELEC": (
        ("BATTERY", 0.4, (1,)),
        ("ALTERNATOR", 0.15, (1,)),
        ("HEADLAMP", 0.2, (1,)),
        ("WIPER_BLADE", 0.2, (2,)),
    ),
    "MECH": (
        ("BRAKE_PADS", 0.45, (1,)),
        ("BRAKE_DISC", 0.25, (2,)),
        ("TIMING_BELT", 0.2, (1,)),
        ("SHOCK_ABSORBER", 0.3, (2,)),
    ),
    "BODY": (("BUMPER", 0.45, (1,)), ("HEADLAMP", 0.15, (1,))),
    "PAINT": (("PAINT_1L", 1.0, (1, 2, 3)),),
}
# Mon … Sun: Monday brings the weekend's problems, Saturday is when owners have time (mean 1.0).
WEEKDAY_FACTORS: tuple[float, ...] = (1.18, 0.95, 0.92, 0.93, 0.97, 1.15, 0.90)
DAY_FACTOR_CV = 0.10  # day-to-day variation beyond Poisson (weather, holidays nearby)
WORK_FACTOR_SD = 0.30  # log-sd of actual/standard duration
MAX_REQUESTS_PER_DAY = 250  # request ids reserve this many per store-day
REWORK_ID_OFFSET = 500_000  # a rework's id is its original's id plus this (reworks never rework again)
STORE_ID_STRIDE = 1_000_000  # request id = store id × stride + day × MAX_REQUESTS_PER_DAY + k
RATING_SHARE = 0.60
EARLY_ARRIVAL = 45  # the earliest walk-ins wait at the door this many minutes before opening
PATIENCE_FLOOR = 0.4  # share of the mean patience that everybody has: nobody leaves over a short queue


def wo_bay_kind(services: tuple[str, ...]) -> str:
    """The bay kind a work order needs: alignment if any service needs it, else the main service's kind."""
    if "ALIGN" in services:
        return "alignment"
    return SERVICE_BY_CODE[services[0]].bay_kind


def offered_services(bay_kinds: set[str]) -> tuple[str, ...]:
    """Service codes a store with these bay kinds can perform, in MAIN_SERVICE_WEIGHTS order."""
    return tuple(
        code
        for code in MAIN_SERVICE_WEIGHTS
        if any(kind in bay_kinds for kind in BAY_ACCEPTS[SERVICE_BY_CODE[code].bay_kind])
    )


def main_service_weights(
    offered: tuple[str, ...],
    repair_mix: float,
    bay_counts: Mapping[str, int] | None = None,
    body_mix: float = 1.0,
) -> dict[str, float]:
    """Normalised main-service shares at a store.

    Body and paint work comes in proportion to the store's body bays and paint booths per lift-type bay
    (insurers and fleets send accident repairs to shops by their capacity), relative to a reference layout of
    one body bay and one booth per REFERENCE_LIFT_BAYS lift-type bays.
    """
    mix = {**dict.fromkeys(REPAIR_SERVICES, repair_mix), **dict.fromkeys(BODY_SERVICES, body_mix)}
    raw = {c: MAIN_SERVICE_WEIGHTS[c] * mix.get(c, 1.0) for c in offered}
    if bay_counts:
        lifts = max(1, bay_counts.get("lift", 0) + bay_counts.get("alignment", 0))
        for code, kind in (("BODY", "body"), ("PAINT", "paint")):
            if code in raw:
                raw[code] *= bay_counts.get(kind, 0) * REFERENCE_LIFT_BAYS / lifts
    total = sum(raw.values())
    return {c: w / total for c, w in raw.items()}


def expected_part_use(
    offered: tuple[str, ...],
    repair_mix: float,
    bay_counts: Mapping[str, int] | None = None,
    body_mix: float = 1.0,
) -> dict[str, float]:
    """Expected quantity of each part per request at a store (for stocking levels)."""
    use: dict[str, float] = {}
    for main, w in main_service_weights(offered, repair_mix, bay_counts, body_mix).items():
        seconds = {c: p for c, p in SECOND_SERVICE_WEIGHTS[main].items() if c in offered}
        total2 = sum(seconds.values())
        share = {main: 1.0}
        for c, p in seconds.items():
            share[c] = share.get(c, 0.0) + SECOND_SERVICE_SHARE * p / total2
        for code, s in share.items():
            for part, prob, qtys in PARTS_PER_SERVICE[code]:
                use[part] = use.get(part, 0.0) + w * s * prob * sum(qtys) / len(qtys)
    return use


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 60.0:  # normal approximation: Knuth's product loop gets slow and exp(-lam) tiny
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def peak_shape(concentration: float) -> tuple[float, float, float]:
    """Morning peak of walk-ins for a concentration 0 … PEAK_MAX: (share, sd in minutes, centre after opening).

    Up to 1 the peak gets taller and narrower and moves toward opening; beyond 1 customers come ever earlier
    and queue at the door before the store opens.
    """
    c = min(PEAK_MAX, max(0.0, concentration))
    low = min(c, 1.0)
    return 0.15 + 0.82 * low, 90.0 - 70.0 * low, 50.0 - 20.0 * low - 60.0 * max(0.0, c - 1.0)


class StoreDemand:
    """Deterministic demand generator of one store: `day(d, weekday)` depends only on (seed, store, d).

    Each store-day has its own random stream, so any subset of days (or stores) can be regenerated alone and a
    replay under another policy sees identical requests.
    """

    __slots__ = (
        "store",
        "seed",
        "_mains",
        "_main_cum",
        "_seconds",
        "_parts",
        "_peak_share",
        "_peak_sd",
        "_bump_share",
        "_peak_offset",
        "_interned",
        "_amounts",
    )

    def __init__(self, store: StoreSpec, seed: int) -> None:
        self.store = store
        self.seed = seed
        prof = store.profile
        weights = main_service_weights(store.offered, prof.repair_mix, store.bay_counts, prof.body_mix)
        self._mains = tuple(weights)
        self._main_cum = tuple(accumulate(weights.values()))
        self._seconds: dict[str, tuple[tuple[str, ...], tuple[float, ...]] | None] = {}
        for main in self._mains:
            options = {c: p for c, p in SECOND_SERVICE_WEIGHTS[main].items() if c in store.offered}
            self._seconds[main] = (tuple(options), tuple(accumulate(options.values()))) if options else None
        self._parts = PARTS_PER_SERVICE
        self._peak_share, self._peak_sd, self._peak_offset = peak_shape(prof.peak_concentration)
        self._bump_share = 0.12
        self._interned: dict[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]] = {}
        self._amounts: dict[tuple[str, ...], int] = {}

    def _arrival_minute(self, rng: random.Random, base: int) -> int:
        s = self.store
        u = rng.random()
        if u < self._peak_share:
            m = rng.gauss(s.open_minute + self._peak_offset, self._peak_sd)
        elif u < self._peak_share + self._bump_share:
            m = rng.gauss(825, 35)  # 13:45, after lunch
        else:
            m = rng.uniform(s.open_minute, s.close_minute - 90)
        m = min(max(m, s.open_minute - EARLY_ARRIVAL), s.close_minute - 40)
        return base + int(m)

    def day(self, day: int, weekday: int) -> list[Request]:
        """The requests whose customers first ask this store on `day`, in arrival order."""
        store, prof = self.store, self.store.profile
        rng = random.Random((self.seed * 1_000_003 + store.id) * 100_003 + day)
        lam = (
            prof.demand_mean
            * WEEKDAY_FACTORS[weekday]
            * rng.gammavariate(1.0 / DAY_FACTOR_CV**2, DAY_FACTOR_CV**2)
        )
        n = min(_poisson(rng, lam), MAX_REQUESTS_PER_DAY)
        base = day * MINUTES_PER_DAY
        id0 = store.id * STORE_ID_STRIDE + day * MAX_REQUESTS_PER_DAY
        rnd, gauss, log = rng.random, rng.gauss, math.log
        mains, main_cum, seconds, parts_of = self._mains, self._main_cum, self._seconds, self._parts
        interned, amounts = self._interned, self._amounts
        patience_floor = PATIENCE_FLOOR * prof.patience_minutes
        patience_rest = prof.patience_minutes - patience_floor
        open_m = store.open_minute
        last_slot = (store.close_minute - 90 - open_m) // 30
        cust0, ncust = store.customer_first_id, store.customer_count
        out: list[Request] = []
        for k in range(n):
            if rnd() < prof.booked_share:
                # Old-world bookings: some follow the customer's wish (the morning) without any capacity
                # check, the rest (booking_spread) the advisor spreads over the day; slots on the half hour.
                if rnd() < prof.booking_spread:
                    slot = int(rnd() * (last_slot + 1))
                else:
                    slot = (self._arrival_minute(rng, 0) - open_m + 15) // 30
                booked_for = base + open_m + 30 * min(max(slot, 0), last_slot)
                arrival = max(base + open_m, booked_for + round(gauss(-5.0, 12.0)))
                created = (day - 1 - int(rnd() * 7)) * MINUTES_PER_DAY + 480 + int(rnd() * 841)
                booked = True
            else:
                arrival = self._arrival_minute(rng, base)
                booked_for = created = None
                booked = False
            main = mains[bisect(main_cum, rnd() * main_cum[-1])]
            services: tuple[str, ...] = (main,)
            second = seconds[main]
            if second is not None and rnd() < SECOND_SERVICE_SHARE:
                names, cum = second
                services = (main, names[bisect(cum, rnd() * cum[-1])])
            parts: dict[str, int] = {}
            for code in services:
                for part, prob, qtys in parts_of[code]:
                    if prob >= 1.0 or rnd() < prob:
                        q = qtys[0] if len(qtys) == 1 else qtys[int(rnd() * len(qtys))]
                        parts[part] = parts.get(part, 0) + q
            # Share equal part lists between requests: less memory, and pickle sends each once.
            used = tuple(parts.items())
            used = interned.setdefault(used, used)
            amount = amounts.get(services)
            if amount is None:
                amount = amounts[services] = sum(SERVICE_BY_CODE[c].price for c in services)
            cid = cust0 + int(rnd() * ncust)
            out.append(
                Request(
                    id0 + k,
                    store.id,
                    cid,
                    cid,  # each pool customer owns exactly one vehicle with the same id
                    day,
                    arrival,
                    booked,
                    created,
                    booked_for,
                    services,
                    used,
                    amount,
                    math.exp(gauss(-0.5 * WORK_FACTOR_SD**2, WORK_FACTOR_SD)),
                    8 + int(rnd() * 8),
                    max(5, int(math.exp(gauss(3.9, 0.8)))),  # median ≈ 50 min
                    int(patience_floor - log(1.0 - rnd()) * patience_rest),
                    rnd() < RATING_SHARE,
                    gauss(0.0, 1.0),
                    rnd(),
                    3 + int(rnd() * 28),
                    rnd(),
                    None,
                )
            )
        out.sort(key=_arrival_key)
        return out


def _arrival_key(r: Request) -> tuple[int, int]:
    return (r.arrival, r.request_id)


def make_rework(original: Request, store: StoreSpec, day: int, rng: random.Random) -> Request:
    """The return visit of a failed fix: booked by phone for `day`, same services, free of charge."""
    open_m = store.open_minute
    last_slot = (store.close_minute - 90 - open_m) // 30
    booked_for = day * MINUTES_PER_DAY + open_m + 30 * rng.randint(0, last_slot)
    arrival = max(day * MINUTES_PER_DAY + open_m, booked_for + round(rng.gauss(-5.0, 12.0)))
    return original._replace(
        request_id=original.request_id + REWORK_ID_OFFSET,
        requested_store_id=store.id,
        day=day,
        arrival=arrival,
        booked=True,
        booking_created_at=(day - 1) * MINUTES_PER_DAY + rng.randint(540, 1080),
        booked_for=booked_for,
        list_amount=0,
        work_factor=math.exp(rng.gauss(-0.5 * WORK_FACTOR_SD**2, WORK_FACTOR_SD)),
        pickup_delay=max(5, int(math.exp(rng.gauss(3.9, 0.8)))),
        rates=rng.random() < RATING_SHARE,
        rating_noise=rng.gauss(0.0, 1.0),
        rework_u=1.0,  # a repeat fix is done carefully and not modelled to fail again
        complaint_u=rng.random(),
        rework_of=original.request_id,
    )
