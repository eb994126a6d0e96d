"""Replay scenarios and their KPIs per region and nation.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from services.db.sqlfile import run_sql, run_sql_file

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0006_scenario.sql")


def downgrade() -> None:
    run_sql("DROP TABLE scenario_kpi; DROP TABLE scenario;")
