"""The alert feed: newest first, severity at a glance, how long ago, who acknowledged, and a big acknowledge button."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from services.model import AlertItem
from widgets import theme
from widgets.i18n import arg, english, paired, tr

Index = QModelIndex | QPersistentModelIndex
ALERT_ROLE = Qt.ItemDataRole.UserRole
# The network is in China: times are shown on Beijing time whatever the console's own zone.
DISPLAY_TZ = ZoneInfo("Asia/Shanghai")
SEVERITIES = ("critical", "warning", "info")
SEVERITY_ZH = {"critical": QT_TRANSLATE_NOOP("AlertFeed", "严重"), "warning": QT_TRANSLATE_NOOP("AlertFeed", "警告"),
               "info": QT_TRANSLATE_NOOP("AlertFeed", "提示")}
SEVERITY_EN = {"critical": "Critical", "warning": "Warning", "info": "Info"}
ACK_TEXT = "确认 Acknowledge"  # as shown in Chinese; ack_text() is the text in the active language
PENDING_TEXT = "确认中…"
ROW_HEIGHT = 116
_CTX = "AlertFeed"  # the translation context (a name, so lupdate does not take it for a source text)


def ack_text() -> str:
    """The acknowledge button: '确认 Acknowledge' in Chinese, 'Acknowledge' in English."""
    return paired("AlertFeed", QT_TRANSLATE_NOOP("AlertFeed", "确认"), "Acknowledge", " ")


def pending_text() -> str:
    return QCoreApplication.translate("AlertFeed", "确认中…")


def severity_name(severity: str) -> str:
    return tr(_CTX, SEVERITY_ZH[severity]) if severity in SEVERITY_ZH else severity


def _local(dt: datetime) -> datetime:
    return dt.astimezone(DISPLAY_TZ) if dt.tzinfo is not None else dt


def time_ago(then: datetime, now: datetime) -> str:
    """'刚刚', '3 分钟前', '2 小时前', '4 天前' (naive times are taken as Beijing time)."""
    if then.tzinfo is None and now.tzinfo is not None:
        now = now.astimezone(DISPLAY_TZ).replace(tzinfo=None)
    elif then.tzinfo is not None and now.tzinfo is None:
        now = now.replace(tzinfo=DISPLAY_TZ)
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return QCoreApplication.translate("AlertFeed", "刚刚")
    if seconds < 3600:
        return arg(QCoreApplication.translate("AlertFeed", "%1 分钟前"), int(seconds // 60))
    if seconds < 86400:
        return arg(QCoreApplication.translate("AlertFeed", "%1 小时前"), int(seconds // 3600))
    return arg(QCoreApplication.translate("AlertFeed", "%1 天前"), int(seconds // 86400))


def state_text(alert: AlertItem) -> str:
    """The alert's state in plain words: '已确认 · 张艳 09:41', '已解除 · 10:02' or '严重 · 未确认'."""
    if alert.resolved_at is not None:
        return arg(QCoreApplication.translate("AlertFeed", "已解除 · %1"), f"{_local(alert.resolved_at):%H:%M}")
    if alert.acknowledged_at is not None or alert.acknowledged_by:
        when = f" {_local(alert.acknowledged_at):%H:%M}" if alert.acknowledged_at else ""
        return arg(QCoreApplication.translate("AlertFeed", "已确认 · %1"), f"{alert.acknowledged_by or ''}{when}").replace("·  ", "· ")
    return arg(QCoreApplication.translate("AlertFeed", "%1 · 未确认"), severity_name(alert.severity))


def needs_acknowledging(alert: AlertItem) -> bool:
    return alert.resolved_at is None and alert.acknowledged_at is None and not alert.acknowledged_by


class AlertListModel(QAbstractListModel):
    """The alerts shown (already filtered and ordered), one per row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: tuple[AlertItem, ...] = ()

    @property
    def items(self) -> tuple[AlertItem, ...]:
        return self._items

    def set_items(self, items: tuple[AlertItem, ...]) -> None:
        if [a.id for a in items] == [a.id for a in self._items]:
            self._items = items  # same alerts in the same order: repaint, keep everything else
            if items:
                self.dataChanged.emit(self.index(0), self.index(len(items) - 1))
            return
        self.beginResetModel()
        self._items = items
        self.endResetModel()

    def row_of(self, alert_id: int) -> int | None:
        for n, a in enumerate(self._items):
            if a.id == alert_id:
                return n
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        alert = self._items[index.row()]
        if role == ALERT_ROLE:
            return alert
        if role == Qt.ItemDataRole.DisplayRole:  # for screen readers and tests
            return f"{alert.store_name} {alert.message} {state_text(alert)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{alert.store_name}（{alert.store_code}）\n{alert.message}\n{_local(alert.raised_at):%m-%d %H:%M}"
        return None


class AlertDelegate(QStyledItemDelegate):
    """Paints one alert: severity bar and glyph, store, message, age, state, and the acknowledge button."""

    def __init__(self, feed: AlertFeedWidget) -> None:
        super().__init__(feed)
        self._feed = feed
        self._pal = theme.DARK
        self._fonts: dict[str, Any] = {}

    def set_look(self, pal: theme.Palette, base: QWidget) -> None:
        s = theme.SIZES
        self._pal = pal
        self._fonts = {
            "name": theme.font(base, s.body + 1, bold=True),
            "small": theme.font(base, s.small),
            "message": theme.font(base, s.body),
            "state": theme.font(base, s.small + 1, bold=True),
            "button": theme.font(base, s.body, bold=True),
            "glyph": theme.font(base, 17, bold=True),
        }

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(320, ROW_HEIGHT)

    def button_rect(self, row_rect: QRect) -> QRect:
        fm = QFontMetrics(self._fonts["button"])
        w = fm.horizontalAdvance(ack_text()) + 36
        return QRect(row_rect.right() - 14 - w, row_rect.top() + 68, w, 40)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        alert: AlertItem = index.data(ALERT_ROLE)
        pal = self._pal
        f = self._fonts
        r = option.rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        bg = pal.selection if selected else pal.surface_alt if hovered else pal.surface
        painter.fillRect(r, QColor(bg))
        painter.setPen(QColor(pal.border))
        painter.drawLine(r.bottomLeft(), r.bottomRight())

        open_ = needs_acknowledging(alert)
        sev = pal.color(alert.severity) if alert.severity in SEVERITIES else QColor(pal.neutral)
        bar = QColor(sev)
        if not open_:
            bar.setAlpha(110)
        painter.fillRect(QRect(r.left(), r.top(), 6, r.height()), bar)
        self._glyph(painter, alert.severity, QPointF(r.left() + 32, r.top() + 26), sev, open_)

        pending = alert.id in self._feed.pending_ids
        right = r.right() - 14
        state_right = right
        if open_:
            button = self._button(painter, self.button_rect(r), pending, alert.id == self._feed.hovered_button_id)
            state_right = button.left() - 16
        left = r.left() + 58
        # Line 1: store (bold) and where it is; the age on the right.
        fm_small = QFontMetrics(f["small"])
        age = time_ago(alert.raised_at, self._feed.now())
        age_w = fm_small.horizontalAdvance(age)
        painter.setFont(f["small"])
        painter.setPen(QColor(pal.text_dim))
        line1 = QRect(left, r.top() + 10, right - left, 26)
        painter.drawText(line1, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), age)
        name_room = right - left - age_w - 16
        painter.setFont(f["name"])
        painter.setPen(QColor(pal.text))
        fm_name = QFontMetrics(f["name"])
        name = fm_name.elidedText(alert.store_name, Qt.TextElideMode.ElideRight, name_room)
        painter.drawText(line1, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), name)
        where = f"{alert.region_code} · {alert.store_code}"
        where_x = left + fm_name.horizontalAdvance(name) + 10
        if where_x + fm_small.horizontalAdvance(where) < left + name_room:
            painter.setFont(f["small"])
            painter.setPen(QColor(pal.text_dim))
            painter.drawText(QRect(where_x, line1.top(), left + name_room - where_x, line1.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), where)
        # Line 2: the message in plain words.
        painter.setFont(f["message"])
        painter.setPen(QColor(pal.text if open_ else pal.text_dim))
        message = QFontMetrics(f["message"]).elidedText(alert.message, Qt.TextElideMode.ElideRight, right - left)
        painter.drawText(QRect(left, r.top() + 38, right - left, 26),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), message)
        # Line 3: the state, level with the button.
        painter.setFont(f["state"])
        painter.setPen(sev if open_ else QColor(pal.text_dim))
        painter.drawText(QRect(left, r.top() + 68, state_right - left, 40),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), state_text(alert))
        painter.restore()

    def _glyph(self, painter: QPainter, severity: str, c: QPointF, color: QColor, open_: bool) -> None:
        """A shape per severity, so it reads without colour: circle '!' critical, triangle '!' warning,
        circle 'i' info."""
        pal = self._pal
        fill = QColor(color)
        if not open_:
            fill.setAlpha(140)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        rad = 14.0
        if severity == "warning":
            tri = QPolygonF([QPointF(c.x(), c.y() - rad - 1), QPointF(c.x() + rad + 2, c.y() + rad - 1),
                             QPointF(c.x() - rad - 2, c.y() + rad - 1)])
            path = QPainterPath()
            path.addPolygon(tri)
            path.closeSubpath()
            painter.drawPath(path)
            text_rect = QRectF(c.x() - rad, c.y() - rad + 5, 2 * rad, 2 * rad - 4)
        else:
            painter.drawEllipse(c, rad, rad)
            text_rect = QRectF(c.x() - rad, c.y() - rad, 2 * rad, 2 * rad)
        painter.setFont(self._fonts["glyph"])
        painter.setPen(QColor(pal.window if pal.name == "dark" else "#FFFFFF"))
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignCenter), "i" if severity == "info" else "!")

    def _button(self, painter: QPainter, rect: QRect, pending: bool, hovered: bool) -> QRect:
        pal = self._pal
        color = QColor(pal.button)
        if hovered and not pending:
            color = color.lighter(120)
        if pending:
            color = QColor(pal.neutral)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(QRectF(rect), 8, 8)
        painter.setFont(self._fonts["button"])
        painter.setPen(QPen(QColor(pal.button_text)))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), pending_text() if pending else ack_text())
        return rect


class AlertFeedWidget(QWidget):
    """Alerts newest first with a severity filter. Clicking an alert selects its store; the acknowledge button
    asks for the alert to be acknowledged (the presenter does it and sends the new list back)."""

    sig_acknowledge_requested = Signal(int)  # alert id
    sig_store_selected = Signal(int)  # store id of the clicked alert
    sig_badge_changed = Signal(str)  # badge_text changed (for a dock title)

    def __init__(self, theme_name: str = "dark", clock: Callable[[], datetime] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._all: tuple[AlertItem, ...] = ()
        self._severity: str | None = None  # None: all
        self._badge = ""
        self.pending_ids: set[int] = set()
        self.hovered_button_id: int | None = None
        self._pressed_button_id: int | None = None

        title = QLabel(QCoreApplication.translate("AlertFeed", "告警"), objectName="panelTitle")
        title_en = QLabel("Alerts", objectName="panelTitleEn")
        title_en.setVisible(not english())  # English: the title itself is in English
        self.count_label = QLabel(objectName="badge")
        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(title, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(title_en, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addStretch(1)
        header.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignVCenter)

        self.filter_buttons: dict[str | None, QPushButton] = {}
        self._filter_group = QButtonGroup(self)
        self._filter_group.setExclusive(True)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        for n, sev in enumerate((None, *SEVERITIES)):
            button = QPushButton(objectName="segment")
            button.setCheckable(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(paired("AlertFeed", QT_TRANSLATE_NOOP("AlertFeed", "只看这一级的告警"), "Show only this severity", "\n")
                              if sev else paired("AlertFeed", QT_TRANSLATE_NOOP("AlertFeed", "全部告警"), "All alerts", "\n"))
            self._filter_group.addButton(button, n)
            self.filter_buttons[sev] = button
            filters.addWidget(button)
        filters.addStretch(1)
        self.filter_buttons[None].setChecked(True)
        self._filter_group.idClicked.connect(self._on_filter)

        self.model = AlertListModel(self)
        self.delegate = AlertDelegate(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setMouseTracking(True)
        self.view.viewport().installEventFilter(self)
        self.view.installEventFilter(self)
        self.view.clicked.connect(self._on_clicked)
        self.empty_label = QLabel(paired("AlertFeed", QT_TRANSLATE_NOOP("AlertFeed", "没有告警"), "No alerts", "\n"),
                                  objectName="caption")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label, 1)

        # "3 分钟前" must keep counting while nothing new arrives.
        self._tick = QTimer(self)
        self._tick.setInterval(30_000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()

        self._theme_name = ""
        self.set_theme(theme_name)
        self._refresh_counts()
        self._show_empty()

    # --- public API -------------------------------------------------------------------------------------------

    @property
    def badge_text(self) -> str:
        """For the dock title: '告警 · 3 条未确认', or '告警' when nothing waits."""
        return self._badge

    @property
    def unacknowledged_count(self) -> int:
        return sum(1 for a in self._all if needs_acknowledging(a))

    @property
    def severity_filter(self) -> str | None:
        return self._severity

    def shown_ids(self) -> list[int]:
        """The ids of the alerts on screen, top to bottom."""
        return [a.id for a in self.model.items]

    def now(self) -> datetime:
        return self._clock()

    @Slot(object)
    def set_alerts(self, items: Sequence[AlertItem]) -> None:
        """Show `items` newest first. The selected alert stays selected, and the list does not jump: the alert
        at the top of the view stays there unless the view was at the very top, where new alerts appear."""
        self._all = tuple(sorted(items, key=lambda a: (a.raised_at, a.id), reverse=True))
        still_open = {a.id for a in self._all if needs_acknowledging(a)}
        self.pending_ids &= still_open
        self._apply_filter()
        self._refresh_counts()

    def set_severity_filter(self, severity: str | None) -> None:
        """Show only `severity` ('critical', 'warning', 'info'), or everything with None."""
        if severity not in self.filter_buttons:
            raise ValueError(f"unknown severity {severity!r}")
        self.filter_buttons[severity].setChecked(True)
        self._severity = severity
        self._apply_filter()

    def clear_pending(self, alert_id: int) -> None:
        """The acknowledgement failed: show the button again."""
        self.pending_ids.discard(alert_id)
        self.view.viewport().update()

    def ack_button_rect(self, alert_id: int) -> QRect | None:
        """Where the acknowledge button of `alert_id` is, in the view's viewport; None when it has none."""
        row = self.model.row_of(alert_id)
        if row is None or not needs_acknowledging(self.model.items[row]):
            return None
        return self.delegate.button_rect(self.view.visualRect(self.model.index(row)))

    def set_theme(self, name: str) -> None:
        """Switch to the 'dark' (wall) or 'light' (laptop) palette."""
        if name == self._theme_name:
            return
        self._theme_name = name
        pal = theme.palette(name)
        badge_text = pal.window if name == "dark" else "#FFFFFF"
        self.setStyleSheet(theme.panel_stylesheet(pal) + f"""
            QLabel#badge {{ border-radius: 6px; padding: 3px 10px; font-size: {theme.SIZES.small + 1}px;
                            font-weight: 700; }}
            QLabel#badge[waiting="true"] {{ background: {pal.critical}; color: {badge_text}; }}
            QLabel#badge[waiting="false"] {{ background: {pal.surface_alt}; color: {pal.text_dim}; }}
        """)
        self.delegate.set_look(pal, self)
        self.view.viewport().update()

    # --- internals --------------------------------------------------------------------------------------------

    def _apply_filter(self) -> None:
        shown = tuple(a for a in self._all if self._severity is None or a.severity == self._severity)
        selected = self._selected_id()
        bar = self.view.verticalScrollBar()
        at_top = bar.value() == 0
        anchor = self.view.indexAt(QPoint(0, 0))
        anchor_id = self.model.items[anchor.row()].id if anchor.isValid() else None
        anchor_offset = self.view.visualRect(anchor).top() if anchor.isValid() else 0
        same = [a.id for a in shown] == self.shown_ids()
        self.model.set_items(shown)
        if not same:
            if selected is not None:
                row = self.model.row_of(selected)
                if row is not None:
                    self.view.selectionModel().select(
                        self.model.index(row), self.view.selectionModel().SelectionFlag.ClearAndSelect)
                    self.view.selectionModel().setCurrentIndex(
                        self.model.index(row), self.view.selectionModel().SelectionFlag.NoUpdate)
            if not at_top and anchor_id is not None:
                row = self.model.row_of(anchor_id)
                if row is not None:
                    self.view.doItemsLayout()  # the scroll range must know the new rows before we scroll
                    bar.setValue(row * ROW_HEIGHT - anchor_offset)
        self._show_empty()

    def _selected_id(self) -> int | None:
        rows = self.view.selectionModel().selectedIndexes()
        return self.model.items[rows[0].row()].id if rows else None

    def _refresh_counts(self) -> None:
        by_sev = {s: sum(1 for a in self._all if a.severity == s) for s in SEVERITIES}
        self.filter_buttons[None].setText(arg(QCoreApplication.translate("AlertFeed", "全部 %1"), len(self._all)))
        for s in SEVERITIES:
            self.filter_buttons[s].setText(f"{severity_name(s)} {by_sev[s]}")
        n = self.unacknowledged_count
        self.count_label.setText(arg(QCoreApplication.translate("AlertFeed", "%1 条未确认"), n) if n else QCoreApplication.translate("AlertFeed", "全部已确认"))
        if self.count_label.property("waiting") != bool(n):
            self.count_label.setProperty("waiting", bool(n))
            self.count_label.style().unpolish(self.count_label)
            self.count_label.style().polish(self.count_label)
        badge = arg(QCoreApplication.translate("AlertFeed", "告警 · %1 条未确认"), n) if n else QCoreApplication.translate("AlertFeed", "告警")
        if badge != self._badge:
            self._badge = badge
            self.sig_badge_changed.emit(badge)

    def _show_empty(self) -> None:
        empty = not self.model.items
        if self.view.isHidden() != empty:
            self.view.setVisible(not empty)
            self.empty_label.setVisible(empty)
            self.layout().activate()  # resize the list now, not at the next event loop turn
        if empty:
            self.empty_label.setText(
                paired("AlertFeed", "没有告警", "No alerts", "\n") if self._severity is None
                else QCoreApplication.translate("AlertFeed", "没有%1告警").replace("%1", severity_name(self._severity)) if english()
                else f"没有{SEVERITY_ZH[self._severity]}告警\nNo {self._severity} alerts")

    def _button_hit(self, pos: QPoint) -> int | None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return None
        alert = self.model.items[index.row()]
        if not needs_acknowledging(alert) or alert.id in self.pending_ids:
            return None
        return alert.id if self.delegate.button_rect(self.view.visualRect(index)).contains(pos) else None

    @Slot(int)
    def _on_filter(self, button_id: int) -> None:
        self._severity = (None, *SEVERITIES)[button_id]
        self._apply_filter()

    @Slot(QModelIndex)
    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.sig_store_selected.emit(self.model.items[index.row()].store_id)

    @Slot()
    def _on_tick(self) -> None:
        if self.isVisible():
            self.view.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.view.viewport():
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
                mouse: QMouseEvent = event  # type: ignore[assignment]
                hit = self._button_hit(mouse.position().toPoint())
                if hit is not None and mouse.button() == Qt.MouseButton.LeftButton:
                    self._pressed_button_id = hit
                    return True  # the button's press: no row selection, no store click
            elif kind == QEvent.Type.MouseButtonRelease:
                mouse = event  # type: ignore[assignment]
                pressed, self._pressed_button_id = self._pressed_button_id, None
                if pressed is not None:
                    if self._button_hit(mouse.position().toPoint()) == pressed:
                        self.pending_ids.add(pressed)
                        self.view.viewport().update()
                        self.sig_acknowledge_requested.emit(pressed)
                    return True
            elif kind == QEvent.Type.MouseMove:
                mouse = event  # type: ignore[assignment]
                self._set_hovered_button(self._button_hit(mouse.position().toPoint()))
            elif kind == QEvent.Type.Leave:
                self._set_hovered_button(None)
        elif watched is self.view and kind == QEvent.Type.KeyPress:
            key: QKeyEvent = event  # type: ignore[assignment]
            if key.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.view.currentIndex().isValid():
                self._on_clicked(self.view.currentIndex())
                return True
        return super().eventFilter(watched, event)

    def _set_hovered_button(self, alert_id: int | None) -> None:
        if alert_id != self.hovered_button_id:
            self.hovered_button_id = alert_id
            self.view.viewport().setCursor(Qt.CursorShape.PointingHandCursor if alert_id is not None
                                           else Qt.CursorShape.ArrowCursor)
            self.view.viewport().update()
