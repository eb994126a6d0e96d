"""KPI tiles (value, change against the same weekday last week, sparkline) and the wall of the seven of them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetrics,
    QKeyEvent,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from services.model import KpiTile
from widgets import theme
from widgets.i18n import english

PLACEHOLDER = "—"


@dataclass(frozen=True, slots=True)
class KpiSpec:
    """What the wall knows about a KPI before any data arrives: titles, unit and which direction is better."""

    key: str
    title_zh: str
    title_en: str
    unit: str
    higher_is_better: bool
    explanation: str  # tooltip: the definition of DOMAIN.md in plain words


# The seven tiles of the wall, in reading order (DOMAIN.md).
KPI_SPECS: tuple[KpiSpec, ...] = (
    KpiSpec("utilization", QT_TRANSLATE_NOOP("KpiTile", "工位利用率"), "Bay utilization", "%", True,
            QT_TRANSLATE_NOOP("KpiTile", "工位被占用的时间 ÷ 工位开放的时间")),
    KpiSpec("wait_hours", QT_TRANSLATE_NOOP("KpiTile", "客户等待时长"), "Customer waiting time", "h", False,
            QT_TRANSLATE_NOOP("KpiTile", "从到店（或预约时间）到开始维修的平均时长")),
    KpiSpec("vehicles", QT_TRANSLATE_NOOP("KpiTile", "日均接车量"), "Vehicles received", "台", True,
            QT_TRANSLATE_NOOP("KpiTile", "每家门店每天接待的车辆数")),
    KpiSpec("output", QT_TRANSLATE_NOOP("KpiTile", "门店日均产值"), "Store output", "¥", True,
            QT_TRANSLATE_NOOP("KpiTile", "每家门店每天完工工单的金额")),
    KpiSpec("csi", QT_TRANSLATE_NOOP("KpiTile", "客户满意度"), "Customer satisfaction (CSI)", "分", True,
            QT_TRANSLATE_NOOP("KpiTile", "客户评分的平均值，满分 100")),
    KpiSpec("cross_store", QT_TRANSLATE_NOOP("KpiTile", "跨店服务量"), "Cross-store services", "单", True,
            QT_TRANSLATE_NOOP("KpiTile", "由其他门店转来、在本店完成的工单（每天）")),
    KpiSpec("stores_online", QT_TRANSLATE_NOOP("KpiTile", "门店上线率"), "Stores online", "%", True,
            QT_TRANSLATE_NOOP("KpiTile", "最近 15 分钟有终端写入的门店 ÷ 全部在营门店")),
)
KPI_KEYS: tuple[str, ...] = tuple(s.key for s in KPI_SPECS)
SPEC_BY_KEY: dict[str, KpiSpec] = {s.key: s for s in KPI_SPECS}
# KPIs whose value is a mean rather than a count: one decimal, not an integer.
_ONE_DECIMAL_UNITS = ("分",)
# Units shown after a value, translated at use.
_UNIT_WORDS = (QT_TRANSLATE_NOOP("KpiTile", "小时"), QT_TRANSLATE_NOOP("KpiTile", "元"), QT_TRANSLATE_NOOP("KpiTile", "台"), QT_TRANSLATE_NOOP("KpiTile", "分"), QT_TRANSLATE_NOOP("KpiTile", "单"))


def tr(text: str) -> str:
    return QCoreApplication.translate("KpiTile", text)


def display_unit(unit: str) -> str:
    """The unit as shown after a value: hours in plain Chinese; the yuan sign goes in front of the number."""
    shown = {"h": "小时", "¥": ""}.get(unit, unit)
    return tr(shown)


def format_value(value: float | None, unit: str) -> str:
    """A value as shown: % with one decimal from a 0..1 fraction, h with two decimals, ¥ with thousands
    separators, ratings with one decimal, counts as integers. Without the unit (the tile shows it smaller)
    except for the yuan sign, which leads."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return PLACEHOLDER
    if unit == "%":
        return f"{value * 100:.1f}"
    if unit == "h":
        return f"{value:.2f}"
    if unit == "¥":
        return f"¥{value:,.0f}"
    if unit in _ONE_DECIMAL_UNITS:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def format_with_unit(value: float | None, unit: str) -> str:
    """A value and its unit in one string ('52.3%', '1.04 小时', '¥25,340', '31 台')."""
    text = format_value(value, unit)
    shown = display_unit(unit)
    if value is None or not shown:
        return text
    return f"{text}{shown}" if shown == "%" else f"{text} {shown}"


def change_magnitude(change: float, unit: str) -> float:
    """A change in the units it is shown in (percentage points for fractions), rounded as shown."""
    if unit == "%":
        return round(change * 100, 1)
    if unit == "h":
        return round(change, 2)
    if unit in _ONE_DECIMAL_UNITS:
        return round(change, 1)
    return float(round(change))


def format_change(change: float | None, unit: str) -> str:
    """A signed change with its unit ('+3.2 pt', '−0.25 小时', '+¥1,200', '+12 台'); a true minus sign."""
    if change is None:
        return PLACEHOLDER
    shown = change_magnitude(change, unit)
    sign = "+" if shown > 0 else "−" if shown < 0 else ""
    size = abs(shown)
    if unit == "%":
        return f"{sign}{size:.1f} pt"
    if unit == "h":
        return f"{sign}{size:.2f} {tr('小时')}"
    if unit == "¥":
        return f"{sign}¥{size:,.0f}"
    if unit in _ONE_DECIMAL_UNITS:
        return f"{sign}{size:.1f} {tr(unit)}"
    return f"{sign}{size:,.0f} {tr(unit)}".rstrip()


def change_tone(change: float | None, unit: str, higher_is_better: bool) -> str:
    """'good', 'bad' or 'neutral' (unknown, or no change at the precision shown)."""
    if change is None:
        return "neutral"
    shown = change_magnitude(change, unit)
    if shown == 0:
        return "neutral"
    return "good" if (shown > 0) == higher_is_better else "bad"


class SparklineWidget(QWidget):
    """A small line of the last days, painted directly (a PlotWidget per tile would cost ~8 ms each)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: tuple[float, ...] = ()
        self._color = QColor(theme.DARK.accent)
        self.setMinimumHeight(40)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    @property
    def values(self) -> tuple[float, ...]:
        return self._values

    def set_values(self, values: Sequence[float | None]) -> None:
        vals = tuple(float("nan") if v is None else float(v) for v in values)
        if vals != self._values:
            self._values = vals
            self.update()

    def set_color(self, color: QColor | str) -> None:
        self._color = QColor(color)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(160, 44)

    def paintEvent(self, event: QPaintEvent) -> None:
        finite = [(i, v) for i, v in enumerate(self._values) if math.isfinite(v)]
        if len(finite) < 2:
            return
        lo = min(v for _, v in finite)
        hi = max(v for _, v in finite)
        span = hi - lo or abs(hi) or 1.0
        if hi == lo:  # a flat line sits in the middle rather than on the floor
            lo, hi = lo - span / 2, hi + span / 2
            span = hi - lo
        r = self.rect().adjusted(4, 5, -6, -5)
        n = max(len(self._values) - 1, 1)

        def point(i: int, v: float) -> QPointF:
            return QPointF(r.left() + r.width() * i / n, r.bottom() - r.height() * (v - lo) / span)

        line = QPainterPath()
        for k, (i, v) in enumerate(finite):
            if k == 0:
                line.moveTo(point(i, v))
            else:
                line.lineTo(point(i, v))
        area = QPainterPath(line)
        area.lineTo(QPointF(point(finite[-1][0], lo).x(), r.bottom()))
        area.lineTo(QPointF(point(finite[0][0], lo).x(), r.bottom()))
        area.closeSubpath()

        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QLinearGradient(0, r.top(), 0, r.bottom())
        top, bottom = QColor(self._color), QColor(self._color)
        top.setAlpha(90)
        bottom.setAlpha(0)
        fill.setColorAt(0, top)
        fill.setColorAt(1, bottom)
        p.fillPath(area, QBrush(fill))
        p.setPen(QPen(self._color, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        p.drawPath(line)
        last = point(*finite[-1])
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._color)
        p.drawEllipse(last, 4.0, 4.0)
        p.end()


def _tile_stylesheet(pal: theme.Palette, s: theme.Sizes = theme.SIZES) -> str:
    return f"""
    QFrame#kpiTile {{ background: {pal.surface}; border: 1px solid {pal.border}; border-radius: 12px; }}
    QFrame#kpiTile:hover {{ border-color: {pal.accent}; }}
    QFrame#kpiTile:focus {{ border: 2px solid {pal.accent}; }}
    QLabel {{ background: transparent; border: none; }}
    QLabel#tileTitle {{ color: {pal.text}; font-size: {s.tile_title}px; font-weight: 700; }}
    QLabel#tileTitleEn, QLabel#tileCaption {{ color: {pal.text_dim}; font-size: {s.small}px; }}
    QLabel#tileValue {{ color: {pal.text}; }}
    QLabel#tileUnit {{ color: {pal.text_dim}; font-size: {s.tile_unit}px; }}
    QLabel#tileChange {{ font-size: {s.tile_change}px; font-weight: 700; }}
    QLabel#tileChange[tone="good"] {{ color: {pal.good}; }}
    QLabel#tileChange[tone="bad"] {{ color: {pal.bad}; }}
    QLabel#tileChange[tone="neutral"] {{ color: {pal.neutral}; }}
    """


class KpiTileWidget(QFrame):
    """One KPI: title (Chinese large, English small), today's value with its unit, the change against the
    same weekday last week (▲/▼, green when better, red when worse, grey when unknown) and a sparkline."""

    sig_clicked = Signal(str)  # the tile's KPI key

    def __init__(self, spec: KpiSpec | None = None, theme_name: str = "dark", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(230, 210)
        self._key = ""
        self._unit = ""
        self._higher_is_better = True
        self._tone = ""
        self._tile: KpiTile | None = None

        self.title_label = QLabel(objectName="tileTitle")
        self.title_en_label = QLabel(objectName="tileTitleEn")
        self.value_label = QLabel(PLACEHOLDER, objectName="tileValue")
        self.unit_label = QLabel(objectName="tileUnit")
        self.change_label = QLabel(PLACEHOLDER, objectName="tileChange")
        self.caption_label = QLabel(self.tr("较上周同日"), objectName="tileCaption")
        self.sparkline = SparklineWidget()
        for label in (self.title_label, self.title_en_label, self.caption_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.caption_label.setToolTip(self.tr("与上周同一天的同一时刻相比"))
        self.title_en_label.setVisible(not english())  # English: the title itself is in English

        value_row = QHBoxLayout()
        value_row.setSpacing(6)
        value_row.addWidget(self.value_label, 0, Qt.AlignmentFlag.AlignBottom)
        value_row.addWidget(self.unit_label, 0, Qt.AlignmentFlag.AlignBottom)
        value_row.addStretch(1)
        change_row = QHBoxLayout()
        change_row.setSpacing(10)
        change_row.addWidget(self.change_label, 0, Qt.AlignmentFlag.AlignBaseline)
        change_row.addWidget(self.caption_label, 0, Qt.AlignmentFlag.AlignBaseline)
        change_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 18, 12)
        layout.setSpacing(0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.title_en_label)
        layout.addSpacing(6)
        layout.addLayout(value_row)
        layout.addSpacing(2)
        layout.addLayout(change_row)
        layout.addSpacing(6)
        layout.addWidget(self.sparkline, 1)
        self.sparkline.setMaximumHeight(90)
        layout.addStretch(0)
        self._value_size = 0

        self._theme_name = ""
        self.set_theme(theme_name)
        if spec is not None:
            self.set_spec(spec)

    # --- public API -------------------------------------------------------------------------------------------

    @property
    def key(self) -> str:
        return self._key

    @property
    def tile(self) -> KpiTile | None:
        return self._tile

    @property
    def tone(self) -> str:
        """'good', 'bad' or 'neutral': how the change is coloured."""
        return self._tone

    def set_spec(self, spec: KpiSpec) -> None:
        """Show a KPI's titles with no value yet (before the first data arrive)."""
        self._key = spec.key
        self._unit = spec.unit
        self._higher_is_better = spec.higher_is_better
        self.title_label.setText(tr(spec.title_zh))
        self.title_en_label.setText(spec.title_en)
        self.unit_label.setText(display_unit(spec.unit))
        self.setToolTip(tr(spec.explanation))
        self._set_change(None)

    @Slot(object)
    def set_tile(self, tile: KpiTile) -> None:
        """Show `tile`, updating the existing labels in place."""
        self._tile = tile
        self._key = tile.key
        spec = SPEC_BY_KEY.get(tile.key)
        # A KPI sent without a unit (the CSI score) takes the wall's own: one decimal and "分" read better.
        unit = tile.unit or (spec.unit if spec else "")
        self._unit = unit
        self._higher_is_better = tile.higher_is_better
        title = tr(tile.title_zh)
        if self.title_label.text() != title:
            self.title_label.setText(title)
        if self.title_en_label.text() != tile.title_en:
            self.title_en_label.setText(tile.title_en)
        if spec is not None and not self.toolTip():
            self.setToolTip(tr(spec.explanation))
        self.value_label.setText(format_value(tile.value, unit))
        shown_unit = display_unit(unit) if tile.value is not None else ""
        if self.unit_label.text() != shown_unit:
            self.unit_label.setText(shown_unit)
        self._fit_value()
        self._set_change(tile.change)
        self.sparkline.set_values(tile.sparkline)
        # Size the labels to their new texts now: a grab (screenshot) before the next event loop turn would
        # otherwise show the new numbers clipped to the old widths.
        self.layout().activate()

    def set_theme(self, name: str) -> None:
        """Switch to the 'dark' (wall) or 'light' (laptop) palette."""
        if name == self._theme_name:
            return
        pal = theme.palette(name)
        self._theme_name = name
        self.setStyleSheet(_tile_stylesheet(pal))
        self.sparkline.set_color(pal.accent)
        # Line the unit's baseline up with the big value's: the labels are bottom-aligned, so lift the smaller
        # font by the difference of the descents.
        big = QFontMetrics(theme.font(self, theme.SIZES.tile_value, bold=True))
        small = QFontMetrics(theme.font(self, theme.SIZES.tile_unit))
        self.unit_label.setContentsMargins(0, 0, 0, max(big.descent() - small.descent(), 0))
        self._value_size = 0
        self._fit_value()

    # --- internals --------------------------------------------------------------------------------------------

    def _fit_value(self) -> None:
        """Shrink the big number (down to 60%) when a narrow tile cannot show it whole: never clip a value."""
        for label in (self.unit_label, self.change_label, self.caption_label):
            label.ensurePolished()  # the style sheet's font sizes apply at polish
        margins = self.layout().contentsMargins()
        room = self.width() - margins.left() - margins.right()
        unit = self.unit_label.text()
        unit_w = QFontMetrics(self.unit_label.font()).horizontalAdvance(unit) + 6 if unit else 0
        size = theme.SIZES.tile_value
        floor = int(size * 0.6)
        text = self.value_label.text()
        while size > floor:
            if QFontMetrics(theme.font(self, size, bold=True)).horizontalAdvance(text) + unit_w <= room:
                break
            size -= 2
        if size != self._value_size:
            self._value_size = size
            self.value_label.setFont(theme.font(self, size, bold=True))
        # The caption goes before the change itself does.
        change_w = QFontMetrics(self.change_label.font()).horizontalAdvance(self.change_label.text())
        caption_w = QFontMetrics(self.caption_label.font()).horizontalAdvance(self.caption_label.text())
        self.caption_label.setVisible(change_w + 10 + caption_w <= room)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_value()

    def _set_change(self, change: float | None) -> None:
        tone = change_tone(change, self._unit, self._higher_is_better)
        if change is None:
            text = PLACEHOLDER
        elif change_magnitude(change, self._unit) == 0:
            text = self.tr("持平")
        else:
            arrow = "▲" if change > 0 else "▼"
            text = f"{arrow} {format_change(change, self._unit)}"
        self.change_label.setText(text)
        self.caption_label.setText(self.tr("无上周数据") if change is None else self.tr("较上周同日"))
        if tone != self._tone:
            self._tone = tone
            self.change_label.setProperty("tone", tone)
            # A dynamic property selector is only re-evaluated on polish.
            self.change_label.style().unpolish(self.change_label)
            self.change_label.style().polish(self.change_label)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.sig_clicked.emit(self._key)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.sig_clicked.emit(self._key)
            return
        super().keyPressEvent(event)


class KpiWallWidget(QWidget):
    """The seven KPI tiles of DOMAIN.md in a grid: one row on a wide screen, 4 + 3 or 2 columns when narrower."""

    sig_tile_clicked = Signal(str)  # KPI key

    _COLUMN_CHOICES = (7, 4, 2, 1)

    def __init__(self, theme_name: str = "dark", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(14)
        # The grid must not pin the wall to seven tiles' width: resizeEvent picks the columns instead.
        self._grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._tiles: dict[str, KpiTileWidget] = {}
        for spec in KPI_SPECS:
            tile = KpiTileWidget(spec, theme_name, self)
            tile.sig_clicked.connect(self.sig_tile_clicked)
            self._tiles[spec.key] = tile
        self._columns = 0
        self._fixed_columns: int | None = None
        self._relayout(self._COLUMN_CHOICES[0])

    @property
    def tiles(self) -> dict[str, KpiTileWidget]:
        """The tile widgets by KPI key, in wall order."""
        return dict(self._tiles)

    def tile(self, key: str) -> KpiTileWidget:
        return self._tiles[key]

    @property
    def columns(self) -> int:
        return self._columns

    def minimumSizeHint(self) -> QSize:
        tile = next(iter(self._tiles.values()))
        return tile.minimumSize()

    @Slot(object)
    def set_tiles(self, tiles: Sequence[KpiTile]) -> None:
        """Update the tiles whose key is known; tiles not mentioned keep what they show."""
        for t in tiles:
            widget = self._tiles.get(t.key)
            if widget is not None:
                widget.set_tile(t)

    def set_theme(self, name: str) -> None:
        for tile in self._tiles.values():
            tile.set_theme(name)

    def set_columns(self, columns: int | None) -> None:
        """Fix the number of columns, or None to choose by width (7, 4, 2 or 1)."""
        self._fixed_columns = columns
        self._relayout(columns or self._columns_for(self.width()))

    def _columns_for(self, width: int) -> int:
        min_width = next(iter(self._tiles.values())).minimumWidth()
        for n in self._COLUMN_CHOICES:
            if n * min_width + (n - 1) * self._grid.spacing() <= width:
                return n
        return 1

    def _relayout(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for tile in self._tiles.values():
            self._grid.removeWidget(tile)
        for c in range(self._grid.columnCount()):
            self._grid.setColumnStretch(c, 0)
        for n, tile in enumerate(self._tiles.values()):
            self._grid.addWidget(tile, n // columns, n % columns)
        for c in range(columns):
            self._grid.setColumnStretch(c, 1)
        self._grid.activate()  # place the tiles now, not at the next event loop turn (a grab may come first)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fixed_columns is None:
            self._relayout(self._columns_for(event.size().width()))
