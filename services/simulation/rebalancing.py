"""The rebalance policy of the replay: everything of the smart one plus issue 5's network levers — overnight
parts transfers between neighbours (配件调拨), technician loans for the day (应急支援) and referrals of bookings
from an overloaded store to a neighbour the evening before (跨店推荐) — decided on the policy's load ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from .engine import loan_guest, store_km
from .policies import NetworkView
from .records import Request, Transfer
from .smart import (
    _NEVER,
    BUCKET,
    MINUTES_PER_DAY,
    SmartParams,
    SmartPolicy,
    _DayLedger,
    _shape,
    _u,
    team_capacity,
)
from .timebase import weekday_of

if TYPE_CHECKING:
    from .resources import Technician

_GROUP_SKILL = ("maintenance", "body", "paint")
WAIT_CAP = 480.0  # minutes: a predicted wait beyond a working day counts as one (nobody waits longer)
JOB_STD = 60.0  # standard minutes of an average job: turns std-minute-weighted waits into customers


_Capacity = tuple[list[list[int]], list[list[float]]]


def rebalance_params(**changes: object) -> SmartParams:
    """The rebalance policy's parameters: the smart ones with issue 5's levers on (and any changes)."""
    base = replace(SmartParams(), parts_transfers=True, loans=True, day_before_referrals=True)
    return replace(base, **changes)  # type: ignore[arg-type]


def _waits(load: list[float], cap: list[float], backlog: float, open_b: int, close_b: int) -> list[float]:
    """The ledger's fluid-queue wait per bucket (as _DayLedger.wait_curve) for another capacity."""
    w = [0.0] * len(load)
    for k in range(open_b, close_b):
        a, c = load[k], cap[k]
        if c > 0:
            w[k] = max(0.0, backlog + (a - c) / 2) * BUCKET / c
        elif backlog + a > 0:
            w[k] = _NEVER
        backlog = max(0.0, backlog + a - c)
    return w


def ledger_cost(led: _DayLedger, cap: list[list[float]] | None = None) -> tuple[float, float]:
    """(customer-hours of predicted waiting, mean predicted wait in minutes of the day's work) of a store's day
    on its ledger, with its own capacity or another (`cap`, e.g. with a technician more or less)."""
    cap = led.cap if cap is None else cap
    hours, work = 0.0, 0.0
    for g in range(3):
        load = led.load[g]
        w = _waits(load, cap[g], led.backlog0[g], led.open_b, led.close_b)
        work += led.backlog0[g]
        for k in range(led.open_b, led.close_b):
            if load[k] > 0:
                hours += load[k] / JOB_STD * min(w[k], WAIT_CAP) / 60.0
                work += load[k]
    return hours, (hours * 60.0 / (work / JOB_STD) if work > 0 else 0.0)


def load_share(led: _DayLedger, cap: list[list[float]], groups: Sequence[int]) -> float:
    """The highest share of the day's capacity its expected work takes, over the given queue groups."""
    out = 0.0
    for g in groups:
        work = led.backlog0[g] + sum(led.load[g][led.open_b : led.close_b])
        c = sum(cap[g])
        out = max(out, work / c if c > 0 else (1.0 if work > 0 else 0.0))
    return out


class RebalancePolicy(SmartPolicy):
    """The smart policy plus the network's rebalancing, decided each evening for the next day (see
    docs/replay.md, "What rebalancing adds"): parts transfers (SmartPolicy.propose_transfers with
    `parts_transfers`), then technician loans, then referrals of the next day's bookings."""

    name = "rebalance"

    def __init__(self, params: SmartParams | None = None) -> None:
        super().__init__(params or rebalance_params())
        self.loans = 0
        self.loan_gain_h = 0.0  # customer-hours of waiting the ledger expected the loans to save, net
        self.day_before = 0
        self._team: dict[int, list[Technician]] = {}  # store → today's team (loans applied)

    def propose_transfers(self, view: NetworkView) -> Sequence[Transfer]:
        out = list(super().propose_transfers(view))
        if not self._models:
            self._build_models(view)
        self._team = {}
        if self.params.loans:
            out.extend(self._plan_loans(view))
        if self.params.day_before_referrals:
            out.extend(self._refer_bookings(view))
        return out

    # --- technician loans -------------------------------------------------------------------------------

    def _team_of(self, sid: int, view: NetworkView) -> list[Technician]:
        team = self._team.get(sid)
        if team is None:
            wd = weekday_of(view.day, view.start_date)
            team = self._team[sid] = [t for t in view.network.store(sid).technicians if t.day_off != wd]
        return team

    def _plan_loans(self, view: NetworkView) -> list[Transfer]:
        """Stores whose mean predicted wait today is `loan_wait` or more receive, one at a time (at most
        `loans_max_in`), the technician of a neighbour (within `radius_km`) that saves the most customer-hours
        of waiting net of what the sender loses, at least `loan_min_gain_h`; the sender keeps `loan_keep`
        technicians and every skill it had on duty, its expected work stays within `loan_sender_load` of its
        capacity in the technician's queues, and it lends at most one. Each loan is booked into both ledgers,
        so the day's routing and slots see it."""
        p = self.params
        factor = p.capacity_factor
        ids = sorted(view.stores)
        costs = {sid: ledger_cost(self._ledger(sid, view)) for sid in ids}
        receivers = sorted((sid for sid in ids if costs[sid][1] >= p.loan_wait), key=lambda s: (-costs[s][0], s))
        lenders: set[int] = set()
        received: dict[int, int] = {}
        out: list[Transfer] = []
        for rid in receivers:
            if rid in lenders:
                continue
            rspec = view.network.store(rid)
            rled = self._ledger(rid, view)
            while received.get(rid, 0) < p.loans_max_in:
                r_hours, _ = ledger_cost(rled)
                best: tuple[float, int, Technician, Technician, _Capacity, _Capacity] | None = None
                for _, sid in self._models[rid].neighbours:
                    if sid not in view.stores or sid in lenders or sid in received:
                        continue
                    s_hours = costs[sid][0]
                    sspec = view.network.store(sid)
                    team = self._team_of(sid, view)
                    if len(team) <= p.loan_keep:
                        continue
                    skills = set().union(*(t.skills for t in team))
                    sled = self._ledger(sid, view)
                    tried: set[tuple[object, ...]] = set()
                    for tech in team:
                        key = (tech.skills, tech.speed, tech.shift_start, tech.shift_end, tech.lunch_start)
                        if key in tried:
                            continue
                        tried.add(key)
                        rest = [t for t in team if t is not tech]
                        if set().union(*(t.skills for t in rest)) != skills:
                            continue
                        guest = loan_guest(tech, sspec, rspec)
                        rcap = team_capacity(rspec, [*self._team_of(rid, view), guest], factor)
                        gain = r_hours - ledger_cost(rled, rcap[1])[0]
                        if gain <= p.loan_min_gain_h:
                            continue
                        scap = team_capacity(sspec, rest, factor)
                        groups = [g for g in range(3) if _GROUP_SKILL[g] in tech.skills]
                        if load_share(sled, scap[1], groups) > p.loan_sender_load:
                            continue
                        net = gain - (ledger_cost(sled, scap[1])[0] - s_hours)
                        if net < p.loan_min_gain_h:
                            continue
                        if best is None or net > best[0]:
                            best = (net, sid, tech, guest, rcap, scap)
                if best is None:
                    break
                net, sid, tech, guest, rcap, scap = best
                self._team[rid].append(guest)
                self._team[sid] = [t for t in self._team[sid] if t is not tech]
                for led, (servers, cap) in ((rled, rcap), (self._ledger(sid, view), scap)):
                    led.servers, led.cap = servers, cap  # new lists: the weekday's capacity stays cached as is
                    led.waits = [None, None, None]
                costs[sid] = ledger_cost(self._ledger(sid, view))
                lenders.add(sid)
                received[rid] = received.get(rid, 0) + 1
                self.loans += 1
                self.loan_gain_h += net
                out.append(Transfer("technician_loan", sid, rid, technician_id=tech.id))
        return out

    # --- referrals of tomorrow's bookings ---------------------------------------------------------------

    def _refer_bookings(self, view: NetworkView) -> list[Transfer]:
        """The evening before, an overloaded store calls the customers booked for tomorrow (bookings the
        policy made on an earlier day: the app's next-morning slots, the door's cars for tomorrow) whose slot is
        predicted to wait `offer_wait` or more, and offers the neighbour where the same slot waits least,
        travel counted both ways; `day_before_accept` agree. Rework returns and cars whose parts were ordered
        for the store stay."""
        p = self.params
        day = view.day
        base = day * MINUTES_PER_DAY
        wd = weekday_of(day, view.start_date)
        out: list[Transfer] = []
        for sid in sorted(view.stores):
            sim = view.stores[sid]
            booked = [
                r
                for r in sim.pending.get(day, ())
                if r.booked
                and r.booked_for is not None
                and r.rework_of is None
                and r.requested_store_id == sid
                and r.request_id not in sim.parts_ordered
            ]
            if not booked:
                continue
            home = self._ledger(sid, view)
            for req in sorted(booked, key=lambda r: r.request_id):
                if _u(req.request_id, 12) >= p.day_before_accept:
                    continue
                target = self._better_store(req, sid, home, view, base, wd)
                if target is None:
                    continue
                group, std, _ = _shape(req.services)
                k = (req.booked_for - base) // BUCKET
                home.add(group, k, -std)
                self._ledger(target, view).add(group, k, std)
                self.day_before += 1
                self.referrals += 1
                out.append(Transfer("referral", sid, target, request_id=req.request_id))
        return out

    def _better_store(
        self, req: Request, sid: int, home: _DayLedger, view: NetworkView, base: int, wd: int
    ) -> int | None:
        p = self.params
        group, _, skills = _shape(req.services)
        assert req.booked_for is not None
        k = (req.booked_for - base) // BUCKET
        cost_home = home.wait_curve(group)[max(k, home.open_b)]
        if cost_home < p.offer_wait:
            return None
        best, best_cost = None, cost_home - p.min_gain_minutes
        for dist, other in self._models[sid].neighbours:
            if other not in view.stores:
                continue
            m = self._model(other, view)
            if not m.can_do(wd, skills, req.services):
                continue
            led = self._ledger(other, view)
            if not led.open_b <= k < led.close_b:
                continue
            cost = led.wait_curve(group)[k] + 2 * dist / p.travel_kmh * 60.0
            if cost < best_cost:
                best, best_cost = other, cost
        return best

    def stats(self) -> dict[str, int]:
        out = super().stats()
        out.update(loans=self.loans, loan_gain_h=round(self.loan_gain_h), day_before_referrals=self.day_before)
        return out


__all__ = ["RebalancePolicy", "ledger_cost", "load_share", "rebalance_params", "store_km"]
