"""The store's day board: bays and technicians × time of day, jobs as bars; click to open, drag to ask for a move."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QPoint,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyleOptionGraphicsItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from services.model import BoardJob, BoardLane
from widgets import theme
from widgets.i18n import arg, english, paired, tr
from widgets.store_panels import (
    BODY_PX,
    CHIP_PX,
    SMALL_PX,
    bay_kind_zh,
    chip_text_color,
    hm,
    mix,
    panel_css,
    px_font,
    skills_zh,
    tone_color,
)

LABEL_W = 178.0  # the lane-name column
LANE_H = 52.0  # a lane's height when there is room: two-line lane names
LANE_H_MIN = 40.0  # squeezed to fit every lane without scrolling, down to this: one-line lane names
TWO_LINE_LANE_H = 48.0
GROUP_H = 32.0
GROUP_GAP = 10.0  # the separator between the bays and the technicians
RIGHT_PAD = 30.0  # room for the last hour's label
SNAP_MINUTES = 5
MIN_BAR_W = 8.0
STRIPE_W = 16.0  # the striped "still running" right edge of an active bar
REJECT_MESSAGE_MS = 4000

VIEW_MODES = ("both", "bays", "technicians")
_CTX = "ScheduleBoard"  # the translation context (a name, so lupdate does not take it for a source text)
STATUS_ZH = {"planned": QT_TRANSLATE_NOOP("ScheduleBoard", "计划"), "active": QT_TRANSLATE_NOOP("ScheduleBoard", "进行中"), "done": QT_TRANSLATE_NOOP("ScheduleBoard", "已完成"),
             "cancelled": QT_TRANSLATE_NOOP("ScheduleBoard", "已取消")}
KIND_ZH = {"service": QT_TRANSLATE_NOOP("ScheduleBoard", "维修"), "qc": QT_TRANSLATE_NOOP("ScheduleBoard", "质检")}
GROUP_TITLES = {"bay": (QT_TRANSLATE_NOOP("ScheduleBoard", "工位"), "Bays"), "technician": (QT_TRANSLATE_NOOP("ScheduleBoard", "技师"), "Technicians")}


def _tr(text: str) -> str:
    return tr(_CTX, text)

Z_SHADE, Z_BAR, Z_GHOST, Z_NOW, Z_DRAG = -5.0, 0.0, 5.0, 10.0, 20.0
# Where bars overlap (a running job overran into the next one's slot), the running one is drawn on top.
Z_BY_STATUS = {"done": 0.0, "planned": 0.1, "active": 0.2}


@dataclass(frozen=True, slots=True)
class BarColors:
    fill: QColor
    border: QColor
    text: QColor
    dashed: bool
    stripes: bool


class _BoardLook:
    """Fonts and colours of the board, derived once per theme so painting allocates nothing."""

    def __init__(self, pal: theme.Palette, base: QWidget) -> None:
        self.pal = pal
        self.bar_font = px_font(base, CHIP_PX + 1, bold=True)
        self.lane_font = px_font(base, BODY_PX - 1, bold=True)
        self.detail_font = px_font(base, SMALL_PX)
        self.group_font = px_font(base, CHIP_PX + 1, bold=True)
        self.group_en_font = px_font(base, SMALL_PX - 1)
        self.axis_font = px_font(base, SMALL_PX)
        self.now_font = px_font(base, SMALL_PX, bold=True)
        self.hint_font = px_font(base, SMALL_PX, bold=True)
        light = pal.name == "light"
        service_active = QColor(pal.button)
        qc_active = QColor(theme.OKABE_ITO["sky_blue"])
        planned_text = QColor(pal.accent).darker(115) if light else QColor(pal.accent)
        self.now = QColor("#D62828" if light else "#FF5A4E")
        self.shade = QColor(0, 0, 0, 12) if light else QColor(255, 255, 255, 10)
        self.zebra = mix(pal.surface, pal.surface_alt, 0.6)
        self.grid = QColor(pal.grid)
        self.selected = QColor(pal.text)
        self._colors = {
            ("service", "planned"): BarColors(QColor(pal.surface), QColor(pal.accent), planned_text, False, False),
            ("service", "active"): BarColors(service_active, service_active.darker(125), QColor("#FFFFFF"),
                                             False, True),
            ("service", "done"): BarColors(mix(pal.surface, pal.neutral, 0.32), mix(pal.surface, pal.neutral, 0.5),
                                           QColor(pal.text), False, False),
            ("qc", "planned"): BarColors(QColor(pal.surface), qc_active.darker(120), QColor(pal.text_dim), True,
                                         False),
            ("qc", "active"): BarColors(qc_active, qc_active.darker(125), QColor("#0B2233"), False, True),
            ("qc", "done"): BarColors(mix(pal.surface, pal.neutral, 0.16), mix(pal.surface, pal.neutral, 0.35),
                                      QColor(pal.text_dim), False, False),
        }

    def colors(self, kind: str, status: str) -> BarColors:
        return self._colors.get((kind if kind == "qc" else "service", status), self._colors[("service", "planned")])


def _local(t: datetime, like: datetime) -> datetime:
    """`t` in the time zone of `like` (the day's start), so hours read as the store's wall clock."""
    if t.tzinfo is not None and like.tzinfo is not None:
        return t.astimezone(like.tzinfo)
    return t


def bar_height(lane_h: float) -> float:
    return round(lane_h * 0.74)


def fit_label(fm: QFontMetrics, label: str, width: float) -> str:
    """The label if it fits; else the plate with as much of the service as fits; else the plate's tail (the digits
    people say: '12345', '2345'); else ''."""
    if fm.horizontalAdvance(label) <= width:
        return label
    plate = label.split(" ", 1)[0]
    if fm.horizontalAdvance(plate) <= width:
        elided = fm.elidedText(label, Qt.TextElideMode.ElideRight, int(width))
        return elided if len(elided) > len(plate) + 1 else plate
    for n in (5, 4, 3):
        if len(plate) > n and fm.horizontalAdvance(plate[-n:]) <= width:
            return plate[-n:]
    return ""


class JobBarItem(QGraphicsItem):
    """One job on one lane (its bay's, or its technician's): a rounded bar, coloured by status and kind."""

    def __init__(self, job: BoardJob, lane_kind: str, look: _BoardLook) -> None:
        super().__init__()
        self.job = job
        self.lane_kind = lane_kind  # "bay" | "technician"
        self._look = look
        self._w = MIN_BAR_W
        self._h = bar_height(LANE_H)
        self._text = ""
        self.highlighted = False
        self.pending = False
        self.setZValue(Z_BY_STATUS.get(job.status, Z_BAR))
        self.setAcceptHoverEvents(False)
        self._apply_cursor()

    @property
    def label(self) -> str:
        return arg(QCoreApplication.translate("ScheduleBoard", "质检 %1"), self.job.label) if self.job.kind == "qc" else self.job.label

    @property
    def width(self) -> float:
        return self._w

    @property
    def shown_text(self) -> str:
        return self._text

    @property
    def movable(self) -> bool:
        return self.job.status == "planned"

    def set_look(self, look: _BoardLook) -> None:
        self._look = look
        self._refit()
        self.update()

    def set_job(self, job: BoardJob) -> bool:
        """Take the job's new data; True when something shown changed."""
        if job == self.job:
            return False
        relabel = job.label != self.job.label or job.kind != self.job.kind
        recursor = (job.status == "planned") != self.movable
        if job.status != self.job.status:
            self.setZValue(Z_BY_STATUS.get(job.status, Z_BAR))
        self.job = job
        if recursor:
            self._apply_cursor()
        if relabel:
            self._refit()
        self.update()
        return True

    @property
    def height(self) -> float:
        return self._h

    def set_size(self, w: float, h: float) -> None:
        if abs(w - self._w) > 0.01 or h != self._h:
            self.prepareGeometryChange()
            self._w, self._h = w, h
            self._refit()

    def _apply_cursor(self) -> None:
        self.setCursor(Qt.CursorShape.OpenHandCursor if self.movable else Qt.CursorShape.PointingHandCursor)

    def _refit(self) -> None:
        pad = 13 + (STRIPE_W if self.job.status == "active" else 0)
        self._text = fit_label(QFontMetrics(self._look.bar_font), self.label, self._w - pad)

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, self._w + 4, self._h + 4)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        look = self._look
        c = look.colors(self.job.kind, self.job.status)
        rect = QRectF(1, 1, self._w - 2, self._h - 2)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.pending:
            painter.setOpacity(0.5)
        path = QPainterPath()
        path.addRoundedRect(rect, 7, 7)
        painter.fillPath(path, c.fill)
        if c.stripes and rect.width() > STRIPE_W + 6:
            # The right edge of a running job: light diagonal stripes and a bright edge, "still going".
            painter.save()
            painter.setClipPath(path)
            edge = QRectF(rect.right() - STRIPE_W, rect.top(), STRIPE_W, rect.height())
            painter.fillRect(edge, QColor(255, 255, 255, 60))
            painter.setPen(QPen(QColor(255, 255, 255, 150), 3))
            x = edge.left() - rect.height()
            while x < edge.right():
                painter.drawLine(QPointF(max(x, edge.left()), rect.bottom() - max(0.0, edge.left() - x)),
                                 QPointF(x + rect.height(), rect.top()))
                x += 8
            painter.fillRect(QRectF(rect.right() - 3, rect.top(), 3, rect.height()), QColor(255, 255, 255, 200))
            painter.restore()
        pen = QPen(c.border, 2)
        if c.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if self.highlighted:
            painter.setPen(QPen(look.selected, 3))
            painter.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), 8, 8)
        if self._text:
            painter.setFont(look.bar_font)
            painter.setPen(c.text)
            painter.drawText(rect.adjusted(7, 0, -6, 0),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self._text)


class _BackdropItem(QGraphicsItem):
    """Everything behind the bars in one item: group titles, lane rows and names, hour lines."""

    def __init__(self, look: _BoardLook) -> None:
        super().__init__()
        self.look = look
        self.rect = QRectF()
        self.groups: list[tuple[str, float, int]] = []  # (kind, y, lane count)
        self.rows: list[tuple[BoardLane, float, int]] = []  # (lane, y, index within its group)
        self.hour_xs: list[float] = []
        self.half_xs: list[float] = []
        self.separator_y: float | None = None
        self.lane_h = LANE_H
        self.setZValue(-10)

    def set_content(self, rect: QRectF, groups: list[tuple[str, float, int]],
                    rows: list[tuple[BoardLane, float, int]], hour_xs: list[float], half_xs: list[float],
                    separator_y: float | None, lane_h: float) -> None:
        self.prepareGeometryChange()
        self.rect, self.groups, self.rows, self.lane_h = rect, groups, rows, lane_h
        self.hour_xs, self.half_xs, self.separator_y = hour_xs, half_xs, separator_y
        self.update()

    def boundingRect(self) -> QRectF:
        return self.rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        look, pal = self.look, self.look.pal
        right = self.rect.right()
        lane_h = self.lane_h
        two_lines = lane_h >= TWO_LINE_LANE_H
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        name_fm, detail_fm = QFontMetrics(look.lane_font), QFontMetrics(look.detail_font)
        avail = int(LABEL_W - 22)
        for lane, y, n in self.rows:
            if n % 2:
                painter.fillRect(QRectF(0, y, right, lane_h), look.zebra)
            painter.setPen(QPen(look.grid, 1))
            painter.drawLine(QPointF(0, y + lane_h), QPointF(right, y + lane_h))
            detail = bay_kind_zh(lane.detail) if lane.kind == "bay" else skills_zh(lane.detail)
            name = name_fm.elidedText(lane.name, Qt.TextElideMode.ElideRight, avail)
            painter.setFont(look.lane_font)
            painter.setPen(QColor(pal.text))
            if two_lines:
                painter.drawText(QRectF(14, y + 3, avail, 26), int(left), name)
                detail_rect = QRectF(14, y + 27, avail, 20)
            else:
                painter.drawText(QRectF(14, y, avail, lane_h), int(left), name)
                name_w = name_fm.horizontalAdvance(name) + 8
                detail_rect = QRectF(14 + name_w, y + 1, avail - name_w, lane_h)
            painter.setFont(look.detail_font)
            painter.setPen(QColor(pal.text_dim))
            painter.drawText(detail_rect, int(left), detail_fm.elidedText(
                detail, Qt.TextElideMode.ElideRight, int(detail_rect.width())))
        top = min((y for _, y, _ in self.groups), default=0.0)
        half_pen = QPen(look.grid, 1, Qt.PenStyle.DotLine)
        hour_pen = QPen(mix(pal.grid, pal.text_dim, 0.25), 1)
        for xs, pen in ((self.half_xs, half_pen), (self.hour_xs, hour_pen)):
            painter.setPen(pen)
            for x in xs:
                painter.drawLine(QPointF(x, top), QPointF(x, self.rect.bottom()))
        for kind, y, count in self.groups:
            painter.fillRect(QRectF(0, y, right, GROUP_H), QColor(pal.surface_alt))
            zh, en = GROUP_TITLES[kind]
            if english():  # English: the title itself is in English, followed by the count only
                zh, en = _tr(zh), ""
            painter.setFont(look.group_font)
            painter.setPen(QColor(pal.text))
            zh_w = QFontMetrics(look.group_font).horizontalAdvance(zh)
            painter.drawText(QRectF(14, y, 200, GROUP_H),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), zh)
            painter.setFont(look.group_en_font)
            painter.setPen(QColor(pal.text_dim))
            painter.drawText(QRectF(14 + zh_w + 8, y + 1, 220, GROUP_H),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             f"{en} · {count}" if en else f"· {count}")
        if self.separator_y is not None:
            painter.setPen(QPen(QColor(pal.border), 2))
            painter.drawLine(QPointF(0, self.separator_y), QPointF(right, self.separator_y))
        painter.setPen(QPen(QColor(pal.border), 1))
        painter.drawLine(QPointF(LABEL_W, top), QPointF(LABEL_W, self.rect.bottom()))


class _HintItem(QGraphicsItem):
    """A small pill of text: where a dragged bar would land, or '待确认' on a pending move's ghost."""

    def __init__(self, look: _BoardLook) -> None:
        super().__init__()
        self.look = look
        self.text = ""
        self.setZValue(Z_DRAG + 1)

    def set_text(self, text: str) -> None:
        self.prepareGeometryChange()
        self.text = text
        self.update()

    def boundingRect(self) -> QRectF:
        fm = QFontMetrics(self.look.hint_font)
        return QRectF(0, 0, fm.horizontalAdvance(self.text) + 18, fm.height() + 8)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        r = self.boundingRect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(self.look.pal.text))
        painter.drawRoundedRect(r, r.height() / 2, r.height() / 2)
        painter.setFont(self.look.hint_font)
        painter.setPen(QColor(self.look.pal.surface))
        painter.drawText(r, int(Qt.AlignmentFlag.AlignCenter), self.text)


@dataclass(slots=True)
class _Pending:
    """A move the board asked for and the app has not answered yet, drawn as a dashed ghost."""

    lane_kind: str
    lane_id: int
    start: datetime
    ghost: QGraphicsRectItem
    tag: _HintItem


@dataclass(slots=True)
class _Press:
    item: JobBarItem
    scene_pos: QPointF
    item_pos: QPointF
    dragging: bool = False
    target: tuple[str, int, datetime] | None = None


class _BoardView(QGraphicsView):
    """The board's view: fits the day to its width, and turns presses into clicks and drags of bars."""

    def __init__(self, board: ScheduleBoardWidget, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self._board = board
        self._press: _Press | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setMouseTracking(True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._board._relayout()

    def bar_at(self, pos: QPoint) -> JobBarItem | None:
        for item in self.items(pos):
            if isinstance(item, JobBarItem) and item.isVisible():
                return item
        return None

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            item = self.bar_at(event.pos())
            if item is not None and self._press is None:
                QToolTip.showText(event.globalPos(), self._board.tooltip_of(item), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            item = self.bar_at(event.position().toPoint())
            if item is not None:
                self._press = _Press(item, self.mapToScene(event.position().toPoint()), item.pos())
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        press = self._press
        if press is None:
            super().mouseMoveEvent(event)
            return
        scene_pos = self.mapToScene(event.position().toPoint())
        if not press.dragging:
            moved = (scene_pos - press.scene_pos).manhattanLength()
            if moved < QApplication.startDragDistance() or not press.item.movable:
                return
            press.dragging = True
            self._board._drag_started(press.item)
        press.target = self._board._drag_to(press.item, press.item_pos + (scene_pos - press.scene_pos), scene_pos)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        if press.dragging:
            self._board._drag_finished(press.item, press.target)
        else:
            self._board._bar_clicked(press.item)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._press is not None:
            press, self._press = self._press, None
            if press.dragging:
                self._board._drag_finished(press.item, None)
            return
        super().keyPressEvent(event)

    def cancel_press_of(self, job_id: int) -> bool:
        """The job under the mouse vanished: forget the press without asking for anything. True if it was one."""
        if self._press is not None and self._press.item.job.job_id == job_id:
            self._press = None
            return True
        return False


class _TimeAxisWidget(QWidget):
    """The hour labels above the board, aligned with the scene's x axis, and the now marker."""

    def __init__(self, board: ScheduleBoardWidget) -> None:
        super().__init__(board)
        self._board = board
        self.setFixedHeight(30)

    def paintEvent(self, event: QPaintEvent) -> None:
        board = self._board
        look = board.look
        if board.day_start is None or board.day_end is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        now = board.now
        now_rect: QRectF | None = None
        if now is not None and board.day_start <= now <= board.day_end:
            now_text = arg(QCoreApplication.translate("ScheduleBoard", "现在 %1"), hm(_local(now, board.day_start)))
            w = QFontMetrics(look.now_font).horizontalAdvance(now_text) + 16
            left = max(LABEL_W - w / 2, min(self.width() - w - 2, board.x_of(now) - w / 2))
            now_rect = QRectF(left, 2, w, self.height() - 4)
        painter.setFont(look.axis_font)
        painter.setPen(QColor(look.pal.text_dim))
        fm = QFontMetrics(look.axis_font)
        for t in board.hour_ticks():
            text = hm(_local(t, board.day_start))
            w = fm.horizontalAdvance(text)
            rect = QRectF(board.x_of(t) - w / 2 - 2, 0, w + 4, self.height())
            if now_rect is not None and rect.adjusted(-4, 0, 4, 0).intersects(now_rect):
                continue  # the now marker says the time; a half-hidden hour label would only clutter
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        if now_rect is not None:
            rect, text = now_rect, now_text
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(look.now)
            painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
            painter.setFont(look.now_font)
            painter.setPen(QColor("#FFFFFF"))
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.end()


class _LegendWidget(QWidget):
    """What the bar styles mean, in words, painted with the bars' own colours."""

    ENTRIES = (("service", "planned", QT_TRANSLATE_NOOP("ScheduleBoard", "计划"), "Planned"),
               ("service", "active", QT_TRANSLATE_NOOP("ScheduleBoard", "进行中"), "Active"),
               ("service", "done", QT_TRANSLATE_NOOP("ScheduleBoard", "已完成"), "Done"), ("qc", "active", QT_TRANSLATE_NOOP("ScheduleBoard", "质检"), "QC"))
    HINT = QT_TRANSLATE_NOOP("ScheduleBoard", "拖动“计划”任务可改时间或工位")

    def __init__(self, board: ScheduleBoardWidget) -> None:
        super().__init__(board)
        self._board = board
        self.setFixedHeight(30)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def paintEvent(self, event: QPaintEvent) -> None:
        look = self._board.look
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        zh_font, en_font = px_font(self, SMALL_PX + 1), px_font(self, SMALL_PX - 1)
        x = 2.0
        cy = self.height() / 2
        for kind, status, zh, en in self.ENTRIES:
            c = look.colors(kind, status)
            pen = QPen(c.border, 2)
            if c.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(c.fill)
            painter.drawRoundedRect(QRectF(x, cy - 9, 34, 18), 5, 5)
            x += 42
            x = self._words(painter, x, zh, en, zh_font, en_font) + 22
        painter.setPen(QPen(look.now, 3))
        painter.drawLine(QPointF(x + 6, cy - 11), QPointF(x + 6, cy + 11))
        x = self._words(painter, x + 16, QT_TRANSLATE_NOOP("ScheduleBoard", "现在"), "Now", zh_font, en_font) + 30
        # The drag hint, right-aligned, only when it fits whole: a cut sentence helps nobody.
        hint = _tr(self.HINT)
        hint_w = QFontMetrics(zh_font).horizontalAdvance(hint)
        if x + hint_w <= self.width():
            painter.setFont(zh_font)
            painter.setPen(QColor(look.pal.text_dim))
            painter.drawText(QRectF(self.width() - hint_w - 2, 0, hint_w + 2, self.height()),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), hint)
        painter.end()

    def _words(self, painter: QPainter, x: float, zh: str, en: str, zh_font: QFont, en_font: QFont) -> float:
        pal = self._board.look.pal
        if english():  # English: the translation only, in the main style
            zh, en = _tr(zh), ""
        painter.setFont(zh_font)
        painter.setPen(QColor(pal.text))
        w = QFontMetrics(zh_font).horizontalAdvance(zh)
        painter.drawText(QRectF(x, 0, w + 2, self.height()), int(Qt.AlignmentFlag.AlignVCenter), zh)
        if not en:
            return x + w
        x += w + 5
        painter.setFont(en_font)
        painter.setPen(QColor(pal.text_dim))
        w = QFontMetrics(en_font).horizontalAdvance(en)
        painter.drawText(QRectF(x, 1, w + 2, self.height()), int(Qt.AlignmentFlag.AlignVCenter), en)
        return x + w


class ScheduleBoardWidget(QWidget):
    """The store's day on one board: a row per bay, then a row per technician, time of day across; each job a bar
    on its bay's row and (a service job) on its technician's row. Click a bar to open its work order; drag a
    planned bar to another row or time to ask for a move, which the app confirms or rejects.

    Items are made once per job and moved on later set_jobs calls, so a live board costs little to update."""

    sig_work_order_selected = Signal(int)
    sig_move_requested = Signal(int, str, int, object)  # job_id, lane kind ('bay'|'technician'), lane id, start
    sig_view_mode_changed = Signal(str)  # 'both' | 'bays' | 'technicians'

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._pal = theme.palette(theme_name)
        self.look = _BoardLook(self._pal, self)
        self.day_start: datetime | None = None
        self.day_end: datetime | None = None
        self.now: datetime | None = None
        self._lanes: tuple[BoardLane, ...] = ()
        self._lane_y: dict[tuple[str, int], float] = {}
        self._lane_name: dict[tuple[str, int], str] = {}
        self._jobs: dict[int, BoardJob] = {}
        self._bars: dict[tuple[int, str], JobBarItem] = {}  # (job_id, lane kind) → its bar
        self._pending: dict[int, _Pending] = {}
        self._selected_wo: int | None = None
        self._mode = "both"
        self._ppm = 1.0  # pixels per minute
        self._content_h = 0.0
        self._lane_h = LANE_H
        self._bar_h = bar_height(LANE_H)

        self.scene = QGraphicsScene(self)
        # Bars move on every update; a BSP index would be rebuilt each time for ~400 items it does not need.
        self.scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._backdrop = _BackdropItem(self.look)
        self.scene.addItem(self._backdrop)
        self._shade = QGraphicsRectItem()
        self._shade.setPen(Qt.PenStyle.NoPen)
        self._shade.setZValue(Z_SHADE)
        self.scene.addItem(self._shade)
        self._now_line = QGraphicsLineItem()
        self._now_line.setZValue(Z_NOW)
        self.scene.addItem(self._now_line)
        self._drag_hint = _HintItem(self.look)
        self._drag_hint.setVisible(False)
        self.scene.addItem(self._drag_hint)

        self.view = _BoardView(self, self.scene)
        self.axis = _TimeAxisWidget(self)
        self.legend = _LegendWidget(self)

        title = QLabel(QCoreApplication.translate("ScheduleBoard", "今日排班"), objectName="panelTitle")
        title_en = QLabel("Day board", objectName="panelTitleEn")
        title_en.setVisible(not english())  # English: the title itself is in English
        self._mode_group = QButtonGroup(self)
        self._mode_group.setExclusive(True)
        self.mode_buttons: dict[str, QPushButton] = {}
        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(title, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(title_en, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addStretch(1)
        for mode, zh, en in (("both", QT_TRANSLATE_NOOP("ScheduleBoard", "全部"), "All"), ("bays", QT_TRANSLATE_NOOP("ScheduleBoard", "工位"), "Bays"),
                             ("technicians", QT_TRANSLATE_NOOP("ScheduleBoard", "技师"), "Technicians")):
            button = QPushButton(paired("ScheduleBoard", zh, en, " "), objectName="segment")
            button.setCheckable(True)
            button.setChecked(mode == self._mode)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(self._on_mode_button)
            button.setProperty("mode", mode)
            self._mode_group.addButton(button)
            self.mode_buttons[mode] = button
            header.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 10)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.axis)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)

        self.message_label = QLabel(self, objectName="boardMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.hide()
        self.message_timer = QTimer(self)
        self.message_timer.setSingleShot(True)
        self.message_timer.setInterval(REJECT_MESSAGE_MS)
        self.message_timer.timeout.connect(self.message_label.hide)
        self._apply_theme()

    # --- public API --------------------------------------------------------------------------------------------

    @Slot(object, object)
    def set_day(self, start: datetime, end: datetime) -> None:
        """The span the board shows (the store's opening hours with a margin), e.g. 08:00 to 20:00."""
        if end <= start:
            raise ValueError("the day must end after it starts")
        self.day_start, self.day_end = start, end
        self._relayout()

    @Slot(object)
    def set_lanes(self, lanes: Sequence[BoardLane]) -> None:
        """The rows: bays and technicians, each group in the given order."""
        self._lanes = tuple(lanes)
        self._lane_name = {(lane.kind, lane.id): lane.name for lane in self._lanes}
        self._relayout()

    @Slot(object)
    def set_jobs(self, jobs: Iterable[BoardJob]) -> None:
        """Show these jobs: bars of known jobs are updated and moved, new ones added, vanished ones removed.
        Cancelled jobs are not drawn (they hold no bay and no technician)."""
        wanted: list[tuple[int, str]] = []
        jobs_by_id: dict[int, BoardJob] = {}
        for job in jobs:
            if job.status == "cancelled":
                continue
            jobs_by_id[job.job_id] = job
            wanted.append((job.job_id, "bay"))
            if job.kind != "qc" and job.technician_id is not None:
                wanted.append((job.job_id, "technician"))
        seen = set(wanted)
        if self.day_start is None and jobs_by_id:
            self._default_day(jobs_by_id.values())
        for key in [k for k in self._bars if k not in seen]:
            self._remove_bar(key)
        for job_id in [j for j in self._pending if j not in jobs_by_id]:
            self._drop_pending(job_id)
        self._jobs = jobs_by_id
        for job_id, lane_kind in wanted:
            job = jobs_by_id[job_id]
            item = self._bars.get((job_id, lane_kind))
            if item is None:
                item = JobBarItem(job, lane_kind, self.look)
                item.highlighted = job.work_order_id == self._selected_wo
                self._bars[(job_id, lane_kind)] = item
                self.scene.addItem(item)
            elif item.set_job(job):
                item.highlighted = job.work_order_id == self._selected_wo
            self._place(item)

    @Slot(object)
    def set_now(self, now: datetime) -> None:
        """The clock: running jobs extend to it, a red line marks it, the past is shaded."""
        self.now = now
        for item in self._bars.values():
            if item.job.end is None:
                self._place(item)
        self._place_now()
        self.axis.update()

    @Slot(str)
    def set_view_mode(self, mode: str) -> None:
        """'both' (bays then technicians), 'bays' or 'technicians'."""
        if mode not in VIEW_MODES:
            raise ValueError(f"view mode must be one of {', '.join(VIEW_MODES)}, not {mode!r}")
        if mode == self._mode:
            return
        self._mode = mode
        self.mode_buttons[mode].setChecked(True)
        self._relayout()
        self.sig_view_mode_changed.emit(mode)

    def view_mode(self) -> str:
        return self._mode

    @Slot(int)
    def confirm_move(self, job_id: int) -> None:
        """The app accepted a requested move: the bar goes to its new place until the next set_jobs says more."""
        pending = self._pending.get(job_id)
        job = self._jobs.get(job_id)
        self._drop_pending(job_id)
        if pending is None or job is None:
            return
        delta = pending.start - job.start
        moved = replace(job, start=pending.start, end=job.end + delta if job.end is not None else None)
        if pending.lane_kind == "bay":
            moved = replace(moved, bay_id=pending.lane_id)
        else:
            moved = replace(moved, technician_id=pending.lane_id)
        self.set_jobs([moved if j.job_id == job_id else j for j in self._jobs.values()])

    @Slot(int, str)
    def reject_move(self, job_id: int, message: str) -> None:
        """The app refused a requested move: the bar stays where it was and the reason shows for 4 seconds."""
        self._drop_pending(job_id)
        job = self._jobs.get(job_id)
        who = f"{job.label}{': ' if english() else '：'}" if job is not None else ""
        self.show_message(arg(QCoreApplication.translate("ScheduleBoard", "未能调整 %1"), f"{who}{message}"))

    @Slot(str)
    def show_message(self, text: str) -> None:
        """A short message over the board, hidden again after 4 seconds."""
        self.message_label.setText(text)
        self._place_message()
        self.message_label.show()
        self.message_label.raise_()
        self.message_timer.start()

    def message_text(self) -> str | None:
        """The message shown over the board, or None."""
        return self.message_label.text() if self.message_label.isVisible() else None

    @Slot(object)
    def set_selected_work_order(self, work_order_id: int | None) -> None:
        """Outline the bars of one work order (or none)."""
        self._selected_wo = work_order_id
        for item in self._bars.values():
            selected = item.job.work_order_id == work_order_id
            if selected != item.highlighted:
                item.highlighted = selected
                item.update()

    @Slot(str)
    def set_theme(self, name: str) -> None:
        """'light' (the store's default) or 'dark'."""
        self._pal = theme.palette(name)
        self.look = _BoardLook(self._pal, self)
        self._apply_theme()
        for item in self._bars.values():
            item.set_look(self.look)
        for pending in self._pending.values():
            pending.tag.look = self.look
        self._relayout()

    def bar_item(self, job_id: int, lane_kind: str = "bay") -> JobBarItem | None:
        """The bar of a job on its bay's ('bay') or its technician's ('technician') lane."""
        return self._bars.get((job_id, lane_kind))

    def bar_items(self) -> dict[tuple[int, str], JobBarItem]:
        return dict(self._bars)

    def pending_moves(self) -> dict[int, tuple[str, int, datetime]]:
        """Moves asked for and not yet answered: job id → (lane kind, lane id, start)."""
        return {j: (p.lane_kind, p.lane_id, p.start) for j, p in self._pending.items()}

    def x_of(self, t: datetime) -> float:
        """The scene x of a moment."""
        if self.day_start is None:
            return LABEL_W
        return LABEL_W + (t - self.day_start).total_seconds() / 60.0 * self._ppm

    def time_at(self, x: float) -> datetime:
        """The moment at scene x, snapped to 5 minutes."""
        assert self.day_start is not None
        minutes = (x - LABEL_W) / self._ppm
        minutes = round(minutes / SNAP_MINUTES) * SNAP_MINUTES
        return self.day_start + timedelta(minutes=minutes)

    def height_for_all_lanes(self, lane_h: float = LANE_H_MIN) -> int:
        """The widget height that shows every lane of the current view mode at `lane_h` without scrolling: for
        pages that want the whole board in sight."""
        kinds = self._visible_kinds()
        n_lanes = sum(1 for lane in self._lanes if lane.kind in kinds)
        content = len(kinds) * GROUP_H + (len(kinds) - 1) * GROUP_GAP + n_lanes * lane_h
        layout = self.layout()
        margins = layout.contentsMargins()
        chrome = margins.top() + margins.bottom() + layout.spacing() * (layout.count() - 1)
        for n in range(layout.count()):
            item = layout.itemAt(n)
            if item.widget() is not self.view:
                chrome += item.sizeHint().height()
        return int(chrome + content + 2)

    def lane_height(self) -> float:
        """The lanes' height now: squeezed (to a floor) so every lane shows without scrolling."""
        return self._lane_h

    def lane_y(self, kind: str, lane_id: int) -> float | None:
        """The scene y of the top of a lane, None when it is not shown."""
        return self._lane_y.get((kind, lane_id))

    def hour_ticks(self) -> list[datetime]:
        if self.day_start is None or self.day_end is None:
            return []
        local = _local(self.day_start, self.day_start)
        first = local.replace(minute=0, second=0, microsecond=0)
        if first < local:
            first += timedelta(hours=1)
        ticks = []
        t = first
        while t <= self.day_end:
            ticks.append(t)
            t += timedelta(hours=1)
        return ticks

    # --- layout ------------------------------------------------------------------------------------------------

    def _default_day(self, jobs: Iterable[BoardJob]) -> None:
        first = min(j.start for j in jobs)
        start = first.replace(hour=min(8, first.hour), minute=0, second=0, microsecond=0)
        self.day_start, self.day_end = start, start.replace(hour=20)

    def _visible_kinds(self) -> tuple[str, ...]:
        return {"both": ("bay", "technician"), "bays": ("bay",), "technicians": ("technician",)}[self._mode]

    def _relayout(self) -> None:
        """Recompute rows and the time scale (lanes, day, view mode or width changed) and move everything."""
        width = max(float(self.view.viewport().width()), LABEL_W + 200)
        if self.day_start is not None and self.day_end is not None:
            minutes = (self.day_end - self.day_start).total_seconds() / 60
            self._ppm = max(0.05, (width - LABEL_W - RIGHT_PAD) / minutes)
        groups: list[tuple[str, float, int]] = []
        rows: list[tuple[BoardLane, float, int]] = []
        self._lane_y = {}
        kinds = self._visible_kinds()
        n_lanes = sum(1 for lane in self._lanes if lane.kind in kinds)
        fixed = len(kinds) * GROUP_H + (len(kinds) - 1) * GROUP_GAP
        fit = (self.view.viewport().height() - fixed) / n_lanes if n_lanes else LANE_H
        self._lane_h = float(max(LANE_H_MIN, min(LANE_H, int(fit))))
        self._bar_h = bar_height(self._lane_h)
        y = 0.0
        separator = None
        for kind in kinds:
            lanes = [lane for lane in self._lanes if lane.kind == kind]
            if groups:
                y += GROUP_GAP
                separator = y - GROUP_GAP / 2
            groups.append((kind, y, len(lanes)))
            y += GROUP_H
            for n, lane in enumerate(lanes):
                rows.append((lane, y, n))
                self._lane_y[(kind, lane.id)] = y
                y += self._lane_h
        self._content_h = y
        hour_xs, half_xs = [], []
        for t in self.hour_ticks():
            hour_xs.append(self.x_of(t))
            half = t + timedelta(minutes=30)
            if self.day_end is not None and half < self.day_end:
                half_xs.append(self.x_of(half))
        rect = QRectF(0, 0, width, max(y, 1.0))
        self._backdrop.set_content(rect, groups, rows, hour_xs, half_xs, separator, self._lane_h)
        self.scene.setSceneRect(rect)
        for item in self._bars.values():
            self._place(item)
        for job_id in self._pending:
            self._place_pending(job_id)
        self._place_now()
        self.axis.update()
        self._place_message()

    def _lane_key(self, item: JobBarItem) -> tuple[str, int | None]:
        job = item.job
        return (item.lane_kind, job.bay_id if item.lane_kind == "bay" else job.technician_id)

    def _span(self, job: BoardJob) -> tuple[float, float]:
        """Scene x of a job's start and end; a running job ends now (or a few minutes after its start)."""
        x0 = self.x_of(job.start)
        if job.end is not None:
            x1 = self.x_of(job.end)
        else:
            now = self.now if self.now is not None else datetime.now(job.start.tzinfo)
            x1 = self.x_of(max(now, job.start))
        return x0, x1

    def _place(self, item: JobBarItem) -> None:
        if self._dragged() is item:
            return  # never pull a bar out of the user's hand; it is placed again on release
        y = self._lane_y.get(self._lane_key(item))  # type: ignore[arg-type]
        if y is None or self.day_start is None:
            item.setVisible(False)
            return
        x0, x1 = self._span(item.job)
        left, right = max(x0, LABEL_W), min(x1, self.scene.sceneRect().right())
        if right - left < MIN_BAR_W:
            if x1 < LABEL_W or x0 > self.scene.sceneRect().right():
                item.setVisible(False)
                return
            right = left + MIN_BAR_W
        item.setPos(left, y + (self._lane_h - self._bar_h) / 2)
        item.set_size(right - left, self._bar_h)
        item.setVisible(True)

    def _place_now(self) -> None:
        rect = self.scene.sceneRect()
        if self.now is None or self.day_start is None or self.day_end is None \
                or not self.day_start <= self.now <= self.day_end:
            self._now_line.setVisible(False)
            self._shade.setVisible(False)
            return
        x = self.x_of(self.now)
        self._now_line.setPen(QPen(self.look.now, 2.5))
        self._now_line.setLine(x, 0, x, rect.bottom())
        self._now_line.setVisible(True)
        self._shade.setBrush(self.look.shade)
        self._shade.setRect(QRectF(LABEL_W, 0, max(0.0, x - LABEL_W), rect.bottom()))
        self._shade.setVisible(True)

    def tooltip_of(self, item: JobBarItem) -> str:
        """The bar's tooltip: plate and service, kind and status, times, lanes, work order. Built when asked
        (on hover), not on every update: formatting times for 400 bars would dominate set_jobs."""
        job = item.job
        day = self.day_start or job.start
        end = hm(_local(job.end, day)) if job.end is not None else paired("ScheduleBoard", QT_TRANSLATE_NOOP("ScheduleBoard", "进行中"), "running", " ")
        bay = self._lane_name.get(("bay", job.bay_id), f"#{job.bay_id}")
        lines = [item.label, f"{_tr(KIND_ZH.get(job.kind, job.kind))} · {_tr(STATUS_ZH.get(job.status, job.status))}",
                 arg(QCoreApplication.translate("ScheduleBoard", "时间：%1 – %2"), hm(_local(job.start, day)), end), arg(QCoreApplication.translate("ScheduleBoard", "工位：%1"), bay)]
        if job.technician_id is not None:
            lines.append(arg(QCoreApplication.translate("ScheduleBoard", "技师：%1"),
                             self._lane_name.get(("technician", job.technician_id), f"#{job.technician_id}")))
        lines.append(arg(QCoreApplication.translate("ScheduleBoard", "工单 #%1"), job.work_order_id))
        if item.movable:
            lines.append(QCoreApplication.translate("ScheduleBoard", "拖动可调整时间或工位"))
        return "\n".join(lines)

    def _remove_bar(self, key: tuple[int, str]) -> None:
        item = self._bars.pop(key)
        if self.view.cancel_press_of(key[0]):
            self._drag_hint.setVisible(False)
        self.scene.removeItem(item)

    # --- clicks, drags and pending moves -----------------------------------------------------------------------

    def _dragged(self) -> JobBarItem | None:
        press = self.view._press
        return press.item if press is not None and press.dragging else None

    def _bar_clicked(self, item: JobBarItem) -> None:
        self.set_selected_work_order(item.job.work_order_id)
        self.sig_work_order_selected.emit(item.job.work_order_id)

    def _drag_started(self, item: JobBarItem) -> None:
        item.setZValue(Z_DRAG)
        item.setOpacity(0.85)
        item.setCursor(Qt.CursorShape.ClosedHandCursor)

    def _lanes_of(self, kind: str) -> list[tuple[int, float]]:
        return [(lane_id, y) for (k, lane_id), y in self._lane_y.items() if k == kind]

    def _drag_to(self, item: JobBarItem, pos: QPointF, cursor: QPointF) -> tuple[str, int, datetime] | None:
        """Move the dragged bar to the lane under the cursor (same kind) and a 5-minute step; say where."""
        lanes = self._lanes_of(item.lane_kind)
        if not lanes or self.day_start is None or self.day_end is None:
            return None
        lane_id, y = min(lanes, key=lambda ly: abs(ly[1] + self._lane_h / 2 - cursor.y()))
        job = item.job
        duration = (job.end - job.start) if job.end is not None else timedelta(0)
        start = self.time_at(pos.x())
        start = max(self.day_start, min(start, self.day_end - duration))
        item.setPos(self.x_of(start), y + (self._lane_h - self._bar_h) / 2)
        name = self._lane_name.get((item.lane_kind, lane_id), "")
        self._drag_hint.set_text(f"{hm(_local(start, self.day_start))} → {name}")
        hint_y = item.y() - self._drag_hint.boundingRect().height() - 2
        self._drag_hint.setPos(item.x(), hint_y if hint_y > 0 else item.y() + self._bar_h + 2)
        self._drag_hint.setVisible(True)
        return item.lane_kind, lane_id, start

    def _drag_finished(self, item: JobBarItem, target: tuple[str, int, datetime] | None) -> None:
        """Snap the bar back; if it was dropped somewhere new, draw a ghost there and ask the app."""
        self._drag_hint.setVisible(False)
        item.setZValue(Z_BY_STATUS.get(item.job.status, Z_BAR))
        item.setOpacity(1.0)
        item.setCursor(Qt.CursorShape.OpenHandCursor if item.movable else Qt.CursorShape.PointingHandCursor)
        self.view._press = None
        self._place(item)
        if target is None or item.job.job_id not in self._jobs:
            return
        kind, lane_id, start = target
        job = item.job
        current = job.bay_id if kind == "bay" else job.technician_id
        if lane_id == current and start == job.start:
            return
        self._add_pending(job.job_id, kind, lane_id, start)
        self.sig_move_requested.emit(job.job_id, kind, lane_id, start)

    def _add_pending(self, job_id: int, kind: str, lane_id: int, start: datetime) -> None:
        self._drop_pending(job_id)
        ghost = QGraphicsRectItem()
        pen = QPen(QColor(self._pal.accent), 2, Qt.PenStyle.DashLine)
        ghost.setPen(pen)
        ghost.setBrush(QBrush(QColor(self._pal.accent).lighter(190) if self._pal.name == "light"
                              else QColor(self._pal.selection)))
        ghost.setZValue(Z_GHOST)
        tag = _HintItem(self.look)
        tag.set_text(QCoreApplication.translate("ScheduleBoard", "待确认"))
        tag.setZValue(Z_GHOST + 0.5)
        self.scene.addItem(ghost)
        self.scene.addItem(tag)
        self._pending[job_id] = _Pending(kind, lane_id, start, ghost, tag)
        for item in self._items_of(job_id):
            item.pending = True
            item.update()
        self._place_pending(job_id)

    def _place_pending(self, job_id: int) -> None:
        pending = self._pending[job_id]
        job = self._jobs.get(job_id)
        y = self._lane_y.get((pending.lane_kind, pending.lane_id))
        if job is None or y is None:
            pending.ghost.setVisible(False)
            pending.tag.setVisible(False)
            return
        x0, x1 = self._span(job)
        left = self.x_of(pending.start)
        width = max(MIN_BAR_W, x1 - x0)
        pending.ghost.setRect(QRectF(left, y + (self._lane_h - self._bar_h) / 2, width, self._bar_h))
        tag_w = pending.tag.boundingRect().width()
        # Beside the ghost when there is room, so the ghost itself stays visible; else over it.
        tag_x = left + width + 4 if left + width + 4 + tag_w <= self.scene.sceneRect().right() else left + 4
        pending.tag.setPos(tag_x, y + (self._lane_h - pending.tag.boundingRect().height()) / 2)
        pending.ghost.setVisible(True)
        pending.tag.setVisible(True)

    def _drop_pending(self, job_id: int) -> None:
        pending = self._pending.pop(job_id, None)
        if pending is None:
            return
        self.scene.removeItem(pending.ghost)
        self.scene.removeItem(pending.tag)
        for item in self._items_of(job_id):
            item.pending = False
            item.update()

    def _items_of(self, job_id: int) -> list[JobBarItem]:
        return [item for (j, _), item in self._bars.items() if j == job_id]

    # --- look --------------------------------------------------------------------------------------------------

    @Slot()
    def _on_mode_button(self) -> None:
        button = self.sender()
        if isinstance(button, QPushButton):
            self.set_view_mode(str(button.property("mode")))

    def _apply_theme(self) -> None:
        pal = self._pal
        critical = tone_color(pal, "bad")
        self.setStyleSheet(panel_css(pal) + f"""
            QGraphicsView {{ background: {pal.surface}; border: none; }}
            QLabel#boardMessage {{
                color: {chip_text_color(pal, critical).name()}; background: {mix(pal.surface, critical, 0.12).name()};
                border: 2px solid {critical.name()}; border-radius: 10px; padding: 12px 18px;
                font-size: {BODY_PX}px; font-weight: 700;
            }}
            QLabel#caption {{ font-size: {SMALL_PX}px; }}
        """)
        self.scene.setBackgroundBrush(QColor(pal.surface))
        self._backdrop.look = self.look
        self._drag_hint.look = self.look
        self._backdrop.update()
        self.axis.update()
        self.legend.update()

    def _place_message(self) -> None:
        if not hasattr(self, "message_label"):
            return
        view = self.view.geometry()
        width = int(min(view.width() - 40, 680))
        self.message_label.setFixedWidth(max(200, width))
        self.message_label.adjustSize()
        self.message_label.move(view.left() + (view.width() - self.message_label.width()) // 2, view.top() + 14)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_message()

