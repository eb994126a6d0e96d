"""Deterministic placement of the demo network's stores in real Chinese cities, with types, hours and waves."""

from __future__ import annotations

import heapq
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TypeVar

from services.demo.geo import EARTH_RADIUS_KM, City, Province, haversine_km, load_cities, load_provinces

K = TypeVar("K")

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

# How far (whole km, 0-8) a store may sit from its city centre in each of 16 sectors of 22.5 degrees,
# clockwise from north, for the cities whose 8 km disc reaches the sea or a border (any city not listed: 8
# everywhere). Without it Shenzhen's stores land in Hong Kong, Qingdao's and Xiamen's in the sea. Derived
# offline (resources/geo/README.md) from the GLOBE 30" land mask, a hand-drawn Hong Kong / Macau boundary
# and the nearest foreign place, less a 1 km margin; keyed by geonameid of cities_cn.csv.
_SECTORS = 16
_SAFE_KM_BY_SECTOR: dict[int, str] = {
    1795565: "8885211112388888",  # 深圳
    1797929: "8884100000135458",  # 青岛
    1814087: "0024886533888881",  # 大连
    1790645: "1510000000000001",  # 厦门
    1795940: "8888000000004888",  # 汕头
    1809078: "4347888888821133",  # 海口
    1791388: "1114588888888822",  # 温州
    1799722: "8888888855568888",  # 南通
    1787093: "1000018888888864",  # 烟台
    1790437: "1000001344888888",  # 珠海
    1815251: "1148888888888888",  # 江阴
    8400694: "1122888888888888",  # 台州
    1797353: "8885688888888888",  # 泉州
    1797658: "8865568888888888",  # 晋江
    1784990: "2111223588888882",  # 湛江
    1806408: "8888838648888888",  # 阳江
    13608002: "8888644448888888",  # 奉贤
    1796556: "8888833341111188",  # 三亚
    1797063: "8888766688888888",  # 瑞安
    1886762: "8888820000002888",  # 舟山
    1791673: "2332100888875432",  # 威海
    1797595: "8888333223888888",  # 秦皇岛
    9072919: "8833223358888888",  # 日照
    2037886: "8666210001158888",  # 丹东
    1791544: "2111111168888884",  # 文昌
    1791779: "8844888888888888",  # 万宁
    1793424: "8888868888888888",  # 塘沽
    1816705: "0008888655600000",  # 北海
    1795928: "8888888811000888",  # 汕尾
    1816858: "2888888884421111",  # 东方
    1806097: "6568433888888888",  # 宁德
    6958518: "8888888888667888",  # 潭头
    1812521: "8888886678888888",  # 东海
    1807508: "8888863558888888",  # 黄冈
    2036973: "2211228888888885",  # 黑河
    1804578: "8888888888888788",  # 莱州
    1805704: "8666811388888888",  # 井岸
    1794060: "8883222888888888",  # 松城
    2034996: "8888544446888888",  # 山海关
    1805857: "8888544453223888",  # 碣石
    1805935: "8888866333588888",  # 甲子
    1814915: "8888820000111888",  # 城桥
    1798490: "8888888888822888",  # 普兰店
    1800829: "8888800000888888",  # 吴川
    1786855: "8886333588888888",  # 荣成
    1812988: "1111888888852221",  # 蓬莱
    1805334: "7883335334488888",  # 金乡
    1801722: "8885100111008888",  # 旅顺口
    2034340: "8310000028888888",  # 图们
    1914927: "5888543455454333",  # 三都
    1792087: "8888668888888888",  # 隐珠
    1795166: "8888588888888888",  # 石码
    1788461: "8888888888880033",  # 新州
    1802550: "2488888800000002",  # 龙港
    1806327: "8863211112888888",  # 江口
    1817543: "0000888810000000",  # 白马井
    2038185: "8888882100001288",  # 长白
    2035836: "8888888888543346",  # 满洲里
}

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


def place_stores(
    seed: int = 7, total: int = 600, start: date = date(2026, 6, 1)
) -> tuple[StorePlacement, ...]:
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
    _jitter_positions(drafts, rng)
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
            donor = max(
                (r for r in REGION_ORDER if counts[r] > MIN_STORES_PER_REGION), key=lambda r: counts[r]
            )
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


def _largest_remainder(quotas: dict[K, float], total: int) -> dict[K, int]:
    """Round quotas to integers summing to `total`; ties go to the key that comes first in `quotas`."""
    counts = {k: math.floor(q) for k, q in quotas.items()}
    order = sorted(quotas, key=lambda k: -(quotas[k] - counts[k]))  # stable: ties keep insertion order
    for k in order[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


def _city_rank_key(city: City) -> tuple[int, int]:
    return (-city.population, city.geonameid)


def _allocate_cities(
    region_cities: list[City], seats: int, total: int, pilots: list[City]
) -> dict[City, int]:
    """Share a region's seats among its cities by Sainte-Laguë on population**0.75, with a per-city cap."""
    counts: dict[City, int] = defaultdict(int)
    for pilot in pilots:
        counts[pilot] += 1
    provinces_here = sorted({c.province_code for c in region_cities})
    if seats >= PROVINCE_COVERAGE_FACTOR * len(provinces_here):
        for code in provinces_here:
            capital = next(
                c for c in region_cities if c.province_code == code and c.name_zh == CAPITALS_ZH[code]
            )
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


def _assign_waves(
    drafts: list[_Draft], pilots: list[City], total: int, start: date, rng: random.Random
) -> None:
    """Wave 0 is the pilots; later waves take pilot cities, direct stores and big cities first."""
    sizes = wave_sizes(total)
    pilot_ids = {p.geonameid for p in pilots}
    first = sorted((d for d in drafts if d.pilot_rank >= 0), key=lambda d: d.pilot_rank)
    rest = [d for d in drafts if d.pilot_rank < 0]
    # Like the seed's rollout, the next waves grow out of the pilot cities and the directly run stores,
    # which HQ controls, before reaching franchisees in small cities.
    rest.sort(
        key=lambda d: (
            -(
                1.5 * (d.city.geonameid in pilot_ids)
                + 1.0 * (d.store_type == "direct")
                + 0.5 * math.log10(d.city.population)
                + 1.5 * rng.random()
            )
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


def _draw_offset(city: City, flagship: bool, rng: random.Random) -> tuple[float, float]:
    """(distance km, compass bearing radians) of one store from its city centre, kept on the land side."""
    radius = _jitter_radius_km(city)
    safe = [int(ch) for ch in _SAFE_KM_BY_SECTOR.get(city.geonameid, "8" * _SECTORS)]
    # Flagships sit in the centre; other stores in the ring CENTRE_SHARE..1 of the radius, so names read
    # 中心 for flagships and 城东/城南/... for the rest.
    lo, hi = (0.0, radius * CENTRE_SHARE) if flagship else (radius * CENTRE_SHARE, radius)
    # A sector counts with the area it offers; sectors whose safe reach is 0 (open sea) are never drawn.
    reach = [min(hi, float(k)) for k in safe]
    areas = [r * r - min(lo, r / 2) ** 2 if r > 0 else 0.0 for r in reach]
    if sum(areas) == 0:
        # Only a city whose centre point itself is off the coast: keep its stores within 0.5 km.
        reach, areas = [0.5] * _SECTORS, [1.0] * _SECTORS
    sector = rng.choices(range(_SECTORS), weights=areas)[0]
    outer = reach[sector]
    inner = min(lo, outer / 2)
    # sqrt of a uniform draw over [inner², outer²] spreads stores evenly over the ring's area.
    distance = math.sqrt(rng.uniform(inner * inner, outer * outer))
    bearing = (sector + rng.random()) * 2 * math.pi / _SECTORS
    return distance, bearing


def _jitter_positions(drafts: list[_Draft], rng: random.Random) -> None:
    """Scatter each city's stores around its centre so they neither coincide nor leave the city."""
    by_city: dict[City, list[_Draft]] = defaultdict(list)
    for d in drafts:
        by_city[d.city].append(d)
    km_per_deg_lat = math.pi * EARTH_RADIUS_KM / 180
    for city in sorted(by_city, key=_city_rank_key):
        placed: list[tuple[float, float]] = []
        # Flagships first: they take the centre, and the city's other stores keep their distance from it.
        for d in sorted(by_city[city], key=lambda d: not d.flagship):
            best: tuple[float, float, float, float] | None = None
            for _ in range(40):
                distance, bearing = _draw_offset(city, d.flagship, rng)
                lat = city.lat + distance * math.cos(bearing) / km_per_deg_lat
                lon = city.lon + distance * math.sin(bearing) / (
                    km_per_deg_lat * math.cos(math.radians(city.lat))
                )
                gap = min((haversine_km(lat, lon, p[0], p[1]) for p in placed), default=math.inf)
                if best is None or gap > best[0]:
                    best = (gap, lat, lon, bearing)
                if gap >= MIN_STORE_SEPARATION_KM:
                    break
            assert best is not None  # the loop runs at least once
            _, d.lat, d.lon, bearing = best
            placed.append((d.lat, d.lon))
            d.district = "C" if d.flagship else _compass(bearing)


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
    plate = _plate_letters()
    seq: dict[tuple[int, str], int] = defaultdict(int)
    result = []
    for i, d in enumerate(drafts, start=1):
        assert d.go_live is not None  # _assign_waves dates every draft
        province = provinces[d.city.province_code]
        n = seq[(d.city.geonameid, d.district)] = seq[(d.city.geonameid, d.district)] + 1
        district_zh, district_en = _DISTRICTS[d.district]
        city_en = d.city.name_en
        city_en_label = f"{city_en} ({province.name_en})" if len(en_cities[city_en]) > 1 else city_en
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
                plate_prefix=province.short_zh + plate[d.city.geonameid],
                city_zh=d.city.name_zh,
                city_en=city_en,
                lat=round(d.lat, 6),
                lon=round(d.lon, 6),
                store_type=d.store_type,
                size=d.size,
                open_minute=d.hours[0],
                close_minute=d.hours[1],
                rollout_wave=d.wave,
                go_live_date=d.go_live,
            )
        )
    return tuple(result)


@cache
def _plate_letters() -> dict[int, str]:
    """Plate letter per city (by geonameid), the same whatever the network's size.

    As on real plates, the provincial capital is A and the next cities by population B, C ...; a town past
    the 24 letters shares the letter of the nearest lettered city of its province, the way a county shares
    its prefecture's plate.
    """
    by_province: dict[str, list[City]] = defaultdict(list)
    for c in load_cities():
        by_province[c.province_code].append(c)
    letters: dict[int, str] = {}
    for code, members in by_province.items():
        members.sort(key=lambda c: (c.name_zh != CAPITALS_ZH.get(code), *_city_rank_key(c)))
        lettered = members[: len(PLATE_LETTERS)]
        for letter, c in zip(PLATE_LETTERS, lettered, strict=False):
            letters[c.geonameid] = letter
        for c in members[len(PLATE_LETTERS) :]:
            nearest = min(lettered, key=lambda m: haversine_km(c.lat, c.lon, m.lat, m.lon))
            letters[c.geonameid] = letters[nearest.geonameid]
    return letters
