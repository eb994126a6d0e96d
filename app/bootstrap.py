"""Composition root: config → database → migrations/seed → listener → task runner → window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication

from app.bridge import EventBridge
from app.fonts import apply_app_font
from app.main_window import MainWindow
from app.tasks import TaskRunner
from services.config import load_config
from services.db import migrate
from services.db.engine import Database, open_database
from services.listener import Listener
from services.model import DomainError

log = logging.getLogger(__name__)


def _prepare(database_url: str | None, progress) -> Database:
    """Runs on a worker thread: open, migrate, seed the demo network on the first run of the embedded server."""
    from services.demo.seed import SeedOptions, is_seeded, seed_network
    from services.housekeeping import run_housekeeping

    db = open_database(load_config(database_url=database_url))
    progress(0.0, "正在检查数据库结构… Checking the schema…")
    migrate.upgrade(db)
    if db.embedded and not is_seeded(db):
        seed_network(db, SeedOptions(), progress=progress)
    with db.engine.connect() as conn:
        run_housekeeping(conn)
    return db


def _load_kpis(db: Database):
    """The last 30 days up to today, by region and for the nation. Runs on a worker thread."""
    from datetime import timedelta

    from services.network import china_today, kpis

    today = china_today()
    start = today - timedelta(days=29)
    with db.engine.connect() as conn:
        return kpis(conn, "region", start, today) + kpis(conn, "nation", start, today)


class App:
    def __init__(self, database_url: str | None) -> None:
        self.bridge = EventBridge()
        self.runner = TaskRunner()
        self.window = MainWindow()
        self.db: Database | None = None
        self.listener: Listener | None = None
        self.bridge.sig_progress.connect(self.window.show_progress)
        self.bridge.sig_store_changed.connect(self.window.note_change)
        self.bridge.sig_resync.connect(self.window.note_resync)
        self.bridge.sig_connection_changed.connect(self.window.note_connection)
        self.window.sig_refresh_requested.connect(self.refresh)
        self.runner.submit(_prepare, database_url, self.bridge.publish_progress,
                           on_done=self._ready, on_error=self._failed)

    def _ready(self, db: Database) -> None:
        self.db = db
        self.listener = Listener(db.conninfo, self.bridge.publish, self.bridge.publish_connection)
        self.listener.start()
        self.refresh()

    def refresh(self) -> None:
        if self.db is not None:
            self.runner.submit(_load_kpis, self.db, on_done=self.window.show_kpis, on_error=self._failed)

    def _failed(self, exc: Exception) -> None:
        text = str(exc) if isinstance(exc, DomainError) else f"出错了 Something went wrong: {exc}"
        log.error("%s", text)
        self.window.show_message(text)

    def shutdown(self) -> None:
        """Listener first, then the pools, then the engine (ARCHITECTURE.md's order)."""
        if self.listener is not None:
            self.listener.stop()
        self.runner.wait(10000)
        if self.db is not None:
            self.db.dispose()


def run_gui(database_url: str | None) -> int:
    qapp = QApplication.instance() or QApplication(sys.argv)
    apply_app_font(qapp)  # bundled Noto Sans CJK SC: Chinese renders on machines without a CJK font
    app = App(database_url)
    app.window.show()
    qapp.aboutToQuit.connect(app.shutdown)
    return qapp.exec()
