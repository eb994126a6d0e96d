"""The command line: kpi, db-url, migrate and the one-sentence errors, against the small demo network."""

from __future__ import annotations

import json

import psycopg
import pytest

from app.cli import main
from tests.conftest import DEMO_OPTS


@pytest.fixture
def url(demo_db) -> str:
    db, _ = demo_db
    return db.url.set(drivername="postgresql").render_as_string(hide_password=False)


def test_kpi_json_by_region(url, capsys):
    assert main(["--database-url", url, "kpi", "--by", "region", "--from", DEMO_OPTS.first_day().isoformat(),
                 "--to", DEMO_OPTS.last_day().isoformat(), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["by"] == "region" and len(data["rows"]) == 7
    assert data["now"]["live_stores"] == DEMO_OPTS.stores and data["now"]["users"] == 11
    for row in data["rows"]:
        assert 0.05 < row["utilization"] < 1.0
        assert 0.0 < row["wait_hours"] < 6.0
        assert row["output_per_store_day"] > 1000
        assert 50 < row["csi"] <= 100


def test_kpi_table_nation_and_store(url, capsys):
    day = DEMO_OPTS.last_day().isoformat()
    assert main(["--database-url", url, "kpi", "--by", "nation", "--from", day, "--to", day]) == 0
    out = capsys.readouterr().out
    assert "全国" in out and "util %" in out
    assert main(["--database-url", url, "kpi", "--by", "store", "--from", day, "--to", day, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["rows"]) == DEMO_OPTS.stores


def test_kpi_dates_the_wrong_way_round(url, capsys):
    assert main(["--database-url", url, "kpi", "--from", "2026-10-10", "--to", "2026-10-01"]) == 2
    assert "--from is after --to" in capsys.readouterr().err


def test_db_url_connects(url, capsys):
    assert main(["--database-url", url, "db-url"]) == 0
    printed = capsys.readouterr().out.strip()
    with psycopg.connect(printed) as c:
        assert c.execute("SELECT count(*) FROM store").fetchone()[0] == DEMO_OPTS.stores


def test_migrate_reports_the_revision(url, capsys):
    assert main(["--database-url", url, "migrate"]) == 0
    assert "Schema is at revision" in capsys.readouterr().out


def test_bad_database_url_is_one_sentence(capsys):
    assert main(["--database-url", "mysql://x@y/z", "db-url"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "PostgreSQL only" in err and "Traceback" not in err


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for cmd in ("seed", "simulate", "migrate", "db-url", "kpi"):
        assert cmd in out


def test_store_password_goes_to_the_keyring(monkeypatch, capsys, memory_keyring):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("pa55word\n"))
    assert main(["--database-url", "postgresql://ops@db.example:5433/aftersales", "store-password",
                 "--password-stdin"]) == 0
    assert memory_keyring.get_password("aftersales-control-center", "ops@db.example:5433/aftersales") == "pa55word"
    assert "pa55word" not in capsys.readouterr().out
