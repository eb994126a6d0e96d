"""Network operations: the approval inbox (approvers decide, requesters follow their requests) with its live count,
one-click parts transfers and technician loans from the store page, and the national rebalancing's status with
"run now". Database work runs on the task runner; the rebalancing timer is services.jobs on its own thread."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Slot

from app.pages import scrollable
from app.tasks import TaskRunner
from services import catalog
from services.db.engine import Database
from services.model import DecisionConflict, DomainError, InboxItem, Proposal, RebalanceRunInfo
from services.network import china_today
from services.users import UserInfo
from widgets.i18n import english
from widgets.inbox import InboxBadge, InboxWidget
from widgets.loan_proposals import LoanProposalsWidget
from widgets.parts_sources import PartsSourcesWidget
from widgets.rebalance_status import RebalanceStatusWidget

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
PART_NAMES = {p.code: (p.name_zh, p.name_en) for p in catalog.PARTS}
INBOX_COALESCE_MS = 500


# --- worker-thread functions (plain data in and out) ----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class InboxData:
    items: list[InboxItem]
    count: int


def fetch_inbox(db: Database, mode: str, filters: dict) -> InboxData:
    from services.approvals import inbox, my_requests, pending_count

    with db.connect() as conn:
        if mode == "requester":
            items = my_requests(conn)
        else:
            items = inbox(conn, status=filters.get("status", "pending"))
        return InboxData(items, pending_count(conn))


def decide(db: Database, ids: list[int], approve: bool, comment: str, actor: str):
    from services.approvals import decide_many

    with db.connect() as conn:
        result = decide_many(conn, ids, approve, comment or None, actor)
        conn.commit()
        return result


def cancel_request(db: Database, request_id: int, actor: str) -> InboxItem:
    from services.approvals import cancel

    with db.connect() as conn:
        item = cancel(conn, request_id, actor)
        conn.commit()
        return item


def fetch_history(db: Database, request_id: int):
    from services.approvals import history

    with db.connect() as conn:
        return request_id, history(conn, request_id)


@dataclass(frozen=True, slots=True)
class StoreNetworkData:
    store_id: int
    store_name: str
    shortage: tuple | None  # (part_code, needed, on_hand)
    shortages: int
    sources: list
    loans: list[Proposal]
    loan_days: tuple[date, date]
    technicians: dict[int, str]
    stores: dict[int, str]
    load_pct: float | None = None  # the store's highest forecast load of the days, % of capacity


def fetch_store_network(db: Database, store_id: int) -> StoreNetworkData:
    """The store's biggest parts shortage with the nearby stores that can spare it, and technician loan proposals
    for today and tomorrow when its forecast load exceeds its capacity."""
    from services.parts import shortages, sources
    from services.rebalance.proposals import proposal_names, store_loans

    today = china_today()
    days = (today, today + timedelta(days=1))
    with db.connect() as conn:
        short = shortages(conn, store_id)
        first = short[0] if short else None
        found = sources(conn, store_id, first.part_code, max(1, first.needed - first.on_hand)) if first else []
        loans, load = store_loans(conn, store_id, list(days))
        load_pct = 100.0 * load if load is not None else None
        techs, stores = proposal_names(conn, loans, store_id)
    return StoreNetworkData(store_id, stores.get(store_id, str(store_id)),
                            (first.part_code, first.needed, first.on_hand) if first else None, len(short), found,
                            loans, days, techs, stores, load_pct)


def request_parts(db: Database, to_store: int, from_store: int, part_code: str, qty: int, actor: str) -> int:
    from services.approvals import request_parts as ask

    with db.connect() as conn:
        request_id = ask(conn, to_store, from_store, part_code, qty, actor)
        conn.commit()
        return request_id


def request_loan(db: Database, proposal: Proposal, actor: str) -> int:
    from services.approvals import request_loan as ask

    with db.connect() as conn:
        request_id = ask(conn, proposal.to_store_id, proposal.from_store_id, int(proposal.technician_id or 0),
                         proposal.loan_from or china_today(), proposal.loan_to or proposal.loan_from or china_today(),
                         actor, urgency=proposal.urgency, reason=proposal.reason or None, impact=proposal.impact)
        conn.commit()
        return request_id


def fetch_runs(db: Database) -> tuple[list[RebalanceRunInfo], datetime, dict[str, int]]:
    """The last runs (whoever ran them), the next scheduled slot, and the last run's requests by kind."""
    from services.jobs import floor_slot, read_interval, recent_runs, requests_by_kind

    with db.connect() as conn:
        runs = recent_runs(conn)
        interval = read_interval(conn)
        by_kind = requests_by_kind(conn, runs[0].run_id) if runs else {}
    return runs, floor_slot(datetime.now(UTC), interval) + timedelta(minutes=interval), by_kind


# --- the presenter -------------------------------------------------------------------------------------------

class NetworkOpsPresenter(QObject):
    """Inbox dock and badge, the store page's parts and loans tabs, and the rebalancing status."""

    def __init__(self, window, runner: TaskRunner, db: Database, user: UserInfo, theme: str, store_page,
                 jobs=None) -> None:
        super().__init__(window)
        self.window, self.runner, self.db, self.user, self.theme = window, runner, db, user, theme
        self.jobs = jobs
        self.mode = "requester" if user.role == "store" else "approver"
        self.inbox = InboxWidget()
        self.badge = InboxBadge()
        self.parts = PartsSourcesWidget()
        self.loans = LoanProposalsWidget()
        self.status = RebalanceStatusWidget() if user.role != "store" else None
        self.count = 0
        self.loaded = 0  # completed inbox loads (tests watch it)
        self.store_data: StoreNetworkData | None = None
        self._filters: dict = {"status": "pending"} if self.mode == "approver" else {}
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(INBOX_COALESCE_MS)
        self._coalesce.timeout.connect(self.refresh_inbox)
        self.inbox.sig_approve_requested.connect(lambda ids, c: self.decide(ids, True, c))
        self.inbox.sig_reject_requested.connect(lambda ids, c: self.decide(ids, False, c))
        self.inbox.sig_cancel_requested.connect(self.cancel)
        self.inbox.sig_history_requested.connect(self.history)
        self.inbox.sig_filter_changed.connect(self._filter_changed)
        self.inbox.sig_refresh_requested.connect(self.refresh_inbox)
        self.badge.clicked.connect(self.show_inbox)
        self.parts.sig_request_requested.connect(self.request_parts)
        self.loans.sig_request_requested.connect(self.request_loan)
        if self.status is not None:
            self.status.sig_run_requested.connect(self.run_now)
        # In a scroll area: the inbox's list and detail side by side must not widen the dock column it shares with
        # the alerts (that would squeeze the map); on a narrow dock it scrolls instead.
        self.dock = window.add_dock("inbox", scrollable(self.inbox), Qt.DockWidgetArea.RightDockWidgetArea)

    # --- the inbox ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Once every dock is there: the inbox shares the right-hand column with the alerts, as a tab."""
        alerts = self.window.docks.get("alerts")
        if alerts is not None and not self.dock.isFloating():
            self.window.tabifyDockWidget(alerts, self.dock)
            alerts.raise_()
        self.refresh_inbox()
        self.refresh_runs()

    def show_inbox(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.refresh_inbox()

    def store_changed(self, kind: str) -> None:
        """A NOTIFY: a request was made or decided somewhere in view (kind 'inbox'), or a run finished."""
        if kind == "inbox" and not self._coalesce.isActive():
            self._coalesce.start()

    @Slot()
    def refresh_inbox(self) -> None:
        self.runner.submit(fetch_inbox, self.db, self.mode, dict(self._filters), on_done=self._show_inbox,
                           on_error=self._failed)

    def _show_inbox(self, data: InboxData) -> None:
        self.count = data.count
        self.inbox.set_items(data.items, self.mode)
        self.inbox.set_count(data.count)
        self.badge.set_count(data.count)
        self.loaded += 1

    def _filter_changed(self, filters: dict) -> None:
        status = filters.get("status")
        if status != self._filters.get("status"):
            self._filters = {"status": status} if status else {}
            self.refresh_inbox()

    def decide(self, ids: list[int], approve: bool, comment: str) -> None:
        self.inbox.set_busy(True, translate("NetworkOps", "正在提交决定……"))

        def done(result) -> None:
            decided, refused = result
            self.inbox.set_busy(False)
            word = translate("NetworkOps", "同意") if approve else translate("NetworkOps", "驳回")
            if decided:
                text = translate("NetworkOps", "已%1 %2 条申请。").replace("%1", word).replace("%2", str(len(decided)))
                if approve:
                    text += translate("NetworkOps", "库存和排班已经改好。")
                self.inbox.show_decided(text)
                self.window.show_message(text)
            if refused:
                self.inbox.show_conflict(translate("NetworkOps", "%1 条没有办成：%2").replace(
                    "%1", str(len(refused))).replace("%2", refused[0][1]))
            self.refresh_inbox()

        def failed(exc: Exception) -> None:
            self.inbox.set_busy(False)
            if isinstance(exc, DecisionConflict):
                self.inbox.show_conflict(str(exc))
            else:
                self.inbox.show_error(self._text(exc))
            self.refresh_inbox()

        self.runner.submit(decide, self.db, list(ids), approve, comment, self.user.login, on_done=done,
                           on_error=failed)

    def cancel(self, request_id: int) -> None:
        def done(item: InboxItem) -> None:
            self.inbox.show_decided(translate("NetworkOps", "已撤回申请 %1。").replace("%1", str(item.request_id)))
            self.refresh_inbox()

        self.runner.submit(cancel_request, self.db, request_id, self.user.login, on_done=done,
                           on_error=lambda exc: (self.inbox.show_conflict(self._text(exc)), self.refresh_inbox()))

    def history(self, request_id: int) -> None:
        self.runner.submit(fetch_history, self.db, request_id,
                           on_done=lambda r: self.inbox.set_history(r[0], r[1]), on_error=self._failed)

    # --- parts and loans on the store page ----------------------------------------------------------------------

    def load_store(self, store_id: int) -> None:
        self.runner.submit(fetch_store_network, self.db, store_id, on_done=self._show_store, on_error=self._failed)

    def _show_store(self, data: StoreNetworkData) -> None:
        self.store_data = data
        if data.shortage is not None:
            code, needed, on_hand = data.shortage
            zh, en = PART_NAMES.get(code, (code, code))
            self.parts.set_shortage(code, en if english() else zh, needed, on_hand, data.sources)
        else:
            self.parts.set_shortage("", translate("NetworkOps", "没有缺件"), 0, 0, [])
        self.loans.set_proposals(data.store_name, data.loan_days[0], data.loan_days[1], data.loans, data.technicians,
                                 data.stores, load_pct=data.load_pct)

    def request_parts(self, from_store: int, part_code: str, qty: int) -> None:
        data = self.store_data
        if data is None:
            return

        def done(request_id: int) -> None:
            text = translate("NetworkOps", "已申请调拨（申请号 %1），等区域经理审批；批准后库存自动转入本店。").replace(
                "%1", str(request_id))
            self.parts.show_requested(text)
            self.window.show_message(text)
            self.refresh_inbox()

        self.runner.submit(request_parts, self.db, data.store_id, from_store, part_code, qty, self.user.login,
                           on_done=done, on_error=lambda exc: self.parts.show_error(self._text(exc)))

    def request_loan(self, proposal: Proposal) -> None:
        def done(request_id: int) -> None:
            text = translate("NetworkOps", "已申请技师支援（申请号 %1），等审批；批准后排班自动生效。").replace(
                "%1", str(request_id))
            self.loans.show_requested(text)
            self.window.show_message(text)
            self.refresh_inbox()

        self.runner.submit(request_loan, self.db, proposal, self.user.login, on_done=done,
                           on_error=lambda exc: self.loans.show_error(self._text(exc)))

    # --- the national rebalancing ------------------------------------------------------------------------------

    def refresh_runs(self) -> None:
        if self.status is not None:
            self.runner.submit(fetch_runs, self.db, on_done=self._show_runs, on_error=self._failed)

    def _show_runs(self, data) -> None:
        runs, nxt, by_kind = data
        if self.status is not None:
            self.status.set_runs(runs, nxt, by_kind or None)

    def run_now(self) -> None:
        if self.jobs is None or self.status is None:
            return
        self.status.set_running(True)
        self.jobs.run_now()

    def job_event(self, event) -> None:
        """From services.jobs (delivered on the GUI thread by the bridge)."""
        if self.status is not None and event.kind.startswith("rebalance"):
            self.status.set_running(False)
            self.refresh_runs()
            self.refresh_inbox()
            self.window.show_message(event.message)

    # --- helpers ------------------------------------------------------------------------------------------------

    @staticmethod
    def _text(exc: Exception) -> str:
        return str(exc) if isinstance(exc, DomainError) else translate("NetworkOps", "出错了：%1").replace(
            "%1", str(exc))

    def _failed(self, exc: Exception) -> None:
        log.warning("%s", exc)
        self.window.show_message(self._text(exc), 15)
