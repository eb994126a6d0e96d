"""The approval inbox and the request panels (parts sources, loan proposals, rebalancing status), fed hand-made
dataclasses: the intents they emit, the checks they make, what they show, and PNGs at laptop and HQ sizes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImage, QRawFont
from PySide6.QtWidgets import QApplication, QWidget

from app import fonts
from services.model import AuditEntry, InboxItem, PartsSource, Proposal, Reason, RebalanceRunInfo
from widgets.inbox import CHECK, InboxBadge, InboxWidget, age_text
from widgets.loan_proposals import LoanProposalsWidget
from widgets.parts_sources import PartsSourcesWidget
from widgets.rebalance_status import RebalanceStatusWidget

CHINA = ZoneInfo("Asia/Shanghai")
NOW = datetime.now(CHINA).replace(second=0, microsecond=0)
PNG_DIR = Path("/tmp/inbox_png")
SIZES = ((1366, 768), (1920, 1080))


@pytest.fixture(autouse=True)
def app_font(qapp: QApplication) -> None:
    fonts.apply_app_font(qapp)


def distinct_colours(image: QImage, step: int = 4) -> int:
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def save_png(widget: QWidget, name: str) -> QImage:
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    image = widget.grab().toImage()
    assert image.save(str(PNG_DIR / f"{name}.png"))
    return image


# --- hand-made data ----------------------------------------------------------------------------------------------

def item(rid: int, kind: str, summary: str, frm: str, to: str, urgency: int, age: int, impact: dict,
         status: str = "pending", by: str = "张伟", **kw) -> InboxItem:
    return InboxItem(rid, kind, status, 100 + rid, frm, 200 + rid, to, summary, kw.pop("en", summary), urgency, by,
                     NOW - timedelta(minutes=age), age, kw.pop("inbox", "region:N"), impact, **kw)


def items() -> list[InboxItem]:
    return [
        item(1, "parts", "机油滤清器 × 6：北京望京店 → 北京中关村店", "北京望京店", "北京中关村店", 1, 95,
             {"distance_km": 6.2, "shortage_jobs": 3, "wait_saved_min": 40, "cost_yuan": 120,
              "reason": "中关村店明天有 3 台保养缺滤清器，望京店库存够用两周。"},
             en="Oil filter × 6: Beijing Wangjing → Beijing Zhongguancun"),
        item(2, "technician_loan", "技师 李强 支援 3 天：天津河西店 → 北京亦庄店", "天津河西店", "北京亦庄店", 2, 25,
             {"distance_km": 118.0, "wait_saved_min": 85, "cost_yuan": 1800, "sender_wait_added_min": 10},
             by="刘芳", inbox="hq"),
        item(3, "referral", "客户 京N·8K2Q1 小保养：北京朝阳店 → 北京酒仙桥店", "北京朝阳店", "北京酒仙桥店", 2,
             300, {"distance_km": 4.8, "wait_saved_min": 55, "cost_yuan": 0, "jobs": 1}, by="系统"),
        item(4, "parts", "刹车片（前）× 4：北京顺义店 → 北京望京店", "北京顺义店", "北京望京店", 3, 12,
             {"distance_km": 21.5, "shortage_jobs": 1, "wait_saved_min": 15, "cost_yuan": 260}, by="王磊"),
        item(5, "parts", "空调滤芯 × 10：北京大兴店 → 北京丰台店", "北京大兴店", "北京丰台店", 2, 1500,
             {"distance_km": 14.0, "shortage_jobs": 2, "wait_saved_min": 20, "cost_yuan": 90}, status="approved",
             by="赵敏", decided_by="孙经理", decided_at=NOW - timedelta(hours=2),
             decision_comment="大兴店库存充足，同意，下午送到。", applied_at=NOW - timedelta(hours=2)),
        item(6, "technician_loan", "技师 周杰 支援 2 天：北京通州店 → 北京望京店", "北京通州店", "北京望京店", 2,
             2000, {"distance_km": 19.0, "wait_saved_min": 30, "cost_yuan": 1200}, status="rejected",
             by="王磊", decided_by="孙经理", decided_at=NOW - timedelta(hours=20),
             decision_comment="通州店这两天自己也忙，下周再说。"),
    ]


def history() -> list[AuditEntry]:
    return [
        AuditEntry(NOW - timedelta(minutes=95), "张伟", "transfer_request.create",
                   {"qty": 6, "status": [None, "pending"]}),
        AuditEntry(NOW - timedelta(minutes=60), "系统", "transfer_request.propose", {"comment": "全国调配也建议这条"}),
    ]


def make_inbox(qtbot, mode: str = "approver") -> InboxWidget:
    w = InboxWidget()
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.set_items(items(), mode)
    return w


def sources() -> list[PartsSource]:
    return [
        PartsSource(11, "北京望京店", 6.2, 18, 8, 12.0,
                    (Reason("distance", 30, "6.2 公里，今天下午就能送到", "6.2 km, can arrive this afternoon"),)),
        PartsSource(12, "北京酒仙桥店", 9.8, 9, 3, 4.5,
                    (Reason("stock", 10, "调出 3 件后还够自己用 4 天", "Enough for 4 days after giving 3"),)),
        PartsSource(13, "北京三元桥店", 11.4, 4, 0, 0.0),
    ]


def proposals() -> tuple[list[Proposal], dict[int, str], dict[int, str], dict[int, str]]:
    day = date(2026, 12, 3)
    props = [
        Proposal("technician_loan", 31, 9, technician_id=501, loan_from=day, loan_to=day + timedelta(days=2),
                 impact={"distance_km": 8.5, "wait_saved_min": 75, "cost_yuan": 900, "sender_wait_added_min": 8},
                 reason="通州店这三天负荷只有 55%，李强会保养和电气。",
                 reason_en="Tongzhou is at 55 % these days; Li Qiang does maintenance and electrics."),
        Proposal("technician_loan", 32, 9, technician_id=502, loan_from=day, loan_to=day + timedelta(days=1),
                 impact={"distance_km": 15.2, "wait_saved_min": 40, "cost_yuan": 600, "sender_wait_added_min": 15},
                 reason="顺义店周三周四不忙。"),
        Proposal("technician_loan", 33, 9, technician_id=503, loan_from=day, loan_to=day,
                 impact={"distance_km": 22.0, "wait_saved_min": 20, "cost_yuan": 350}),
    ]
    names = {501: "李强", 502: "陈静", 503: "马超"}
    stores = {31: "北京通州店", 32: "北京顺义店", 33: "北京大兴店"}
    skills = {501: "保养、电气 · 4 级", 502: "保养、轮胎 · 3 级", 503: "钣金 · 3 级"}
    return props, names, stores, skills


def runs() -> list[RebalanceRunInfo]:
    out = []
    for n, (mins, who, trig, props, secs, status) in enumerate([
        (12, "上海控制中心", "schedule", 42, 1.4, "done"), (27, "北京总部控制中心", "schedule", 38, 1.3, "done"),
        (40, "北京总部控制中心", "manual", 40, 1.6, "done"), (57, "广州华南控制中心", "schedule", 0, None, "failed"),
        (72, "上海控制中心", "schedule", 35, 1.2, "done")]):
        start = NOW - timedelta(minutes=mins)
        out.append(RebalanceRunInfo(100 - n, start, trig, who, start,
                                    start + timedelta(seconds=secs) if secs else None, status, props, secs,
                                    "求解超时，下次会再试。" if status == "failed" else None))
    return out


BY_KIND = {"referral": 20, "parts": 15, "technician_loan": 7}


# --- the inbox ---------------------------------------------------------------------------------------------------

def test_age_words():
    assert age_text(5) == "5 分钟"
    assert age_text(80) == "1 小时 20 分"
    assert age_text(60 * 27) == "1 天 3 小时"


def test_approve_the_selected_request_with_its_comment(qtbot):
    w = make_inbox(qtbot)
    assert w.select(2)
    w.comment_edit.setText("  同意，周一开始  ")
    with qtbot.waitSignal(w.sig_approve_requested) as sig:
        qtbot.mouseClick(w.approve_button, Qt.MouseButton.LeftButton)
    assert sig.args == [[2], "同意，周一开始"]


def test_reject_needs_a_comment_then_carries_it(qtbot):
    w = make_inbox(qtbot)
    w.select(1)
    with qtbot.assertNotEmitted(w.sig_reject_requested):
        qtbot.mouseClick(w.reject_button, Qt.MouseButton.LeftButton)
    assert w.comment_error_text == "驳回要写一句理由，申请人会看到。"
    w.comment_edit.setText("中关村店上周刚进过货")
    with qtbot.waitSignal(w.sig_reject_requested) as sig:
        qtbot.mouseClick(w.reject_button, Qt.MouseButton.LeftButton)
    assert sig.args == [[1], "中关村店上周刚进过货"]


def test_typing_a_comment_clears_the_sentence(qtbot):
    w = make_inbox(qtbot)
    w.select(1)
    w.reject_current()
    assert w.comment_error_text
    qtbot.keyClicks(w.comment_edit, "no stock")  # QTest types ASCII only
    assert w.comment_error_text == ""


def test_bulk_approve_emits_every_checked_request(qtbot):
    w = make_inbox(qtbot)
    assert not w.bulk_button.isEnabled()
    w.set_checked(1)
    w.set_checked(3)
    w.set_checked(4)
    w.set_checked(4, False)
    w.set_checked(5)  # decided: cannot be checked
    assert sorted(w.checked_ids()) == [1, 3]
    assert w.bulk_button.text() == "批量同意（2）"
    w.comment_edit.setText("按系统建议")
    with qtbot.waitSignal(w.sig_approve_requested) as sig:
        qtbot.mouseClick(w.bulk_button, Qt.MouseButton.LeftButton)
    assert sorted(sig.args[0]) == [1, 3] and sig.args[1] == "按系统建议"


def test_check_all_takes_every_pending_shown_and_clicking_the_box_checks(qtbot):
    w = make_inbox(qtbot)
    w.check_all_button.click()
    assert sorted(w.checked_ids()) == [1, 2, 3, 4]
    w.check_all_button.click()
    assert w.checked_ids() == []
    # A click on a row's box checks it.
    row = w.visible_ids().index(3)
    index = w.proxy.index(row, CHECK)
    rect = w.table.visualRect(index)
    qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.checked_ids() == [3]
    # Checks survive fresh items for requests still pending.
    w.set_items(items(), "approver")
    assert w.checked_ids() == [3]


def test_filters_filter_and_are_announced(qtbot):
    w = make_inbox(qtbot)
    assert sorted(w.visible_ids()) == [1, 2, 3, 4]  # pending by default
    assert w.count == 4
    with qtbot.waitSignal(w.sig_filter_changed) as sig:
        w.kind_combo.setCurrentIndex(w.kind_combo.findData("parts"))
    assert sig.args[0]["kind"] == "parts"
    assert sorted(w.visible_ids()) == [1, 4]
    w.store_edit.setText("望京")
    assert sorted(w.visible_ids()) == [1, 4]
    w.store_edit.setText("顺义")
    assert w.visible_ids() == [4]
    w.set_filters(min_age_minutes=60)
    assert sorted(w.visible_ids()) == [1, 3]
    w.set_filters(urgency=1)
    assert w.visible_ids() == [1]
    w.set_filters(status="decided")
    assert sorted(w.visible_ids()) == [5, 6]
    w.set_filters(status=None, kind="technician_loan")
    assert sorted(w.visible_ids()) == [2, 6]
    w.set_filters(store="没有这家店")
    assert w.visible_ids() == [] and "没有符合筛选条件" in w.empty_label.text()
    assert w.filters() == {"kind": None, "store": "没有这家店", "urgency": None, "min_age_minutes": 0,
                           "status": "pending"}


def test_sorting_by_age_and_urgency(qtbot):
    w = make_inbox(qtbot)
    w.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # 已等
    assert w.visible_ids() == [3, 1, 2, 4]
    w.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # 紧急 first
    assert w.visible_ids()[0] == 1 and w.visible_ids()[-1] == 4


def test_detail_shows_impact_route_and_history(qtbot):
    w = make_inbox(qtbot)
    assert w.current_item().request_id == 1  # the most urgent comes first and is selected
    w.select(2)
    with qtbot.waitSignal(w.sig_history_requested) as sig:
        w.select(1)
    assert sig.args == [1]
    assert w.summary_label.text() == "机油滤清器 × 6：北京望京店 → 北京中关村店"
    assert w.route_label.text() == "北京望京店 → 北京中关村店 · 6.2 公里"
    assert w.impact_bars.lines() == ["顾客少等 40 分钟", "缺件工单 3 单", "费用 ¥120"]
    assert "张伟" in w.asked_label.text() and "华北区域经理" in w.asked_label.text()
    assert w.history_lines() == ["正在读取记录…"]
    w.set_history(2, history())  # another request's: ignored
    assert w.history_lines() == ["正在读取记录…"]
    w.set_history(1, history())
    lines = w.history_lines()
    assert len(lines) == 2 and "张伟  提交了申请" in lines[0] and "状态：— → 待审批" in lines[0]
    assert not w.select(5)  # decided: not in the pending list
    w.set_filters(status=None)
    assert w.select(5)
    assert w.decision_label.isVisibleTo(w) and "孙经理" in w.decision_label.text()
    assert "大兴店库存充足" in w.decision_label.text()
    assert not w.approve_button.isEnabled() and not w.reject_button.isEnabled()


def test_conflict_says_so_and_asks_for_fresh_items(qtbot):
    w = make_inbox(qtbot)
    w.select(1)
    w.set_busy(True, "正在提交…")
    assert not w.approve_button.isEnabled()
    with qtbot.waitSignal(w.sig_refresh_requested):
        w.show_conflict("孙经理刚刚已经同意了这条申请，列表已刷新。")
    assert w.message == "孙经理刚刚已经同意了这条申请，列表已刷新。"
    assert w.approve_button.isEnabled()
    w.show_decided("已同意 1 条申请。")
    assert w.message == "已同意 1 条申请。" and w.comment_edit.text() == ""
    w.show_error("连接断了，没有提交。请再试一次。")
    assert w.message.startswith("连接断了")


def test_requester_mode_is_read_only(qtbot):
    w = make_inbox(qtbot, "requester")
    assert w.title_label.text() == "我的申请"
    assert w.table.isColumnHidden(CHECK) and w.bulk_box.isHidden()
    assert sorted(w.visible_ids()) == [1, 2, 3, 4, 5, 6]  # every state
    w.select(1)
    assert w.approve_button.isHidden() and w.reject_button.isHidden() and w.comment_edit.isHidden()
    with qtbot.assertNotEmitted(w.sig_approve_requested), qtbot.assertNotEmitted(w.sig_reject_requested):
        w.approve_current()
        w.reject_current()
        w.set_checked(1)
        w.approve_checked()
    assert w.checked_ids() == []
    assert not w.model.flags(w.model.index(0, CHECK)) & Qt.ItemFlag.ItemIsUserCheckable
    with qtbot.waitSignal(w.sig_cancel_requested) as sig:
        w.cancel_button.click()
    assert sig.args == [1]
    w.select(6)
    assert not w.cancel_button.isEnabled() or w.actions_box.isHidden()
    assert "通州店这两天自己也忙" in w.decision_label.text()


def test_badge_shows_the_pending_count(qtbot):
    b = InboxBadge()
    qtbot.addWidget(b)
    assert b.badge_text == "" and "没有" in b.toolTip()
    b.set_count(7)
    assert b.badge_text == "7" and b.toolTip() == "有 7 条申请等你审批"
    b.set_count(120)
    assert b.badge_text == "99+"
    w = make_inbox(qtbot)
    assert w.count_label.text() == "待审批 4 条"
    w.set_count(9)
    assert w.count_label.text() == "待审批 9 条"


def test_empty_inbox_says_so(qtbot):
    w = InboxWidget()
    qtbot.addWidget(w)
    assert w.empty_label.text() == "没有等你审批的申请。"
    assert w.current_item() is None


# --- parts sources, loans, rebalancing -----------------------------------------------------------------------------

def test_parts_sources_request_one_source(qtbot):
    w = PartsSourcesWidget()
    qtbot.addWidget(w)
    w.set_shortage("OF-2231", "机油滤清器", 8, 2, sources())
    assert w.need_label.text() == "需要 8 件，店里有 2 件，还差 6 件。"
    assert [c.qty_spin.value() for c in w.cards] == [6, 3, 0]
    assert not w.cards[2].request_button.isEnabled()
    assert w.cards[1].spare_label.text() == "可以调出 3 件，调出后能撑 4.5 天"
    with qtbot.waitSignal(w.sig_request_requested) as sig:
        w.cards[1].request_button.click()
    assert sig.args == [12, "OF-2231", 3]
    assert not w.cards[0].request_button.isEnabled()
    w.show_requested("已向北京酒仙桥店申请 3 件机油滤清器，等华北区域经理审批。")
    assert w.message.startswith("已向北京酒仙桥店") and w.cards[0].request_button.isEnabled()
    w.show_error("这家店刚刚把货调给了别的店，请换一家。")
    assert w.message.startswith("这家店刚刚")
    w.set_shortage("BP-1", "刹车片", 2, 0, [])
    assert w.cards == [] and "配件中心" in w.empty_label.text()


def test_loan_proposals_request_carries_the_proposal(qtbot):
    w = LoanProposalsWidget()
    qtbot.addWidget(w)
    props, names, stores, skills = proposals()
    w.set_proposals("北京亦庄店", date(2026, 12, 3), date(2026, 12, 5), props, names, stores, skills, 132)
    assert w.store_label.text() == "北京亦庄店 · 12月3日–12月5日（3 天）"
    assert "132%" in w.load_label.text()
    assert [c.name_label.text() for c in w.cards] == ["李强", "陈静", "马超"]
    assert w.cards[0].impact_bars.lines() == ["本店顾客少等 75 分钟", "派出店的代价 ¥900", "派出店顾客多等 8 分钟"]
    assert w.cards[0].from_label.text() == "来自 北京通州店 · 8.5 公里"
    with qtbot.waitSignal(w.sig_request_requested) as sig:
        w.cards[1].request_button.click()
    assert sig.args[0] is props[1]
    w.show_requested("已申请陈静 12月3日–12月4日 来支援，等华北区域经理审批。")
    assert w.message.startswith("已申请") and w.cards[0].request_button.isEnabled()


def test_rebalance_status_shows_the_last_run_and_runs_on_demand(qtbot):
    w = RebalanceStatusWidget()
    qtbot.addWidget(w)
    assert not w.empty_label.isHidden()
    w.set_runs(runs(), NOW + timedelta(minutes=3), BY_KIND)
    assert "上次运行：今天" in w.last_label.text()
    assert w.by_label.text() == "由 上海控制中心 运行（定时），用时 1.4 秒"
    assert w.proposals_label.text() == "提出 42 条建议"
    assert w.kind_bars.lines() == ["跨店推荐 20 条", "调配件 15 条".replace("调配件", "调拨配件"), "技师支援 7 条"]
    assert len(w.recent_lines()) == 4 and "失败" in w.recent_lines()[2]
    with qtbot.waitSignal(w.sig_run_requested):
        w.run_button.click()
    w.set_running(True)
    assert not w.run_button.isEnabled() and w.running
    with qtbot.assertNotEmitted(w.sig_run_requested):
        w.request_run()
    w.set_running(False)
    assert w.run_button.isEnabled()
    w.set_runs(runs()[3:], None)
    assert w.message == "求解超时，下次会再试。" and w.next_label.text() == "没有定时运行。"


# --- pictures ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_render_every_widget_to_png(qtbot, size):
    width, height = size
    tag = f"{width}x{height}"
    shots = []
    w = make_inbox(qtbot)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    w.set_checked(3)
    w.set_checked(4)
    w.select(1)
    w.set_history(1, history())
    w.reject_current()  # the sentence under the comment field
    qtbot.wait(20)
    shots.append(save_png(w, f"inbox_approver_{tag}"))
    w.set_filters(status=None)
    w.select(5)
    w.set_history(5, history())
    w.show_conflict("孙经理刚刚已经同意了这条申请，列表已刷新。")
    qtbot.wait(20)
    shots.append(save_png(w, f"inbox_decided_{tag}"))
    r = make_inbox(qtbot, "requester")
    r.resize(width, height)
    r.show()
    r.select(2)
    qtbot.wait(20)
    shots.append(save_png(r, f"inbox_requester_{tag}"))

    panel_w, panel_h = (width // 2, height) if width < 1900 else (width // 2, height * 3 // 4)
    p = PartsSourcesWidget()
    qtbot.addWidget(p)
    p.resize(panel_w, panel_h)
    p.set_shortage("OF-2231", "机油滤清器", 8, 2, sources())
    p.show_requested("已向北京望京店申请 6 件机油滤清器，等华北区域经理审批。")
    shots.append(save_png(p, f"parts_sources_{tag}"))
    lp = LoanProposalsWidget()
    qtbot.addWidget(lp)
    lp.resize(panel_w, panel_h)
    props, names, stores, skills = proposals()
    lp.set_proposals("北京亦庄店", date(2026, 12, 3), date(2026, 12, 5), props, names, stores, skills, 132)
    shots.append(save_png(lp, f"loan_proposals_{tag}"))
    rs = RebalanceStatusWidget()
    qtbot.addWidget(rs)
    rs.resize(panel_w * 3 // 4, min(panel_h, 620))
    rs.set_runs(runs(), NOW + timedelta(minutes=3), BY_KIND)
    rs.set_running(True)
    shots.append(save_png(rs, f"rebalance_status_{tag}"))
    badge = InboxBadge()
    qtbot.addWidget(badge)
    badge.set_count(12)
    badge.resize(badge.sizeHint())
    shots.append(save_png(badge, f"inbox_badge_{tag}"))
    for image in shots:
        assert distinct_colours(image, 2) > 8


def test_every_fixed_string_has_a_glyph_in_the_bundled_font(qtbot):
    from widgets import inbox, loan_proposals, rebalance_status

    w = QWidget()
    qtbot.addWidget(w)
    strings = [*inbox.KIND_NAMES.values(), *inbox.STATUS_NAMES.values(), *inbox.URGENCY_NAMES.values(),
               *(a[1] for a in inbox.AGE_CHOICES), *(m[1] for m in inbox.IMPACT_METRICS),
               *(m[1] for m in loan_proposals.LOAN_METRICS), *rebalance_status.RUN_STATUS.values(),
               inbox.REJECT_NEEDS_COMMENT, "→·…“”：，。（）–¥"]
    font = QFont(w.font())
    font.setPixelSize(19)
    raw = QRawFont.fromFont(font)
    missing = [ch for ch in set("".join(strings)) if not ch.isspace() and not raw.supportsCharacter(ord(ch))]
    assert missing == []


def test_the_inbox_speaks_english_when_it_is_installed(qtbot, qapp):
    from app import i18n

    assert i18n.install_language(qapp, "en") == "en"
    try:
        w = make_inbox(qtbot)
        assert w.title_label.text() == "Approval inbox" and w.title_en_label.isHidden()
        assert w.summary_label.text() == "Oil filter × 6: Beijing Wangjing → Beijing Zhongguancun"  # summary_en
        assert w.impact_bars.lines() == ["Less waiting 40 min", "Jobs short of parts 3 jobs", "Cost ¥120"]
        assert age_text(80) == "1 h 20 min"
        w.reject_current()
        assert w.comment_error_text == "Write one sentence why you reject it; the requester will see it."
        rs = RebalanceStatusWidget()
        qtbot.addWidget(rs)
        rs.set_runs(runs(), None, BY_KIND)
        assert rs.by_label.text() == "Run by 上海控制中心 (scheduled) in 1.4 s"
        assert rs.run_button.text() == "Run now"
    finally:
        i18n.install_language(qapp, "zh_CN")
