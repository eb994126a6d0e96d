"""Multi-monitor wall: which view goes on which screen, full screen; remembered per screen set-up (the set of
connected screens), restored at the next start, with a saved screen that is gone falling back to the primary."""

from __future__ import annotations

import hashlib
import json

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

SETTINGS_GROUP = "screens"


def setup_key(screens: list[QScreen] | None = None) -> str:
    """A stable name for the connected screens (names and geometries), so each set-up keeps its own layout."""
    screens = screens if screens is not None else QGuiApplication.screens()
    desc = sorted(f"{s.name()}@{s.geometry().x()},{s.geometry().y()},{s.geometry().width()}x{s.geometry().height()}"
                  for s in screens)
    return hashlib.sha1("|".join(desc).encode()).hexdigest()[:12]


def screen_named(name: str | None) -> QScreen:
    """The screen of that name, or the primary one when it is not connected (any more)."""
    for s in QGuiApplication.screens():
        if s.name() == name:
            return s
    return QGuiApplication.primaryScreen()


def place(window: QWidget, screen_name: str | None, fullscreen: bool = True) -> QScreen:
    """Show a top-level window on a screen, full screen (setScreen works where window positions are ignored)."""
    screen = screen_named(screen_name)
    window.setScreen(screen)
    handle = window.windowHandle()
    if handle is not None:
        handle.setScreen(screen)
    window.setGeometry(screen.availableGeometry())
    if fullscreen:
        window.showFullScreen()
    else:
        window.show()
    return screen


def save_layout(settings: QSettings, assignments: dict[str, str]) -> None:
    """assignments: view name -> screen name, for the current set-up."""
    value = json.dumps(assignments, sort_keys=True)
    settings.setValue(f"{SETTINGS_GROUP}/{setup_key()}", value)
    settings.setValue(f"{SETTINGS_GROUP}/last", value)
    settings.sync()


def load_layout(settings: QSettings) -> dict[str, str]:
    """The layout saved for this set-up, else the last one saved (place() sends views whose screen is gone to
    the primary screen)."""
    raw = settings.value(f"{SETTINGS_GROUP}/{setup_key()}") or settings.value(f"{SETTINGS_GROUP}/last")
    if not raw:
        return {}
    try:
        data = json.loads(str(raw))
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
