"""Synthetic store placements for tests and a fallback calibration: real cities per region, the demo's mix."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

# Store counts per region in the 600-store network (the brief's split).
NETWORK_STORE_COUNTS: dict[str, int] = {"E": 150, "N": 90, "S": 100, "C": 80, "SW": 70, "NE": 50, "NW": 60}
# Size mix per region (flagship, large, small) and opening hours mirror services/demo/placement.py's 600-store
# network as written in November 2026, so a fallback calibration or test sees the same kind of network.
SIZE_MIX: dict[str, tuple[float, float, float]] = {
    "N": (0.08, 0.38, 0.54),
    "NE": (0.08, 0.32, 0.60),
    "E": (0.10, 0.40, 0.50),
    "C": (0.05, 0.24, 0.71),
    "S": (0.09, 0.46, 0.45),
    "SW": (0.07, 0.27, 0.66),
    "NW": (0.07, 0.27, 0.66),
}
SIZES = ("flagship", "large", "small")
DIRECT_SHARE = 0.4
FLAGSHIP_HOURS = (480, 1140)  # 08:00–19:00
LONG_HOURS = (480, 1110)  # 08:00–18:30, a quarter of the other stores
STANDARD_HOURS = (510, 1080)  # 08:30–18:00
LONG_HOURS_SHARE = 0.25

# (city, province code, plate prefix, lat, lon) — a handful of cities per region.
CITIES: dict[str, tuple[tuple[str, str, str, float, float], ...]] = {
    "N": (
        ("北京", "11", "京A", 39.90, 116.40),
        ("天津", "12", "津A", 39.13, 117.20),
        ("石家庄", "13", "冀A", 38.04, 114.51),
        ("太原", "14", "晋A", 37.87, 112.55),
        ("呼和浩特", "15", "蒙A", 40.84, 111.75),
    ),
    "NE": (
        ("沈阳", "21", "辽A", 41.80, 123.43),
        ("大连", "21", "辽B", 38.91, 121.61),
        ("长春", "22", "吉A", 43.82, 125.32),
        ("哈尔滨", "23", "黑A", 45.80, 126.53),
    ),
    "E": (
        ("上海", "31", "沪A", 31.23, 121.47),
        ("南京", "32", "苏A", 32.06, 118.80),
        ("苏州", "32", "苏E", 31.30, 120.58),
        ("杭州", "33", "浙A", 30.27, 120.16),
        ("宁波", "33", "浙B", 29.87, 121.54),
        ("合肥", "34", "皖A", 31.82, 117.23),
        ("福州", "35", "闽A", 26.07, 119.30),
        ("济南", "37", "鲁A", 36.65, 117.12),
        ("青岛", "37", "鲁B", 36.07, 120.38),
    ),
    "C": (
        ("郑州", "41", "豫A", 34.75, 113.62),
        ("武汉", "42", "鄂A", 30.59, 114.31),
        ("长沙", "43", "湘A", 28.23, 112.94),
        ("南昌", "36", "赣A", 28.68, 115.86),
    ),
    "S": (
        ("广州", "44", "粤A", 23.13, 113.26),
        ("深圳", "44", "粤B", 22.54, 114.06),
        ("东莞", "44", "粤S", 23.02, 113.75),
        ("南宁", "45", "桂A", 22.82, 108.37),
        ("海口", "46", "琼A", 20.04, 110.34),
    ),
    "SW": (
        ("成都", "51", "川A", 30.57, 104.07),
        ("重庆", "50", "渝A", 29.56, 106.55),
        ("昆明", "53", "云A", 25.04, 102.71),
        ("贵阳", "52", "贵A", 26.65, 106.63),
    ),
    "NW": (
        ("西安", "61", "陕A", 34.34, 108.94),
        ("兰州", "62", "甘A", 36.06, 103.83),
        ("银川", "64", "宁A", 38.49, 106.23),
        ("西宁", "63", "青A", 36.62, 101.78),
        ("乌鲁木齐", "65", "新A", 43.83, 87.62),
    ),
}


@dataclass(frozen=True, slots=True)
class SamplePlacement:
    """The attributes the simulation reads from a placement (see resources.Placement)."""

    id: int
    code: str
    region_code: str
    province_code: str
    plate_prefix: str
    city_zh: str
    lat: float
    lon: float
    store_type: str
    size: str
    open_minute: int
    close_minute: int


def _size_quota(region: str, n: int) -> list[str]:
    """Sizes for n stores in the region's SIZE_MIX proportions (largest remainder): small samples keep the mix."""
    exact = [(size, share * n) for size, share in zip(SIZES, SIZE_MIX[region], strict=True)]
    counts = {size: int(x) for size, x in exact}
    for size, _ in sorted(exact, key=lambda e: e[1] - int(e[1]), reverse=True)[: n - sum(counts.values())]:
        counts[size] += 1
    return [size for size in SIZES for _ in range(counts[size])]


def sample_placements(
    counts: Mapping[str, int] | int = NETWORK_STORE_COUNTS, seed: int = 7, first_id: int = 1
) -> list[SamplePlacement]:
    """Synthetic placements: `counts` stores per region (an int means that many in every region)."""
    if isinstance(counts, int):
        counts = {code: counts for code in CITIES}
    out: list[SamplePlacement] = []
    next_id = first_id
    for region, n in counts.items():
        rng = random.Random(f"{seed}/sample/{region}")
        sizes = _size_quota(region, n)
        rng.shuffle(sizes)
        for i, size in enumerate(sizes):
            city, prov, plate, lat, lon = CITIES[region][i % len(CITIES[region])]
            if size == "flagship":
                open_m, close_m = FLAGSHIP_HOURS
            else:
                open_m, close_m = LONG_HOURS if rng.random() < LONG_HOURS_SHARE else STANDARD_HOURS
            out.append(
                SamplePlacement(
                    id=next_id,
                    code=f"{region}{next_id:04d}",
                    region_code=region,
                    province_code=prov,
                    plate_prefix=plate,
                    city_zh=city,
                    lat=round(lat + rng.gauss(0, 0.08), 5),
                    lon=round(lon + rng.gauss(0, 0.08), 5),
                    store_type="direct" if size == "flagship" or rng.random() < DIRECT_SHARE else "franchise",
                    size=size,
                    open_minute=open_m,
                    close_minute=close_m,
                )
            )
            next_id += 1
    return out
