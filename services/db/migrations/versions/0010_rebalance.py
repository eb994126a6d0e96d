"""The national rebalancing service's runs, claimed in PostgreSQL so exactly one console runs each.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from services.db.sqlfile import run_sql, run_sql_file

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0010_rebalance.sql")


def downgrade() -> None:
    run_sql("""
        DROP SCHEMA rebalance CASCADE;
        DROP TABLE rebalance_run;
        DELETE FROM app_setting WHERE key = 'rebalance_interval_minutes';
    """)
