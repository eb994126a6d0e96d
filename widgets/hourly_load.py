"""Bay load by hour of the day for two periods (before and since the off-peak rules changed), with the bookings
that took a discounted slot: where a picture says whether off-peak pricing flattens the peak."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from widgets import theme

translate = QCoreApplication.translate


class HourlyLoadChart(QWidget):
    """Two load curves by hour (the earlier period dashed, the recent one solid) and the recent period's
    discounted bookings as bars; a sentence under it says how peaked each period was."""

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._pal = theme.palette(theme_name)
        p = self._pal
        self.title = QLabel(translate("HourlyLoadChart", "各小时工位负载：调价前后"), objectName="panelTitle")
        self.plot = pg.PlotWidget(background=p.surface)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        self.plot.setYRange(0, 100.0)
        self.plot.getAxis("left").setLabel(translate("HourlyLoadChart", "负载 %"))
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.getAxis("bottom").setLabel(translate("HourlyLoadChart", "时"))
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTextPen(QColor(p.text))
            self.plot.getAxis(axis).setPen(QColor(p.border))
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6, brush=QColor(p.series[2]), pen=pg.mkPen(None))
        self.before = pg.PlotDataItem(pen=pg.mkPen(QColor(p.neutral), width=3, style=Qt.PenStyle.DashLine))
        self.after = pg.PlotDataItem(pen=pg.mkPen(QColor(p.accent), width=3.5), symbol="o", symbolSize=7,
                                     symbolBrush=QColor(p.accent))
        self.plot.addItem(self.bars)
        self.plot.addItem(self.before)
        self.plot.addItem(self.after)
        self.legend = QLabel(objectName="caption")
        self.legend.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.summary)
        self.setStyleSheet(theme.panel_stylesheet(p) + f"QLabel {{ font-size: 15px; color: {p.text}; }}")
        self.setMinimumHeight(300)

    def set_profiles(self, hours: Sequence[int], before: Sequence[float], after: Sequence[float],
                     discounted_share: Sequence[float], before_label: str, after_label: str) -> None:
        """Load (0..1) by hour for the two periods; discounted_share: per hour, the share of the recent period's
        bookings that took an off-peak discount (0..1), drawn as bars."""
        x = np.asarray(list(hours), dtype=float)
        self.before.setData(x, 100 * np.asarray(list(before), dtype=float))
        self.after.setData(x, 100 * np.asarray(list(after), dtype=float))
        self.bars.setOpts(x=x, height=100 * np.asarray(list(discounted_share), dtype=float), width=0.6)
        top = 100 * max([*before, *after, *discounted_share, 0.5])
        self.plot.setYRange(0, min(105.0, top * 1.15))
        self.plot.setXRange(float(min(hours)) - 0.6, float(max(hours)) + 0.6)
        self.plot.getAxis("bottom").setTicks([[(float(h), str(h)) for h in hours]])
        self.legend.setText(translate("HourlyLoadChart", "虚线：%1　实线：%2　柱：低峰折扣预约占比")
                            .replace("%1", before_label).replace("%2", after_label))

        def peak(values: Sequence[float]) -> float:
            busy = [v for v in values if v > 0]
            return max(busy) / (sum(busy) / len(busy)) if busy else 0.0

        self.summary.setText(translate("HourlyLoadChart", "高峰与平均之比：%1 → %2（越接近 1 越平稳）")
                             .replace("%1", f"{peak(before):.2f}").replace("%2", f"{peak(after):.2f}"))
