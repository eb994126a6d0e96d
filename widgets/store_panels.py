"""The store page's panels: vehicles in the workshop, today's bookings, technicians, and the store against its region."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from services.catalog import BAY_KIND_NAMES_ZH, SERVICE_BY_CODE, SKILL_NAMES_ZH, WORK_ORDER_STATUS_NAMES_ZH
from services.model import BookingRow, TechnicianState, WorkshopVehicle
from widgets import theme
from widgets.i18n import arg, english, paired, tr

Index = QModelIndex | QPersistentModelIndex

# --- the store edition's look (shared with schedule_board.py and timeline.py) ------------------------------------

# Pixel sizes at 96 dpi: 19 px is about 14 pt, the smallest body text for readers over 45 at a desk.
BODY_PX = 19
SMALL_PX = 15  # English secondary text and captions only
TITLE_PX = 22
BIG_PX = 24  # plates, times, values
CHIP_PX = 16

PLACEHOLDER = "—"

WORK_ORDER_TONES = {
    "checked_in": "warning", "in_service": "accent", "quality_check": "qc", "done": "good",
    "delivered": "neutral", "cancelled": "neutral",
}
BOOKING_STATUS_NAMES_ZH = {"booked": QT_TRANSLATE_NOOP("StorePanels", "已预约"), "checked_in": QT_TRANSLATE_NOOP("StorePanels", "已到店"),
                           "cancelled": QT_TRANSLATE_NOOP("StorePanels", "已取消"), "no_show": QT_TRANSLATE_NOOP("StorePanels", "未到店")}
BOOKING_TONES = {"booked": "accent", "checked_in": "good", "cancelled": "neutral", "no_show": "bad"}
CHANNEL_NAMES_ZH = {"app": "App", "phone": QT_TRANSLATE_NOOP("StorePanels", "电话"), "wechat": QT_TRANSLATE_NOOP("StorePanels", "微信"),
                    "advisor": QT_TRANSLATE_NOOP("StorePanels", "顾问代约"), "referral": QT_TRANSLATE_NOOP("StorePanels", "他店转介")}
TECH_STATE_NAMES_ZH = {"busy": QT_TRANSLATE_NOOP("StorePanels", "忙碌"), "idle": QT_TRANSLATE_NOOP("StorePanels", "空闲"), "lunch": QT_TRANSLATE_NOOP("StorePanels", "午休"),
                       "off": QT_TRANSLATE_NOOP("StorePanels", "休息")}
TECH_STATE_TONES = {"busy": "accent", "idle": "good", "lunch": "warning", "off": "neutral"}
SOURCE_NAMES_ZH = {"terminal": QT_TRANSLATE_NOOP("EventSource", "门店终端"), "advisor": QT_TRANSLATE_NOOP("EventSource", "服务顾问"),
                   "technician": QT_TRANSLATE_NOOP("EventSource", "技师"), "system": QT_TRANSLATE_NOOP("EventSource", "系统"),
                   "history": QT_TRANSLATE_NOOP("EventSource", "历史导入")}
_SOURCE_CTX = "EventSource"
_CTX = "StorePanels"  # the translation context (a name, so lupdate does not take it for a source text)
OVERDUE_ZH = QT_TRANSLATE_NOOP("StorePanels", "逾期未到")
# The catalog's words (services/ has no Qt): marked here, translated at use.
_CATALOG_WORDS = (
    QT_TRANSLATE_NOOP("StorePanels", "已接车"), QT_TRANSLATE_NOOP("StorePanels", "维修中"), QT_TRANSLATE_NOOP("StorePanels", "质检中"),
    QT_TRANSLATE_NOOP("StorePanels", "已完工"), QT_TRANSLATE_NOOP("StorePanels", "已交车"), QT_TRANSLATE_NOOP("StorePanels", "已取消"),
    QT_TRANSLATE_NOOP("StorePanels", "保养"), QT_TRANSLATE_NOOP("StorePanels", "电气"), QT_TRANSLATE_NOOP("StorePanels", "机修"), QT_TRANSLATE_NOOP("StorePanels", "钣金"),
    QT_TRANSLATE_NOOP("StorePanels", "喷漆"), QT_TRANSLATE_NOOP("StorePanels", "轮胎"), QT_TRANSLATE_NOOP("StorePanels", "诊断"),
    QT_TRANSLATE_NOOP("StorePanels", "举升工位"), QT_TRANSLATE_NOOP("StorePanels", "四轮定位工位"), QT_TRANSLATE_NOOP("StorePanels", "钣金工位"),
    QT_TRANSLATE_NOOP("StorePanels", "烤漆房"), QT_TRANSLATE_NOOP("StorePanels", "洗车质检工位"),
)


def _tr(text: str) -> str:
    return tr(_CTX, text)


def tech_state_name(state: str) -> str:
    return _tr(TECH_STATE_NAMES_ZH.get(state, state))


def booking_status_name(status: str) -> str:
    return _tr(BOOKING_STATUS_NAMES_ZH.get(status, status))


def channel_name(channel: str) -> str:
    return _tr(CHANNEL_NAMES_ZH.get(channel, channel))


def source_name(source: str) -> str:
    """Who wrote a timeline event (its own context: 技师 here is one technician, not the panel's title)."""
    return tr(_SOURCE_CTX, SOURCE_NAMES_ZH.get(source, source))


def px_font(base: QWidget | QFont, pixel_size: int, bold: bool = False) -> QFont:
    """The app's CJK family at `pixel_size` (a thin wrapper so every store widget sizes text the same way)."""
    return theme.font(base, pixel_size, bold)


def tone_color(pal: theme.Palette, tone: str) -> QColor:
    """The colour of a tone: accent, good, bad, warning, neutral, or qc (the quality check's purple)."""
    if tone == "qc":
        return QColor("#A3487A" if pal.name == "light" else theme.OKABE_ITO["reddish_purple"])
    return QColor(getattr(pal, tone, pal.neutral))


def mix(a: QColor | str, b: QColor | str, t: float) -> QColor:
    """`a` moved a fraction `t` of the way towards `b` (opaque)."""
    ca, cb = QColor(a), QColor(b)
    return QColor(round(ca.red() + (cb.red() - ca.red()) * t), round(ca.green() + (cb.green() - ca.green()) * t),
                  round(ca.blue() + (cb.blue() - ca.blue()) * t))


def chip_text_color(pal: theme.Palette, color: QColor) -> QColor:
    """A tone darkened (light theme) or lightened (dark theme) so the chip's text keeps AA contrast on its tint."""
    return color.darker(135) if pal.name == "light" else color.lighter(125)


def chip_size(font: QFont, text: str) -> QSize:
    fm = QFontMetrics(font)
    return QSize(fm.horizontalAdvance(text) + 20, fm.height() + 6)


def paint_chip(painter: QPainter, x: float, y_center: float, text: str, color: QColor, font: QFont,
               pal: theme.Palette, align_right: bool = False) -> QRectF:
    """A rounded status chip: bold text in the tone on a light tint of it. `x` is its left edge, or its right edge
    with align_right. Returns the rectangle painted."""
    size = chip_size(font, text)
    left = x - size.width() if align_right else x
    rect = QRectF(left, y_center - size.height() / 2, size.width(), size.height())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(mix(pal.surface, color, 0.55), 1))
    painter.setBrush(mix(pal.surface, color, 0.14 if pal.name == "light" else 0.28))
    painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), rect.height() / 2, rect.height() / 2)
    painter.setFont(font)
    painter.setPen(chip_text_color(pal, color))
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
    painter.restore()
    return rect


def skills_zh(skills: str) -> str:
    """'maintenance, tyres' → '保养 · 轮胎' (unknown codes are kept as given)."""
    parts = [s.strip() for s in skills.replace("、", ",").split(",") if s.strip()]
    return " · ".join(_tr(SKILL_NAMES_ZH.get(s, s)) for s in parts)


def services_zh(services: str) -> str:
    """'MAINT_MINOR, TYRE' → '小保养、轮胎更换'; text that is already Chinese stays as it is."""
    parts = [s.strip() for s in services.split(",") if s.strip()]
    return "、".join(SERVICE_BY_CODE[s].name_zh if s in SERVICE_BY_CODE else s for s in parts)


def bay_kind_zh(kind: str) -> str:
    return _tr(BAY_KIND_NAMES_ZH.get(kind, kind))


def work_order_status_zh(status: str) -> str:
    return _tr(WORK_ORDER_STATUS_NAMES_ZH.get(status, status))


def hm(t: datetime) -> str:
    return t.strftime("%H:%M")


def hours_text(hours: float) -> str:
    return arg(QCoreApplication.translate("StorePanels", "%1 小时"), f"{hours:.1f}")


def minutes_text(minutes: float) -> str:
    """A span in plain Chinese: '45 分钟', '1 小时 12 分', '2 小时', '1 天 3 小时'."""
    m = max(0, round(minutes))
    if m < 1:
        return QCoreApplication.translate("StorePanels", "不到 1 分钟")
    if m < 60:
        return arg(QCoreApplication.translate("StorePanels", "%1 分钟"), m)
    h, m = divmod(m, 60)
    if h >= 24:
        d, h = divmod(h, 24)
        return arg(QCoreApplication.translate("StorePanels", "%1 天 %2 小时"), d, h) if h else arg(QCoreApplication.translate("StorePanels", "%1 天"), d)
    return arg(QCoreApplication.translate("StorePanels", "%1 小时 %2 分"), h, m) if m else arg(QCoreApplication.translate("StorePanels", "%1 小时"), h)


def panel_css(pal: theme.Palette) -> str:
    """The colleague's panel style, with the store edition's larger titles and buttons."""
    return theme.panel_stylesheet(pal) + f"""
    QLabel#panelTitle {{ font-size: {TITLE_PX}px; font-weight: 700; }}
    QLabel#panelTitleEn {{ font-size: {SMALL_PX}px; }}
    QLabel#count {{ color: {pal.text_dim}; font-size: {CHIP_PX + 1}px; }}
    QPushButton#segment {{ font-size: {CHIP_PX + 1}px; padding: 4px 14px; min-height: 32px; }}
    QToolTip {{ font-size: {CHIP_PX}px; }}
    """


class StorePanelBase(QWidget):
    """A titled panel (Chinese title, small English, a count on the right) in the store edition's style."""

    def __init__(self, title_zh: str, title_en: str, theme_name: str = "light",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._pal = theme.palette(theme_name)
        self.title_label = QLabel(_tr(title_zh), objectName="panelTitle")  # marked by the caller
        self.title_en_label = QLabel(title_en, objectName="panelTitleEn")
        self.title_en_label.setVisible(not english())  # English: the title itself is in English
        self.count_label = QLabel("", objectName="count")
        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(self.title_label, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(self.title_en_label, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addStretch(1)
        header.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBaseline)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 12, 16, 14)
        self.body.setSpacing(10)
        self.body.addLayout(header)
        self.setStyleSheet(panel_css(self._pal))

    @property
    def pal(self) -> theme.Palette:
        return self._pal

    @Slot(str)
    def set_theme(self, name: str) -> None:
        """Switch to the 'light' (store laptop, default) or 'dark' palette."""
        self._pal = theme.palette(name)
        self.setStyleSheet(panel_css(self._pal))
        self._theme_changed()
        self.update()

    def _theme_changed(self) -> None:
        """Hook for subclasses that cache colours."""


# --- a list of painted cards that updates in place --------------------------------------------------------------

ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class _RowListModel(QAbstractListModel):
    """A tuple of dataclasses as a list. set_rows changes rows in place (insert/remove at the end, dataChanged for
    the rest) instead of resetting, so the view keeps its scroll position and current row."""

    def __init__(self, text_of: Callable[[Any], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[Any, ...] = ()
        self._text_of = text_of

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text_of(row)
        return None

    def rows(self) -> tuple[Any, ...]:
        return self._rows

    def set_rows(self, rows: Sequence[Any]) -> None:
        new, old = tuple(rows), len(self._rows)
        if len(new) > old:
            self.beginInsertRows(QModelIndex(), old, len(new) - 1)
            self._rows = new
            self.endInsertRows()
        elif len(new) < old:
            self.beginRemoveRows(QModelIndex(), len(new), old - 1)
            self._rows = new
            self.endRemoveRows()
        else:
            self._rows = new
        if new:
            self.dataChanged.emit(self.index(0), self.index(len(new) - 1))


class _CardDelegate(QStyledItemDelegate):
    """Paints a row with its panel's painter function; the height is fixed per panel."""

    def __init__(self, paint_row: Callable[[QPainter, QRect, Any, bool, bool], None],
                 size: Callable[[], QSize], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paint_row = paint_row
        self._size = size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ROW_ROLE)
        if row is None:
            return
        state = option.state
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_row(painter, option.rect, row, bool(state & QStyle.StateFlag.State_MouseOver),
                        bool(state & QStyle.StateFlag.State_Selected))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return self._size()


class _CardListView(QListView):
    """A QListView of painted cards with a plain-words placeholder when empty; Enter opens the current row."""

    sig_row_chosen = Signal(int)  # the row number clicked or opened with Enter

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = placeholder
        self._pal = theme.LIGHT
        self.setMouseTracking(True)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self.clicked.connect(self._on_clicked)

    def set_palette(self, pal: theme.Palette) -> None:
        self._pal = pal
        self.viewport().update()

    @Slot(QModelIndex)
    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.sig_row_chosen.emit(index.row())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.sig_row_chosen.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setFont(px_font(self, BODY_PX))
            painter.setPen(QColor(self._pal.text_dim))
            painter.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                                 | Qt.TextFlag.TextWordWrap), self.placeholder)
            painter.end()


class _ListPanel(StorePanelBase):
    """A titled panel holding one card list."""

    ROW_HEIGHT = 80

    def __init__(self, title_zh: str, title_en: str, placeholder: str, text_of: Callable[[Any], str],
                 theme_name: str, parent: QWidget | None) -> None:
        super().__init__(title_zh, title_en, theme_name, parent)
        self.model = _RowListModel(text_of, self)
        self.view = _CardListView(placeholder)
        self.view.setModel(self.model)
        self.view.setItemDelegate(_CardDelegate(self._paint_row, self._row_size, self.view))
        self.view.setSpacing(0)
        self.view.set_palette(self._pal)
        self.view.sig_row_chosen.connect(self._on_row_chosen)
        self.body.addWidget(self.view, 1)

    def _theme_changed(self) -> None:
        self.view.set_palette(self._pal)

    def _row_size(self) -> QSize:
        return QSize(max(100, self.view.viewport().width()), self.ROW_HEIGHT)

    def rows(self) -> tuple[Any, ...]:
        return self.model.rows()

    def shown_texts(self) -> list[str]:
        """What each row says, top to bottom (its accessible text)."""
        return [self.model.index(r).data() for r in range(self.model.rowCount())]

    def row_rect(self, row: int) -> QRect:
        """Where row `row` is in the view's viewport."""
        return self.view.visualRect(self.model.index(row))

    def _card(self, painter: QPainter, rect: QRect, hover: bool, selected: bool,
              tint: QColor | None = None, strip: QColor | None = None) -> QRectF:
        pal = self._pal
        r = QRectF(rect).adjusted(2, 4, -2, -4)
        bg = QColor(pal.selection) if selected else tint if tint is not None else QColor(pal.surface)
        if hover and not selected:
            bg = mix(bg, pal.accent, 0.06)
        path = QPainterPath()
        path.addRoundedRect(r, 8, 8)
        painter.fillPath(path, bg)
        painter.setPen(QPen(QColor(pal.accent if selected else pal.border), 1.5 if selected else 1))
        painter.drawPath(path)
        if strip is not None:
            painter.save()
            painter.setClipPath(path)
            painter.fillRect(QRectF(r.left(), r.top(), 6, r.height()), strip)
            painter.restore()
        return r

    def _paint_row(self, painter: QPainter, rect: QRect, row: Any, hover: bool, selected: bool) -> None:
        raise NotImplementedError

    def _on_row_chosen(self, row: int) -> None:
        raise NotImplementedError


def _elide(font: QFont, text: str, width: float) -> str:
    return QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, max(0, int(width)))


def _draw(painter: QPainter, rect: QRectF, text: str, font: QFont, color: QColor | str,
          align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> float:
    """Draw one line, elided to the rectangle, vertically centred; returns the width drawn."""
    painter.setFont(font)
    painter.setPen(QColor(color))
    shown = _elide(font, text, rect.width())
    painter.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), shown)
    return QFontMetrics(font).horizontalAdvance(shown)


# --- vehicles in the workshop ------------------------------------------------------------------------------------

def _wait_tone(hours: float) -> str:
    return "bad" if hours >= 2 else "warning" if hours >= 1 else "neutral"


class WorkshopVehiclesWidget(_ListPanel):
    """Vehicles checked in and not yet done: plate, services, status, how long they waited, progress in service.
    Clicking a vehicle emits its work order id."""

    sig_work_order_selected = Signal(int)

    ROW_HEIGHT = 86

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(QT_TRANSLATE_NOOP("StorePanels", "在店车辆"), "Vehicles in the workshop",
                         paired("StorePanels", QT_TRANSLATE_NOOP("StorePanels", "店里现在没有车辆"), "No vehicles in the workshop", "\n"),
                         self._text_of, theme_name, parent)

    @staticmethod
    def _text_of(v: WorkshopVehicle) -> str:
        waited = arg(QCoreApplication.translate("StorePanels", "已等 %1"), hours_text(v.waited_hours))
        return f"{v.plate} {work_order_status_zh(v.status)} {services_zh(v.services)} {waited}"

    @Slot(object)
    def set_vehicles(self, vehicles: Sequence[WorkshopVehicle]) -> None:
        """Show these vehicles (in the given order), keeping the scroll position."""
        self.model.set_rows(vehicles)
        waiting = sum(1 for v in vehicles if v.status == "checked_in")
        self.count_label.setText(arg(QCoreApplication.translate("StorePanels", "共 %1 台 · 等待 %2 台"), len(vehicles), waiting))

    def _on_row_chosen(self, row: int) -> None:
        self.sig_work_order_selected.emit(self.model.rows()[row].work_order_id)

    def _paint_row(self, painter: QPainter, rect: QRect, v: WorkshopVehicle, hover: bool, selected: bool) -> None:
        pal = self._pal
        tone = tone_color(pal, WORK_ORDER_TONES.get(v.status, "neutral"))
        r = self._card(painter, rect, hover, selected, strip=tone)
        x, right = r.left() + 20, r.right() - 16
        top = QRectF(x, r.top() + 6, right - x, 34)
        plate_font = px_font(self, BIG_PX, bold=True)
        wait_text = arg(QCoreApplication.translate("StorePanels", "已等 %1"), hours_text(v.waited_hours))
        wait_font = px_font(self, BODY_PX, bold=True)
        wait_w = QFontMetrics(wait_font).horizontalAdvance(wait_text) + 6
        wait_tone = _wait_tone(v.waited_hours)
        wait_color = QColor(pal.text_dim) if wait_tone == "neutral" else chip_text_color(pal, tone_color(pal, wait_tone))
        _draw(painter, QRectF(right - wait_w, top.top(), wait_w, top.height()), wait_text, wait_font, wait_color)
        plate_w = _draw(painter, QRectF(x, top.top(), top.width() - wait_w - 150, top.height()), v.plate,
                        plate_font, pal.text)
        paint_chip(painter, x + plate_w + 14, top.center().y(), work_order_status_zh(v.status),
                   tone, px_font(self, CHIP_PX, bold=True), pal)

        line2 = QRectF(x, r.top() + 44, right - x, 30)
        body = px_font(self, BODY_PX)
        small = px_font(self, SMALL_PX + 1)
        if v.status == "in_service":
            bar_w = min(170.0, line2.width() * 0.3)
            pct = f"{round(max(0.0, min(1.0, v.progress)) * 100)}%"
            pct_w = QFontMetrics(small).horizontalAdvance("100%")
            track = QRectF(right - pct_w - 10 - bar_w, line2.center().y() - 6, bar_w, 12)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(pal.grid))
            painter.drawRoundedRect(track, 6, 6)
            done = QRectF(track.left(), track.top(), track.width() * max(0.0, min(1.0, v.progress)), track.height())
            if done.width() > 0:
                painter.setBrush(tone)
                painter.drawRoundedRect(done, 6, 6)
            _draw(painter, QRectF(right - pct_w, line2.top(), pct_w, line2.height()), pct, small, pal.text,
                  Qt.AlignmentFlag.AlignRight)
            side_w = bar_w + pct_w + 22
        else:
            side = arg(QCoreApplication.translate("StorePanels", "%1 到店"), hm(v.checked_in_at))
            side_w = QFontMetrics(small).horizontalAdvance(side) + 12
            _draw(painter, QRectF(right - side_w, line2.top(), side_w, line2.height()), side, small, pal.text_dim,
                  Qt.AlignmentFlag.AlignRight)
        _draw(painter, QRectF(x, line2.top(), line2.width() - side_w - 8, line2.height()),
              services_zh(v.services) or PLACEHOLDER, body, pal.text)


# --- today's bookings --------------------------------------------------------------------------------------------

class BookingsWidget(_ListPanel):
    """Today's bookings in time order: time, plate and customer, services and channel, status. Bookings whose time
    has passed without the customer checking in are marked 逾期未到. Clicking a booking emits its id."""

    sig_booking_selected = Signal(int)

    ROW_HEIGHT = 76

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        self._now: datetime | None = None
        super().__init__(QT_TRANSLATE_NOOP("StorePanels", "今日预约"), "Today's bookings",
                         paired("StorePanels", QT_TRANSLATE_NOOP("StorePanels", "今天没有预约"), "No bookings today", "\n"), self._text_of,
                         theme_name, parent)

    def _text_of(self, b: BookingRow) -> str:
        status = _tr(OVERDUE_ZH) if self.is_overdue(b) else booking_status_name(b.status)
        return f"{hm(b.slot_start)} {b.plate} {b.customer} {services_zh(b.services)} {status}"

    def is_overdue(self, b: BookingRow) -> bool:
        """Booked, its time has passed, and the customer has not checked in."""
        return b.status == "booked" and self._now is not None and b.slot_start < self._now

    @Slot(object)
    def set_bookings(self, bookings: Sequence[BookingRow], now: datetime | None = None) -> None:
        """Show these bookings; `now` (if given) decides which ones are overdue. Keeps the scroll position."""
        if now is not None:
            self._now = now
        self.model.set_rows(bookings)
        self._update_count()

    @Slot(object)
    def set_now(self, now: datetime) -> None:
        """The clock moved: re-mark overdue bookings."""
        self._now = now
        self.model.set_rows(self.model.rows())
        self._update_count()

    def overdue_rows(self) -> list[int]:
        return [n for n, b in enumerate(self.model.rows()) if self.is_overdue(b)]

    def _update_count(self) -> None:
        rows = self.model.rows()
        arrived = sum(1 for b in rows if b.status == "checked_in")
        overdue = len(self.overdue_rows())
        text = arg(QCoreApplication.translate("StorePanels", "共 %1 单 · 已到店 %2"), len(rows), arrived)
        self.count_label.setText(text + (arg(QCoreApplication.translate("StorePanels", " · 逾期 %1"), overdue) if overdue else ""))

    def _on_row_chosen(self, row: int) -> None:
        self.sig_booking_selected.emit(self.model.rows()[row].booking_id)

    def _paint_row(self, painter: QPainter, rect: QRect, b: BookingRow, hover: bool, selected: bool) -> None:
        pal = self._pal
        overdue = self.is_overdue(b)
        bad = tone_color(pal, "bad")
        faded = b.status in ("cancelled", "no_show")
        tint = mix(pal.surface, bad, 0.08 if pal.name == "light" else 0.18) if overdue else None
        r = self._card(painter, rect, hover, selected, tint=tint, strip=bad if overdue else None)
        text = QColor(pal.text_dim if faded else pal.text)
        x, right = r.left() + 18, r.right() - 14
        upper = QRectF(0, r.top() + 6, 0, 32)
        lower = QRectF(0, r.top() + 38, 0, 26)
        time_w = QFontMetrics(px_font(self, BIG_PX, bold=True)).horizontalAdvance("00:00") + 18
        _draw(painter, QRectF(x, r.top(), time_w, r.height()), hm(b.slot_start), px_font(self, BIG_PX, bold=True),
              chip_text_color(pal, bad) if overdue else text)
        x += time_w

        chip_font = px_font(self, CHIP_PX, bold=True)
        if overdue:
            status, tone = _tr(OVERDUE_ZH), bad
        else:
            status = booking_status_name(b.status)
            tone = tone_color(pal, BOOKING_TONES.get(b.status, "neutral"))
        chip = paint_chip(painter, right, r.center().y(), status, tone, chip_font, pal, align_right=True)

        plate_w = min((right - x) * 0.34, 180.0)  # from the row's width, not the chip's: columns line up
        body_b = px_font(self, BODY_PX, bold=True)
        body = px_font(self, BODY_PX)
        small = px_font(self, SMALL_PX + 1)
        _draw(painter, QRectF(x, upper.top(), plate_w, upper.height()), b.plate, body_b, text)
        _draw(painter, QRectF(x, lower.top(), plate_w, lower.height()), b.customer, small, pal.text_dim)
        x2 = x + plate_w + 10
        _draw(painter, QRectF(x2, upper.top(), chip.left() - 14 - x2, upper.height()),
              services_zh(b.services) or PLACEHOLDER, body, text)
        channel = channel_name(b.channel)
        if overdue and self._now is not None:
            late = (self._now - b.slot_start).total_seconds() / 60
            _draw(painter, QRectF(x2, lower.top(), chip.left() - 14 - x2, lower.height()),
                  arg(QCoreApplication.translate("StorePanels", "已过 %1"), minutes_text(late)), px_font(self, SMALL_PX + 1, bold=True), chip_text_color(pal, bad))
        else:
            _draw(painter, QRectF(x2, lower.top(), chip.left() - 14 - x2, lower.height()), channel, small,
                  pal.text_dim)


# --- technicians -------------------------------------------------------------------------------------------------

class TechniciansWidget(_ListPanel):
    """The store's technicians as a grid of cards: name, level in stars, skills, and a coloured state
    (忙碌 busy / 空闲 idle / 午休 lunch / 休息 off). Clicking a busy technician emits the work order in hand."""

    sig_work_order_selected = Signal(int)

    ROW_HEIGHT = 106
    MIN_CARD_WIDTH = 224

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(QT_TRANSLATE_NOOP("StorePanels", "技师"), "Technicians",
                         paired("StorePanels", QT_TRANSLATE_NOOP("StorePanels", "今天没有排班的技师"), "No technicians on duty today", "\n"), self._text_of,
                         theme_name, parent)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setFlow(QListView.Flow.LeftToRight)
        self.view.setWrapping(True)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setSelectionRectVisible(False)
        self.view.setDragEnabled(False)
        self.view.viewport().installEventFilter(self)
        self._card_width = self.MIN_CARD_WIDTH
        self._fit_grid()

    @staticmethod
    def _text_of(t: TechnicianState) -> str:
        level = arg(QCoreApplication.translate("StorePanels", "%1 级"), t.level)
        return f"{t.name} {tech_state_name(t.state)} {level} {skills_zh(t.skills)}"

    @Slot(object)
    def set_technicians(self, technicians: Sequence[TechnicianState]) -> None:
        """Show these technicians (in the given order), keeping the scroll position."""
        self.model.set_rows(technicians)
        counts = {s: sum(1 for t in technicians if t.state == s) for s in TECH_STATE_NAMES_ZH}
        self.count_label.setText(arg(QCoreApplication.translate("StorePanels", "忙碌 %1 · 空闲 %2"), counts["busy"], counts["idle"])
                                 + (arg(QCoreApplication.translate("StorePanels", " · 午休 %1"), counts["lunch"]) if counts["lunch"] else ""))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_grid()
        return super().eventFilter(watched, event)

    def _fit_grid(self) -> None:
        # A wrapping QListView lays items out as if its vertical scroll bar were shown (to avoid flicker when
        # it appears), so without one the cards must fit in the viewport minus the bar's width.
        bar = self.view.verticalScrollBar()
        reserve = 0 if bar.isVisible() else max(bar.sizeHint().width(), self.view.style().pixelMetric(
            QStyle.PixelMetric.PM_ScrollBarExtent, None, bar))
        width = max(self.MIN_CARD_WIDTH, self.view.viewport().width() - reserve - 2)
        columns = max(1, width // self.MIN_CARD_WIDTH)
        card = width // columns
        if card != self._card_width or self.view.gridSize().isEmpty():
            self._card_width = card
            self.view.setGridSize(QSize(card, self.ROW_HEIGHT))

    def _row_size(self) -> QSize:
        return QSize(self._card_width, self.ROW_HEIGHT)

    def _on_row_chosen(self, row: int) -> None:
        t = self.model.rows()[row]
        if t.state == "busy" and t.work_order_id is not None:
            self.sig_work_order_selected.emit(t.work_order_id)

    def _paint_row(self, painter: QPainter, rect: QRect, t: TechnicianState, hover: bool, selected: bool) -> None:
        pal = self._pal
        tone = tone_color(pal, TECH_STATE_TONES.get(t.state, "neutral"))
        clickable = t.state == "busy" and t.work_order_id is not None
        r = self._card(painter, rect.adjusted(4, 2, -4, -2), hover and clickable, selected and clickable,
                       strip=tone)
        x, right = r.left() + 18, r.right() - 12
        faded = t.state == "off"
        chip = paint_chip(painter, right, r.top() + 21, tech_state_name(t.state), tone,
                          px_font(self, CHIP_PX, bold=True), pal, align_right=True)
        _draw(painter, QRectF(x, r.top() + 5, chip.left() - 8 - x, 32), t.name, px_font(self, BODY_PX + 2, True),
              pal.text_dim if faded else pal.text)
        level = max(0, min(5, t.level))
        middle = QRectF(x, r.top() + 38, right - x, 26)
        if clickable:
            link = arg(QCoreApplication.translate("StorePanels", "工单 #%1 ›"), t.work_order_id)
            link_font = px_font(self, SMALL_PX + 1, bold=True)
            link_w = QFontMetrics(link_font).horizontalAdvance(link) + 4
            _draw(painter, QRectF(right - link_w, middle.top(), link_w, middle.height()), link, link_font,
                  chip_text_color(pal, tone), Qt.AlignmentFlag.AlignRight)
            middle.setWidth(middle.width() - link_w - 8)
        stars = "★" * level + "☆" * (5 - level)
        stars_w = _draw(painter, middle, stars, px_font(self, CHIP_PX), chip_text_color(pal, tone_color(pal, "warning")))
        _draw(painter, QRectF(x + stars_w + 6, middle.top(), middle.width() - stars_w - 6, middle.height()),
              arg(QCoreApplication.translate("StorePanels", "%1 级"), level), px_font(self, SMALL_PX + 1), pal.text_dim)
        _draw(painter, QRectF(x, r.top() + 66, right - x, 26), skills_zh(t.skills) or PLACEHOLDER,
              px_font(self, SMALL_PX + 1), pal.text_dim)


# --- the store against its region --------------------------------------------------------------------------------

class KpiRowLike(Protocol):
    """What the compare widget reads from a services.network.KpiRow (kept structural: that module needs SQL)."""

    name_zh: str
    utilization: float | None
    wait_hours: float | None
    vehicles_per_store_day: float | None
    output_per_store_day: float | None
    csi: float | None


def _signed_words(diff: float, more: str, less: str, body: str) -> str:
    return f"{_tr(more) if diff > 0 else _tr(less)} {body}"


@dataclass(frozen=True, slots=True)
class CompareMetric:
    """One row of the comparison: where to read it, how to show it, which way is better, what counts as equal."""

    key: str  # the KpiRow attribute
    title_zh: str
    title_en: str
    higher_is_better: bool
    text: Callable[[float], str]
    diff_text: Callable[[float], str]  # the store minus the region, in plain words
    same_within: Callable[[float, float], bool]  # (store, region) → close enough to call level
    axis_max: Callable[[float], float]  # the largest value shown → the right end of the bar


def _relative(tolerance: float) -> Callable[[float, float], bool]:
    return lambda a, b: abs(a - b) <= tolerance * max(abs(b), 1e-9)


COMPARE_METRICS: tuple[CompareMetric, ...] = (
    CompareMetric("utilization", QT_TRANSLATE_NOOP("StorePanels", "工位利用率"), "Bay utilization", True, lambda v: f"{v * 100:.0f}%",
                  lambda d: _signed_words(d, QT_TRANSLATE_NOOP("StorePanels", "高"), QT_TRANSLATE_NOOP("StorePanels", "低"), arg(QCoreApplication.translate("StorePanels", "%1 个百分点"), f"{abs(d) * 100:.0f}")),
                  lambda a, b: abs(a - b) < 0.01, lambda m: 1.0),
    CompareMetric("wait_hours", QT_TRANSLATE_NOOP("StorePanels", "客户等待"), "Customer wait", False,
                  lambda v: arg(QCoreApplication.translate("StorePanels", "%1 小时"), f"{v:.1f}"),
                  lambda d: _signed_words(d, QT_TRANSLATE_NOOP("StorePanels", "多等"), QT_TRANSLATE_NOOP("StorePanels", "少等"), minutes_text(abs(d) * 60)),
                  lambda a, b: abs(a - b) < 0.05, lambda m: max(2.0, m * 1.25)),
    CompareMetric("vehicles_per_store_day", QT_TRANSLATE_NOOP("StorePanels", "日均接车"), "Vehicles a day", True,
                  lambda v: arg(QCoreApplication.translate("StorePanels", "%1 台"), f"{v:.0f}"),
                  lambda d: _signed_words(d, QT_TRANSLATE_NOOP("StorePanels", "多"), QT_TRANSLATE_NOOP("StorePanels", "少"), arg(QCoreApplication.translate("StorePanels", "%1 台"), f"{abs(d):.0f}")),
                  _relative(0.02), lambda m: max(10.0, m * 1.25)),
    CompareMetric("output_per_store_day", QT_TRANSLATE_NOOP("StorePanels", "日均产值"), "Output a day", True, lambda v: f"¥{v:,.0f}",
                  lambda d: _signed_words(d, QT_TRANSLATE_NOOP("StorePanels", "多"), QT_TRANSLATE_NOOP("StorePanels", "少"), f"¥{abs(d):,.0f}"),
                  _relative(0.02), lambda m: max(1000.0, m * 1.25)),
    CompareMetric("csi", QT_TRANSLATE_NOOP("StorePanels", "客户满意度"), "Satisfaction (CSI)", True, lambda v: arg(QCoreApplication.translate("StorePanels", "%1 分"), f"{v:.0f}"),
                  lambda d: _signed_words(d, QT_TRANSLATE_NOOP("StorePanels", "高"), QT_TRANSLATE_NOOP("StorePanels", "低"), arg(QCoreApplication.translate("StorePanels", "%1 分"), f"{abs(d):.1f}")),
                  lambda a, b: abs(a - b) < 0.5, lambda m: 100.0),
)
VERDICT_ZH = {"better": QT_TRANSLATE_NOOP("StorePanels", "好于大区"), "worse": QT_TRANSLATE_NOOP("StorePanels", "差于大区"),
              "same": QT_TRANSLATE_NOOP("StorePanels", "与大区持平")}
VERDICT_TONES = {"better": "good", "worse": "bad", "same": "neutral"}


def compare(metric: CompareMetric, store: float | None, region: float | None) -> str | None:
    """'better', 'worse' or 'same' for the store against its region; None when either is missing."""
    if store is None or region is None:
        return None
    if metric.same_within(store, region):
        return "same"
    return "better" if (store > region) == metric.higher_is_better else "worse"


class _CompareCanvas(QWidget):
    """Paints the five comparison rows: a bar for the store, a marker for the region, words for the verdict."""

    ROW_HEIGHT = 84
    LEGEND_HEIGHT = 34

    def __init__(self, owner: StoreKpiCompareWidget) -> None:
        super().__init__(owner)
        self._owner = owner
        self.setMinimumHeight(self.LEGEND_HEIGHT + self.ROW_HEIGHT * len(COMPARE_METRICS))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def sizeHint(self) -> QSize:
        return QSize(420, self.minimumHeight())

    def paintEvent(self, event: QPaintEvent) -> None:
        owner = self._owner
        pal = owner.pal
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w = self.width()
        small = px_font(self, SMALL_PX + 1)
        # Legend: what the bar and the marker mean.
        fm = QFontMetrics(small)
        y = 6
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(pal.accent))
        painter.drawRoundedRect(QRectF(0, y + 8, 26, 12), 4, 4)
        store_text = arg(QCoreApplication.translate("StorePanels", "本店 %1"), owner.store_name)
        _draw(painter, QRectF(34, y, w * 0.5 - 40, 28), store_text, small, pal.text)
        mx = max(34 + fm.horizontalAdvance(store_text) + 28, w * 0.5)
        painter.setPen(QPen(QColor(pal.text), 3))
        painter.drawLine(QPointF(mx + 6, y + 4), QPointF(mx + 6, y + 24))
        _draw(painter, QRectF(mx + 16, y, w - mx - 16, 28), arg(QCoreApplication.translate("StorePanels", "大区平均 %1"), owner.region_name), small, pal.text)

        top = float(self.LEGEND_HEIGHT)
        for m in COMPARE_METRICS:
            self._paint_metric(painter, m, QRectF(0, top, w, self.ROW_HEIGHT))
            top += self.ROW_HEIGHT
        painter.end()

    def _paint_metric(self, painter: QPainter, m: CompareMetric, r: QRectF) -> None:
        owner = self._owner
        pal = owner.pal
        store, region = owner.values(m.key)
        verdict = compare(m, store, region)
        tone = tone_color(pal, VERDICT_TONES.get(verdict or "", "neutral"))
        strong = chip_text_color(pal, tone) if verdict in ("better", "worse") else QColor(pal.text)
        # Separator above every row but the first.
        if r.top() > self.LEGEND_HEIGHT:
            painter.setPen(QPen(QColor(pal.grid), 1))
            painter.drawLine(QPointF(r.left(), r.top()), QPointF(r.right(), r.top()))
        title_font = px_font(self, BODY_PX, bold=True)
        value_font = px_font(self, BIG_PX, bold=True)
        value_text = m.text(store) if store is not None else PLACEHOLDER
        value_w = QFontMetrics(value_font).horizontalAdvance(value_text) + 4
        line1 = QRectF(r.left(), r.top() + 4, r.width(), 32)
        _draw(painter, QRectF(line1.right() - value_w, line1.top(), value_w, line1.height()), value_text,
              value_font, strong, Qt.AlignmentFlag.AlignRight)
        title_w = _draw(painter, QRectF(line1.left(), line1.top(), line1.width() - value_w - 10, line1.height()),
                        _tr(m.title_zh), title_font, pal.text)
        if not english():  # English: the title itself is in English
            _draw(painter, QRectF(line1.left() + title_w + 8, line1.top() + 2, line1.width() - value_w - title_w - 20,
                                  line1.height()), m.title_en, px_font(self, SMALL_PX), pal.text_dim)

        # The bullet: a track, the store's bar, the region's marker.
        track = QRectF(r.left(), r.top() + 40, r.width(), 14)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(pal.grid))
        painter.drawRoundedRect(track, 5, 5)
        known = [v for v in (store, region) if v is not None]
        top_value = m.axis_max(max(known)) if known else 1.0
        if store is not None:
            frac = max(0.0, min(1.0, store / top_value))
            painter.setBrush(tone if verdict else QColor(pal.accent))
            painter.drawRoundedRect(QRectF(track.left(), track.top(), max(6.0, track.width() * frac),
                                           track.height()), 5, 5)
        if region is not None:
            rx = track.left() + track.width() * max(0.0, min(1.0, region / top_value))
            rx = max(track.left() + 2, min(track.right() - 2, rx))
            painter.setPen(QPen(QColor(pal.text), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            painter.drawLine(QPointF(rx, track.top() - 6), QPointF(rx, track.bottom() + 6))

        line3 = QRectF(r.left(), r.top() + 58, r.width(), 24)
        small = px_font(self, SMALL_PX + 1)
        region_text = arg(QCoreApplication.translate("StorePanels", "大区 %1"), m.text(region)) if region is not None else QCoreApplication.translate("StorePanels", "大区 暂无数据")
        region_w = _draw(painter, QRectF(line3.left(), line3.top(), line3.width() * 0.45, line3.height()),
                         region_text, small, pal.text_dim)
        if verdict is None:
            words = paired("StorePanels", QT_TRANSLATE_NOOP("StorePanels", "暂无数据"), "No data", " ") if store is None else ""
            color = QColor(pal.text_dim)
        elif verdict == "same":
            words, color = _tr(VERDICT_ZH["same"]), QColor(pal.text_dim)
        else:
            words = f"{_tr(VERDICT_ZH[verdict])} · {m.diff_text(store - region)}"  # type: ignore[operator]
            color = strong
        left = line3.left() + region_w + 16
        _draw(painter, QRectF(left, line3.top(), line3.right() - left, line3.height()), words,
              px_font(self, SMALL_PX + 1, bold=verdict in ("better", "worse")), color, Qt.AlignmentFlag.AlignRight)


class StoreKpiCompareWidget(StorePanelBase):
    """The store's KPIs against its region's average: utilization, wait, vehicles a day, output a day and CSI, each
    a bar for the store and a marker for the region, green when better and orange when worse, said in words."""

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(QT_TRANSLATE_NOOP("StorePanels", "本店与大区对比"), "Store vs region", theme_name, parent)
        self._store: KpiRowLike | None = None
        self._region: KpiRowLike | None = None
        self.store_name = QCoreApplication.translate("StorePanels", "本店")
        self.region_name = QCoreApplication.translate("StorePanels", "大区")
        self.canvas = _CompareCanvas(self)
        self.body.addWidget(self.canvas, 1)

    @Slot(object, object)
    def set_kpis(self, store: KpiRowLike | None, region: KpiRowLike | None) -> None:
        """Compare `store` (a KpiRow of scope store) with `region` (its region's KpiRow); either may be None."""
        self._store, self._region = store, region
        self.store_name = store.name_zh if store is not None and getattr(store, "name_zh", "") else ""
        self.region_name = region.name_zh if region is not None and getattr(region, "name_zh", "") else ""
        self.count_label.setText(paired("StorePanels", QT_TRANSLATE_NOOP("StorePanels", "今天"), "Today", " "))
        self.canvas.update()

    def values(self, key: str) -> tuple[float | None, float | None]:
        """(store, region) for a metric key; None where missing."""
        def get(row: KpiRowLike | None) -> float | None:
            value = getattr(row, key, None) if row is not None else None
            return float(value) if value is not None else None
        return get(self._store), get(self._region)

    def verdict(self, key: str) -> str | None:
        """'better', 'worse', 'same' or None (missing) for a metric key, e.g. 'wait_hours'."""
        metric = next(m for m in COMPARE_METRICS if m.key == key)
        return compare(metric, *self.values(key))

    def _theme_changed(self) -> None:
        self.canvas.update()
