"""Pages of the drill-down assembled from widgets: a store's day and one work order."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services.network import CHINA
from services.store_day import StoreDayView
from widgets import theme as theme_mod
from widgets.schedule_board import ScheduleBoardWidget
from widgets.store_panels import (
    BookingsWidget,
    StoreKpiCompareWidget,
    TechniciansWidget,
    WorkshopVehiclesWidget,
)
from widgets.timeline import WorkOrderTimelineWidget


def scrollable(widget: QWidget, *, horizontal: bool = True) -> QScrollArea:
    """`widget` in a frameless scroll area: a page or panel with a large minimum size scrolls where it is short of
    room instead of widening or lengthening what holds it (a dock column, the tabs, the window)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    if not horizontal:
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


class PlanningBar(QWidget):
    """The store page's actions: book a customer, re-plan the day (with progress and a cancel button), re-plan by
    itself on events; and one plain sentence saying what the last action did."""

    sig_book_requested = Signal()
    sig_replan_requested = Signal()
    sig_cancel_requested = Signal()
    sig_auto_replan_changed = Signal(bool)

    def __init__(self, theme: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        p = theme_mod.palette(theme)
        self.book_button = QPushButton(self.tr("新建预约"), objectName="primaryAction")
        self.replan_button = QPushButton(self.tr("重新排班"), objectName="action")
        self.cancel_button = QPushButton(self.tr("停止排班"), objectName="action")
        self.auto_box = QCheckBox(self.tr("有变化时自动排班"))
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(140)
        self.status = QLabel(objectName="planStatus")
        self.status.setWordWrap(True)
        for button in (self.book_button, self.replan_button, self.cancel_button):
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setMinimumHeight(40)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        row.addWidget(self.book_button)
        row.addWidget(self.replan_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.progress)
        row.addWidget(self.status, 1)
        row.addWidget(self.auto_box)
        self.setStyleSheet(f"""
            QPushButton#primaryAction {{ color: {p.button_text}; background: {p.button}; border: none;
                border-radius: 8px; padding: 6px 20px; font-size: 17px; font-weight: 700; }}
            QPushButton#action {{ color: {p.text}; background: {p.surface_alt}; border: 1px solid {p.border};
                border-radius: 8px; padding: 6px 18px; font-size: 16px; }}
            QPushButton#action:hover, QPushButton#primaryAction:hover {{ border: 1px solid {p.accent}; }}
            QPushButton:disabled {{ color: {p.text_dim}; }}
            QLabel#planStatus {{ color: {p.text}; font-size: 15px; }}
            QCheckBox {{ color: {p.text}; font-size: 15px; }}
        """)
        self.book_button.clicked.connect(self.sig_book_requested)
        self.replan_button.clicked.connect(self.sig_replan_requested)
        self.cancel_button.clicked.connect(self.sig_cancel_requested)
        self.auto_box.toggled.connect(self.sig_auto_replan_changed)
        self._clock = QElapsedTimer()
        self._limit_s = 1.0
        self._tick = QTimer(self)
        self._tick.setInterval(100)
        self._tick.timeout.connect(self._advance)
        self.set_busy(False)

    def set_busy(self, busy: bool, text: str = "", limit_s: float = 1.0) -> None:
        """Planning runs (progress over the solver's time limit, a cancel button) or is done."""
        self.replan_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)
        if busy:
            self._limit_s = max(0.1, limit_s)
            self._clock.start()
            self.progress.setRange(0, 1000)
            self.progress.setValue(0)
            self._tick.start()
        else:
            self._tick.stop()
        if text:
            self.status.setText(text)

    def show_result(self, text: str) -> None:
        self.set_busy(False)
        self.status.setText(text)

    def _advance(self) -> None:
        self.progress.setValue(min(990, int(self._clock.elapsed() / 1000 / self._limit_s * 1000)))


class StorePageWidget(QWidget):
    """A store's day: how it is doing against its region, the bay/technician board, the vehicles in the
    workshop with today's bookings, and the technicians — four things, large — with the planning actions above."""

    sig_work_order_selected = Signal(int)
    sig_move_requested = Signal(int, str, int, object)  # board job id (< 0: a planned booking), lane, lane id, start

    def __init__(self, theme: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.actions = PlanningBar(theme)
        self.compare = StoreKpiCompareWidget()
        self.board = ScheduleBoardWidget()
        self.vehicles = WorkshopVehiclesWidget()
        self.bookings = BookingsWidget()
        self.technicians = TechniciansWidget()
        for w in (self.compare, self.board, self.vehicles, self.bookings, self.technicians):
            w.set_theme(theme)
        lists = self.lists = QTabWidget()
        lists.addTab(self.vehicles, self.tr("在修车辆"))
        lists.addTab(self.bookings, self.tr("今日预约"))
        lists.addTab(self.technicians, self.tr("技师"))
        top = QSplitter(Qt.Orientation.Horizontal)
        compare_area = scrollable(self.compare, horizontal=False)  # on a short screen it scrolls, the board stays
        compare_area.setMinimumWidth(self.compare.minimumSizeHint().width() + 14)
        top.addWidget(compare_area)
        top.addWidget(lists)
        top.setSizes([420, 900])
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(self.board)
        body.setSizes([470, 430])
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.actions, 1)
        layout.addLayout(head)
        layout.addWidget(body, 1)
        for source in (self.board, self.vehicles, self.technicians):
            source.sig_work_order_selected.connect(self.sig_work_order_selected)
        self.board.sig_move_requested.connect(self.sig_move_requested)

    def set_view(self, view: StoreDayView) -> None:
        now = datetime.now(CHINA)
        today = self.tr("今日")
        self.title.setText(f"<span style='font-size:24px;font-weight:700'>{view.name_zh}</span>"
                           f"&nbsp;&nbsp;<span style='font-size:15px'>{view.code} · {today}</span>")
        self.compare.set_kpis(view.kpis, view.region_kpis)
        self.board.set_day(view.day_start, view.day_end)
        self.board.set_lanes(view.lanes)
        self.board.setMinimumHeight(min(240, self.board.height_for_all_lanes()))  # fits a 1080-line screen
        self.board.set_jobs(view.jobs)
        self.board.set_now(now)
        self.vehicles.set_vehicles(view.vehicles)
        self.bookings.set_bookings(view.bookings, now)
        self.technicians.set_technicians(view.technicians)


class WorkOrderPageWidget(WorkOrderTimelineWidget):
    """One work order: its header and the timeline of every status change with who wrote it."""
