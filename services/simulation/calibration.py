"""Calibration: search each region's causal parameters so the simulated old world matches the targets."""

from __future__ import annotations

import argparse
import importlib
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from .demand import PEAK_MAX
from .engine import simulate_parallel
from .kpi import KpiAccumulator, Kpis
from .params import CALIBRATED_PATH, RegionParams, SimParams, load_params, params_to_json
from .resources import Placement, build_network
from .sample import NETWORK_STORE_COUNTS, sample_placements
from .targets import (
    NATIONAL_TARGET,
    OUTPUT_TOL_REL,
    TARGETS,
    UTILIZATION_TOL,
    WAIT_TOL_HOURS,
    RegionTarget,
    misses,
)

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


def _step(
    rp: RegionParams, k: Kpis, t: RegionTarget, damping: float, history: list[tuple[float, float]]
) -> RegionParams:
    """One damped move of a region's four knobs from the point (rp → k) toward the target t."""
    # Utilization rises a little less than proportionally with demand (balking, saturation).
    demand = rp.demand_per_bay * _clip((t.utilization / k.utilization) ** (1.15 * damping), 0.7, 1.4)
    # Waiting: secant on peak concentration with the slope seen so far, 3 h per unit until there are two points.
    slope = 3.0
    points = sorted(set(history), key=lambda p: abs(p[0] - rp.peak_concentration))
    if len(points) >= 2:
        (c0, w0), (c1, w1) = points[0], points[1]  # the two rounds closest to this point
        if abs(c1 - c0) > 1e-3:
            slope = _clip((w1 - w0) / (c1 - c0), 0.8, 12.0)
    peak = rp.peak_concentration + damping * (t.wait_hours - k.wait_hours) / slope
    peak = _clip(_clip(peak, rp.peak_concentration - 0.2, rp.peak_concentration + 0.2), 0.0, PEAK_MAX)
    price = rp.price_level * _clip((t.output_per_store_day / k.output_per_store_day) ** damping, 0.8, 1.25)
    techs_per_store_day = k.output_per_store_day / k.output_per_technician_day
    wanted = t.output_per_store_day / t.output_per_technician_day
    techs = rp.techs_per_bay * _clip((wanted / techs_per_store_day) ** damping, 0.8, 1.25)
    return replace(
        rp,
        demand_per_bay=round(demand, 4),
        peak_concentration=round(peak, 4),
        price_level=round(price, 4),
        techs_per_bay=round(techs, 4),
    )


def calibrate(
    placements: Sequence[Placement] | None = None,
    days: int = 90,
    seed: int = CALIBRATION_SEED,
    iterations: int = 12,
    workers: int = 2,
    start: SimParams | None = None,
    log: Callable[[str], None] = print,
    regions: Sequence[str] | None = None,
) -> tuple[SimParams, dict[str, Kpis]]:
    """Search the per-region knobs (and the national rating base); returns the best parameters found and the
    KPIs they produce on the sample (from a final verification run).

    Run `python -m services.simulation.calibration` to rewrite calibrated.json (the engine's default). Per
    region four knobs move four KPIs, each mostly through one causal path: demand_per_bay → bay utilization,
    peak_concentration → waiting time, price_level → store output, techs_per_bay → technician output. The
    KPIs interact (more technicians also shorten the queue, a sharper peak turns customers away), so all knobs
    move together in damped fixed-point / secant rounds over the whole history with fixed seeds (common
    random numbers), which makes each round's map deterministic.

    Regions do not interact in the old world, so each keeps its own best point: a round that makes a region
    worse sends it back to its best point with half the step. `regions` limits the search to some regions
    (the others keep their parameters, and the national rating base is left alone).
    """
    placements = placements if placements is not None else default_placements()[1]
    if regions is not None:
        placements = [p for p in placements if p.region_code in regions]
    params = start or load_params()
    history: dict[str, list[tuple[float, float]]] = {code: [] for code in TARGETS}
    best: dict[str, tuple[float, RegionParams, Kpis]] = {}
    damping = dict.fromkeys(TARGETS, DAMPING)
    for it in range(iterations):
        t0 = time.perf_counter()
        kpis = run_sample(params, placements, days, seed, workers)
        regions = dict(params.regions)
        for code, t in TARGETS.items():
            k, rp = kpis.get(code), params.regions[code]
            if k is None:
                continue
            history[code].append((rp.peak_concentration, k.wait_hours))
            score = _score(k, t)
            if code not in best or score < best[code][0]:
                best[code] = (score, rp, k)
            else:
                damping[code] *= 0.5
            _, base_rp, base_k = best[code]
            regions[code] = _step(base_rp, base_k, t, damping[code], history[code])
        nat = kpis["national"]
        worst = max(b[0] for b in best.values())
        log(
            f"round {it + 1:2d}: worst region {max(_score(kpis[c], t) for c, t in TARGETS.items() if c in kpis):4.2f}"
            f" (best so far {worst:4.2f}) tolerances; national U {nat.utilization:.3f} W {nat.wait_hours:.2f} h"
            f" O ¥{nat.output_per_store_day:,.0f} CSI {nat.csi:.1f} ({time.perf_counter() - t0:.1f} s)"
        )
        csi_ok = regions is not None or abs(nat.csi - NATIONAL_TARGET["csi"]) <= 0.5
        rating_base = params.rating_base
        if regions is None:
            rating_base = round(rating_base + (NATIONAL_TARGET["csi"] - nat.csi), 3)
        if worst <= 0.3 and csi_ok:
            break
        params = replace(params, regions=regions, rating_base=rating_base)
    final = replace(
        params,
        regions={**params.regions, **{code: b[1] for code, b in best.items()}},
        rating_base=rating_base,
    )
    kpis = run_sample(final, placements, days, seed, workers)
    log(f"verification: worst region {max(_score(kpis[c], t) for c, t in TARGETS.items() if c in kpis):4.2f}")
    return final, kpis


def _score(k: Kpis, t: RegionTarget) -> float:
    """Largest deviation of a region's KPIs in units of its tolerance (1.0 = just at the edge)."""
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


DEMO_PLACEMENTS = "services.demo.placement:place_stores"


def load_placements(spec: str) -> list[Placement]:
    """'package.module:callable' returning placements, called without arguments."""
    module, _, attr = spec.partition(":")
    obj = getattr(importlib.import_module(module), attr or "placements")
    return list(obj() if callable(obj) else obj)


def default_placements() -> tuple[str, list[Placement]]:
    """(description, placements) the history is calibrated for: the demo network's 600 stores when the
    placement module is importable, else the synthetic network of sample.py with the same regional counts.

    The size mix and opening hours of the stores move regional output by double-digit percentages, so the
    parameters are only right for the network they were calibrated on.
    """
    try:
        return DEMO_PLACEMENTS, load_placements(DEMO_PLACEMENTS)
    except (ImportError, AttributeError, TypeError):  # the demo module is optional for the engine
        return "sample_placements()", list(sample_placements(NETWORK_STORE_COUNTS))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=90, help="simulated days per round (default 90, the history)")
    ap.add_argument("--iterations", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=CALIBRATION_SEED)
    ap.add_argument(
        "--placements",
        help=f"module:callable giving the placements (default: {DEMO_PLACEMENTS}, else a synthetic network)",
    )
    ap.add_argument("--out", default=str(CALIBRATED_PATH))
    ap.add_argument("--regions", help="comma-separated region codes to re-fit (default: all)")
    ap.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = ap.parse_args(argv)
    if args.placements:
        source, placements = args.placements, load_placements(args.placements)
    else:
        source, placements = default_placements()
    t0 = time.perf_counter()
    only = args.regions.split(",") if args.regions else None
    params, kpis = calibrate(placements, args.days, args.seed, args.iterations, args.workers, regions=only)
    print(report(kpis))
    meta = {
        "calibrated_on": f"{source} ({len(placements)} stores)",
        "days": args.days,
        "seed": args.seed,
        "seconds": round(time.perf_counter() - t0, 1),
        "result": (load_params().meta.get("result", {}) if only else {})  # type: ignore[dict-item]
        | {
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
