"""Booking across the network: SECURITY DEFINER reads of any store's capacity (no customer data) for the
recommendation and the free slots, and book_slot that lets a console user book outside their scope only as a
referral from their own store.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from services.db.sqlfile import run_sql, run_sql_file

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BOOK_SLOT_ARGS = ("integer, text, text[], timestamptz, integer, integer, text, text, text, integer, numeric, text, "
                   "double precision, text, uuid")


def upgrade() -> None:
    run_sql_file("0008_booking_network.sql")


def downgrade() -> None:
    run_sql(f"""
        DROP FUNCTION booking.book_slot({_BOOK_SLOT_ARGS});
        ALTER FUNCTION booking._book_slot_0007({_BOOK_SLOT_ARGS}) RENAME TO book_slot;
        GRANT EXECUTE ON FUNCTION booking.book_slot({_BOOK_SLOT_ARGS}) TO aftersales_console;
        DROP FUNCTION booking._booking_scope(integer, text, integer);
        DROP FUNCTION booking.network_occupancy(integer[], date);
        DROP FUNCTION booking.network_shifts(integer[], date);
        DROP FUNCTION booking.network_stores(integer[]);
        DROP FUNCTION booking.network_candidates(double precision, double precision, double precision, text[],
                                                 text[], text[], integer[], integer);
    """)
