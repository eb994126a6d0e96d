"""Pages of the drill-down assembled from widgets: a store's day and one work order."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from services.network import CHINA
from services.store_day import StoreDayView
from widgets.schedule_board import ScheduleBoardWidget
from widgets.store_panels import (
    BookingsWidget,
    StoreKpiCompareWidget,
    TechniciansWidget,
    WorkshopVehiclesWidget,
)
from widgets.timeline import WorkOrderTimelineWidget


class StorePageWidget(QWidget):
    """A store's day: how it is doing against its region, the bay/technician board, the vehicles in the
    workshop with today's bookings, and the technicians — four things, large."""

    sig_work_order_selected = Signal(int)

    def __init__(self, theme: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.compare = StoreKpiCompareWidget()
        self.board = ScheduleBoardWidget()
        self.vehicles = WorkshopVehiclesWidget()
        self.bookings = BookingsWidget()
        self.technicians = TechniciansWidget()
        for w in (self.compare, self.board, self.vehicles, self.bookings, self.technicians):
            w.set_theme(theme)
        lists = QTabWidget()
        lists.addTab(self.vehicles, self.tr("在修车辆"))
        lists.addTab(self.bookings, self.tr("今日预约"))
        lists.addTab(self.technicians, self.tr("技师"))
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.compare)
        top.addWidget(lists)
        top.setSizes([420, 900])
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(self.board)
        body.setSizes([380, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(body, 1)
        for source in (self.board, self.vehicles, self.technicians):
            source.sig_work_order_selected.connect(self.sig_work_order_selected)
        # Moving jobs by hand is the dispatch issue's; until then a drag says so instead of waiting forever.
        self.board.sig_move_requested.connect(
            lambda job_id, *_: self.board.reject_move(job_id, self.tr("手动调度将在排班模块中开放。")))

    def set_view(self, view: StoreDayView) -> None:
        now = datetime.now(CHINA)
        today = self.tr("今日")
        self.title.setText(f"<span style='font-size:24px;font-weight:700'>{view.name_zh}</span>"
                           f"&nbsp;&nbsp;<span style='font-size:15px'>{view.code} · {today}</span>")
        self.compare.set_kpis(view.kpis, view.region_kpis)
        self.board.set_day(view.day_start, view.day_end)
        self.board.set_lanes(view.lanes)
        self.board.setMinimumHeight(min(520, self.board.height_for_all_lanes()))  # fits a 1080-line screen
        self.board.set_jobs(view.jobs)
        self.board.set_now(now)
        self.vehicles.set_vehicles(view.vehicles)
        self.bookings.set_bookings(view.bookings, now)
        self.technicians.set_technicians(view.technicians)


class WorkOrderPageWidget(WorkOrderTimelineWidget):
    """One work order: its header and the timeline of every status change with who wrote it."""
