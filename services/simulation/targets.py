"""The "before" picture the simulated history must reproduce, per region, and the tolerances."""

from __future__ import annotations

from dataclasses import dataclass

from .kpi import Kpis


@dataclass(frozen=True, slots=True)
class RegionTarget:
    code: str
    utilization: float
    wait_hours: float
    output_per_store_day: float  # ¥
    output_per_technician_day: float  # ¥
    stores: int  # stores of the region in the 600-store network


TARGETS: dict[str, RegionTarget] = {
    t.code: t
    for t in (
        RegionTarget("N", 0.38, 1.4, 13_500, 2_900, 90),
        RegionTarget("NE", 0.42, 1.2, 17_000, 4_200, 50),
        RegionTarget("E", 0.78, 2.0, 25_000, 3_600, 150),
        RegionTarget("C", 0.45, 1.6, 16_000, 2_900, 80),
        RegionTarget("S", 0.56, 2.8, 19_500, 3_100, 100),
        RegionTarget("SW", 0.42, 1.7, 14_500, 2_600, 70),
        RegionTarget("NW", 0.35, 0.9, 12_000, 2_800, 60),
    )
}
NATIONAL_TARGET = {"utilization": 0.52, "wait_hours": 1.8, "output_per_store_day": 18_000, "csi": 82.0}
UTILIZATION_TOL = 0.03  # ± absolute (3 points)
WAIT_TOL_HOURS = 0.2
OUTPUT_TOL_REL = 0.10  # ± relative, for store and technician output
CSI_RANGE = (80.0, 84.0)  # national


def misses(k: Kpis, t: RegionTarget, scale: float = 1.0) -> list[str]:
    """Human-readable list of KPIs outside the tolerances (scaled by `scale`); empty when all are in."""
    out = []
    if abs(k.utilization - t.utilization) > UTILIZATION_TOL * scale:
        out.append(f"utilization {k.utilization:.3f} vs {t.utilization:.2f}")
    if abs(k.wait_hours - t.wait_hours) > WAIT_TOL_HOURS * scale:
        out.append(f"wait {k.wait_hours:.2f} h vs {t.wait_hours:.1f}")
    if abs(k.output_per_store_day / t.output_per_store_day - 1) > OUTPUT_TOL_REL * scale:
        out.append(f"store output {k.output_per_store_day:,.0f} vs {t.output_per_store_day:,}")
    if abs(k.output_per_technician_day / t.output_per_technician_day - 1) > OUTPUT_TOL_REL * scale:
        out.append(f"technician output {k.output_per_technician_day:,.0f} vs {t.output_per_technician_day:,}")
    return out
