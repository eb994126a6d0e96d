"""Ranked technicians for one job (name, score bar, one reason per line, earliest start) with a button to assign;
also the small pieces the booking screens share: a reason in the current language and a painted score bar."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from services.dispatch.model import TechRecommendation
from services.model import Reason
from widgets import theme
from widgets.i18n import arg, english
from widgets.store_panels import BIG_PX, BODY_PX, SMALL_PX, TITLE_PX, panel_css

translate = QCoreApplication.translate


def reason_text(reason: Reason) -> str:
    """The reason's line in the language the app shows (English when the English translation is installed)."""
    return (reason.en or reason.zh) if english() else (reason.zh or reason.en)


def minutes_clock(minutes: int | None) -> str:
    """Minutes since the store-day's midnight as a wall-clock time ('10:30'); past midnight wraps; None → '—'."""
    if minutes is None:
        return "—"
    m = int(minutes) % (24 * 60)
    return f"{m // 60:02d}:{m % 60:02d}"


def score_tone(score: float) -> str:
    """'good' from 70, 'warning' from 40, 'bad' below (of 100)."""
    return "good" if score >= 70 else "warning" if score >= 40 else "bad"


class ScoreBarWidget(QWidget):
    """A score of 0..100 as a rounded bar with the number beside it, coloured by how good it is."""

    def __init__(
        self, score: float = 0.0, pal: theme.Palette = theme.LIGHT, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._score = max(0.0, min(100.0, float(score)))
        self._pal = pal
        self._enabled_look = True
        self.setMinimumSize(140, 24)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(arg(translate("TechRecommend", "得分 %1"), f"{self._score:.0f}"))

    @property
    def score(self) -> float:
        return self._score

    def set_score(self, score: float) -> None:
        self._score = max(0.0, min(100.0, float(score)))
        self.setAccessibleName(arg(translate("TechRecommend", "得分 %1"), f"{self._score:.0f}"))
        self.update()

    def set_palette(self, pal: theme.Palette) -> None:
        self._pal = pal
        self.update()

    def set_active_look(self, active: bool) -> None:
        """False: grey (a store that cannot do the work)."""
        self._enabled_look = active
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(220, 24)

    def paintEvent(self, event: QPaintEvent) -> None:
        pal = self._pal
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = theme.font(self, SMALL_PX + 1, bold=True)
        p.setFont(font)
        text = f"{self._score:.0f}"
        text_w = p.fontMetrics().horizontalAdvance("100") + 10
        track = QRectF(0, self.height() / 2 - 6, max(10.0, self.width() - text_w), 12)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(pal.grid))
        p.drawRoundedRect(track, 6, 6)
        color = (
            QColor(pal.neutral) if not self._enabled_look else QColor(getattr(pal, score_tone(self._score)))
        )
        p.setBrush(color)
        p.drawRoundedRect(
            QRectF(track.left(), track.top(), max(12.0, track.width() * self._score / 100), track.height()),
            6,
            6,
        )
        p.setPen(QColor(pal.text if self._enabled_look else pal.text_dim))
        p.drawText(
            QRectF(track.right() + 6, 0, text_w - 6, self.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            text,
        )
        p.end()


class _TechCard(QFrame):
    """One technician: rank, name, score bar, the reasons one per line, earliest start and 派工."""

    def __init__(self, owner: TechRecommendList, rank: int, item: TechRecommendation, name: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.item = item
        pal = owner.pal
        self.rank_label = QLabel(str(rank), objectName="rank")
        self.rank_label.setFixedWidth(40)
        self.rank_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.name_label = QLabel(name, objectName="name")
        self.name_label.setMinimumWidth(120)  # the score bars line up under one another
        self.score_bar = ScoreBarWidget(item.score, pal)
        self.score_bar.setMaximumWidth(260)
        can_start = item.earliest_start is not None
        start = (
            arg(translate("TechRecommend", "最早 %1 开工"), minutes_clock(item.earliest_start))
            if can_start
            else translate("TechRecommend", "今天排不进")
        )
        self.start_label = QLabel(start, objectName="start" if can_start else "startNone")
        self.reason_labels = [QLabel("· " + reason_text(r), objectName="reason") for r in item.reasons]
        for label in self.reason_labels:
            label.setWordWrap(True)
        self.assign_button = QPushButton(translate("TechRecommend", "派给他"), objectName="primary")
        self.assign_button.setMinimumHeight(44)
        self.assign_button.setEnabled(can_start)
        self.assign_button.setToolTip(arg(translate("TechRecommend", "把这项工作派给 %1"), name))
        self.assign_button.clicked.connect(lambda: owner.sig_assign_requested.emit(item.tech_id))

        top = QHBoxLayout()
        top.setSpacing(14)
        top.addWidget(self.name_label)
        top.addWidget(self.score_bar, 1)
        top.addWidget(self.start_label)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addLayout(top)
        for label in self.reason_labels:
            text.addWidget(label)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 10, 14, 10)
        row.setSpacing(10)
        row.addWidget(self.rank_label)
        row.addLayout(text, 1)
        row.addWidget(self.assign_button, 0, Qt.AlignmentFlag.AlignVCenter)


def _css(pal: theme.Palette) -> str:
    return (
        panel_css(pal)
        + f"""
    QFrame#card {{ background: {pal.surface}; border: 1px solid {pal.border}; border-radius: 10px; }}
    QLabel#rank {{ color: {pal.accent}; font-size: {BIG_PX}px; font-weight: 700; }}
    QLabel#name {{ font-size: {BODY_PX + 2}px; font-weight: 700; }}
    QLabel#start {{ font-size: {BODY_PX}px; font-weight: 700; }}
    QLabel#startNone {{ color: {pal.bad}; font-size: {BODY_PX}px; font-weight: 700; }}
    QLabel#reason {{ color: {pal.text_dim}; font-size: {SMALL_PX + 2}px; }}
    QLabel#empty {{ color: {pal.text_dim}; font-size: {BODY_PX}px; }}
    QLabel#job {{ font-size: {BODY_PX}px; font-weight: 700; }}
    QPushButton#primary {{ color: {pal.button_text}; background: {pal.button}; border: none; border-radius: 8px;
        padding: 6px 18px; font-size: {BODY_PX}px; font-weight: 700; }}
    QPushButton#primary:disabled {{ background: {pal.neutral}; }}
    QScrollArea {{ border: none; background: transparent; }}
    QWidget#cards {{ background: transparent; }}
    """
    )


class TechRecommendList(QWidget):
    """The technicians ranked for one job, best first, each with its score, one plain line per factor (skill
    match, current load, rating) and when he could start. The 派给他 button of a row asks to assign the job.

    Signals: sig_assign_requested(tech_id: int) — the user chose this technician for the job.
    """

    sig_assign_requested = Signal(int)

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._pal = theme.palette(theme_name)
        self.cards: list[_TechCard] = []
        title = QLabel(translate("TechRecommend", "推荐技师"), objectName="panelTitle")
        title.setStyleSheet(f"font-size: {TITLE_PX}px;")
        title_en = QLabel("Recommended technicians", objectName="panelTitleEn")
        title_en.setVisible(not english())
        self.job_label = QLabel("", objectName="job")
        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(title, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(title_en, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addStretch(1)
        header.addWidget(self.job_label, 0, Qt.AlignmentFlag.AlignBaseline)
        self.empty_label = QLabel(
            translate("TechRecommend", "选一项工作，这里会列出最合适的技师。"), objectName="empty"
        )
        self.empty_label.setWordWrap(True)
        self._cards_box = QWidget(objectName="cards")
        self._cards_layout = QVBoxLayout(self._cards_box)
        self._cards_layout.setContentsMargins(0, 0, 4, 0)
        self._cards_layout.setSpacing(8)
        self._cards_layout.addWidget(self.empty_label)
        self._cards_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._cards_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(scroll, 1)
        self.setStyleSheet(_css(self._pal))

    @property
    def pal(self) -> theme.Palette:
        return self._pal

    @Slot(str, object, object)
    def set_recommendations(
        self, job_label: str, items: Sequence[TechRecommendation], names: Mapping[int, str]
    ) -> None:
        """Show `items` (already ranked, best first) for the job called `job_label`; `names` maps technician
        ids to names (an unknown id is shown as 技师 #id)."""
        for card in self.cards:
            self._cards_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        self.job_label.setText(job_label)
        if not items:
            self.empty_label.setText(translate("TechRecommend", "没有能做这项工作的技师在班。"))
        self.empty_label.setVisible(not items)
        for n, item in enumerate(items):
            name = names.get(item.tech_id) or arg(translate("TechRecommend", "技师 #%1"), item.tech_id)
            card = _TechCard(self, n + 1, item, name)
            self._cards_layout.insertWidget(self._cards_layout.count() - 1, card)
            self.cards.append(card)

    def shown_names(self) -> list[str]:
        return [c.name_label.text() for c in self.cards]

    @Slot(str)
    def set_theme(self, name: str) -> None:
        self._pal = theme.palette(name)
        self.setStyleSheet(_css(self._pal))
        for card in self.cards:
            card.score_bar.set_palette(self._pal)
