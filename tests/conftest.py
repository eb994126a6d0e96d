"""Shared fixtures: a real PostgreSQL test database (the embedded server, or AFTERSALES_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# AFTERSALES_TEST_DB_SUFFIX gives parallel test runs on one server databases of their own.
DB_SUFFIX = os.environ.get("AFTERSALES_TEST_DB_SUFFIX", "")
TEST_DATABASE = "aftersales_test" + DB_SUFFIX


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
            conn.execute("DROP SCHEMA IF EXISTS kpi CASCADE")
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    migrate.upgrade(db)
    yield db
    db.dispose()


def make_scratch_database(database, name: str, migrated: bool = True):
    """A fresh database `name` (migrated unless told otherwise) on the same server as the test database, dropped
    first if it exists. On a shared server without the right to create databases the calling test is skipped."""
    from services.config import load_config
    from services.db import embedded, migrate
    from services.db.engine import open_database

    name += DB_SUFFIX
    if database.embedded:
        embedded.drop_database(database.maintenance_conninfo, name)
        db = open_database(load_config(), name)
    else:
        try:
            embedded.drop_database(database.conninfo, name)
            embedded.ensure_database(database.conninfo, name)
        except psycopg.Error as exc:
            pytest.skip(f"cannot create a scratch database on the shared test server: {exc}")
        db = open_database(load_config(database_url=database.url.set(database=name).render_as_string(False)))
    if migrated:
        migrate.upgrade(db)
    return db


def _demo_opts():
    from datetime import date

    from services.demo.seed import SeedOptions

    return SeedOptions(stores=28, days=10, seed=11, workers=1, end=date(2026, 10, 31))


DEMO_OPTS = _demo_opts()


@pytest.fixture(scope="session")
def demo_db(database):
    """A small demo network (28 stores, 10 days) in its own database, seeded once per session."""
    from services.demo.seed import seed_network

    db = make_scratch_database(database, "aftersales_test_demo")
    result = seed_network(db, DEMO_OPTS)
    yield db, result
    db.dispose()


@pytest.fixture
def conn(database) -> Iterator[psycopg.Connection]:
    """A connection whose work is rolled back at the end of the test."""
    with database.connect() as c:
        yield c
        c.rollback()


@pytest.fixture(scope="session")
def mini_network(database) -> dict:
    """Two small stores with bays, technicians, stock and one customer's vehicle, committed once per session.
    Returns their ids. Tests that change these rows do so inside their rolled-back transaction."""
    with database.connect() as c:
        ids: dict = {}
        for n, (code, region) in enumerate((("T001", 1), ("T002", 3))):
            sid = c.execute(
                """INSERT INTO store (code, name_zh, name_en, region_id, province_code, city_zh, city_en, lat, lon,
                       store_type, size, opens_at, closes_at, rollout_wave, go_live_date)
                   VALUES (%s, %s, %s, %s, '22', '北京', 'Beijing', 39.9, 116.4, 'direct', 'small', '08:30', '18:00',
                       0, '2026-06-01') RETURNING id""",
                (code, f"测试店{n}", f"Test store {n}", region),
            ).fetchone()[0]
            ids[f"store{n}"] = sid
            ids[f"lift{n}"] = c.execute(
                "INSERT INTO bay (store_id, kind, name) VALUES (%s, 'lift', 'L1') RETURNING id", (sid,)).fetchone()[0]
            ids[f"lift{n}b"] = c.execute(
                "INSERT INTO bay (store_id, kind, name) VALUES (%s, 'lift', 'L2') RETURNING id", (sid,)).fetchone()[0]
            ids[f"paint{n}"] = c.execute(
                "INSERT INTO bay (store_id, kind, name) VALUES (%s, 'paint', 'P1') RETURNING id", (sid,)).fetchone()[0]
            ids[f"tech{n}"] = c.execute(
                """INSERT INTO technician (home_store_id, name, skills, level, rating)
                   VALUES (%s, '张师傅', ARRAY['maintenance','tyres','diagnostics'], 3, 88) RETURNING id""",
                (sid,)).fetchone()[0]
            ids[f"tech{n}b"] = c.execute(
                """INSERT INTO technician (home_store_id, name, skills, level, rating)
                   VALUES (%s, '李师傅', ARRAY['maintenance','electrical'], 4, 91) RETURNING id""",
                (sid,)).fetchone()[0]
            c.execute("INSERT INTO stock (store_id, part_id, qty) SELECT %s, id, 5 FROM part", (sid,))
        c.commit()
    return ids


@pytest.fixture
def memory_keyring():
    """An in-memory keyring for the test (a headless machine has no Secret Service; never touch a real one)."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)
