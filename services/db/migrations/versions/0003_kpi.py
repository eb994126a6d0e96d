"""KPI definitions in SQL and the per-store-day rollup of finished days.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from services.db.sqlfile import run_sql, run_sql_file

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0003_kpi.sql")


def downgrade() -> None:
    run_sql("DROP SCHEMA kpi CASCADE; DROP INDEX job_start_ix, work_order_finished_ix, rating_rated_ix;")
