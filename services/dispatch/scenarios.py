"""Deterministic store-days for tests and benchmarks (seeded): busy, scarce skill, absent after lunch, walk-in surge.

A typical store opens 8:30–18:00 with about 6 bays (3–4 lifts, an alignment bay, maybe body/paint) and 6–10
technicians of 1–3 skills on 8:00–17:30 shifts with a staggered lunch hour; a flagship (150 jobs) has about 12
bays and 14 technicians. Jobs follow the catalog's service mix (services.catalog.SERVICE_TYPES: skill, bay kind,
standard minutes), a third of them with a second service. Times are minutes since midnight; planning starts at
the opening (`now` = 8:30), when the early walk-ins are already waiting.
"""

from __future__ import annotations

import random
from dataclasses import replace

from services.catalog import SERVICE_BY_CODE

from .model import DBay, DispatchProblem, DJob, DTech

OPEN, CLOSE = 510, 1080  # 8:30–18:00
SHIFT = (480, 1050)  # 8:00–17:30
LATE_SHIFT = (570, 1080)  # 9:30–18:00 (a flagship's evening cover)
LUNCHES = ((690, 750), (750, 810))  # 11:30 or 12:30, staggered

MAIN_MIX: dict[str, float] = {
    "MAINT_MINOR": 0.36, "MAINT_MAJOR": 0.16, "TYRE": 0.09, "ALIGN": 0.05, "DIAG": 0.07,
    "ELEC": 0.07, "MECH": 0.09, "BODY": 0.06, "PAINT": 0.05,
}
# A flagship's day is mostly express service: quick maintenance and tyres.
EXPRESS_MIX: dict[str, float] = {
    "MAINT_MINOR": 0.52, "MAINT_MAJOR": 0.09, "TYRE": 0.13, "ALIGN": 0.05, "DIAG": 0.06,
    "ELEC": 0.05, "MECH": 0.04, "BODY": 0.03, "PAINT": 0.03,
}
SECOND: dict[str, tuple[str, ...]] = {
    "MAINT_MINOR": ("TYRE", "DIAG", "ALIGN"),
    "MAINT_MAJOR": ("TYRE", "ALIGN"),
    "TYRE": ("ALIGN", "MAINT_MINOR"),
    "ALIGN": ("TYRE",),
    "DIAG": ("ELEC", "MECH"),
    "ELEC": ("DIAG",),
    "MECH": ("DIAG",),
}
# Technician profiles (skills), the first ones matter most: every needed skill is held by someone.
PROFILES: tuple[frozenset[str], ...] = (
    frozenset({"maintenance", "tyres", "diagnostics"}),
    frozenset({"mechanical", "diagnostics", "maintenance"}),
    frozenset({"electrical", "diagnostics", "maintenance"}),
    frozenset({"maintenance", "tyres"}),
    frozenset({"mechanical", "maintenance", "tyres"}),
    frozenset({"maintenance"}),
    frozenset({"electrical", "diagnostics", "tyres"}),
    frozenset({"maintenance", "tyres"}),
    frozenset({"mechanical", "diagnostics"}),
    frozenset({"maintenance", "tyres", "electrical"}),
)
BODY_PAINT = frozenset({"body", "paint"})


def store_size(n_jobs: int) -> tuple[int, int]:
    """(bays, technicians) of a store that sees n_jobs a day."""
    if n_jobs <= 40:
        return 6, 6
    if n_jobs <= 60:
        return 8, 9
    if n_jobs <= 100:
        return 11, 11
    return 16, 16


def _bays(n: int) -> tuple[DBay, ...]:
    if n <= 6:
        kinds = ["lift"] * (n - 2) + ["alignment", "body"]
    elif n <= 11:
        kinds = ["lift"] * (n - 3) + ["alignment", "body", "paint"]
    else:
        kinds = ["lift"] * (n - 4) + ["alignment", "body", "body", "paint"]
    prefix = {"lift": "LF", "alignment": "AL", "body": "BD", "paint": "PT", "wash": "WS"}
    count: dict[str, int] = {}
    out = []
    for i, k in enumerate(kinds, start=1):
        count[k] = count.get(k, 0) + 1
        out.append(DBay(i, k, f"{prefix[k]}{count[k]:02d}"))
    return tuple(out)


def _techs(n: int, rng: random.Random, body_specialists: int = 1) -> tuple[DTech, ...]:
    out = []
    late_every = 3 if n >= 10 else 0
    for i in range(n):
        skills = BODY_PAINT if i < body_specialists else PROFILES[(i - body_specialists) % len(PROFILES)]
        level = rng.choice((2, 3, 3, 4, 5)) if len(skills) > 1 else rng.choice((1, 2, 3))
        late = late_every and i % late_every == late_every - 1
        shift = LATE_SHIFT if late else SHIFT
        lunch = LUNCHES[1] if late or i % 2 else LUNCHES[0]
        out.append(DTech(
            id=i + 1, skills=skills, shift=shift, breaks=(lunch,), level=level,
            rating=round(min(99.0, max(50.0, rng.gauss(62 + 6 * level, 5))), 1),
            speed=round(0.8 + 0.1 * level + rng.uniform(-0.04, 0.04), 2), name=f"T{i + 1:02d}",
        ))
    return tuple(out)


def _services(rng: random.Random, mix: dict[str, float], bay_kinds: set[str]) -> tuple[str, ...]:
    codes = [c for c in mix if SERVICE_BY_CODE[c].bay_kind in bay_kinds or SERVICE_BY_CODE[c].bay_kind == "lift"]
    main = rng.choices(codes, weights=[mix[c] for c in codes])[0]
    if main in SECOND and rng.random() < 0.3:
        return (main, rng.choice(SECOND[main]))
    return (main,)


def _job(jid: int, services: tuple[str, ...], ready: int, promised: int | None, rng: random.Random) -> DJob:
    skills = frozenset(SERVICE_BY_CODE[c].skill for c in services)
    kind = "alignment" if "ALIGN" in services else SERVICE_BY_CODE[services[0]].bay_kind
    minutes = sum(SERVICE_BY_CODE[c].std_minutes for c in services)
    minutes = max(15, round(0.8 * minutes * rng.lognormvariate(0.0, 0.2) / 5) * 5)  # flat rates are generous
    r = rng.random()
    weight = 2.0 if r < 0.03 else 1.5 if r < 0.11 else 1.0
    return DJob(jid, skills, kind, minutes, ready, promised=promised, weight=weight, label=f"J{jid:03d}")


def _arrival(rng: random.Random, surge: tuple[int, int] | None = None) -> int:
    """A walk-in's arrival: a morning peak from 7:45, then steady until 16:30."""
    if surge is not None:
        return rng.randint(*surge)
    if rng.random() < 0.45:
        return min(int(rng.triangular(465, 660, 520)), 660)
    return rng.randint(600, 990)


def _day(n_jobs: int, seed: int, kind: str, *, booked_share: float = 0.5, surge_share: float = 0.0,
         mix: dict[str, float] | None = None, n_bays: int | None = None, n_techs: int | None = None,
         techs: tuple[DTech, ...] | None = None) -> DispatchProblem:
    rng = random.Random(f"dispatch/{kind}/{n_jobs}/{seed}")
    nb, nt = store_size(n_jobs)
    bays = _bays(n_bays or nb)
    techs = techs or _techs(n_techs or nt, rng, 2 if nb >= 14 else 1)
    kinds = {b.kind for b in bays}
    mix = mix or (EXPRESS_MIX if n_jobs > 100 else MAIN_MIX)
    jobs = []
    for jid in range(1, n_jobs + 1):
        services = _services(rng, mix, kinds)
        r = rng.random()
        if r < surge_share:
            ready, promised = _arrival(rng, (570, 660)), None
        elif r < surge_share + booked_share:
            ready = rng.choice(range(OPEN, 960 + 1, 30))
            promised = ready
        else:
            ready, promised = _arrival(rng), None
        jobs.append(_job(jid, services, ready, promised, rng))
    return DispatchProblem(store_id=1000 + seed, now=OPEN, day_start=OPEN, day_end=CLOSE, bays=bays,
                           techs=techs, jobs=tuple(jobs))


def busy_day(n_jobs: int = 80, seed: int = 0) -> DispatchProblem:
    """A full day of a store sized for n_jobs (30 → 6 bays / 6 technicians, 80 → 11/11, 150 → a flagship 16/16
    on express service)."""
    return _day(n_jobs, seed, "busy")


def scarce_skill_day(n_jobs: int = 40, seed: int = 0) -> DispatchProblem:
    """Only technician 1 has diagnostics and electrical (and maintenance); a quarter of the jobs need him.

    FCFS hands him the first maintenance jobs of the morning (lowest id wins ties), so the electrical jobs
    queue behind them and some are deferred; a good plan keeps him for what only he can do.
    """
    rng = random.Random(f"dispatch/scarce-techs/{n_jobs}/{seed}")
    nb, nt = store_size(n_jobs)
    techs = [DTech(1, frozenset({"diagnostics", "electrical", "maintenance"}), SHIFT, (LUNCHES[0],), level=5,
                   rating=93.0, speed=1.0, name="T01")]
    others = (frozenset({"maintenance", "tyres"}), frozenset({"maintenance"}), frozenset({"mechanical", "maintenance"}),
              frozenset({"maintenance", "tyres"}), BODY_PAINT)
    for i in range(2, nt + 1):
        skills = others[(i - 2) % len(others)]
        level = rng.choice((2, 3, 4))
        techs.append(DTech(i, skills, SHIFT, (LUNCHES[i % 2],), level=level, rating=round(rng.gauss(80, 5), 1),
                           speed=round(0.8 + 0.1 * level, 2), name=f"T{i:02d}"))
    mix = {"MAINT_MINOR": 0.40, "MAINT_MAJOR": 0.15, "TYRE": 0.10, "DIAG": 0.12, "ELEC": 0.13, "MECH": 0.06,
           "BODY": 0.04}
    return _day(n_jobs, seed, "scarce", mix=mix, techs=tuple(techs), booked_share=0.35)


def absent_after_lunch_day(n_jobs: int = 60, seed: int = 0, absent: int = 2) -> DispatchProblem:
    """A busy day on which `absent` technicians (not the body specialist) leave at their lunch break."""
    p = _day(n_jobs, seed, "absent")
    techs = list(p.techs)
    rng = random.Random(f"dispatch/absent/{n_jobs}/{seed}")
    for i in rng.sample(range(1, len(techs)), absent):
        t = techs[i]
        leave = t.breaks[0][0] if t.breaks else (t.shift[0] + t.shift[1]) // 2
        techs[i] = replace(t, shift=(t.shift[0], leave), breaks=())
    return replace(p, techs=tuple(techs))


def walk_in_surge_day(n_jobs: int = 60, seed: int = 0) -> DispatchProblem:
    """A day on which 40 % of the customers walk in between 9:30 and 11:00 (a fleet, a rainy morning)."""
    return _day(n_jobs, seed, "surge", surge_share=0.4, booked_share=0.3)


KINDS = ("busy", "scarce_skill", "absent_after_lunch", "walk_in_surge")


def day_of_kind(kind: str, n_jobs: int, seed: int) -> DispatchProblem:
    return {
        "busy": busy_day,
        "scarce_skill": scarce_skill_day,
        "absent_after_lunch": absent_after_lunch_day,
        "walk_in_surge": walk_in_surge_day,
    }[kind](n_jobs, seed)


def mixed_days(count: int = 20, seed: int = 0, sizes: tuple[int, ...] = (30, 45, 60, 80)) -> list[
        tuple[str, DispatchProblem]]:
    """`count` varied days: the four kinds in turn, sizes drawn from `sizes`; (name, problem) pairs."""
    rng = random.Random(f"dispatch/mixed/{seed}")
    out = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        n = rng.choice(sizes)
        s = rng.randrange(1_000_000)
        out.append((f"{kind}/{n}/{s}", day_of_kind(kind, n, s)))
    return out
