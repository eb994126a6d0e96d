"""HQ's editor of the off-peak pricing rules: a table of rules (name, load threshold, discount, weekdays, hours,
active), checked with the service's own validation, saved as one intent; and a small "what would a slot get" preview."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from services.booking.pricing import MAX_DISCOUNT_PCT, discount_for, discounted, validate
from services.model import PricingRule
from widgets import theme
from widgets.booking_dialog import zhe
from widgets.i18n import arg, english
from widgets.store_panels import BODY_PX, SMALL_PX, TITLE_PX, mix, panel_css

translate = QCoreApplication.translate
_CTX = "PricingEditor"  # the translation context (a name, so lupdate does not take it for a source text)

WEEKDAY_SHORT = (
    QT_TRANSLATE_NOOP("PricingEditor", "一"),
    QT_TRANSLATE_NOOP("PricingEditor", "二"),
    QT_TRANSLATE_NOOP("PricingEditor", "三"),
    QT_TRANSLATE_NOOP("PricingEditor", "四"),
    QT_TRANSLATE_NOOP("PricingEditor", "五"),
    QT_TRANSLATE_NOOP("PricingEditor", "六"),
    QT_TRANSLATE_NOOP("PricingEditor", "日"),
)
WEEKDAY_LONG = (
    QT_TRANSLATE_NOOP("PricingEditor", "周一"),
    QT_TRANSLATE_NOOP("PricingEditor", "周二"),
    QT_TRANSLATE_NOOP("PricingEditor", "周三"),
    QT_TRANSLATE_NOOP("PricingEditor", "周四"),
    QT_TRANSLATE_NOOP("PricingEditor", "周五"),
    QT_TRANSLATE_NOOP("PricingEditor", "周六"),
    QT_TRANSLATE_NOOP("PricingEditor", "周日"),
)
COLUMNS = (
    QT_TRANSLATE_NOOP("PricingEditor", "规则名称"),
    QT_TRANSLATE_NOOP("PricingEditor", "负载低于"),
    QT_TRANSLATE_NOOP("PricingEditor", "折扣"),
    QT_TRANSLATE_NOOP("PricingEditor", "星期"),
    QT_TRANSLATE_NOOP("PricingEditor", "从"),
    QT_TRANSLATE_NOOP("PricingEditor", "到"),
    QT_TRANSLATE_NOOP("PricingEditor", "启用"),
    "",
)
NAME, LOAD, DISCOUNT, WEEKDAYS, HOUR_FROM, HOUR_TO, ACTIVE, REMOVE = range(8)
COLUMN_WIDTHS = (230, 118, 118, 300, 96, 96, 70, 96)
PREVIEW_LIST_PRICE = 420.0  # a minor service's price, to show what a discount means in yuan

# services.booking.pricing.validate speaks English (services/ has no Qt): its known sentences, said in Chinese
# and translated at use. An unknown sentence is shown as it comes.
_VALIDATION_ZH = {
    "A pricing rule needs a name.": QT_TRANSLATE_NOOP("PricingEditor", "规则要有一个名称。"),
    "The load threshold must be between 1 % and 100 %.": QT_TRANSLATE_NOOP(
        "PricingEditor", "“负载低于”要在 1% 到 100% 之间。"
    ),
    f"The discount must be between 1 % and {MAX_DISCOUNT_PCT:.0f} %.": QT_TRANSLATE_NOOP(
        "PricingEditor", "折扣要在 1% 到 %1% 之间。"
    ),
    "The hours must run forward within the day (from 0 to 24).": QT_TRANSLATE_NOOP(
        "PricingEditor", "时段要在一天之内，“到”晚于“从”（0 到 24 点）。"
    ),
    "Pick at least one weekday.": QT_TRANSLATE_NOOP("PricingEditor", "至少选一个星期几。"),
}


def _tr(text: str) -> str:
    return translate(_CTX, text)


def validation_text(sentence: str) -> str:
    """The service's validation sentence in the current language."""
    zh = _VALIDATION_ZH.get(sentence)
    return arg(_tr(zh), f"{MAX_DISCOUNT_PCT:.0f}") if zh else sentence


def weekdays_text(days: Sequence[int]) -> str:
    """(0, 1, 2, 3, 4) → '周一至周五'; every day → '每天'; otherwise '周二、周四'."""
    days = sorted(set(days))
    if days == list(range(7)):
        return translate("PricingEditor", "每天")
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return arg(
            translate("PricingEditor", "%1至%2"), _tr(WEEKDAY_LONG[days[0]]), _tr(WEEKDAY_LONG[days[-1]])
        )
    return (", " if english() else "、").join(_tr(WEEKDAY_LONG[d]) for d in days)


def _css(pal: theme.Palette) -> str:
    return (
        panel_css(pal)
        + f"""
    QLabel {{ font-size: {BODY_PX}px; }}
    QLabel#panelTitle {{ font-size: {TITLE_PX}px; }}
    QLabel#caption {{ font-size: {SMALL_PX + 1}px; }}
    QLabel#notice {{ color: {pal.text}; background: {pal.surface_alt}; border: 1px solid {pal.border};
        border-radius: 8px; padding: 8px 12px; }}
    QLabel#status[tone="good"] {{ color: {pal.good}; font-weight: 700; }}
    QLabel#status[tone="bad"] {{ color: {pal.bad}; font-weight: 700; }}
    QLabel#status[tone="info"] {{ color: {pal.text_dim}; }}
    QLabel#preview {{ font-size: {BODY_PX + 1}px; font-weight: 700; }}
    QTableWidget {{ font-size: {BODY_PX}px; }}
    QTableWidget::item {{ padding: 0; }}
    QHeaderView::section {{ color: {pal.text}; background: {pal.surface_alt}; border: none;
        border-bottom: 1px solid {pal.border}; padding: 6px 8px; font-size: {BODY_PX - 1}px; font-weight: 700; }}
    QLineEdit, QComboBox {{ color: {pal.text}; background: {pal.surface};
        border: 1px solid {pal.border}; border-radius: 6px; padding: 2px 6px; font-size: {BODY_PX}px;
        min-height: 34px; }}
    QLineEdit:disabled {{ color: {pal.text}; background: {pal.surface_alt}; border-color: {pal.surface_alt}; }}
    QSpinBox, QDoubleSpinBox {{ font-size: {BODY_PX}px; }}
    QLineEdit[invalid="true"] {{ border: 2px solid {pal.bad}; }}
    QPushButton {{ color: {pal.text}; background: {pal.surface}; border: 1px solid {pal.border}; border-radius: 8px;
        padding: 4px 16px; font-size: {BODY_PX}px; min-height: 38px; }}
    QPushButton:hover {{ border-color: {pal.accent}; }}
    QPushButton#primary {{ color: {pal.button_text}; background: {pal.button}; border: none; font-weight: 700;
        min-height: 44px; padding: 4px 28px; }}
    QPushButton#primary:disabled {{ color: {pal.text_dim}; background: {pal.surface_alt}; }}
    QPushButton#day {{ min-width: 30px; max-width: 30px; min-height: 32px; padding: 0; border-radius: 6px;
        color: {pal.text_dim}; font-size: {BODY_PX - 2}px; }}
    QPushButton#day:checked {{ color: {pal.button_text}; background: {pal.accent}; border-color: {pal.accent};
        font-weight: 700; }}
    QPushButton#day:disabled {{ color: {pal.text_dim}; background: {pal.surface_alt}; border-color: {pal.surface_alt}; }}
    QPushButton#day:checked:disabled {{ color: {pal.text}; background: {mix(pal.surface, pal.accent, 0.3).name()}; }}
    QCheckBox::indicator {{ width: 24px; height: 24px; }}
    """
    )


class WeekdayPicker(QWidget):
    """Seven toggle buttons 一 … 日 (Monday first)."""

    def __init__(self, days: Sequence[int], on_change, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: list[QPushButton] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 0, 6, 0)
        row.setSpacing(4)
        for d in range(7):
            b = QPushButton(_tr(WEEKDAY_SHORT[d]), objectName="day")
            b.setCheckable(True)
            b.setChecked(d in days)
            b.setToolTip(_tr(WEEKDAY_LONG[d]))
            b.toggled.connect(on_change)
            row.addWidget(b)
            self.buttons.append(b)
        row.addStretch(1)

    def days(self) -> tuple[int, ...]:
        return tuple(d for d, b in enumerate(self.buttons) if b.isChecked())


class _RuleRow:
    """The editors of one table row."""

    def __init__(self, editor: PricingEditor, rule: PricingRule) -> None:
        self.rule_id = rule.id
        changed = editor._changed
        self.name = QLineEdit(rule.name)
        self.name.setPlaceholderText(translate("PricingEditor", "例如 工作日上午低峰"))
        self.name.textEdited.connect(changed)
        self.load = QSpinBox()
        self.load.setRange(0, 100)
        self.load.setSuffix(" %")
        self.load.setValue(round(rule.load_below * 100))
        self.load.setToolTip(translate("PricingEditor", "预计负载低于这个比例的时段才打折"))
        self.discount = QDoubleSpinBox()
        self.discount.setRange(0.0, 100.0)
        self.discount.setDecimals(1)
        self.discount.setSingleStep(1.0)
        self.discount.setSuffix(" %")
        self.discount.setValue(rule.discount_pct)
        self.discount.setToolTip(translate("PricingEditor", "减免的百分比：15% 即 85 折"))
        self.weekdays = WeekdayPicker(rule.weekdays, changed)
        self.hour_from, self.hour_to = QSpinBox(), QSpinBox()
        for spin, value in ((self.hour_from, rule.hour_from), (self.hour_to, rule.hour_to)):
            spin.setRange(0, 24)
            spin.setSuffix(translate("PricingEditor", " 点"))
            spin.setValue(value)
            spin.valueChanged.connect(changed)
        self.load.valueChanged.connect(changed)
        self.discount.valueChanged.connect(changed)
        self.active = QCheckBox()
        self.active.setChecked(rule.active)
        self.active.toggled.connect(changed)
        self.active_box = QWidget()
        box = QHBoxLayout(self.active_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.active, 0, Qt.AlignmentFlag.AlignCenter)
        self.remove = QPushButton(translate("PricingEditor", "删除"))
        self.remove.setToolTip(translate("PricingEditor", "删除这条规则（保存后生效）"))
        self.remove.clicked.connect(lambda: editor.remove_row(editor.row_of(self)))

    def widgets(self) -> tuple[QWidget, ...]:
        return (
            self.name,
            self.load,
            self.discount,
            self.weekdays,
            self.hour_from,
            self.hour_to,
            self.active_box,
            self.remove,
        )

    def rule(self) -> PricingRule:
        return PricingRule(
            self.rule_id,
            self.name.text().strip(),
            self.load.value() / 100.0,
            self.discount.value(),
            self.weekdays.days(),
            self.hour_from.value(),
            self.hour_to.value(),
            self.active.isChecked(),
        )

    def set_editable(self, editable: bool) -> None:
        # Read-only rather than disabled: a disabled field greys its text out, and the rules must stay readable.
        self.name.setReadOnly(not editable)
        symbols = (
            QAbstractSpinBox.ButtonSymbols.UpDownArrows
            if editable
            else QAbstractSpinBox.ButtonSymbols.NoButtons
        )
        for spin in (self.load, self.discount, self.hour_from, self.hour_to):
            spin.setReadOnly(not editable)
            spin.setButtonSymbols(symbols)
        self.active.setEnabled(editable)
        for b in self.weekdays.buttons:
            b.setEnabled(editable)
        self.remove.setVisible(editable)

    def set_invalid(self, invalid: bool) -> None:
        self.name.setProperty("invalid", "true" if invalid else "false")
        self.name.style().unpolish(self.name)
        self.name.style().polish(self.name)


class PricingEditor(QWidget):
    """The off-peak rules HQ sets: a slot whose predicted load is below a rule's threshold, on its weekdays and
    hours, gets its discount (the largest applicable wins). Other users see the rules read-only, with why.

    Signals: sig_save_requested(tuple[PricingRule, ...]) — every rule as edited (new ones with id None; a rule
    left out was deleted). Answer with show_saved(text) or show_error(text).
    """

    sig_save_requested = Signal(object)

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFont(theme.font(self, BODY_PX))
        self._pal = theme.palette(theme_name)
        self._rows: list[_RuleRow] = []
        self._editable = False
        self._dirty = False
        self._loading = False

        title = QLabel(translate("PricingEditor", "低峰优惠规则"), objectName="panelTitle")
        title_en = QLabel("Off-peak pricing rules", objectName="panelTitleEn")
        title_en.setVisible(not english())
        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(title, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(title_en, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addStretch(1)
        self.explain_label = QLabel(
            translate("PricingEditor", "预计负载低于门槛的时段自动打折，几条都适用时取折扣最大的一条。"),
            objectName="caption",
        )
        self.explain_label.setWordWrap(True)
        self.notice_label = QLabel(
            translate("PricingEditor", "只有总部可以修改优惠规则；这里只能查看。"), objectName="notice"
        )
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_tr(c) if c else "" for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(54)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        head = self.table.horizontalHeader()
        head.setMinimumHeight(40)
        for c, width in enumerate(COLUMN_WIDTHS):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(c, width)
        head.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(sum(COLUMN_WIDTHS) + 4)

        self.add_button = QPushButton(translate("PricingEditor", "＋ 添加规则"))
        self.add_button.clicked.connect(self.add_rule)
        self.save_button = QPushButton(translate("PricingEditor", "保存"), objectName="primary")
        self.save_button.clicked.connect(self.save)
        self.status_label = QLabel("", objectName="status")
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.save_button)

        # The preview: what a slot of a given load, weekday and hour gets under the rules as they stand.
        self.preview_load = QSpinBox()
        self.preview_load.setRange(0, 100)
        self.preview_load.setSuffix(" %")
        self.preview_load.setValue(30)
        self.preview_day = QComboBox()
        for d in range(7):
            self.preview_day.addItem(_tr(WEEKDAY_LONG[d]), d)
        self.preview_day.setCurrentIndex(1)
        self.preview_hour = QSpinBox()
        self.preview_hour.setRange(0, 23)
        self.preview_hour.setSuffix(translate("PricingEditor", " 点"))
        self.preview_hour.setValue(10)
        for w in (self.preview_load, self.preview_hour):
            w.valueChanged.connect(self.update_preview)
        self.preview_day.currentIndexChanged.connect(self.update_preview)
        self.preview_label = QLabel("", objectName="preview")
        preview = QHBoxLayout()
        preview.setSpacing(8)
        preview.addWidget(QLabel(translate("PricingEditor", "试算：负载")))
        preview.addWidget(self.preview_load)
        preview.addWidget(QLabel(translate("PricingEditor", "的")))
        preview.addWidget(self.preview_day)
        preview.addWidget(self.preview_hour)
        preview.addWidget(QLabel("→"))
        preview.addWidget(self.preview_label, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.explain_label)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(preview)
        self.setStyleSheet(_css(self._pal))
        self.set_rules((), editable=False)

    # --- public API -----------------------------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        return self._editable

    @property
    def dirty(self) -> bool:
        """True when there are edits not yet saved."""
        return self._dirty

    @Slot(object, bool)
    def set_rules(self, rules: Sequence[PricingRule], editable: bool) -> None:
        """Show `rules`; `editable` only for HQ (others see them read-only, with a sentence saying why)."""
        self._loading = True
        self._rows = []
        self.table.setRowCount(0)
        for rule in rules:
            self._append(rule)
        self._loading = False
        self._editable = editable
        for row in self._rows:
            row.set_editable(editable)
        self.notice_label.setVisible(not editable)
        self.add_button.setVisible(editable)
        self.save_button.setVisible(editable)
        self.table.setColumnHidden(REMOVE, not editable)
        self._set_dirty(False)
        self._status("", "info")
        self.update_preview()

    def rules(self) -> tuple[PricingRule, ...]:
        """The rules as they stand in the table (edited or not)."""
        return tuple(row.rule() for row in self._rows)

    @Slot()
    def add_rule(self) -> None:
        """A new row with sensible values (HQ only)."""
        if not self._editable:
            self._refuse()
            return
        self._append(PricingRule(None, "", 0.5, 10.0))
        self._rows[-1].name.setFocus()
        self._changed()

    def remove_row(self, n: int) -> None:
        """Delete rule row `n` (HQ only; takes effect on save)."""
        if not self._editable:
            self._refuse()
            return
        if 0 <= n < len(self._rows):
            self._rows.pop(n)
            self.table.removeRow(n)
            self._changed()

    def row_of(self, row: _RuleRow) -> int:
        return self._rows.index(row)

    def row_editors(self, n: int) -> _RuleRow:
        return self._rows[n]

    @Slot()
    def save(self) -> None:
        """保存: check every rule (one sentence for the first wrong one) and ask to save them all."""
        if not self._editable:
            self._refuse()
            return
        rules = self.rules()
        for row in self._rows:
            row.set_invalid(False)
        for n, rule in enumerate(rules):
            problem = validate(rule)
            if problem is not None:
                self._rows[n].set_invalid(True)
                self._status(
                    arg(translate("PricingEditor", "第 %1 条规则：%2"), n + 1, validation_text(problem)),
                    "bad",
                )
                return
        names = [r.name for r in rules]
        duplicate = next((name for name in names if names.count(name) > 1), None)
        if duplicate is not None:
            self._status(
                arg(translate("PricingEditor", "有两条规则都叫“%1”，请改一个名字。"), duplicate), "bad"
            )
            return
        self._status(translate("PricingEditor", "正在保存…"), "info")
        self.save_button.setEnabled(False)
        self.sig_save_requested.emit(rules)

    @Slot(str)
    def show_saved(self, text: str) -> None:
        self._set_dirty(False)
        self._status(text, "good")

    @Slot(str)
    def show_error(self, text: str) -> None:
        self.save_button.setEnabled(True)
        self._status(text, "bad")

    @property
    def status_text(self) -> str:
        return self.status_label.text()

    @Slot()
    def update_preview(self) -> None:
        """'负载 30% 的周二 10 点 → 85 折（低峰时段 8 折半），¥420 → ¥357' from the rules as they stand."""
        valid = [r for r in self.rules() if validate(r) is None]
        load = self.preview_load.value() / 100.0
        day = int(self.preview_day.currentData())
        hour = self.preview_hour.value()
        pct, rule = discount_for(valid, load, day, hour)
        if rule is None:
            text = translate("PricingEditor", "不打折")
        else:
            text = arg(
                translate("PricingEditor", "%1 折（%2），¥%3 → ¥%4"),
                zhe(pct),
                rule.name,
                f"{PREVIEW_LIST_PRICE:,.0f}",
                f"{discounted(PREVIEW_LIST_PRICE, pct):,.0f}",
                f"{pct:g}",
            )
        self.preview_label.setText(text)

    @property
    def preview_text(self) -> str:
        return self.preview_label.text()

    @Slot(str)
    def set_theme(self, name: str) -> None:
        self._pal = theme.palette(name)
        self.setStyleSheet(_css(self._pal))

    # --- internals ------------------------------------------------------------------------------------------------

    def _append(self, rule: PricingRule) -> None:
        row = _RuleRow(self, rule)
        n = self.table.rowCount()
        self.table.insertRow(n)
        for c, w in enumerate(row.widgets()):
            self.table.setCellWidget(n, c, w)
        row.set_editable(self._editable)
        self._rows.append(row)

    def _changed(self, *_: object) -> None:
        if self._loading:
            return
        if not self._editable:
            return
        self._set_dirty(True)
        self._status(translate("PricingEditor", "有修改还没保存。"), "info")
        self.update_preview()

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self.save_button.setEnabled(dirty)

    def _refuse(self) -> None:
        self._status(translate("PricingEditor", "只有总部可以修改优惠规则。"), "bad")

    def _status(self, text: str, tone: str) -> None:
        self.status_label.setText(text)
        self.status_label.setProperty("tone", tone)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)
