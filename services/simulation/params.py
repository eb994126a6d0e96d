"""Behavioural parameters of the simulated network per region, and loading the calibrated set from JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

CALIBRATED_PATH = Path(__file__).with_name("calibrated.json")
REGION_CODES: tuple[str, ...] = ("N", "NE", "E", "C", "S", "SW", "NW")
CALIBRATED_FIELDS: tuple[str, ...] = ("demand_per_bay", "peak_concentration", "price_level", "techs_per_bay")
_READ_BACK = ("rating_base", "meta", "regions")


@dataclass(frozen=True, slots=True)
class RegionParams:
    """What differs between regions in the old world: the causes of the KPI disparities.

    The first four are searched by calibration.py; the rest tell each region's story and stay as set here.
    """

    # --- calibrated ---
    demand_per_bay: float  # requests per day per capacity-equivalent service bay (→ utilization)
    peak_concentration: float  # 0 = arrivals spread over the day, 1 = almost all at opening (→ waiting)
    price_level: float  # realised price / catalog list price: discounts, labour rates (→ store output)
    techs_per_bay: float  # technicians employed per service bay (→ technician output)
    # --- fixed story parameters ---
    booked_share: float = 0.35  # share of requests booked ahead (phone, WeChat, Excel in the old world)
    booking_spread: float = 0.5  # share of bookings spread over the day; the rest cluster like walk-ins
    repair_mix: float = 1.0  # weight of electrical and mechanical repairs against maintenance
    body_mix: float = 1.0  # weight of body and paint work (accidents: dense traffic brings more)
    stock_coverage_days: float = 4.0  # parts stocked for this many days of average use after a restock
    restock_every_days: int = 3  # regular parts delivery from the regional warehouse
    parts_delay_minutes: int = 180  # emergency delivery of a missing part
    rework_rate: float = 0.03  # chance that a fix by an average (level 3) technician fails within 30 days
    demand_spread: float = 0.28  # log-sd of store attractiveness within the region (location, reputation)
    patience_minutes: float = 450.0  # mean wait (minutes) a walk-in accepts; everyone accepts 40 % of it


@dataclass(frozen=True, slots=True)
class SimParams:
    """All parameters the engine needs: one RegionParams per region plus the network-wide constants."""

    regions: dict[str, RegionParams]
    rating_base: float = 92.4  # rating of a zero-wait visit by an average technician
    rating_per_wait_hour: float = 5.0  # rating points lost per hour of waiting
    rating_noise_sd: float = 7.0
    store_staff_sd: float = 0.15  # log-sd of staffing per bay between stores of a region
    customers_per_daily_vehicle: float = 20.0  # customer pool size per expected vehicle a day
    meta: dict[str, object] = field(default_factory=dict)  # provenance written by calibration


# The story of each region (DOMAIN.md, "before" picture), with the knobs of the last calibration as defaults
# (calibrated.json overrides them).
# 华东: app bookings spread over the day, dense warehouse network, evenly busy stores, more body work from dense
#       traffic; customers have alternatives nearby and walk away from a long queue; app discounts.
# 华南: fierce competition → discounts; few bookings, customers queue patiently; tight parts stock, slow trucks.
# 西北: remote, weekly parts trucks but deep stock; quiet stores; customers book and come when told.
# 东北: cold-climate repair mix (batteries, starters) lifts the ticket; lean, productive teams that plan work.
# 西南: hard to hire good technicians, more rework; 华北/华中: in between.
DEFAULT_PARAMS = SimParams(
    regions={
        "N": RegionParams(
            2.8402,
            0.7605,
            0.8455,
            0.8907,
            booked_share=0.30,
            booking_spread=0.4,
            repair_mix=0.95,
            stock_coverage_days=4.0,
            restock_every_days=3,
            parts_delay_minutes=180,
            rework_rate=0.030,
        ),
        "NE": RegionParams(
            3.2532,
            0.2172,
            0.9927,
            0.7976,
            booked_share=0.60,
            booking_spread=0.9,
            repair_mix=1.35,
            stock_coverage_days=6.0,
            restock_every_days=3,
            parts_delay_minutes=200,
            rework_rate=0.028,
        ),
        "E": RegionParams(
            7.2911,
            0.1485,
            0.7333,
            1.2835,
            booked_share=0.55,
            booking_spread=0.8,
            repair_mix=0.9,
            body_mix=1.6,
            stock_coverage_days=3.0,
            restock_every_days=2,
            parts_delay_minutes=120,
            rework_rate=0.025,
            demand_spread=0.10,
            patience_minutes=200.0,
        ),
        "C": RegionParams(
            3.1812,
            1.0726,
            1.0128,
            1.1933,
            booked_share=0.30,
            booking_spread=0.4,
            repair_mix=1.0,
            stock_coverage_days=4.0,
            restock_every_days=3,
            parts_delay_minutes=180,
            rework_rate=0.032,
        ),
        "S": RegionParams(
            4.5628,
            0.3403,
            0.7797,
            1.1451,
            booked_share=0.20,
            booking_spread=0.3,
            repair_mix=1.0,
            stock_coverage_days=2.5,
            restock_every_days=3,
            parts_delay_minutes=240,
            rework_rate=0.035,
            patience_minutes=630.0,
        ),
        "SW": RegionParams(
            3.0607,
            1.2165,
            0.9251,
            1.1408,
            booked_share=0.25,
            booking_spread=0.4,
            repair_mix=1.0,
            stock_coverage_days=5.0,
            restock_every_days=4,
            parts_delay_minutes=240,
            rework_rate=0.040,
        ),
        "NW": RegionParams(
            2.5156,
            0.5884,
            0.9198,
            0.8925,
            booked_share=0.40,
            booking_spread=0.7,
            repair_mix=1.0,
            stock_coverage_days=10.0,
            restock_every_days=7,
            parts_delay_minutes=240,
            rework_rate=0.030,
        ),
    }
)


def params_to_json(params: SimParams) -> str:
    """Serialise calibrated parameters for calibrated.json (stable key order)."""
    story_top = {f.name: getattr(params, f.name) for f in fields(SimParams) if f.name not in _READ_BACK}
    body = {
        "note": (
            "Written by `python -m services.simulation.calibration`. Only rating_base and each region's "
            "calibrated knobs are read back; 'story' records the fixed parameters they were fitted with."
        ),
        "rating_base": params.rating_base,
        "regions": {
            code: {k: getattr(params.regions[code], k) for k in CALIBRATED_FIELDS}
            for code in REGION_CODES
            if code in params.regions
        },
        "story": {
            **story_top,
            "regions": {
                code: {k: v for k, v in asdict(params.regions[code]).items() if k not in CALIBRATED_FIELDS}
                for code in REGION_CODES
                if code in params.regions
            },
        },
        "meta": params.meta,
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def params_from_json(text: str) -> SimParams:
    """Calibrated knobs (CALIBRATED_FIELDS per region, the rating base) from JSON over the story in this module.

    The file also lists the story parameters it was calibrated with, for the record; they are not read back,
    so a change of story here takes effect at once (and calls for a new calibration run).
    """
    raw = json.loads(text)
    regions = dict(DEFAULT_PARAMS.regions)
    for code, values in raw.get("regions", {}).items():
        if code in regions:
            knobs = {k: float(v) for k, v in values.items() if k in CALIBRATED_FIELDS}
            regions[code] = replace(regions[code], **knobs)
    top = {k: raw[k] for k in ("rating_base", "meta") if k in raw}
    return replace(DEFAULT_PARAMS, regions=regions, **top)


def load_params(path: Path | None = None) -> SimParams:
    """The calibrated parameters (calibrated.json next to this module), or the defaults if there is none."""
    path = path or CALIBRATED_PATH
    if not path.exists():
        return DEFAULT_PARAMS
    return params_from_json(path.read_text(encoding="utf-8"))
