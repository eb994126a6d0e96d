"""The end-to-end fixture: the whole control center booted offscreen on the small demo network, as a given user."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings

from app.bootstrap import App
from app.settings import UiSettings


@pytest.fixture
def make_app(qtbot, demo_db, tmp_path):
    """make(login, theme='dark') → a logged-in App with its first data shown; all are shut down after the test, and
    no listener thread may outlive them."""
    db, _ = demo_db
    url = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
    apps = []

    def make(user: str, theme: str = "dark") -> App:
        settings = UiSettings(QSettings(str(tmp_path / f"{user}.ini"), QSettings.Format.IniFormat))
        app = App(url, user=user, settings=settings, theme=theme)
        apps.append(app)
        qtbot.waitUntil(lambda: app.presenter is not None and app.presenter.refreshes > 0, timeout=30000)
        qtbot.addWidget(app.window)
        return app

    yield make
    for app in apps:
        app.shutdown()
    assert not [t for t in threading.enumerate() if t.name == "db-listener" and t.is_alive()]
