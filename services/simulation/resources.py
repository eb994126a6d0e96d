"""The simulated network's resources: bays, technicians, parts stock and customer pool of every store."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Protocol

from services.catalog import BAY_KINDS, REGION_BY_CODE, SERVICE_BY_CODE, SKILLS

from .demand import expected_part_use, offered_services
from .params import SimParams, load_params


class Placement(Protocol):
    """What the simulation reads from a store placement (services/demo/placement.py), duck-typed and read-only."""

    @property
    def id(self) -> int: ...

    @property
    def code(self) -> str: ...

    @property
    def region_code(self) -> str: ...

    @property
    def province_code(self) -> str: ...

    @property
    def plate_prefix(self) -> str: ...

    @property
    def city_zh(self) -> str: ...

    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...

    @property
    def store_type(self) -> str: ...

    @property
    def size(self) -> str: ...

    @property
    def open_minute(self) -> int: ...

    @property
    def close_minute(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Bay:
    id: int
    store_id: int
    code: str  # unique within the store, e.g. "LF03"
    kind: str  # catalog.BAY_KINDS


@dataclass(frozen=True, slots=True)
class Technician:
    id: int
    store_id: int
    name: str
    level: int  # 1 (apprentice) … 5 (master)
    speed: float  # standard minutes done per minute; grows with level
    rating: int  # 0–100, the store's view of the technician
    skills: tuple[str, ...]  # subset of catalog.SKILLS
    shift_start: int  # minutes after midnight; the technician starts no job outside the shift
    shift_end: int
    lunch_start: int  # no job starts during lunch (a job already running goes on)
    lunch_end: int
    day_off: int  # weekday 0 = Monday … 6 = Sunday


@dataclass(frozen=True, slots=True)
class StoreProfile:
    """How a store behaves: its region's parameters after the store's own variety is applied."""

    demand_mean: float  # expected requests per average day
    demand_factor: float  # attractiveness relative to the region's average store (mean 1)
    booked_share: float
    booking_spread: float
    peak_concentration: float
    price_level: float
    repair_mix: float
    body_mix: float
    parts_delay_minutes: int
    restock_every_days: int
    restock_offset: int  # the day within the cycle when the truck comes
    rework_rate: float  # failure chance for a level-3 technician
    patience_minutes: float


@dataclass(frozen=True, slots=True)
class StoreSpec:
    id: int
    code: str
    region_code: str
    province_code: str
    city_zh: str
    plate_prefix: str
    lat: float
    lon: float
    store_type: str
    size: str
    open_minute: int
    close_minute: int
    bays: tuple[Bay, ...]
    technicians: tuple[Technician, ...]
    stock_par: tuple[tuple[str, int], ...]  # (part code, quantity after a restock); also the starting stock
    offered: tuple[str, ...]  # service codes the bays allow
    customer_first_id: int  # customers (and their vehicles) have ids first … first + count - 1
    customer_count: int
    profile: StoreProfile

    @property
    def bay_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for b in self.bays:
            counts[b.kind] = counts.get(b.kind, 0) + 1
        return counts


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    store_id: int  # the store whose pool the customer belongs to (their nearest)
    name: str
    phone: str
    home_lat: float
    home_lon: float


@dataclass(frozen=True, slots=True)
class Vehicle:
    id: int
    customer_id: int
    plate: str
    model: str
    year: int


@dataclass(frozen=True, slots=True)
class NetworkSpec:
    """All stores with their resources. Customers are produced on demand by iter_customers (they are many)."""

    stores: tuple[StoreSpec, ...]
    params: SimParams
    seed: int
    by_id: dict[int, StoreSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id.update({s.id: s for s in self.stores})

    def store(self, store_id: int) -> StoreSpec:
        return self.by_id[store_id]

    @property
    def customer_count(self) -> int:
        return sum(s.customer_count for s in self.stores)


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢"
)
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志文斌鹏辉红飞宇浩晨欣怡婷雪峰俊海波宁"
CAR_MODELS: tuple[str, ...] = (
    "远航 3",
    "远航 5",
    "远航 7 SUV",
    "星越 S",
    "星越 L",
    "逸动 EV",
    "领程 X3",
    "领程 X5",
    "锐行 MPV",
)
PHONE_PREFIXES: tuple[str, ...] = (
    "138",
    "139",
    "135",
    "136",
    "137",
    "150",
    "151",
    "158",
    "159",
    "186",
    "187",
    "188",
    "177",
    "199",
)
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # Chinese plates leave out I and O
PLATE_SPACE = 34 * 34 * 1000
# Bays by size: (lifts range, alignment chance, body bays, paint chance given body, wash chance).
SIZE_LAYOUT: dict[str, tuple[tuple[int, int], float, tuple[int, ...], float, float]] = {
    "flagship": ((7, 9), 1.0, (2,), 1.0, 1.0),
    "large": ((4, 6), 1.0, (0, 1, 1, 1, 1), 0.85, 0.4),
    "small": ((3, 5), 0.25, (0,), 0.0, 0.0),
}
BAY_PREFIX = {"lift": "LF", "alignment": "AL", "body": "BD", "paint": "PT", "wash": "WS"}
LEVEL_WEIGHTS = (0.15, 0.25, 0.30, 0.20, 0.10)  # share of technicians at levels 1 … 5
BODY_BAY_CAPACITY = 0.45  # a body/paint bay serves fewer, longer jobs than a lift: demand weight per bay
SHIFT_MINUTES = 510  # 8.5 h including a 1 h lunch
assert set(BAY_PREFIX) == set(BAY_KINDS)


def capacity_bays(bays: Sequence[Bay]) -> float:
    """Service bays weighted by how many jobs a day they take; wash/QC bays excluded."""
    return sum(
        1.0 if b.kind in ("lift", "alignment") else BODY_BAY_CAPACITY for b in bays if b.kind != "wash"
    )


def _stratified_factors(n: int, sd: float, rng: random.Random, clip: float = 2.2) -> list[float]:
    """n lognormal factors (mean exactly 1) at evenly spaced quantiles in a random order.

    Stratifying keeps a region's average equal to its parameter whatever the number of stores, so a small
    calibration sample and the full network see the same average store.
    """
    nd = NormalDist()
    zs = [min(clip, max(-clip, nd.inv_cdf((i + 0.5) / n))) for i in range(n)]
    rng.shuffle(zs)
    vals = [math.exp(sd * z) for z in zs]
    mean = sum(vals) / n
    return [v / mean for v in vals]


def _stratified_round(values: Sequence[float], rng: random.Random) -> list[int]:
    """Round so the total stays within 1 of the exact sum (systematic sampling of the fractions)."""
    u = rng.random()
    out, acc = [], u
    for v in values:
        lo = math.floor(acc)
        acc += v
        out.append(math.floor(acc) - lo)
    return out


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _balanced(n: int, options: Sequence[object], rng: random.Random) -> list:
    """n values taking each option equally often (up to one), in random order."""
    start = rng.randrange(len(options))
    out = [options[(start + i) % len(options)] for i in range(n)]
    rng.shuffle(out)
    return out


def _balanced_flags(n: int, p: float, rng: random.Random) -> list[bool]:
    """n flags of which floor(n·p) or one more are set (systematic sampling), in random order."""
    counts = _stratified_round([p] * n, rng)
    out = [bool(c) for c in counts]
    rng.shuffle(out)
    return out


def _layouts(group: Sequence[Placement], rng: random.Random) -> dict[int, list[str]]:
    """Bay kinds of each store in a group of same-size stores of one region.

    Choices are balanced across the group rather than drawn store by store, so a region's bay mix, and with it
    its average output, does not hinge on the luck of a seed.
    """
    if not group:
        return {}
    lifts, align_p, body_opts, paint_p, wash_p = SIZE_LAYOUT[group[0].size]
    n = len(group)
    n_lifts = _balanced(n, range(lifts[0], lifts[1] + 1), rng)
    align = _balanced_flags(n, align_p, rng)
    n_body = _balanced(n, body_opts, rng)
    paint = _balanced_flags(n, paint_p, rng)
    wash = _balanced_flags(n, wash_p, rng)
    out = {}
    for i, p in enumerate(group):
        kinds = ["lift"] * n_lifts[i] + ["alignment"] * align[i] + ["body"] * n_body[i]
        kinds += ["paint"] * (paint[i] and n_body[i] > 0) + ["wash"] * wash[i]
        out[p.id] = kinds
    return out


def _bays(store_id: int, kinds: Sequence[str], next_id: int) -> tuple[Bay, ...]:
    counters: dict[str, int] = {}
    bays = []
    for kind in kinds:
        counters[kind] = counters.get(kind, 0) + 1
        bays.append(Bay(next_id + len(bays), store_id, f"{BAY_PREFIX[kind]}{counters[kind]:02d}", kind))
    return tuple(bays)


def _build_technicians(
    p: Placement,
    n: int,
    bay_kinds: set[str],
    offered: tuple[str, ...],
    talent: float,
    rng: random.Random,
    next_id: int,
) -> list[Technician]:
    n_specialists = (("body" in bay_kinds) + ("paint" in bay_kinds)) if n >= 4 else 0
    # The store's talent shifts its level mix: some stores keep their masters, others train apprentices.
    weights = [w * math.exp(talent * (lvl - 3) * 0.35) for lvl, w in enumerate(LEVEL_WEIGHTS, start=1)]
    levels = sorted(rng.choices(range(1, 6), weights=weights, k=n), reverse=True)
    skills: list[set[str]] = []
    for i, level in enumerate(levels):
        if i < n_specialists:  # body and paint specialists (钣喷技师) take the best levels of their trade
            skills.append({k for k in ("body", "paint") if k in bay_kinds})
            continue
        s = {"maintenance", "tyres"}
        if rng.random() < 0.3 + 0.15 * level:
            s.add("diagnostics")
        if rng.random() < 0.15 * level:
            s.add("electrical")
        if rng.random() < min(0.95, 0.2 * level):
            s.add("mechanical")
        if "electrical" in s or "mechanical" in s:  # repairers diagnose: DIAG + repair is one job
            s.add("diagnostics")
        skills.append(s)
    # Every needed skill is held by at least two technicians (when the store has two) so a day off or a
    # busy colleague does not block a whole service type; the most senior take it on.
    needed = {SERVICE_BY_CODE[c].skill for c in offered}
    general = [i for i in range(n) if i >= n_specialists] or list(range(n))
    for skill in sorted(needed):
        holders = [i for i in range(n) if skill in skills[i]]
        for i in general:
            if len(holders) >= min(2, len(general)):
                break
            if i not in holders:
                skills[i].add(skill)
                if skill in ("electrical", "mechanical"):
                    skills[i].add("diagnostics")
                holders.append(i)
    techs = []
    # A later shift covers the evening: a third of the team, half when the store opens for 10.5 h or more.
    late_every = 2 if p.close_minute - p.open_minute >= 630 else 3
    for i, level in enumerate(levels):
        late = i % late_every == late_every - 1
        if late:
            start, end = max(p.open_minute, p.close_minute - SHIFT_MINUTES), p.close_minute
        else:
            start, end = p.open_minute, min(p.close_minute, p.open_minute + SHIFT_MINUTES)
        lunch = 690 if i % 2 == 0 and not late else 750  # 11:30 or 12:30, staggered
        lunch = min(max(lunch, start + 120), end - 120)
        # Flat-rate (standard) times are generous: a level-3 technician beats them by about 10 %.
        speed = round(max(0.6, (0.8 + 0.1 * level) * math.exp(rng.gauss(0.0, 0.05))), 3)
        techs.append(
            Technician(
                id=next_id + i,
                store_id=p.id,
                name=_name(rng),
                level=level,
                speed=speed,
                rating=int(min(100, max(0, round(rng.gauss(55 + 7 * level, 6))))),
                skills=tuple(k for k in SKILLS if k in skills[i]),
                shift_start=start,
                shift_end=end,
                lunch_start=lunch,
                lunch_end=lunch + 60,
                day_off=(p.id + i) % 7,  # rotating: colleagues rarely share a day off
            )
        )
    return techs


def build_network(
    placements: Sequence[Placement], seed: int = 20250101, params: SimParams | None = None
) -> NetworkSpec:
    """Resources of every store, deterministic for (placements, seed, params).

    Ids of bays, technicians, customers and vehicles are 1-based and unique across the network, assigned in
    store-id order. Each store's own draws come from its own stream (seed, store id); the store-to-store
    factors and bay layouts are balanced within each region and size class. So a store's resources depend on
    which stores share its region and size, but not on the order of `placements`.
    """
    params = params or load_params()
    ordered = sorted(placements, key=lambda p: p.id)
    for p in ordered:
        if p.region_code not in REGION_BY_CODE or p.region_code not in params.regions:
            raise ValueError(f"store {p.id}: unknown region {p.region_code!r}")
        if p.size not in SIZE_LAYOUT:
            raise ValueError(f"store {p.id}: unknown size {p.size!r}")
        if not 0 <= p.open_minute < p.close_minute <= 1440:
            raise ValueError(f"store {p.id}: bad opening hours {p.open_minute}–{p.close_minute}")
    # Store variety is stratified per region and size, so every size class of a region averages exactly its
    # region's parameters whatever the seed or the number of stores.
    factors: dict[int, tuple[float, float, float, float]] = {}
    for code, size in itertools.product(params.regions, SIZE_LAYOUT):
        members = [p for p in ordered if p.region_code == code and p.size == size]
        if not members:
            continue
        rng = random.Random(f"{seed}/variety/{code}/{size}")
        demand = _stratified_factors(len(members), params.regions[code].demand_spread, rng)
        staff = _stratified_factors(len(members), params.store_staff_sd, rng)
        talent = _stratified_factors(len(members), 0.5, rng)
        rework = _stratified_factors(len(members), 0.35, rng)
        for i, p in enumerate(members):
            factors[p.id] = (demand[i], staff[i], math.log(talent[i]) / 0.5, rework[i])

    # Pass 1: bays and staffing targets; pass 2 rounds staffing per region so its total is preserved.
    layouts: dict[int, list[str]] = {}
    for code in params.regions:
        for size in SIZE_LAYOUT:
            group = [p for p in ordered if p.region_code == code and p.size == size]
            layouts.update(_layouts(group, random.Random(f"{seed}/bays/{code}/{size}")))
    raw_staff = {}
    for p in ordered:
        rp = params.regions[p.region_code]
        n_service = sum(1 for kind in layouts[p.id] if kind != "wash")
        raw_staff[p.id] = rp.techs_per_bay * n_service * factors[p.id][1]
    staff_count: dict[int, int] = {}
    for code in params.regions:
        members = [p for p in ordered if p.region_code == code]
        rounded = _stratified_round([raw_staff[p.id] for p in members], random.Random(f"{seed}/round/{code}"))
        staff_count.update({p.id: max(2, n) for p, n in zip(members, rounded, strict=True)})

    stores: list[StoreSpec] = []
    next_bay = next_tech = next_customer = 1
    for p in ordered:
        rp = params.regions[p.region_code]
        demand_f, _, talent, rework_f = factors[p.id]
        rng = random.Random(f"{seed}/store/{p.id}")
        bays = _bays(p.id, layouts[p.id], next_bay)
        next_bay += len(bays)
        kinds = {b.kind for b in bays}
        offered = offered_services(kinds)
        techs = tuple(_build_technicians(p, staff_count[p.id], kinds, offered, talent, rng, next_tech))
        next_tech += len(techs)
        demand_mean = rp.demand_per_bay * capacity_bays(bays) * demand_f
        counts = {k: sum(1 for b in bays if b.kind == k) for k in kinds}
        use = expected_part_use(offered, rp.repair_mix, counts, rp.body_mix)
        stock_par = tuple(
            (part, max(1, math.ceil(rp.stock_coverage_days * demand_mean * q))) for part, q in use.items()
        )
        # Franchise stores discount more to keep customers; direct stores hold list prices better.
        price = rp.price_level * (0.97 if p.store_type == "franchise" else 1.03)
        n_customers = max(50, round(params.customers_per_daily_vehicle * demand_mean))
        profile = StoreProfile(
            demand_mean=round(demand_mean, 3),
            demand_factor=round(demand_f, 4),
            booked_share=rp.booked_share,
            booking_spread=rp.booking_spread,
            peak_concentration=rp.peak_concentration,
            price_level=round(price, 4),
            repair_mix=rp.repair_mix,
            body_mix=rp.body_mix,
            parts_delay_minutes=rp.parts_delay_minutes,
            restock_every_days=rp.restock_every_days,
            restock_offset=p.id % rp.restock_every_days,
            rework_rate=round(rp.rework_rate * rework_f, 5),
            patience_minutes=rp.patience_minutes,
        )
        stores.append(
            StoreSpec(
                id=p.id,
                code=p.code,
                region_code=p.region_code,
                province_code=p.province_code,
                city_zh=p.city_zh,
                plate_prefix=p.plate_prefix,
                lat=p.lat,
                lon=p.lon,
                store_type=p.store_type,
                size=p.size,
                open_minute=p.open_minute,
                close_minute=p.close_minute,
                bays=bays,
                technicians=techs,
                stock_par=stock_par,
                offered=offered,
                customer_first_id=next_customer,
                customer_count=n_customers,
                profile=profile,
            )
        )
        next_customer += n_customers
    if next_customer - 1 > PLATE_SPACE:
        raise ValueError("more vehicles than distinct plates; widen the plate scheme")
    return NetworkSpec(stores=tuple(stores), params=params, seed=seed)


def plate_for(prefix: str, vehicle_id: int) -> str:
    """A plate unique across the network: an invertible scramble of the vehicle id into 2 chars + 3 digits."""
    v = (vehicle_id * 7919 + 104_729) % PLATE_SPACE
    return f"{prefix}{PLATE_CHARS[v // 34_000]}{PLATE_CHARS[(v // 1000) % 34]}{v % 1000:03d}"


def phone_for(customer_id: int) -> str:
    """A mobile number unique across the network (the last 8 digits are a bijection of the id)."""
    return (
        f"{PHONE_PREFIXES[customer_id % len(PHONE_PREFIXES)]}{(customer_id * 48_271 + 1_234_567) % 10**8:08d}"
    )


def store_customers(network: NetworkSpec, store: StoreSpec) -> Iterator[tuple[Customer, Vehicle]]:
    """The customer pool of one store with their vehicles, deterministic for the network's seed."""
    rng = random.Random(f"{network.seed}/customers/{store.id}")
    km_lat = 1.0 / 111.0
    km_lon = km_lat / max(0.2, math.cos(math.radians(store.lat)))
    for cid in range(store.customer_first_id, store.customer_first_id + store.customer_count):
        customer = Customer(
            id=cid,
            store_id=store.id,
            name=_name(rng),
            phone=phone_for(cid),
            home_lat=round(store.lat + rng.gauss(0.0, 3.0) * km_lat, 5),
            home_lon=round(store.lon + rng.gauss(0.0, 3.0) * km_lon, 5),
        )
        year = 2025 - min(11, int(rng.expovariate(1 / 3.5)))
        yield customer, Vehicle(cid, cid, plate_for(store.plate_prefix, cid), rng.choice(CAR_MODELS), year)


def iter_customers(network: NetworkSpec) -> Iterator[tuple[Customer, Vehicle]]:
    """Every customer of the network with their vehicle, in id order (for loading into the database)."""
    for store in network.stores:
        yield from store_customers(network, store)
