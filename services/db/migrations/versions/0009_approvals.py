"""Transfer requests and the approval inbox: routing, decisions that apply exactly once, audit, notifications.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from services.db.sqlfile import run_sql_file

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0009_approvals.sql")


def downgrade() -> None:
    pass
