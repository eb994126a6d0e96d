"""An index on shift by date, then store: the day's rosters of the whole network in one range scan.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from services.db.sqlfile import run_sql, run_sql_file

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0011_shift_date_index.sql")


def downgrade() -> None:
    run_sql("DROP INDEX shift_date_store_ix;")
