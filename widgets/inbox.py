"""The approval inbox of regional managers and HQ (and the requester's "my requests"): a filterable, sortable list
of transfer requests with checkboxes for bulk approval, the selected request's detail with its impact drawn as
small bars, approve / reject with a comment, and its history; plus the toolbar badge with the pending count."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services.model import AuditEntry, InboxItem
from widgets import theme
from widgets.i18n import arg, english
from widgets.scenario_view import scope_name
from widgets.store_panels import BIG_PX, BODY_PX, CHIP_PX, SMALL_PX, TITLE_PX, mix, panel_css

translate = QCoreApplication.translate
_CTX = "Inbox"  # the translation context (a name, so lupdate does not take it for a source text)
CHINA = ZoneInfo("Asia/Shanghai")
Index = QModelIndex | QPersistentModelIndex

KIND_NAMES = {
    "parts": QT_TRANSLATE_NOOP("Inbox", "调拨配件"),
    "technician_loan": QT_TRANSLATE_NOOP("Inbox", "技师支援"),
    "referral": QT_TRANSLATE_NOOP("Inbox", "跨店推荐"),
}
STATUS_NAMES = {
    "pending": QT_TRANSLATE_NOOP("Inbox", "待审批"),
    "approved": QT_TRANSLATE_NOOP("Inbox", "已同意"),
    "rejected": QT_TRANSLATE_NOOP("Inbox", "已驳回"),
    "applied": QT_TRANSLATE_NOOP("Inbox", "已执行"),
    "cancelled": QT_TRANSLATE_NOOP("Inbox", "已撤回"),
}
URGENCY_NAMES = {
    1: QT_TRANSLATE_NOOP("Inbox", "紧急"),
    2: QT_TRANSLATE_NOOP("Inbox", "普通"),
    3: QT_TRANSLATE_NOOP("Inbox", "不急"),
}
# The age filter: (minutes, label); 0 = any age.
AGE_CHOICES = (
    (0, QT_TRANSLATE_NOOP("Inbox", "不限时间")),
    (60, QT_TRANSLATE_NOOP("Inbox", "超过 1 小时")),
    (240, QT_TRANSLATE_NOOP("Inbox", "超过 4 小时")),
    (1440, QT_TRANSLATE_NOOP("Inbox", "超过 1 天")),
)
STATUS_CHOICES = (
    ("pending", QT_TRANSLATE_NOOP("Inbox", "待审批")),
    ("decided", QT_TRANSLATE_NOOP("Inbox", "已处理")),
    ("", QT_TRANSLATE_NOOP("Inbox", "全部状态")),
)
COLUMNS = (
    "",
    QT_TRANSLATE_NOOP("Inbox", "紧急"),
    QT_TRANSLATE_NOOP("Inbox", "申请"),
    QT_TRANSLATE_NOOP("Inbox", "已等"),
    QT_TRANSLATE_NOOP("Inbox", "状态"),
)
CHECK, URGENCY, REQUEST, AGE, STATUS = range(5)
ROW_H = 62
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2

# The impact estimate as bars: (key, label, how the value reads, tone of the bar). Only the keys present are drawn.
IMPACT_METRICS = (
    ("wait_saved_min", QT_TRANSLATE_NOOP("Inbox", "顾客少等"), "minutes", "good"),
    ("shortage_jobs", QT_TRANSLATE_NOOP("Inbox", "缺件工单"), "jobs", "warning"),
    ("jobs", QT_TRANSLATE_NOOP("Inbox", "涉及工单"), "jobs", "info"),
    ("cost_yuan", QT_TRANSLATE_NOOP("Inbox", "费用"), "yuan", "bad"),
    ("sender_wait_added_min", QT_TRANSLATE_NOOP("Inbox", "派出店多等"), "minutes", "bad"),
    ("shortage_units", QT_TRANSLATE_NOOP("Inbox", "缺件数量"), "units", "warning"),
    ("value_yuan", QT_TRANSLATE_NOOP("Inbox", "调拨货值"), "yuan", "info"),
)
# The floor of each bar's scale, so one small request does not fill its bar.
IMPACT_FLOOR = {"wait_saved_min": 60.0, "shortage_jobs": 5.0, "jobs": 5.0, "cost_yuan": 300.0,
                "sender_wait_added_min": 60.0, "shortage_units": 5.0, "value_yuan": 1000.0}

# The history's actions and fields, in plain words (the audit log's action names are matched loosely).
ACTION_WORDS = (
    ("cancel", QT_TRANSLATE_NOOP("Inbox", "撤回了申请")),
    ("reject", QT_TRANSLATE_NOOP("Inbox", "驳回")),
    ("approve", QT_TRANSLATE_NOOP("Inbox", "同意")),
    ("apply", QT_TRANSLATE_NOOP("Inbox", "已执行")),
    ("request", QT_TRANSLATE_NOOP("Inbox", "提交了申请")),
    ("create", QT_TRANSLATE_NOOP("Inbox", "提交了申请")),
    ("propose", QT_TRANSLATE_NOOP("Inbox", "系统建议")),
)
DETAIL_WORDS = {
    "status": QT_TRANSLATE_NOOP("Inbox", "状态"),
    "comment": QT_TRANSLATE_NOOP("Inbox", "意见"),
    "decision_comment": QT_TRANSLATE_NOOP("Inbox", "意见"),
    "qty": QT_TRANSLATE_NOOP("Inbox", "数量"),
    "from_on_hand": QT_TRANSLATE_NOOP("Inbox", "调出店库存"),
    "to_on_hand": QT_TRANSLATE_NOOP("Inbox", "调入店库存"),
    "loan_days": QT_TRANSLATE_NOOP("Inbox", "支援天数"),
}
REJECT_NEEDS_COMMENT = QT_TRANSLATE_NOOP("Inbox", "驳回要写一句理由，申请人会看到。")


def _tr(text: str) -> str:
    return translate(_CTX, text)


def kind_name(kind: str) -> str:
    return _tr(KIND_NAMES[kind]) if kind in KIND_NAMES else kind


def status_name(status: str) -> str:
    return _tr(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def urgency_name(urgency: int) -> str:
    return _tr(URGENCY_NAMES.get(urgency, URGENCY_NAMES[2]))


def status_tone(status: str) -> str:
    return {"pending": "warning", "approved": "good", "applied": "good", "rejected": "bad"}.get(status, "neutral")


def age_text(minutes: int) -> str:
    """'5 分钟', '1 小时 20 分', '2 天 3 小时'."""
    m = max(0, int(minutes))
    if m < 60:
        return arg(translate("Inbox", "%1 分钟"), m)
    if m < 24 * 60:
        h, m = divmod(m, 60)
        return arg(translate("Inbox", "%1 小时 %2 分"), h, m) if m else arg(translate("Inbox", "%1 小时"), h)
    d, rest = divmod(m, 24 * 60)
    h = rest // 60
    return arg(translate("Inbox", "%1 天 %2 小时"), d, h) if h else arg(translate("Inbox", "%1 天"), d)


def local(t: datetime) -> datetime:
    return t.astimezone(CHINA) if t.tzinfo is not None else t


def when_text(t: datetime, now: datetime | None = None) -> str:
    """'今天 10:12', '昨天 18:30' or '11月3日 10:12' (Beijing time)."""
    t = local(t)
    now = local(now) if now is not None else datetime.now(CHINA if t.tzinfo is not None else None)
    if t.date() == now.date():
        return arg(translate("Inbox", "今天 %1"), f"{t:%H:%M}")
    if t.date() == (now - timedelta(days=1)).date():
        return arg(translate("Inbox", "昨天 %1"), f"{t:%H:%M}")
    return arg(translate("Inbox", "%1月%2日 %3"), t.month, t.day, f"{t:%H:%M}", t.strftime("%b"))


def inbox_name(inbox: str) -> str:
    """'region:E' → '华东区域经理'; 'hq' → '总部'."""
    if inbox == "hq":
        return translate("Inbox", "总部")
    if inbox.startswith("region:"):
        return arg(translate("Inbox", "%1区域经理"), scope_name(inbox.split(":", 1)[1]))
    return inbox


def impact_value_text(key_kind: str, value: float) -> str:
    if key_kind == "minutes":
        return arg(translate("Inbox", "%1 分钟"), f"{value:.0f}")
    if key_kind == "yuan":
        return f"¥{value:,.0f}"
    if key_kind == "count":
        return arg(translate("Inbox", "%1 条"), f"{value:.0f}")
    if key_kind == "units":
        return arg(translate("Inbox", "%1 件"), f"{value:.0f}")
    return arg(translate("Inbox", "%1 单"), f"{value:.0f}")


def summary_text(item: InboxItem) -> str:
    return (item.summary_en or item.summary) if english() else (item.summary or item.summary_en)


def route_text(from_store: str, to_store: str, impact: Mapping | None) -> str:
    """'北京望京店 → 北京中关村店 · 6.2 公里'."""
    text = f"{from_store} → {to_store}"
    distance = (impact or {}).get("distance_km")
    if isinstance(distance, int | float):
        text += " · " + arg(translate("Inbox", "%1 公里"), f"{distance:.1f}")
    return text


def action_text(action: str) -> str:
    """'transfer_request.approve' → '同意' (the last word of the action decides)."""
    a = action.lower().rsplit(".", 1)[-1]
    for key, words in ACTION_WORDS:
        if key in a:
            return _tr(words)
    return action


def _value_words(key: str, value: object) -> str:
    if key == "status" and isinstance(value, str):
        return status_name(value)
    if value is None:
        return "—"
    return str(value)


def details_text(details: Mapping) -> str:
    """What changed, in one line: '状态：待审批 → 已同意 · 意见：同意，下午送到'. Only the fields a person reads
    (DETAIL_WORDS) and changes (old → new) are shown; ids, the impact estimate and other machine fields are left to
    the detail panel."""
    parts = []
    for key, value in details.items():
        known = key in DETAIL_WORDS
        name = _tr(DETAIL_WORDS[key]) if known else key
        if isinstance(value, list | tuple) and len(value) == 2 and not isinstance(value[0], Mapping | list):
            parts.append(f"{name}：{_value_words(key, value[0])} → {_value_words(key, value[1])}")
        elif isinstance(value, Mapping) and {"old", "new"} <= set(value):
            parts.append(f"{name}：{_value_words(key, value['old'])} → {_value_words(key, value['new'])}")
        elif known and value not in (None, "", {}, []) and not isinstance(value, Mapping | list):
            parts.append(f"{name}：{_value_words(key, value)}")
    return " · ".join(parts)


def repolish(w: QWidget) -> None:
    w.style().unpolish(w)
    w.style().polish(w)
    w.update()


def set_tone(label: QLabel, tone: str) -> None:
    label.setProperty("tone", tone)
    repolish(label)


def inbox_css(pal: theme.Palette) -> str:
    """The style the inbox and the request panels (parts sources, loan proposals, rebalancing) share."""
    return (
        panel_css(pal)
        + f"""
    QLabel {{ font-size: {BODY_PX}px; }}
    QLabel#panelTitle {{ font-size: {TITLE_PX}px; }}
    QLabel#caption, QLabel#hint {{ color: {pal.text_dim}; font-size: {SMALL_PX + 1}px; }}
    QLabel#sectionTitle {{ font-size: {BODY_PX}px; font-weight: 700; }}
    QLabel#big {{ font-size: {BIG_PX - 1}px; font-weight: 700; }}
    QLabel#strong {{ font-weight: 700; }}
    QLabel#dim {{ color: {pal.text_dim}; }}
    QLabel#count {{ color: {pal.text}; font-size: {BODY_PX}px; font-weight: 700; }}
    QLabel#fieldError {{ color: {pal.bad}; font-size: {BODY_PX - 1}px; font-weight: 700; }}
    QLabel#message {{ border-radius: 8px; padding: 8px 12px; font-size: {BODY_PX}px; font-weight: 700; }}
    QLabel#message[tone="bad"] {{ color: {pal.bad}; background: {mix(pal.surface, pal.bad, 0.10).name()};
        border: 1px solid {pal.bad}; }}
    QLabel#message[tone="good"] {{ color: {pal.good}; background: {mix(pal.surface, pal.good, 0.10).name()};
        border: 1px solid {pal.good}; }}
    QLabel#message[tone="warning"] {{ color: {pal.text}; background: {mix(pal.surface, pal.warning, 0.16).name()};
        border: 1px solid {pal.warning}; }}
    QLabel#message[tone="info"] {{ color: {pal.text}; background: {pal.surface_alt}; border: 1px solid {pal.border}; }}
    QLabel#chip {{ border-radius: 6px; padding: 1px 8px; font-size: {CHIP_PX}px; font-weight: 700;
        color: {pal.text}; background: {pal.surface_alt}; border: 1px solid {pal.border}; }}
    QLabel#chip[tone="bad"] {{ color: {pal.bad}; background: {mix(pal.surface, pal.bad, 0.12).name()};
        border-color: {pal.bad}; }}
    QLabel#chip[tone="good"] {{ color: {pal.good}; background: {mix(pal.surface, pal.good, 0.12).name()};
        border-color: {pal.good}; }}
    QLabel#chip[tone="warning"] {{ color: {pal.warning}; background: {mix(pal.surface, pal.warning, 0.12).name()};
        border-color: {pal.warning}; }}
    QLabel#chip[tone="info"] {{ color: {pal.accent}; background: {mix(pal.surface, pal.accent, 0.10).name()};
        border-color: {pal.accent}; }}
    QLabel#decision {{ border-radius: 8px; padding: 8px 12px; background: {pal.surface_alt};
        border: 1px solid {pal.border}; }}
    QFrame#card, QFrame#detail {{ background: {pal.surface}; border: 1px solid {pal.border}; border-radius: 10px; }}
    QFrame#card[active="false"] {{ background: {pal.surface_alt}; border: 1px dashed {pal.border}; }}
    QFrame#rule {{ background: {pal.border}; border: none; max-height: 1px; min-height: 1px; }}
    QLineEdit, QComboBox {{
        color: {pal.text}; background: {pal.surface}; border: 1px solid {pal.border}; border-radius: 6px;
        padding: 2px 10px; font-size: {BODY_PX - 1}px; min-height: 34px;
    }}
    QSpinBox {{ font-size: {BODY_PX}px; min-height: 36px; }}
    QLineEdit:focus, QComboBox:focus {{ border: 2px solid {pal.accent}; }}
    QLineEdit[invalid="true"] {{ border: 2px solid {pal.bad}; }}
    QPushButton {{ color: {pal.text}; background: {pal.surface}; border: 1px solid {pal.border}; border-radius: 8px;
        padding: 4px 16px; font-size: {BODY_PX}px; min-height: 40px; }}
    QPushButton:hover {{ border-color: {pal.accent}; }}
    QPushButton:disabled {{ color: {pal.text_dim}; background: {pal.surface_alt}; }}
    QPushButton#primary {{ color: {pal.button_text}; background: {pal.button}; border: none; font-weight: 700;
        min-height: 44px; padding: 4px 24px; }}
    QPushButton#primary:disabled {{ color: {pal.text_dim}; background: {pal.surface_alt}; }}
    QPushButton#reject {{ color: {pal.bad}; border: 2px solid {pal.bad}; font-weight: 700; min-height: 40px; }}
    QPushButton#reject:disabled {{ color: {pal.text_dim}; border-color: {pal.border}; }}
    QTableView {{ font-size: {BODY_PX}px; background: {pal.surface}; border: 1px solid {pal.border};
        border-radius: 8px; }}
    QTableView::indicator {{ width: 22px; height: 22px; }}
    QHeaderView::section {{ color: {pal.text}; background: {pal.surface_alt}; border: none;
        border-bottom: 1px solid {pal.border}; padding: 6px 8px; font-size: {BODY_PX - 2}px; font-weight: 700; }}
    QScrollArea {{ border: none; background: transparent; }}
    QWidget#list {{ background: transparent; }}
    QProgressBar {{ border: 1px solid {pal.border}; border-radius: 5px; background: {pal.surface_alt};
        max-height: 10px; }}
    QProgressBar::chunk {{ background: {pal.accent}; border-radius: 5px; }}
    """
    )


def chip(text: str, tone: str) -> QLabel:
    label = QLabel(text, objectName="chip")
    label.setProperty("tone", tone)
    label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return label


def message_label() -> QLabel:
    label = QLabel("", objectName="message")
    label.setWordWrap(True)
    label.hide()
    return label


# --- the impact bars -----------------------------------------------------------------------------------------------


class RequestCardsPanel(QWidget):
    """A panel of cards with a request button each (parts sources, technician loans): a title, a headline and a detail
    line, a message line that says what happened, and the cards in a scroll area. Subclasses make the cards (each
    with a `request_button`); `_begin_request(text)` while a request is on its way, then show_requested/show_error."""

    def __init__(self, title: str, title_en: str, empty_text: str, theme_name: str = "light",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFont(theme.font(self, BODY_PX))
        self._pal = theme.palette(theme_name)
        self.cards: list[QWidget] = []
        title_label = QLabel(title, objectName="panelTitle")
        title_en_label = QLabel(title_en, objectName="panelTitleEn")
        title_en_label.setVisible(not english())
        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(title_label, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(title_en_label, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addStretch(1)
        self.headline = QLabel("", objectName="big")
        self.headline.setWordWrap(True)
        self.detail = QLabel("", objectName="dim")
        self.detail.setWordWrap(True)
        self.message_label = message_label()
        self.empty_label = QLabel(empty_text, objectName="hint")
        self.empty_label.setWordWrap(True)
        box = QWidget(objectName="list")
        self._cards_layout = QVBoxLayout(box)
        self._cards_layout.setContentsMargins(0, 0, 6, 0)
        self._cards_layout.setSpacing(8)
        self._cards_layout.addWidget(self.empty_label)
        self._cards_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        layout.addWidget(self.message_label)
        layout.addWidget(scroll, 1)
        self.setStyleSheet(inbox_css(self._pal))

    @property
    def pal(self) -> theme.Palette:
        return self._pal

    @property
    def message(self) -> str:
        return self.message_label.text() if not self.message_label.isHidden() else ""

    def _clear_cards(self) -> None:
        for card in self.cards:
            self._cards_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        self.message_label.hide()

    def _add_card(self, card: QWidget) -> None:
        self._cards_layout.insertWidget(self._cards_layout.count() - 1, card)
        self.cards.append(card)

    def _begin_request(self, text: str) -> None:
        for c in self.cards:
            c.request_button.setEnabled(False)
        self._show_message(text, "info")

    def _can_request(self, card: QWidget) -> bool:
        return True

    @Slot(str)
    def show_requested(self, text: str) -> None:
        """The request was sent: say so; the buttons work again (another card can be asked too)."""
        self._enable()
        self._show_message(text, "good")

    @Slot(str)
    def show_error(self, text: str) -> None:
        self._enable()
        self._show_message(text, "bad")

    @Slot(str)
    def set_theme(self, name: str) -> None:
        self._pal = theme.palette(name)
        self.setStyleSheet(inbox_css(self._pal))

    def _enable(self) -> None:
        for c in self.cards:
            c.request_button.setEnabled(self._can_request(c))

    def _show_message(self, text: str, tone: str) -> None:
        self.message_label.setText(text)
        set_tone(self.message_label, tone)
        self.message_label.setVisible(bool(text))
        repolish(self.message_label)

class ImpactBars(QWidget):
    """The impact estimate as a few labelled bars (少等 40 分钟, 费用 ¥120 …), each on its own scale: the largest
    value among the requests on screen (or a floor), so bars compare requests at a glance."""

    LABEL_W, VALUE_W, ROW = 118, 112, 30

    def __init__(self, pal: theme.Palette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pal = pal
        self._rows: list[tuple[str, float, str, str, float]] = []  # label, value, text, tone, scale max
        self._label_w = self.LABEL_W
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_impact(self, impact: Mapping | None, scale: Mapping[str, float] | None = None,
                   metrics: Sequence[tuple[str, str, str, str]] = IMPACT_METRICS, context: str = _CTX) -> None:
        """Draw the metrics of `impact` that are present; `metrics` are (key, label marked in `context`, 'minutes' |
        'yuan' | 'jobs', tone); `scale` the largest value of each key among the requests on screen."""
        impact = impact or {}
        scale = scale or {}
        self._rows = []
        # Every possible label sizes the label column, so bars of several cards line up.
        fm = QFontMetrics(theme.font(self, BODY_PX - 1))
        self._label_w = max([self.LABEL_W, *(fm.horizontalAdvance(translate(context, m[1])) + 12 for m in metrics)])
        for key, label, kind, tone in metrics:
            value = impact.get(key)
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            top = max(float(scale.get(key, 0.0)), IMPACT_FLOOR.get(key, 1.0), float(value))
            text = impact_value_text(kind, value)
            self._rows.append((translate(context, label), float(value), text, tone, top))
        self.setFixedHeight(max(0, len(self._rows) * self.ROW))
        self.setVisible(bool(self._rows))
        self.update()

    def lines(self) -> list[str]:
        """Each bar as text ('顾客少等 40 分钟'), for tests and screen readers."""
        return [f"{label} {text}" for label, _, text, _, _ in self._rows]

    def set_palette(self, pal: theme.Palette) -> None:
        self._pal = pal
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, len(self._rows) * self.ROW)

    def paintEvent(self, event: QPaintEvent) -> None:
        pal = self._pal
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        body = theme.font(self, BODY_PX - 1)
        bold = theme.font(self, BODY_PX - 1, bold=True)
        label_w = self._label_w
        bar_w = max(40.0, self.width() - label_w - self.VALUE_W)
        for n, (label, value, text, tone, top) in enumerate(self._rows):
            y = n * self.ROW
            p.setFont(body)
            p.setPen(QColor(pal.text_dim))
            p.drawText(QRectF(0, y, label_w, self.ROW), int(Qt.AlignmentFlag.AlignVCenter), label)
            track = QRectF(label_w, y + self.ROW / 2 - 6, bar_w, 12)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(pal.grid))
            p.drawRoundedRect(track, 6, 6)
            p.setBrush(QColor(getattr(pal, tone if tone != "info" else "accent")))
            fill = track.width() * max(0.0, min(1.0, value / top)) if top > 0 else 0.0
            p.drawRoundedRect(QRectF(track.left(), track.top(), max(10.0, fill), track.height()), 6, 6)
            p.setFont(bold)
            p.setPen(QColor(pal.text))
            p.drawText(QRectF(label_w + bar_w + 10, y, self.VALUE_W - 10, self.ROW),
                       int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), text)
        p.end()


# --- the list --------------------------------------------------------------------------------------------------------

class InboxModel(QAbstractTableModel):
    """The requests, one row each; checkable (approver mode, pending ones only)."""

    def __init__(self, owner: InboxWidget) -> None:
        super().__init__()
        self._owner = owner
        self.items: list[InboxItem] = []
        self.checked: set[int] = set()
        self.mode = "approver"

    def set_items(self, items: Sequence[InboxItem], mode: str) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.mode = mode
        pending = {i.request_id for i in self.items if i.status == "pending"}
        self.checked = self.checked & pending if mode == "approver" else set()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(COLUMNS[section]) if COLUMNS[section] else ""
        return None

    def checkable(self, item: InboxItem) -> bool:
        return self.mode == "approver" and item.status == "pending"

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == CHECK and self.checkable(self.items[index.row()]):
            f |= Qt.ItemFlag.ItemIsUserCheckable
        return f

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self.items[index.row()]
        c = index.column()
        pal = self._owner.pal
        if role == ITEM_ROLE:
            return item
        if role == Qt.ItemDataRole.CheckStateRole and c == CHECK and self.checkable(item):
            return Qt.CheckState.Checked if item.request_id in self.checked else Qt.CheckState.Unchecked
        if role == SORT_ROLE:
            return (
                item.request_id in self.checked,
                -item.urgency,
                summary_text(item),
                item.age_minutes,
                list(STATUS_NAMES).index(item.status) if item.status in STATUS_NAMES else 9,
            )[c]
        if role == Qt.ItemDataRole.DisplayRole:
            if c == URGENCY:
                return urgency_name(item.urgency)
            if c == REQUEST:
                return summary_text(item)
            if c == AGE:
                return age_text(item.age_minutes) if item.status == "pending" else when_text(item.requested_at)
            if c == STATUS:
                return status_name(item.status)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if c == URGENCY:
                return QColor(pal.bad if item.urgency == 1 else pal.text if item.urgency == 2 else pal.text_dim)
            if c == STATUS:
                tone = status_tone(item.status)
                return QColor(getattr(pal, tone))
            if c == AGE and item.status == "pending" and item.age_minutes >= 60:
                return QColor(pal.bad if item.age_minutes >= 240 else pal.warning)
            return QColor(pal.text)
        if role == Qt.ItemDataRole.TextAlignmentRole and c in (URGENCY, STATUS):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and c in (URGENCY, STATUS, AGE):
            return theme.font(self._owner, BODY_PX - 1, bold=c != AGE or item.age_minutes >= 60)
        if role == Qt.ItemDataRole.ToolTipRole and c == REQUEST:
            return summary_text(item)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != CHECK:
            return False
        item = self.items[index.row()]
        if not self.checkable(item):
            return False
        state = Qt.CheckState(value) if not isinstance(value, Qt.CheckState) else value
        if state == Qt.CheckState.Checked:
            self.checked.add(item.request_id)
        else:
            self.checked.discard(item.request_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self._owner._checks_changed()
        return True

    def row_of(self, request_id: int) -> int:
        return next((n for n, i in enumerate(self.items) if i.request_id == request_id), -1)


class InboxFilter(QSortFilterProxyModel):
    """Kind, store text (either end), urgency, minimum age and pending/decided."""

    def __init__(self) -> None:
        super().__init__()
        self.kind = ""
        self.store = ""
        self.urgency = 0
        self.min_age = 0
        self.status = "pending"
        self.setSortRole(SORT_ROLE)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        item: InboxItem = self.sourceModel().items[source_row]
        if self.kind and item.kind != self.kind:
            return False
        if self.urgency and item.urgency != self.urgency:
            return False
        if self.min_age and (item.status != "pending" or item.age_minutes < self.min_age):
            return False
        if self.status == "pending" and item.status != "pending":
            return False
        if self.status == "decided" and item.status == "pending":
            return False
        if self.store:
            text = self.store.lower()
            if text not in item.from_store.lower() and text not in item.to_store.lower() \
                    and text not in summary_text(item).lower():
                return False
        return True


class _RequestDelegate(QStyledItemDelegate):
    """The 申请 column in two lines: the summary in bold, then kind · requester in small dim text."""

    def __init__(self, owner: InboxWidget) -> None:
        super().__init__(owner)
        self._owner = owner

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item: InboxItem | None = index.data(ITEM_ROLE)
        if item is None:
            return
        pal = self._owner.pal
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else self._owner.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        r = QRectF(option.rect).adjusted(8, 5, -8, -5)
        painter.save()
        bold = theme.font(self._owner, BODY_PX - 1, bold=True)
        small = theme.font(self._owner, SMALL_PX)
        painter.setFont(bold)
        painter.setPen(QColor(pal.text))
        top = QRectF(r.left(), r.top(), r.width(), r.height() * 0.55)
        painter.drawText(top, int(Qt.AlignmentFlag.AlignVCenter),
                         QFontMetrics(bold).elidedText(summary_text(item), Qt.TextElideMode.ElideRight,
                                                       int(r.width())))
        painter.setFont(small)
        painter.setPen(QColor(pal.text_dim))
        second = " · ".join([kind_name(item.kind), arg(translate("Inbox", "%1 申请"), item.requested_by)])
        bottom = QRectF(r.left(), top.bottom(), r.width(), r.height() - top.height())
        painter.drawText(bottom, int(Qt.AlignmentFlag.AlignVCenter),
                         QFontMetrics(small).elidedText(second, Qt.TextElideMode.ElideRight, int(r.width())))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(300, ROW_H)


class _ToneDelegate(QStyledItemDelegate):
    """Keeps a cell's own colour (紧急 in red, long waits in orange) on the selected row too."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        color = index.data(Qt.ItemDataRole.ForegroundRole)
        if color is not None:
            option.palette.setColor(QPalette.ColorRole.HighlightedText, QColor(color))


class _CheckDelegate(QStyledItemDelegate):
    """The check column: a large box in the middle of the cell; a click anywhere in the cell toggles it."""

    def __init__(self, owner: InboxWidget) -> None:
        super().__init__(owner)
        self._owner = owner

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget is not None else self._owner.style()
        state = index.data(Qt.ItemDataRole.CheckStateRole)
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if state is None:
            return
        box = QStyleOptionViewItem(opt)
        size = 22
        box.rect = option.rect.adjusted((option.rect.width() - size) // 2, (option.rect.height() - size) // 2,
                                        0, 0)
        box.rect.setSize(QSize(size, size))
        box.state = (box.state & ~(QStyle.StateFlag.State_On | QStyle.StateFlag.State_Off)) | (
            QStyle.StateFlag.State_On if Qt.CheckState(state) == Qt.CheckState.Checked else QStyle.StateFlag.State_Off)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck, box, painter, opt.widget)

    def editorEvent(self, event, model, option: QStyleOptionViewItem, index: Index) -> bool:
        if not index.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            return False
        toggle = (event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton
                  and option.rect.contains(event.position().toPoint()))
        toggle = toggle or (event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Space)
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            return True  # the release toggles; a double click must not toggle twice
        if not toggle:
            return False
        checked = Qt.CheckState(index.data(Qt.ItemDataRole.CheckStateRole)) == Qt.CheckState.Checked
        return model.setData(index, Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked,
                             Qt.ItemDataRole.CheckStateRole)


# --- the badge -------------------------------------------------------------------------------------------------------

class InboxBadge(QToolButton):
    """The toolbar's 审批 button with the number of pending requests in a red bubble (none when 0).

    Signals: clicked() (QToolButton's) — open the inbox.
    """

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pal = theme.palette(theme_name)
        self._count = 0
        self.setText(translate("Inbox", "审批"))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setFont(theme.font(self, BODY_PX, bold=True))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(f"QToolButton {{ padding: 6px 34px 6px 12px; font-size: {BODY_PX}px; font-weight: 700;"
                           f" border-radius: 8px; }}")
        self.set_count(0)

    @property
    def count(self) -> int:
        return self._count

    @property
    def badge_text(self) -> str:
        """What the bubble shows ('' when nothing waits; '99+' over 99)."""
        return "" if self._count <= 0 else ("99+" if self._count > 99 else str(self._count))

    @Slot(int)
    def set_count(self, n: int) -> None:
        self._count = max(0, int(n))
        tip = (arg(translate("Inbox", "有 %1 条申请等你审批"), self._count) if self._count
               else translate("Inbox", "没有等你审批的申请"))
        self.setToolTip(tip)
        self.setAccessibleName(f"{self.text()} {self.badge_text}".strip())
        self.setAccessibleDescription(tip)
        self.update()

    def set_theme(self, name: str) -> None:
        self._pal = theme.palette(name)
        self.update()

    def sizeHint(self) -> QSize:
        s = super().sizeHint()
        return QSize(s.width() + 6, max(s.height(), 40))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        text = self.badge_text
        if not text:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        f = theme.font(self, CHIP_PX - 1, bold=True)
        p.setFont(f)
        w = max(24.0, QFontMetrics(f).horizontalAdvance(text) + 12.0)
        r = QRectF(self.width() - w - 4, self.height() / 2 - 12, w, 24)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(self._pal.critical))
        p.drawRoundedRect(r, 12, 12)
        p.setPen(QColor("#FFFFFF"))
        p.drawText(r, int(Qt.AlignmentFlag.AlignCenter), text)
        p.end()


# --- the inbox -------------------------------------------------------------------------------------------------------

class InboxWidget(QWidget):
    """The approval inbox. Approver mode (regional managers, HQ): filter, sort and check requests, read the selected
    one's impact and history, approve or reject it with a comment, or approve the checked ones at once.
    Requester mode (store users, "我的申请"): the same list and detail, read-only, with 撤回 for a pending one.

    Signals:
      sig_approve_requested(list[int] ids, str comment) — approve these requests (one, or the checked ones).
      sig_reject_requested(list[int] ids, str comment) — reject with this comment (never empty).
      sig_cancel_requested(int id) — the requester withdraws a pending request.
      sig_history_requested(int id) — the history of the selected request is wanted (answer with set_history).
      sig_filter_changed(dict) — {"kind": str|None, "store": str, "urgency": int|None, "min_age_minutes": int,
                                  "status": "pending"|"decided"|None}; the list is already filtered locally.
      sig_refresh_requested() — reload the items (刷新, or after someone else decided).
    """

    sig_approve_requested = Signal(list, str)
    sig_reject_requested = Signal(list, str)
    sig_cancel_requested = Signal(int)
    sig_history_requested = Signal(int)
    sig_filter_changed = Signal(dict)
    sig_refresh_requested = Signal()

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFont(theme.font(self, BODY_PX))
        self._pal = theme.palette(theme_name)
        self._mode = "approver"
        self._count = 0
        self._current_id: int | None = None
        self._history_for: int | None = None
        self._scale: dict[str, float] = {}
        self._busy = False

        # Header: title, count, refresh.
        self.title_label = QLabel(translate("Inbox", "审批收件箱"), objectName="panelTitle")
        self.title_en_label = QLabel("Approval inbox", objectName="panelTitleEn")
        self.count_label = QLabel("", objectName="count")
        self.refresh_button = QPushButton(translate("Inbox", "刷新"))
        self.refresh_button.setToolTip(translate("Inbox", "重新读取申请"))
        self.refresh_button.clicked.connect(self.sig_refresh_requested)
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(self.title_label, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(self.title_en_label, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addSpacing(8)
        header.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addStretch(1)
        header.addWidget(self.refresh_button)

        # Filters.
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(translate("Inbox", "全部类型"), "")
        for kind, words in KIND_NAMES.items():
            self.kind_combo.addItem(_tr(words), kind)
        self.store_edit = QLineEdit()
        self.store_edit.setPlaceholderText(translate("Inbox", "门店名称"))
        self.store_edit.setClearButtonEnabled(True)
        self.store_edit.setMinimumWidth(150)
        self.urgency_combo = QComboBox()
        self.urgency_combo.addItem(translate("Inbox", "全部紧急程度"), 0)
        for level, words in URGENCY_NAMES.items():
            self.urgency_combo.addItem(_tr(words), level)
        self.age_combo = QComboBox()
        for minutes, words in AGE_CHOICES:
            self.age_combo.addItem(_tr(words), minutes)
        self.status_combo = QComboBox()
        for status, words in STATUS_CHOICES:
            self.status_combo.addItem(_tr(words), status)
        for combo in (self.kind_combo, self.urgency_combo, self.age_combo, self.status_combo):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.store_edit.textChanged.connect(self._filters_changed)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.status_combo)
        filters.addWidget(self.kind_combo)
        filters.addWidget(self.store_edit, 1)
        filters.addWidget(self.urgency_combo)
        filters.addWidget(self.age_combo)

        self.message_label = message_label()
        self.busy_label = QLabel("", objectName="caption")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(160)
        busy = QHBoxLayout()
        busy.addWidget(self.progress)
        busy.addWidget(self.busy_label, 1)
        self.busy_label.hide()
        self.progress.hide()

        # The list.
        self.model = InboxModel(self)
        self.proxy = InboxFilter()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(ROW_H)
        self.table.setItemDelegateForColumn(REQUEST, _RequestDelegate(self))
        self.table.setItemDelegateForColumn(CHECK, _CheckDelegate(self))
        self._tone_delegate = _ToneDelegate(self)
        for c in (URGENCY, AGE, STATUS):
            self.table.setItemDelegateForColumn(c, self._tone_delegate)
        head = self.table.horizontalHeader()
        head.setMinimumHeight(38)
        head.setHighlightSections(False)
        for c, width in ((CHECK, 44), (URGENCY, 76), (AGE, 130), (STATUS, 92)):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(c, width)
        head.setSectionResizeMode(REQUEST, QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(URGENCY, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.empty_label = QLabel("", objectName="hint")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.check_all_button = QPushButton(translate("Inbox", "全选"))
        self.check_all_button.setToolTip(translate("Inbox", "勾选列表里所有待审批的申请"))
        self.check_all_button.clicked.connect(self.toggle_check_all)
        self.checked_label = QLabel("", objectName="caption")
        self.bulk_button = QPushButton(translate("Inbox", "批量同意"), objectName="primary")
        self.bulk_button.setToolTip(translate("Inbox", "同意所有勾选的申请（意见可写可不写）"))
        self.bulk_button.clicked.connect(self.approve_checked)
        bulk = QHBoxLayout()
        bulk.setSpacing(10)
        bulk.addWidget(self.check_all_button)
        bulk.addWidget(self.checked_label, 1)
        bulk.addWidget(self.bulk_button)
        self.bulk_box = QWidget()
        self.bulk_box.setLayout(bulk)
        bulk.setContentsMargins(0, 0, 0, 0)

        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.table, 1)
        left.addWidget(self.empty_label)
        left.addWidget(self.bulk_box)

        # The detail.
        self.detail = QFrame(objectName="detail")
        self.kind_chip = chip("", "info")
        self.urgency_chip = chip("", "neutral")
        self.status_chip = chip("", "neutral")
        chips = QHBoxLayout()
        chips.setSpacing(6)
        chips.addWidget(self.kind_chip)
        chips.addWidget(self.urgency_chip)
        chips.addWidget(self.status_chip)
        chips.addStretch(1)
        self.summary_label = QLabel("", objectName="big")
        self.summary_label.setWordWrap(True)
        self.route_label = QLabel("", objectName="strong")
        self.route_label.setWordWrap(True)
        self.reason_label = QLabel("", objectName="dim")
        self.reason_label.setWordWrap(True)
        self.impact_title = QLabel(translate("Inbox", "预计效果"), objectName="sectionTitle")
        self.impact_bars = ImpactBars(self._pal)
        self.asked_label = QLabel("", objectName="dim")
        self.asked_label.setWordWrap(True)
        self.decision_label = QLabel("", objectName="decision")
        self.decision_label.setWordWrap(True)
        self.history_title = QLabel(translate("Inbox", "记录"), objectName="sectionTitle")
        self.history_box = QWidget(objectName="list")
        self.history_layout = QVBoxLayout(self.history_box)
        self.history_layout.setContentsMargins(0, 0, 0, 0)
        self.history_layout.setSpacing(4)
        self.history_labels: list[QLabel] = []
        self.no_selection_label = QLabel(translate("Inbox", "在左边选一条申请，这里显示详情。"), objectName="hint")
        self.no_selection_label.setWordWrap(True)
        self.no_selection_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        body = QWidget(objectName="list")
        info = QVBoxLayout(body)
        info.setContentsMargins(0, 0, 6, 0)
        info.setSpacing(8)
        info.addLayout(chips)
        info.addWidget(self.summary_label)
        info.addWidget(self.route_label)
        info.addWidget(self.reason_label)
        info.addWidget(self.impact_title)
        info.addWidget(self.impact_bars)
        info.addWidget(self.asked_label)
        info.addWidget(self.decision_label)
        info.addWidget(self.history_title)
        info.addWidget(self.history_box)
        info.addStretch(1)
        self.detail_scroll = QScrollArea()
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_scroll.setWidget(body)

        # The decision, pinned under the detail.
        self.comment_edit = QLineEdit()
        self.comment_edit.setPlaceholderText(translate("Inbox", "意见（驳回时必填）"))
        self.comment_edit.textEdited.connect(self._comment_edited)
        self.comment_edit.returnPressed.connect(self.approve_current)
        self.comment_error = QLabel("", objectName="fieldError")
        self.comment_error.setWordWrap(True)
        self.comment_error.hide()
        self.reject_button = QPushButton(translate("Inbox", "驳回"), objectName="reject")
        self.reject_button.clicked.connect(self.reject_current)
        self.approve_button = QPushButton(translate("Inbox", "同意"), objectName="primary")
        self.approve_button.clicked.connect(self.approve_current)
        self.cancel_button = QPushButton(translate("Inbox", "撤回申请"), objectName="reject")
        self.cancel_button.setToolTip(translate("Inbox", "还没审批的申请可以撤回"))
        self.cancel_button.clicked.connect(self.cancel_current)
        buttons = QHBoxLayout()
        buttons.setSpacing(10)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.approve_button)
        self.actions_box = QWidget()
        actions = QVBoxLayout(self.actions_box)
        actions.setContentsMargins(0, 4, 0, 0)
        actions.setSpacing(6)
        actions.addWidget(self.comment_edit)
        actions.addWidget(self.comment_error)
        actions.addLayout(buttons)

        detail = QVBoxLayout(self.detail)
        detail.setContentsMargins(16, 12, 16, 12)
        detail.setSpacing(8)
        detail.addWidget(self.no_selection_label, 1)
        detail.addWidget(self.detail_scroll, 1)
        rule = QFrame(objectName="rule")
        detail.addWidget(rule)
        detail.addWidget(self.actions_box)

        split = QHBoxLayout()
        split.setSpacing(14)
        split.addLayout(left, 11)
        split.addWidget(self.detail, 9)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addLayout(filters)
        layout.addWidget(self.message_label)
        layout.addLayout(busy)
        layout.addLayout(split, 1)
        self.setStyleSheet(inbox_css(self._pal))
        self.title_en_label.setVisible(not english())
        self.set_items((), "approver")

    # --- public API -------------------------------------------------------------------------------------------------

    @property
    def pal(self) -> theme.Palette:
        return self._pal

    @property
    def mode(self) -> str:
        return self._mode

    @Slot(object, str)
    def set_items(self, items: Sequence[InboxItem], mode: str = "approver") -> None:
        """Show `items`; mode 'approver' (decide, check, bulk approve) or 'requester' (my requests, read-only).
        The selection and the checks stay on the same requests where they are still there."""
        if mode not in ("approver", "requester"):
            raise ValueError(f"mode must be 'approver' or 'requester', not {mode!r}")
        changed_mode = mode != self._mode
        self._mode = mode
        keep = self._current_id
        self._scale = {}
        for item in items:
            for key, value in (item.impact or {}).items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    self._scale[key] = max(self._scale.get(key, 0.0), float(value))
        self.model.set_items(items, mode)
        requester = mode == "requester"
        self.title_label.setText(translate("Inbox", "我的申请") if requester else translate("Inbox", "审批收件箱"))
        self.title_en_label.setText("My requests" if requester else "Approval inbox")
        self.table.setColumnHidden(CHECK, requester)
        self.bulk_box.setVisible(not requester)
        if changed_mode and requester:
            self.status_combo.setCurrentIndex(len(STATUS_CHOICES) - 1)  # a requester wants all his requests
        if mode == "approver":
            self.set_count(sum(1 for i in items if i.status == "pending"))
        else:
            self._update_count_label()
        row = self.model.row_of(keep) if keep is not None else -1
        if row >= 0 and self.proxy.mapFromSource(self.model.index(row, 0)).isValid():
            self.select(keep, emit=False)
        else:
            self._select_first()
        self._show_detail(self.current_item())
        self._checks_changed()
        self._update_empty()

    @Slot(int, object)
    def set_history(self, request_id: int, entries: Sequence[AuditEntry]) -> None:
        """The history of request `request_id` (oldest first): who, when, what changed. Ignored unless it is
        the request on screen."""
        if request_id != self._current_id:
            return
        self._clear_history()
        self._history_for = request_id
        if not entries:
            self._add_history_line(translate("Inbox", "还没有记录。"))
            return
        for e in entries:
            what = action_text(e.action)
            details = details_text(e.details or {})
            line = f"{when_text(e.at)}  {e.actor}  {what}" + (f" — {details}" if details else "")
            self._add_history_line(line)

    @Slot(int)
    def set_count(self, n: int) -> None:
        """The number of pending requests (shown beside the title; the toolbar's InboxBadge has its own)."""
        self._count = max(0, int(n))
        self._update_count_label()

    @property
    def count(self) -> int:
        return self._count

    @Slot(str)
    def show_decided(self, text: str) -> None:
        """The decision went through: a plain sentence; the comment is cleared and the buttons work again."""
        self.set_busy(False)
        self.comment_edit.clear()
        self._show_message(text, "good")

    @Slot(str)
    def show_conflict(self, text: str) -> None:
        """Someone else decided first (or it was withdrawn): say so plainly and ask for fresh items."""
        self.set_busy(False)
        self._show_message(text, "warning")
        self.sig_refresh_requested.emit()

    @Slot(str)
    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self._show_message(text, "bad")

    @Slot(bool, str)
    def set_busy(self, busy: bool, text: str = "") -> None:
        """Progress with `text` while the presenter works; every decision button is disabled meanwhile."""
        self._busy = busy
        self.progress.setVisible(busy)
        self.busy_label.setText(text)
        self.busy_label.setVisible(busy and bool(text))
        if busy:
            self.message_label.hide()
        self._update_buttons()
        self._checks_changed()

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def message(self) -> str:
        return self.message_label.text() if not self.message_label.isHidden() else ""

    def filters(self) -> dict:
        """The filters as sent with sig_filter_changed."""
        return {
            "kind": self.kind_combo.currentData() or None,
            "store": self.store_edit.text().strip(),
            "urgency": self.urgency_combo.currentData() or None,
            "min_age_minutes": int(self.age_combo.currentData() or 0),
            "status": self.status_combo.currentData() or None,
        }

    def set_filters(self, kind: str | None = None, store: str = "", urgency: int | None = None,
                    min_age_minutes: int = 0, status: str | None = "pending") -> None:
        """Set every filter at once (one sig_filter_changed)."""
        widgets = (self.kind_combo, self.store_edit, self.urgency_combo, self.age_combo, self.status_combo)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind or "")))
            self.store_edit.setText(store)
            self.urgency_combo.setCurrentIndex(max(0, self.urgency_combo.findData(urgency or 0)))
            self.age_combo.setCurrentIndex(max(0, self.age_combo.findData(min_age_minutes)))
            self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(status or "")))
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._filters_changed()

    def visible_ids(self) -> list[int]:
        """The request ids in the list as shown (filtered and sorted)."""
        return [self.proxy.index(r, 0).data(ITEM_ROLE).request_id for r in range(self.proxy.rowCount())]

    def checked_ids(self) -> list[int]:
        """The checked pending requests still shown, in list order (what 批量同意 approves)."""
        return [i for i in self.visible_ids() if i in self.model.checked]

    def set_checked(self, request_id: int, checked: bool = True) -> None:
        row = self.model.row_of(request_id)
        if row >= 0:
            state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
            self.model.setData(self.model.index(row, CHECK), state, Qt.ItemDataRole.CheckStateRole)

    @Slot()
    def toggle_check_all(self) -> None:
        """Check every pending request shown, or uncheck them all when they already are."""
        pending = [i for i in self.visible_ids() if self.model.checkable(self._item(i))]
        everything = bool(pending) and all(i in self.model.checked for i in pending)
        self.model.beginResetModel()
        if everything:
            self.model.checked -= set(pending)
        else:
            self.model.checked |= set(pending)
        self.model.endResetModel()
        if self._current_id is not None:
            self.select(self._current_id, emit=False)
        self._checks_changed()

    def select(self, request_id: int, emit: bool = True) -> bool:
        """Select request `request_id` in the list (False when it is not shown)."""
        row = self.model.row_of(request_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, REQUEST))
        if not index.isValid():
            return False
        sm = self.table.selectionModel()
        if not emit:
            sm.blockSignals(True)
        sm.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                           | QItemSelectionModel.SelectionFlag.Rows)
        if not emit:
            sm.blockSignals(False)
            self._current_id = request_id
            self._show_detail(self._item(request_id))
        self.table.scrollTo(index)
        return True

    def current_item(self) -> InboxItem | None:
        return self._item(self._current_id) if self._current_id is not None else None

    @Slot()
    def approve_current(self) -> None:
        """同意 the selected request with the comment (optional)."""
        item = self.current_item()
        if not self._can_decide(item):
            return
        self.sig_approve_requested.emit([item.request_id], self.comment_edit.text().strip())

    @Slot()
    def reject_current(self) -> None:
        """驳回 the selected request: only with a comment (one sentence next to the field when it is empty)."""
        item = self.current_item()
        if not self._can_decide(item):
            return
        comment = self.comment_edit.text().strip()
        if not comment:
            self.comment_error.setText(_tr(REJECT_NEEDS_COMMENT))
            self.comment_error.show()
            self.comment_edit.setProperty("invalid", "true")
            repolish(self.comment_edit)
            self.comment_edit.setFocus()
            return
        self.sig_reject_requested.emit([item.request_id], comment)

    @Slot()
    def approve_checked(self) -> None:
        """批量同意: approve every checked request shown, with the comment (optional)."""
        ids = self.checked_ids()
        if self._mode != "approver" or self._busy or not ids:
            return
        self.sig_approve_requested.emit(ids, self.comment_edit.text().strip())

    @Slot()
    def cancel_current(self) -> None:
        """撤回 (requester mode): withdraw the selected pending request."""
        item = self.current_item()
        if self._mode != "requester" or self._busy or item is None or item.status != "pending":
            return
        self.sig_cancel_requested.emit(item.request_id)

    @property
    def comment_error_text(self) -> str:
        return self.comment_error.text() if not self.comment_error.isHidden() else ""

    def history_lines(self) -> list[str]:
        return [label.text() for label in self.history_labels]

    @Slot(str)
    def set_theme(self, name: str) -> None:
        self._pal = theme.palette(name)
        self.setStyleSheet(inbox_css(self._pal))
        self.impact_bars.set_palette(self._pal)

    # --- internals --------------------------------------------------------------------------------------------------

    def _item(self, request_id: int | None) -> InboxItem | None:
        row = self.model.row_of(request_id) if request_id is not None else -1
        return self.model.items[row] if row >= 0 else None

    def _can_decide(self, item: InboxItem | None) -> bool:
        return self._mode == "approver" and not self._busy and item is not None and item.status == "pending"

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        item = current.data(ITEM_ROLE) if current.isValid() else None
        new_id = item.request_id if item is not None else None
        if new_id == self._current_id:
            return
        self._current_id = new_id
        self.comment_edit.clear()
        self._comment_edited()
        self._show_detail(item)
        if item is not None:
            self.sig_history_requested.emit(item.request_id)

    def _select_first(self) -> None:
        """Select the first request shown (asking for its history), or show that nothing is selected."""
        first = self.proxy.index(0, REQUEST)
        sm = self.table.selectionModel()
        sm.blockSignals(True)
        if first.isValid():
            sm.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.ClearAndSelect
                               | QItemSelectionModel.SelectionFlag.Rows)
        else:
            sm.clear()
        sm.blockSignals(False)
        self._current_changed(first, QModelIndex())

    def _show_detail(self, item: InboxItem | None) -> None:
        self.no_selection_label.setVisible(item is None)
        self.detail_scroll.setVisible(item is not None)
        if item is None:
            self.no_selection_label.setText(
                translate("Inbox", "在左边选一条申请，这里显示详情。") if self.model.items else translate("Inbox", "没有申请。"))
            self._update_buttons()
            return
        self.kind_chip.setText(kind_name(item.kind))
        self.urgency_chip.setText(urgency_name(item.urgency))
        set_tone(self.urgency_chip, "bad" if item.urgency == 1 else "neutral")
        self.status_chip.setText(status_name(item.status))
        set_tone(self.status_chip, status_tone(item.status))
        self.summary_label.setText(summary_text(item))
        self.route_label.setText(route_text(item.from_store, item.to_store, item.impact))
        reason = (item.impact or {}).get("reason_en" if english() else "reason") or ""
        self.reason_label.setText(str(reason))
        self.reason_label.setVisible(bool(reason))
        self.impact_bars.set_impact(item.impact, self._scale)
        self.impact_title.setVisible(bool(self.impact_bars.lines()))
        asked = arg(translate("Inbox", "%1 在 %2 提出"), item.requested_by, when_text(item.requested_at))
        if item.status == "pending":
            asked += arg(translate("Inbox", "，已等 %1，等 %2 审批"), age_text(item.age_minutes), inbox_name(item.inbox))
        self.asked_label.setText(asked)
        self.decision_label.setText(self._decision_text(item))
        self.decision_label.setVisible(item.status != "pending")
        if self._history_for != item.request_id:
            self._clear_history()
            self._add_history_line(translate("Inbox", "正在读取记录…"))
        self._update_buttons()

    def _decision_text(self, item: InboxItem) -> str:
        if item.status == "cancelled":
            text = translate("Inbox", "申请人已撤回这条申请。")
        elif item.decided_by:
            verdict = status_name("rejected" if item.status == "rejected" else "approved")
            parts = [verdict, item.decided_by] + ([when_text(item.decided_at)] if item.decided_at else [])
            text = " · ".join(parts)
        else:
            text = status_name(item.status)
        if item.decision_comment:
            text += "\n" + arg(translate("Inbox", "意见：%1"), item.decision_comment)
        if item.applied_at is not None:
            text += "\n" + arg(translate("Inbox", "%1 已执行完毕"), when_text(item.applied_at))
        return text

    def _clear_history(self) -> None:
        for label in self.history_labels:
            self.history_layout.removeWidget(label)
            label.deleteLater()
        self.history_labels = []
        self._history_for = None

    def _add_history_line(self, text: str) -> None:
        label = QLabel(text, objectName="caption")
        label.setWordWrap(True)
        self.history_layout.addWidget(label)
        self.history_labels.append(label)

    def _update_buttons(self) -> None:
        item = self.current_item()
        approver = self._mode == "approver"
        decidable = self._can_decide(item)
        self.actions_box.setVisible(item is not None and item.status == "pending")
        self.comment_edit.setVisible(approver)
        self.approve_button.setVisible(approver)
        self.reject_button.setVisible(approver)
        self.approve_button.setEnabled(decidable)
        self.reject_button.setEnabled(decidable)
        self.comment_edit.setEnabled(approver and not self._busy)
        self.cancel_button.setVisible(not approver)
        self.cancel_button.setEnabled(not approver and not self._busy and item is not None
                                      and item.status == "pending")
        if not approver:
            self.comment_error.hide()

    def _checks_changed(self) -> None:
        n = len(self.checked_ids())
        self.checked_label.setText(arg(translate("Inbox", "已勾选 %1 条"), n) if n else translate("Inbox", "勾选几条可以一起同意"))
        self.bulk_button.setText(arg(translate("Inbox", "批量同意（%1）"), n) if n else translate("Inbox", "批量同意"))
        self.bulk_button.setEnabled(n > 0 and not self._busy and self._mode == "approver")
        pending = [i for i in self.visible_ids() if self.model.checkable(self._item(i))]
        everything = bool(pending) and all(i in self.model.checked for i in pending)
        self.check_all_button.setText(translate("Inbox", "全不选") if everything else translate("Inbox", "全选"))
        self.check_all_button.setEnabled(bool(pending) and not self._busy)

    def _comment_edited(self, *_: object) -> None:
        self.comment_error.hide()
        if self.comment_edit.property("invalid") == "true":
            self.comment_edit.setProperty("invalid", "false")
            repolish(self.comment_edit)

    def _filters_changed(self, *_: object) -> None:
        f = self.filters()
        self.proxy.kind = f["kind"] or ""
        self.proxy.store = f["store"]
        self.proxy.urgency = f["urgency"] or 0
        self.proxy.min_age = f["min_age_minutes"]
        self.proxy.status = f["status"] or ""
        self.proxy.invalidate()
        self.table.setColumnHidden(STATUS, self.proxy.status == "pending")  # every row would say 待审批
        if self._current_id is None or not self.select(self._current_id, emit=False):
            self._select_first()
        self._checks_changed()
        self._update_empty()
        self._update_count_label()
        self.sig_filter_changed.emit(f)

    def _update_empty(self) -> None:
        shown = self.proxy.rowCount()
        if shown:
            self.empty_label.hide()
            return
        if not self.model.items:
            text = translate("Inbox", "没有申请。") if self._mode == "requester" else translate("Inbox", "没有等你审批的申请。")
        else:
            text = translate("Inbox", "没有符合筛选条件的申请。换个条件试试。")
        self.empty_label.setText(text)
        self.empty_label.show()

    def _update_count_label(self) -> None:
        if self._mode == "requester":
            pending = sum(1 for i in self.model.items if i.status == "pending")
            self.count_label.setText(arg(translate("Inbox", "%1 条在等审批"), pending) if pending else "")
            return
        shown = self.proxy.rowCount()
        text = arg(translate("Inbox", "待审批 %1 条"), self._count)
        f = self.filters()
        if f["kind"] or f["store"] or f["urgency"] or f["min_age_minutes"]:
            text += " · " + arg(translate("Inbox", "显示 %1 条"), shown)
        self.count_label.setText(text)

    def _show_message(self, text: str, tone: str) -> None:
        self.message_label.setText(text)
        set_tone(self.message_label, tone)
        self.message_label.setVisible(bool(text))


__all__ = [
    "ImpactBars",
    "InboxBadge",
    "InboxWidget",
    "age_text",
    "inbox_css",
    "kind_name",
    "status_name",
    "when_text",
]
