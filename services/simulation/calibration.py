"""Calibration: search each region's causal parameters so the simulated old world matches the targets.

Run `python -m services.simulation.calibration` to rewrite calibrated.json (the engine's default parameters).
Per region four knobs move four KPIs, each mostly through one causal path:
  demand_per_bay → bay utilization, peak_concentration → waiting time,
  price_level → store output, techs_per_bay → technician output.
The KPIs interact (more technicians also shorten the queue, a sharper peak turns customers away), so all knobs
are updated together for a few damped fixed-point / secant rounds on a fixed sample with common random
numbers, which makes each round's map deterministic.
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from .engine import simulate_parallel
from .kpi import Kpis, KpiAccumulator
from .params import CALIBRATED_PATH, SimParams, load_params, params_to_json
from .resources import Placement, build_network
from .sample import NETWORK_STORE_COUNTS, sample_placements
from .targets import CSI_RANGE, NATIONAL_TARGET, TARGETS, misses

CALIBRATION_START = date(2025, 1, 6)  # a Monday; any full weeks will do
CALIBRATION_SEED = 4242
DAMPING = 0.8


def run_sample(
    params: SimParams,
    placements: Sequence[Placement],
    days: int,
    seed: int,
    workers: int = 2,
    start_date: date = CALIBRATION_START,
) -> dict[str, Kpis]:
    """Regional and national KPIs of the old world for these placements and parameters."""
    network = build_network(placements, seed=seed, params=params)
    acc = KpiAccumulator({s.id: s.region_code for s in network.stores})
    for chunk in simulate_parallel(network, days, start_date, seed=seed, workers=workers, chunk_stores=20):
        for result in chunk:
            acc.add(result)
    return acc.by_region()


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def calibrate(
    placements: Sequence[Placement] | None = None,
    days: int = 28,
    seed: int = CALIBRATION_SEED,
    iterations: int = 16,
    workers: int = 2,
    start: SimParams | None = None,
    log: Callable[[str], None] = print,
) -> tuple[SimParams, dict[str, Kpis]]:
    """Search the per-region knobs (and the national rating base) and return the parameters and final KPIs."""
    placements = placements if placements is not None else sample_placements(NETWORK_STORE_COUNTS)
    params = start or load_params()
    history: dict[str, list[tuple[float, float]]] = {code: [] for code in params.regions}
    kpis: dict[str, Kpis] = {}
    for it in range(iterations):
        t0 = time.perf_counter()
        kpis = run_sample(params, placements, days, seed, workers)
        worst = 0.0
        regions = dict(params.regions)
        for code, rp in params.regions.items():
            k, t = kpis.get(code), TARGETS[code]
            if k is None:
                continue
            worst = max(worst, _score(k, t))
            # Utilization rises a little less than proportionally with demand (balking, saturation).
            demand = rp.demand_per_bay * _clip((t.utilization / k.utilization) ** (1.15 * DAMPING), 0.7, 1.4)
            # Waiting: secant on peak concentration with the slope of the last two rounds, default 3 h/unit.
            hist = history[code]
            hist.append((rp.peak_concentration, k.wait_hours))
            slope = 3.0
            if len(hist) >= 2:
                (c0, w0), (c1, w1) = hist[-2], hist[-1]
                if abs(c1 - c0) > 1e-3:
                    slope = _clip((w1 - w0) / (c1 - c0), 0.8, 12.0)
            peak = _clip(rp.peak_concentration + DAMPING * (t.wait_hours - k.wait_hours) / slope, 0.0, 1.0)
            peak = _clip(peak, rp.peak_concentration - 0.2, rp.peak_concentration + 0.2)
            price = rp.price_level * _clip((t.output_per_store_day / k.output_per_store_day) ** DAMPING, 0.8, 1.25)
            techs_per_store_day = k.output_per_store_day / k.output_per_technician_day
            wanted = t.output_per_store_day / t.output_per_technician_day
            techs = rp.techs_per_bay * _clip((wanted / techs_per_store_day) ** DAMPING, 0.8, 1.25)
            regions[code] = replace(
                rp,
                demand_per_bay=round(demand, 4),
                peak_concentration=round(peak, 4),
                price_level=round(price, 4),
                techs_per_bay=round(techs, 4),
            )
        nat = kpis["national"]
        base = params.rating_base + DAMPING * (NATIONAL_TARGET["csi"] - nat.csi)
        log(
            f"round {it + 1:2d}: worst miss {worst:4.2f} tolerances, national U {nat.utilization:.3f} "
            f"W {nat.wait_hours:.2f} h O ¥{nat.output_per_store_day:,.0f} CSI {nat.csi:.1f} "
            f"({time.perf_counter() - t0:.1f} s)"
        )
        if worst <= 0.5 and CSI_RANGE[0] + 1 <= nat.csi <= CSI_RANGE[1] - 1:
            break
        params = replace(params, regions=regions, rating_base=round(base, 3))
    return params, kpis


def _score(k: Kpis, t: object) -> float:
    """Largest deviation of a region's KPIs in units of its tolerance (1.0 = just at the edge)."""
    from .targets import OUTPUT_TOL_REL, UTILIZATION_TOL, WAIT_TOL_HOURS, RegionTarget

    assert isinstance(t, RegionTarget)
    return max(
        abs(k.utilization - t.utilization) / UTILIZATION_TOL,
        abs(k.wait_hours - t.wait_hours) / WAIT_TOL_HOURS,
        abs(k.output_per_store_day / t.output_per_store_day - 1) / OUTPUT_TOL_REL,
        abs(k.output_per_technician_day / t.output_per_technician_day - 1) / OUTPUT_TOL_REL,
    )


def report(kpis: dict[str, Kpis]) -> str:
    """A table of simulated KPIs against the targets."""
    lines = [
        "region  util (target)   wait h (target)  store ¥/day (target)   tech ¥/day (target)   CSI   vehicles/day",
    ]
    for code, k in kpis.items():
        t = TARGETS.get(code)
        if t is None:
            lines.append(
                f"{code:8s}{k.utilization:5.1%}           {k.wait_hours:4.2f}             "
                f"{k.output_per_store_day:7,.0f}                 {k.output_per_technician_day:6,.0f}"
                f"                {k.csi:5.1f}  {k.vehicles_per_store_day:5.1f}"
            )
            continue
        flag = "" if not misses(k, t) else "  ← " + "; ".join(misses(k, t))
        lines.append(
            f"{code:8s}{k.utilization:5.1%} ({t.utilization:.0%})    {k.wait_hours:4.2f} ({t.wait_hours:.1f})      "
            f"{k.output_per_store_day:7,.0f} ({t.output_per_store_day:,})      "
            f"{k.output_per_technician_day:6,.0f} ({t.output_per_technician_day:,})       {k.csi:5.1f}  "
            f"{k.vehicles_per_store_day:5.1f}{flag}"
        )
    return "\n".join(lines)


def _load_placements(spec: str) -> Sequence[Placement]:
    """'package.module:callable' returning placements (e.g. the demo placement module)."""
    module, _, attr = spec.partition(":")
    obj = getattr(importlib.import_module(module), attr or "placements")
    return list(obj() if callable(obj) else obj)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=28, help="simulated days per round (default 28)")
    ap.add_argument("--iterations", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=CALIBRATION_SEED)
    ap.add_argument(
        "--placements", help="module:callable giving the real placements (default: synthetic 600-store network)"
    )
    ap.add_argument("--out", default=str(CALIBRATED_PATH))
    ap.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = ap.parse_args(argv)
    placements = _load_placements(args.placements) if args.placements else None
    t0 = time.perf_counter()
    params, kpis = calibrate(placements, args.days, args.seed, args.iterations, args.workers)
    print(report(kpis))
    meta = {
        "calibrated_on": args.placements or f"sample_placements({sum(NETWORK_STORE_COUNTS.values())} stores)",
        "days": args.days,
        "seed": args.seed,
        "seconds": round(time.perf_counter() - t0, 1),
        "result": {
            code: {
                "utilization": round(k.utilization, 4),
                "wait_hours": round(k.wait_hours, 3),
                "output_per_store_day": round(k.output_per_store_day),
                "output_per_technician_day": round(k.output_per_technician_day),
                "csi": round(k.csi, 2) if not math.isnan(k.csi) else None,
            }
            for code, k in kpis.items()
        },
    }
    params = replace(params, meta=meta)
    if not args.dry_run:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(params_to_json(params))
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
