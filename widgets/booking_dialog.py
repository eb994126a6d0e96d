"""The service advisor's booking dialog: customer and services → recommended stores and their free slots →
confirm. Plain data in, intents out (signals); the presenter asks the booking service and feeds the answers back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from services.catalog import SERVICE_BY_CODE, SERVICE_TYPES
from services.model import BookingConfirmation, SlotOffer, StoreRecommendation
from widgets import theme
from widgets.i18n import arg, english
from widgets.store_panels import BIG_PX, BODY_PX, CHIP_PX, SMALL_PX, TITLE_PX, mix
from widgets.tech_recommend import ScoreBarWidget, reason_text

translate = QCoreApplication.translate
_CTX = "BookingDialog"  # the translation context (a name, so lupdate does not take it for a source text)
CHINA = ZoneInfo("Asia/Shanghai")

# The catalog's service names (services/ has no Qt): marked here, translated at use.
_SERVICE_WORDS = (
    QT_TRANSLATE_NOOP("BookingDialog", "小保养"),
    QT_TRANSLATE_NOOP("BookingDialog", "大保养"),
    QT_TRANSLATE_NOOP("BookingDialog", "轮胎更换"),
    QT_TRANSLATE_NOOP("BookingDialog", "四轮定位"),
    QT_TRANSLATE_NOOP("BookingDialog", "故障诊断"),
    QT_TRANSLATE_NOOP("BookingDialog", "电气维修"),
    QT_TRANSLATE_NOOP("BookingDialog", "发动机底盘维修"),
    QT_TRANSLATE_NOOP("BookingDialog", "钣金修复"),
    QT_TRANSLATE_NOOP("BookingDialog", "喷漆"),
)
WEEKDAYS_ZH = (
    QT_TRANSLATE_NOOP("BookingDialog", "周一"),
    QT_TRANSLATE_NOOP("BookingDialog", "周二"),
    QT_TRANSLATE_NOOP("BookingDialog", "周三"),
    QT_TRANSLATE_NOOP("BookingDialog", "周四"),
    QT_TRANSLATE_NOOP("BookingDialog", "周五"),
    QT_TRANSLATE_NOOP("BookingDialog", "周六"),
    QT_TRANSLATE_NOOP("BookingDialog", "周日"),
)
STEP_TITLES = (
    QT_TRANSLATE_NOOP("BookingDialog", "① 客户和项目"),
    QT_TRANSLATE_NOOP("BookingDialog", "② 门店和时间"),
    QT_TRANSLATE_NOOP("BookingDialog", "③ 确认预约"),
)
# The wished window is picked in half hours over a working day.
FIRST_HALF_HOUR, LAST_HALF_HOUR = 7 * 2, 21 * 2


def _tr(text: str) -> str:
    return translate(_CTX, text)


def service_name(code: str) -> str:
    """A service type's name in the current language ('MAINT_MINOR' → '小保养' / 'Minor maintenance')."""
    st = SERVICE_BY_CODE.get(code)
    return _tr(st.name_zh) if st is not None else code


def services_text(codes: Sequence[str]) -> str:
    return (", " if english() else "、").join(service_name(c) for c in codes)


def zhe(discount_pct: float) -> str:
    """The Chinese way of saying a discount: 15 % off → '85', 10 % off → '9', 8 % off → '92'."""
    rest = round(100.0 - discount_pct, 1)
    if rest % 10 == 0:
        return f"{rest / 10:.0f}"
    return f"{rest:g}"


def discount_badge(discount_pct: float) -> str:
    """'低峰 85 折' ('Off-peak 15% off' in English); '' without a discount."""
    if discount_pct <= 0:
        return ""
    return arg(translate("BookingDialog", "低峰 %1 折"), zhe(discount_pct), f"{discount_pct:g}")


def money(value: float) -> str:
    return f"¥{value:,.0f}"


def price_text(price: float, discount_pct: float) -> str:
    """'¥357（低峰 85 折）' or '¥420'."""
    if discount_pct <= 0:
        return money(price)
    return arg(translate("BookingDialog", "%1（%2）"), money(price), discount_badge(discount_pct))


def price_html(
    list_price: float, price: float, discount_pct: float, pal: theme.Palette, big: int = BIG_PX
) -> str:
    """The price, with the list price struck through before it when discounted (rich text)."""
    now = f"<span style='font-size:{big}px; font-weight:700; color:{pal.text}'>{money(price)}</span>"
    if discount_pct <= 0 or list_price <= price:
        return now
    was = f"<span style='font-size:{SMALL_PX + 2}px; color:{pal.text_dim}'><s>{money(list_price)}</s></span>"
    return f"{was}&nbsp;&nbsp;{now}"


def day_text(d: date) -> str:
    """'11月3日 周二' ('Tue 3 Nov' in English)."""
    return arg(
        translate("BookingDialog", "%1月%2日 %3"),
        d.month,
        d.day,
        _tr(WEEKDAYS_ZH[d.weekday()]),
        d.strftime("%b"),
    )


def hm(t: datetime) -> str:
    return t.strftime("%H:%M")


def minutes_words(minutes: int) -> str:
    m = max(0, int(minutes))
    if m < 60:
        return arg(translate("BookingDialog", "%1 分钟"), m)
    h, m = divmod(m, 60)
    return (
        arg(translate("BookingDialog", "%1 小时 %2 分"), h, m)
        if m
        else arg(translate("BookingDialog", "%1 小时"), h)
    )


def _repolish(w: QWidget) -> None:
    w.style().unpolish(w)
    w.style().polish(w)
    w.update()


def _css(pal: theme.Palette) -> str:
    return f"""
    QDialog#bookingDialog {{ background: {pal.window}; }}
    QWidget#page {{ background: transparent; }}
    QLabel {{ color: {pal.text}; background: transparent; font-size: {BODY_PX}px; }}
    QLabel#dialogTitle {{ font-size: {TITLE_PX + 2}px; font-weight: 700; }}
    QLabel#step {{ color: {pal.text_dim}; font-size: {BODY_PX}px; padding: 4px 12px; }}
    QLabel#step[current="true"] {{ color: {pal.accent}; font-weight: 700; border-bottom: 3px solid {pal.accent}; }}
    QLabel#fieldLabel {{ font-weight: 700; }}
    QLabel#fieldError {{ color: {pal.bad}; font-size: {BODY_PX - 1}px; font-weight: 700; }}
    QLabel#hint, QLabel#caption {{ color: {pal.text_dim}; font-size: {SMALL_PX + 1}px; }}
    QLabel#sectionTitle {{ font-size: {TITLE_PX}px; font-weight: 700; }}
    QLabel#message {{ border-radius: 8px; padding: 10px 14px; font-size: {BODY_PX}px; font-weight: 700; }}
    QLabel#message[tone="bad"] {{ color: {pal.bad}; background: {mix(pal.surface, pal.bad, 0.10).name()};
        border: 1px solid {pal.bad}; }}
    QLabel#message[tone="good"] {{ color: {pal.good}; background: {mix(pal.surface, pal.good, 0.10).name()};
        border: 1px solid {pal.good}; }}
    QLabel#message[tone="info"] {{ color: {pal.text}; background: {pal.surface_alt}; border: 1px solid {pal.border}; }}
    QLabel#result {{ color: {pal.good}; font-size: {BIG_PX}px; font-weight: 700; }}
    QLabel#summaryKey {{ color: {pal.text_dim}; font-size: {BODY_PX}px; }}
    QLabel#summaryValue {{ font-size: {BIG_PX - 2}px; font-weight: 700; }}
    QLabel#taken {{ color: {pal.bad}; font-size: {BODY_PX + 1}px; font-weight: 700; }}
    QLineEdit, QComboBox, QDateEdit {{
        color: {pal.text}; background: {pal.surface}; border: 1px solid {pal.border}; border-radius: 6px;
        padding: 4px 10px; font-size: {BODY_PX}px; min-height: 36px;
    }}
    QLineEdit:focus, QComboBox:focus, QDateEdit:focus {{ border: 2px solid {pal.accent}; }}
    QLineEdit[invalid="true"] {{ border: 2px solid {pal.bad}; }}
    QComboBox QAbstractItemView {{ color: {pal.text}; background: {pal.surface}; font-size: {BODY_PX}px;
        selection-background-color: {pal.selection}; selection-color: {pal.text}; }}
    QCheckBox {{ color: {pal.text}; font-size: {BODY_PX}px; spacing: 10px; padding: 6px 4px; }}
    QCheckBox::indicator {{ width: 24px; height: 24px; }}
    QPushButton {{ color: {pal.text}; background: {pal.surface}; border: 1px solid {pal.border}; border-radius: 8px;
        padding: 6px 18px; font-size: {BODY_PX}px; min-height: 40px; }}
    QPushButton:hover {{ border-color: {pal.accent}; }}
    QPushButton#primary {{ color: {pal.button_text}; background: {pal.button}; border: none; font-weight: 700;
        min-height: 48px; padding: 6px 28px; }}
    QPushButton#primary:disabled, QPushButton:disabled {{ color: {pal.text_dim}; background: {pal.surface_alt}; }}
    QPushButton#slot {{ text-align: left; padding: 0; min-height: 68px; background: {pal.surface}; }}
    QPushButton#slot:hover {{ border: 2px solid {pal.accent}; }}
    QPushButton#slot[chosen="true"] {{ border: 2px solid {pal.accent}; background: {pal.selection}; }}
    QFrame#storeCard {{ background: {pal.surface}; border: 1px solid {pal.border}; border-radius: 10px; }}
    QFrame#storeCard:hover {{ border: 2px solid {pal.accent}; }}
    QFrame#storeCard[chosen="true"] {{ border: 3px solid {pal.accent}; background: {pal.selection}; }}
    QFrame#storeCard[capable="false"] {{ background: {pal.surface_alt}; border: 1px dashed {pal.border}; }}
    QLabel#storeName {{ font-size: {BODY_PX + 3}px; font-weight: 700; }}
    QLabel#storeName[capable="false"], QLabel#facts[capable="false"] {{ color: {pal.text_dim}; }}
    QLabel#facts {{ font-size: {BODY_PX - 1}px; }}
    QLabel#reason {{ color: {pal.text_dim}; font-size: {SMALL_PX + 1}px; }}
    QLabel#notCapable {{ color: {pal.bad}; font-size: {BODY_PX - 1}px; font-weight: 700; }}
    QLabel#chip {{ color: {pal.button_text}; background: {pal.accent}; border-radius: 6px; padding: 1px 8px;
        font-size: {CHIP_PX}px; font-weight: 700; }}
    QLabel#badge {{ color: {pal.good}; background: {mix(pal.surface, pal.good, 0.14).name()};
        border: 1px solid {pal.good}; border-radius: 6px; padding: 1px 8px; font-size: {CHIP_PX}px;
        font-weight: 700; }}
    QLabel#slotTime {{ font-size: {BIG_PX}px; font-weight: 700; }}
    QLabel#slotEnd {{ color: {pal.text_dim}; font-size: {SMALL_PX + 1}px; }}
    QScrollArea {{ border: none; background: transparent; }}
    QWidget#list {{ background: transparent; }}
    QProgressBar {{ border: 1px solid {pal.border}; border-radius: 5px; background: {pal.surface_alt};
        max-height: 12px; }}
    QProgressBar::chunk {{ background: {pal.accent}; border-radius: 5px; }}
    """


class LoadBarWidget(QWidget):
    """How busy the store is expected to be (0..1) as a short bar: green when quiet, orange when busy."""

    def __init__(self, load: float, pal: theme.Palette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.load = max(0.0, min(1.0, float(load)))
        self._pal = pal
        self.setFixedSize(110, 14)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def paintEvent(self, event: QPaintEvent) -> None:
        pal = self._pal
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(pal.grid))
        r = QRectF(0, 1, self.width(), self.height() - 2)
        p.drawRoundedRect(r, 6, 6)
        tone = pal.good if self.load < 0.5 else pal.warning if self.load < 0.8 else pal.bad
        p.setBrush(QColor(tone))
        p.drawRoundedRect(QRectF(0, 1, max(10.0, r.width() * self.load), r.height()), 6, 6)
        p.end()


class SlotButton(QPushButton):
    """A free slot as one big button: start (and end), price with the list price struck, 低峰 badge, load bar."""

    def __init__(self, slot: SlotOffer, pal: theme.Palette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slot = slot
        self.setObjectName("slot")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(68)
        self.time_label = QLabel(hm(slot.start), objectName="slotTime")
        self.end_label = QLabel(arg(translate("BookingDialog", "至 %1"), hm(slot.end)), objectName="slotEnd")
        self.price_label = QLabel(
            price_html(slot.list_price, slot.price, slot.discount_pct, pal, BODY_PX + 3)
        )
        self.price_label.setTextFormat(Qt.TextFormat.RichText)
        self.badge_label = QLabel(discount_badge(slot.discount_pct), objectName="badge")
        self.badge_label.setVisible(slot.discount_pct > 0)
        if slot.pricing_rule:
            self.badge_label.setToolTip(arg(translate("BookingDialog", "优惠规则：%1"), slot.pricing_rule))
        self.load_bar = LoadBarWidget(slot.predicted_load, pal)
        self.load_label = QLabel(
            arg(translate("BookingDialog", "繁忙 %1%"), f"{slot.predicted_load * 100:.0f}"),
            objectName="caption",
        )
        times = QVBoxLayout()
        times.setSpacing(0)
        times.addWidget(self.time_label)
        times.addWidget(self.end_label)
        load = QVBoxLayout()
        load.setSpacing(2)
        load.addWidget(self.load_label)
        load.addWidget(self.load_bar)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 6, 16, 6)
        row.setSpacing(14)
        row.addLayout(times)
        row.addStretch(1)
        row.addWidget(self.badge_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.price_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(load)
        for w in (self.time_label, self.end_label, self.price_label, self.badge_label, self.load_label):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAccessibleName(self.text_line())

    def text_line(self) -> str:
        """What the button says in one line (for screen readers and tests)."""
        parts = [f"{hm(self.slot.start)}–{hm(self.slot.end)}", money(self.slot.price)]
        if self.slot.discount_pct > 0:
            parts.append(discount_badge(self.slot.discount_pct))
        return " ".join(parts)

    def sizeHint(self) -> QSize:
        return QSize(420, 68)


class StoreCard(QFrame):
    """One recommended store as a large card; a store that cannot do the work is greyed with the reason."""

    def __init__(self, dialog: BookingDialog, rec: StoreRecommendation, own: bool) -> None:
        super().__init__()
        self.rec = rec
        self._dialog = dialog
        pal = dialog.pal
        self.setObjectName("storeCard")
        self.setProperty("capable", "true" if rec.capable else "false")
        self.setProperty("chosen", "false")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if rec.capable else Qt.FocusPolicy.NoFocus)
        if rec.capable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        name = (rec.name_en or rec.name_zh) if english() else rec.name_zh
        self.name_label = QLabel(name, objectName="storeName")
        self.name_label.setProperty("capable", "true" if rec.capable else "false")
        self.own_chip = QLabel(translate("BookingDialog", "本店"), objectName="chip")
        self.own_chip.setVisible(own)
        self.price_label = QLabel(price_html(rec.list_price, rec.price, rec.discount_pct, pal))
        self.price_label.setTextFormat(Qt.TextFormat.RichText)
        self.price_label.setVisible(rec.capable)
        self.badge_label = QLabel(discount_badge(rec.discount_pct), objectName="badge")
        self.badge_label.setVisible(rec.capable and rec.discount_pct > 0)
        self.facts_label = QLabel(self.facts(rec), objectName="facts")
        self.facts_label.setProperty("capable", "true" if rec.capable else "false")
        self.facts_label.setWordWrap(True)
        self.score_bar = ScoreBarWidget(rec.score, pal)
        self.score_bar.set_active_look(rec.capable)
        self.score_bar.setMaximumWidth(320)
        score_caption = QLabel(translate("BookingDialog", "综合得分"), objectName="caption")
        self.not_capable_label = QLabel(
            translate("BookingDialog", "这家店做不了这些项目"), objectName="notCapable"
        )
        self.not_capable_label.setVisible(not rec.capable)
        self.reason_labels = [QLabel("· " + reason_text(r), objectName="reason") for r in rec.reasons]
        for label in self.reason_labels:
            label.setWordWrap(True)

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.name_label)
        top.addWidget(self.own_chip)
        top.addStretch(1)
        top.addWidget(self.badge_label)
        top.addWidget(self.price_label)
        score = QHBoxLayout()
        score.setSpacing(10)
        score.addWidget(score_caption)
        score.addWidget(self.score_bar, 1)
        score.addStretch(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.facts_label)
        layout.addWidget(self.not_capable_label)
        layout.addLayout(score)
        for label in self.reason_labels:
            layout.addWidget(label)
        for w in self.findChildren(QLabel):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setToolTip("" if rec.capable else translate("BookingDialog", "这家店做不了这些项目"))

    @staticmethod
    def facts(rec: StoreRecommendation) -> str:
        parts = [
            arg(translate("BookingDialog", "%1 公里"), f"{rec.distance_km:.1f}"),
            arg(translate("BookingDialog", "车程 %1"), minutes_words(rec.travel_minutes)),
        ]
        if rec.capable:
            if rec.earliest_start is None:
                parts.append(translate("BookingDialog", "这个时段没有空位"))
            else:
                parts.append(arg(translate("BookingDialog", "最早 %1"), hm(rec.earliest_start)))
                parts.append(
                    arg(translate("BookingDialog", "预计等待 %1"), minutes_words(rec.predicted_wait_minutes))
                )
        return " · ".join(parts)

    def set_chosen(self, chosen: bool) -> None:
        self.setProperty("chosen", "true" if chosen else "false")
        _repolish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rec.capable:
            self._dialog.choose_store(self.rec.store_id)
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.rec.capable:
            self._dialog.choose_store(self.rec.store_id)
            return
        super().keyPressEvent(event)


def _scroll_list() -> tuple[QScrollArea, QVBoxLayout]:
    box = QWidget(objectName="list")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 8, 0)
    layout.setSpacing(10)
    layout.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(box)
    return scroll, layout


def _clear(layout: QVBoxLayout) -> None:
    """Remove every widget of a list layout, keeping its closing stretch."""
    while layout.count() > 1:
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()


class BookingDialog(QDialog):
    """Book a customer in three steps: 客户和项目 (plate, name, phone, services, wished day and time window),
    门店和时间 (the recommended stores as cards; the chosen store's free slots), 确认预约.

    Signals (intents; the presenter answers through the slots below):
      sig_recommend_requested(dict) — keys: plate, customer, phone, service_codes (tuple of catalog codes),
          date (date), window_start / window_end (aware datetimes in the dialog's time zone), store_id (the
          preset store or None), lat, lon (the customer's position or None). Answer: show_recommendations.
      sig_slots_requested(int, object, object) — store_id, service_codes (tuple), date. Answer: show_slots.
      sig_book_requested(dict) — keys: slot (the SlotOffer), store_id, start, end, bay_id, technician_id,
          list_price, price, discount_pct, pricing_rule, plate, customer, phone, service_codes.
          Answer: show_booked, show_slot_taken or show_error.
    Long work: set_busy(True, text) shows progress and disables the buttons until set_busy(False) or an answer.
    """

    sig_recommend_requested = Signal(dict)
    sig_slots_requested = Signal(int, object, object)
    sig_book_requested = Signal(dict)

    STEP_CUSTOMER, STEP_STORE, STEP_CONFIRM = 0, 1, 2

    def __init__(
        self,
        theme_name: str = "light",
        tz: tzinfo = CHINA,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bookingDialog")
        self.setWindowTitle(translate("BookingDialog", "预约"))
        self.setMinimumSize(1100, 760)
        self.setFont(theme.font(self, BODY_PX))
        self._pal = theme.palette(theme_name)
        self._tz = tz
        self._today = today or datetime.now(tz).date()
        self._store_id: int | None = None
        self._lat: float | None = None
        self._lon: float | None = None
        self._request: dict | None = None
        self._recs: dict[int, StoreRecommendation] = {}
        self._chosen_store: int | None = None
        self._slot: SlotOffer | None = None
        self._booked: BookingConfirmation | None = None
        self.store_cards: list[StoreCard] = []
        self.slot_buttons: list[SlotButton] = []
        self.alternative_buttons: list[SlotButton] = []

        title = QLabel(translate("BookingDialog", "为客户预约"), objectName="dialogTitle")
        self.step_labels = [QLabel(_tr(t), objectName="step") for t in STEP_TITLES]
        steps = QHBoxLayout()
        steps.setSpacing(6)
        steps.addWidget(title)
        steps.addStretch(1)
        for label in self.step_labels:
            steps.addWidget(label)
        self.message_label = QLabel("", objectName="message")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        self.busy_label = QLabel("", objectName="hint")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        busy = QHBoxLayout()
        busy.addWidget(self.busy_label)
        busy.addWidget(self.progress, 1)
        self.busy_label.hide()
        self.progress.hide()

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_customer_page())
        self.pages.addWidget(self._build_store_page())
        self.pages.addWidget(self._build_confirm_page())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 16, 22, 18)
        layout.setSpacing(12)
        layout.addLayout(steps)
        layout.addWidget(self.message_label)
        layout.addLayout(busy)
        layout.addWidget(self.pages, 1)
        self.setStyleSheet(_css(self._pal))
        self._go(self.STEP_CUSTOMER)

    # --- building -------------------------------------------------------------------------------------------------

    def _field_error(self) -> QLabel:
        label = QLabel("", objectName="fieldError")
        label.setWordWrap(True)
        label.hide()
        return label

    def _build_customer_page(self) -> QWidget:
        page = QWidget(objectName="page")
        self.plate_edit = QLineEdit()
        self.plate_edit.setPlaceholderText(translate("BookingDialog", "例如 京A12345"))
        self.plate_edit.setMaxLength(10)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(translate("BookingDialog", "客户怎么称呼"))
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(translate("BookingDialog", "例如 13812345678"))
        self.phone_edit.setMaxLength(20)
        self.plate_error = self._field_error()
        self.phone_error = self._field_error()
        self.service_error = self._field_error()
        self.window_error = self._field_error()
        self.service_checks: dict[str, QCheckBox] = {}
        services = QGridLayout()
        services.setHorizontalSpacing(24)
        services.setVerticalSpacing(2)
        for n, st in enumerate(SERVICE_TYPES):
            check = QCheckBox(
                arg(
                    translate("BookingDialog", "%1  %2 分钟 · ¥%3"),
                    _tr(st.name_zh),
                    st.std_minutes,
                    f"{st.price:,}",
                )
            )
            check.toggled.connect(lambda _=False: self._clear_error(self.service_error))
            self.service_checks[st.code] = check
            services.addWidget(check, n // 3, n % 3)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.weekday_label = QLabel("", objectName="fieldLabel")
        self.date_edit.dateChanged.connect(self._show_weekday)
        self.date_edit.setMinimumDate(QDate(self._today.year, self._today.month, self._today.day))
        self.date_edit.setDate(QDate(self._today.year, self._today.month, self._today.day))
        self.date_edit.setMinimumWidth(200)
        self._show_weekday()
        self.from_combo, self.to_combo = QComboBox(), QComboBox()
        for combo in (self.from_combo, self.to_combo):
            combo.setMinimumWidth(120)
            for half in range(FIRST_HALF_HOUR, LAST_HALF_HOUR + 1):
                combo.addItem(f"{half // 2:02d}:{(half % 2) * 30:02d}", half * 30)  # minutes since midnight
            combo.currentIndexChanged.connect(lambda _=0: self._clear_error(self.window_error))
        self.from_combo.setCurrentIndex(self.from_combo.findData(9 * 60))
        self.to_combo.setCurrentIndex(self.to_combo.findData(18 * 60))
        self.plate_edit.textEdited.connect(lambda _="": self._clear_error(self.plate_error, self.plate_edit))
        self.phone_edit.textEdited.connect(lambda _="": self._clear_error(self.phone_error, self.phone_edit))

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(2, 1)

        def label(text: str) -> QLabel:
            return QLabel(text, objectName="fieldLabel")

        grid.addWidget(label(translate("BookingDialog", "车牌号")), 0, 0)
        grid.addWidget(self.plate_edit, 0, 1)
        grid.addWidget(self.plate_error, 0, 2)
        grid.addWidget(label(translate("BookingDialog", "客户姓名")), 1, 0)
        grid.addWidget(self.name_edit, 1, 1)
        grid.addWidget(label(translate("BookingDialog", "手机号")), 2, 0)
        grid.addWidget(self.phone_edit, 2, 1)
        grid.addWidget(self.phone_error, 2, 2)
        for edit in (self.plate_edit, self.name_edit, self.phone_edit):
            edit.setMinimumWidth(300)
        when = QHBoxLayout()
        when.setSpacing(10)
        when.addWidget(self.date_edit)
        when.addWidget(self.weekday_label)
        when.addSpacing(12)
        when.addWidget(QLabel(translate("BookingDialog", "从")))
        when.addWidget(self.from_combo)
        when.addWidget(QLabel(translate("BookingDialog", "到")))
        when.addWidget(self.to_combo)
        when.addWidget(self.window_error)
        when.addStretch(1)

        self.preset_label = QLabel("", objectName="hint")
        self.preset_label.hide()
        self.recommend_button = QPushButton(translate("BookingDialog", "推荐门店 →"), objectName="primary")
        self.recommend_button.setDefault(True)
        self.recommend_button.clicked.connect(self.request_recommendations)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preset_label, 1)
        buttons.addWidget(self.recommend_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(QLabel(translate("BookingDialog", "客户"), objectName="sectionTitle"))
        layout.addLayout(grid)
        layout.addSpacing(6)
        services_title = QHBoxLayout()
        services_title.addWidget(QLabel(translate("BookingDialog", "服务项目"), objectName="sectionTitle"))
        services_title.addWidget(self.service_error, 1)
        layout.addLayout(services_title)
        layout.addLayout(services)
        layout.addSpacing(6)
        layout.addWidget(QLabel(translate("BookingDialog", "希望哪天、几点到店"), objectName="sectionTitle"))
        layout.addLayout(when)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _build_store_page(self) -> QWidget:
        page = QWidget(objectName="page")
        self.stores_title = QLabel(translate("BookingDialog", "推荐门店"), objectName="sectionTitle")
        self.stores_hint = QLabel(
            translate("BookingDialog", "点选一家门店，右边列出可约时间。"), objectName="hint"
        )
        self.stores_scroll, self.stores_layout = _scroll_list()
        self.slots_title = QLabel(translate("BookingDialog", "可约时间"), objectName="sectionTitle")
        self.slots_hint = QLabel(translate("BookingDialog", "先在左边选一家门店。"), objectName="hint")
        self.slots_hint.setWordWrap(True)
        self.slots_scroll, self.slots_layout = _scroll_list()
        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(self.stores_title)
        left.addWidget(self.stores_hint)
        left.addWidget(self.stores_scroll, 1)
        right = QVBoxLayout()
        right.setSpacing(6)
        right.addWidget(self.slots_title)
        right.addWidget(self.slots_hint)
        right.addWidget(self.slots_scroll, 1)
        columns = QHBoxLayout()
        columns.setSpacing(20)
        columns.addLayout(left, 11)
        columns.addLayout(right, 8)
        self.back_to_customer_button = QPushButton(translate("BookingDialog", "← 修改客户和项目"))
        self.back_to_customer_button.clicked.connect(lambda: self._go(self.STEP_CUSTOMER))
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_to_customer_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        return page

    def _build_confirm_page(self) -> QWidget:
        page = QWidget(objectName="page")
        self.summary_values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(12)
        grid.setColumnStretch(1, 1)
        keys = (
            ("plate", QT_TRANSLATE_NOOP("BookingDialog", "车牌号")),
            ("customer", QT_TRANSLATE_NOOP("BookingDialog", "客户")),
            ("services", QT_TRANSLATE_NOOP("BookingDialog", "服务项目")),
            ("store", QT_TRANSLATE_NOOP("BookingDialog", "门店")),
            ("time", QT_TRANSLATE_NOOP("BookingDialog", "时间")),
            ("price", QT_TRANSLATE_NOOP("BookingDialog", "价格")),
        )
        for n, (key, text) in enumerate(keys):
            grid.addWidget(QLabel(_tr(text), objectName="summaryKey"), n, 0)
            value = QLabel("", objectName="summaryValue")
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.RichText if key == "price" else Qt.TextFormat.PlainText)
            grid.addWidget(value, n, 1)
            self.summary_values[key] = value
        self.taken_label = QLabel("", objectName="taken")
        self.taken_label.setWordWrap(True)
        self.taken_label.hide()
        self.alternatives_scroll, self.alternatives_layout = _scroll_list()
        self.alternatives_scroll.hide()
        self.result_label = QLabel("", objectName="result")
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        self.back_to_slots_button = QPushButton(translate("BookingDialog", "← 换个门店或时间"))
        self.back_to_slots_button.clicked.connect(lambda: self._go(self.STEP_STORE))
        self.confirm_button = QPushButton(translate("BookingDialog", "确认预约"), objectName="primary")
        self.confirm_button.clicked.connect(self.request_booking)
        self.another_button = QPushButton(translate("BookingDialog", "再约一位客户"))
        self.another_button.clicked.connect(self.reset)
        self.done_button = QPushButton(translate("BookingDialog", "完成"), objectName="primary")
        self.done_button.clicked.connect(self.accept)
        for b in (self.another_button, self.done_button):
            b.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_to_slots_button)
        buttons.addStretch(1)
        buttons.addWidget(self.another_button)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(12)
        self.confirm_title = QLabel(translate("BookingDialog", "请和客户核对"), objectName="sectionTitle")
        layout.addWidget(self.confirm_title)
        layout.addLayout(grid)
        layout.addWidget(self.taken_label)
        layout.addWidget(self.alternatives_scroll, 1)
        layout.addWidget(self.result_label)
        layout.addStretch(0)
        layout.addLayout(buttons)
        return page

    # --- public API -----------------------------------------------------------------------------------------------

    @property
    def pal(self) -> theme.Palette:
        return self._pal

    @property
    def step(self) -> int:
        return self.pages.currentIndex()

    @property
    def chosen_slot(self) -> SlotOffer | None:
        return self._slot

    @property
    def chosen_store(self) -> int | None:
        return self._chosen_store

    def preset(self, store_id: int | None = None, lat: float | None = None, lon: float | None = None) -> None:
        """Open for a store (the store edition: the service ranks that store first) and/or a customer position."""
        self._store_id, self._lat, self._lon = store_id, lat, lon
        self.preset_label.setText(
            translate("BookingDialog", "本店排在最前；也会列出附近能更快接车的门店。")
            if store_id is not None
            else ""
        )
        self.preset_label.setVisible(store_id is not None)

    def fill(
        self,
        plate: str = "",
        customer: str = "",
        phone: str = "",
        codes: Sequence[str] = (),
        day: date | None = None,
        time_from: time | None = None,
        time_to: time | None = None,
    ) -> None:
        """Fill step 1 (say, from a customer's call or a walk-in's record)."""
        self.plate_edit.setText(plate)
        self.name_edit.setText(customer)
        self.phone_edit.setText(phone)
        for code, check in self.service_checks.items():
            check.setChecked(code in codes)
        if day is not None:
            self.date_edit.setDate(QDate(day.year, day.month, day.day))
        for combo, t in ((self.from_combo, time_from), (self.to_combo, time_to)):
            if t is not None:
                i = combo.findData(t.hour * 60 + t.minute)
                if i >= 0:
                    combo.setCurrentIndex(i)

    def validate(self) -> dict | None:
        """Check step 1; show one sentence next to each wrong field. The request dict, or None."""
        plate = self.plate_edit.text().strip().upper().replace(" ", "")
        phone = self.phone_edit.text().strip().replace(" ", "").replace("-", "")
        codes = tuple(code for code, check in self.service_checks.items() if check.isChecked())
        m_from, m_to = int(self.from_combo.currentData()), int(self.to_combo.currentData())
        t_from, t_to = time(m_from // 60, m_from % 60), time(m_to // 60, m_to % 60)
        self._clear_error(self.plate_error, self.plate_edit)
        self._clear_error(self.phone_error, self.phone_edit)
        self._clear_error(self.service_error)
        self._clear_error(self.window_error)
        ok = True
        if not plate:
            ok = self._error(
                self.plate_error, translate("BookingDialog", "请填写车牌号，例如 京A12345。"), self.plate_edit
            )
        elif len(plate) < 5:
            ok = self._error(
                self.plate_error, translate("BookingDialog", "车牌号太短了，请核对一下。"), self.plate_edit
            )
        if phone and not (phone.isdigit() and 7 <= len(phone) <= 15):
            ok = self._error(
                self.phone_error,
                translate("BookingDialog", "手机号只能是数字，例如 13812345678。"),
                self.phone_edit,
            )
        if not codes:
            ok = self._error(self.service_error, translate("BookingDialog", "请至少选一个服务项目。"))
        if t_to <= t_from:
            ok = self._error(self.window_error, translate("BookingDialog", "“到”的时间要晚于“从”的时间。"))
        if not ok:
            return None
        qd = self.date_edit.date()
        day = date(qd.year(), qd.month(), qd.day())
        return {
            "plate": plate,
            "customer": self.name_edit.text().strip(),
            "phone": phone,
            "service_codes": codes,
            "date": day,
            "window_start": datetime.combine(day, t_from, self._tz),
            "window_end": datetime.combine(day, t_to, self._tz),
            "store_id": self._store_id,
            "lat": self._lat,
            "lon": self._lon,
        }

    @Slot()
    def request_recommendations(self) -> None:
        """推荐门店: check step 1 and ask for the stores."""
        self._hide_message()
        request = self.validate()
        if request is None:
            return
        self._request = request
        self.set_busy(True, translate("BookingDialog", "正在找合适的门店…"))
        self.sig_recommend_requested.emit(dict(request))

    @Slot(object)
    def show_recommendations(self, recommendations: Sequence[StoreRecommendation]) -> None:
        """Show the ranked stores (step 2). The best capable store is chosen at once and its slots asked for."""
        self.set_busy(False)
        _clear(self.stores_layout)
        _clear(self.slots_layout)
        self.store_cards, self.slot_buttons = [], []
        self._recs = {r.store_id: r for r in recommendations}
        self._chosen_store, self._slot = None, None
        for rec in recommendations:
            card = StoreCard(self, rec, own=rec.store_id == self._store_id)
            self.stores_layout.insertWidget(self.stores_layout.count() - 1, card)
            self.store_cards.append(card)
        capable = [r for r in recommendations if r.capable]
        if not recommendations:
            self.stores_hint.setText(
                translate("BookingDialog", "附近没有能做这些项目的门店。请换一天或换个时间段再试。")
            )
        elif not capable:
            self.stores_hint.setText(
                translate("BookingDialog", "这些门店都做不了所选的项目。请减少项目或换一天再试。")
            )
        else:
            self.stores_hint.setText(
                arg(
                    translate("BookingDialog", "共 %1 家门店能做，按综合得分排序。点选一家看可约时间。"),
                    len(capable),
                )
            )
        self.slots_title.setText(translate("BookingDialog", "可约时间"))
        self.slots_hint.setText(translate("BookingDialog", "先在左边选一家门店。"))
        self._go(self.STEP_STORE)
        if capable:
            self.choose_store(capable[0].store_id)

    def choose_store(self, store_id: int) -> None:
        """Mark a store as chosen and ask for its free slots on the wished day."""
        rec = self._recs.get(store_id)
        if rec is None or not rec.capable or self._request is None:
            return
        self._chosen_store = store_id
        for card in self.store_cards:
            card.set_chosen(card.rec.store_id == store_id)
        _clear(self.slots_layout)
        self.slot_buttons = []
        self.slots_title.setText(arg(translate("BookingDialog", "可约时间 · %1"), self._store_name(store_id)))
        self.slots_hint.setText(translate("BookingDialog", "正在查这家店的空位…"))
        self.set_busy(True, translate("BookingDialog", "正在查空位…"))
        self.sig_slots_requested.emit(store_id, tuple(self._request["service_codes"]), self._request["date"])

    @Slot(object)
    def show_slots(self, slots: Sequence[SlotOffer]) -> None:
        """Show the chosen store's free slots as big buttons; clicking one goes to the confirmation."""
        self.set_busy(False)
        _clear(self.slots_layout)
        self.slot_buttons = []
        for slot in slots:
            button = SlotButton(slot, self._pal)
            button.clicked.connect(lambda _=False, s=slot: self.choose_slot(s))
            self.slots_layout.insertWidget(self.slots_layout.count() - 1, button)
            self.slot_buttons.append(button)
        if self._request is not None and slots:
            self.slots_hint.setText(
                arg(
                    translate("BookingDialog", "%1 有 %2 个空位。点一个时间。"),
                    day_text(self._request["date"]),
                    len(slots),
                )
            )
        else:
            self.slots_hint.setText(
                translate("BookingDialog", "这家店在这个时间段没有空位。请换一家门店或换一个时间段。")
            )

    def choose_slot(self, slot: SlotOffer) -> None:
        """Pick a slot: show the confirmation step with everything to read back to the customer."""
        self._slot = slot
        for button in self.slot_buttons:
            button.setProperty("chosen", "true" if button.slot is slot else "false")
            _repolish(button)
        self._fill_summary()
        self.taken_label.hide()
        self.alternatives_scroll.hide()
        self.result_label.hide()
        self.confirm_button.show()
        self.confirm_button.setEnabled(True)
        self.back_to_slots_button.show()
        self.done_button.hide()
        self.another_button.hide()
        self._go(self.STEP_CONFIRM)

    @Slot()
    def request_booking(self) -> None:
        """确认预约: ask to book the chosen slot."""
        if self._slot is None or self._request is None:
            self.show_error(translate("BookingDialog", "请先选一个时间。"))
            return
        self._hide_message()
        slot = self._slot
        self.set_busy(True, translate("BookingDialog", "正在预约…"))
        self.sig_book_requested.emit(
            {
                "slot": slot,
                "store_id": slot.store_id,
                "start": slot.start,
                "end": slot.end,
                "bay_id": slot.bay_id,
                "technician_id": slot.technician_id,
                "list_price": slot.list_price,
                "price": slot.price,
                "discount_pct": slot.discount_pct,
                "pricing_rule": slot.pricing_rule,
                "plate": self._request["plate"],
                "customer": self._request["customer"],
                "phone": self._request["phone"],
                "service_codes": tuple(self._request["service_codes"]),
            }
        )

    @Slot(object)
    def show_booked(self, confirmation: BookingConfirmation) -> None:
        """The booking is made: say so in one sentence; the dialog can be closed or used for the next customer."""
        self.set_busy(False)
        self._booked = confirmation
        c, tz = confirmation, self._tz
        start = c.start.astimezone(tz) if c.start.tzinfo is not None else c.start
        end = c.end.astimezone(tz) if c.end.tzinfo is not None else c.end
        self.summary_values["store"].setText(self._store_name(c.store_id))
        self.summary_values["time"].setText(f"{day_text(start.date())}  {hm(start)}–{hm(end)}")
        self.summary_values["price"].setText(self._price_rich(c.list_price, c.price, c.discount_pct))
        self.confirm_title.setText(translate("BookingDialog", "预约成功"))
        self.result_label.setText(self.booked_sentence(confirmation))
        self.result_label.show()
        self.taken_label.hide()
        self.alternatives_scroll.hide()
        self.confirm_button.hide()
        self.back_to_slots_button.hide()
        self.another_button.show()
        self.done_button.show()
        self._go(self.STEP_CONFIRM)
        self.done_button.setFocus()

    def booked_sentence(self, c: BookingConfirmation) -> str:
        """'已预约：京A12345 小保养，北京望京店 11月3日 周二 10:30，¥357（低峰 85 折）。预约号 1234。'"""
        request = self._request or {}
        what = " ".join(
            p for p in (request.get("plate", ""), services_text(request.get("service_codes", ()))) if p
        )
        start = c.start.astimezone(self._tz) if c.start.tzinfo is not None else c.start
        return arg(
            translate("BookingDialog", "已预约：%1，%2 %3 %4，%5。预约号 %6。"),
            what,
            self._store_name(c.store_id),
            day_text(start.date()),
            hm(start),
            price_text(c.price, c.discount_pct),
            c.booking_id,
        )

    @Slot(str, object)
    def show_slot_taken(self, message: str, alternatives: Sequence[SlotOffer]) -> None:
        """Someone else booked that slot a moment ago: say so plainly and offer the next free slots; clicking
        one books it at once (sig_book_requested again)."""
        self.set_busy(False)
        self._go(self.STEP_CONFIRM)
        lost = hm(self._slot.start) if self._slot is not None else ""
        text = arg(translate("BookingDialog", "%1 这个时间刚被别的顾问约走了，没有预约成功。"), lost)
        if alternatives:
            text += " " + translate("BookingDialog", "点下面任一个时间，马上为客户改约：")
        else:
            text += " " + translate("BookingDialog", "这家店这天没有别的空位了，请换一家门店。")
        self.taken_label.setText(text)
        self.taken_label.setToolTip(message)
        self.taken_label.show()
        _clear(self.alternatives_layout)
        self.alternative_buttons = []
        for slot in alternatives:
            button = SlotButton(slot, self._pal)
            button.clicked.connect(lambda _=False, s=slot: self.book_alternative(s))
            self.alternatives_layout.insertWidget(self.alternatives_layout.count() - 1, button)
            self.alternative_buttons.append(button)
        self.alternatives_scroll.setVisible(bool(alternatives))
        self.confirm_button.hide()
        self.result_label.hide()
        self.back_to_slots_button.show()
        # The lost slot is gone from the store's list behind the back button too.
        for button in [b for b in self.slot_buttons if b.slot == self._slot]:
            self.slot_buttons.remove(button)
            self.slots_layout.removeWidget(button)
            button.deleteLater()

    def book_alternative(self, slot: SlotOffer) -> None:
        """Book one of the alternatives offered after a slot was taken."""
        self._slot = slot
        self._fill_summary()
        self.request_booking()

    @Slot(str)
    def show_error(self, message: str) -> None:
        """Something went wrong: one sentence at the top; the buttons work again."""
        self.set_busy(False)
        self._show_message(message, "bad")

    @Slot(bool, str)
    def set_busy(self, busy: bool, text: str = "") -> None:
        """Show progress with `text` and disable every button while the presenter works; False restores."""
        self.pages.setEnabled(not busy)
        self.busy_label.setText(text)
        self.busy_label.setVisible(busy and bool(text))
        self.progress.setVisible(busy)

    @property
    def busy(self) -> bool:
        return not self.pages.isEnabled()

    @Slot()
    def reset(self) -> None:
        """Start again for the next customer (the preset store stays)."""
        self.fill()
        self._request, self._slot, self._booked, self._chosen_store = None, None, None, None
        self._recs = {}
        _clear(self.stores_layout)
        _clear(self.slots_layout)
        _clear(self.alternatives_layout)
        self.store_cards, self.slot_buttons, self.alternative_buttons = [], [], []
        for label in (self.plate_error, self.phone_error, self.service_error, self.window_error):
            label.hide()
        self._hide_message()
        self.set_busy(False)
        self._go(self.STEP_CUSTOMER)
        self.plate_edit.setFocus()

    def field_errors(self) -> dict[str, str]:
        """The sentences shown next to the fields of step 1 (field → sentence), for tests and screen readers."""
        return {
            name: label.text()
            for name, label in (
                ("plate", self.plate_error),
                ("phone", self.phone_error),
                ("services", self.service_error),
                ("window", self.window_error),
            )
            if not label.isHidden()
        }

    @property
    def message(self) -> str:
        return self.message_label.text() if not self.message_label.isHidden() else ""

    # --- internals ------------------------------------------------------------------------------------------------

    def _show_weekday(self) -> None:
        qd = self.date_edit.date()
        d = date(qd.year(), qd.month(), qd.day())
        self.weekday_label.setText(day_text(d))

    def _go(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        for n, label in enumerate(self.step_labels):
            label.setProperty("current", "true" if n == step else "false")
            _repolish(label)
        if step != self.STEP_CONFIRM:
            self.taken_label.hide()

    def _store_name(self, store_id: int) -> str:
        rec = self._recs.get(store_id)
        if rec is None:
            return arg(translate("BookingDialog", "门店 #%1"), store_id)
        return (rec.name_en or rec.name_zh) if english() else rec.name_zh

    def _fill_summary(self) -> None:
        slot, request = self._slot, self._request or {}
        if slot is None:
            return
        start = slot.start.astimezone(self._tz) if slot.start.tzinfo is not None else slot.start
        end = slot.end.astimezone(self._tz) if slot.end.tzinfo is not None else slot.end
        customer = " ".join(p for p in (request.get("customer", ""), request.get("phone", "")) if p)
        values = {
            "plate": request.get("plate", ""),
            "customer": customer or translate("BookingDialog", "（未填）"),
            "services": services_text(request.get("service_codes", ())),
            "store": self._store_name(slot.store_id),
            "time": f"{day_text(start.date())}  {hm(start)}–{hm(end)}",
            "price": self._price_rich(slot.list_price, slot.price, slot.discount_pct),
        }
        self.confirm_title.setText(translate("BookingDialog", "请和客户核对"))
        for key, value in values.items():
            self.summary_values[key].setText(value)
        self.confirm_button.setText(arg(translate("BookingDialog", "确认预约 %1"), hm(start)))

    def _price_rich(self, list_price: float, price: float, discount_pct: float) -> str:
        badge = discount_badge(discount_pct)
        return price_html(list_price, price, discount_pct, self._pal) + (
            f"&nbsp;&nbsp;<span style='color:{self._pal.good}'>{badge}</span>" if badge else ""
        )

    def _error(self, label: QLabel, text: str, edit: QLineEdit | None = None) -> bool:
        label.setText(text)
        label.show()
        if edit is not None:
            edit.setProperty("invalid", "true")
            _repolish(edit)
        return False

    def _clear_error(self, label: QLabel, edit: QLineEdit | None = None) -> None:
        label.hide()
        if edit is not None and edit.property("invalid") == "true":
            edit.setProperty("invalid", "false")
            _repolish(edit)

    def _show_message(self, text: str, tone: str) -> None:
        self.message_label.setText(text)
        self.message_label.setProperty("tone", tone)
        _repolish(self.message_label)
        self.message_label.show()

    def _hide_message(self) -> None:
        self.message_label.hide()
        self.message_label.setText("")


__all__ = [
    "BookingDialog",
    "SlotButton",
    "StoreCard",
    "day_text",
    "discount_badge",
    "price_text",
    "service_name",
    "zhe",
]
