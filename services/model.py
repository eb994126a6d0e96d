"""The language of the app: frozen dataclasses, enums, domain events and domain errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


class DomainError(Exception):
    """An error with one plain sentence for the user: what is wrong and what to do."""


class ConfigError(DomainError):
    """The deployment settings are wrong (settings file, URL, keyring)."""


class DatabaseUnavailable(DomainError):
    """The database cannot be reached or refused the connection."""


class TerminalWriteRejected(DomainError):
    """The database refused a terminal write; `code` is the contract's SQLSTATE (AS404, AS409, AS422, AS423)."""

    def __init__(self, message: str, code: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


@dataclass(frozen=True, slots=True)
class StoreChanged:
    """A notification from the database: something of `kind` changed at `store_id`."""

    store_id: int
    kind: str  # workorder, booking, stock, rating, complaint, online, ...
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Resync:
    """The listener reconnected: notifications may have been lost, so re-read everything."""

    received_at: datetime


# --- what the control center shows (plain data for widgets) ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StoreStatus:
    """One store's live state for the map and the rankings. Bands are computed by the service, not the widget."""

    store_id: int
    code: str
    name_zh: str
    name_en: str
    region_code: str
    city_zh: str
    lat: float
    lon: float
    utilization: float | None  # today so far, 0..1
    wait_hours: float | None  # today so far
    vehicles_today: int
    in_workshop: int  # vehicles checked in and not yet done
    open_alerts: int
    alert_severity: str | None  # highest open: info | warning | critical
    online: bool  # terminals wrote in the last 15 minutes
    utilization_band: str  # low | normal | high | none
    wait_band: str  # short | long | very_long | none


@dataclass(frozen=True, slots=True)
class KpiTile:
    """A KPI wall tile: today's value, the change against the same weekday last week, and a sparkline."""

    key: str  # utilization, wait_hours, vehicles, output, csi, cross_store, stores_online
    title_zh: str
    title_en: str
    value: float | None
    unit: str  # "%", "h", "台", "¥", "", ...
    previous: float | None  # same weekday last week, same time of day
    sparkline: tuple[float, ...]  # last days, oldest first
    higher_is_better: bool = True

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True, slots=True)
class TrendSeries:
    """One line of a trend chart: a name and values per day."""

    key: str  # e.g. region code
    name: str
    days: tuple[date, ...]
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class AlertItem:
    id: int
    store_id: int
    store_code: str
    store_name: str
    region_code: str
    kind: str  # wait_over_threshold, utilization_low, utilization_high, rework_anomaly, complaint, terminals_silent
    severity: str  # info | warning | critical
    raised_at: datetime
    message: str
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BoardLane:
    """A row of the store's day board: a bay or a technician."""

    id: int
    kind: str  # "bay" | "technician"
    name: str
    detail: str  # bay kind, or the technician's skills


@dataclass(frozen=True, slots=True)
class BoardJob:
    """A job on the day board: on a bay lane and (for service jobs) a technician lane."""

    job_id: int
    work_order_id: int
    bay_id: int
    technician_id: int | None
    kind: str  # service | qc
    status: str  # planned | active | done | cancelled
    start: datetime
    end: datetime | None  # None while running
    label: str  # plate and main service


@dataclass(frozen=True, slots=True)
class WorkshopVehicle:
    work_order_id: int
    plate: str
    services: str
    status: str
    checked_in_at: datetime
    started_at: datetime | None
    waited_hours: float
    progress: float  # 0..1: elapsed service minutes over standard minutes, capped


@dataclass(frozen=True, slots=True)
class BookingRow:
    booking_id: int
    plate: str
    customer: str
    services: str
    slot_start: datetime
    status: str
    channel: str


@dataclass(frozen=True, slots=True)
class TechnicianState:
    technician_id: int
    name: str
    level: int
    skills: str
    state: str  # busy | idle | lunch | off
    work_order_id: int | None


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    status: str
    at: datetime
    actor: str
    source: str


@dataclass(frozen=True, slots=True)
class WorkOrderDetail:
    id: int
    store_id: int
    store_name: str
    plate: str
    customer: str
    status: str
    services: tuple[str, ...]
    amount: float
    checked_in_at: datetime
    booked_for: datetime | None
    events: tuple[TimelineEvent, ...]
    parts: tuple[tuple[str, int], ...]
    rating: int | None


# --- smart booking, dispatch and the replay (issue 4) ----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Reason:
    """One factor of a recommendation, explained in one plain line (both languages, the screen picks one).

    `factor` is a stable key (distance, wait, capability, price, skill, load, rating, ...); `points` is what the
    factor contributed to the score (higher is better) so screens can draw it.
    """

    factor: str
    points: float
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class StoreRecommendation:
    """A store that can do the work, ranked by a transparent score; `reasons` has one line per factor."""

    store_id: int
    code: str
    name_zh: str
    name_en: str
    city_zh: str
    distance_km: float
    travel_minutes: int
    earliest_start: datetime | None  # the first free slot inside the wished window, None when there is none
    predicted_wait_minutes: int  # at that start, from the store's plan and queue (not its average)
    list_price: float
    price: float  # after the off-peak discount of that slot
    discount_pct: float
    score: float  # 0..100, higher is better
    reasons: tuple[Reason, ...]
    capable: bool = True  # False: shown greyed with the reason (missing skill, bay kind or parts)


@dataclass(frozen=True, slots=True)
class SlotOffer:
    """A free slot of a store for given services: a start at which a suitable bay and technician are free."""

    store_id: int
    start: datetime
    end: datetime
    bay_id: int
    technician_id: int
    predicted_load: float  # 0..1 of the store's capacity in that hour, from its plan
    list_price: float
    price: float
    discount_pct: float
    pricing_rule: str | None  # the name of the off-peak rule that applied


@dataclass(frozen=True, slots=True)
class PricingRule:
    """An off-peak rule: slots whose predicted load is below `load_below` get `discount_pct` off, on the given
    weekdays (0 = Monday) and hours [hour_from, hour_to). The best (largest) applicable discount wins."""

    id: int | None
    name: str
    load_below: float  # 0..1
    discount_pct: float  # 0..50
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    hour_from: int = 0
    hour_to: int = 24
    active: bool = True


@dataclass(frozen=True, slots=True)
class BookingConfirmation:
    booking_id: int
    store_id: int
    start: datetime
    end: datetime
    bay_id: int
    technician_id: int
    list_price: float
    price: float
    discount_pct: float
    referral_from: int | None = None  # the referring store when the customer was referred here from another store


class SlotTaken(DomainError):
    """Someone else booked the slot a moment ago; `alternatives` are the next best free slots."""

    def __init__(self, message: str, alternatives: tuple[SlotOffer, ...] = ()) -> None:
        super().__init__(message)
        self.alternatives = alternatives


class MoveRefused(DomainError):
    """A planner's move on the board breaks a rule (bay kind, skill, shift, break, overlap)."""


@dataclass(frozen=True, slots=True)
class ScenarioKpiRow:
    """KPIs of one scope (nation or a region) under one replayed policy."""

    scenario_id: int
    policy: str
    region_code: str | None  # None = the nation
    utilization: float
    wait_hours: float
    vehicles_per_store_day: float
    output_per_store_day: float
    output_per_technician_day: float
    csi: float | None
    rework_rate: float
    cross_store_per_day: float
    cross_store_share: float
    balked: int
    work_orders: int


# --- network rebalancing and the approval inbox (issue 5) -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Proposal:
    """A move between stores proposed by a person or by the rebalancing service, before it is a request.

    kind: "parts" (part_code, qty from → to), "technician_loan" (technician_id from → to for days [loan_from,
    loan_to]), or "referral" (booking_id moved from → to). `impact` holds the estimate shown to the approver
    (e.g. {"wait_saved_min": 40, "cost_yuan": 120, "distance_km": 6.2, "shortage_jobs": 3}); `reason` is one
    plain sentence (Chinese) and `reason_en` its English.
    """

    kind: str
    from_store_id: int
    to_store_id: int
    part_code: str | None = None
    qty: int | None = None
    technician_id: int | None = None
    loan_from: date | None = None
    loan_to: date | None = None
    booking_id: int | None = None
    urgency: int = 2  # 1 urgent, 2 normal, 3 low
    impact: dict | None = None
    reason: str = ""
    reason_en: str = ""


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A transfer request as an approver (or its requester) sees it in the inbox."""

    request_id: int
    kind: str  # parts | technician_loan | referral
    status: str  # pending | approved | rejected | applied | cancelled
    from_store_id: int
    from_store: str
    to_store_id: int
    to_store: str
    summary: str  # one line: "机油滤清器 × 6：北京望京店 → 北京中关村店"
    summary_en: str
    urgency: int
    requested_by: str
    requested_at: datetime
    age_minutes: int
    inbox: str  # "region:<code>" or "hq": where it waits for a decision
    impact: dict
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_comment: str | None = None
    applied_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    details: dict


class DecisionConflict(DomainError):
    """Someone else decided the request first (or it was withdrawn): nothing was changed by this attempt."""


@dataclass(frozen=True, slots=True)
class PartsSource:
    """A nearby store that has a part the requesting store lacks."""

    store_id: int
    store_name: str
    distance_km: float
    on_hand: int
    can_spare: int  # what it can give without falling below its own need until its next delivery
    spare_days: float  # how long it could do without what it gives
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class RebalanceRunInfo:
    """One run of the national rebalancing service (whoever ran it)."""

    run_id: int
    slot: datetime  # the scheduled moment the run belongs to (one run per slot, claimed in PostgreSQL)
    trigger: str  # schedule | manual
    claimed_by: str
    started_at: datetime
    finished_at: datetime | None
    status: str  # running | done | failed
    proposals: int
    seconds: float | None
    message: str | None = None
