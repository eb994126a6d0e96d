"""Deterministic placement of the demo network's stores in real Chinese cities, with types, hours and waves."""

from __future__ import annotations

import heapq
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from services.demo.geo import City, Province, haversine_km, load_cities, load_provinces

# Region order of services.catalog.REGIONS; also the tie-break order wherever regions compete for a rounding.
REGION_ORDER: tuple[str, ...] = ("N", "NE", "E", "C", "S", "SW", "NW")
# The demo network's store count per region at the seed's 600 stores (sums to 600).
REGION_STORES_AT_600: dict[str, int] = {"E": 150, "N": 90, "S": 100, "C": 80, "SW": 70, "NE": 50, "NW": 60}
MIN_STORES_PER_REGION = 2
MIN_TOTAL = MIN_STORES_PER_REGION * len(REGION_ORDER)

# Rollout (DOMAIN.md): pilots of 3, then 30, then 100 stores (cumulative), then three waves covering the other 500.
WAVE_SIZES_AT_600: tuple[int, ...] = (3, 27, 70, 200, 200, 100)
WAVE_OFFSET_DAYS: tuple[int, ...] = (0, 14, 28, 42, 56, 70)
# Stores of one wave go live over a few days, never spilling into the next wave's start.
WAVE_JITTER_DAYS = 4

# The seed's three pilot stores, one flagship each, in this order (S0001, S0002, S0003).
PILOT_CITIES_ZH: tuple[str, ...] = ("北京", "上海", "深圳")

FLAGSHIP_SHARE = 0.08
LARGE_SHARE = 0.35
DIRECT_SHARE = 0.40

# Stores per city grow sublinearly with population: GeoNames counts some entries at prefecture level
# (e.g. 吴忠 7.2 M), and a linear rule would put ~25 stores in Beijing against the seed's ~10-15.
CITY_WEIGHT_EXPONENT = 0.75
MAX_STORES_PER_CITY_AT_600 = 15
# Guarantee one store per province (at its capital) only when a region has room for it, so that a tiny
# network is not spread thin over Tibet and Qinghai.
PROVINCE_COVERAGE_FACTOR = 3

MAX_JITTER_KM = 8.0
# Inside this share of a city's jitter radius a store counts as "central" (flagships only).
CENTRE_SHARE = 0.25
MIN_STORE_SEPARATION_KM = 0.5
NEIGHBOUR_RADIUS_KM = 150.0

HOURS_FLAGSHIP = (480, 1140)  # 08:00-19:00
HOURS_LONG = (480, 1110)  # 08:00-18:30
HOURS_STANDARD = (510, 1080)  # 08:30-18:00
LONG_HOURS_SHARE = 0.25

# Provincial capitals: they carry the plate letter A and are a province's first store.
CAPITALS_ZH: dict[str, str] = {
    "01": "合肥", "02": "杭州", "03": "南昌", "04": "南京", "05": "长春", "06": "西宁", "07": "福州",
    "08": "哈尔滨", "09": "郑州", "10": "石家庄", "11": "长沙", "12": "武汉", "13": "乌鲁木齐", "14": "拉萨",
    "15": "兰州", "16": "南宁", "18": "贵阳", "19": "沈阳", "20": "呼和浩特", "21": "银川", "22": "北京",
    "23": "上海", "24": "太原", "25": "济南", "26": "西安", "28": "天津", "29": "昆明", "30": "广州",
    "31": "海口", "32": "成都", "33": "重庆",
}  # fmt: skip
# Plates skip I and O (they read as 1 and 0).
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"

_DISTRICTS: dict[str, tuple[str, str]] = {
    "N": ("城北", "North"),
    "E": ("城东", "East"),
    "S": ("城南", "South"),
    "W": ("城西", "West"),
    "C": ("中心", "Central"),
}
_ZH_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True, slots=True)
class StorePlacement:
    id: int  # 1..total
    code: str  # "S0001"
    name_zh: str  # 北京中心旗舰店, 北京城东店, 北京城东二店 ...
    name_en: str  # Beijing Central Flagship Store, Beijing East Store 2 ...
    region_code: str
    province_code: str
    plate_prefix: str  # 京A
    city_zh: str
    city_en: str
    lat: float
    lon: float
    store_type: str  # "direct" | "franchise"
    size: str  # "flagship" | "large" | "small"
    open_minute: int  # minutes after midnight
    close_minute: int
    rollout_wave: int  # 0..5
    go_live_date: date


@dataclass(slots=True)
class _Draft:
    """A store while its attributes are being decided; frozen into StorePlacement at the end."""

    city: City
    region_code: str
    flagship: bool = False
    pilot_rank: int = -1  # index in PILOT_CITIES_ZH for the wave-0 pilots
    size: str = "small"
    store_type: str = "franchise"
    hours: tuple[int, int] = HOURS_STANDARD
    wave: int = -1
    go_live: date | None = None
    lat: float = 0.0
    lon: float = 0.0
    district: str = "C"


def place_stores(seed: int = 7, total: int = 600, start: date = date(2026, 6, 1)) -> tuple[StorePlacement, ...]:
    """Place `total` stores in real cities; the same (seed, total, start) always gives the same network."""
    if total < MIN_TOTAL:
        raise ValueError(f"total must be at least {MIN_TOTAL} (2 stores per region), got {total}")
    rng = random.Random(seed)
    provinces = load_provinces()
    cities = load_cities()
    region_of_city = {c.geonameid: provinces[c.province_code].region_code for c in cities}
    by_name = {c.name_zh: c for c in cities}
    pilots = [by_name[name] for name in PILOT_CITIES_ZH]

    drafts: list[_Draft] = []
    for region, seats in region_counts(total).items():
        region_cities = [c for c in cities if region_of_city[c.geonameid] == region]
        pilot_here = [p for p in pilots if region_of_city[p.geonameid] == region]
        per_city = _allocate_cities(region_cities, seats, total, pilot_here)
        for city in sorted(per_city, key=_city_rank_key):
            drafts.extend(_Draft(city=city, region_code=region) for _ in range(per_city[city]))

    _assign_sizes(drafts, pilots, total, rng)
    _assign_types_and_hours(drafts, total, rng)
    _assign_waves(drafts, pilots, total, start, rng)
    _jitter_positions(drafts, cities, rng)
    return _freeze(drafts, provinces)


def region_counts(total: int) -> dict[str, int]:
    """Stores per region: REGION_STORES_AT_600 scaled to `total` (largest remainder), at least 2 each."""
    if total < MIN_TOTAL:
        raise ValueError(f"total must be at least {MIN_TOTAL}, got {total}")
    base = sum(REGION_STORES_AT_600.values())
    counts = _largest_remainder({r: REGION_STORES_AT_600[r] * total / base for r in REGION_ORDER}, total)
    for region in REGION_ORDER:
        while counts[region] < MIN_STORES_PER_REGION:
            # Take from the currently largest region (first in REGION_ORDER on ties) that can spare one.
            donor = max((r for r in REGION_ORDER if counts[r] > MIN_STORES_PER_REGION), key=lambda r: counts[r])
            counts[donor] -= 1
            counts[region] += 1
    return counts


def wave_sizes(total: int) -> tuple[int, ...]:
    """Stores per rollout wave: always the 3 pilots, the rest in the proportions 27:70:200:200:100."""
    pilots = WAVE_SIZES_AT_600[0]
    rest = WAVE_SIZES_AT_600[1:]
    quotas = {k: rest[k] * (total - pilots) / sum(rest) for k in range(len(rest))}
    counts = _largest_remainder(quotas, total - pilots)
    return (pilots, *(counts[k] for k in range(len(rest))))


def _largest_remainder(quotas: dict, total: int) -> dict:
    """Round quotas to integers summing to `total`; ties go to the key that comes first in `quotas`."""
    counts = {k: math.floor(q) for k, q in quotas.items()}
    order = sorted(quotas, key=lambda k: -(quotas[k] - counts[k]))  # stable: ties keep insertion order
    for k in order[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


def _city_rank_key(city: City) -> tuple[int, int]:
    return (-city.population, city.geonameid)


def _allocate_cities(region_cities: list[City], seats: int, total: int, pilots: list[City]) -> dict[City, int]:
    """Share a region's seats among its cities by Sainte-Laguë on population**0.75, with a per-city cap."""
    counts: dict[City, int] = defaultdict(int)
    for pilot in pilots:
        counts[pilot] += 1
    provinces_here = sorted({c.province_code for c in region_cities})
    if seats >= PROVINCE_COVERAGE_FACTOR * len(provinces_here):
        for code in provinces_here:
            capital = next(c for c in region_cities if c.province_code == code and c.name_zh == CAPITALS_ZH[code])
            counts[capital] = max(counts[capital], 1)
    cap = max(1, math.ceil(MAX_STORES_PER_CITY_AT_600 * total / sum(REGION_STORES_AT_600.values())))
    # Sainte-Laguë: the next seat goes to the city with the highest weight / (2n + 1); it is proportional
    # without favouring the biggest cities the way D'Hondt does.
    heap = [
        (-(c.population**CITY_WEIGHT_EXPONENT) / (2 * counts[c] + 1), *_city_rank_key(c), i)
        for i, c in enumerate(region_cities)
    ]
    heapq.heapify(heap)
    remaining = seats - sum(counts.values())
    capped: list[tuple[float, int, int, int]] = []
    while remaining > 0:
        if not heap:
            # Every city is at the cap (only possible for odd data): lift the cap rather than fail.
            heap, capped = capped, []
            heapq.heapify(heap)
            cap += 1
        entry = heapq.heappop(heap)
        city = region_cities[entry[3]]
        if counts[city] >= cap:
            capped.append(entry)
            continue
        counts[city] += 1
        remaining -= 1
        weight = city.population**CITY_WEIGHT_EXPONENT
        heapq.heappush(heap, (-weight / (2 * counts[city] + 1), *entry[1:]))
    return {c: n for c, n in counts.items() if n > 0}


def _assign_sizes(drafts: list[_Draft], pilots: list[City], total: int, rng: random.Random) -> None:
    """Pilots and one store in each of the next-largest cities are flagships; ~35% of the rest are large."""
    for rank, pilot in enumerate(pilots):
        draft = next(d for d in drafts if d.city is pilot and not d.flagship)
        draft.flagship, draft.pilot_rank = True, rank
    flagships = max(len(pilots), round(FLAGSHIP_SHARE * total))
    pilot_ids = {p.geonameid for p in pilots}
    by_size = sorted({d.city for d in drafts if d.city.geonameid not in pilot_ids}, key=_city_rank_key)
    for city in by_size[: flagships - len(pilots)]:
        next(d for d in drafts if d.city is city).flagship = True
    for d in drafts:
        if d.flagship:
            d.size = "flagship"
    # Bigger cities get more of the large stores, with noise so that small cities get some too.
    others = [d for d in drafts if not d.flagship]
    scored = sorted(others, key=lambda d: -(math.log10(d.city.population) + rng.gauss(0.0, 0.6)))
    for d in scored[: round(LARGE_SHARE * total)]:
        d.size = "large"


def _assign_types_and_hours(drafts: list[_Draft], total: int, rng: random.Random) -> None:
    """Flagships are direct; the other direct stores lean to large stores in big cities. Hours by size."""
    directs = max(sum(d.flagship for d in drafts), round(DIRECT_SHARE * total))
    others = [d for d in drafts if not d.flagship]
    scored = sorted(
        others,
        key=lambda d: -((d.size == "large") * 0.8 + 0.4 * math.log10(d.city.population) + rng.random()),
    )
    chosen = {id(d) for d in scored[: directs - (len(drafts) - len(others))]}
    for d in drafts:
        d.store_type = "direct" if d.flagship or id(d) in chosen else "franchise"
        if d.flagship:
            d.hours = HOURS_FLAGSHIP
        elif rng.random() < LONG_HOURS_SHARE:
            d.hours = HOURS_LONG
        else:
            d.hours = HOURS_STANDARD


def _assign_waves(drafts: list[_Draft], pilots: list[City], total: int, start: date, rng: random.Random) -> None:
    """Wave 0 is the pilots; later waves take pilot cities, direct stores and big cities first."""
    sizes = wave_sizes(total)
    pilot_ids = {p.geonameid for p in pilots}
    first = sorted((d for d in drafts if d.pilot_rank >= 0), key=lambda d: d.pilot_rank)
    rest = [d for d in drafts if d.pilot_rank < 0]
    # Like the seed's rollout, the next waves grow out of the pilot cities and the directly run stores,
    # which HQ controls, before reaching franchisees in small cities.
    rest.sort(
        key=lambda d: -(
            1.5 * (d.city.geonameid in pilot_ids)
            + 1.0 * (d.store_type == "direct")
            + 0.5 * math.log10(d.city.population)
            + 1.5 * rng.random()
        )
    )
    ordered = first + rest
    position = 0
    for wave, size in enumerate(sizes):
        for d in ordered[position : position + size]:
            d.wave = wave
            jitter = 0 if wave == 0 else rng.randint(0, WAVE_JITTER_DAYS)
            d.go_live = start + timedelta(days=WAVE_OFFSET_DAYS[wave] + jitter)
        position += size


def _jitter_radius_km(city: City) -> float:
    """Big cities spread their stores wider: ~3 km around a town of 0.5 M, 8 km around Beijing."""
    return min(MAX_JITTER_KM, 2.0 + 1.5 * math.sqrt(city.population / 1e6))


def _land_side(city: City, cities: tuple[City, ...]) -> tuple[float, float]:
    """(bearing, half-width) in radians of the sector to draw a store's offset from.

    A coastal or border city has all its neighbours inland, so the population-weighted mean bearing to its
    neighbours points at the land: drawing offsets around it keeps Shenzhen's stores out of Hong Kong and
    Qingdao's out of the sea. An inland city has neighbours all round, and its sector opens to a full circle.
    """
    east = north = weight_sum = 0.0
    for other in cities:
        if other is city or abs(other.lat - city.lat) > 1.5:
            continue
        d = haversine_km(city.lat, city.lon, other.lat, other.lon)
        if d == 0 or d > NEIGHBOUR_RADIUS_KM:
            continue
        b = _bearing(city.lat, city.lon, other.lat, other.lon)
        w = math.sqrt(other.population)
        east += w * math.sin(b)
        north += w * math.cos(b)
        weight_sum += w
    if weight_sum == 0:
        return 0.0, math.pi
    lopsided = math.hypot(east, north) / weight_sum  # 0 = neighbours all round, 1 = all on one side
    return math.atan2(east, north), math.pi * max(0.3, 1.0 - 1.2 * lopsided)


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial compass bearing in radians (0 = north, pi/2 = east)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    return math.atan2(math.sin(dl) * math.cos(p2), math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl))


def _jitter_positions(drafts: list[_Draft], cities: tuple[City, ...], rng: random.Random) -> None:
    """Scatter each city's stores around its centre so they neither coincide nor leave the city."""
    by_city: dict[City, list[_Draft]] = defaultdict(list)
    for d in drafts:
        by_city[d.city].append(d)
    km_per_deg_lat = math.pi * 6371.0088 / 180
    for city in sorted(by_city, key=_city_rank_key):
        radius = _jitter_radius_km(city)
        centre, half_width = _land_side(city, cities)
        placed: list[tuple[float, float]] = []
        # Flagships first: they take the centre, so the city's other stores keep their distance from it.
        for d in sorted(by_city[city], key=lambda d: not d.flagship):
            best: tuple[float, float, float, float] | None = None
            for _ in range(40):
                if d.flagship:
                    r = radius * CENTRE_SHARE * math.sqrt(rng.random())
                    b = rng.uniform(-math.pi, math.pi)
                else:
                    # sqrt of a uniform gives an even density over the ring CENTRE_SHARE..1 of the radius.
                    r = radius * math.sqrt(rng.uniform(CENTRE_SHARE**2 + 0.01, 1.0))
                    b = centre + rng.uniform(-half_width, half_width)
                north_km, east_km = r * math.cos(b), r * math.sin(b)
                lat = city.lat + north_km / km_per_deg_lat
                lon = city.lon + east_km / (km_per_deg_lat * math.cos(math.radians(city.lat)))
                gap = min((haversine_km(lat, lon, p[0], p[1]) for p in placed), default=math.inf)
                if best is None or gap > best[0]:
                    best = (gap, lat, lon, b)
                if gap >= MIN_STORE_SEPARATION_KM:
                    break
            assert best is not None
            _, d.lat, d.lon, b = best
            placed.append((d.lat, d.lon))
            d.district = "C" if d.flagship else _compass(b)


def _compass(bearing: float) -> str:
    """N/E/S/W sector of a bearing in radians."""
    deg = math.degrees(bearing) % 360
    return "NESW"[int(((deg + 45) % 360) // 90)]


def _zh_number(n: int) -> str:
    """Chinese numeral for 2..99, as in 二店, 十二店."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _ZH_DIGITS[ones]
    return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")


def _freeze(drafts: list[_Draft], provinces: dict[str, Province]) -> tuple[StorePlacement, ...]:
    """Number the stores in rollout order and give them unique names and plate prefixes."""
    region_index = {r: i for i, r in enumerate(REGION_ORDER)}
    drafts = sorted(
        drafts,
        key=lambda d: (
            d.wave,
            d.go_live,
            d.pilot_rank if d.pilot_rank >= 0 else len(PILOT_CITIES_ZH),
            region_index[d.region_code],
            *_city_rank_key(d.city),
            not d.flagship,
            d.district,
            d.lat,
        ),
    )
    # English city names repeat across provinces (two Suzhou, two Fuzhou, two Taizhou ...): say which one.
    en_cities: dict[str, set[str]] = defaultdict(set)
    for d in drafts:
        en_cities[d.city.name_en].add(d.city.province_code)
    plate = _plate_letters({d.city for d in drafts})
    seq: dict[tuple[int, str], int] = defaultdict(int)
    result = []
    for i, d in enumerate(drafts, start=1):
        province = provinces[d.city.province_code]
        n = seq[(d.city.geonameid, d.district)] = seq[(d.city.geonameid, d.district)] + 1
        district_zh, district_en = _DISTRICTS[d.district]
        city_en = d.city.name_en
        if len(en_cities[city_en]) > 1:
            city_en_label = f"{city_en} ({province.name_en})"
        else:
            city_en_label = city_en
        number_zh = _zh_number(n) if n > 1 else ""
        kind_zh, kind_en = ("旗舰店", "Flagship Store") if d.flagship else ("店", "Store")
        result.append(
            StorePlacement(
                id=i,
                code=f"S{i:04d}",
                name_zh=f"{d.city.name_zh}{district_zh}{number_zh}{kind_zh}",
                name_en=f"{city_en_label} {district_en} {kind_en}" + (f" {n}" if n > 1 else ""),
                region_code=d.region_code,
                province_code=d.city.province_code,
                plate_prefix=province.short_zh + plate[d.city],
                city_zh=d.city.name_zh,
                city_en=city_en,
                lat=round(d.lat, 6),
                lon=round(d.lon, 6),
                store_type=d.store_type,
                size=d.size,
                open_minute=d.hours[0],
                close_minute=d.hours[1],
                rollout_wave=d.wave,
                go_live_date=d.go_live,  # type: ignore[arg-type]  # set for every draft by _assign_waves
            )
        )
    return tuple(result)


def _plate_letters(store_cities: set[City]) -> dict[City, str]:
    """Plate letter per city: A for the provincial capital, then B, C ... by population, as on real plates."""
    by_province: dict[str, list[City]] = defaultdict(list)
    for c in store_cities:
        by_province[c.province_code].append(c)
    letters: dict[City, str] = {}
    for code, members in by_province.items():
        members.sort(key=lambda c: (c.name_zh != CAPITALS_ZH.get(code), *_city_rank_key(c)))
        for i, c in enumerate(members):
            # Past Z (never at 600 stores) letters repeat rather than invent a prefix.
            letters[c] = PLATE_LETTERS[i % len(PLATE_LETTERS)]
    return letters
