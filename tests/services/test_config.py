"""Deployment settings and the keyring: URL precedence, no passwords in files, one clear sentence on errors."""

from __future__ import annotations

import pytest

from services import credentials
from services.config import ENV_DATABASE_URL, load_config
from services.db.engine import open_database
from services.model import ConfigError, DatabaseUnavailable


def test_precedence_argument_then_environment_then_file(tmp_path, monkeypatch):
    f = tmp_path / "config.toml"
    f.write_text('[database]\nurl = "postgresql://file@filehost/db"\n')
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    assert load_config(config_file=f).database_url == "postgresql://file@filehost/db"
    monkeypatch.setenv(ENV_DATABASE_URL, "postgresql://env@envhost/db")
    assert load_config(config_file=f).database_url == "postgresql://env@envhost/db"
    assert load_config("postgresql://arg@arghost/db", config_file=f).database_url == "postgresql://arg@arghost/db"
    monkeypatch.delenv(ENV_DATABASE_URL)
    assert load_config(config_file=tmp_path / "missing.toml").embedded


def test_password_in_settings_file_is_refused(tmp_path):
    f = tmp_path / "config.toml"
    f.write_text('[database]\nurl = "postgresql://bob:secret@db/aftersales"\n')
    with pytest.raises(ConfigError, match="keyring") as info:
        load_config(config_file=f)
    assert "secret" not in str(info.value)


def test_broken_settings_file_says_which_file(tmp_path):
    f = tmp_path / "config.toml"
    f.write_text("[database\nurl = ")
    with pytest.raises(ConfigError, match=str(f)):
        load_config(config_file=f)


def test_password_comes_from_the_keyring_and_is_never_displayed(memory_keyring, monkeypatch):
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    acct = credentials.account("bob", "127.0.0.1", 1, "aftersales")
    credentials.set_password(acct, "s3cret-pw")
    cfg = load_config("postgresql://bob@127.0.0.1:1/aftersales")
    db = open_database(cfg, check=False)
    assert "s3cret-pw" in db.conninfo  # handed to libpq ...
    assert "s3cret-pw" not in db.display_url() and "s3cret-pw" not in repr(db)  # ... but never shown


def test_unreachable_server_gives_one_sentence(monkeypatch):
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    with pytest.raises(DatabaseUnavailable) as info:
        open_database(load_config("postgresql://bob@127.0.0.1:1/aftersales"))
    text = str(info.value)
    assert "127.0.0.1:1" in text and "check that it is running" in text and "\n" not in text


@pytest.mark.parametrize("url, phrase", [
    ("mysql://bob@host/db", "PostgreSQL only"),
    ("not a url at all", "not valid"),
])
def test_wrong_urls_are_explained(url, phrase, monkeypatch):
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    with pytest.raises(ConfigError, match=phrase):
        open_database(load_config(url))


def test_wrong_password_is_explained():
    from services.db.engine import explain_connection_error

    msg = explain_connection_error("host=db.example port=5432 dbname=x user=bob password=zzz",
                                   Exception('FATAL:  password authentication failed for user "bob"'))
    assert "store-password" in msg and "bob" in msg and "zzz" not in msg
