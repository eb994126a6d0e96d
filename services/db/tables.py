"""SQLAlchemy 2 typed ORM models of the whole domain; the migrations in services/db/sql/ are the source of truth
and tests/services/test_schema.py checks that these models and the migrated database agree."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import DATERANGE, JSONB, TSTZRANGE, UUID, Range
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {
        datetime: DateTime(timezone=True),
        date: Date,
        time: Time,
        str: Text,
        int: Integer,
        float: Double,
        bool: Boolean,
        dict[str, Any]: JSONB,
    }


def _id(kind: type = Integer) -> Any:
    return mapped_column(kind, Identity(), primary_key=True)


class Region(Base):
    __tablename__ = "region"
    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(unique=True)
    name_zh: Mapped[str]
    name_en: Mapped[str]


class Store(Base):
    __tablename__ = "store"
    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(unique=True)
    name_zh: Mapped[str]
    name_en: Mapped[str]
    region_id: Mapped[int] = mapped_column(SmallInteger, ForeignKey("region.id"))
    province_code: Mapped[str]
    city_zh: Mapped[str]
    city_en: Mapped[str]
    lat: Mapped[float]
    lon: Mapped[float]
    store_type: Mapped[str]
    size: Mapped[str]
    opens_at: Mapped[time]
    closes_at: Mapped[time]
    rollout_wave: Mapped[int] = mapped_column(SmallInteger)
    go_live_date: Mapped[date]
    active: Mapped[bool] = mapped_column(server_default="true")

    region: Mapped[Region] = relationship()
    bays: Mapped[list[Bay]] = relationship(back_populates="store")
    __table_args__ = (
        CheckConstraint("opens_at < closes_at", name="store_hours_ck"),
        Index("store_region_ix", "region_id"),
    )


class Bay(Base):
    __tablename__ = "bay"
    id: Mapped[int] = _id()
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    kind: Mapped[str]
    name: Mapped[str]
    active: Mapped[bool] = mapped_column(server_default="true")
    store: Mapped[Store] = relationship(back_populates="bays")
    __table_args__ = (UniqueConstraint("store_id", "name"), Index("bay_store_ix", "store_id"))


class Technician(Base):
    __tablename__ = "technician"
    id: Mapped[int] = _id()
    home_store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    name: Mapped[str]
    skills: Mapped[list[str]] = mapped_column(ARRAY(Text))
    level: Mapped[int] = mapped_column(SmallInteger)
    rating: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    active: Mapped[bool] = mapped_column(server_default="true")
    __table_args__ = (Index("technician_store_ix", "home_store_id"),)


class Shift(Base):
    __tablename__ = "shift"
    id: Mapped[int] = _id(BigInteger)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    work_date: Mapped[date]
    period: Mapped[Range[datetime]] = mapped_column(TSTZRANGE)
    break_period: Mapped[Range[datetime] | None] = mapped_column(TSTZRANGE)
    __table_args__ = (Index("shift_store_date_ix", "store_id", "work_date"),
                      Index("shift_date_store_ix", "work_date", "store_id"))


class ServiceType(Base):
    __tablename__ = "service_type"
    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(unique=True)
    name_zh: Mapped[str]
    name_en: Mapped[str]
    skill: Mapped[str]
    bay_kind: Mapped[str]
    std_minutes: Mapped[int]
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))


class Customer(Base):
    __tablename__ = "customer"
    id: Mapped[int] = _id(BigInteger)
    name: Mapped[str]
    phone: Mapped[str | None]
    home_lat: Mapped[float | None]
    home_lon: Mapped[float | None]
    home_store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    created_at: Mapped[datetime] = mapped_column(server_default="now()")


class Vehicle(Base):
    __tablename__ = "vehicle"
    id: Mapped[int] = _id(BigInteger)
    customer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer.id"))
    plate: Mapped[str] = mapped_column(unique=True)
    model: Mapped[str]
    model_year: Mapped[int | None] = mapped_column(SmallInteger)
    __table_args__ = (Index("vehicle_customer_ix", "customer_id"),)


class Booking(Base):
    __tablename__ = "booking"
    id: Mapped[int] = _id(BigInteger)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    requested_store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    customer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer.id"))
    vehicle_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("vehicle.id"))
    channel: Mapped[str]
    service_codes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    slot: Mapped[Range[datetime]] = mapped_column(TSTZRANGE)
    status: Mapped[str] = mapped_column(server_default="booked")
    quoted_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    discount_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), server_default="0")
    created_at: Mapped[datetime] = mapped_column(server_default="now()")
    event_id: Mapped[uuid.UUID | None] = mapped_column(UUID, unique=True)
    # revision 0007: what the customer was quoted, and why
    list_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    pricing_rule: Mapped[str | None]
    predicted_load: Mapped[float | None]


class WorkOrder(Base):
    __tablename__ = "work_order"
    id: Mapped[int] = _id(BigInteger)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    requested_store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    booking_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("booking.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer.id"))
    vehicle_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("vehicle.id"))
    status: Mapped[str]
    booked_for: Mapped[datetime | None]
    checked_in_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    qc_done_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default="0")
    rework_of: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("work_order.id"))

    items: Mapped[list[WorkOrderItem]] = relationship(order_by="WorkOrderItem.line_no")
    events: Mapped[list[WorkOrderEvent]] = relationship(order_by="WorkOrderEvent.at")
    __table_args__ = (
        Index("work_order_store_checkin_ix", "store_id", "checked_in_at"),
        Index("work_order_checkin_ix", "checked_in_at"),
        Index("work_order_vehicle_ix", "vehicle_id"),
        Index("work_order_finished_ix", "finished_at"),
    )


class WorkOrderItem(Base):
    __tablename__ = "work_order_item"
    work_order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("work_order.id", ondelete="CASCADE"), primary_key=True)
    line_no: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    service_type_id: Mapped[int] = mapped_column(SmallInteger, ForeignKey("service_type.id"))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))


class WorkOrderEvent(Base):
    __tablename__ = "work_order_event"
    id: Mapped[int] = _id(BigInteger)
    work_order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_order.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    status: Mapped[str]
    at: Mapped[datetime]
    actor: Mapped[str]
    source: Mapped[str]
    event_id: Mapped[uuid.UUID | None] = mapped_column(UUID, unique=True)
    __table_args__ = (Index("work_order_event_wo_ix", "work_order_id", "at"),)


class Job(Base):
    __tablename__ = "job"
    id: Mapped[int] = _id(BigInteger)
    work_order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_order.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    bay_id: Mapped[int] = mapped_column(ForeignKey("bay.id"))
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technician.id"))
    kind: Mapped[str] = mapped_column(server_default="service")
    period: Mapped[Range[datetime]] = mapped_column(TSTZRANGE)
    status: Mapped[str]
    __table_args__ = (Index("job_work_order_ix", "work_order_id"),)


class JobArchive(Base):
    """Finished jobs before the archive horizon (see job_archive in 0001_schema.sql)."""

    __tablename__ = "job_archive"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    work_order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_order.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    bay_id: Mapped[int] = mapped_column(ForeignKey("bay.id"))
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technician.id"))
    kind: Mapped[str]
    period: Mapped[Range[datetime]] = mapped_column(TSTZRANGE)
    status: Mapped[str]
    __table_args__ = (Index("job_archive_work_order_ix", "work_order_id"),)


class JobArchiveHorizon(Base):
    __tablename__ = "job_archive_horizon"
    singleton: Mapped[bool] = mapped_column(primary_key=True, server_default="true")
    upto: Mapped[datetime]


class Part(Base):
    __tablename__ = "part"
    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(unique=True)
    name_zh: Mapped[str]
    name_en: Mapped[str]
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 2))


class Stock(Base):
    __tablename__ = "stock"
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), primary_key=True)
    part_id: Mapped[int] = mapped_column(SmallInteger, ForeignKey("part.id"), primary_key=True)
    qty: Mapped[int]
    reorder_level: Mapped[int] = mapped_column(server_default="0")
    updated_at: Mapped[datetime] = mapped_column(server_default="now()")


class PartUsage(Base):
    __tablename__ = "part_usage"
    id: Mapped[int] = _id(BigInteger)
    work_order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_order.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    part_id: Mapped[int] = mapped_column(SmallInteger, ForeignKey("part.id"))
    qty: Mapped[int]
    used_at: Mapped[datetime]
    event_id: Mapped[uuid.UUID | None] = mapped_column(UUID, unique=True)
    __table_args__ = (
        Index("part_usage_wo_ix", "work_order_id"),
        Index("part_usage_store_ix", "store_id", "used_at"),
    )


class Rating(Base):
    __tablename__ = "rating"
    work_order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("work_order.id", ondelete="CASCADE"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None]
    rated_at: Mapped[datetime]
    event_id: Mapped[uuid.UUID | None] = mapped_column(UUID, unique=True)
    __table_args__ = (Index("rating_store_ix", "store_id", "rated_at"), Index("rating_rated_ix", "rated_at"))


class Complaint(Base):
    __tablename__ = "complaint"
    id: Mapped[int] = _id(BigInteger)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    work_order_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("work_order.id", ondelete="CASCADE"))
    text: Mapped[str]
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(server_default="open")
    event_id: Mapped[uuid.UUID | None] = mapped_column(UUID, unique=True)
    __table_args__ = (Index("complaint_store_ix", "store_id", "created_at"),)


class TransferRequest(Base):
    __tablename__ = "transfer_request"
    id: Mapped[int] = _id(BigInteger)
    kind: Mapped[str]
    status: Mapped[str] = mapped_column(server_default="pending")
    from_store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    to_store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    part_id: Mapped[int | None] = mapped_column(SmallInteger, ForeignKey("part.id"))
    qty: Mapped[int | None]
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technician.id"))
    loan_days: Mapped[Range[date] | None] = mapped_column(DATERANGE)
    booking_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("booking.id"))
    impact: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    urgency: Mapped[int] = mapped_column(SmallInteger, server_default="2")
    requested_by: Mapped[str]
    requested_at: Mapped[datetime] = mapped_column(server_default="now()")
    decided_by: Mapped[str | None]
    decided_at: Mapped[datetime | None]
    decision_comment: Mapped[str | None]
    applied_at: Mapped[datetime | None]
    # 0009: the inbox it waits in ('region:<code>' or 'hq', set by a trigger), the rebalancing run that proposed it
    # and the store that asked for it.
    inbox: Mapped[str]
    run_id: Mapped[int | None] = mapped_column(BigInteger)
    requested_store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    __table_args__ = (Index("transfer_request_requested_store_ix", "requested_store_id", "requested_at"),)


class Alert(Base):
    __tablename__ = "alert"
    id: Mapped[int] = _id(BigInteger)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    kind: Mapped[str]
    severity: Mapped[str]
    raised_at: Mapped[datetime] = mapped_column(server_default="now()")
    message: Mapped[str]
    details: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    acknowledged_by: Mapped[str | None]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]


class AppUser(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = _id()
    login: Mapped[str] = mapped_column(unique=True)
    display_name: Mapped[str]
    role: Mapped[str]
    region_id: Mapped[int | None] = mapped_column(SmallInteger, ForeignKey("region.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    active: Mapped[bool] = mapped_column(server_default="true")
    created_at: Mapped[datetime] = mapped_column(server_default="now()")
    db_role: Mapped[str | None] = mapped_column(unique=True)  # the user's own PostgreSQL login role


class UserLogin(Base):
    __tablename__ = "user_login"
    id: Mapped[int] = _id(BigInteger)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(server_default="now()")
    client: Mapped[str | None]
    __table_args__ = (Index("user_login_at_ix", "at"),)


class TerminalDevice(Base):
    __tablename__ = "terminal_device"
    id: Mapped[str] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    last_seen_at: Mapped[datetime]
    __table_args__ = (Index("terminal_device_store_ix", "store_id"),)


class AppSetting(Base):
    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSONB)
    updated_at: Mapped[datetime] = mapped_column(server_default="now()")
    updated_by: Mapped[str] = mapped_column(server_default="CURRENT_USER")


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = _id(BigInteger)
    at: Mapped[datetime] = mapped_column(server_default="now()")
    actor: Mapped[str]
    action: Mapped[str]
    entity: Mapped[str]
    entity_id: Mapped[str | None]
    details: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    __table_args__ = (Index("audit_log_entity_ix", "entity", "entity_id"),)


class Scenario(Base):
    __tablename__ = "scenario"
    id: Mapped[int] = _id(BigInteger)
    name: Mapped[str]
    policy: Mapped[str]
    start_date: Mapped[date]
    days: Mapped[int]
    seed: Mapped[int] = mapped_column(BigInteger)
    stores: Mapped[int]
    elapsed_s: Mapped[float | None]
    params: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    created_by: Mapped[str] = mapped_column(server_default="SESSION_USER")
    created_at: Mapped[datetime] = mapped_column(server_default="now()")


class ScenarioKpi(Base):
    __tablename__ = "scenario_kpi"
    scenario_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("scenario.id", ondelete="CASCADE"),
                                             primary_key=True)
    region_id: Mapped[int | None] = mapped_column(SmallInteger, ForeignKey("region.id"))
    stores: Mapped[int]
    store_days: Mapped[int]
    work_orders: Mapped[int]
    utilization: Mapped[float]
    wait_hours: Mapped[float]
    vehicles_per_store_day: Mapped[float]
    output_per_store_day: Mapped[float]
    output_per_technician_day: Mapped[float]
    csi: Mapped[float | None]
    rework_rate: Mapped[float]
    cross_store_per_day: Mapped[float]
    cross_store_share: Mapped[float]
    balked: Mapped[int]
    extra: Mapped[dict[str, Any]] = mapped_column(server_default="{}")


# --- revision 0007: smart booking ------------------------------------------------------------------------------

class Reservation(Base):
    """The plan: a bay and a technician held for a booking or a waiting work order (see 0007_booking.sql)."""

    __tablename__ = "reservation"
    id: Mapped[int] = _id(BigInteger)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    booking_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("booking.id", ondelete="CASCADE"))
    work_order_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("work_order.id", ondelete="CASCADE"))
    bay_id: Mapped[int] = mapped_column(ForeignKey("bay.id"))
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician.id"))
    period: Mapped[Range[datetime]] = mapped_column(TSTZRANGE)
    status: Mapped[str] = mapped_column(server_default="held")
    promised: Mapped[bool] = mapped_column(server_default="false")
    created_at: Mapped[datetime] = mapped_column(server_default="now()")
    updated_by: Mapped[str]
    __table_args__ = (
        Index("reservation_booking_held_ix", "booking_id", unique=True, postgresql_where="status = 'held'"),
        Index("reservation_work_order_held_ix", "work_order_id", unique=True, postgresql_where="status = 'held'"),
    )


class PricingRuleRow(Base):
    __tablename__ = "pricing_rule"
    id: Mapped[int] = _id()
    name: Mapped[str] = mapped_column(unique=True)
    load_below: Mapped[float]
    discount_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    weekdays: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger))
    hour_from: Mapped[int] = mapped_column(SmallInteger)
    hour_to: Mapped[int] = mapped_column(SmallInteger)
    active: Mapped[bool] = mapped_column(server_default="true")
    updated_by: Mapped[str] = mapped_column(server_default="migration")
    updated_at: Mapped[datetime] = mapped_column(server_default="now()")


class CustomerNotice(Base):
    __tablename__ = "customer_notice"
    id: Mapped[int] = _id(BigInteger)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    booking_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("booking.id", ondelete="CASCADE"))
    work_order_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("work_order.id", ondelete="CASCADE"))
    kind: Mapped[str]
    old_start: Mapped[datetime | None]
    new_start: Mapped[datetime]
    message: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(server_default="now()")
    read_at: Mapped[datetime | None]
    __table_args__ = (Index("customer_notice_store_created_ix", "store_id", "created_at"),)


class RebalanceRun(Base):
    __tablename__ = "rebalance_run"
    id: Mapped[int] = _id(BigInteger)
    slot: Mapped[datetime] = mapped_column(unique=True)
    trigger: Mapped[str]
    claimed_by: Mapped[str]
    started_at: Mapped[datetime] = mapped_column(server_default="clock_timestamp()")
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(server_default="running")
    proposals: Mapped[int] = mapped_column(server_default="0")
    seconds: Mapped[float | None]
    message: Mapped[str | None]
    __table_args__ = (Index("rebalance_run_started_ix", "started_at"),)
