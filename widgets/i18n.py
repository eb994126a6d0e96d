"""Translation helpers shared by the widgets: which language is active, and translate-at-use for marked tables."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

__all__ = ["QT_TRANSLATE_NOOP", "arg", "english", "paired", "tr"]


def tr(context: str, text: str) -> str:
    """Translate a string marked elsewhere with QT_TRANSLATE_NOOP(context, text)."""
    return QCoreApplication.translate(context, text)


def arg(text: str, *args: object) -> str:
    """Fill a translated text's %1, %2, … (highest first, so %1 never eats the start of %10)."""
    for n in range(len(args), 0, -1):
        text = text.replace(f"%{n}", str(args[n - 1]))
    return text


def english() -> bool:
    """True when the English translation is installed (the .ts maps this marker to 'en'); Chinese otherwise."""
    return QCoreApplication.translate("Language", "zh_CN") == "en"


def paired(context: str, zh: str, en: str, sep: str = "  ") -> str:
    """A Chinese label with its small English gloss ('工位利用率  Bay utilization') in Chinese; in English only the
    translation of `zh` (marked with QT_TRANSLATE_NOOP(context, zh) where it is defined)."""
    if english():
        return QCoreApplication.translate(context, zh)
    return f"{zh}{sep}{en}"
