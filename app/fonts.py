"""Bundled Noto Sans CJK SC (GB2312 subset), registered with Qt so Chinese renders with no system CJK font."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parents[1] / "resources" / "fonts"
# Regular first: its family name is the one returned; Bold joins the same family as its 700 weight.
FONT_FILES = ("NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf")
FAMILY = "Noto Sans CJK SC"

# Ids from QFontDatabase.addApplicationFont, kept to make loading idempotent: adding the same file twice
# would register duplicate faces.
_font_ids: list[int] = []


def load_app_fonts() -> str:
    """Register the bundled fonts with QFontDatabase (once) and return their family name.

    Needs a QGuiApplication (or QApplication): the font database belongs to it. A missing or unreadable
    file is logged, not raised, so a damaged install still starts, with Qt falling back to system fonts.
    """
    if QGuiApplication.instance() is None:
        raise RuntimeError("load_app_fonts() needs a QGuiApplication; create the QApplication first")
    # Already registered with this application's font database: nothing to do. (Checked through Qt rather
    # than a plain flag, so that a new QGuiApplication, as in some test runs, gets the fonts again.)
    if _font_ids and QFontDatabase.applicationFontFamilies(_font_ids[0]):
        return QFontDatabase.applicationFontFamilies(_font_ids[0])[0]
    _font_ids.clear()
    family = ""
    for name in FONT_FILES:
        path = FONT_DIR / name
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("could not load the bundled font %s; Chinese may render as boxes", path)
            continue
        _font_ids.append(font_id)
        families = QFontDatabase.applicationFontFamilies(font_id)
        if families and not family:
            family = families[0]
    if not family:
        # Nothing loaded: hand back the platform default so callers can still build a QFont from the result.
        return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
    return family


def apply_app_font(app: QApplication, point_size: int | None = None) -> None:
    """Make the bundled family the application's default font; call it before creating any widget.

    The whole UI uses it, Latin included: Noto Sans CJK's Latin glyphs (from Source Sans) look good, and one
    family keeps Chinese and Latin on the same baseline and x-height instead of mixing fonts per character.
    point_size None keeps the platform's default size, which follows the user's display settings.
    """
    family = load_app_fonts()
    font = QFont(app.font())
    font.setFamilies([family])
    if point_size is not None:
        font.setPointSize(point_size)
    app.setFont(font)
