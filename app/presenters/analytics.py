"""Off-peak pricing and the replay for the wall: the rules editor (HQ edits, everyone else reads) with the load by
hour before and since the last change, and the old-versus-smart scenario comparison. Database work runs on the task
runner."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.tasks import TaskRunner
from services.analytics import HourlyLoad, hourly_load
from services.db.engine import Database
from services.model import DomainError, PricingRule, ScenarioKpiRow
from services.network import CHINA, china_today
from services.users import UserInfo
from widgets.hourly_load import HourlyLoadChart
from widgets.pricing_editor import PricingEditor
from widgets.scenario_view import ScenarioView
from widgets.theme import palette as theme_palette

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
WINDOW_DAYS = 7


@dataclass(frozen=True, slots=True)
class PricingData:
    rules: tuple[PricingRule, ...]
    changed_at: datetime | None
    before: HourlyLoad
    after: HourlyLoad


def fetch_pricing(db: Database, region_code: str | None) -> PricingData:
    """Runs on a worker thread: the rules and the load by hour in the week before and the week since they changed."""
    from services.booking.rules import load_rules, rules_changed_at

    today = china_today()
    with db.engine.connect() as conn:
        rules = load_rules(conn)
        changed = rules_changed_at(conn)
        # Whole days only: the week before the rules last changed and the days since (up to a week); when they
        # changed today (or never), the last complete week against the one before it.
        yesterday = today - timedelta(days=1)
        pivot = changed.astimezone(CHINA).date() if changed else None
        if pivot is None or pivot > yesterday:
            pivot = yesterday - timedelta(days=WINDOW_DAYS - 1)
        before = hourly_load(conn, pivot - timedelta(days=WINDOW_DAYS), pivot - timedelta(days=1), region_code)
        after = hourly_load(conn, pivot, min(yesterday, pivot + timedelta(days=WINDOW_DAYS - 1)), region_code)
        return PricingData(rules, changed, before, after)


def save_pricing(db: Database, rules: tuple[PricingRule, ...], actor: str) -> tuple[PricingRule, ...]:
    from services.booking.rules import save_rules

    with db.engine.connect() as conn:
        saved = save_rules(conn, rules, actor)
        conn.commit()
        return saved


def fetch_comparison(db: Database) -> tuple[list[ScenarioKpiRow], dict[str, list[float]] | None, dict]:
    """Runs on a worker thread: the latest replay of each policy (empty when nothing was replayed yet), the hourly
    load profile of each, and when and over what they ran."""
    from services.replay import load_comparison, load_extra, load_meta

    with db.connect() as conn:
        rows = list(load_comparison(conn))
        hourly: dict[str, list[float]] = {}
        meta: dict = {}
        for policy, scenario_id in {r.policy: r.scenario_id for r in rows}.items():
            profile = load_extra(conn, scenario_id).get("hourly_load")
            if isinstance(profile, list) and profile:
                hourly[policy] = [float(v) for v in profile]
            meta.update(load_meta(conn, scenario_id))
    return rows, hourly or None, meta


def _period(load: HourlyLoad) -> str:
    return f"{load.date_from:%m-%d}–{load.date_to:%m-%d}"


class AnalyticsPresenter(QObject):
    """The pricing dialog and the replay tab of the wall."""

    def __init__(self, window, runner: TaskRunner, db: Database, user: UserInfo, theme: str,
                 region_code=None) -> None:
        super().__init__(window)
        self.window, self.runner, self.db, self.user, self.theme = window, runner, db, user, theme
        self.region_code = region_code
        self.dialog: QDialog | None = None
        self.editor: PricingEditor | None = None
        self.chart: HourlyLoadChart | None = None
        self.scenario_view = ScenarioView()
        # Which replay to hold against the old way: issue 4's smart booking and dispatch, or with the network's
        # rebalancing on top (the latest scenario of each).
        self.scenario = QWidget()
        self.policy_box = QComboBox()
        self.policy_box.addItem(translate("AnalyticsPresenter", "智能预约与调度"), "smart")
        self.policy_box.addItem(translate("AnalyticsPresenter", "再加上网络调配（借调、调拨、跨店推荐）"), "rebalance")
        self.policy_box.setCurrentIndex(1)
        self.policy_box.currentIndexChanged.connect(lambda _: self._show_comparison(self._comparison))
        top = QHBoxLayout()
        top.addWidget(QLabel(translate("AnalyticsPresenter", "与原来的做法对比：")))
        top.addWidget(self.policy_box)
        top.addStretch(1)
        pal = theme_palette(self.theme if self.theme in ("dark", "light") else "dark")
        self.scenario.setObjectName("scenarioBox")
        self.scenario.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.scenario.setStyleSheet(f"""
            QWidget#scenarioBox {{ background: {pal.window}; }}
            QWidget#scenarioBox > QLabel {{ color: {pal.text}; font-size: 15px; }}
            QWidget#scenarioBox > QComboBox {{ color: {pal.text}; background: {pal.surface_alt};
                border: 1px solid {pal.border}; border-radius: 6px; padding: 4px 10px; font-size: 15px; }}""")
        box = QVBoxLayout(self.scenario)
        box.setContentsMargins(8, 6, 0, 0)
        box.addLayout(top)
        box.addWidget(self.scenario_view, 1)
        self._comparison = ([], None, {})
        self.pricing_data: PricingData | None = None
        self.comparison_loaded = 0

    # --- off-peak pricing --------------------------------------------------------------------------------------

    def open_pricing(self) -> QDialog:
        if self.dialog is None:
            self.dialog = QDialog(self.window)
            self.dialog.setWindowTitle(translate("AnalyticsPresenter", "低峰定价规则"))
            self.dialog.setWindowModality(Qt.WindowModality.NonModal)
            self.editor = PricingEditor()
            self.chart = HourlyLoadChart()
            layout = QHBoxLayout(self.dialog)
            layout.addWidget(self.editor, 3)
            layout.addWidget(self.chart, 2)
            self.dialog.resize(1500, 760)
            self.editor.sig_save_requested.connect(self.save)
        self.dialog.show()
        self.dialog.raise_()
        self.reload_pricing()
        return self.dialog

    def reload_pricing(self) -> None:
        region = self.user.region_code if self.user.role == "region" else None
        self.runner.submit(fetch_pricing, self.db, region, on_done=self._show_pricing, on_error=self._failed)

    def _show_pricing(self, data: PricingData) -> None:
        self.pricing_data = data
        if self.editor is None or self.chart is None:
            return
        self.editor.set_rules(data.rules, self.user.role == "hq")
        share = [d / b if b else 0.0 for d, b in zip(data.after.discounted, data.after.bookings, strict=True)]
        self.chart.set_profiles(data.after.hours, data.before.utilization, data.after.utilization, share,
                                _period(data.before), _period(data.after))

    def save(self, rules: tuple[PricingRule, ...]) -> None:
        def done(saved: tuple[PricingRule, ...]) -> None:
            text = translate("AnalyticsPresenter", "已保存 %1 条低峰定价规则，新预约立即按新规则报价。").replace(
                "%1", str(len(saved)))
            if self.editor is not None:
                self.editor.show_saved(text)
            self.window.show_message(text)
            self.reload_pricing()

        def failed(exc: Exception) -> None:
            text = str(exc) if isinstance(exc, DomainError) else translate(
                "AnalyticsPresenter", "出错了：%1").replace("%1", str(exc))
            if self.editor is not None:
                self.editor.show_error(text)

        self.runner.submit(save_pricing, self.db, tuple(rules), self.user.login, on_done=done, on_error=failed)

    # --- the replay on the wall ---------------------------------------------------------------------------------

    def reload_comparison(self) -> None:
        self.runner.submit(fetch_comparison, self.db, on_done=self._show_comparison, on_error=self._failed)

    def _show_comparison(self, data) -> None:
        self._comparison = data
        rows, hourly, meta = data
        wanted = self.policy_box.currentData()
        policies = {r.policy for r in rows}
        policy = wanted if wanted in policies else ("smart" if "smart" in policies else None)
        shown = [r for r in rows if r.policy in ("old", policy)]
        self.scenario_view.set_comparison(shown, {k: v for k, v in (hourly or {}).items() if k in ("old", policy)}
                                          or None, {**meta, "baseline": "old", "policy": policy or "smart"})
        self.comparison_loaded += 1

    def _failed(self, exc: Exception) -> None:
        text = str(exc) if isinstance(exc, DomainError) else translate("AnalyticsPresenter", "出错了：%1").replace(
            "%1", str(exc))
        log.warning("%s", text)
        self.window.show_message(text, 15)
