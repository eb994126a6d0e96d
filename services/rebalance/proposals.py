"""Turning the rebalancing's solution into Proposal objects with their impact and one plain sentence (zh/en);
the national run and one store's technician-loan proposals."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from services.model import Proposal
from services.rebalance.inputs import Conn, NetworkInputs, Params, load_inputs
from services.rebalance.model import (
    DayState,
    LoanMove,
    PartsMove,
    ReferralMove,
    Solution,
    _day_copy,
    _excess,
    _spare,
    lendable,
    lender_ok,
    needed_skill,
    solve,
    wait_of,
)

SKILL_ZH = {"maintenance": "保养", "electrical": "电气", "mechanical": "机修", "body": "钣金", "paint": "喷漆",
            "tyres": "轮胎", "diagnostics": "诊断"}
MAX_PARTS_PROPOSALS = 200  # per run, most urgent first; pending ones count as incoming in the next run


@dataclass(frozen=True, slots=True)
class RebalanceResult:
    """One national optimisation: its proposals and figures."""

    proposals: list[Proposal]
    days: tuple[date, ...]
    inputs_seconds: float
    solve_seconds: float
    overloaded_before: int
    overloaded_after: int
    excess_min_before: float
    excess_min_after: float
    steer_min: float  # referral flow with no booking to move yet (advice for the booking engine)

    def count(self, kind: str) -> int:
        return sum(1 for p in self.proposals if p.kind == kind)


def _pct(x: float) -> int:
    return round(100 * x)


def _shifted(state: DayState, minutes: float) -> DayState:
    return replace(state, capacity=max(0.0, state.capacity + minutes),
                   servers=max(0, state.servers + (1 if minutes > 0 else -1)))


def loan_impact(inputs: NetworkInputs, receiver: DayState, lender: DayState, move: LoanMove) -> dict:
    """Expected wait reduction at the receiver and the cost at the lender of one technician's day."""
    r_after, l_after = _shifted(receiver, move.minutes), _shifted(lender, -move.minutes)
    saved = max(0.0, wait_of(receiver) - wait_of(r_after))
    added = max(0.0, wait_of(l_after) - wait_of(lender))
    u_lender = lender.load / lender.capacity if lender.capacity > 0 else 0.0
    return {
        "day": move.day.isoformat(), "days": 1, "skill": move.skill, "capacity_min": move.minutes,
        "wait_saved_min": round(saved, 1), "vehicles": round(receiver.vehicles, 1),
        "wait_saved_hours_total": round(saved * receiver.vehicles / 60, 1),
        "receiver_load_pct": _pct(receiver.load / receiver.capacity) if receiver.capacity else None,
        "receiver_load_after_pct": _pct(r_after.load / r_after.capacity) if r_after.capacity else None,
        "sender_load_pct": _pct(u_lender),
        "sender_load_after_pct": _pct(l_after.load / l_after.capacity) if l_after.capacity else None,
        "sender_wait_added_min": round(added, 1),
        "cost_yuan": round(move.minutes * u_lender * inputs.yuan_per_minute),  # what he would have earned at home
        "distance_km": round(inputs.distance_km(move.from_store_id, move.to_store_id), 1),
    }


def _loan(inputs: NetworkInputs, move: LoanMove, impact: dict) -> Proposal:
    src, dst = inputs.stores[move.from_store_id], inputs.stores[move.to_store_id]
    day_zh = f"{move.day.month}月{move.day.day}日"
    lvl = f"{move.level}级" if move.level else ""
    reason = (f"{dst.name_zh}{day_zh}预计负荷{impact['receiver_load_pct']}%，借调{src.name_zh}一名{lvl}"
              f"{SKILL_ZH.get(move.skill, move.skill)}技师（{impact['distance_km']}公里），每位客户平均少等"
              f"{impact['wait_saved_min']:.0f}分钟；{src.name_zh}负荷{impact['sender_load_pct']}%→"
              f"{impact['sender_load_after_pct']}%，约少产值¥{impact['cost_yuan']}。")
    reason_en = (f"{dst.name_en} is forecast at {impact['receiver_load_pct']}% of capacity on {move.day:%d %b}; "
                 f"a {move.skill} technician{f' (level {move.level})' if move.level else ''} from {src.name_en} ({impact['distance_km']} km) saves each customer "
                 f"about {impact['wait_saved_min']:.0f} min of waiting; {src.name_en} goes from "
                 f"{impact['sender_load_pct']}% to {impact['sender_load_after_pct']}% and forgoes about "
                 f"¥{impact['cost_yuan']} of output.")
    urgency = 1 if (impact["receiver_load_pct"] or 0) >= 110 else 2
    return Proposal("technician_loan", move.from_store_id, move.to_store_id, technician_id=move.technician_id,
                    loan_from=move.day, loan_to=move.day, urgency=urgency, impact=impact, reason=reason,
                    reason_en=reason_en)


def merge_loan_days(proposals: list[Proposal]) -> list[Proposal]:
    """The same technician lent to the same store on consecutive days becomes one proposal over the days (in the
    place of its first day; the order of the list is otherwise kept)."""
    out: list[Proposal] = []
    open_: dict[tuple[int, int], int] = {}  # (technician, receiver) → index in out of its latest proposal
    for p in proposals:
        key = (p.technician_id or 0, p.to_store_id)
        i = open_.get(key) if p.kind == "technician_loan" else None
        last = out[i] if i is not None else None
        if (last is not None and last.loan_to is not None and p.loan_from == last.loan_to + timedelta(days=1)):
            imp = dict(last.impact or {})
            imp["days"] = imp.get("days", 1) + 1
            imp["wait_saved_hours_total"] = round(imp.get("wait_saved_hours_total", 0)
                                                  + (p.impact or {}).get("wait_saved_hours_total", 0), 1)
            imp["cost_yuan"] = imp.get("cost_yuan", 0) + (p.impact or {}).get("cost_yuan", 0)
            out[i] = replace(last, loan_to=p.loan_to, urgency=min(last.urgency, p.urgency), impact=imp)
            continue
        if p.kind == "technician_loan":
            open_[key] = len(out)
        out.append(p)
    return out


def _referral(inputs: NetworkInputs, sol: Solution, move: ReferralMove) -> list[Proposal]:
    src, dst = inputs.stores[move.from_store_id], inputs.stores[move.to_store_id]
    a, b = sol.before[(move.from_store_id, move.day)], sol.before[(move.to_store_id, move.day)]
    km = round(inputs.distance_km(move.from_store_id, move.to_store_id), 1)
    travel = round(inputs.travel_min(move.from_store_id, move.to_store_id))
    saved = max(0.0, wait_of(a) - wait_of(b))
    out = []
    for bk in move.bookings:
        impact = {"day": move.day.isoformat(), "minutes": bk.minutes, "services": list(bk.service_codes),
                  "wait_saved_min": round(saved, 1), "distance_km": km, "travel_min": travel,
                  "from_load_pct": _pct(a.load / a.capacity) if a.capacity else None,
                  "to_load_pct": _pct(b.load / b.capacity) if b.capacity else None}
        reason = (f"{src.name_zh}{move.day.month}月{move.day.day}日预计负荷{impact['from_load_pct']}%，这位客户改去"
                  f"{km}公里外负荷{impact['to_load_pct']}%的{dst.name_zh}，预计少等{saved:.0f}分钟。")
        reason_en = (f"{src.name_en} is forecast at {impact['from_load_pct']}% on {move.day:%d %b}; at "
                     f"{dst.name_en}, {km} km away and at {impact['to_load_pct']}%, this customer would wait "
                     f"about {saved:.0f} min less.")
        out.append(Proposal("referral", move.from_store_id, move.to_store_id, booking_id=bk.booking_id, urgency=2,
                            impact=impact, reason=reason, reason_en=reason_en))
    return out


def _parts(inputs: NetworkInputs, move: PartsMove, lines: dict) -> Proposal:
    p = inputs.params
    src, dst = lines[(move.from_store_id, move.part_id)], lines[(move.to_store_id, move.part_id)]
    code, name_zh, name_en = inputs.part_names.get(move.part_id, (src.part_code, src.part_code, src.part_code))
    have = dst.qty + dst.incoming - dst.outgoing
    cover_before = have / dst.daily_use if dst.daily_use > 0 else None
    cover_after = (have + move.qty) / dst.daily_use if dst.daily_use > 0 else None
    src_left = src.qty - src.outgoing - move.qty
    spare_days = src_left / src.daily_use if src.daily_use > 0 else None
    km = round(inputs.distance_km(move.from_store_id, move.to_store_id), 1)
    impact = {"part_code": code, "qty": move.qty, "distance_km": km, "shortage_units": dst.shortage(p),
              "dest_on_hand": dst.qty, "dest_need": dst.need(p),
              "dest_cover_days": round(cover_before, 1) if cover_before is not None else None,
              "dest_cover_days_after": round(cover_after, 1) if cover_after is not None else None,
              "source_on_hand": src.qty, "source_left": src_left,
              "source_cover_days_after": round(spare_days, 1) if spare_days is not None else None,
              "delivery_days": p.delivery_days}
    s, d = inputs.stores[move.from_store_id], inputs.stores[move.to_store_id]
    reason = (f"{d.name_zh}的{name_zh}只有{dst.qty}件，到下次到货前预计要用{dst.need(p)}件；"
              f"{km}公里外的{s.name_zh}调{move.qty}件后仍有{src_left}件。")
    reason_en = (f"{d.name_en} has {dst.qty} × {name_en} and expects to use {dst.need(p)} before its next "
                 f"delivery; {s.name_en}, {km} km away, keeps {src_left} after sending {move.qty}.")
    urgency = 1 if cover_before is not None and cover_before < 1 else 2
    return Proposal("parts", move.from_store_id, move.to_store_id, part_code=code, qty=move.qty, urgency=urgency,
                    impact=impact, reason=reason, reason_en=reason_en)


def build_proposals(inputs: NetworkInputs, sol: Solution, *, max_parts: int = MAX_PARTS_PROPOSALS) -> list[Proposal]:
    """Every move of the solution as a proposal: loans (consecutive days merged), referrals of concrete bookings,
    and the most urgent parts transfers (at most max_parts)."""
    loans = [_loan(inputs, m, loan_impact(inputs, sol.before[(m.to_store_id, m.day)],
                                          sol.before[(m.from_store_id, m.day)], m)) for m in sol.loans]
    refs = [p for m in sol.referrals for p in _referral(inputs, sol, m)]
    lines = {(ln.store_id, ln.part_id): ln for ln in inputs.stock}
    parts = [_parts(inputs, m, lines) for m in sol.parts]
    parts.sort(key=lambda p: (p.urgency, (p.impact or {}).get("dest_cover_days") or 0,
                              (p.impact or {}).get("distance_km", 0), p.to_store_id, p.part_code or ""))
    return merge_loan_days(loans) + refs + parts[:max_parts]


def national(conn: Conn, days: int | Sequence[date] | None = None, params: Params | None = None
             ) -> RebalanceResult:
    """The national rebalancing for `days` (default: tomorrow): read, solve, propose. Runs on a worker thread."""
    inputs = load_inputs(conn, days, params)
    t0 = time.perf_counter()
    sol = solve(inputs)
    proposals = build_proposals(inputs, sol)
    return RebalanceResult(proposals, inputs.days, inputs.seconds, time.perf_counter() - t0, sol.overloaded,
                           sol.overloaded_after, sol.excess_min, sol.excess_after_min, sol.steer_min)


def loan_proposals(conn: Conn, store_id: int, days: int | Sequence[date] | None = 1, *,
                   params: Params | None = None, limit: int = 5) -> list[Proposal]:
    """Technicians the store could borrow from nearby under-loaded stores on each of `days` when its forecast work
    exceeds its capacity: per day the best `limit` candidates (the needed skill, the lender staying under-loaded),
    each with the expected wait reduction at the store and the cost at the lender. Empty on days the store is not
    overloaded. Runs on a worker thread."""
    return store_loans(conn, store_id, days, params=params, limit=limit)[0]


def store_loans(conn: Conn, store_id: int, days: int | Sequence[date] | None = 1, *,
                params: Params | None = None, limit: int = 5) -> tuple[list[Proposal], float | None]:
    """loan_proposals and the store's highest forecast load over the days (share of its capacity, None when it has
    no capacity those days), from one read of the inputs — what the store page's loans tab shows."""
    p = params or Params()
    near = _near(conn, store_id, p.loan_km)
    inputs = load_inputs(conn, days, p, store_ids=[store_id, *near])
    if store_id not in inputs.stores:
        return [], None
    loads = [sd.load / sd.capacity for (sid, _day), sd in inputs.store_days.items() if sid == store_id and sd.capacity]
    return _loans(inputs, store_id, p, limit), (max(loads) if loads else None)


def _loans(inputs: NetworkInputs, store_id: int, p: Params, limit: int) -> list[Proposal]:
    out: list[Proposal] = []
    for day in inputs.days:
        d = _day_copy(inputs, day)
        if _excess(inputs, d, store_id) <= 0:
            continue
        skill = needed_skill(d, store_id, p.overload_at)
        cands: list[tuple[float, float, Proposal]] = []
        for b in inputs.neighbours(store_id, p.loan_km):
            if b not in d.load or _spare(inputs, d, b) <= 0:
                continue
            for t in lendable(inputs, d, b, skill):
                if not lender_ok(inputs, d, b, t.minutes):
                    continue
                move = LoanMove(t.technician_id, b, store_id, day, t.minutes, skill, t.skills, t.level)
                impact = loan_impact(inputs, d.state(store_id), d.state(b), move)
                cands.append((-impact["wait_saved_min"], impact["cost_yuan"] + 2 * inputs.travel_min(b, store_id),
                              _loan(inputs, move, impact)))
        cands.sort(key=lambda c: (c[0], c[1], c[2].technician_id or 0))
        per_lender: dict[int, int] = {}
        chosen = []
        for c in cands:
            if per_lender.get(c[2].from_store_id, 0) < 2 and len(chosen) < limit:
                per_lender[c[2].from_store_id] = per_lender.get(c[2].from_store_id, 0) + 1
                chosen.append(c[2])
        out.extend(chosen)
    return merge_loan_days(out)


def _near(conn: Conn, store_id: int, radius_km: float) -> list[int]:
    from services.rebalance.inputs import _rows

    rows = _rows(conn, "SELECT store_id, lat, lon FROM rebalance.stores()", {})
    here = next((r for r in rows if r[0] == store_id), None)
    if here is None:
        return []
    lat0, lon0 = math.radians(here[1]), math.radians(here[2])
    out = []
    for sid, lat, lon in rows:
        la, lo = math.radians(lat), math.radians(lon)
        a = math.sin((la - lat0) / 2) ** 2 + math.cos(la) * math.cos(lat0) * math.sin((lo - lon0) / 2) ** 2
        if sid != store_id and 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a))) <= radius_km:
            out.append(int(sid))
    return out


def proposal_names(conn: Conn, proposals: Sequence[Proposal], *store_ids: int
                   ) -> tuple[dict[int, str], dict[int, str]]:
    """(technician id → name, store id → name) for showing proposals (and the stores given); what the caller's scope
    lets them read."""
    from services.rebalance.inputs import _rows

    techs = {int(r[0]): r[1] for r in _rows(conn, "SELECT id, name FROM technician WHERE id = ANY(%(ids)s)",
                                            {"ids": [p.technician_id for p in proposals if p.technician_id]})}
    stores = {int(r[0]): r[1] for r in _rows(conn, "SELECT id, name_zh FROM store WHERE id = ANY(%(ids)s)",
                                             {"ids": sorted({p.from_store_id for p in proposals} | set(store_ids))})}
    return techs, stores
