"""Booking a slot and cancelling a booking through booking.book_slot / booking.cancel_booking, where the database
decides who gets the last slot; the loser gets SlotTaken with the next best free slots. A booking at a store outside
the caller's scope is a referral from their own store (channel 'referral')."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from services.booking._db import DB_ERRORS, Conn, execute, savepoint, sql_error
from services.booking.slots import free_slots
from services.model import BookingConfirmation, DomainError, SlotOffer, SlotTaken
from services.network import CHINA

ALTERNATIVES = 5


def _alternatives(conn: Conn, store_id: int, codes: Sequence[str], start: datetime) -> tuple[SlotOffer, ...]:
    """The free slots closest to the wished start, later ones first on a tie."""
    try:
        offers = free_slots(conn, store_id, codes, start.astimezone(CHINA).date())
    except DomainError:
        return ()
    offers.sort(key=lambda o: (abs((o.start - start).total_seconds()), o.start < start))
    return tuple(offers[:ALTERNATIVES])


def _referral(conn: Conn, store_id: int, channel: str, requested_store_id: int | None,
              referral_from: int | None) -> tuple[str, int | None, int | None]:
    """(channel, requested store, referring store) of a booking. `referral_from` makes it a referral from that store;
    without it, a console user booking outside their scope refers the customer from their own store when they have
    exactly one (a store's staff); a regional manager must say which of his stores refers the customer."""
    if referral_from is not None:
        if requested_store_id is not None and requested_store_id != referral_from:
            raise DomainError("A referral records the referring store as the store the customer asked for; "
                              "give only one of them.")
        if referral_from == store_id:
            raise DomainError("A store cannot refer a customer to itself; book at your store as usual.")
        return "referral", referral_from, referral_from
    if channel == "referral" or requested_store_id is not None:
        return channel, requested_store_id, requested_store_id if channel == "referral" else None
    user, sees_all, mine = execute(conn, "SELECT (scope.me()).id, scope.sees_all(), scope.store_ids()").fetchone()
    if user is None or sees_all or store_id in (mine or ()):
        return channel, None, None
    if len(mine or ()) == 1:
        return "referral", mine[0], mine[0]
    raise DomainError(f"Store {store_id} is outside your scope; to refer the customer there, say which of your "
                      "stores refers them.")


def book_slot(conn: Conn, store_id: int, plate: str, service_codes: Sequence[str], start: datetime, *,
              customer_name: str | None = None, phone: str | None = None, channel: str = "advisor",
              requested_store_id: int | None = None, actor: str, bay_id: int | None = None,
              technician_id: int | None = None, event_id: uuid.UUID | None = None,
              now: datetime | None = None, referral_from: int | None = None) -> BookingConfirmation:
    """Book the vehicle into the slot starting at `start`, reserving a bay and a technician in the same transaction,
    at the off-peak price the slot has now (recorded on the booking with its rule and predicted load). The pair of
    the current offer is tried first, then any other free pair at that start. When someone else was faster:
    SlotTaken with the next best slots. Runs in the caller's transaction (commit it); worker thread.

    Referrals: `referral_from=<store>` books the customer as referred from that store (channel 'referral',
    requested_store_id = that store, a cross-store service in the KPIs). Without it, a store's staff booking at a
    store outside their scope make a referral from their own store automatically; a regional manager booking outside
    his region passes `referral_from` (one of his stores). The confirmation's `referral_from` says which it was."""
    if start.tzinfo is None:
        raise DomainError("The slot start needs a time zone; pass an aware datetime.")
    codes = list(service_codes)
    channel, requested_store_id, referred_from = _referral(conn, store_id, channel, requested_store_id, referral_from)
    offers = free_slots(conn, store_id, codes, start.astimezone(CHINA).date(), now=now, step=5)
    offer = next((o for o in offers if o.start == start), None)
    # Off the 5-minute grid, or nothing free then any more: the database decides, at the list price.
    discount, rule, load = (offer.discount_pct, offer.pricing_rule, offer.predicted_load) if offer else (0.0, None, None)
    try:
        with savepoint(conn, "book_slot"):
            row = execute(conn, """
                SELECT booking_id, reservation_id, bay_id, technician_id, slot_start, slot_end, list_price,
                       quoted_price, discount_pct
                FROM booking.book_slot(%(store)s::integer, %(plate)s::text, %(codes)s::text[],
                                       %(start)s::timestamptz, %(bay)s::integer, %(tech)s::integer, %(channel)s::text,
                                       %(name)s::text, %(phone)s::text, %(requested)s::integer, %(discount)s::numeric,
                                       %(rule)s::text, %(load)s::double precision, %(actor)s::text, %(event)s::uuid)""",
                          {"store": store_id, "plate": plate, "codes": codes, "start": start,
                           "bay": bay_id if bay_id is not None else (offer.bay_id if offer else None),
                           "tech": technician_id if technician_id is not None else (
                               offer.technician_id if offer else None),
                           "channel": channel, "name": customer_name, "phone": phone,
                           "requested": requested_store_id, "discount": discount, "rule": rule, "load": load,
                           "actor": actor, "event": event_id}).fetchone()
    except DB_ERRORS as exc:
        err = sql_error(exc)
        if err is None or err.sqlstate not in ("AS403", "AS404", "AS409", "AS422", "AS423"):
            raise
        if err.sqlstate == "AS409" and err.message.startswith("That slot was just taken"):
            raise SlotTaken(f"{err.message} {err.hint or ''}".strip(),
                            _alternatives(conn, store_id, codes, start)) from exc
        raise DomainError(f"{err.message} {err.hint or ''}".strip()) from exc
    return BookingConfirmation(int(row[0]), store_id, row[4], row[5], int(row[2]), int(row[3]), float(row[6]),
                               float(row[7]), float(row[8]), referred_from)


def cancel_booking(conn: Conn, booking_id: int, actor: str) -> None:
    """Cancel a booking that has not arrived yet; its reservation is released. Runs in the caller's transaction
    (commit it); worker thread."""
    try:
        with savepoint(conn, "cancel_booking"):
            execute(conn, "SELECT booking.cancel_booking(%(id)s, %(actor)s)", {"id": booking_id, "actor": actor})
    except DB_ERRORS as exc:
        err = sql_error(exc)
        if err is None or err.sqlstate not in ("AS403", "AS404", "AS409", "AS422"):
            raise
        raise DomainError(f"{err.message} {err.hint or ''}".strip()) from exc
