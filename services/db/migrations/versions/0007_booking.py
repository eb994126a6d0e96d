"""Smart booking: reservations (the plan of a store-day), off-peak pricing rules, customer notices, booking.*.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from services.db.sqlfile import run_sql, run_sql_file

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0007_booking.sql")


def downgrade() -> None:
    run_sql("""
        DROP TRIGGER reservation_on_check_in ON work_order;
        DROP TRIGGER reservation_on_work_order_cancel ON work_order;
        DROP TRIGGER reservation_on_job_start ON job;
        DROP TRIGGER reservation_on_booking_end ON booking;
        DROP FUNCTION terminal.notices(integer, timestamptz);
        DROP FUNCTION terminal.notice_read(bigint, timestamptz);
        DROP SCHEMA booking CASCADE;
        DROP TABLE customer_notice;
        DROP TABLE pricing_rule;
        DROP TABLE reservation;
        ALTER TABLE booking DROP COLUMN list_price, DROP COLUMN pricing_rule, DROP COLUMN predicted_load;
    """)
