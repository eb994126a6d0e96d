"""Scope by role, enforced by PostgreSQL: each user logs in as their own role and row-level security filters."""

from __future__ import annotations

import psycopg
import pytest

from services.network import kpis
from services.users import as_user, list_users, whoami
from tests.conftest import DEMO_OPTS


@pytest.fixture(scope="module")
def users(demo_db):
    db, _ = demo_db
    with db.connect() as c:
        return {u.login: u for u in list_users(c)}


def _count(db, sql: str, params=()) -> int:
    with db.connect() as c:
        return c.execute(sql, params).fetchone()[0]


def test_every_demo_user_has_a_login_role(users):
    assert {u.role for u in users.values()} == {"hq", "region", "store"}
    assert all(u.db_role and u.db_role.startswith("cc_") for u in users.values())


def test_hq_sees_the_nation_region_its_region_store_its_store(demo_db, users):
    db, _ = demo_db
    hq = as_user(db, users["hq.zhang"])
    north = as_user(db, users["region.n"])
    store_user = next(u for u in users.values() if u.role == "store")
    store = as_user(db, store_user)
    assert _count(hq, "SELECT count(*) FROM store") == DEMO_OPTS.stores
    n_north = _count(db, "SELECT count(*) FROM store s JOIN region r ON r.id = s.region_id WHERE r.code = 'N'")
    assert _count(north, "SELECT count(*) FROM store") == n_north
    assert _count(north, "SELECT count(DISTINCT r.code) FROM work_order w JOIN store s ON s.id = w.store_id "
                         "JOIN region r ON r.id = s.region_id") == 1
    assert _count(store, "SELECT count(*) FROM store") == 1
    assert _count(store, "SELECT count(DISTINCT store_id) FROM work_order") == 1
    with north.connect() as c:
        assert whoami(c).login == "region.n"


def test_direct_sql_under_a_regional_role_cannot_read_another_region(demo_db, users):
    db, _ = demo_db
    north = as_user(db, users["region.n"])
    east_store = _count(db, "SELECT min(s.id) FROM store s JOIN region r ON r.id = s.region_id WHERE r.code = 'E'")
    with north.connect() as c:
        # the rows are simply not there for this login, whatever the SQL says
        assert c.execute("SELECT count(*) FROM work_order WHERE store_id = %s", (east_store,)).fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM kpi.store_day WHERE store_id = %s", (east_store,)).fetchone()[0] == 0
        # and it cannot pretend to be someone else: SET ROLE to another user's role is refused
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute(f"SET ROLE {users['hq.zhang'].db_role}")
        c.rollback()
        # nor write around the contract
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("UPDATE work_order SET amount = 0")
        c.rollback()
        # a session variable changes nothing: scope follows the login, not settings
        c.execute("SET app.scope = 'hq'")
        assert c.execute("SELECT count(*) FROM store").fetchone()[0] < DEMO_OPTS.stores


def test_kpis_under_a_regional_login_cover_only_the_region(demo_db, users):
    db, _ = demo_db
    north = as_user(db, users["region.n"])
    with north.engine.connect() as conn:
        rows = kpis(conn, "region", DEMO_OPTS.first_day(), DEMO_OPTS.last_day())
    assert [r.key for r in rows] == ["N"]
    north.dispose()


def test_a_store_manager_compares_with_the_region_without_seeing_its_stores(demo_db, users):
    from services.store_day import region_kpis, store_day

    db, _ = demo_db
    store_user = next(u for u in users.values() if u.role == "store")
    store_db = as_user(db, store_user)
    with store_db.engine.connect() as conn:
        view = store_day(conn, store_user.store_id, now=None)
        region = region_kpis(conn, store_user.region_code, DEMO_OPTS.first_day(), DEMO_OPTS.last_day())
        other = next(code for code in ("N", "E", "S") if code != store_user.region_code)
        assert region_kpis(conn, other, DEMO_OPTS.first_day(), DEMO_OPTS.last_day()) is None  # not its region
        assert conn.exec_driver_sql("SELECT count(*) FROM store").scalar_one() == 1
    store_db.dispose()
    assert region is not None and region.stores > 1
    assert view.region_kpis is None or view.region_kpis.stores >= 1


def test_a_working_password_is_remembered_in_the_keyring(demo_db, users, memory_keyring):
    """On a shared server the login's password goes to the keyring (the embedded server needs none)."""
    from dataclasses import replace

    from services import credentials
    from services.users import password_account, remember_password

    db, _ = demo_db
    shared = replace(as_user(db, users["region.n"], "s3cret"), embedded=False)
    remember_password(shared, "s3cret")
    acct = password_account(shared, users["region.n"].db_role)
    assert memory_keyring.get_password(credentials.SERVICE, acct) == "s3cret"
    again = as_user(replace(db, embedded=False), users["region.n"])  # no password given: the keyring's is used
    assert "s3cret" in again.conninfo
