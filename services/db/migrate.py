"""Alembic is the only way the schema changes; start-up applies pending migrations under an advisory lock."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from services.db.engine import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# pg_advisory_lock key shared by every console: "aftersales migrate" folded into a bigint.
MIGRATION_LOCK_KEY = 0x6166746572736D67


def alembic_config(db: Database) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["database"] = db
    return cfg


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, target: str = "head") -> bool:
    """Apply pending migrations; several consoles starting at once queue on the lock. True if anything ran."""
    if target == "head" and current_revision(db) == head_revision():
        return False
    with db.engine.connect() as conn:
        # A session-level lock on this dedicated connection; the migration itself runs on the same connection.
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        conn.commit()
        try:
            before = MigrationContext.configure(conn).get_current_revision()
            cfg = alembic_config(db)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
            conn.commit()
            return MigrationContext.configure(conn).get_current_revision() != before
        finally:
            conn.rollback()  # a failed migration leaves the transaction aborted; the unlock needs a fresh one
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
            conn.commit()


def downgrade(db: Database, target: str) -> None:
    with db.engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        conn.commit()
        try:
            cfg = alembic_config(db)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, target)
            conn.commit()
        finally:
            conn.rollback()  # a failed migration leaves the transaction aborted; the unlock needs a fresh one
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
            conn.commit()
