"""Compact immutable records that flow through the simulation: demand requests, work orders, store-days."""

from __future__ import annotations

from typing import NamedTuple

# NamedTuples rather than frozen dataclasses: a frozen dataclass pays object.__setattr__ per field on
# construction, and a history holds ~1.4 million work orders. All times are int minutes (see timebase.py).


class Request(NamedTuple):
    """One customer's need for service on one day: the demand that every policy replays unchanged.

    The random draws that belong to the customer or the vehicle (how long the job really takes, how patient
    the customer is, whether they rate, the noise of their rating, whether the fix holds) are drawn with the
    demand, so a replay under another policy faces exactly the same customers ("common random numbers").
    """

    request_id: int  # becomes the work order's wo_id when served
    requested_store_id: int  # the store the customer first asked for: the nearest one in the old world
    customer_id: int
    vehicle_id: int
    day: int
    arrival: int  # minute the customer would arrive at the store
    booked: bool
    booking_created_at: int | None
    booked_for: int | None
    services: tuple[str, ...]  # service type codes (catalog.SERVICE_TYPES), first one is the main job
    parts: tuple[tuple[str, int], ...]  # (part code, quantity) the job consumes
    list_amount: int  # ¥ at catalog list prices; 0 for rework (the repeat of a fix is free)
    work_factor: float  # actual / standard minutes for a speed-1.0 technician (lognormal, mean ≈ 1)
    qc_minutes: int
    pickup_delay: int  # minutes from done to the customer collecting the car
    patience: int  # walk-in leaves if the expected wait (minutes) is longer than this
    rates: bool  # does this customer leave a rating (~60 %)
    rating_noise: float
    rework_u: float  # uniform draw: the fix fails if below the serving store's rework probability
    rework_days: int  # days until the failed fix brings the car back
    complaint_u: float  # uniform draw compared with the complaint probability after the visit
    rework_of: int | None  # wo_id of the failed work order this request repeats


class WorkOrder(NamedTuple):
    """A served request: who, where, on which bay and technician, when each step happened, and the outcome."""

    wo_id: int
    store_id: int  # the store that served it
    requested_store_id: int
    customer_id: int
    vehicle_id: int
    booked: bool
    booking_created_at: int | None
    booked_for: int | None
    checked_in_at: int
    started_at: int
    finished_at: int  # service end: the technician is free again
    qc_done_at: int  # quality check done = work order done (完工)
    delivered_at: int  # customer collected and paid (交车结算)
    bay_id: int
    qc_bay_id: int  # wash/QC bay where the check ran, or bay_id when it ran on the service bay
    technician_id: int
    services: tuple[str, ...]
    amount: int  # ¥ charged
    parts: tuple[tuple[str, int], ...]
    parts_delayed_until: int | None  # minute the missing parts arrived, when the job waited for them
    rating: int | None  # 0–100, None when the customer did not rate
    complaint: bool
    rework_of: int | None


class StoreDay(NamedTuple):
    """Per store and day: the denominators of the KPIs and what did not become a work order."""

    store_id: int
    day: int
    open_bay_minutes: int  # bays × opening minutes
    occupied_bay_minutes: int  # occupied minutes clipped to opening hours (overtime does not count)
    technicians_on_duty: int
    checkins: int
    balked: int  # walk-ins who left without service because the queue was too long
    parts_shortages: int  # check-ins that found a needed part out of stock
    carried_over: int  # checked-in vehicles still waiting at the end of the day (dropped after the last day)


class StoreResult(NamedTuple):
    """Everything one store produced over the simulated days."""

    store_id: int
    work_orders: tuple[WorkOrder, ...]
    store_days: tuple[StoreDay, ...]


class Transfer(NamedTuple):
    """A move proposed by a policy between stores (the old world proposes none)."""

    kind: str  # catalog.TRANSFER_KINDS: "parts" | "technician_loan" | "referral"
    from_store_id: int
    to_store_id: int
    part_code: str | None = None
    qty: int = 0
    technician_id: int | None = None
    request_id: int | None = None
