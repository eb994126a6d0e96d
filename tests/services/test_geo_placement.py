"""Shipped city/province data and the deterministic placement of the demo stores (no database, no Qt)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from services.demo.geo import City, haversine_km, load_cities, load_provinces
from services.demo.placement import (
    PILOT_CITIES_ZH,
    REGION_STORES_AT_600,
    WAVE_OFFSET_DAYS,
    StorePlacement,
    place_stores,
    region_counts,
    wave_sizes,
)

REGIONS = {"N", "NE", "E", "C", "S", "SW", "NW"}
# Mainland China's bounding box (Hainan's southern tip to Mohe, Pamirs to the Wusuli river), with a margin.
LAT_RANGE = (18.0, 53.6)
LON_RANGE = (73.4, 135.1)


@pytest.fixture(scope="module")
def stores() -> tuple[StorePlacement, ...]:
    return place_stores()


@pytest.fixture(scope="module")
def city_by_zh() -> dict[str, City]:
    return {c.name_zh: c for c in load_cities()}


def test_cities_csv_has_the_big_cities_right() -> None:
    cities = load_cities()
    assert len(cities) >= 350
    names = [c.name_zh for c in cities]
    assert len(names) == len(set(names)), "name_zh must identify a city"
    by_zh = {c.name_zh: c for c in cities}
    for zh in ("北京", "上海", "广州", "深圳", "成都", "重庆", "西安", "武汉", "沈阳", "哈尔滨", "乌鲁木齐"):
        assert zh in by_zh, zh
    beijing = by_zh["北京"]
    assert beijing.name_en == "Beijing" and beijing.province_code == "22"
    assert abs(beijing.lat - 39.9) < 0.1 and abs(beijing.lon - 116.4) < 0.1
    assert by_zh["上海"].province_code == "23" and by_zh["广州"].province_code == "30"
    assert all(LAT_RANGE[0] < c.lat < LAT_RANGE[1] and LON_RANGE[0] < c.lon < LON_RANGE[1] for c in cities)
    assert [c.population for c in cities] == sorted((c.population for c in cities), reverse=True)


def test_every_province_maps_to_one_of_the_seven_regions() -> None:
    provinces = load_provinces()
    assert len(provinces) == 31  # 22 provinces, 5 autonomous regions, 4 municipalities; no HK/Macau/Taiwan
    assert {p.region_code for p in provinces.values()} == REGIONS
    assert all(len(p.short_zh) == 1 for p in provinces.values())
    assert provinces["22"].region_code == "N" and provinces["22"].short_zh == "京"
    assert provinces["30"].name_zh == "广东省" and provinces["30"].region_code == "S"
    assert provinces["13"].name_zh == "新疆维吾尔自治区" and provinces["13"].region_code == "NW"
    assert {c.province_code for c in load_cities()} <= set(provinces)


def test_regions_agree_with_the_catalog() -> None:
    catalog = pytest.importorskip("services.catalog")
    assert set(catalog.REGION_BY_CODE) == REGIONS


def test_haversine_beijing_shanghai() -> None:
    assert haversine_km(39.9075, 116.39723, 31.22222, 121.45806) == pytest.approx(1068, abs=15)
    assert haversine_km(30.0, 120.0, 30.0, 120.0) == 0.0


def test_stores_lie_in_china_near_their_city(stores: tuple[StorePlacement, ...], city_by_zh) -> None:
    assert len(stores) == 600
    for s in stores:
        assert LAT_RANGE[0] < s.lat < LAT_RANGE[1] and LON_RANGE[0] < s.lon < LON_RANGE[1], s
        city = city_by_zh[s.city_zh]
        assert city.name_en == s.city_en and city.province_code == s.province_code
        assert haversine_km(s.lat, s.lon, city.lat, city.lon) <= 10.0, s
        assert load_provinces()[s.province_code].region_code == s.region_code
    # Jitter keeps the stores of one city apart.
    assert len({(round(s.lat, 3), round(s.lon, 3)) for s in stores}) == len(stores)


@pytest.mark.parametrize("total", [600, 70, 14])
def test_region_counts_are_exact(total: int) -> None:
    stores = place_stores(total=total)
    counts = Counter(s.region_code for s in stores)
    assert dict(counts) == region_counts(total)
    assert sum(counts.values()) == total and min(counts.values()) >= 2
    if total == 600:
        assert dict(counts) == REGION_STORES_AT_600
    if total == 70:
        assert dict(counts) == {"E": 17, "N": 11, "S": 12, "C": 9, "SW": 8, "NE": 6, "NW": 7}
    assert Counter(s.rollout_wave for s in stores) == {w: n for w, n in enumerate(wave_sizes(total)) if n}


def test_too_few_stores_is_refused() -> None:
    with pytest.raises(ValueError):
        place_stores(total=13)


def test_ids_codes_and_names_are_unique(stores: tuple[StorePlacement, ...]) -> None:
    assert [s.id for s in stores] == list(range(1, 601))
    assert [s.code for s in stores] == [f"S{i:04d}" for i in range(1, 601)]
    assert len({s.name_zh for s in stores}) == 600
    assert len({s.name_en for s in stores}) == 600
    assert all(s.name_zh.startswith(s.city_zh) and s.name_zh.endswith("店") for s in stores)


def test_deterministic_for_a_seed(stores: tuple[StorePlacement, ...]) -> None:
    assert place_stores(seed=7) == stores
    other = place_stores(seed=8)
    assert other != stores
    # The network's shape is data-driven: another seed moves stores around, not between cities.
    assert Counter(s.city_zh for s in other) == Counter(s.city_zh for s in stores)


def test_pilots_are_the_seed_flagships(stores: tuple[StorePlacement, ...]) -> None:
    pilots = [s for s in stores if s.rollout_wave == 0]
    assert [s.city_zh for s in pilots] == list(PILOT_CITIES_ZH)
    assert [s.id for s in pilots] == [1, 2, 3]
    assert all(s.size == "flagship" and s.store_type == "direct" for s in pilots)
    assert [s.plate_prefix for s in pilots] == ["京A", "沪A", "粤B"]
    assert {s.go_live_date for s in pilots} == {date(2026, 6, 1)}


def test_waves_and_go_live_dates(stores: tuple[StorePlacement, ...]) -> None:
    assert Counter(s.rollout_wave for s in stores) == {0: 3, 1: 27, 2: 70, 3: 200, 4: 200, 5: 100}
    start = date(2026, 6, 1)
    for s in stores:
        first = start + timedelta(days=WAVE_OFFSET_DAYS[s.rollout_wave])
        assert first <= s.go_live_date < first + timedelta(days=14), s
    # ids follow the rollout
    assert [s.rollout_wave for s in stores] == sorted(s.rollout_wave for s in stores)
    later = place_stores(start=date(2027, 1, 4))
    assert later[0].go_live_date == date(2027, 1, 4)


def test_mix_of_sizes_types_and_hours(stores: tuple[StorePlacement, ...]) -> None:
    sizes = Counter(s.size for s in stores)
    assert sizes == {"flagship": 48, "large": 210, "small": 342}
    types = Counter(s.store_type for s in stores)
    assert types == {"direct": 240, "franchise": 360}
    assert all(s.store_type == "direct" for s in stores if s.size == "flagship")
    for s in stores:
        if s.size == "flagship":
            assert (s.open_minute, s.close_minute) == (480, 1140)
        else:
            assert (s.open_minute, s.close_minute) in {(510, 1080), (480, 1110)}
    standard = sum((s.open_minute, s.close_minute) == (510, 1080) for s in stores)
    assert standard > 300  # most stores keep the usual 08:30-18:00
    # Flagships are in the largest cities.
    cities = load_cities()
    top = {c.name_zh for c in cities[:80]}
    assert all(s.city_zh in top for s in stores if s.size == "flagship")


def test_big_cities_get_several_stores(stores: tuple[StorePlacement, ...]) -> None:
    per_city = Counter(s.city_zh for s in stores)
    for zh in ("北京", "上海", "广州", "深圳", "成都"):
        assert 8 <= per_city[zh] <= 15, (zh, per_city[zh])
    # Every province has at least one store at 600.
    assert {s.province_code for s in stores} == set(load_provinces())
    beijing = [s for s in stores if s.city_zh == "北京"]
    assert all(s.region_code == "N" and s.plate_prefix.startswith("京") for s in beijing)
    assert all(abs(s.lat - 39.9) < 0.1 and abs(s.lon - 116.4) < 0.11 for s in beijing)


def test_plate_prefixes(stores: tuple[StorePlacement, ...]) -> None:
    provinces = load_provinces()
    for s in stores:
        assert s.plate_prefix[0] == provinces[s.province_code].short_zh
        assert len(s.plate_prefix) == 2 and s.plate_prefix[1] in "ABCDEFGHJKLMNPQRSTUVWXYZ"
    capitals = {s.city_zh: s.plate_prefix for s in stores if s.city_zh in ("广州", "成都", "西安")}
    assert capitals == {"广州": "粤A", "成都": "川A", "西安": "陕A"}
