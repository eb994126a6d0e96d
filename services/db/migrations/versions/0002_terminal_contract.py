"""The store-terminal write contract: SQL functions, idempotency ledger, one NOTIFY per transaction.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from services.db.sqlfile import run_sql, run_sql_file

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0002_terminal_contract.sql")


def downgrade() -> None:
    run_sql("""
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aftersales_terminal') THEN
                REVOKE SELECT ON store, bay, technician, service_type, part FROM aftersales_terminal;
            END IF;
        END $$;
        DROP SCHEMA terminal CASCADE;
    """)
