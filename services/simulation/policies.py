"""Policies: the pluggable decisions of the network (store choice, store-day dispatch, pricing, transfers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from .records import Request, Transfer

if TYPE_CHECKING:
    from .engine import Job, StoreSimulator, Workshop
    from .resources import NetworkSpec, StoreSpec

Assignment = tuple["Job", int, int]  # (job, index into shop.bays, index into shop.techs)


@dataclass(frozen=True, slots=True)
class NetworkView:
    """What a policy may look at when routing or proposing transfers: the network and each store's state.

    `stores[id]` is the store's StoreSimulator; read its `stock` (part → on hand), `carry` (jobs waiting from
    yesterday) and `pending` (rework returns by day). Policies must not mutate them.
    """

    network: NetworkSpec
    day: int
    start_date: date
    stores: Mapping[int, StoreSimulator]


class Dispatcher(Protocol):
    def pick(self, now: int, shop: Workshop) -> Sequence[Assignment]:
        """Jobs to start now. Each bay and technician at most once; the engine checks eligibility."""
        ...


class Policy(Protocol):
    """What a policy decides; everything else (time, resources, customers' behaviour) is the engine's and
    stays identical between policies, so the same demand replayed under two policies compares them.

        choose_store(request, view) -> store id     where a request is served (a referral when ≠ requested)
        price_factor(request, store, minute) -> x   multiplier on the store's price for a job agreed at minute
        plan_store_day(shop) -> Dispatcher          once per store and day before its first event; the engine
                                                    asks the dispatcher `pick(now, shop)` whenever a job could
                                                    start and starts the (job, bay, technician) it returns
        propose_transfers(view) -> [Transfer]       at the start of each day, before requests are routed

    Optional seams (the old policy has neither; the engine then runs exactly as without them):

        reschedule(request, store, view) -> request  after choose_store: a new booked time/arrival, or a later
                                                    day (the request joins that day's bookings at the store)
        at_door(request, now, shop, latest_start, parts_eta) -> request | None
                                                    before a car passes the advisor's check is checked in:
                                                    None = the customer leaves (balked); a later day = booked
                                                    then (missing parts ordered now, reserved for it); a later
                                                    arrival today = comes back then; else checked in with the
                                                    request's (possibly moved) booked time. `latest_start` is
                                                    the engine's last start for the job today, `parts_eta` when
                                                    its missing parts would arrive (0: all in stock)

    `stores_independent = True` promises that choose_store never looks at other stores and no transfers are
    proposed: the engine may then simulate stores separately, in parallel processes (simulate_parallel).
    A smart policy sets it False and gets the day-by-day network loop of engine.simulate(mode="network").
    """

    name: str
    stores_independent: bool

    def choose_store(self, request: Request, view: NetworkView) -> int: ...

    def price_factor(self, request: Request, store: StoreSpec, minute: int) -> float: ...

    def plan_store_day(self, shop: Workshop) -> Dispatcher: ...

    def propose_transfers(self, view: NetworkView) -> Sequence[Transfer]: ...


class FcfsDispatcher:
    """First come, first served, first fit: walk the queue in arrival order and start every job for which a
    bay of the right kind and a qualified technician on shift are free. The foreman gives it to the least
    versatile qualified technician (keeping all-rounders free), the one idle longest among equals.

    A job that cannot start (parts missing, booked time not reached, no bay of its kind) does not hold up the
    jobs behind it — the advisor simply takes the next car.
    """

    def pick(self, now: int, shop: Workshop) -> list[Assignment]:
        tech_busy, window = shop.tech_busy, shop.window
        avail = []
        for t in shop.on_duty:
            if not tech_busy[t]:
                start, lunch_start, lunch_end, end = window[t]
                if start <= now < end and not lunch_start <= now < lunch_end:
                    avail.append(t)
        if not avail:
            return []
        bay_busy, masks, idle = shop.bay_busy, shop.tech_mask, shop.tech_idle_since
        skill_counts = shop.tech_skill_count
        out: list[Assignment] = []
        taken: list[int] = []
        for job in shop.queue:
            if job.ready_at > now or job.parts_at > now:
                continue
            bay = -1
            for b in job.bays:
                if not bay_busy[b] and b not in taken:
                    bay = b
                    break
            if bay < 0:
                continue
            need, best, best_key = job.need, -1, (99, 1 << 62)
            for t in avail:
                if masks[t] & need == need:
                    key = (skill_counts[t], idle[t])
                    if key < best_key:
                        best, best_key = t, key
            if best < 0:
                continue
            out.append((job, bay, best))
            taken.append(bay)
            avail.remove(best)
            if not avail:
                break
        return out


_FCFS = FcfsDispatcher()


class OldPolicy:
    """The old way of working: customers go to the store they asked (their nearest), each store serves first
    come first served at list price less its usual discount, and stores never help each other."""

    name = "old"
    stores_independent = True

    def choose_store(self, request: Request, view: NetworkView) -> int:
        return request.requested_store_id

    def price_factor(self, request: Request, store: StoreSpec, minute: int) -> float:
        return 1.0

    def plan_store_day(self, shop: Workshop) -> Dispatcher:
        return _FCFS

    def propose_transfers(self, view: NetworkView) -> Sequence[Transfer]:
        return ()
