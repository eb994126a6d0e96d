"""`main.py screenshot VIEW --out FILE.png`: render a view offscreen from the live database, as a user of a role."""

from __future__ import annotations

import os
import time
from pathlib import Path

VIEWS = ("wall", "map", "region", "store", "alerts", "booking", "plan", "pricing", "replay", "inbox", "parts",
         "rebalance")
DEFAULT_ROLE = {"wall": "hq", "map": "hq", "region": "region", "store": "store", "alerts": "hq", "booking": "store",
                "plan": "store", "pricing": "hq", "replay": "hq", "inbox": "region", "parts": "store",
                "rebalance": "hq"}


def take(view: str, out: Path, size: tuple[int, int] = (1920, 1080), role: str | None = None,
         database_url: str | None = None, timeout: float = 120.0, language: str = "zh_CN") -> Path:
    """Boot the app offscreen, log in as the role's first demo user, show `view` in `language` (zh_CN or en), save a
    PNG. Returns the path."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import App
    from app.fonts import apply_app_font
    from app.i18n import install_language
    from app.settings import UiSettings
    from services.model import DomainError

    qapp = QApplication.instance() or QApplication([])
    apply_app_font(qapp)
    install_language(qapp, language)
    role = role or DEFAULT_ROLE[view]
    settings = UiSettings(QSettings(str(out.with_suffix(".ini")), QSettings.Format.IniFormat))
    app = App(database_url, settings=settings)

    def wait_for(predicate, what: str) -> None:
        deadline = time.monotonic() + timeout
        loop = QEventLoop()
        while not predicate():
            if time.monotonic() > deadline:
                raise DomainError(f"截图超时：{what}。 The screenshot timed out waiting for {what}.")
            QTimer.singleShot(50, loop.quit)
            loop.exec()

    try:
        wait_for(lambda: app.prepared is not None or app.dialog.status.text().startswith(("出错", "错误", "Something", "Error")),
                 "the database")
        if app.prepared is None:
            raise DomainError(app.dialog.status.text())
        user = next((u for u in app.prepared.users if u.role == role), None)
        if user is None:
            raise DomainError(f"数据库中没有 {role} 角色的用户。 There is no user with the role {role}.")
        app.log_in(user.login, "")
        wait_for(lambda: app.presenter is not None and app.presenter.refreshes > 0, "the first data")
        window, presenter = app.window, app.presenter
        assert window is not None and presenter is not None
        window.resize(*size)
        window.size_docks()
        if view == "region" and user.role == "hq":
            before = presenter.refreshes
            presenter._ranking_row("N")
            wait_for(lambda: presenter.refreshes > before, "the region")
        if view == "store" and user.role != "store":
            before = presenter.refreshes
            presenter.open_store(presenter._stores[0].store_id)
            wait_for(lambda: presenter.refreshes > before, "the store")
        target = None
        if view == "booking":
            target = _booking(presenter, wait_for)
        elif view == "plan":
            before = presenter.planning.last
            presenter.store_page.actions.replan_button.click()
            wait_for(lambda: presenter.planning.last is not before and not presenter.planning.busy, "the plan")
            before = presenter.refreshes
            wait_for(lambda: presenter.refreshes > before, "the planned board")
        elif view == "pricing":
            target = presenter.analytics.open_pricing()
            wait_for(lambda: presenter.analytics.pricing_data is not None, "the pricing rules")
        elif view == "inbox":
            ops = presenter.ops
            before = ops.loaded
            ops.show_inbox()
            wait_for(lambda: ops.loaded > before, "the inbox")
            target = ops.inbox
        elif view == "parts":
            ops = presenter.ops
            wait_for(lambda: ops.store_data is not None, "the store's parts and loans")
            presenter.store_page.lists.setCurrentIndex(presenter.store_page.lists.count() - (2 if ops.store_data.shortage
                                                                                             else 1))
        elif view == "rebalance":
            presenter.overview_tabs.setCurrentIndex(presenter.status_tab)
            target = presenter.ops.status
        elif view == "replay":
            presenter.overview_tabs.setCurrentIndex(presenter.scenario_tab)
            wait_for(lambda: presenter.analytics.comparison_loaded > 0, "the replay comparison")
            target = presenter.analytics.scenario
        for _ in range(10):  # let layouts and pyqtgraph settle
            qapp.processEvents()
        window.size_docks()
        for _ in range(5):
            qapp.processEvents()
        if presenter.history.current.level == "nation":
            presenter.map.reset_view()  # fit the country into the dock's final size
        elif presenter.history.current.level == "region":
            presenter.map.zoom_to_region(str(presenter.history.current.key))
        for _ in range(5):
            qapp.processEvents()
        if target is None:
            dock = {"map": window.docks.get("map"), "alerts": window.docks.get("alerts")}.get(view)
            target = dock.widget() if dock is not None else window
        if target is not window:
            target.resize(*size)
            for _ in range(5):
                qapp.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        if not target.grab().save(str(out)):
            raise DomainError(f"无法写入 {out}。 Could not write {out}.")
        return out
    finally:
        app.shutdown()
        out.with_suffix(".ini").unlink(missing_ok=True)


def _booking(presenter, wait_for):
    """The booking dialog at its second step: a customer wants a minor service tomorrow morning."""
    from datetime import time, timedelta

    from services.network import china_today

    dialog = presenter.booking.open()
    dialog.fill(plate="京A12345", customer="王女士", phone="13800001234", codes=("MAINT_MINOR", "TYRE"),
                day=china_today() + timedelta(days=1), time_from=time(9, 0), time_to=time(12, 0))
    dialog.request_recommendations()
    wait_for(lambda: bool(dialog.slot_buttons) or "没有空位" in dialog.slots_hint.text(), "the recommendations")
    return dialog
