"""A KPI trend chart: one line per region over days, a KPI selector, a legend that reads out the hovered day."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, QPointF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from services.model import TrendSeries
from widgets import theme
from widgets.i18n import english, paired
from widgets.kpi_tile import KPI_SPECS, SPEC_BY_KEY, format_with_unit

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAY_MARKS = (QT_TRANSLATE_NOOP("TrendChart", "周一"), QT_TRANSLATE_NOOP("TrendChart", "周二"),
                  QT_TRANSLATE_NOOP("TrendChart", "周三"), QT_TRANSLATE_NOOP("TrendChart", "周四"),
                  QT_TRANSLATE_NOOP("TrendChart", "周五"), QT_TRANSLATE_NOOP("TrendChart", "周六"),
                  QT_TRANSLATE_NOOP("TrendChart", "周日"))


def tr(text: str) -> str:
    return QCoreApplication.translate("TrendChart", text)


def day_label(d: date) -> str:
    """A tick label as Chinese readers write short dates: 11/20."""
    return f"{d.month}/{d.day}"


_FIRST_DAY, _LAST_DAY = date.min.toordinal(), date.max.toordinal()


class DayAxisItem(pg.AxisItem):
    """A bottom axis over day ordinals (date.toordinal()): ticks on whole days, weeks start on Monday.

    Neither method may raise: an exception inside pyqtgraph's axis paint leaves a QPainter open on a QPicture,
    and the process segfaults at a later repaint (seen with PySide6 6.11.3 / pyqtgraph 0.14.0)."""

    _STEPS = (1, 2, 3, 7, 14)
    _LABEL_PX = 70  # room one "11/20" label needs, with air around it

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        if not (math.isfinite(minVal) and math.isfinite(maxVal)):
            return []
        lo = max(math.ceil(minVal), _FIRST_DAY)
        hi = min(math.floor(maxVal), _LAST_DAY)
        if hi < lo or size <= 0:
            return []
        span = max(hi - lo, 1)
        room = max(int(size // self._LABEL_PX), 2)
        for step in self._STEPS:
            if span / step <= room:
                break
        else:
            step = 0
        if step == 0:  # a long span: the first of each month (or of every second/third month)
            months = [d for d in range(lo, hi + 1) if date.fromordinal(d).day == 1]
            every = max(1, math.ceil(len(months) / room))
            major = [float(d) for d in months[::every]]
            return [(30.0 * every, major)]
        # Ordinal 1 is a Monday: weekly ticks fall on Mondays, shorter steps on whole days.
        offset = 1 if step in (7, 14) else 0
        first = lo + (offset - lo) % step
        major = [float(d) for d in range(first, hi + 1, step)]
        levels = [(float(step), major)]
        if step > 1 and size / span >= 6:
            levels.append((1.0, [float(d) for d in range(lo, hi + 1)]))
        return levels

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [day_label(date.fromordinal(int(round(v)))) if _FIRST_DAY <= round(v) <= _LAST_DAY else ""
                for v in values]


class ValueAxisItem(pg.AxisItem):
    """A left axis with thousands separators and no more decimals than the tick spacing needs."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        decimals = min(max(0, -math.floor(math.log10(spacing))), 6) if spacing > 0 and math.isfinite(spacing) else 0
        return [f"{v * scale:,.{decimals}f}" if math.isfinite(v) else "" for v in values]


class _LegendRow:
    """One legend line: colour swatch, region name and the value at the readout day."""

    def __init__(self, grid: QGridLayout, row: int) -> None:
        self.swatch = QLabel()
        self.swatch.setFixedSize(22, 5)
        self.name = QLabel()
        self.value = QLabel()
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.swatch, row, 0, Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.name, row, 1)
        grid.addWidget(self.value, row, 2)

    def set_visible(self, visible: bool) -> None:
        for w in (self.swatch, self.name, self.value):
            w.setVisible(visible)


class TrendChartWidget(QWidget):
    """Daily values of one KPI, one line per region. The plot items are created once and reused with setData."""

    sig_kpi_changed = Signal(str)  # the user chose another KPI in the selector

    def __init__(self, theme_name: str = "dark", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._kpi_key = KPI_SPECS[0].key
        self._unit = KPI_SPECS[0].unit
        self._pal = theme.palette(theme_name)
        self._curves: dict[str, pg.PlotDataItem] = {}  # by series key, created on first sight, then reused
        self._legend: dict[str, _LegendRow] = {}
        self._series: tuple[TrendSeries, ...] = ()
        self._xy: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._hover_day: int | None = None

        title = QLabel(QCoreApplication.translate("TrendChart", "趋势"), objectName="panelTitle")
        title_en = QLabel("Trend", objectName="panelTitleEn")
        title_en.setVisible(not english())
        self.kpi_combo = QComboBox()
        self.kpi_combo.setMinimumWidth(260)
        for spec in KPI_SPECS:
            self.kpi_combo.addItem(paired("KpiTile", spec.title_zh, spec.title_en), spec.key)
        self.kpi_combo.currentIndexChanged.connect(self._on_combo)
        self.kpi_combo.setToolTip(QCoreApplication.translate("TrendChart", "选择要看的指标"))
        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(title, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(title_en, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addStretch(1)
        header.addWidget(self.kpi_combo)

        self._day_axis = DayAxisItem("bottom")
        self._value_axis = ValueAxisItem("left")
        self.plot_widget = pg.PlotWidget(axisItems={"bottom": self._day_axis, "left": self._value_axis})
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self.plot_item.hideButtons()
        self.plot_item.setMenuEnabled(False)
        # A wall is watched, not explored: no accidental pan or zoom.
        self.plot_item.setMouseEnabled(x=False, y=False)
        self.plot_item.getViewBox().disableAutoRange()
        # Until data come, show the last four weeks (pyqtgraph's default 0..1 would be year 1 on a day axis).
        today = date.today().toordinal()
        self.plot_item.getViewBox().setRange(xRange=(today - 28, today), yRange=(0, 1), padding=0)
        self.plot_item.showGrid(x=False, y=True, alpha=0.35)
        self.plot_widget.setMinimumHeight(200)

        self._crosshair = pg.InfiniteLine(angle=90, movable=False)
        self._crosshair.setZValue(10)
        self._crosshair.hide()
        self.plot_item.addItem(self._crosshair, ignoreBounds=True)
        self._dots = pg.ScatterPlotItem(size=11, pxMode=True)
        self._dots.setZValue(11)
        self.plot_item.addItem(self._dots, ignoreBounds=True)
        self._target = pg.InfiniteLine(angle=0, movable=False)
        self._target.hide()
        self.plot_item.addItem(self._target, ignoreBounds=True)
        self._target_label = pg.TextItem(anchor=(0, 1))
        self._target_label.setZValue(12)
        self._target_label.hide()
        self.plot_item.addItem(self._target_label, ignoreBounds=True)
        self.plot_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.plot_widget.installEventFilter(self)

        self.unit_caption = QLabel(objectName="caption")
        self.day_caption = QLabel(objectName="caption")
        self.day_caption.setAlignment(Qt.AlignmentFlag.AlignRight)
        legend_box = QWidget()
        self._legend_grid = QGridLayout(legend_box)
        self._legend_grid.setContentsMargins(8, 0, 0, 0)
        self._legend_grid.setHorizontalSpacing(8)
        self._legend_grid.setVerticalSpacing(6)
        self._legend_grid.addWidget(self.day_caption, 0, 0, 1, 3)
        self._legend_grid.setRowStretch(99, 1)
        legend_box.setMinimumWidth(170)

        body = QHBoxLayout()
        body.setSpacing(6)
        plot_col = QVBoxLayout()
        plot_col.setSpacing(2)
        plot_col.addWidget(self.unit_caption)
        plot_col.addWidget(self.plot_widget, 1)
        body.addLayout(plot_col, 1)
        body.addWidget(legend_box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addLayout(body, 1)

        self._theme_name = ""
        self.set_theme(theme_name)
        self._show_unit()

    # --- public API -------------------------------------------------------------------------------------------

    @property
    def kpi_key(self) -> str:
        return self._kpi_key

    @property
    def curves(self) -> dict[str, pg.PlotDataItem]:
        """The plot items by series key (visible or not); reused across set_series calls."""
        return dict(self._curves)

    def set_available_kpis(self, keys: Sequence[str]) -> None:
        """Offer only these KPIs in the selector (say, those the service can give a daily series of)."""
        self.kpi_combo.blockSignals(True)
        self.kpi_combo.clear()
        for spec in KPI_SPECS:
            if spec.key in keys:
                self.kpi_combo.addItem(paired("KpiTile", spec.title_zh, spec.title_en), spec.key)
        i = self.kpi_combo.findData(self._kpi_key)
        self.kpi_combo.setCurrentIndex(max(i, 0))
        self.kpi_combo.blockSignals(False)

    def visible_curves(self) -> list[pg.PlotDataItem]:
        return [c for c in self._curves.values() if c.isVisible()]

    @Slot(str, object)
    def set_series(self, kpi_key: str, series: Sequence[TrendSeries], target: float | None = None) -> None:
        """Show `series` of the KPI `kpi_key` (values in the KPI's own units: 0..1 fractions for %). Items are
        reused by series key; the view is fitted to the data once per call. `target`, if given, is drawn as a
        dashed line."""
        self._select_kpi(kpi_key)
        self._series = tuple(series)
        scale = 100.0 if self._unit == "%" else 1.0
        seen = set()
        self._xy.clear()
        for s in self._series:
            curve = self._curve(s.key)
            x = np.fromiter((d.toordinal() for d in s.days), dtype=float, count=len(s.days))
            y = np.fromiter((math.nan if v is None else v * scale for v in s.values), dtype=float,
                            count=len(s.values))
            curve.setData(x, y, connect="finite", name=s.name)
            curve.setVisible(True)
            self._xy[s.key] = (x, y)
            row = self._legend[s.key]
            row.name.setText(s.name)
            row.set_visible(True)
            seen.add(s.key)
        for key, curve in self._curves.items():
            if key not in seen:
                curve.setVisible(False)
                curve.setData([], [])
                self._legend[key].set_visible(False)
        self._set_target(None if target is None else target * scale)
        self._fit()
        self._show_day(self._hover_day)

    def set_theme(self, name: str) -> None:
        """Switch to the 'dark' (wall) or 'light' (laptop) palette."""
        if name == self._theme_name:
            return
        self._theme_name = name
        pal = self._pal = theme.palette(name)
        self.setStyleSheet(theme.panel_stylesheet(pal))
        self.plot_widget.setBackground(pal.surface)
        tick_font = theme.font(self, theme.SIZES.axis)
        for axis in (self._day_axis, self._value_axis):
            axis.setPen(pg.mkPen(pal.border))
            axis.setTextPen(pg.mkPen(pal.text_dim))
            axis.setTickFont(tick_font)
            axis.setStyle(tickTextOffset=8, tickLength=-6)
        self._value_axis.setWidth(64)
        self._day_axis.setHeight(34)
        self._crosshair.setPen(pg.mkPen(pal.text_dim, width=1, style=Qt.PenStyle.DashLine))
        self._target.setPen(pg.mkPen(pal.text, width=1.5, style=Qt.PenStyle.DashLine))
        self._target_label.setColor(pal.text)
        self._target_label.fill = pg.mkBrush(pal.color("surface", 220))
        self._target_label.setFont(theme.font(self, theme.SIZES.small))
        for n, (key, curve) in enumerate(self._curves.items()):
            self._style_curve(key, curve, n)
        self.plot_item.showGrid(x=False, y=True, alpha=0.5 if name == "dark" else 0.8)
        self._show_day(self._hover_day)

    # --- internals --------------------------------------------------------------------------------------------

    def _curve(self, key: str) -> pg.PlotDataItem:
        curve = self._curves.get(key)
        if curve is None:
            n = len(self._curves)
            curve = pg.PlotDataItem(antialias=True)
            self.plot_item.addItem(curve)
            self._curves[key] = curve
            self._legend[key] = _LegendRow(self._legend_grid, n + 1)
            self._style_curve(key, curve, n)
        return curve

    def _color(self, n: int) -> str:
        return self._pal.series[n % len(self._pal.series)]

    def _style_curve(self, key: str, curve: pg.PlotDataItem, n: int) -> None:
        color = self._color(n)
        # Past the seventh colour, dashes keep the lines apart.
        style = Qt.PenStyle.SolidLine if n < len(self._pal.series) else Qt.PenStyle.DashLine
        curve.setPen(pg.mkPen(color, width=3, style=style))
        row = self._legend[key]
        row.swatch.setStyleSheet(f"background: {color}; border-radius: 2px;")
        body = theme.SIZES.body
        row.name.setStyleSheet(f"color: {self._pal.text}; font-size: {body}px;")
        row.value.setStyleSheet(f"color: {self._pal.text}; font-size: {body}px; font-weight: 700;")

    def _select_kpi(self, key: str) -> None:
        self._kpi_key = key
        spec = SPEC_BY_KEY.get(key)
        self._unit = spec.unit if spec else ""
        i = self.kpi_combo.findData(key)
        if i >= 0 and i != self.kpi_combo.currentIndex():
            self.kpi_combo.blockSignals(True)  # the caller chose it: no need to tell anyone
            self.kpi_combo.setCurrentIndex(i)
            self.kpi_combo.blockSignals(False)
        self._show_unit()

    def _show_unit(self) -> None:
        spec = SPEC_BY_KEY.get(self._kpi_key)
        unit = {"%": "%", "h": "小时", "¥": "元"}.get(self._unit, self._unit)
        unit = QCoreApplication.translate("KpiTile", unit)
        title = QCoreApplication.translate("KpiTile", spec.title_zh) if spec else self._kpi_key
        self.unit_caption.setText((f"{title} ({unit})" if english() else f"{title}（{unit}）") if unit else title)

    def _set_target(self, value: float | None) -> None:
        if value is None:
            self._target.hide()
            self._target_label.hide()
            return
        self._target.setValue(value)
        self._target.show()
        raw = value / 100.0 if self._unit == "%" else value
        self._target_label.setText(QCoreApplication.translate("TrendChart", "目标 %1").replace("%1", format_with_unit(raw, self._unit)))
        self._target_label.show()

    def _fit(self) -> None:
        xs = [x for x, _ in self._xy.values() if x.size]
        ys = [y[np.isfinite(y)] for _, y in self._xy.values()]
        ys = [y for y in ys if y.size]
        if not xs or not ys:
            return
        x0 = min(float(x.min()) for x in xs)
        x1 = max(float(x.max()) for x in xs)
        y0 = min(float(y.min()) for y in ys)
        y1 = max(float(y.max()) for y in ys)
        if self._target.isVisible():
            y0, y1 = min(y0, self._target.value()), max(y1, self._target.value())
        pad = (y1 - y0) * 0.08 or abs(y1) * 0.1 or 1.0
        self.plot_item.getViewBox().setRange(xRange=(x0 - 0.3, x1 + 0.3), yRange=(y0 - pad, y1 + pad), padding=0)
        if self._target.isVisible():
            self._target_label.setPos(x0, self._target.value())

    def _show_day(self, day: int | None) -> None:
        """Read out `day` (an ordinal) in the legend, or the last day with data when None."""
        keys = [s.key for s in self._series]
        if day is None:
            last = [int(x[-1]) for x, _ in self._xy.values() if x.size]
            shown = max(last) if last else None
            self._crosshair.hide()
            self._dots.setData([])
        else:
            shown = day
        if shown is None:
            self.day_caption.setText("")
            return
        d = date.fromordinal(shown)
        prefix = "" if day is not None else QCoreApplication.translate("TrendChart", "最新") + " "
        self.day_caption.setText(f"{prefix}{day_label(d)} {tr(WEEKDAYS_ZH[d.weekday()])}")
        spots = []
        for key in keys:
            x, y = self._xy[key]
            i = int(np.searchsorted(x, shown))
            value = float(y[i]) if i < x.size and x[i] == shown else math.nan
            row = self._legend[key]
            if math.isfinite(value):
                raw = value / 100.0 if self._unit == "%" else value
                row.value.setText(format_with_unit(raw, self._unit))
                if day is not None:
                    n = list(self._curves).index(key)
                    spots.append({"pos": (shown, value), "brush": QColor(self._color(n)),
                                  "pen": QPen(QColor(self._pal.surface), 2)})
            else:
                row.value.setText("–")
        if day is not None:
            self._crosshair.setValue(shown)
            self._crosshair.show()
            self._dots.setData(spots)

    @Slot(int)
    def _on_combo(self, index: int) -> None:
        key = self.kpi_combo.itemData(index)
        if key and key != self._kpi_key:
            self._kpi_key = key
            spec = SPEC_BY_KEY.get(key)
            self._unit = spec.unit if spec else ""
            self._show_unit()
            self.sig_kpi_changed.emit(key)

    @Slot(object)
    def _on_mouse_moved(self, pos: QPointF) -> None:
        vb = self.plot_item.getViewBox()
        if not self._xy or not vb.sceneBoundingRect().contains(pos):
            self._set_hover(None)
            return
        x = vb.mapSceneToView(pos).x()
        days = [x for x, _ in self._xy.values() if x.size]
        lo, hi = min(int(d[0]) for d in days), max(int(d[-1]) for d in days)
        self._set_hover(min(max(int(round(x)), lo), hi))

    def _set_hover(self, day: int | None) -> None:
        if day != self._hover_day:
            self._hover_day = day
            self._show_day(day)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.plot_widget and event.type() == QEvent.Type.Leave:
            self._set_hover(None)
        return super().eventFilter(watched, event)
