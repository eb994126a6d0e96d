"""Emergency help for an overloaded store (应急支援): technicians with the needed skills from nearby under-loaded
stores for given days, with the expected waiting-time reduction here and the cost at the sender; 申请支援 asks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.model import Proposal
from widgets.i18n import arg, english
from widgets.inbox import ImpactBars, RequestCardsPanel

translate = QCoreApplication.translate
_CTX = "LoanProposals"  # the translation context (a name, so lupdate does not take it for a source text)

LOAN_METRICS = (
    ("wait_saved_min", QT_TRANSLATE_NOOP("LoanProposals", "本店顾客少等"), "minutes", "good"),
    ("cost_yuan", QT_TRANSLATE_NOOP("LoanProposals", "派出店的代价"), "yuan", "bad"),
    ("sender_wait_added_min", QT_TRANSLATE_NOOP("LoanProposals", "派出店顾客多等"), "minutes", "bad"),
)


def _tr(text: str) -> str:
    return translate(_CTX, text)


def day_range_text(first: date | None, last: date | None) -> str:
    """'12月3日–12月5日（3 天）', '12月3日（1 天）'."""
    if first is None:
        return ""
    last = last or first
    days = (last - first).days + 1

    def d(x: date) -> str:
        return arg(translate("LoanProposals", "%1月%2日"), x.month, x.day, x.strftime("%b"))

    span = d(first) if last == first else f"{d(first)}–{d(last)}"
    return arg(translate("LoanProposals", "%1（%2 天）"), span, days)


class ProposalCard(QFrame):
    """One technician who could come: name and skills, from which store, which days, the effect, 申请支援."""

    def __init__(self, owner: LoanProposalsWidget, proposal: Proposal, name: str, skills: str, store: str,
                 scale: Mapping[str, float]) -> None:
        super().__init__()
        self.setObjectName("card")
        self.proposal = proposal
        self.name_label = QLabel(name, objectName="big")
        self.skills_label = QLabel(skills, objectName="dim")
        self.skills_label.setVisible(bool(skills))
        distance = (proposal.impact or {}).get("distance_km")
        where = arg(translate("LoanProposals", "来自 %1"), store)
        if isinstance(distance, int | float):
            where += " · " + arg(translate("LoanProposals", "%1 公里"), f"{distance:.1f}")
        self.from_label = QLabel(where, objectName="strong")
        self.from_label.setWordWrap(True)
        self.days_label = QLabel(day_range_text(proposal.loan_from, proposal.loan_to), objectName="strong")
        self.impact_bars = ImpactBars(owner.pal)
        self.impact_bars.set_impact(proposal.impact, scale, LOAN_METRICS, _CTX)
        reason = (proposal.reason_en or proposal.reason) if english() else (proposal.reason or proposal.reason_en)
        self.reason_label = QLabel(reason, objectName="caption")
        self.reason_label.setWordWrap(True)
        self.reason_label.setVisible(bool(reason))
        self.request_button = QPushButton(translate("LoanProposals", "申请支援"), objectName="primary")
        self.request_button.setToolTip(arg(translate("LoanProposals", "请 %1 派 %2 来支援，审批后生效"), store, name))
        self.request_button.clicked.connect(lambda: owner.request(self.proposal))

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.name_label, 0, Qt.AlignmentFlag.AlignBaseline)
        top.addWidget(self.skills_label, 1, Qt.AlignmentFlag.AlignBaseline)
        top.addWidget(self.days_label, 0, Qt.AlignmentFlag.AlignBaseline)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addLayout(top)
        text.addWidget(self.from_label)
        text.addWidget(self.impact_bars)
        text.addWidget(self.reason_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        row.setSpacing(16)
        row.addLayout(text, 1)
        row.addWidget(self.request_button, 0, Qt.AlignmentFlag.AlignVCenter)


OVERLOADED_PCT = 90.0  # below this forecast load a store needs no loan (services.rebalance Params.overload_at)


class LoanProposalsWidget(RequestCardsPanel):
    """Technicians who could help an overloaded store on given days, best first, one click to ask for one.

    Signals: sig_request_requested(Proposal) — ask for this loan (the proposal as given to set_proposals).
    Answer with show_requested(text) or show_error(text).
    """

    sig_request_requested = Signal(object)

    def __init__(self, theme_name: str = "light", parent: QWidget | None = None) -> None:
        super().__init__(translate("LoanProposals", "应急支援"), "Technician loans",
                         translate("LoanProposals", "选一家忙不过来的门店和日期，这里列出附近能来支援的技师。"), theme_name,
                         parent)
        self.store_label, self.load_label = self.headline, self.detail

    @Slot(str, object, object, object, object, object)
    def set_proposals(self, store_name: str, day_from: date, day_to: date, proposals: Sequence[Proposal],
                      technicians: Mapping[int, str], stores: Mapping[int, str],
                      skills: Mapping[int, str] | None = None, load_pct: float | None = None) -> None:
        """The proposals (best first) for `store_name` over [day_from, day_to]. `technicians` and `stores` map ids
        to names, `skills` technician ids to a short skills line ('保养、电气 · 4 级'); `load_pct` is the store's
        forecast load in % of its capacity (shown when given)."""
        self._clear_cards()
        self.store_label.setText(f"{store_name} · {day_range_text(day_from, day_to)}")
        self.load_label.setText(
            arg(translate("LoanProposals", "预计负荷 %1%，人手不够。下面是附近有空的技师："), f"{load_pct:.0f}") if load_pct is not None
            else translate("LoanProposals", "附近有空、会做这些活的技师："))
        relaxed = load_pct is not None and load_pct < OVERLOADED_PCT
        self.load_label.setVisible(bool(proposals) or (load_pct is not None and not relaxed))
        if not proposals and relaxed:
            self.empty_label.setText(arg(translate("LoanProposals", "预计负荷 %1%，人手够用，这两天不需要借调技师。"),
                                         f"{load_pct:.0f}"))
        elif not proposals:
            self.empty_label.setText(translate("LoanProposals", "附近门店这几天也没有空闲的技师。可以把部分客户推荐到别的门店。"))
        self.empty_label.setVisible(not proposals)
        scale: dict[str, float] = {}
        for p in proposals:
            for key, value in (p.impact or {}).items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    scale[key] = max(scale.get(key, 0.0), float(value))
        skills = skills or {}
        for p in proposals:
            tid = p.technician_id
            name = technicians.get(tid) or arg(translate("LoanProposals", "技师 #%1"), tid)
            store = stores.get(p.from_store_id) or arg(translate("LoanProposals", "门店 #%1"), p.from_store_id)
            self._add_card(ProposalCard(self, p, name, skills.get(tid, ""), store, scale))

    def request(self, proposal: Proposal) -> None:
        """申请支援 for `proposal` (what a card's button does)."""
        card = next((c for c in self.cards if c.proposal is proposal), None)
        if card is None:
            return
        self._begin_request(arg(translate("LoanProposals", "正在申请 %1 来支援…"), card.name_label.text()))
        self.sig_request_requested.emit(proposal)

    @Slot(str)
    def set_theme(self, name: str) -> None:
        super().set_theme(name)
        for c in self.cards:
            c.impact_bars.set_palette(self._pal)


__all__ = ["LOAN_METRICS", "LoanProposalsWidget", "ProposalCard", "day_range_text"]
