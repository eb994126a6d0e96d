"""Control-center users: their PostgreSQL login roles, their scope, and connecting as them."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace

import psycopg
from sqlalchemy.engine import URL

from services import credentials
from services.db.engine import Database
from services.model import DomainError


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    login: str
    display_name: str
    role: str  # hq | region | store
    region_code: str | None
    store_id: int | None
    store_code: str | None
    db_role: str | None

    @property
    def edition(self) -> str:
        """Which edition of the app this user gets: the national console, the regional laptop or the store."""
        return {"hq": "hq", "region": "region", "store": "store"}[self.role]


_USER_SQL = """
    SELECT u.id, u.login, u.display_name, u.role, r.code, u.store_id, s.code, u.db_role
    FROM app_user u LEFT JOIN region r ON r.id = coalesce(u.region_id, (SELECT region_id FROM store
                                                                         WHERE id = u.store_id))
    LEFT JOIN store s ON s.id = u.store_id
"""


def list_users(conn: psycopg.Connection) -> list[UserInfo]:
    """Active users in a stable order (HQ, then regions, then stores). Needs the owner's connection."""
    rows = conn.execute(_USER_SQL + " WHERE u.active ORDER BY array_position(ARRAY['hq','region','store'], u.role), "
                        "u.login").fetchall()
    return [UserInfo(*r) for r in rows]


def ensure_login_roles(conn: psycopg.Connection) -> int:
    """Give every active user without one a PostgreSQL login role (owner connection, needs CREATEROLE)."""
    logins = [r[0] for r in conn.execute("SELECT login FROM app_user WHERE active AND db_role IS NULL").fetchall()]
    for login in logins:
        conn.execute("SELECT scope.ensure_login_role(%s)", (login,))
    return len(logins)


def whoami(conn: psycopg.Connection) -> UserInfo:
    """The user this connection logged in as; a clear sentence if the role is not a control-center user."""
    row = conn.execute(_USER_SQL + " WHERE u.db_role = session_user AND u.active").fetchone()
    if row is None:
        raise DomainError("This database login is not a control-center user; ask HQ to create your account.")
    return UserInfo(*row)


def password_account(db: Database, db_role: str) -> str:
    """The keyring account of a login role on the server and database `db` points at."""
    params = psycopg.conninfo.conninfo_to_dict(db.conninfo)
    return credentials.account(db_role, str(params.get("host") or "localhost"),
                               int(params["port"]) if params.get("port") else None, str(params.get("dbname")))


def remember_password(db: Database, password: str) -> None:
    """Keep a password that just worked in the system keyring (never in a file); without a keyring the user is
    simply asked again next time."""
    from services.model import ConfigError

    with contextlib.suppress(ConfigError):
        credentials.set_password(password_account(db, db.url.username or ""), password)


def as_user(db: Database, user: UserInfo, password: str | None = None) -> Database:
    """A Database that connects as the user's own PostgreSQL role, so row-level security applies.
    The password comes from the argument or the keyring (the embedded server trusts its socket)."""
    if not user.db_role:
        raise DomainError(f"The user {user.login} has no database login yet; run the app once as HQ to create it.")
    params = psycopg.conninfo.conninfo_to_dict(db.conninfo)
    params["user"] = user.db_role
    params.pop("password", None)
    if password is None and not db.embedded:
        password = credentials.get_password(password_account(db, user.db_role))
    if password:
        params["password"] = password
    url: URL = db.url.set(username=user.db_role, password=password)
    return replace(db, conninfo=psycopg.conninfo.make_conninfo(**params), url=url, maintenance_conninfo=None,
                   _engine=None)
