"""Shared fixtures: a real PostgreSQL test database (the embedded server, or AFTERSALES_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TEST_DATABASE = "aftersales_test"


@pytest.fixture(scope="session")
def database():
    """The test database, migrated to head, created afresh for each test session."""
    from services.config import load_config
    from services.db import embedded, migrate
    from services.db.engine import open_database

    url = os.environ.get("AFTERSALES_TEST_DATABASE_URL")
    cfg = load_config(database_url=url)
    if cfg.embedded:
        db = open_database(cfg, TEST_DATABASE, check=False)
        embedded.drop_database(db.maintenance_conninfo, TEST_DATABASE)
        db = open_database(cfg, TEST_DATABASE)
    else:
        db = open_database(cfg)
        with db.connect(autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS terminal CASCADE")
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    migrate.upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def conn(database) -> Iterator[psycopg.Connection]:
    """A connection whose work is rolled back at the end of the test."""
    with database.connect() as c:
        yield c
        c.rollback()
