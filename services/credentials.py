"""The one place where database passwords are read or written: the operating system's keyring."""

from __future__ import annotations

import contextlib

import keyring
from keyring.errors import KeyringError, NoKeyringError

from services.model import ConfigError

SERVICE = "aftersales-control-center"


def account(user: str, host: str, port: int | None, database: str) -> str:
    """The keyring account name for one login on one server; the password alone is stored (not a URL)."""
    return f"{user}@{host}:{port or 5432}/{database}"


def get_password(acct: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, acct)
    except NoKeyringError:
        return None
    except KeyringError as exc:
        raise ConfigError(f"The system keyring could not be read ({exc}); unlock it and try again.") from exc


def set_password(acct: str, password: str) -> None:
    try:
        keyring.set_password(SERVICE, acct, password)
    except NoKeyringError as exc:
        raise ConfigError(
            "This computer has no system keyring to keep the password in; install one (for example "
            "gnome-keyring or KWallet) or give the password through the PGPASSWORD environment variable."
        ) from exc
    except KeyringError as exc:
        raise ConfigError(f"The system keyring refused the password ({exc}).") from exc


def delete_password(acct: str) -> None:
    with contextlib.suppress(KeyringError, NoKeyringError):
        keyring.delete_password(SERVICE, acct)
