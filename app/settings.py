"""Per-user UI state over QSettings (last user, language, theme, layouts), with a schema version."""

from __future__ import annotations

from PySide6.QtCore import QSettings

SCHEMA_VERSION = 1
ORGANIZATION = "aftersales"
APPLICATION = "control-center"


class UiSettings:
    """Typed access to the few things the app remembers per user of the computer. Never passwords (keyring)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.qs = settings or QSettings(ORGANIZATION, APPLICATION)
        version = int(self.qs.value("schema_version", 0) or 0)
        if version > SCHEMA_VERSION:
            self.qs.clear()  # written by a newer app: start clean rather than misread it
        self.qs.setValue("schema_version", SCHEMA_VERSION)

    def _get(self, key: str, default: str) -> str:
        value = self.qs.value(key, default)
        return str(value) if value is not None else default

    @property
    def last_user(self) -> str:
        return self._get("login/last_user", "")

    @last_user.setter
    def last_user(self, login: str) -> None:
        self.qs.setValue("login/last_user", login)

    @property
    def language(self) -> str:
        return self._get("ui/language", "zh_CN")

    @language.setter
    def language(self, code: str) -> None:
        self.qs.setValue("ui/language", code)

    @property
    def theme(self) -> str:
        return self._get("ui/theme", "")

    @theme.setter
    def theme(self, name: str) -> None:
        self.qs.setValue("ui/theme", name)

    def window_state(self, edition: str) -> tuple[bytes | None, bytes | None]:
        geometry = self.qs.value(f"window/{edition}/geometry")
        state = self.qs.value(f"window/{edition}/state")
        return (bytes(geometry) if geometry else None, bytes(state) if state else None)

    def save_window_state(self, edition: str, geometry: bytes, state: bytes) -> None:
        self.qs.setValue(f"window/{edition}/geometry", geometry)
        self.qs.setValue(f"window/{edition}/state", state)

    def sync(self) -> None:
        self.qs.sync()
