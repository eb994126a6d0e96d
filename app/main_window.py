"""The shell window. Until the control-center issue lands: live KPIs by region over the database, plainly."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMainWindow,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from widgets.table_model import Column, RowTableModel


def _pct(v: float) -> str:
    return f"{v * 100:.1f}%"


KPI_COLUMNS = (
    Column("大区\nRegion", lambda r: f"{r.name_zh} {r.name_en}", align_right=False),
    Column("门店\nStores", lambda r: r.stores),
    Column("工位利用率\nUtilization", lambda r: r.utilization, _pct),
    Column("等待时长 (小时)\nWait (h)", lambda r: r.wait_hours, lambda v: f"{v:.2f}"),
    Column("日均接车\nVehicles/day", lambda r: r.vehicles_per_store_day, lambda v: f"{v:.1f}"),
    Column("日均产值 (元)\nOutput ¥/day", lambda r: r.output_per_store_day, lambda v: f"{v:,.0f}"),
    Column("满意度\nCSI", lambda r: r.csi, lambda v: f"{v:.1f}"),
)


class MainWindow(QMainWindow):
    """Emits sig_refresh_requested at most once a second while changes come in."""

    sig_refresh_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("售后服务网络控制中心 · After-sales Network Control Center")
        self.resize(1100, 520)
        central = QWidget()
        layout = QVBoxLayout(central)
        big = QFont()
        big.setPointSize(14)
        self.title = QLabel("近30天各大区指标 · KPIs by region, last 30 days")
        self.title.setFont(QFont(big.family(), 18, QFont.Weight.Bold))
        self.status = QLabel("正在启动数据库… Starting the database…")
        self.status.setFont(big)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.model = RowTableModel(KPI_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setFont(big)
        self.table.horizontalHeader().setFont(big)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        for w in (self.title, self.status, self.progress, self.table):
            layout.addWidget(w)
        self.setCentralWidget(central)
        self._dirty = False
        self._coalesce = QTimer(self)
        self._coalesce.setInterval(1000)
        self._coalesce.timeout.connect(self._flush)
        self.updated_at: datetime | None = None

    @Slot(float, str)
    def show_progress(self, fraction: float, message: str) -> None:
        self.progress.show()
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(message)

    def show_message(self, text: str) -> None:
        self.status.setText(text)

    def show_kpis(self, rows) -> None:
        self.progress.hide()
        self.model.set_rows(rows)
        self.updated_at = datetime.now()
        self.status.setText(f"已更新 Updated {self.updated_at:%H:%M:%S}")

    @Slot(int, str)
    def note_change(self, store_id: int, kind: str) -> None:
        """Bursts of changes become one refresh a second."""
        self._dirty = True
        if not self._coalesce.isActive():
            self._coalesce.start()

    @Slot()
    def note_resync(self) -> None:
        self.note_change(0, "resync")

    @Slot(bool, str)
    def note_connection(self, connected: bool, message: str) -> None:
        if not connected:
            age = f"{self.updated_at:%H:%M:%S}" if self.updated_at else "–"
            self.status.setText(f"数据库连接中断，正在重连；显示的是 {age} 的数据。"
                                f" Database connection lost, reconnecting; data shown is from {age}.")

    def _flush(self) -> None:
        if self._dirty:
            self._dirty = False
            self.sig_refresh_requested.emit()
        else:
            self._coalesce.stop()
