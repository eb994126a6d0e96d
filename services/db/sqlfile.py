"""Running the SQL files of services/db/sql/ inside a migration, through the raw psycopg connection."""

from __future__ import annotations

from pathlib import Path

from alembic import op

SQL_DIR = Path(__file__).resolve().parent / "sql"


def run_sql_file(name: str) -> None:
    """Execute a whole file in the migration's transaction. psycopg sends a query without parameters through
    the simple protocol, so a file of many statements (and '%' or ':' inside function bodies) is fine."""
    raw = op.get_bind().connection.driver_connection
    raw.execute((SQL_DIR / name).read_text(encoding="utf-8"))


def run_sql(statement: str) -> None:
    op.get_bind().connection.driver_connection.execute(statement)
