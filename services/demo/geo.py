"""Real Chinese cities and provinces (GeoNames data shipped in resources/geo) and great-circle distance."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# services/demo/geo.py -> repository root -> resources/geo; the data ships beside the code, not in a package.
GEO_DIR = Path(__file__).resolve().parents[2] / "resources" / "geo"
CITIES_CSV = GEO_DIR / "cities_cn.csv"
PROVINCES_CSV = GEO_DIR / "provinces_cn.csv"

# Mean Earth radius (IUGG); the spherical model is within 0.5% of the ellipsoid, plenty for store distances.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class City:
    geonameid: int
    name_en: str
    name_zh: str
    province_code: str  # GeoNames admin1 code for CN, e.g. "22" = Beijing
    lat: float
    lon: float
    population: int


@dataclass(frozen=True, slots=True)
class Province:
    code: str  # GeoNames admin1 code for CN
    name_zh: str  # 北京市, 广东省, 新疆维吾尔自治区 ...
    short_zh: str  # licence-plate prefix character: 京, 粤, 新 ...
    name_en: str
    region_code: str  # N, NE, E, C, S, SW, NW (services.catalog.REGIONS)


@cache
def load_cities() -> tuple[City, ...]:
    """All shipped cities, most populous first (the CSV's order)."""
    with CITIES_CSV.open(encoding="utf-8", newline="") as f:
        return tuple(
            City(
                geonameid=int(row["geonameid"]),
                name_en=row["name_en"],
                name_zh=row["name_zh"],
                # Codes are zero-padded strings ("01"); keep them as text so "01" never becomes 1.
                province_code=row["province_code"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                population=int(row["population"]),
            )
            for row in csv.DictReader(f)
        )


@cache
def load_provinces() -> dict[str, Province]:
    """Mainland province-level divisions keyed by GeoNames admin1 code.

    The dict is cached and shared: treat it as read-only.
    """
    with PROVINCES_CSV.open(encoding="utf-8", newline="") as f:
        return {
            row["code"]: Province(
                code=row["code"],
                name_zh=row["name_zh"],
                short_zh=row["short_zh"],
                name_en=row["name_en"],
                region_code=row["region_code"],
            )
            for row in csv.DictReader(f)
        }


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    # min() guards asin against rounding just above 1 for antipodal points.
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
