"""The network schema and its reference data (regions, service types, parts).

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from alembic import op

from services import catalog
from services.db.sqlfile import run_sql, run_sql_file

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    "audit_log", "app_setting", "terminal_device", "user_login", "app_user", "alert", "transfer_request",
    "complaint", "rating", "part_usage", "stock", "part", "job_archive_horizon", "job_archive", "job", "work_order_event", "work_order_item",
    "work_order", "booking", "vehicle", "customer", "service_type", "shift", "technician", "bay", "store",
    "region",
)


def upgrade() -> None:
    run_sql_file("0001_schema.sql")
    op.bulk_insert(
        op.get_context().opts["target_metadata"].tables["region"],
        [dict(id=r.id, code=r.code, name_zh=r.name_zh, name_en=r.name_en) for r in catalog.REGIONS],
    )
    op.bulk_insert(
        op.get_context().opts["target_metadata"].tables["service_type"],
        [dict(id=s.id, code=s.code, name_zh=s.name_zh, name_en=s.name_en, skill=s.skill, bay_kind=s.bay_kind,
              std_minutes=s.std_minutes, price=s.price) for s in catalog.SERVICE_TYPES],
    )
    op.bulk_insert(
        op.get_context().opts["target_metadata"].tables["part"],
        [dict(id=p.id, code=p.code, name_zh=p.name_zh, name_en=p.name_en, unit_price=p.unit_price)
         for p in catalog.PARTS],
    )


def downgrade() -> None:
    run_sql("DROP VIEW job_all")
    run_sql("DROP TABLE " + ", ".join(TABLES) + " CASCADE")
    run_sql("DROP FUNCTION wo_status_rank(text), audit_log_append_only(), job_archive_guard(), "
            "archive_jobs(timestamptz)")
