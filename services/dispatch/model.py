"""The plain data of a store-day dispatch problem and its plans (shared by the solver, the booking service,
the replay and the screens).

Times are int minutes on any one clock (the booking service uses minutes since the store-day's local
midnight; the simulation uses its own absolute minutes). Ids are the database ids (or the simulation's).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.model import Reason

# A job needing bay kind K may run on any bay whose kind is in BAY_ACCEPTS[K] (same rule as the SQL
# terminal.bay_accepts and the simulation).
BAY_ACCEPTS: dict[str, tuple[str, ...]] = {
    "lift": ("lift", "alignment"),
    "alignment": ("alignment",),
    "body": ("body",),
    "paint": ("paint",),
    "wash": ("wash",),
}


@dataclass(frozen=True, slots=True)
class DBay:
    id: int
    kind: str  # lift | alignment | body | paint | wash
    name: str = ""


@dataclass(frozen=True, slots=True)
class DTech:
    id: int
    skills: frozenset[str]
    shift: tuple[int, int]  # [start, end) of today's shift
    breaks: tuple[tuple[int, int], ...] = ()  # [start, end) inside the shift: no work may overlap them
    level: int = 3  # 1..5
    rating: float = 85.0  # 0..100
    speed: float = 1.0  # actual minutes = job minutes / speed
    name: str = ""


@dataclass(frozen=True, slots=True)
class DJob:
    """One job of the day: a waiting or booked vehicle, or one already in service (`started`).

    `ready` is when the customer's claim to be served starts (max(arrival, booked time)); waiting time is
    start − ready. `promised` is the start the customer was told (a booking's slot or an earlier plan), or None;
    lateness is max(0, start − promised). A started job carries its fixed (bay, technician, start) in `fixed`
    and never moves. `current` is where the plan in force has it (bay, technician, start): moving it costs
    `move_penalty` when the job was promised (minimal disruption).
    """

    id: int
    skills: frozenset[str]  # all of them needed from one technician
    bay_kind: str  # the kind of bay the job needs (see BAY_ACCEPTS)
    duration: int  # minutes for a speed-1.0 technician
    ready: int
    promised: int | None = None
    weight: float = 1.0  # customer priority (e.g. VIP, rework)
    fixed: tuple[int, int, int] | None = None  # (bay id, technician id, start) of a started job
    current: tuple[int, int, int] | None = None  # (bay id, technician id, start) in the plan in force
    label: str = ""  # plate or work order number, for screens


@dataclass(frozen=True, slots=True)
class DispatchProblem:
    """A store-day: its bays, the technicians on duty, the jobs, and the moment of planning.

    Nothing may start before `now` unless it is already started (fixed). Jobs may run past `day_end`
    (overtime) only if they start at least `last_start_margin` minutes before it; otherwise they are deferred.
    """

    store_id: int
    now: int
    day_start: int
    day_end: int
    bays: tuple[DBay, ...]
    techs: tuple[DTech, ...]
    jobs: tuple[DJob, ...]
    last_start_margin: int = 30


@dataclass(frozen=True, slots=True)
class Assignment:
    job_id: int
    bay_id: int
    tech_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Plan:
    """A dispatch result. `deferred` jobs could not fit today. Figures are over the non-deferred jobs:
    waiting = Σ weight × (start − ready) over assigned jobs, lateness = Σ weight × max(0, start − promised).
    `bound` is the solver's lower bound on `objective` when it has one (same units), else None."""

    assignments: tuple[Assignment, ...]
    deferred: tuple[int, ...]
    total_wait: float
    total_lateness: float
    objective: float
    bound: float | None = None
    status: str = ""  # greedy | fcfs | optimal | feasible | hint | cancelled | ...
    method: str = ""
    solve_seconds: float = 0.0
    moved: tuple[int, ...] = ()  # job ids whose (bay, tech, start) differs from `current`
    extras: dict[str, float] = field(default_factory=dict)

    def by_job(self) -> dict[int, Assignment]:
        return {a.job_id: a for a in self.assignments}


@dataclass(frozen=True, slots=True)
class EarlierNotice:
    """A promised job that can now start earlier: the "come earlier" notice for the customer."""

    job_id: int
    old_start: int
    new_start: int


@dataclass(frozen=True, slots=True)
class TechRecommendation:
    tech_id: int
    score: float  # higher is better, 0..100
    reasons: tuple[Reason, ...]  # one plain line per factor (skill match, current load, rating)
    earliest_start: int | None  # when this technician could start the job (with a suitable bay), or None
