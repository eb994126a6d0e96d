"""Opening the database: the embedded server or a shared one by URL, with the password from the keyring."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import psycopg
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from services import credentials
from services.config import Config
from services.db import embedded
from services.model import ConfigError, DatabaseUnavailable

log = logging.getLogger(__name__)

DEFAULT_DATABASE = "aftersales"


@dataclass
class Database:
    """One database: a SQLAlchemy engine for the app and a libpq conninfo for psycopg-level work
    (COPY, LISTEN, terminals). `maintenance_conninfo` is set for the embedded server only."""

    conninfo: str = field(repr=False)  # may hold the password: never logged or shown
    url: URL
    embedded: bool
    maintenance_conninfo: str | None = field(default=None, repr=False)
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(self.url, pool_size=5, max_overflow=5, pool_pre_ping=True)
        return self._engine

    def connect(self, **kwargs: object) -> psycopg.Connection:
        """A plain psycopg connection (caller closes it)."""
        return connect_or_explain(self.conninfo, **kwargs)

    def display_url(self) -> str:
        """The URL without its password, for logs and for `main.py db-url`."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=True)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def connect_or_explain(conninfo: str, **kwargs: object) -> psycopg.Connection:
    try:
        return psycopg.connect(conninfo, **kwargs)  # type: ignore[arg-type]
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(explain_connection_error(conninfo, exc)) from exc


def explain_connection_error(conninfo: str, exc: Exception) -> str:
    """One sentence: what is wrong with the connection and what to fix."""
    params = psycopg.conninfo.conninfo_to_dict(conninfo)
    where = f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"
    db = params.get("dbname", "?")
    user = params.get("user", "?")
    text = str(exc).lower()
    if "password authentication failed" in text or "no password supplied" in text:
        return (f"The server at {where} refused the password for user {user}; run "
                "'python main.py store-password' to save the right one in the keyring.")
    if "does not exist" in text and "database" in text:
        return f"The server at {where} has no database '{db}'; check the database name in the URL."
    if "role" in text and "does not exist" in text:
        return f"The server at {where} has no user '{user}'; check the user name in the URL."
    if "could not translate host name" in text or "name or service not known" in text:
        return f"The database host in the URL ({where}) is unknown; check the spelling of the host name."
    if "timeout" in text:
        return f"The database server at {where} did not answer in time; check the network or VPN."
    return (f"Cannot reach the database server at {where} ({str(exc).strip().splitlines()[0]}); "
            "check that it is running and that the URL is right.")


def open_database(config: Config, database: str | None = None, *, check: bool = True,
                  keep_running: bool = False) -> Database:
    """The composition root's way in: start/attach the embedded server or resolve the shared one."""
    if config.embedded:
        maint = embedded.start(config.pgdata, keep_running)
        conninfo = embedded.ensure_database(maint, database or DEFAULT_DATABASE)
        _tune_embedded(maint)
        db = Database(conninfo=conninfo, url=_url_from_conninfo(conninfo), embedded=True,
                      maintenance_conninfo=maint)
    else:
        db = _shared(config.database_url or "", database)
    if check:
        with db.connect(connect_timeout=10):
            pass
    return db


def _shared(raw_url: str, database: str | None) -> Database:
    try:
        url = make_url(raw_url)
    except ArgumentError as exc:
        raise ConfigError(f"The database URL '{raw_url}' is not valid; write it as "
                          "postgresql://user@host:5432/database.") from exc
    if not url.drivername.startswith("postgresql"):
        raise ConfigError(f"The database URL must start with postgresql://, not {url.drivername}://; "
                          "the control center runs on PostgreSQL only.")
    url = url.set(drivername="postgresql+psycopg")
    if database:
        url = url.set(database=database)
    if url.password is None and url.username:
        acct = credentials.account(url.username, url.host or "localhost", url.port, url.database or "")
        password = credentials.get_password(acct)
        if password is not None:
            url = url.set(password=password)
    params = {"host": url.host or "", "port": str(url.port or ""), "dbname": url.database or "",
              "user": url.username or "", "password": url.password or ""}
    params.update({k: str(v) for k, v in url.query.items()})  # e.g. ?host=/socket/dir or ?sslmode=require
    conninfo = psycopg.conninfo.make_conninfo(**params)
    return Database(conninfo=_strip_empty(conninfo), url=url, embedded=False)


def _strip_empty(conninfo: str) -> str:
    params = {k: v for k, v in psycopg.conninfo.conninfo_to_dict(conninfo).items() if v not in ("", None)}
    return psycopg.conninfo.make_conninfo(**params)


def _url_from_conninfo(conninfo: str) -> URL:
    p = psycopg.conninfo.conninfo_to_dict(conninfo)
    return URL.create("postgresql+psycopg", username=p.get("user"), database=p.get("dbname"),
                      query={"host": p["host"]} if p.get("host") else {})


def _tune_embedded(maintenance_conninfo: str) -> None:
    """Settings that need no restart: fewer checkpoints during the bulk load of the demo network."""
    with psycopg.connect(maintenance_conninfo, autocommit=True) as conn:
        current = conn.execute("SELECT setting FROM pg_settings WHERE name = 'max_wal_size'").fetchone()
        if current and int(current[0]) < 4096:
            conn.execute("ALTER SYSTEM SET max_wal_size = '4GB'")
            conn.execute("ALTER SYSTEM SET checkpoint_timeout = '15min'")
            conn.execute("SELECT pg_reload_conf()")
