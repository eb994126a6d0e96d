"""Deployment settings: where the database is and where per-user data lives (file + environment, no secrets)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from services.model import ConfigError

APP_NAME = "aftersales-control-center"
ENV_DATABASE_URL = "AFTERSALES_DATABASE_URL"
ENV_DATA_DIR = "AFTERSALES_DATA_DIR"
ENV_CONFIG_FILE = "AFTERSALES_CONFIG"


@dataclass(frozen=True, slots=True)
class Config:
    """Where things are. database_url None means: the embedded server in data_dir."""

    database_url: str | None
    data_dir: Path
    config_file: Path

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"


def default_config_file() -> Path:
    return Path(os.environ.get(ENV_CONFIG_FILE) or platformdirs.user_config_path(APP_NAME) / "config.toml")


def load_config(database_url: str | None = None, config_file: Path | None = None) -> Config:
    """Merge, highest first: the argument (command line), the environment, the settings file, the default."""
    path = config_file or default_config_file()
    file_values: dict[str, object] = {}
    if path.exists():
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"The settings file {path} is not valid TOML ({exc}); fix or delete it.") from exc
    db = file_values.get("database", {})
    file_url = db.get("url") if isinstance(db, dict) else None
    if file_url is not None and not isinstance(file_url, str):
        raise ConfigError(f"In {path}, [database] url must be a text like postgresql://user@host/db.")
    if file_url and _has_password(file_url):
        raise ConfigError(
            f"The settings file {path} contains a database password; remove it from the URL and run "
            "'python main.py store-password' to keep it in the system keyring instead."
        )
    url = database_url or os.environ.get(ENV_DATABASE_URL) or file_url or None
    data_dir = Path(os.environ.get(ENV_DATA_DIR) or platformdirs.user_data_path(APP_NAME))
    return Config(database_url=url, data_dir=data_dir, config_file=path)


def _has_password(url: str) -> bool:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).password is not None
    except Exception:  # noqa: BLE001 - a malformed URL is reported when it is used
        return False
