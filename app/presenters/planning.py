"""The planning presenter: re-plans a store's day with the CP-SAT dispatcher in a separate process (progress,
cancel, re-plan by itself on events), saves the plan, applies the planner's drags on the board, and recommends
technicians for a waiting work order. Database work runs on the task runner, the solve in its own process."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QTimer, Slot

from app.tasks import TaskRunner
from services.db.engine import Database
from services.dispatch.model import Plan, TechRecommendation
from services.model import DomainError
from services.network import CHINA
from services.users import UserInfo
from widgets.i18n import english

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
# Why the database refused a move on the board (PlanMoveRefused.reason), in the plain words of the store.
MOVE_REFUSALS = {
    "unknown": QT_TRANSLATE_NOOP("PlanningPresenter", "这条计划已不存在，请刷新看板。"),
    "released": QT_TRANSLATE_NOOP("PlanningPresenter", "这辆车已开工或预约已取消，计划不能再动。"),
    "past": QT_TRANSLATE_NOOP("PlanningPresenter", "不能挪到已经过去的时间。"),
    "bay_unknown": QT_TRANSLATE_NOOP("PlanningPresenter", "这个工位不属于本店或已停用。"),
    "bay_kind": QT_TRANSLATE_NOOP("PlanningPresenter", "这个工位的类型做不了这项工作。"),
    "tech_unknown": QT_TRANSLATE_NOOP("PlanningPresenter", "这位技师这天不在本店上班。"),
    "skill": QT_TRANSLATE_NOOP("PlanningPresenter", "这位技师不具备这项工作需要的技能。"),
    "store_hours": QT_TRANSLATE_NOOP("PlanningPresenter", "这个时间门店不营业。"),
    "off_shift": QT_TRANSLATE_NOOP("PlanningPresenter", "这个时间技师不在班上。"),
    "break": QT_TRANSLATE_NOOP("PlanningPresenter", "这个时间是技师的休息时间。"),
    "bay_busy": QT_TRANSLATE_NOOP("PlanningPresenter", "这个工位这段时间已经有活了。"),
    "tech_busy": QT_TRANSLATE_NOOP("PlanningPresenter", "这位技师这段时间已经有活了。"),
    "conflict": QT_TRANSLATE_NOOP("PlanningPresenter", "和其他计划冲突，请换个时间。"),
    "unplanned": QT_TRANSLATE_NOOP("PlanningPresenter", "这辆车还没有排进计划，请先在门店页点“重新排班”。"),
}


def refusal_text(exc: Exception) -> str:
    """One plain sentence for a refused move: the store's words for the rule (the database's own sentence, which
    names the technician and the times, in English)."""
    reason = getattr(exc, "reason", None)
    if english() or reason not in MOVE_REFUSALS:
        return str(exc)
    return translate("PlanningPresenter", MOVE_REFUSALS[reason])
AUTO_REPLAN_DELAY_MS = 2500  # let a burst of terminal writes settle before re-planning


def time_limit_for(jobs: int) -> float:
    """The solver's time budget for a store-day of `jobs` jobs (the benchmarks' 0.5 / 2 / 5 s targets)."""
    if jobs <= 30:
        return 0.4
    if jobs <= 80:
        return 1.5
    return 4.0


@dataclass(frozen=True, slots=True)
class ReplanOutcome:
    jobs: int
    assigned: int
    deferred: int
    moved: int
    notices: int
    wait_minutes: float
    status: str
    seconds: float


class SolverProcess:
    """One warm solver process for the app, started on first use; solves can be cancelled from the GUI thread."""

    def __init__(self) -> None:
        self._handle = None
        self._lock = threading.Lock()

    def handle(self):
        with self._lock:
            if self._handle is None:
                from services.dispatch.runner import SolveHandle

                self._handle = SolveHandle()
            return self._handle

    def cancel(self) -> None:
        with self._lock:
            handle = self._handle
        if handle is not None:
            handle.cancel()

    def shutdown(self) -> None:
        with self._lock:
            handle, self._handle = self._handle, None
        if handle is not None:
            handle.shutdown()


def replan_store(db: Database, solver: SolverProcess, store_id: int, actor: str, day: date | None = None,
                 now: datetime | None = None) -> ReplanOutcome:
    """Runs on a worker thread: load the store-day, solve it in the solver process, save the plan (one
    transaction), write "come earlier" notices."""
    from services.booking.plan_store import load_problem, save_plan

    now = now or datetime.now(CHINA)
    day = day or now.astimezone(CHINA).date()
    with db.engine.connect() as conn:
        problem, ctx = load_problem(conn, store_id, day, now=now)
    if not problem.jobs:
        return ReplanOutcome(0, 0, 0, 0, 0, 0.0, "empty", 0.0)
    handle = solver.handle()
    handle.start(problem, time_limit_for(len(problem.jobs)))
    plan: Plan = handle.result()
    with db.engine.begin() as conn:
        saved = save_plan(conn, store_id, day, problem, ctx, plan, actor)
    return ReplanOutcome(len(problem.jobs), len(plan.assignments), len(plan.deferred), len(plan.moved),
                         int(getattr(saved, "notices", 0) or 0), plan.total_wait, plan.status, plan.solve_seconds)


def move_on_board(db: Database, reservation_id: int, lane_kind: str, lane_id: int, start: datetime,
                  actor: str) -> None:
    """Runs on a worker thread: the planner dragged a planned booking to another bay or technician or time."""
    from services.booking.plan_store import move_to_lane

    with db.engine.begin() as conn:
        move_to_lane(conn, reservation_id, lane_kind, lane_id, start, actor)


@dataclass(frozen=True, slots=True)
class TechChoice:
    work_order_id: int
    label: str
    items: tuple[TechRecommendation, ...]
    names: dict[int, str]


def recommend_technicians(db: Database, work_order_id: int, now: datetime | None = None) -> TechChoice:
    """Runs on a worker thread: the ranked technicians for a waiting work order, with their names."""
    from services.booking.technicians import work_order_technicians

    with db.engine.connect() as conn:
        label, items, names = work_order_technicians(conn, work_order_id, now=now)
    return TechChoice(work_order_id, label, tuple(items), names)


def assign_technician(db: Database, work_order_id: int, tech_id: int, start_minute: int | None, actor: str,
                      now: datetime | None = None) -> datetime:
    """Runs on a worker thread: give the waiting work order's planned job to this technician, at his earliest start
    (the same checks as a drag on the board). Returns the new start."""
    from services.booking._db import at_minute
    from services.booking.plan_store import assign_planned_job

    now = now or datetime.now(CHINA)
    start = at_minute(now.astimezone(CHINA).date(), start_minute) if start_minute is not None else None
    with db.engine.begin() as conn:
        return assign_planned_job(conn, work_order_id, tech_id, start, actor)


class PlanningPresenter(QObject):
    """Wires the store page's planning bar and board to the dispatcher; one per console."""

    def __init__(self, page, runner: TaskRunner, db: Database, user: UserInfo, on_changed, show_message) -> None:
        super().__init__(page)
        self.page, self.runner, self.db, self.user = page, runner, db, user
        self.on_changed = on_changed  # callable(store_id): reload the store page
        self.show_message = show_message
        self.solver = SolverProcess()
        self.store_id: int | None = None
        self.busy = False
        self.auto = False
        self.last: ReplanOutcome | None = None
        self.clock = lambda: datetime.now(CHINA)  # the moment of planning (tests and demos may set it)
        self._auto_timer = QTimer(self)
        self._auto_timer.setSingleShot(True)
        self._auto_timer.setInterval(AUTO_REPLAN_DELAY_MS)
        self._auto_timer.timeout.connect(self.replan)
        bar = page.actions
        bar.sig_replan_requested.connect(self.replan)
        bar.sig_cancel_requested.connect(self.cancel)
        bar.sig_auto_replan_changed.connect(self.set_auto)
        page.sig_move_requested.connect(self.move)

    def set_store(self, store_id: int | None) -> None:
        self.store_id = store_id

    @Slot(bool)
    def set_auto(self, on: bool) -> None:
        self.auto = on

    def store_changed(self, store_id: int) -> None:
        """A terminal wrote at the store on screen (walk-in, no-show, finish, …): re-plan once it settles."""
        if self.auto and store_id == self.store_id and not self.busy:
            self._auto_timer.start()

    @Slot()
    def replan(self) -> None:
        if self.store_id is None or self.busy:
            return
        self.busy = True
        self.page.actions.set_busy(True, translate("PlanningPresenter", "正在排班……"), 2.0)
        now = self.clock()
        self.runner.submit(replan_store, self.db, self.solver, self.store_id, self.user.login, None, now,
                           on_done=self._replanned, on_error=self._replan_failed)

    @Slot()
    def cancel(self) -> None:
        self.solver.cancel()
        self.page.actions.set_busy(True, translate("PlanningPresenter", "正在停止，保留目前最好的方案……"))

    def _replanned(self, outcome: ReplanOutcome) -> None:
        self.busy = False
        self.last = outcome
        if outcome.jobs == 0:
            text = translate("PlanningPresenter", "今天没有需要排的车辆。")
        else:
            text = (translate("PlanningPresenter", "已排好 %1 辆车，调整 %2 个，%3 个排不下顺延；%4 位客户收到提前到店通知。")
                    .replace("%1", str(outcome.assigned)).replace("%2", str(outcome.moved))
                    .replace("%3", str(outcome.deferred)).replace("%4", str(outcome.notices)))
        self.page.actions.show_result(text)
        if self.store_id is not None:
            self.on_changed(self.store_id)
        panel = getattr(self, "_tech_panel", None)
        if panel is not None and panel.isVisible():  # the ranking depends on the plan: show the new one
            self.recommend_for(self._tech_wo, panel)

    def _replan_failed(self, exc: Exception) -> None:
        self.busy = False
        text = str(exc) if isinstance(exc, DomainError) else translate("PlanningPresenter", "排班没有完成：%1").replace(
            "%1", str(exc))
        self.page.actions.show_result(text)

    @Slot(int, str, int, object)
    def move(self, job_id: int, lane_kind: str, lane_id: int, start: datetime) -> None:
        board = self.page.board
        if job_id >= 0:  # a started or finished job: it is on its bay, only the plan can move
            board.reject_move(job_id, translate("PlanningPresenter", "已开工的作业不能挪动。"))
            return

        def done(_: object) -> None:
            board.confirm_move(job_id)
            self.page.actions.show_result(translate("PlanningPresenter", "已调整计划：%1 开始。").replace(
                "%1", start.astimezone(CHINA).strftime("%H:%M")))
            if self.store_id is not None:
                self.on_changed(self.store_id)

        def failed(exc: Exception) -> None:
            board.reject_move(job_id, refusal_text(exc))

        self.runner.submit(move_on_board, self.db, -job_id, lane_kind, lane_id, start, self.user.login,
                           on_done=done, on_error=failed)

    # --- technician recommendation for one waiting work order -------------------------------------------------

    def recommend_for(self, work_order_id: int, panel) -> None:
        """Fill `panel` (a TechRecommendList) for the work order; its assign button gives it the job."""
        self._tech_panel = panel
        self._tech_wo = work_order_id
        self.runner.submit(recommend_technicians, self.db, work_order_id, self.clock(),
                           on_done=lambda c: panel.set_recommendations(c.label, c.items, c.names),
                           on_error=lambda exc: panel.set_recommendations(str(exc), (), {}))

    @Slot(int)
    def assign(self, tech_id: int) -> None:
        wo = getattr(self, "_tech_wo", None)
        panel = getattr(self, "_tech_panel", None)
        if wo is None or panel is None:
            return
        item = next((c.item for c in getattr(panel, "cards", []) if c.item.tech_id == tech_id), None)
        start = item.earliest_start if item is not None else None

        def done(at: datetime) -> None:
            self.show_message(translate("PlanningPresenter", "已派工：%1 开始。").replace(
                "%1", at.astimezone(CHINA).strftime("%H:%M")))
            self.recommend_for(wo, panel)

        def failed(exc: Exception) -> None:
            self.show_message(refusal_text(exc), 15)

        self.runner.submit(assign_technician, self.db, wo, tech_id, start, self.user.login, self.clock(),
                           on_done=done, on_error=failed)

    def shutdown(self) -> None:
        self._auto_timer.stop()
        self.solver.shutdown()
