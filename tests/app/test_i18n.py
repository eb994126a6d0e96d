"""The UI language: Chinese source strings, English from resources/i18n/aftersales_en.ts."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app import i18n

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "aftersales_en.ts"
SOURCES = [*sorted((ROOT / "app").glob("*.py")), *sorted((ROOT / "app" / "presenters").glob("*.py")),
           *sorted((ROOT / "widgets").glob("*.py"))]


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {(c.findtext("name") or "", m.findtext("source") or ""): m
            for c in root.iter("context") for m in c.iter("message")}


@pytest.fixture
def qapp():
    app = QApplication.instance() or QApplication([])
    yield app
    i18n.install_language(app, "zh_CN")
    for t in list(getattr(app, "_aftersales_translators", [])):
        QApplication.removeTranslator(t)
    app._aftersales_translators = []


def test_qm_builds_from_ts(tmp_path):
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    out = tmp_path / "en.qm"
    subprocess.run([str(lrelease), str(TS), "-qm", str(out)], check=True, capture_output=True)
    assert out.stat().st_size > 0
    assert i18n.build_qm("en") is not None


def test_every_message_is_translated():
    messages = _messages(TS)
    assert len(messages) > 100
    for (ctx, source), m in messages.items():
        t = m.find("translation")
        assert t is not None and (t.text or "").strip(), (ctx, source)
        assert t.get("type") is None, (ctx, source, t.get("type"))


def test_ts_has_every_source_string(tmp_path):
    fresh = tmp_path / "fresh.ts"
    subprocess.run([str(Path(sys.executable).parent / "pyside6-lupdate"), *map(str, SOURCES), "-source-language",
                    "zh_CN", "-target-language", "en", "-no-obsolete", "-locations", "none", "-ts", str(fresh)],
                   check=True, capture_output=True)
    assert set(_messages(fresh)) - set(_messages(TS)) == set()


def _widgets():
    from app.console_window import ConsoleWindow
    from widgets.kpi_tile import KPI_SPECS, KpiTileWidget
    from widgets.login import LoginDialog

    return KpiTileWidget(KPI_SPECS[0]), ConsoleWindow("hq", "张艳"), LoginDialog()


def test_english(qapp):
    assert i18n.install_language(qapp, "en") == "en"
    tile, window, login = _widgets()
    assert tile.title_label.text() == "Bay utilization"
    assert tile.title_en_label.isHidden()
    assert "Back" in window.back_action.text()
    assert window.windowTitle().startswith("After-sales Network Control Center")
    assert window.language_actions["en"].isChecked()
    assert login.login_button.text() == "Log in"
    for w in (tile, window, login):
        w.deleteLater()


def test_chinese(qapp):
    assert i18n.install_language(qapp, "zh_CN") == "zh_CN"
    tile, window, login = _widgets()
    assert tile.title_label.text() == "工位利用率"
    assert not tile.title_en_label.isHidden()
    assert "后退" in window.back_action.text()
    assert window.language_actions["zh_CN"].isChecked()
    assert login.login_button.text() == "登录"
    for w in (tile, window, login):
        w.deleteLater()


def test_unknown_language_falls_back_to_chinese(qapp):
    assert i18n.install_language(qapp, "xx") == "zh_CN"


def test_english_remaining_widgets(qapp):
    from datetime import datetime, timedelta

    from widgets import alert_feed, store_panels, timeline
    from widgets.schedule_board import ScheduleBoardWidget

    assert i18n.install_language(qapp, "en") == "en"
    feed = alert_feed.AlertFeedWidget()
    assert alert_feed.ack_text() == "Acknowledge"
    assert feed.badge_text == "Alerts"
    now = datetime(2026, 3, 2, 10, 0)
    assert alert_feed.time_ago(now - timedelta(minutes=3), now) == "3 min ago"
    techs = store_panels.TechniciansWidget()
    assert store_panels.tech_state_name("busy") == "Busy"
    assert techs.title_label.text() == "Technicians" and techs.title_en_label.isHidden()
    assert store_panels.minutes_text(72) == "1 h 12 min"
    assert timeline.WorkOrderTimelineWidget().title_label.text() == "Work order"
    assert [QApplication.translate("Timeline", s) for s in timeline.UPCOMING_ZH.values()] == \
        ["Service", "QC", "Done", "Delivery"]
    board = ScheduleBoardWidget()
    assert board.mode_buttons["bays"].text() == "Bays"
    for w in (feed, techs, board):
        w.deleteLater()
