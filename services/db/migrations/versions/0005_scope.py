"""Per-user PostgreSQL roles and row-level security by scope (HQ, region, store).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from services.db.sqlfile import run_sql, run_sql_file

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCOPED = ("store", "bay", "technician", "shift", "booking", "work_order", "work_order_event", "job", "job_archive",
          "stock", "part_usage", "rating", "complaint", "alert", "customer", "terminal_device", "kpi.store_day",
          "terminal.store_activity", "work_order_item", "vehicle", "transfer_request", "app_user", "user_login")


def upgrade() -> None:
    run_sql_file("0005_scope.sql")


def downgrade() -> None:
    statements = []
    for table in SCOPED:
        statements.append(f"DROP POLICY console_scope ON {table};")
        statements.append(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;")
    statements.append("DROP FUNCTION kpi.region_totals(text, date, date);")
    statements.append("DROP SCHEMA scope CASCADE;")
    statements.append("ALTER TABLE app_user DROP COLUMN db_role;")
    statements.append("""DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aftersales_console') THEN
            EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA public, kpi, terminal FROM aftersales_console';
            EXECUTE 'REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public, kpi FROM aftersales_console';
            EXECUTE 'REVOKE USAGE ON SCHEMA public, kpi, terminal FROM aftersales_console';
        END IF; END $$;""")
    run_sql("\n".join(statements))
