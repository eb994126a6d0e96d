"""The UI language: Simplified Chinese (the source strings) by default, English from resources/i18n/*.qm."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT = "zh_CN"


def _lrelease() -> Path:
    folder = Path(sys.executable).parent
    for name in ("pyside6-lrelease", "pyside6-lrelease.exe"):
        if (folder / name).exists():
            return folder / name
    return folder / "pyside6-lrelease"


def build_qm(code: str, force: bool = False) -> Path | None:
    """aftersales_<code>.qm from its .ts when missing or older (lrelease next to sys.executable); None on failure."""
    ts, qm = I18N_DIR / f"aftersales_{code}.ts", I18N_DIR / f"aftersales_{code}.qm"
    if not force and qm.exists() and (not ts.exists() or qm.stat().st_mtime >= ts.stat().st_mtime):
        return qm
    if not ts.exists():
        return qm if qm.exists() else None
    try:
        subprocess.run([str(_lrelease()), str(ts), "-qm", str(qm)], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("could not build %s from %s: %s", qm.name, ts.name, exc)
        return qm if qm.exists() else None
    return qm if qm.exists() else None


def _remove_installed(app: QCoreApplication) -> None:
    for translator in getattr(app, "_aftersales_translators", []):
        QCoreApplication.removeTranslator(translator)
    app._aftersales_translators = []


def install_language(app: QCoreApplication, code: str) -> str:
    """Install the translators for `code` ('zh_CN' or 'en') on `app` (kept alive on it); returns the active code.
    Falls back to Chinese, with a logged warning, when the English translation cannot be loaded."""
    _remove_installed(app)
    if code not in LANGUAGES:
        log.warning("unknown language %r; using %s", code, DEFAULT)
        code = DEFAULT
    translators: list[QTranslator] = []
    if code == "en":
        qm = build_qm("en")
        translator = QTranslator(app)
        if qm is None or not translator.load(str(qm)):
            log.warning("the English translation (%s) is not available; showing Chinese", I18N_DIR)
            code = DEFAULT
        else:
            translators.append(translator)
    if code == "zh_CN":
        qt = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load("qtbase_zh_CN", folder):
            translators.append(qt)
    for translator in translators:
        QCoreApplication.installTranslator(translator)
    app._aftersales_translators = translators
    return code
