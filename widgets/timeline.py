"""One work order at a glance: its header (plate, customer, services, amount, status, rating) and its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRectF, Qt, Slot
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QWidget

from services.catalog import WORK_ORDER_STATUSES
from services.model import TimelineEvent, WorkOrderDetail
from widgets.i18n import arg, english, paired, tr
from widgets.store_panels import (
    BIG_PX,
    BODY_PX,
    CHIP_PX,
    PLACEHOLDER,
    SMALL_PX,
    WORK_ORDER_TONES,
    StorePanelBase,
    chip_text_color,
    hm,
    minutes_text,
    mix,
    paint_chip,
    px_font,
    source_name,
    tone_color,
    work_order_status_zh,
)

# What happens while a work order sits in a status: the words on the line to the next step.
_CTX = "Timeline"  # the translation context (a name, so lupdate does not take it for a source text)
PHASE_ZH = {"checked_in": QT_TRANSLATE_NOOP("Timeline", "等待"), "in_service": QT_TRANSLATE_NOOP("Timeline", "维修"),
            "quality_check": QT_TRANSLATE_NOOP("Timeline", "质检"), "done": QT_TRANSLATE_NOOP("Timeline", "等待交车")}
# Steps still to come, said as "to do".
UPCOMING_ZH = {"in_service": QT_TRANSLATE_NOOP("Timeline", "待维修"), "quality_check": QT_TRANSLATE_NOOP("Timeline", "待质检"),
               "done": QT_TRANSLATE_NOOP("Timeline", "待完工"), "delivered": QT_TRANSLATE_NOOP("Timeline", "待交车")}
# "已等待 25 分钟": the running span after the current step.
RUNNING_ZH = {"checked_in": QT_TRANSLATE_NOOP("Timeline", "已等待"), "in_service": QT_TRANSLATE_NOOP("Timeline", "已维修"),
              "quality_check": QT_TRANSLATE_NOOP("Timeline", "已质检"), "done": QT_TRANSLATE_NOOP("Timeline", "已等待交车")}
CLOSED = ("delivered", "cancelled")


@dataclass(frozen=True, slots=True)
class TimelineStep:
    """A row of the timeline as shown."""

    status: str
    title: str  # the status in Chinese, or "待…" for a step still to come
    time_text: str  # "09:12"; "" for a step to come
    date_text: str  # "10月30日" when the day differs from the first event's; else ""
    who: str  # "张师傅 · 技师"
    current: bool
    future: bool


@dataclass(frozen=True, slots=True)
class TimelineGap:
    """The span between two steps: 'phase + duration', and whether it was long."""

    text: str
    tone: str  # neutral | warning | bad
    running: bool  # the span after the current step, still growing


def _gap_tone(status: str, minutes: float) -> str:
    if status != "checked_in":
        return "neutral"
    return "bad" if minutes >= 120 else "warning" if minutes >= 60 else "neutral"


def build_timeline(detail: WorkOrderDetail, now: datetime | None = None
                   ) -> tuple[list[TimelineStep], list[TimelineGap | None]]:
    """The rows and the spans between them (gaps[i] sits below steps[i]; None where nothing is said)."""
    events: list[TimelineEvent] = sorted(detail.events, key=lambda e: e.at)
    first_day = events[0].at.date() if events else None
    steps: list[TimelineStep] = []
    gaps: list[TimelineGap | None] = []
    for n, e in enumerate(events):
        last = n == len(events) - 1
        who = " · ".join(x for x in (e.actor, source_name(e.source)) if x)
        steps.append(TimelineStep(e.status, work_order_status_zh(e.status), hm(e.at),
                                  arg(QCoreApplication.translate("Timeline", "%1月%2日"), e.at.month, e.at.day) if e.at.date() != first_day else "", who,
                                  current=last, future=False))
        if not last:
            minutes = (events[n + 1].at - e.at).total_seconds() / 60
            phase = tr(_CTX, PHASE_ZH[e.status]) if e.status in PHASE_ZH else ""
            gaps.append(TimelineGap(f"{phase} {minutes_text(minutes)}".strip(), _gap_tone(e.status, minutes), False))
        elif detail.status not in CLOSED and e.status in PHASE_ZH and now is not None:
            minutes = (now - e.at).total_seconds() / 60
            gaps.append(TimelineGap(f"{tr(_CTX, RUNNING_ZH[e.status])} {minutes_text(minutes)}",
                                    _gap_tone(e.status, minutes), True))
        else:
            gaps.append(None)
    status = events[-1].status if events else detail.status
    if detail.status not in CLOSED and status in WORK_ORDER_STATUSES:
        for upcoming in WORK_ORDER_STATUSES[WORK_ORDER_STATUSES.index(status) + 1:]:
            title = tr(_CTX, UPCOMING_ZH[upcoming]) if upcoming in UPCOMING_ZH else upcoming
            steps.append(TimelineStep(upcoming, title, "", "", "", False, True))
            gaps.append(None)
    return steps, gaps


class _TimelineCanvas(QWidget):
    """Paints the steps on a vertical line: time on the left, a dot, the status and who wrote it on the right."""

    ROW_H = 64
    FUTURE_ROW_H = 40  # a step still to come has no time and no author: a shorter row
    GAP_H = 34  # the space for a span's words between two rows
    PLAIN_GAP_H = 10
    TIME_W = 92
    RAIL_X = 112

    def __init__(self, owner: WorkOrderTimelineWidget) -> None:
        super().__init__(owner)
        self._owner = owner
        self.steps: list[TimelineStep] = []
        self.gaps: list[TimelineGap | None] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_rows(self, steps: list[TimelineStep], gaps: list[TimelineGap | None]) -> None:
        self.steps, self.gaps = steps, gaps
        self.setMinimumHeight(self._height())
        self.updateGeometry()
        self.update()

    def _tops(self) -> list[float]:
        """The top of each row, and the bottom of the last as a final entry."""
        tops = [12.0]
        for n, step in enumerate(self.steps):
            gap = self.gaps[n] if n < len(self.gaps) else None
            height = self.FUTURE_ROW_H if step.future else self.ROW_H
            tops.append(tops[-1] + height + (self.GAP_H if gap is not None else self.PLAIN_GAP_H))
        return tops

    def _height(self) -> int:
        return int(self._tops()[-1] + 12)

    def paintEvent(self, event: QPaintEvent) -> None:
        pal = self._owner.pal
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.steps:
            painter.setFont(px_font(self, BODY_PX))
            painter.setPen(QColor(pal.text_dim))
            painter.drawText(self.rect().adjusted(8, 8, -8, -8), int(Qt.AlignmentFlag.AlignLeft),
                             paired("Timeline", QT_TRANSLATE_NOOP("Timeline", "还没有记录"), "No events yet", "\n"))
            painter.end()
            return
        w = self.width()
        tops = self._tops()
        dot_y = [tops[n] + 20 for n in range(len(self.steps))]
        # The rail: solid through what happened, dashed towards what is to come.
        for n in range(len(self.steps) - 1):
            future = self.steps[n + 1].future
            pen = QPen(QColor(pal.border if future else pal.neutral), 3)
            if future:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(self.RAIL_X, dot_y[n] + 10), QPointF(self.RAIL_X, dot_y[n + 1] - 10))

        title_font = px_font(self, BODY_PX + 1, bold=True)
        time_font = px_font(self, BODY_PX, bold=True)
        small = px_font(self, SMALL_PX + 1)
        text_x = self.RAIL_X + 26
        for n, step in enumerate(self.steps):
            top = tops[n]
            tone = tone_color(pal, WORK_ORDER_TONES.get(step.status, "neutral"))
            if step.current:
                band = QRectF(text_x - 10, top - 4, w - text_x + 8, self.ROW_H - 2)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(mix(pal.surface, pal.accent, 0.10 if pal.name == "light" else 0.22))
                painter.drawRoundedRect(band, 8, 8)
            # Dot.
            center = QPointF(self.RAIL_X, dot_y[n])
            if step.future:
                painter.setPen(QPen(QColor(pal.border), 3))
                painter.setBrush(QColor(pal.surface))
                painter.drawEllipse(center, 7, 7)
            else:
                if step.current:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(mix(pal.surface, tone, 0.3))
                    painter.drawEllipse(center, 14, 14)
                painter.setPen(QPen(QColor(pal.surface), 2))
                painter.setBrush(tone)
                painter.drawEllipse(center, 9 if step.current else 7, 9 if step.current else 7)
            # Time on the left.
            if step.time_text:
                painter.setFont(time_font)
                painter.setPen(QColor(pal.text))
                painter.drawText(QRectF(0, top + 4, self.TIME_W, 32),
                                 int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), step.time_text)
            if step.date_text:
                painter.setFont(small)
                painter.setPen(QColor(pal.text_dim))
                painter.drawText(QRectF(0, top + 34, self.TIME_W, 22),
                                 int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), step.date_text)
            # Status and who wrote it.
            painter.setFont(title_font)
            painter.setPen(QColor(pal.text_dim if step.future else pal.text))
            title_w = QFontMetrics(title_font).horizontalAdvance(step.title)
            painter.drawText(QRectF(text_x, top + 4, w - text_x, 32),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), step.title)
            if step.current:
                paint_chip(painter, text_x + title_w + 12, top + 20, QCoreApplication.translate("Timeline", "当前"), QColor(pal.accent),
                           px_font(self, CHIP_PX - 1, bold=True), pal)
            if step.who:
                painter.setFont(small)
                painter.setPen(QColor(pal.text_dim))
                painter.drawText(QRectF(text_x, top + 34, w - text_x - 8, 24),
                                 int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                                 QFontMetrics(small).elidedText(step.who, Qt.TextElideMode.ElideRight,
                                                                int(w - text_x - 8)))
            gap = self.gaps[n] if n < len(self.gaps) else None
            if gap is not None:
                gap_font = px_font(self, SMALL_PX + 1, bold=gap.tone != "neutral")
                color = QColor(pal.text_dim) if gap.tone == "neutral" else chip_text_color(pal, tone_color(pal, gap.tone))
                painter.setFont(gap_font)
                painter.setPen(color)
                gap_top = top + self.ROW_H - 2
                painter.drawText(QRectF(text_x, gap_top, w - text_x, self.GAP_H),
                                 int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                                 f"↓ {gap.text}" + (QCoreApplication.translate("Timeline", "（进行中）") if gap.running else ""))
        painter.end()


class WorkOrderTimelineWidget(StorePanelBase):
    """A work order's header (plate, customer, services, amount, status, rating, parts) above its timeline: each
    status change with its time and who wrote it, the time spent between steps, the current step highlighted and
    the steps still to come greyed out."""

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(QT_TRANSLATE_NOOP("StorePanels", "工单进度"), "Work order", theme_name, parent)
        self._detail: WorkOrderDetail | None = None
        self._now: datetime | None = None

        self.plate_label = QLabel(PLACEHOLDER, objectName="plate")
        self.status_label = QLabel("", objectName="statusChip")
        self.amount_label = QLabel("", objectName="amount")
        self.customer_label = QLabel("", objectName="body")
        self.customer_label.setWordWrap(True)
        self.rating_label = QLabel("", objectName="rating")
        self.info_label = QLabel("", objectName="caption")
        self.info_label.setWordWrap(True)
        self.parts_label = QLabel("", objectName="caption")
        self.parts_label.setWordWrap(True)

        row1 = QHBoxLayout()
        row1.setSpacing(12)
        row1.addWidget(self.plate_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row1.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row1.addStretch(1)
        row1.addWidget(self.amount_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row2 = QHBoxLayout()
        row2.setSpacing(12)
        row2.addWidget(self.customer_label, 1)
        row2.addWidget(self.rating_label, 0, Qt.AlignmentFlag.AlignTop)
        line = QFrame(objectName="rule")
        line.setFixedHeight(1)

        self.canvas = _TimelineCanvas(self)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.canvas)

        self.body.addLayout(row1)
        self.body.addLayout(row2)
        self.body.addWidget(self.info_label)
        self.body.addWidget(self.parts_label)
        self.body.addWidget(line)
        self.body.addWidget(self.scroll, 1)
        self._theme_changed()

    @Slot(object)
    def set_detail(self, detail: WorkOrderDetail | None, now: datetime | None = None) -> None:
        """Show this work order (None clears the panel); `now` lets an open order say how long its step has run."""
        if now is not None:
            self._now = now
        self._detail = detail
        if detail is None:
            for label in (self.plate_label, self.amount_label, self.customer_label, self.rating_label,
                          self.info_label, self.parts_label):
                label.setText("")
            self.plate_label.setText(PLACEHOLDER)
            self.status_label.hide()
            self.count_label.setText("")
            self.canvas.set_rows([], [])
            return
        self.count_label.setText(arg(QCoreApplication.translate("Timeline", "工单 #%1"), detail.id))
        self.plate_label.setText(detail.plate)
        self.status_label.setText(work_order_status_zh(detail.status))
        self.status_label.show()
        self.amount_label.setText(f"¥{detail.amount:,.0f}")
        services = (", " if english() else "、").join(detail.services) or PLACEHOLDER
        self.customer_label.setText(f"{detail.customer} · {services}")
        self.rating_label.setText(arg(QCoreApplication.translate("Timeline", "客户评分 %1 分"), detail.rating) if detail.rating is not None
                                  else QCoreApplication.translate("Timeline", "尚未评价"))
        info = [detail.store_name, arg(QCoreApplication.translate("Timeline", "到店 %1"), hm(detail.checked_in_at))]
        if detail.booked_for is not None:
            info.insert(1, arg(QCoreApplication.translate("Timeline", "预约 %1"), hm(detail.booked_for)))
        self.info_label.setText(" · ".join(info))
        parts = "、".join(f"{name} ×{qty}" for name, qty in detail.parts)
        self.parts_label.setText(arg(QCoreApplication.translate("Timeline", "配件：%1"), parts) if parts else QCoreApplication.translate("Timeline", "配件：未用配件"))
        self._style_dynamic()
        self.canvas.set_rows(*build_timeline(detail, self._now))

    @Slot(object)
    def set_now(self, now: datetime) -> None:
        """The clock moved: an open order's running span grows."""
        self._now = now
        if self._detail is not None:
            self.canvas.set_rows(*build_timeline(self._detail, now))

    def detail(self) -> WorkOrderDetail | None:
        return self._detail

    def steps(self) -> list[TimelineStep]:
        return list(self.canvas.steps)

    def step_texts(self) -> list[str]:
        """Each step as one line, top to bottom: 'title time who'."""
        return [" ".join(x for x in (s.title, s.date_text, s.time_text, s.who) if x) for s in self.canvas.steps]

    def duration_texts(self) -> list[str]:
        """The spans between steps, top to bottom."""
        return [g.text for g in self.canvas.gaps if g is not None]

    def _theme_changed(self) -> None:
        pal = self.pal
        self.setStyleSheet(self.styleSheet() + f"""
            QLabel#plate {{ font-size: {BIG_PX + 4}px; font-weight: 700; }}
            QLabel#amount {{ font-size: {BIG_PX}px; font-weight: 700; }}
            QLabel#body {{ font-size: {BODY_PX}px; }}
            QLabel#rating {{ font-size: {BODY_PX}px; color: {pal.text_dim}; }}
            QLabel#caption {{ font-size: {SMALL_PX + 1}px; }}
            QFrame#rule {{ background: {pal.border}; border: none; }}
            QScrollArea, QScrollArea > QWidget > QWidget {{ background: {pal.surface}; }}
        """)
        self._style_dynamic()
        self.canvas.update()

    def _style_dynamic(self) -> None:
        """The status chip takes its status's colour."""
        pal = self.pal
        status = self._detail.status if self._detail is not None else ""
        tone = tone_color(pal, WORK_ORDER_TONES.get(status, "neutral"))
        self.status_label.setStyleSheet(
            f"color: {chip_text_color(pal, tone).name()}; background: {mix(pal.surface, tone, 0.14).name()};"
            f"border: 1px solid {mix(pal.surface, tone, 0.55).name()}; border-radius: 14px;"
            f"padding: 2px 12px; font-size: {CHIP_PX + 1}px; font-weight: 700;")
