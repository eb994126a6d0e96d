"""Regions or stores ranked on their KPIs, with each one's gap to the best (找差距) and a quantile heat colouring."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from widgets import theme
from widgets.i18n import english
from widgets.table_model import Column, RowTableModel

if TYPE_CHECKING:  # the dataclass only: importing services.network at run time would pull in SQLAlchemy
    from services.network import KpiRow

Index = QModelIndex | QPersistentModelIndex
MINUS = "−"


@dataclass(frozen=True, slots=True)
class RankMetric:
    """A KPI column of the ranking: how to read it from a KpiRow, show it, and say how far from the best."""

    key: str
    title_zh: str
    title_en: str
    value: Callable[[KpiRow], float | None]
    higher_is_better: bool
    text: Callable[[float], str]
    gap_text: Callable[[float], str]  # a signed difference, already in display units


def tr(text: str) -> str:
    return QCoreApplication.translate("Ranking", text)


def _head(zh: str, en: str) -> str:
    """A two-line column title, Chinese over English; in English just the translation."""
    return tr(zh) if english() else f"{zh}\n{en}"


def _signed(x: float, body: str) -> str:
    return f"{'+' if x > 0 else MINUS if x < 0 else ''}{body}"


RANK_METRICS: tuple[RankMetric, ...] = (
    RankMetric("utilization", QT_TRANSLATE_NOOP("Ranking", "工位利用率"), "Utilization", lambda r: r.utilization, True,
               lambda v: f"{v * 100:.1f}%", lambda g: _signed(g, f"{abs(g) * 100:.1f} pt")),
    RankMetric("wait_hours", QT_TRANSLATE_NOOP("Ranking", "等待(小时)"), "Wait (h)", lambda r: r.wait_hours, False,
               lambda v: f"{v:.2f}", lambda g: _signed(g, f"{abs(g):.2f} h")),
    RankMetric("vehicles", QT_TRANSLATE_NOOP("Ranking", "日均接车"), "Vehicles/day", lambda r: r.vehicles_per_store_day, True,
               lambda v: f"{v:.1f}", lambda g: _signed(g, QCoreApplication.translate("Ranking", "%1 台").replace("%1", f"{abs(g):.1f}"))),
    RankMetric("output", QT_TRANSLATE_NOOP("Ranking", "日均产值"), "Output/day", lambda r: r.output_per_store_day, True,
               lambda v: f"¥{v:,.0f}", lambda g: _signed(g, f"¥{abs(g):,.0f}")),
    RankMetric("technician_output", QT_TRANSLATE_NOOP("Ranking", "技师人均产值"), "Per technician", lambda r: r.output_per_technician_day, True,
               lambda v: f"¥{v:,.0f}", lambda g: _signed(g, f"¥{abs(g):,.0f}")),
    RankMetric("csi", QT_TRANSLATE_NOOP("Ranking", "满意度"), "CSI", lambda r: r.csi, True,
               lambda v: f"{v:.1f}", lambda g: _signed(g, QCoreApplication.translate("Ranking", "%1 分").replace("%1", f"{abs(g):.1f}"))),
)
METRIC_BY_KEY = {m.key: m for m in RANK_METRICS}
HEAT_BUCKETS = 5  # quintiles: 0 worst … 4 best


@dataclass(slots=True)
class RankedRow:
    """A KpiRow with what the ranking adds: its rank and gap on the chosen metric, and a heat bucket per metric."""

    row: KpiRow
    rank: int | None = None
    gap: float | None = None  # value − best, in the metric's raw units (negative = short of the best)
    gap_text: str = "–"
    buckets: dict[str, int] = field(default_factory=dict)


def _quantile_buckets(rows: Sequence[KpiRow], metric: RankMetric) -> list[int | None]:
    """Each row's heat bucket on `metric` (0 worst … 4 best), None where unmeasured or fewer than 3 rows."""
    pairs = [(metric.value(r), i) for i, r in enumerate(rows)]
    known = sorted((v, i) for v, i in pairs if v is not None)
    out: list[int | None] = [None] * len(rows)
    if len(known) < 3:
        return out
    if not metric.higher_is_better:
        known.reverse()
    n = len(known)
    first_at: dict[float, int] = {}
    for pos, (v, _) in enumerate(known):
        first_at.setdefault(v, pos)  # ties share the lower position
    for v, i in known:
        q = first_at[v] / (n - 1)
        out[i] = min(int(q * HEAT_BUCKETS), HEAT_BUCKETS - 1)
    return out


def rank_rows(rows: Sequence[KpiRow], gap_metric: str) -> list[RankedRow]:
    """Rank on `gap_metric` (1 = best, ties share a rank) and compute everyone's gap to the best."""
    metric = METRIC_BY_KEY[gap_metric]
    ranked = [RankedRow(r) for r in rows]
    values = [metric.value(r) for r in rows]
    known = [v for v in values if v is not None]
    best = (max(known) if metric.higher_is_better else min(known)) if known else None
    ordered = sorted(known)
    for rr, v in zip(ranked, values, strict=True):
        if v is None or best is None:
            continue
        # How many are strictly better, by bisection: 600 stores would be 360,000 comparisons otherwise.
        better = len(ordered) - bisect_right(ordered, v) if metric.higher_is_better else bisect_left(ordered, v)
        rr.rank = better + 1
        rr.gap = v - best
        rr.gap_text = (QCoreApplication.translate("Ranking", "最佳") if english() else "最佳 Best") if rr.rank == 1 else metric.gap_text(rr.gap)
    for m in RANK_METRICS:
        for rr, b in zip(ranked, _quantile_buckets(rows, m), strict=True):
            if b is not None:
                rr.buckets[m.key] = b
    return ranked


class _RankingModel(RowTableModel):
    """The row table model plus heat backgrounds, a per-scope name title and tooltips."""

    def __init__(self, columns: Sequence[Column], metric_of_column: Sequence[str | None], parent=None) -> None:
        super().__init__(columns, parent)
        self._metric_of_column = tuple(metric_of_column)
        self._name_title = _head(QT_TRANSLATE_NOOP("Ranking", "名称"), "Name")
        self._gap_column = len(columns) - 1
        self._gap_metric = RANK_METRICS[0].key
        self._heat: dict[int, QBrush] = {}
        self._good = QColor()
        self._muted = QColor()
        self._sort_cache: dict[int, list[Any]] = {}

    def set_look(self, heat: dict[int, QBrush], good: QColor, muted: QColor) -> None:
        self._heat, self._good, self._muted = heat, good, muted

    def set_name_title(self, title: str) -> None:
        self._name_title = title
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, 1)

    def set_gap_metric(self, key: str) -> None:
        self._gap_metric = key

    def set_rows(self, rows: Sequence[Any]) -> None:
        self._sort_cache.clear()
        super().set_rows(rows)

    def sort_values(self, column: int) -> list[Any]:
        """The raw values of a column, computed once per set_rows: sorting asks for them thousands of times."""
        values = self._sort_cache.get(column)
        if values is None:
            value = self._columns[column].value
            values = self._sort_cache[column] = [value(r) for r in self._rows]
        return values

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            metric = self._gap_metric if index.column() == self._gap_column else self._metric_of_column[index.column()]
            if metric is None:
                return None
            bucket = self._rows[index.row()].buckets.get(metric)
            return self._heat.get(bucket) if bucket is not None else None
        if role == Qt.ItemDataRole.ForegroundRole:
            rr: RankedRow = self._rows[index.row()]
            if index.column() == self._gap_column and rr.rank == 1:
                return self._good
            if index.column() == 0 or (index.column() == self._gap_column and rr.gap is None):
                return self._muted
            return None
        if role == Qt.ItemDataRole.DisplayRole and index.column() == self._gap_column:
            return self._rows[index.row()].gap_text  # signed and worded; the raw value sorts
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            r = self._rows[index.row()].row
            return f"{r.name_zh}\n{r.name_en} · {r.key}"
        return super().data(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and section == 1:
            return self._name_title
        return super().headerData(section, orientation, role)


class _RankingProxy(QSortFilterProxyModel):
    """Sorts on the raw values (numbers as numbers), with unmeasured rows last in either direction."""

    def lessThan(self, left: Index, right: Index) -> bool:
        values = self.sourceModel().sort_values(left.column())
        a, b = values[left.row()], values[right.row()]
        if a is None or b is None:
            if a is None and b is None:
                return left.row() < right.row()
            # Qt sorts descending by asking lessThan(right, left): say None is smallest then, largest otherwise.
            return (a is None) == (self.sortOrder() == Qt.SortOrder.DescendingOrder)
        return a < b


class _TwoLineHeader(QHeaderView):
    """Column titles in two lines, Chinese over smaller English; the sort arrow and the gap metric marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)
        self.setHighlightSections(False)
        self._pal = theme.DARK
        self._marked: set[int] = set()

    def set_palette(self, pal: theme.Palette) -> None:
        self._pal = pal
        self.viewport().update()

    def set_marked(self, sections: set[int]) -> None:
        self._marked = sections
        self.viewport().update()

    def _fonts(self):
        return theme.font(self, theme.SIZES.body - 1, bold=True), theme.font(self, theme.SIZES.small - 1)

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:
        zh, en = self._titles(logicalIndex)
        f_zh, f_en = self._fonts()
        # Room for the title, the sort arrow beside it and the cell padding.
        w = max(QFontMetrics(f_zh).horizontalAdvance(zh) + 18, QFontMetrics(f_en).horizontalAdvance(en)) + 24
        h = QFontMetrics(f_zh).height() + QFontMetrics(f_en).height() + 14
        return QSize(w, h)

    def _titles(self, logical: int) -> tuple[str, str]:
        model = self.model()
        title = str(model.headerData(logical, Qt.Orientation.Horizontal)) if model else ""
        zh, _, en = title.partition("\n")
        return zh, en

    def paintSection(self, painter: QPainter, rect: QRect, logicalIndex: int) -> None:
        pal = self._pal
        painter.save()
        painter.fillRect(rect, QColor(pal.surface_alt))
        painter.setPen(QColor(pal.border))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        zh, en = self._titles(logicalIndex)
        f_zh, f_en = self._fonts()
        # The rank is centred, the name left, the numbers right, as in the cells below.
        h_align = (Qt.AlignmentFlag.AlignHCenter if logicalIndex == 0 else
                   Qt.AlignmentFlag.AlignLeft if logicalIndex == 1 else Qt.AlignmentFlag.AlignRight)
        arrow = ""
        if self.isSortIndicatorShown() and self.sortIndicatorSection() == logicalIndex:
            arrow = "▲" if self.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder else "▼"
        text_rect = rect.adjusted(10, 6, -10, -6)
        zh_h = QFontMetrics(f_zh).height()
        top = QRect(text_rect.left(), text_rect.top(), text_rect.width(), zh_h)
        bottom = QRect(text_rect.left(), text_rect.top() + zh_h, text_rect.width(), text_rect.height() - zh_h)
        painter.setFont(f_zh)
        painter.setPen(QColor(pal.accent if logicalIndex in self._marked else pal.text))
        painter.drawText(top, int(h_align | Qt.AlignmentFlag.AlignVCenter), zh)
        painter.setFont(f_en)
        painter.setPen(QColor(pal.text_dim))
        painter.drawText(bottom, int(h_align | Qt.AlignmentFlag.AlignTop), en)
        if arrow:
            # Just beside the Chinese title: before it when right-aligned, after it otherwise.
            painter.setFont(f_en)
            zh_w = QFontMetrics(f_zh).horizontalAdvance(zh)
            if h_align == Qt.AlignmentFlag.AlignRight:
                x = top.right() - zh_w - 16
            elif h_align == Qt.AlignmentFlag.AlignLeft:
                x = top.left() + zh_w + 3
            else:
                x = top.center().x() + zh_w // 2 + 3
            painter.setPen(QColor(pal.accent))
            painter.drawText(QRect(x, top.top(), 14, top.height()), int(Qt.AlignmentFlag.AlignCenter), arrow)
        painter.restore()


class RankingWidget(QWidget):
    """Regions or stores side by side: sortable KPI columns, each one's gap to the best on a chosen KPI,
    cells tinted by quintile (green best fifth … red worst fifth). Double-click (or Enter) opens a row."""

    sig_row_activated = Signal(str)  # the row's key: a region code or a store code
    sig_gap_metric_changed = Signal(str)  # the user chose another KPI to find the gaps on

    RANK_COLUMN, NAME_COLUMN = 0, 1

    def __init__(self, theme_name: str = "dark", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._scope = "region"
        self._rows: tuple[KpiRow, ...] = ()
        self._gap_metric = RANK_METRICS[0].key

        columns = [
            Column(_head(QT_TRANSLATE_NOOP("Ranking", "排名"), "Rank"), lambda rr: rr.rank),
            Column(_head(QT_TRANSLATE_NOOP("Ranking", "名称"), "Name"), lambda rr: rr.row.name_zh, align_right=False),
        ]
        metric_of_column: list[str | None] = [None, None]
        for m in RANK_METRICS:
            columns.append(Column(_head(m.title_zh, m.title_en), _getter(m.value), m.text))
            metric_of_column.append(m.key)
        columns.append(Column(_head(QT_TRANSLATE_NOOP("Ranking", "与最佳差距"), "Gap to best"), _abs_gap))
        metric_of_column.append(None)
        self._gap_column = len(columns) - 1
        self.model = _RankingModel(columns, metric_of_column, self)
        self.proxy = _RankingProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)

        title = QLabel(QCoreApplication.translate("RankingPanel", "排名"), objectName="panelTitle")  # "Ranking", not the column's "Rank"
        self._title_en = QLabel("Ranking", objectName="panelTitleEn")
        self._title_en.setVisible(not english())
        self.gap_combo = QComboBox()
        for m in RANK_METRICS:
            self.gap_combo.addItem(tr(m.title_zh) if english() else
                                   f"{m.title_zh.split('(')[0]}  {m.title_en.split(' (')[0]}", m.key)
        self.gap_combo.currentIndexChanged.connect(self._on_gap_combo)
        self.gap_combo.setToolTip(QCoreApplication.translate("Ranking", "按哪项指标找差距"))
        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(title, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(self._title_en, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addStretch(1)
        header.addWidget(QLabel(QCoreApplication.translate("Ranking", "找差距"), objectName="caption"))
        header.addWidget(self.gap_combo)

        self.view = QTableView()
        self._header = _TwoLineHeader(self.view)
        self.view.setHorizontalHeader(self._header)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(theme.SIZES.row_height)
        self._header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._header.setStretchLastSection(False)
        self._header.setSortIndicator(self.RANK_COLUMN, Qt.SortOrder.AscendingOrder)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.installEventFilter(self)
        self.view.viewport().installEventFilter(self)
        self._needed: dict[int, int] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)

        self._theme_name = ""
        self.set_theme(theme_name)
        self._apply_scope("region")
        self._header.set_marked({self.column_of(self._gap_metric), self._gap_column})

    # --- public API -------------------------------------------------------------------------------------------

    @property
    def scope(self) -> str:
        return self._scope

    @property
    def gap_metric(self) -> str:
        return self._gap_metric

    @Slot(object, str)
    def set_rows(self, rows: Sequence[KpiRow], scope: str) -> None:
        """Show `rows` (regions or stores) ranked on the gap metric; the selected row stays selected."""
        selected = self.selected_key()
        self._rows = tuple(rows)
        if scope != self._scope:
            self._apply_scope(scope)
        self.model.set_rows(rank_rows(self._rows, self._gap_metric))
        if selected is not None:
            self.select_key(selected)

    def set_gap_metric(self, key: str) -> None:
        """Find the gaps on KPI `key` (one of RANK_METRICS) and rank on it."""
        if key not in METRIC_BY_KEY:
            raise ValueError(f"unknown ranking metric {key!r}")
        i = self.gap_combo.findData(key)
        if i != self.gap_combo.currentIndex():
            self.gap_combo.setCurrentIndex(i)  # → _on_gap_combo
        else:
            self._use_gap_metric(key)

    def selected_key(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row(self.proxy.mapToSource(rows[0]).row()).row.key

    def select_key(self, key: str) -> bool:
        for n in range(self.model.rowCount()):
            if self.model.row(n).row.key == key:
                index = self.proxy.mapFromSource(self.model.index(n, 0))
                self.view.selectRow(index.row())
                return True
        return False

    def displayed(self, column: int) -> list[str]:
        """The texts of a column from top to bottom, as sorted on screen."""
        return [self.proxy.index(r, column).data() for r in range(self.proxy.rowCount())]

    def column_of(self, metric_key: str | None) -> int:
        """The column of a ranking metric, or of the gap when None."""
        if metric_key is None:
            return self._gap_column
        return 2 + [m.key for m in RANK_METRICS].index(metric_key)

    def set_theme(self, name: str) -> None:
        """Switch to the 'dark' (wall) or 'light' (laptop) palette."""
        if name == self._theme_name:
            return
        self._theme_name = name
        pal = theme.palette(name)
        self.setStyleSheet(theme.panel_stylesheet(pal))
        self._header.set_palette(pal)
        strong, light = (52, 24) if name == "dark" else (48, 20)  # subtle: the numbers stay the message
        heat = {
            0: QBrush(pal.color("bad", strong)),
            1: QBrush(pal.color("bad", light)),
            3: QBrush(pal.color("good", light)),
            4: QBrush(pal.color("good", strong)),
        }
        self.model.set_look(heat, QColor(pal.good), QColor(pal.text_dim))
        self._size_columns()
        self.view.viewport().update()

    # --- internals --------------------------------------------------------------------------------------------

    def _apply_scope(self, scope: str) -> None:
        self._scope = scope
        self.model.set_name_title(_head(QT_TRANSLATE_NOOP("Ranking", "门店"), "Store") if scope == "store"
                                  else _head(QT_TRANSLATE_NOOP("Ranking", "大区"), "Region") if scope == "region"
                                  else _head(QT_TRANSLATE_NOOP("Ranking", "范围"), "Scope"))
        self._title_en.setText("Stores ranked" if scope == "store" else "Regions ranked")

    def _use_gap_metric(self, key: str) -> None:
        self._gap_metric = key
        self.model.set_gap_metric(key)
        self._header.set_marked({self.column_of(key), self._gap_column})
        self.set_rows(self._rows, self._scope)

    def _size_columns(self) -> None:
        """Work out what each column needs (its widest likely value, or its title), then fit them to the view."""
        fm = QFontMetrics(theme.font(self, theme.SIZES.body))
        samples = {0: "888", 1: "广州天河体育西店", 2: "100.0%", 3: "88.88", 4: "888.8", 5: "¥888,888",
                   6: "¥88,888", 7: "100.0", self._gap_column: "−¥888,888"}
        self._needed = {c: max(fm.horizontalAdvance(text) + 28, self._header.sectionSizeFromContents(c).width())
                        for c, text in samples.items()}
        self.view.setMinimumWidth(sum(self._needed.values()) + 24)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Spare width goes mostly to the number columns: a wide empty name column would part names from
        their numbers."""
        needed = self._needed
        if not needed:
            return
        spare = max(self.view.viewport().width() - sum(needed.values()), 0)
        name_extra = min(spare // 4, 120)
        numbers = [c for c in needed if c > self.NAME_COLUMN]
        each = (spare - name_extra) // len(numbers)
        self._header.resizeSection(self.RANK_COLUMN, needed[self.RANK_COLUMN])
        self._header.resizeSection(self.NAME_COLUMN, needed[self.NAME_COLUMN] + name_extra)
        for c in numbers:
            self._header.resizeSection(c, needed[c] + each)

    @Slot(int)
    def _on_gap_combo(self, index: int) -> None:
        key = self.gap_combo.itemData(index)
        if key and key != self._gap_metric:
            self._use_gap_metric(key)
            self.sig_gap_metric_changed.emit(key)

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        self._activate(index)

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid():
            self.sig_row_activated.emit(self.model.row(self.proxy.mapToSource(index).row()).row.key)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        elif watched is self.view and event.type() == QEvent.Type.KeyPress:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            if key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._activate(self.view.currentIndex())
                return True
        return super().eventFilter(watched, event)


def _getter(value: Callable[[KpiRow], float | None]) -> Callable[[RankedRow], float | None]:
    return lambda rr: value(rr.row)


def _abs_gap(rr: RankedRow) -> float | None:
    """The distance to the best, whichever way is better: sorting it ascending puts the best first."""
    return None if rr.gap is None else abs(rr.gap)
