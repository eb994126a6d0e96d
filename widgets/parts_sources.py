"""Where to get a missing part: for a shortage (part, needed, on hand) the nearby stores that have it — distance,
quantity, what they can spare and for how long — each with one 申请调拨 button."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from services.model import PartsSource
from widgets.i18n import arg
from widgets.inbox import RequestCardsPanel
from widgets.tech_recommend import reason_text

translate = QCoreApplication.translate
_CTX = "PartsSources"  # the translation context (a name, so lupdate does not take it for a source text)


def _tr(text: str) -> str:
    return translate(_CTX, text)


def days_text(days: float) -> str:
    """How long a store can do without what it gives: '3 天', '半天', '1.5 天'; 30+ → '一个月以上'."""
    if days >= 30:
        return translate("PartsSources", "一个月以上")
    if days < 1:
        return translate("PartsSources", "不到 1 天") if days < 0.5 else translate("PartsSources", "半天")
    return arg(translate("PartsSources", "%1 天"), f"{days:.1f}".rstrip("0").rstrip("."))


class SourceCard(QFrame):
    """One store that has the part: name, distance, stock, what it can spare and for how long; qty and 申请调拨."""

    def __init__(self, owner: PartsSourcesWidget, source: PartsSource, short: int) -> None:
        super().__init__()
        self.setObjectName("card")
        self.source = source
        can = source.can_spare > 0
        self.setProperty("active", "true" if can else "false")
        self.name_label = QLabel(source.store_name, objectName="big")
        self.facts_label = QLabel(self.facts(source), objectName="strong")
        self.facts_label.setWordWrap(True)
        self.spare_label = QLabel(
            arg(translate("PartsSources", "可以调出 %1 件，调出后能撑 %2"), source.can_spare, days_text(source.spare_days))
            if can else translate("PartsSources", "这家店自己也要用，调不出来"),
            objectName="dim" if can else "fieldError",
        )
        self.spare_label.setWordWrap(True)
        self.reason_labels = [QLabel("· " + reason_text(r), objectName="caption") for r in source.reasons]
        for label in self.reason_labels:
            label.setWordWrap(True)
        self.qty_spin = QSpinBox()
        self.qty_spin.setRange(1 if can else 0, max(1, source.can_spare))
        self.qty_spin.setValue(max(1, min(short, source.can_spare)) if can else 0)
        self.qty_spin.setSuffix(translate("PartsSources", " 件"))
        self.qty_spin.setMinimumWidth(96)
        self.qty_spin.setEnabled(can)
        self.request_button = QPushButton(translate("PartsSources", "申请调拨"), objectName="primary")
        self.request_button.setEnabled(can)
        self.request_button.setToolTip(arg(translate("PartsSources", "向 %1 申请调拨，审批后库存自动转过来"), source.store_name))
        self.request_button.clicked.connect(lambda: owner.request(source.store_id, self.qty_spin.value()))

        text = QVBoxLayout()
        text.setSpacing(3)
        text.addWidget(self.name_label)
        text.addWidget(self.facts_label)
        text.addWidget(self.spare_label)
        for label in self.reason_labels:
            text.addWidget(label)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        row.setSpacing(12)
        row.addLayout(text, 1)
        row.addWidget(self.qty_spin, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.request_button, 0, Qt.AlignmentFlag.AlignVCenter)

    @staticmethod
    def facts(s: PartsSource) -> str:
        return " · ".join([arg(translate("PartsSources", "%1 公里"), f"{s.distance_km:.1f}"), arg(translate("PartsSources", "有货 %1 件"), s.on_hand)])


class PartsSourcesWidget(RequestCardsPanel):
    """The nearby stores that have a part this store lacks, nearest useful first, one click to ask for it.

    Signals: sig_request_requested(int store_id, str part_code, int qty) — ask that store for `qty` of the part.
    Answer with show_requested(text) or show_error(text).
    """

    sig_request_requested = Signal(int, str, int)

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(translate("PartsSources", "附近有货的门店"), "Nearby stores with the part",
                         translate("PartsSources", "选一个缺的配件，这里列出附近有货的门店。"), theme_name, parent)
        self.shortage_label, self.need_label = self.headline, self.detail
        self._part_code = ""
        self._short = 0

    @Slot(str, str, int, int, object)
    def set_shortage(self, part_code: str, part_name: str, needed: int, on_hand: int,
                     sources: Sequence[PartsSource]) -> None:
        """The part short at this store (`needed` for the work booked, `on_hand` in stock) and the stores that
        have it, in the order given (the service ranks them)."""
        self._clear_cards()
        self._part_code = part_code
        self._short = max(0, needed - on_hand)
        self.shortage_label.setText(arg(translate("PartsSources", "缺件：%1（%2）"), part_name, part_code))
        self.need_label.setText(
            arg(translate("PartsSources", "需要 %1 件，店里有 %2 件，还差 %3 件。"), needed, on_hand, self._short))
        if not sources:
            self.empty_label.setText(translate("PartsSources", "附近门店都没有多余的这个配件。可以找配件中心订货。"))
        self.empty_label.setVisible(not sources)
        for source in sources:
            self._add_card(SourceCard(self, source, max(1, self._short)))

    def request(self, store_id: int, qty: int) -> None:
        """申请调拨 from `store_id` (what the card's button does)."""
        card = next((c for c in self.cards if c.source.store_id == store_id), None)
        if card is None or qty <= 0 or qty > card.source.can_spare:
            return
        self._begin_request(arg(translate("PartsSources", "正在向 %1 申请 %2 件…"), card.source.store_name, qty))
        self.sig_request_requested.emit(store_id, self._part_code, qty)

    def _can_request(self, card: QWidget) -> bool:
        return card.source.can_spare > 0


__all__ = ["PartsSourcesWidget", "SourceCard", "days_text"]
