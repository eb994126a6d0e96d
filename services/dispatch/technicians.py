"""Technician recommendation for one job: every technician on duty ranked by skill match, load, rating and
earliest start, each factor explained in one plain line (Chinese and English)."""

from __future__ import annotations

from services.catalog import SKILL_NAMES_ZH
from services.model import DomainError, Reason

from .common import (
    Timeline,
    actual_minutes,
    base_board,
    earliest_common,
    earliest_start,
    eligible_bays,
    latest_start,
    shift_minutes,
)
from .model import Assignment, DispatchProblem, Plan, TechRecommendation

SKILL_POINTS, LOAD_POINTS, RATING_POINTS, START_POINTS = 35.0, 25.0, 20.0, 20.0
SURPLUS_COST = 5.0  # points per skill beyond the job's: keep the all-rounders free for what only they can do
START_HORIZON = 120  # minutes of waiting at which the start factor gives nothing


def _hm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def _zh(skills) -> str:
    return "、".join(SKILL_NAMES_ZH.get(s, s) for s in sorted(skills))


def _en(skills) -> str:
    names = sorted(skills)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def recommend_technicians(problem: DispatchProblem, job_id: int, plan: Plan | None = None
                          ) -> list[TechRecommendation]:
    """All technicians on duty, best first; the unqualified last with score 0 and the missing skills said.

    Load and the earliest start come from `plan` (without this job), or else from the started jobs and the
    jobs' `current` places.
    """
    job = next((j for j in problem.jobs if j.id == job_id), None)
    if job is None:
        raise DomainError(f"Job {job_id} is not on today's plan; refresh the board and try again.")
    board, fixed = base_board(problem)
    if plan is not None:
        others = [a for a in plan.assignments if a.job_id != job_id and not any(f.job_id == a.job_id for f in fixed)]
    else:
        techs = {t.id: t for t in problem.techs}
        others = [Assignment(j.id, j.current[0], j.current[1], j.current[2],
                             j.current[2] + actual_minutes(j, techs[j.current[1]]))
                  for j in problem.jobs if j.current is not None and j.fixed is None and j.id != job_id
                  and j.current[1] in techs]
    for a in others:
        board.place(a)
    load: dict[int, int] = {}
    for a in list(fixed) + others:
        if a.job_id != job_id:
            load[a.tech_id] = load.get(a.tech_id, 0) + (a.end - a.start)
    bays = eligible_bays(problem, job)
    lo, hi = earliest_start(problem, job), latest_start(problem)
    out: list[TechRecommendation] = []
    for t in problem.techs:
        if t.shift[1] <= problem.now:
            continue  # not on duty any more
        missing = job.skills - t.skills
        if missing:
            out.append(TechRecommendation(t.id, 0.0, (Reason(
                "skill", 0.0, f"技能不符：缺少{_zh(missing)}", f"Skills: lacks {_en(missing)}"),), None))
            continue
        reasons = []
        surplus = t.skills - job.skills
        pts = max(0.0, SKILL_POINTS - SURPLUS_COST * len(surplus))
        if surplus:
            reasons.append(Reason("skill", pts, f"技能匹配：{_zh(job.skills)} 全部具备；另会{_zh(surplus)}，宜留作他用",
                                  f"Skills: has {_en(job.skills)}; also {_en(surplus)}, better kept free"))
        else:
            reasons.append(Reason("skill", pts, f"技能匹配：{_zh(job.skills)} 全部具备",
                                  f"Skills: has {_en(job.skills)}"))
        share = load.get(t.id, 0) / shift_minutes(t)
        lp = LOAD_POINTS * max(0.0, 1.0 - share)
        reasons.append(Reason("load", lp, f"今日负荷：已排 {load.get(t.id, 0)} 分钟，占班次 {share:.0%}",
                              f"Load: {load.get(t.id, 0)} min planned today, {share:.0%} of the shift"))
        rp = RATING_POINTS * (0.7 * min(1.0, t.rating / 100) + 0.3 * (t.level - 1) / 4)
        reasons.append(Reason("rating", rp, f"评分 {t.rating:.0f}，{t.level} 级技师",
                              f"Rating {t.rating:.0f}, level {t.level}"))
        d = actual_minutes(job, t)
        tl: Timeline = board.techs[t.id]
        starts = [s for b in bays
                  if (s := earliest_common(max(lo, t.shift[0]), hi, d, board.bays[b.id], tl, t.shift[1])) is not None]
        first = min(starts) if starts else None
        if first is None:
            reasons.append(Reason("start", 0.0, "今天已排不下（无空闲时段或合适工位）",
                                  "Start: no free time today with a suitable bay"))
        else:
            sp = START_POINTS * max(0.0, 1.0 - (first - lo) / START_HORIZON)
            reasons.append(Reason("start", sp, f"最早 {_hm(first)} 开工（需 {d} 分钟）",
                                  f"Start: earliest at {_hm(first)} ({d} min of work)"))
        out.append(TechRecommendation(t.id, round(sum(r.points for r in reasons), 1), tuple(reasons), first))
    qualified = {r.tech_id for r in out if r.earliest_start is not None or r.score > 0}
    out.sort(key=lambda r: (r.tech_id not in qualified, -r.score,
                            r.earliest_start if r.earliest_start is not None else 1 << 30, r.tech_id))
    return out
