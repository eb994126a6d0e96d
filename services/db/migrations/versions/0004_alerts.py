"""Alert rules in SQL (schema alerts), the complaint trigger and the default alert thresholds.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from services.db.sqlfile import run_sql, run_sql_file

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0004_alerts.sql")


def downgrade() -> None:
    # The alert rows stay (the table belongs to 0001); the role aftersales_console is shared and stays too.
    run_sql("""
        DROP TRIGGER alert_on_complaint ON complaint;
        DROP SCHEMA alerts CASCADE;
        DELETE FROM app_setting WHERE key = 'alert_thresholds';
    """)
