"""The store page's widgets (day board, vehicles, bookings, technicians, KPI comparison, work-order timeline),
fed hand-made data: what they show, what they emit, and that they render real Chinese at a readable size."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QRawFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.fonts import apply_app_font
from services.model import (
    BoardJob,
    BoardLane,
    BookingRow,
    TechnicianState,
    TimelineEvent,
    WorkOrderDetail,
    WorkshopVehicle,
)
from services.network import KpiRow
from widgets import theme
from widgets.schedule_board import LABEL_W, ScheduleBoardWidget
from widgets.store_panels import (
    BODY_PX,
    BookingsWidget,
    StoreKpiCompareWidget,
    TechniciansWidget,
    WorkshopVehiclesWidget,
)
from widgets.timeline import WorkOrderTimelineWidget

CHINA = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 10, 30, tzinfo=CHINA)
START, END = DAY.replace(hour=8), DAY.replace(hour=20)
NOW = DAY.replace(hour=14, minute=20)
PNG_DIR = Path("/tmp/store_widgets")


def at(h: int, m: int = 0) -> datetime:
    return DAY.replace(hour=h, minute=m)


@pytest.fixture(autouse=True)
def _cjk_font(qapp):
    apply_app_font(qapp)


# --- hand-made data ----------------------------------------------------------------------------------------------

def lanes() -> list[BoardLane]:
    bays = [BoardLane(1, "bay", "L1", "lift"), BoardLane(2, "bay", "L2", "lift"), BoardLane(3, "bay", "L3", "lift"),
            BoardLane(4, "bay", "A1", "alignment"), BoardLane(5, "bay", "B1", "body"),
            BoardLane(6, "bay", "W1", "wash")]
    techs = [BoardLane(11, "technician", "张建国", "maintenance, tyres, diagnostics"),
             BoardLane(12, "technician", "李明", "maintenance, electrical"),
             BoardLane(13, "technician", "王强", "mechanical, diagnostics"),
             BoardLane(14, "technician", "赵磊", "body, paint"),
             BoardLane(15, "technician", "陈伟", "tyres, maintenance")]
    return bays + techs


def job(job_id: int, bay: int, tech: int | None, kind: str, status: str, start: datetime,
        end: datetime | None, label: str, wo: int | None = None) -> BoardJob:
    return BoardJob(job_id, wo if wo is not None else 1000 + job_id, bay, tech, kind, status, start, end, label)


def jobs() -> list[BoardJob]:
    return [
        job(1, 1, 11, "service", "done", at(8, 30), at(9, 20), "京A12345 小保养"),
        job(2, 6, None, "qc", "done", at(9, 25), at(9, 45), "京A12345 小保养", wo=1001),
        job(3, 2, 12, "service", "done", at(8, 45), at(10, 20), "京B67890 电气维修"),
        job(4, 1, 13, "service", "done", at(10, 0), at(12, 30), "京C24680 发动机底盘维修"),
        job(5, 5, 14, "service", "active", at(11, 0), None, "京D13579 钣金修复"),
        job(6, 1, 11, "service", "active", at(13, 30), None, "京E11223 大保养"),
        job(7, 6, None, "qc", "active", at(14, 0), None, "京F44556 轮胎更换"),
        job(8, 4, 15, "service", "done", at(12, 40), at(13, 25), "京G77889 四轮定位"),
        job(9, 2, 12, "service", "planned", at(15, 0), at(16, 30), "京H99001 电气维修"),
        job(10, 3, 15, "service", "planned", at(15, 30), at(16, 15), "京J22334 小保养"),
        job(11, 1, 13, "service", "planned", at(16, 30), at(19, 0), "京K55667 发动机底盘维修"),
        job(12, 6, None, "qc", "planned", at(17, 0), at(17, 20), "京H99001 电气维修", wo=1009),
        job(13, 4, 11, "service", "planned", at(17, 30), at(18, 10), "京L88990 四轮定位"),
    ]


def vehicles() -> list[WorkshopVehicle]:
    return [
        WorkshopVehicle(1005, "京D13579", "钣金修复", "in_service", at(10, 20), at(11, 0), 0.4, 0.8),
        WorkshopVehicle(1006, "京E11223", "大保养、轮胎更换", "in_service", at(12, 55), at(13, 30), 0.3, 0.55),
        WorkshopVehicle(1007, "京F44556", "轮胎更换", "quality_check", at(12, 30), at(13, 10), 0.6, 1.0),
        WorkshopVehicle(1009, "京H99001", "电气维修", "checked_in", at(13, 5), None, 1.25, 0.0),
        WorkshopVehicle(1010, "京J22334", "小保养", "checked_in", at(12, 10), None, 2.2, 0.0),
    ]


def bookings() -> list[BookingRow]:
    return [
        BookingRow(501, "京A12345", "王先生", "MAINT_MINOR", at(8, 30), "checked_in", "app"),
        BookingRow(502, "京B67890", "刘女士", "ELEC", at(9, 0), "checked_in", "wechat"),
        BookingRow(503, "京M10293", "孙先生", "MAINT_MAJOR, TYRE", at(13, 30), "booked", "phone"),
        BookingRow(504, "京N56473", "周女士", "DIAG", at(11, 0), "no_show", "app"),
        BookingRow(505, "京P83746", "吴先生", "ALIGN", at(15, 0), "booked", "advisor"),
        BookingRow(506, "京Q19283", "郑女士", "PAINT", at(16, 0), "booked", "referral"),
        BookingRow(507, "京R74652", "冯先生", "MAINT_MINOR", at(16, 30), "cancelled", "wechat"),
    ]


def technicians() -> list[TechnicianState]:
    return [
        TechnicianState(11, "张建国", 4, "maintenance, tyres, diagnostics", "busy", 1006),
        TechnicianState(12, "李明", 3, "maintenance, electrical", "idle", None),
        TechnicianState(13, "王强", 5, "mechanical, diagnostics", "lunch", None),
        TechnicianState(14, "赵磊", 3, "body, paint", "busy", 1005),
        TechnicianState(15, "陈伟", 2, "tyres, maintenance", "idle", None),
        TechnicianState(16, "刘洋", 1, "maintenance", "off", None),
    ]


def kpi(scope: str, name: str, utilization: float | None, wait: float | None, vehicles_: float, output: float,
        csi: float | None) -> KpiRow:
    return KpiRow(scope, name, name, name, 1, 1, utilization, wait, vehicles_, output, None, csi, 0.0, None, None, 0)


def store_kpis() -> tuple[KpiRow, KpiRow]:
    return (kpi("store", "北京望京店", 0.71, 1.4, 28, 21500, 88.0),
            kpi("region", "华北", 0.63, 0.9, 24, 18200, 86.2))


def detail(status: str = "in_service") -> WorkOrderDetail:
    events = (
        TimelineEvent("checked_in", at(12, 55), "顾问 孙丽", "advisor"),
        TimelineEvent("in_service", at(14, 7), "张建国", "technician"),
    )
    if status in ("quality_check", "done", "delivered"):
        events += (TimelineEvent("quality_check", at(15, 40), "质检员 周", "terminal"),)
    if status in ("done", "delivered"):
        events += (TimelineEvent("done", at(16, 0), "质检员 周", "terminal"),)
    if status == "delivered":
        events += (TimelineEvent("delivered", at(16, 45), "顾问 孙丽", "advisor"),)
    return WorkOrderDetail(1006, 7, "北京望京店", "京E11223", "陈先生", status, ("大保养", "轮胎更换"), 1750.0,
                           at(12, 55), at(13, 0), events, (("机油 4L", 1), ("机油滤清器", 1)),
                           92 if status == "delivered" else None)


def make_board(qtbot, width: int = 1200, height: int = 760) -> ScheduleBoardWidget:
    board = ScheduleBoardWidget()
    qtbot.addWidget(board)
    board.resize(width, height)
    board.set_day(START, END)
    board.set_lanes(lanes())
    board.set_now(NOW)
    board.set_jobs(jobs())
    board.show()
    qtbot.waitExposed(board)
    return board


def bar_center(board: ScheduleBoardWidget, job_id: int, lane_kind: str = "bay") -> QPoint:
    item = board.bar_item(job_id, lane_kind)
    assert item is not None and item.isVisible()
    return board.view.mapFromScene(item.mapToScene(QPointF(item.width / 2, item.height / 2)))


def lane_center(board: ScheduleBoardWidget, kind: str, lane_id: int) -> int:
    """The viewport y of the middle of a lane."""
    return board.view.mapFromScene(QPointF(0, board.lane_y(kind, lane_id) + board.lane_height() / 2)).y()


def distinct_colours(image: QImage, step: int = 7) -> int:
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


# --- the day board -----------------------------------------------------------------------------------------------

def test_board_draws_a_bay_bar_per_job_and_a_technician_bar_per_service_job(qtbot):
    board = make_board(qtbot)
    data = jobs()
    bay_bars = {j for (j, kind) in board.bar_items() if kind == "bay"}
    tech_bars = {j for (j, kind) in board.bar_items() if kind == "technician"}
    assert bay_bars == {j.job_id for j in data}
    assert tech_bars == {j.job_id for j in data if j.kind == "service"}
    # Each bar sits on its own lane.
    for j in data:
        assert board.bar_item(j.job_id).y() >= board.lane_y("bay", j.bay_id)
        assert board.bar_item(j.job_id).y() < board.lane_y("bay", j.bay_id) + board.lane_height()
        if j.kind == "service":
            tech = board.bar_item(j.job_id, "technician")
            assert board.lane_y("technician", j.technician_id) <= tech.y() < board.lane_y(
                "technician", j.technician_id) + board.lane_height()
    # Bars are placed by time: 15:00 is 7 hours after 08:00.
    item = board.bar_item(9)
    assert item.x() == pytest.approx(board.x_of(at(15)))
    assert board.x_of(at(15)) - board.x_of(at(8)) == pytest.approx(7 * 60 * board._ppm)
    tip = board.tooltip_of(item)
    assert tip.startswith("京H99001 电气维修") and "15:00 – 16:30" in tip
    assert "技师：李明" in tip and "工位：L2" in tip and "工单 #1009" in tip


def test_board_reuses_items_moves_them_and_removes_vanished_ones(qtbot):
    board = make_board(qtbot)
    before = board.bar_items()
    moved = [j for j in jobs() if j.job_id != 3]
    moved = [j if j.job_id != 9 else job(9, 3, 15, "service", "planned", at(16), at(17, 30), "京H99001 电气维修")
             for j in moved]
    moved.append(job(40, 2, 12, "service", "planned", at(18), at(19), "京Z00001 小保养"))
    board.set_jobs(moved)
    after = board.bar_items()
    for key, item in after.items():
        if key in before:
            assert item is before[key], f"bar {key} was rebuilt"
    assert (3, "bay") not in after and (3, "technician") not in after
    assert before[(3, "bay")].scene() is None and before[(3, "technician")].scene() is None
    assert (40, "bay") in after and (40, "technician") in after
    nine = after[(9, "bay")]
    assert nine.x() == pytest.approx(board.x_of(at(16)))
    assert board.lane_y("bay", 3) <= nine.y() < board.lane_y("bay", 3) + board.lane_height()
    # A job that becomes a qc job (no technician) loses its technician bar.
    board.set_jobs([job(9, 6, None, "qc", "planned", at(16), at(16, 20), "京H99001 电气维修")])
    assert set(board.bar_items()) == {(9, "bay")}
    assert board.bar_items()[(9, "bay")] is nine


def test_a_running_job_ends_at_now_and_follows_the_clock(qtbot):
    board = make_board(qtbot)
    item = board.bar_item(6)
    assert item.x() + item.width == pytest.approx(board.x_of(NOW))
    later = NOW + timedelta(minutes=40)
    board.set_now(later)
    assert item.x() + item.width == pytest.approx(board.x_of(later))
    assert board._now_line.line().x1() == pytest.approx(board.x_of(later))
    done = board.bar_item(1)
    assert done.x() + done.width == pytest.approx(board.x_of(at(9, 20)))


def test_set_jobs_for_200_jobs_takes_a_few_milliseconds(qtbot):
    board = ScheduleBoardWidget()
    qtbot.addWidget(board)
    board.resize(1400, 900)
    board.set_day(START, END)
    bays = [BoardLane(b, "bay", f"L{b}", "lift") for b in range(1, 13)]
    techs = [BoardLane(100 + t, "technician", f"技师{t}", "maintenance") for t in range(1, 13)]
    board.set_lanes(bays + techs)
    board.set_now(NOW)

    def day(shift: int) -> list[BoardJob]:
        out = []
        for n in range(200):
            lane = n % 12
            start = START + timedelta(minutes=(n // 12) * 40 + shift)
            status = "done" if start < NOW - timedelta(hours=1) else "active" if start < NOW else "planned"
            out.append(job(n + 1, lane + 1, 101 + lane if n % 5 else None, "service" if n % 5 else "qc", status,
                           start, None if status == "active" else start + timedelta(minutes=35), f"京A{n:05d} 小保养"))
        return out

    t0 = time.perf_counter()
    board.set_jobs(day(0))
    create_ms = (time.perf_counter() - t0) * 1000
    updates = []
    for shift in (5, 10, 15, 20, 25):
        t0 = time.perf_counter()
        board.set_jobs(day(shift))
        updates.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    board.set_jobs(day(25))
    unchanged_ms = (time.perf_counter() - t0) * 1000
    assert len(board.bar_items()) == 200 + 160
    update_ms = sorted(updates)[len(updates) // 2]
    print(json.dumps({"set_jobs_200_create_ms": round(create_ms, 2), "set_jobs_200_move_ms": round(update_ms, 2),
                      "set_jobs_200_unchanged_ms": round(unchanged_ms, 2)}))
    assert update_ms < 50  # a few ms on a developer machine; generous for a loaded CI runner


def test_clicking_a_bar_emits_its_work_order(qtbot):
    board = make_board(qtbot)
    with qtbot.waitSignal(board.sig_work_order_selected, timeout=1000) as blocker:
        qtbot.mouseClick(board.view.viewport(), Qt.MouseButton.LeftButton, pos=bar_center(board, 4))
    assert blocker.args == [1004]
    assert board.bar_item(4).highlighted and board.bar_item(4, "technician").highlighted
    # The technician's bar opens the same work order.
    with qtbot.waitSignal(board.sig_work_order_selected, timeout=1000) as blocker:
        qtbot.mouseClick(board.view.viewport(), Qt.MouseButton.LeftButton, pos=bar_center(board, 8, "technician"))
    assert blocker.args == [1008]


def drag(qtbot, board: ScheduleBoardWidget, start: QPoint, end: QPoint) -> None:
    viewport = board.view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    steps = 6
    for n in range(1, steps + 1):
        qtbot.mouseMove(viewport, QPoint(start.x() + (end.x() - start.x()) * n // steps,
                                         start.y() + (end.y() - start.y()) * n // steps))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def test_dragging_a_planned_bar_asks_for_a_move_and_snaps_back(qtbot):
    board = make_board(qtbot)
    item = board.bar_item(9)  # L2, 15:00–16:30
    origin = QPointF(item.pos())
    start = bar_center(board, 9)
    dx = round(board.x_of(at(16, 30)) - board.x_of(at(15)))  # 90 minutes later
    target_y = lane_center(board, "bay", 5)  # onto B1
    received = []
    board.sig_move_requested.connect(lambda *args: received.append(args))
    drag(qtbot, board, start, QPoint(start.x() + dx, target_y))
    assert len(received) == 1
    job_id, kind, lane_id, new_start = received[0]
    assert (job_id, kind, lane_id) == (9, "bay", 5)
    assert abs((new_start - at(16, 30)).total_seconds()) <= 5 * 60
    assert new_start.minute % 5 == 0
    # Snapped back, with a ghost at the requested place until the app answers.
    assert item.pos() == origin
    assert board.pending_moves() == {9: ("bay", 5, new_start)}
    board.confirm_move(9)
    assert board.pending_moves() == {}
    assert item.x() == pytest.approx(board.x_of(new_start))
    assert board.lane_y("bay", 5) <= item.y() < board.lane_y("bay", 5) + board.lane_height()


def test_dragging_a_technician_bar_targets_technician_lanes_only(qtbot):
    board = make_board(qtbot)
    start = bar_center(board, 10, "technician")  # 陈伟
    target_y = lane_center(board, "technician", 12)  # 李明
    with qtbot.waitSignal(board.sig_move_requested, timeout=1000) as blocker:
        drag(qtbot, board, start, QPoint(start.x(), target_y))
    assert blocker.args[:3] == [10, "technician", 12]
    assert blocker.args[3] == at(15, 30)


def test_live_updates_never_pull_a_bar_out_of_the_users_hand(qtbot):
    board = make_board(qtbot)
    viewport = board.view.viewport()
    start = bar_center(board, 9)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, QPoint(start.x() + 30, start.y()))
    qtbot.mouseMove(viewport, QPoint(start.x() + 60, start.y()))
    held = QPointF(board.bar_item(9).pos())
    board.set_jobs(jobs())  # a live refresh arrives mid-drag
    board.set_now(NOW + timedelta(minutes=1))
    assert board.bar_item(9).pos() == held
    with qtbot.waitSignal(board.sig_move_requested, timeout=1000) as blocker:
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(start.x() + 60, start.y()))
    assert blocker.args[:3] == [9, "bay", 2] and blocker.args[3] > at(15)
    # The job vanishes mid-drag: nothing is asked for, nothing breaks.
    start = bar_center(board, 13)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, QPoint(start.x() + 40, start.y()))
    qtbot.mouseMove(viewport, QPoint(start.x() + 80, start.y()))
    board.set_jobs([j for j in jobs() if j.job_id != 13])
    moves = []
    board.sig_move_requested.connect(lambda *a: moves.append(a))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(start.x() + 80, start.y()))
    assert moves == [] and board.bar_item(13) is None and not board._drag_hint.isVisible()


def test_done_and_active_bars_do_not_drag_and_a_small_move_is_a_click(qtbot):
    board = make_board(qtbot)
    moves = []
    board.sig_move_requested.connect(lambda *a: moves.append(a))
    start = bar_center(board, 4)  # done
    with qtbot.waitSignal(board.sig_work_order_selected, timeout=1000):
        drag(qtbot, board, start, QPoint(start.x() + 200, start.y() + 60))
    assert moves == []
    assert board.bar_item(4).x() == pytest.approx(board.x_of(at(10)))


def test_reject_move_shows_the_reason_for_four_seconds(qtbot):
    board = make_board(qtbot)
    start = bar_center(board, 11)
    drag(qtbot, board, start, QPoint(start.x() - 120, start.y()))
    assert 11 in board.pending_moves()
    board.reject_move(11, "该时段工位已被占用")
    assert board.pending_moves() == {}
    assert board.bar_item(11).x() == pytest.approx(board.x_of(at(16, 30)))
    text = board.message_text()
    assert text is not None and "该时段工位已被占用" in text and "京K55667" in text
    assert board.message_timer.isActive() and board.message_timer.interval() == 4000
    board.message_timer.timeout.emit()
    assert board.message_text() is None


def test_view_mode_shows_bays_technicians_or_both(qtbot):
    board = make_board(qtbot)
    modes = []
    board.sig_view_mode_changed.connect(modes.append)
    board.mode_buttons["bays"].click()
    assert board.view_mode() == "bays" and modes == ["bays"]
    assert board.lane_y("technician", 11) is None
    assert not board.bar_item(1, "technician").isVisible() and board.bar_item(1).isVisible()
    board.set_view_mode("technicians")
    assert board.lane_y("bay", 1) is None and board.lane_y("technician", 11) == pytest.approx(32.0)
    assert board.bar_item(1, "technician").isVisible() and not board.bar_item(1).isVisible()
    assert board.mode_buttons["technicians"].isChecked()
    board.set_view_mode("both")
    assert board.lane_y("bay", 1) is not None and board.lane_y("technician", 11) is not None


def test_board_scales_the_day_to_its_width(qtbot):
    board = make_board(qtbot, width=900)
    right = board.x_of(END)
    assert LABEL_W < right <= board.view.viewport().width()
    board.resize(1500, 760)
    qtbot.waitUntil(lambda: board.x_of(END) > right + 300, timeout=1000)
    assert board.bar_item(9).x() == pytest.approx(board.x_of(at(15)))


# --- panels ------------------------------------------------------------------------------------------------------

def test_vehicles_show_rows_and_emit_the_work_order_on_click(qtbot):
    w = WorkshopVehiclesWidget()
    qtbot.addWidget(w)
    w.resize(620, 520)
    w.set_vehicles(vehicles())
    w.show()
    qtbot.waitExposed(w)
    texts = w.shown_texts()
    assert [t.split()[0] for t in texts] == [v.plate for v in vehicles()]
    assert "维修中" in texts[0] and "已等 0.4 小时" in texts[0]
    assert "已接车" in texts[4] and "已等 2.2 小时" in texts[4]
    assert w.count_label.text() == "共 5 台 · 等待 2 台"
    with qtbot.waitSignal(w.sig_work_order_selected, timeout=1000) as blocker:
        qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=w.row_rect(3).center())
    assert blocker.args == [1009]


def test_bookings_mark_overdue_ones_and_emit_on_click(qtbot):
    w = BookingsWidget()
    qtbot.addWidget(w)
    w.resize(620, 560)
    w.set_bookings(bookings(), now=NOW)
    w.show()
    qtbot.waitExposed(w)
    assert w.overdue_rows() == [2]  # 13:30 booked, not here at 14:20; the no-show is already closed
    texts = w.shown_texts()
    assert texts[2].startswith("13:30 京M10293 孙先生 大保养、轮胎更换") and texts[2].endswith("逾期未到")
    assert texts[0].endswith("已到店") and texts[3].endswith("未到店") and texts[6].endswith("已取消")
    assert "逾期 1" in w.count_label.text()
    w.set_now(at(15, 10))
    assert w.overdue_rows() == [2, 4]
    with qtbot.waitSignal(w.sig_booking_selected, timeout=1000) as blocker:
        qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=w.row_rect(1).center())
    assert blocker.args == [502]


def test_technicians_show_cards_and_busy_ones_open_their_work_order(qtbot):
    w = TechniciansWidget()
    qtbot.addWidget(w)
    w.resize(620, 480)
    w.set_technicians(technicians())
    w.show()
    qtbot.waitExposed(w)
    texts = w.shown_texts()
    assert texts[0].startswith("张建国 忙碌 4 级 保养 · 轮胎 · 诊断")
    assert [t.split()[1] for t in texts] == ["忙碌", "空闲", "午休", "忙碌", "空闲", "休息"]
    assert w.count_label.text() == "忙碌 2 · 空闲 2 · 午休 1"
    # A grid: two cards side by side at this width.
    qtbot.waitUntil(lambda: w.row_rect(1).top() == w.row_rect(0).top(), timeout=1000)
    assert w.row_rect(1).left() >= w.row_rect(0).right()
    emitted = []
    w.sig_work_order_selected.connect(emitted.append)
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=w.row_rect(1).center())  # idle
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=w.row_rect(3).center())  # busy
    assert emitted == [1005]


def test_lists_update_in_place_and_keep_their_scroll_position(qtbot):
    w = BookingsWidget()
    qtbot.addWidget(w)
    w.resize(600, 400)
    many = [BookingRow(900 + n, f"京A{n:05d}", "客户", "MAINT_MINOR", at(8) + timedelta(minutes=10 * n), "booked",
                       "app") for n in range(40)]
    w.set_bookings(many, now=at(8))
    w.show()
    qtbot.waitExposed(w)
    bar = w.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    kept = bar.value()
    assert kept > 0
    changed = [b if b.booking_id != 910 else BookingRow(910, b.plate, b.customer, b.services, b.slot_start,
                                                          "checked_in", b.channel) for b in many]
    w.set_bookings(changed, now=at(12))
    w.set_bookings(changed + [BookingRow(999, "京B99999", "新客户", "TYRE", at(19), "booked", "app")])
    assert bar.value() == kept
    assert w.shown_texts()[10].endswith("已到店") and len(w.shown_texts()) == 41


def test_compare_widget_marks_longer_wait_as_worse(qtbot):
    w = StoreKpiCompareWidget()
    qtbot.addWidget(w)
    store, region = store_kpis()
    w.set_kpis(store, region)
    assert w.verdict("wait_hours") == "worse"  # 1.4 h against 0.9 h
    assert w.verdict("utilization") == "better"
    assert w.verdict("vehicles_per_store_day") == "better"
    assert w.verdict("csi") == "better"
    quicker = kpi("store", "北京望京店", 0.63, 0.5, 24, 18200, 86.2)
    w.set_kpis(quicker, region)
    assert w.verdict("wait_hours") == "better" and w.verdict("utilization") == "same"
    w.set_kpis(kpi("store", "新店", None, None, 0, 0, None), region)
    assert w.verdict("wait_hours") is None and w.verdict("csi") is None
    w.set_kpis(None, None)
    assert w.verdict("utilization") is None
    w.resize(460, 560)
    assert distinct_colours(w.grab().toImage()) > 3


def test_timeline_shows_events_in_order_with_actors_and_durations(qtbot):
    w = WorkOrderTimelineWidget()
    qtbot.addWidget(w)
    w.set_detail(detail("in_service"), now=NOW)
    assert w.step_texts()[:2] == ["已接车 12:55 顾问 孙丽 · 服务顾问", "维修中 14:07 张建国 · 技师"]
    assert [s.title for s in w.steps()] == ["已接车", "维修中", "待质检", "待完工", "待交车"]
    assert [s.current for s in w.steps()] == [False, True, False, False, False]
    assert w.duration_texts() == ["等待 1 小时 12 分", "已维修 13 分钟"]  # the second is still running
    assert w.plate_label.text() == "京E11223" and w.status_label.text() == "维修中"
    assert w.amount_label.text() == "¥1,750" and w.rating_label.text() == "尚未评价"
    # Events given out of order are shown in time order; a delivered order has no steps to come.
    done = detail("delivered")
    w.set_detail(WorkOrderDetail(**{**{f: getattr(done, f) for f in done.__slots__},
                                    "events": tuple(reversed(done.events))}))
    assert [s.title for s in w.steps()] == ["已接车", "维修中", "质检中", "已完工", "已交车"]
    assert w.duration_texts() == ["等待 1 小时 12 分", "维修 1 小时 33 分", "质检 20 分钟", "等待交车 45 分钟"]
    assert w.rating_label.text() == "客户评分 92 分" and w.steps()[-1].current
    w.set_detail(None)
    assert w.steps() == [] and w.plate_label.text() == "—"


# --- rendering ---------------------------------------------------------------------------------------------------

def _glyphs_present(font: QFont, text: str) -> list[str]:
    raw = QRawFont.fromFont(font)
    return [ch for ch in set(text) if not ch.isspace() and not raw.supportsCharacter(ord(ch))]


def test_every_string_the_widgets_paint_has_a_glyph_in_the_bundled_font(qtbot):
    from widgets import schedule_board, store_panels, timeline

    w = QWidget()
    qtbot.addWidget(w)
    strings = [
        *store_panels.BOOKING_STATUS_NAMES_ZH.values(), *store_panels.CHANNEL_NAMES_ZH.values(),
        *store_panels.TECH_STATE_NAMES_ZH.values(), *store_panels.SOURCE_NAMES_ZH.values(),
        store_panels.OVERDUE_ZH, *store_panels.VERDICT_ZH.values(), "★☆ 级 已等 小时 分钟 到店 已过 ¥ · ›",
        "多等 少等 个百分点 台 暂无数据 大区平均 本店 在店车辆 今日预约 技师 本店与大区对比 共 单 等待 工单 #",
        *schedule_board.STATUS_ZH.values(), *schedule_board.KIND_ZH.values(), "今日排班 全部 工位 技师 现在 待确认",
        "拖动“计划”任务可调整时间或工位 未能调整 时间：工位：技师： → –",
        *timeline.PHASE_ZH.values(), *timeline.UPCOMING_ZH.values(), "当前 已 客户评分 尚未评价 配件：未用配件 预约 ↓ …",
        "还没有记录 工单进度 月 日 ×",
    ]
    font = QFont(w.font())
    font.setPixelSize(BODY_PX)
    assert _glyphs_present(font, "".join(strings)) == []


def _page(theme_name: str = "light") -> tuple[QWidget, dict[str, QWidget]]:
    """A store page as the app would compose it, 1600×1000: on the left the day board over the vehicles and the
    bookings; on the right the comparison with the region over the technicians."""
    pal = theme.palette(theme_name)
    page = QWidget()
    page.setStyleSheet(f"background: {pal.window};")
    page.resize(1600, 1000)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(14, 10, 14, 14)
    outer.setSpacing(10)
    title = QLabel(f"北京望京店 · 10月30日 周五 <span style='font-size:15px; color:{pal.text_dim}'>Store day</span>")
    title.setStyleSheet(f"font-size: 24px; font-weight: 700; color: {pal.text}; background: transparent;")
    outer.addWidget(title)
    board = ScheduleBoardWidget(theme_name)
    board.set_day(START, END)
    board.set_lanes(lanes())
    board.set_now(NOW)
    board.set_jobs(jobs())
    compare = StoreKpiCompareWidget(theme_name)
    compare.set_kpis(*store_kpis())
    vehicles_w = WorkshopVehiclesWidget(theme_name)
    vehicles_w.set_vehicles(vehicles())
    bookings_w = BookingsWidget(theme_name)
    bookings_w.set_bookings(bookings(), now=NOW)
    techs_w = TechniciansWidget(theme_name)
    techs_w.set_technicians(technicians())
    columns = QHBoxLayout()
    columns.setSpacing(12)
    left, right, lists = QVBoxLayout(), QVBoxLayout(), QHBoxLayout()
    for box in (left, right, lists):
        box.setSpacing(12)
    lists.addWidget(vehicles_w, 1)
    lists.addWidget(bookings_w, 1)
    board.setMinimumHeight(board.height_for_all_lanes())  # the whole board in sight; the lists scroll
    left.addWidget(board, 0)
    left.addLayout(lists, 1)
    compare.setMaximumHeight(compare.sizeHint().height())
    right.addWidget(compare, 0)
    right.addWidget(techs_w, 1)
    columns.addLayout(left, 2)
    columns.addLayout(right, 1)
    outer.addLayout(columns, 1)
    return page, {"board": board, "compare": compare, "vehicles": vehicles_w, "bookings": bookings_w,
                  "technicians": techs_w}


def test_every_widget_switches_theme_and_still_paints(qtbot):
    board = make_board(qtbot, width=900, height=600)
    panels = [WorkshopVehiclesWidget(), BookingsWidget(), TechniciansWidget(), StoreKpiCompareWidget(),
              WorkOrderTimelineWidget()]
    panels[0].set_vehicles(vehicles())
    panels[1].set_bookings(bookings(), now=NOW)
    panels[2].set_technicians(technicians())
    panels[3].set_kpis(*store_kpis())
    panels[4].set_detail(detail(), now=NOW)
    for w in [board, *panels]:
        qtbot.addWidget(w)
        w.resize(max(w.width(), 480), max(w.height(), 520))
        light = w.grab().toImage()
        w.set_theme("dark")
        dark = w.grab().toImage()
        assert distinct_colours(dark) > 5
        assert dark.pixelColor(5, 5) != light.pixelColor(5, 5), f"{type(w).__name__} kept its light background"
    assert board.bar_item(6).isVisible()


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_store_page_renders_to_png(qtbot, theme_name):
    page, parts = _page(theme_name)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(50)  # let the lists and the board settle their scroll bars after the first layout
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    image = page.grab().toImage()
    assert image.width() == 1600 and image.height() == 1000
    assert image.save(str(PNG_DIR / f"store_page_{theme_name}.png"))
    assert distinct_colours(image) > 20
    for name, widget in parts.items():
        shot = widget.grab().toImage()
        assert distinct_colours(shot) > 5, f"{name} rendered blank"
        shot.save(str(PNG_DIR / f"{name}_{theme_name}.png"))
    # Something is drawn in the board's lanes, not just its frame.
    board = parts["board"]
    assert board.view.grab().toImage().pixelColor(2, 2) != QColor(0, 0, 0, 0)


def test_work_order_page_renders_to_png(qtbot):
    pal = theme.LIGHT
    page = QWidget()
    qtbot.addWidget(page)
    page.setStyleSheet(f"background: {pal.window};")
    page.resize(1600, 1000)
    layout = QHBoxLayout(page)
    layout.setContentsMargins(14, 14, 14, 14)
    layout.setSpacing(12)
    board = ScheduleBoardWidget()
    board.set_day(START, END)
    board.set_lanes(lanes())
    board.set_now(NOW)
    board.set_jobs(jobs())
    board.set_selected_work_order(1006)
    timeline_w = WorkOrderTimelineWidget()
    timeline_w.set_detail(detail("in_service"), now=NOW)
    layout.addWidget(board, 2)
    layout.addWidget(timeline_w, 1)
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(50)
    # A pending move and a rejected one, to see the ghost and the message.
    board.reject_move(11, "王强 16:30 已有其他任务，请换一个时间")
    board._add_pending(10, "bay", 2, at(17, 30))
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    image = page.grab().toImage()
    assert image.save(str(PNG_DIR / "work_order_page.png"))
    assert distinct_colours(timeline_w.grab().toImage()) > 5
    done = WorkOrderTimelineWidget()
    qtbot.addWidget(done)
    done.resize(520, 900)
    done.set_detail(detail("delivered"))
    assert done.grab().toImage().save(str(PNG_DIR / "timeline_delivered.png"))
