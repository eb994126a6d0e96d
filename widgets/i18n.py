"""Translation helpers shared by the widgets: which language is active, and translate-at-use for marked tables."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

__all__ = ["QT_TRANSLATE_NOOP", "english", "tr"]


def tr(context: str, text: str) -> str:
    """Translate a string marked elsewhere with QT_TRANSLATE_NOOP(context, text)."""
    return QCoreApplication.translate(context, text)


def english() -> bool:
    """True when the English translation is installed (the .ts maps this marker to 'en'); Chinese otherwise."""
    return QCoreApplication.translate("Language", "zh_CN") == "en"


def paired(context: str, zh: str, en: str, sep: str = "  ") -> str:
    """A Chinese label with its small English gloss ('工位利用率  Bay utilization') in Chinese; in English only the
    translation of `zh` (marked with QT_TRANSLATE_NOOP(context, zh) where it is defined)."""
    if english():
        return QCoreApplication.translate(context, zh)
    return f"{zh}{sep}{en}"
