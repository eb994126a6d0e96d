"""The national rebalancing service at a glance: the last run (when, by which control center, how many proposals of
each kind), the next scheduled run, the last few runs, and 立即运行."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.model import RebalanceRunInfo
from widgets import theme
from widgets.i18n import arg, english
from widgets.inbox import ImpactBars, chip, inbox_css, local, message_label, set_tone, when_text
from widgets.store_panels import BODY_PX

translate = QCoreApplication.translate
_CTX = "RebalanceStatus"  # the translation context (a name, so lupdate does not take it for a source text)

KIND_METRICS = (
    ("referral", QT_TRANSLATE_NOOP("RebalanceStatus", "跨店推荐"), "count", "info"),
    ("parts", QT_TRANSLATE_NOOP("RebalanceStatus", "调拨配件"), "count", "warning"),
    ("technician_loan", QT_TRANSLATE_NOOP("RebalanceStatus", "技师支援"), "count", "good"),
)
RUN_STATUS = {
    "running": QT_TRANSLATE_NOOP("RebalanceStatus", "运行中"),
    "done": QT_TRANSLATE_NOOP("RebalanceStatus", "完成"),
    "failed": QT_TRANSLATE_NOOP("RebalanceStatus", "失败"),
}
TRIGGERS = {
    "schedule": QT_TRANSLATE_NOOP("RebalanceStatus", "定时"),
    "manual": QT_TRANSLATE_NOOP("RebalanceStatus", "手动"),
}
RECENT = 4  # the last runs listed under the latest


def _tr(text: str) -> str:
    return translate(_CTX, text)


def run_status_name(status: str) -> str:
    return _tr(RUN_STATUS[status]) if status in RUN_STATUS else status


def trigger_name(trigger: str) -> str:
    return _tr(TRIGGERS[trigger]) if trigger in TRIGGERS else trigger


def seconds_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return arg(translate("RebalanceStatus", "%1 秒"), f"{seconds:.1f}")
    return arg(translate("RebalanceStatus", "%1 分 %2 秒"), int(seconds // 60), int(seconds % 60))


class RebalanceStatusWidget(QWidget):
    """The last national rebalancing run and the next one; several control centers share the schedule and exactly
    one runs each slot, so the run says which one did it.

    Signals: sig_run_requested() — run the national rebalancing now (立即运行).
    Slots: set_runs(runs, next_run, by_kind=None), set_running(bool), show_error(text).
    """

    sig_run_requested = Signal()

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFont(theme.font(self, BODY_PX))
        self._pal = theme.palette(theme_name)
        self._running = False
        self._runs: list[RebalanceRunInfo] = []
        title = QLabel(translate("RebalanceStatus", "全国调配"), objectName="panelTitle")
        title_en = QLabel("National rebalancing", objectName="panelTitleEn")
        title_en.setVisible(not english())
        self.run_button = QPushButton(translate("RebalanceStatus", "立即运行"), objectName="primary")
        self.run_button.setToolTip(translate("RebalanceStatus", "马上算一次全国的跨店推荐、配件调拨和技师支援建议"))
        self.run_button.clicked.connect(self.request_run)
        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(title, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(title_en, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addStretch(1)
        header.addWidget(self.run_button)

        self.last_label = QLabel("", objectName="big")
        self.last_label.setWordWrap(True)
        self.status_chip = chip("", "neutral")
        last = QHBoxLayout()
        last.setSpacing(10)
        last.addWidget(self.last_label, 1)
        last.addWidget(self.status_chip, 0, Qt.AlignmentFlag.AlignTop)
        self.by_label = QLabel("", objectName="dim")
        self.by_label.setWordWrap(True)
        self.proposals_label = QLabel("", objectName="strong")
        self.kind_bars = ImpactBars(self._pal)
        self.next_label = QLabel("", objectName="strong")
        self.next_label.setWordWrap(True)
        self.message_label = message_label()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.running_label = QLabel(translate("RebalanceStatus", "正在运行全国调配，通常几秒钟…"), objectName="caption")
        self.running_label.hide()
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.running_label, 2)

        self.recent_title = QLabel(translate("RebalanceStatus", "最近几次"), objectName="sectionTitle")
        self.recent_grid = QGridLayout()
        self.recent_grid.setHorizontalSpacing(16)
        self.recent_grid.setVerticalSpacing(4)
        self.recent_labels: list[list[QLabel]] = []
        self.empty_label = QLabel(translate("RebalanceStatus", "还没有运行过。点“立即运行”算一次，或等定时运行。"), objectName="hint")
        self.empty_label.setWordWrap(True)
        rule = QFrame(objectName="rule")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.empty_label)
        layout.addLayout(last)
        layout.addWidget(self.by_label)
        layout.addWidget(self.proposals_label)
        layout.addWidget(self.kind_bars)
        layout.addWidget(self.next_label)
        layout.addLayout(busy)
        layout.addWidget(self.message_label)
        layout.addWidget(rule)
        layout.addWidget(self.recent_title)
        layout.addLayout(self.recent_grid)
        layout.addStretch(1)
        self.setStyleSheet(inbox_css(self._pal))
        self.set_runs((), None)

    @property
    def running(self) -> bool:
        return self._running

    @Slot(object, object)
    def set_runs(self, runs: Sequence[RebalanceRunInfo], next_run: datetime | None,
                 by_kind: Mapping[str, int] | None = None) -> None:
        """The runs (any order; the newest is "last"), the next scheduled moment (None: no schedule), and the
        latest run's proposals per kind ({'referral': 20, 'parts': 15, 'technician_loan': 7}) when known."""
        self._runs = sorted(runs, key=lambda r: r.started_at, reverse=True)
        latest = self._runs[0] if self._runs else None
        has = latest is not None
        self.empty_label.setVisible(not has)
        for w in (self.last_label, self.status_chip, self.by_label, self.proposals_label):
            w.setVisible(has)
        if latest is not None:
            self.last_label.setText(arg(translate("RebalanceStatus", "上次运行：%1"), when_text(latest.started_at)))
            self.status_chip.setText(run_status_name(latest.status))
            set_tone(self.status_chip, {"done": "good", "failed": "bad", "running": "info"}.get(latest.status,
                                                                                                "neutral"))
            by = arg(translate("RebalanceStatus", "由 %1 运行（%2），用时 %3"), latest.claimed_by, trigger_name(latest.trigger),
                     seconds_text(latest.seconds))
            self.by_label.setText(by)
            if latest.status == "running":
                self.proposals_label.setText(translate("RebalanceStatus", "正在计算建议…"))
            else:
                self.proposals_label.setText(arg(translate("RebalanceStatus", "提出 %1 条建议"), latest.proposals))
            if latest.status == "failed":
                self._show_message(latest.message or translate("RebalanceStatus", "这次运行没有完成，下次会再试。"), "bad")
            else:
                self.message_label.hide()
        counts = dict(by_kind or {}) if has and latest.status != "running" else {}
        total = float(max(sum(counts.values()), 1))  # each bar is its kind's share of all the proposals
        self.kind_bars.set_impact(counts, {k: total for k in counts}, KIND_METRICS, _CTX)
        if next_run is None:
            self.next_label.setText(translate("RebalanceStatus", "没有定时运行。"))
        else:
            self.next_label.setText(arg(translate("RebalanceStatus", "下次定时运行：%1"), when_text(next_run)))
        self._fill_recent(self._runs[1:1 + RECENT])
        self._set_running_look(self._running or (latest is not None and latest.status == "running"))

    @Slot(bool)
    def set_running(self, running: bool) -> None:
        """True while a run is going (here or in another control center): progress, and 立即运行 is disabled."""
        self._running = running
        self._set_running_look(running)

    @Slot()
    def request_run(self) -> None:
        if self._running:
            return
        self.message_label.hide()
        self.sig_run_requested.emit()

    @Slot(str)
    def show_error(self, text: str) -> None:
        self.set_running(False)
        self._show_message(text, "bad")

    @property
    def message(self) -> str:
        return self.message_label.text() if not self.message_label.isHidden() else ""

    def recent_lines(self) -> list[str]:
        return [" ".join(label.text() for label in row) for row in self.recent_labels]

    @Slot(str)
    def set_theme(self, name: str) -> None:
        self._pal = theme.palette(name)
        self.setStyleSheet(inbox_css(self._pal))
        self.kind_bars.set_palette(self._pal)

    def _fill_recent(self, runs: Sequence[RebalanceRunInfo]) -> None:
        for row in self.recent_labels:
            for label in row:
                self.recent_grid.removeWidget(label)
                label.deleteLater()
        self.recent_labels = []
        self.recent_title.setVisible(bool(runs))
        for n, run in enumerate(runs):
            when = local(run.started_at)
            cells = [
                QLabel(when_text(when), objectName="strong"),
                QLabel(run.claimed_by, objectName="dim"),
                QLabel(trigger_name(run.trigger), objectName="dim"),
                QLabel(arg(translate("RebalanceStatus", "%1 条建议"), run.proposals) if run.status == "done" else run_status_name(run.status),
                       objectName="strong" if run.status == "done" else "fieldError"),
                QLabel(seconds_text(run.seconds), objectName="dim"),
            ]
            for c, label in enumerate(cells):
                self.recent_grid.addWidget(label, n, c)
            self.recent_labels.append(cells)
        self.recent_grid.setColumnStretch(1, 1)

    def _set_running_look(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.running_label.setVisible(running)
        self.run_button.setEnabled(not running)
        self.run_button.setText(translate("RebalanceStatus", "正在运行…") if running else translate("RebalanceStatus", "立即运行"))

    def _show_message(self, text: str, tone: str) -> None:
        self.message_label.setText(text)
        set_tone(self.message_label, tone)
        self.message_label.setVisible(bool(text))


__all__ = ["RebalanceStatusWidget", "run_status_name", "seconds_text", "trigger_name"]
