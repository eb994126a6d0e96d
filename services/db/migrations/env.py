"""Alembic environment: runs on the connection handed over by services.db.migrate (never from a config file)."""

from __future__ import annotations

from alembic import context

from services.db.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - migrations always run through services.db.migrate
    raise RuntimeError("run migrations with 'python main.py migrate', not the alembic command")

context.configure(connection=connection, target_metadata=Base.metadata, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
