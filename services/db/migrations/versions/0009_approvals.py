"""Transfer requests and the approval inbox: routing, decisions that apply exactly once, audit, notifications.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from services.db.sqlfile import run_sql, run_sql_file

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0009_approvals.sql")


def downgrade() -> None:
    run_sql("""
        DROP SCHEMA approvals CASCADE;
        ALTER TABLE customer_notice DROP CONSTRAINT customer_notice_kind_check;
        DELETE FROM customer_notice WHERE kind <> 'come_earlier';
        ALTER TABLE customer_notice ADD CONSTRAINT customer_notice_kind_check CHECK (kind IN ('come_earlier'));
        ALTER TABLE transfer_request DROP CONSTRAINT transfer_loan_no_overlap;
        DROP TRIGGER transfer_request_route ON transfer_request;
        DROP FUNCTION transfer_request_route();
        DROP FUNCTION transfer_inbox(integer, integer);
        DROP INDEX transfer_request_open_ix, transfer_referral_open_ix, transfer_inbox_pending_ix,
            transfer_request_requested_store_ix;
        ALTER TABLE transfer_request DROP COLUMN inbox, DROP COLUMN run_id, DROP COLUMN requested_store_id;
    """)
