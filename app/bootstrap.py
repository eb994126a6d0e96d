"""Composition root: config → database (migrate, first-run seed) → login → the user's edition → listener."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from app.bridge import EventBridge
from app.console_window import ConsoleWindow
from app.fonts import apply_app_font
from app.i18n import install_language
from app.presenters.console import ConsolePresenter
from app.settings import UiSettings
from app.tasks import TaskRunner
from services.config import load_config
from services.db import migrate
from services.db.engine import Database, open_database
from services.listener import Listener
from services.model import DomainError
from services.users import UserInfo, as_user, list_users, remember_password
from widgets.login import LoginDialog

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Prepared:
    db: Database  # the owner's connection: migrations, seed, housekeeping, the login list
    users: list[UserInfo]


def prepare(database_url: str | None, progress) -> Prepared:
    """Runs on a worker thread: open, migrate, seed the demo network on the first run of the embedded server,
    housekeeping, and the list of users who may log in."""
    from services.demo.seed import SeedOptions, is_seeded, seed_network
    from services.housekeeping import run_housekeeping
    from services.users import ensure_login_roles

    db = open_database(load_config(database_url=database_url))
    progress(0.0, QCoreApplication.translate("Bootstrap", "正在检查数据库结构…"))
    migrate.upgrade(db)
    if db.embedded and not is_seeded(db):
        seed_network(db, SeedOptions(), progress=progress)
    with db.engine.connect() as conn:
        run_housekeeping(conn)
    with db.connect() as conn:
        ensure_login_roles(conn)
        conn.commit()
        users = list_users(conn)
    return Prepared(db, users)


def login(prepared: Prepared, login_name: str, password: str) -> tuple[Database, UserInfo]:
    """Runs on a worker thread: connect as the user's own role (row-level security applies) and record the login."""
    user = next((u for u in prepared.users if u.login == login_name), None)
    if user is None:
        raise DomainError(QCoreApplication.translate("Bootstrap", "没有用户 %1。").replace("%1", login_name))
    db = as_user(prepared.db, user, password or None)
    with db.connect() as conn:
        conn.execute("SELECT scope.record_login('desktop')")
        conn.commit()
    if password and not db.embedded:
        remember_password(db, password)  # it worked: next time the keyring knows it
    return db, user


def evaluate_alerts(db: Database) -> object:
    """Runs on a worker thread: one evaluation of every alert rule (alerts.evaluate in SQL)."""
    from services.alerts import evaluate

    with db.engine.connect() as conn:
        return evaluate(conn)


class App:
    """Start-up and shutdown in ARCHITECTURE.md's order; holds the long-lived objects."""

    def __init__(self, database_url: str | None, *, user: str | None = None, settings: UiSettings | None = None,
                 theme: str | None = None) -> None:
        self.bridge = EventBridge()
        self.runner = TaskRunner()
        self.settings = settings or UiSettings()
        self.theme = theme
        self.auto_user = user
        self.dialog = LoginDialog()
        self.prepared: Prepared | None = None
        self.db: Database | None = None
        self.user: UserInfo | None = None
        self.window: ConsoleWindow | None = None
        self.presenter: ConsolePresenter | None = None
        self.listener: Listener | None = None
        self.bridge.sig_progress.connect(self.dialog.show_progress)
        self.dialog.sig_login_requested.connect(self.log_in)
        self.runner.submit(prepare, database_url, self.bridge.publish_progress, on_done=self._prepared,
                           on_error=self._failed)

    def _prepared(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.dialog.set_password_needed(not prepared.db.embedded)
        self.dialog.set_users([(u.login, u.display_name) for u in prepared.users], self.settings.last_user)
        if self.auto_user:
            self.log_in(self.auto_user, "")

    def log_in(self, login_name: str, password: str) -> None:
        if self.prepared is None:
            return
        self.runner.submit(login, self.prepared, login_name, password, on_done=self._logged_in,
                           on_error=self._failed)

    def _logged_in(self, result: tuple[Database, UserInfo]) -> None:
        self.db, self.user = result
        self.settings.last_user = self.user.login
        theme = self.theme or self.settings.theme or ("light" if self.user.role == "store" else "dark")
        self.window = ConsoleWindow(self.user.edition, f"{self.user.display_name}")
        self.presenter = ConsolePresenter(self.window, self.runner, self.bridge, self.db, self.user, self.settings,
                                          theme)
        self.listener = Listener(self.db.conninfo, self.bridge.publish, self.bridge.publish_connection)
        self.listener.start()
        # Background jobs on their own thread (services.jobs, APScheduler as a local timer): the national
        # rebalancing every N minutes — each run claimed in PostgreSQL, so exactly one console runs it — alert
        # evaluation once a minute (a try-lock lets the other consoles skip) and the nightly housekeeping.
        from services.jobs import Jobs

        self.jobs = Jobs(self.db, self.user.login, on_event=self.bridge.publish_job,
                         owner_db=self.prepared.db if self.prepared is not None else None)
        try:
            self.jobs.start()
        except Exception as exc:  # noqa: BLE001 - the console works without its timers; say so
            log.warning("background jobs did not start: %s", exc)
            self.jobs = None
        self.presenter.ops.jobs = self.jobs
        self.dialog.hide()
        self.window.show()
        self.presenter.start()

    def evaluate_alerts(self) -> None:
        if self.prepared is not None:
            self.runner.submit(evaluate_alerts, self.prepared.db, on_error=lambda exc: log.warning(
                "alert evaluation failed: %s", exc))

    def _failed(self, exc: Exception) -> None:
        text = str(exc) if isinstance(exc, DomainError) else QCoreApplication.translate("Bootstrap", "出错了：%1").replace("%1", str(exc))
        log.error("%s", text)
        self.dialog.show_error(text)
        if self.window is not None:
            self.window.show_message(text, 15)

    def shutdown(self) -> None:
        """Listener first, then running work, then the pools and engines (ARCHITECTURE.md's order)."""
        if self.presenter is not None:
            self.presenter.save_layout()
        if getattr(self, "jobs", None) is not None:
            self.jobs.shutdown(wait=True)  # a running job finishes first
        if self.listener is not None:
            self.listener.stop()
        if self.presenter is not None:
            self.presenter.shutdown()  # running solves, before the pools
        self.runner.wait(10000)
        self.runner.close()
        for db in (self.db, self.prepared.db if self.prepared else None):
            if db is not None:
                db.dispose()
        self.settings.sync()


def run_gui(database_url: str | None, user: str | None = None) -> int:
    qapp = QApplication.instance() or QApplication(sys.argv)
    apply_app_font(qapp)  # bundled Noto Sans CJK SC: Chinese renders on machines without a CJK font
    settings = UiSettings()
    install_language(qapp, settings.language)  # before any widget is created
    app = App(database_url, user=user, settings=settings)
    app.dialog.show()
    qapp.aboutToQuit.connect(app.shutdown)
    return qapp.exec()
