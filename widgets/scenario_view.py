"""The replay comparison for the wall: the old way against smart booking and dispatch on the same demand — a table
of KPIs by region (old → smart, the change coloured), bars of utilization and waiting by region, and the hourly
load profile showing where off-peak pricing flattened the peak."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.catalog import REGIONS
from services.model import ScenarioKpiRow
from widgets import theme
from widgets.i18n import arg, english

translate = QCoreApplication.translate
_CTX = "ScenarioView"  # the translation context (a name, so lupdate does not take it for a source text)
Index = QModelIndex | QPersistentModelIndex
CELL_ROLE = Qt.ItemDataRole.UserRole + 7
ROW_H = 50  # a table row: the values over their change

POLICY_NAMES = {
    "old": QT_TRANSLATE_NOOP("ScenarioView", "原来的做法"),
    "smart": QT_TRANSLATE_NOOP("ScenarioView", "智能调度"),
    "rebalance": QT_TRANSLATE_NOOP("ScenarioView", "智能调度＋网络调配"),
}
NATION = QT_TRANSLATE_NOOP("ScenarioView", "全国")
# The catalog's region names (services/ has no Qt): marked here, translated at use.
_REGION_WORDS = (
    QT_TRANSLATE_NOOP("ScenarioView", "华北"),
    QT_TRANSLATE_NOOP("ScenarioView", "东北"),
    QT_TRANSLATE_NOOP("ScenarioView", "华东"),
    QT_TRANSLATE_NOOP("ScenarioView", "华中"),
    QT_TRANSLATE_NOOP("ScenarioView", "华南"),
    QT_TRANSLATE_NOOP("ScenarioView", "西南"),
    QT_TRANSLATE_NOOP("ScenarioView", "西北"),
)
EMPTY_TEXT = QT_TRANSLATE_NOOP(
    "ScenarioView",
    "还没有回放结果。\n在命令行运行  python main.py replay --days 30 --policy smart\n"
    "它会用同一批客户、同样的门店和技师，把原来的做法和智能调度各跑一遍，结果就显示在这里。",
)


def _tr(text: str) -> str:
    return translate(_CTX, text)


def policy_name(policy: str) -> str:
    return _tr(POLICY_NAMES[policy]) if policy in POLICY_NAMES else policy


def scope_name(region_code: str | None) -> str:
    if region_code is None:
        return _tr(NATION)
    region = next((r for r in REGIONS if r.code == region_code), None)
    return _tr(region.name_zh) if region is not None else region_code


def _hours(v: float) -> str:
    return arg(translate("ScenarioView", "%1 小时"), f"{v:.2f}")


@dataclass(frozen=True, slots=True)
class ScenarioKpi:
    """One column of the comparison: where to read it, how to show a value and a change, which way is better."""

    key: str  # the ScenarioKpiRow attribute
    title_zh: str
    title_en: str
    higher_is_better: bool
    text: Callable[[float], str]
    change: Callable[[float], str]  # smart − old, signed
    same_within: float  # a change smaller than this is shown as no change


def _signed(value: float, body: str) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "") + body


SCENARIO_KPIS: tuple[ScenarioKpi, ...] = (
    ScenarioKpi(
        "utilization",
        QT_TRANSLATE_NOOP("ScenarioView", "工位利用率"),
        "Bay utilization",
        True,
        lambda v: f"{v * 100:.1f}%",
        lambda d: _signed(d, f"{abs(d) * 100:.1f} pt"),
        0.0005,
    ),
    ScenarioKpi(
        "wait_hours",
        QT_TRANSLATE_NOOP("ScenarioView", "客户等待"),
        "Customer wait",
        False,
        _hours,
        lambda d: _signed(d, _hours(abs(d))),
        0.005,
    ),
    ScenarioKpi(
        "vehicles_per_store_day",
        QT_TRANSLATE_NOOP("ScenarioView", "日均接车"),
        "Vehicles a day",
        True,
        lambda v: f"{v:.1f}",
        lambda d: _signed(d, f"{abs(d):.1f}"),
        0.05,
    ),
    ScenarioKpi(
        "output_per_store_day",
        QT_TRANSLATE_NOOP("ScenarioView", "门店日均产值"),
        "Store output a day",
        True,
        lambda v: f"¥{v:,.0f}",
        lambda d: _signed(d, f"¥{abs(d):,.0f}"),
        0.5,
    ),
    ScenarioKpi(
        "csi",
        QT_TRANSLATE_NOOP("ScenarioView", "客户满意度"),
        "CSI",
        True,
        lambda v: f"{v:.1f}",
        lambda d: _signed(d, f"{abs(d):.1f}"),
        0.05,
    ),
    ScenarioKpi(
        "cross_store_per_day",
        QT_TRANSLATE_NOOP("ScenarioView", "跨店服务/天"),
        "Cross-store a day",
        True,
        lambda v: f"{v:,.0f}",
        lambda d: _signed(d, f"{abs(d):,.0f}"),
        0.5,
    ),
    ScenarioKpi(
        "balked",
        QT_TRANSLATE_NOOP("ScenarioView", "等不及走掉"),
        "Customers lost",
        False,
        lambda v: f"{v:,.0f}",
        lambda d: _signed(d, f"{abs(d):,.0f}"),
        0.5,
    ),
)


def change_tone(kpi: ScenarioKpi, old: float | None, new: float | None) -> str:
    """'good', 'bad' or 'neutral' for the change from old to new."""
    if old is None or new is None or abs(new - old) < kpi.same_within:
        return "neutral"
    return "good" if (new > old) == kpi.higher_is_better else "bad"


@dataclass(frozen=True, slots=True)
class Cell:
    old: str
    new: str
    change: str
    tone: str


class _CellDelegate(QStyledItemDelegate):
    """Paints 'old → smart' over the change, the change in green when better and orange when worse."""

    def __init__(self, view: ScenarioView) -> None:
        super().__init__(view)
        self._view = view

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        cell: Cell | None = index.data(CELL_ROLE)
        pal = self._view.pal
        painter.save()
        r = option.rect
        if index.row() % 2 == 1:
            painter.fillRect(r, pal.color("surface_alt"))
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(r, QColor(pal.selection))
        painter.setPen(QColor(pal.grid))
        painter.drawLine(r.bottomLeft(), r.bottomRight())
        if cell is None:
            painter.restore()
            return
        inner = r.adjusted(10, 2, -12, -3)
        big = theme.font(self._view, theme.SIZES.body, bold=True)
        small = theme.font(self._view, theme.SIZES.small)
        half = inner.height() // 2 + 2
        top = QRect(inner.left(), inner.top(), inner.width(), half)
        bottom = QRect(inner.left(), inner.top() + half, inner.width(), inner.height() - half)
        right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # "old → " dim, the smart value strong, right-aligned together.
        painter.setFont(big)
        new_w = QFontMetrics(big).horizontalAdvance(cell.new)
        painter.setPen(QColor(pal.text))
        painter.drawText(top, right, cell.new)
        painter.setFont(small)
        painter.setPen(QColor(pal.text_dim))
        painter.drawText(top.adjusted(0, 0, -new_w - 6, 0), right, f"{cell.old} →")
        tone = {"good": pal.good, "bad": pal.bad}.get(cell.tone, pal.text_dim)
        painter.setFont(theme.font(self._view, theme.SIZES.small + 1, bold=cell.tone != "neutral"))
        painter.setPen(QColor(tone))
        painter.drawText(bottom, right, cell.change)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(170, ROW_H)


def _css(pal: theme.Palette) -> str:
    s = theme.SIZES
    return (
        theme.panel_stylesheet(pal)
        + f"""
    QWidget#scenarioView {{ background: {pal.window}; }}
    QLabel#viewTitle {{ color: {pal.text}; font-size: {s.heading + 4}px; font-weight: 700; }}
    QLabel#meta {{ color: {pal.text_dim}; font-size: {s.body}px; }}
    QLabel#empty {{ color: {pal.text}; font-size: {s.heading}px; }}
    QLabel#chartTitle {{ color: {pal.text}; font-size: {s.body + 1}px; font-weight: 700; }}
    QLabel#legend {{ color: {pal.text}; font-size: {s.small + 1}px; }}
    QLabel#note {{ color: {pal.text_dim}; font-size: {s.small + 1}px; }}
    QHeaderView::section {{ color: {pal.text}; background: {pal.surface_alt}; border: none;
        border-bottom: 1px solid {pal.border}; padding: 6px 10px; font-size: {s.small + 1}px; font-weight: 700; }}
    QTableWidget {{ background: {pal.surface}; border: 1px solid {pal.border}; border-radius: 8px; }}
    """
    )


class _Chart:
    """A titled pyqtgraph plot inside a panel; the plot and its items are made once and reused."""

    def __init__(self, title: str, pal: theme.Palette, base: QWidget) -> None:
        self.panel = QWidget(objectName="panel")
        self.panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.title = QLabel(title, objectName="chartTitle")
        self.legend = QLabel("", objectName="legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.plot_widget = pg.PlotWidget()
        self.plot_widget.setMinimumHeight(200)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.getViewBox().disableAutoRange()
        self.note = QLabel("", objectName="note")
        # One line, no word wrap: a wrapping label makes the whole page lay out by height-for-width, and the
        # vertical box then overlaps the charts onto the table.
        self.note.setWordWrap(False)
        self.note.hide()
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.legend)
        layout = QVBoxLayout(self.panel)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.note)
        self.style(pal, base)

    def style(self, pal: theme.Palette, base: QWidget) -> None:
        self.plot_widget.setBackground(pal.surface)
        tick_font = theme.font(base, theme.SIZES.axis)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(pal.border))
            axis.setTextPen(pg.mkPen(pal.text_dim))
            axis.setTickFont(tick_font)
            axis.setStyle(tickTextOffset=6)
        self.plot.getAxis("left").setWidth(58)
        self.plot.getAxis("left").setZValue(-1000)  # its grid lines behind the bars, not across them
        self.plot.showGrid(x=False, y=True, alpha=0.35 if pal.name == "dark" else 0.8)


class ScenarioView(QWidget):
    """The before/after of a replay on the wall. set_comparison feeds it; nothing is clickable (a wall is watched).

    rows: ScenarioKpiRow for the nation (region_code None) and the regions, under two policies (the baseline,
    "old" unless meta says otherwise, and the policy compared with it). hourly: policy → load per hour of the day
    (index = hour, 0..1 of capacity), or None. meta: optional 'days', 'stores', 'run_at' (datetime), 'baseline',
    'policy', 'title'.
    """

    def __init__(self, theme_name: str = "dark", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._pal = theme.palette(theme_name)
        self._rows: tuple[ScenarioKpiRow, ...] = ()
        self._hourly: dict[str, list[float]] = {}
        self._meta: dict[str, Any] = {}
        self._baseline, self._policy = "old", "smart"
        self._scopes: list[str | None] = []

        self.empty_label = QLabel(_tr(EMPTY_TEXT), objectName="empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.title_label = QLabel("", objectName="viewTitle")
        self.meta_label = QLabel("", objectName="meta")

        self.table = QTableWidget(0, 1 + len(SCENARIO_KPIS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().setDefaultSectionSize(ROW_H)
        self._delegate = _CellDelegate(self)
        for c in range(1, 1 + len(SCENARIO_KPIS)):
            self.table.setItemDelegateForColumn(c, self._delegate)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        head.setMinimumHeight(54)
        self.table.setColumnWidth(0, 110)
        self._set_headers()

        self.util_chart = _Chart(translate("ScenarioView", "工位利用率（%）"), self._pal, self)
        self.wait_chart = _Chart(translate("ScenarioView", "客户等待（小时）"), self._pal, self)
        self.hourly_chart = _Chart(translate("ScenarioView", "一天里各小时的负载（全国）"), self._pal, self)
        self.bars: dict[str, tuple[pg.BarGraphItem, pg.BarGraphItem]] = {}
        for key, chart in (("utilization", self.util_chart), ("wait_hours", self.wait_chart)):
            old = pg.BarGraphItem(x=[], height=[], width=0.38)
            new = pg.BarGraphItem(x=[], height=[], width=0.38)
            chart.plot.addItem(old)
            chart.plot.addItem(new)
            self.bars[key] = (old, new)
        hp = self.hourly_chart.plot
        self.hourly_old = pg.PlotDataItem(antialias=True)
        self.hourly_new = pg.PlotDataItem(antialias=True)
        self.hourly_fill = pg.FillBetweenItem(self.hourly_old, self.hourly_new)
        hp.addItem(self.hourly_fill)
        hp.addItem(self.hourly_old)
        hp.addItem(self.hourly_new)
        self.peak_label = pg.TextItem(anchor=(0.5, 1.15))
        self.peak_label.setZValue(5)
        hp.addItem(self.peak_label, ignoreBounds=True)
        self.peak_marks = pg.ScatterPlotItem(size=10, pxMode=True)
        self.peak_marks.setZValue(6)
        hp.addItem(self.peak_marks, ignoreBounds=True)
        hp.getAxis("bottom").setTicks(
            [[(h, f"{h}:00") for h in range(0, 24, 3)], [(h, "") for h in range(24)]]
        )
        hp.getViewBox().setRange(xRange=(6, 22), yRange=(0, 100), padding=0)

        charts = QHBoxLayout()
        charts.setSpacing(12)
        charts.addWidget(self.util_chart.panel, 1)
        charts.addWidget(self.wait_chart.panel, 1)
        charts.addWidget(self.hourly_chart.panel, 1)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.title_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.table, 0)
        layout.addLayout(charts, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 14)
        outer.addWidget(self.stack)
        self._theme_name = ""
        self.set_theme(theme_name)
        self.set_comparison([], None, {})

    # --- public API -----------------------------------------------------------------------------------------------

    @property
    def pal(self) -> theme.Palette:
        return self._pal

    @property
    def is_empty(self) -> bool:
        return self.stack.currentIndex() == 0

    @Slot(object, object, object)
    def set_comparison(
        self,
        rows: Sequence[ScenarioKpiRow],
        hourly: Mapping[str, Sequence[float]] | None,
        meta: Mapping[str, Any],
    ) -> None:
        """Show a replay's comparison; no rows → the empty state saying how to produce one."""
        self._rows = tuple(rows)
        self._hourly = {k: [float(v) for v in vs] for k, vs in (hourly or {}).items()}
        self._meta = dict(meta)
        policies = list(dict.fromkeys(r.policy for r in self._rows))
        self._baseline = str(
            meta.get("baseline") or ("old" if "old" in policies else policies[0] if policies else "old")
        )
        others = [p for p in policies if p != self._baseline]
        self._policy = str(meta.get("policy") or (others[0] if others else "smart"))
        if not self._rows:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        self._fill_header()
        self._fill_table()
        self._fill_bars()
        self._fill_hourly()

    def pair(self, region_code: str | None) -> tuple[ScenarioKpiRow | None, ScenarioKpiRow | None]:
        """(baseline, compared) rows of a scope."""
        old = next(
            (r for r in self._rows if r.region_code == region_code and r.policy == self._baseline), None
        )
        new = next((r for r in self._rows if r.region_code == region_code and r.policy == self._policy), None)
        return old, new

    def cell(self, row: int, kpi_key: str) -> Cell | None:
        """What the table shows for row `row` (0 = the nation) and a KPI key."""
        col = 1 + [k.key for k in SCENARIO_KPIS].index(kpi_key)
        item = self.table.item(row, col)
        return item.data(CELL_ROLE) if item is not None else None

    def scope_names(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def bar_heights(self, kpi_key: str) -> tuple[list[float], list[float]]:
        """The (baseline, compared) bar heights of the 'utilization' or 'wait_hours' chart, in shown units."""
        old, new = self.bars[kpi_key]
        return [float(v) for v in old.opts["height"]], [float(v) for v in new.opts["height"]]

    @Slot(str)
    def set_theme(self, name: str) -> None:
        """Switch to the 'dark' (wall) or 'light' (laptop) palette."""
        if name == self._theme_name:
            return
        self._theme_name = name
        pal = self._pal = theme.palette(name)
        self.setStyleSheet(_css(pal))
        for chart in (self.util_chart, self.wait_chart, self.hourly_chart):
            chart.style(pal, self)
        self.peak_label.setColor(pal.text)
        self.peak_label.setFont(theme.font(self, theme.SIZES.small + 1, bold=True))
        self.peak_label.fill = pg.mkBrush(pal.color("surface", 200))
        legend = self._legend_html()
        for chart in (self.util_chart, self.wait_chart, self.hourly_chart):
            chart.legend.setText(legend)
        self._style_items()
        if self._rows:
            self.set_comparison(self._rows, self._hourly, self._meta)
        self.table.viewport().update()

    # --- internals ------------------------------------------------------------------------------------------------

    def _colors(self) -> tuple[QColor, QColor]:
        """(baseline, compared): the old way in a quiet grey, the smart one in the accent."""
        pal = self._pal
        return QColor(pal.neutral), QColor(pal.accent)

    def _legend_html(self) -> str:
        old, new = self._colors()
        return (
            f"<span style='color:{old.name()}'>■</span> {policy_name(self._baseline)}&nbsp;&nbsp;&nbsp;"
            f"<span style='color:{new.name()}'>■</span> {policy_name(self._policy)}"
        )

    def _style_items(self) -> None:
        old_c, new_c = self._colors()
        for old, new in self.bars.values():
            old.setOpts(brush=QBrush(old_c), pen=pg.mkPen(None))
            new.setOpts(brush=QBrush(new_c), pen=pg.mkPen(None))
        self.hourly_old.setPen(pg.mkPen(old_c, width=3, style=Qt.PenStyle.DashLine))
        self.hourly_new.setPen(pg.mkPen(new_c, width=3.5))
        fill = QColor(new_c)
        fill.setAlpha(60)
        self.hourly_fill.setBrush(QBrush(fill))
        self.peak_marks.setBrush(QBrush(new_c))
        self.peak_marks.setPen(pg.mkPen(self._pal.surface, width=2))

    def _set_headers(self) -> None:
        titles = [translate("ScenarioView", "范围")]
        for k in SCENARIO_KPIS:
            titles.append(_tr(k.title_zh) if english() else f"{k.title_zh}\n{k.title_en}")
        self.table.setHorizontalHeaderLabels(titles)

    def _fill_header(self) -> None:
        meta = self._meta
        self.title_label.setText(
            meta.get("title")
            or arg(
                translate("ScenarioView", "回放对比：%1 → %2"),
                policy_name(self._baseline),
                policy_name(self._policy),
            )
        )
        parts = []
        if meta.get("days"):
            parts.append(arg(translate("ScenarioView", "%1 天"), meta["days"]))
        if meta.get("stores"):
            parts.append(arg(translate("ScenarioView", "%1 家门店"), meta["stores"]))
        parts.append(translate("ScenarioView", "同一批客户、同样的到店时间、同样的工位和技师"))
        run_at = meta.get("run_at")
        if isinstance(run_at, datetime):
            parts.append(arg(translate("ScenarioView", "运行于 %1"), run_at.strftime("%Y-%m-%d %H:%M")))
        self.meta_label.setText(" · ".join(parts))
        legend = self._legend_html()
        for chart in (self.util_chart, self.wait_chart, self.hourly_chart):
            chart.legend.setText(legend)

    def _scopes_present(self) -> list[str | None]:
        codes = {r.region_code for r in self._rows}
        order: list[str | None] = [None, *(r.code for r in REGIONS)]
        extra = sorted(c for c in codes if c is not None and c not in order)
        return [c for c in [*order, *extra] if c in codes]

    def _fill_table(self) -> None:
        self._scopes = self._scopes_present()
        self.table.setRowCount(len(self._scopes))
        name_font = theme.font(self, theme.SIZES.body, bold=True)
        for r, code in enumerate(self._scopes):
            name = QTableWidgetItem(scope_name(code))
            name.setFont(name_font)
            name.setForeground(QColor(self._pal.text))
            if r % 2 == 1:
                name.setBackground(self._pal.color("surface_alt"))
            self.table.setItem(r, 0, name)
            old, new = self.pair(code)
            for c, kpi in enumerate(SCENARIO_KPIS, start=1):
                a = _value(old, kpi.key)
                b = _value(new, kpi.key)
                cell = Cell(
                    kpi.text(a) if a is not None else "—",
                    kpi.text(b) if b is not None else "—",
                    kpi.change(b - a) if a is not None and b is not None else "",
                    change_tone(kpi, a, b),
                )
                item = QTableWidgetItem()
                item.setData(CELL_ROLE, cell)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{cell.old} → {cell.new} {cell.change}")
                self.table.setItem(r, c, item)
        head = max(self.table.horizontalHeader().height(), self.table.horizontalHeader().sizeHint().height())
        height = head + ROW_H * len(self._scopes) + 4
        self.table.setFixedHeight(max(height, 120))

    def _fill_bars(self) -> None:
        scopes = self._scopes
        x = np.arange(len(scopes), dtype=float)
        ticks = [[(float(i), scope_name(c)) for i, c in enumerate(scopes)]]
        for key, chart, scale in (
            ("utilization", self.util_chart, 100.0),
            ("wait_hours", self.wait_chart, 1.0),
        ):
            old_bar, new_bar = self.bars[key]
            pairs = [self.pair(c) for c in scopes]
            old_h = np.array([(_value(o, key) or 0.0) * scale for o, _ in pairs])
            new_h = np.array([(_value(n, key) or 0.0) * scale for _, n in pairs])
            old_bar.setOpts(x=x - 0.2, height=old_h, width=0.38)
            new_bar.setOpts(x=x + 0.2, height=new_h, width=0.38)
            chart.plot.getAxis("bottom").setTicks(ticks)
            top = max(float(old_h.max(initial=0.0)), float(new_h.max(initial=0.0)))
            top = 104.0 if key == "utilization" else max(0.5, math.ceil(top * 1.15 * 2) / 2)
            chart.plot.getViewBox().setRange(xRange=(-0.6, len(scopes) - 0.4), yRange=(0, top), padding=0)

    def _fill_hourly(self) -> None:
        chart = self.hourly_chart
        old = self._hourly.get(self._baseline)
        new = self._hourly.get(self._policy)
        if not old or not new:
            for item in (self.hourly_old, self.hourly_new):
                item.setData([], [])
            self.peak_label.setText("")
            self.peak_marks.setData([])
            chart.note.setText(translate("ScenarioView", "这次回放没有记录各小时的负载。"))
            chart.note.show()
            return
        n = min(len(old), len(new))
        hours = np.arange(n, dtype=float)
        y_old = np.array(old[:n]) * 100.0
        y_new = np.array(new[:n]) * 100.0
        self.hourly_old.setData(hours, y_old)
        self.hourly_new.setData(hours, y_new)
        busy = np.nonzero((y_old > 1.0) | (y_new > 1.0))[0]
        lo, hi = (int(busy[0]), int(busy[-1])) if busy.size else (0, n - 1)
        top = max(float(y_old.max(initial=0)), float(y_new.max(initial=0)), 10.0)
        chart.plot.getViewBox().setRange(
            xRange=(max(lo - 0.5, 0), min(hi + 0.5, n - 1)),
            yRange=(0, min(120.0, math.ceil(top * 1.25 / 10) * 10)),
            padding=0,
        )
        peak = int(np.argmax(y_old))
        self.peak_marks.setData([peak, peak], [float(y_old[peak]), float(y_new[peak])])
        cut = float(y_old[peak] - y_new[peak])
        if cut >= 1.0:
            self.peak_label.setText(
                arg(
                    translate("ScenarioView", "高峰 %1 点：%2% → %3%"),
                    peak,
                    f"{y_old[peak]:.0f}",
                    f"{y_new[peak]:.0f}",
                )
            )
            self.peak_label.setPos(peak, float(y_old[peak]))
            chart.note.setText(
                translate("ScenarioView", "阴影：低峰优惠和智能排班把高峰的客户挪到了空闲时段，高峰更平。")
            )
        else:
            self.peak_label.setText("")
            chart.note.setText(translate("ScenarioView", "高峰没有变平：负载曲线和原来差不多。"))
        chart.note.show()


def _value(row: ScenarioKpiRow | None, key: str) -> float | None:
    if row is None:
        return None
    value = getattr(row, key)
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
