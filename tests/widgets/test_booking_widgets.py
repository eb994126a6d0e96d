"""The smart-booking widgets (booking dialog, technician recommendation, pricing editor, replay comparison), fed
hand-made dataclasses: the intents they emit, the checks they make, what they show, and PNGs to look at."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImage, QRawFont
from PySide6.QtWidgets import QApplication, QWidget

from app import fonts
from services.booking.pricing import DEFAULT_RULES
from services.dispatch.model import TechRecommendation
from services.model import (
    BookingConfirmation,
    PricingRule,
    Reason,
    ScenarioKpiRow,
    SlotOffer,
    StoreRecommendation,
)
from widgets.booking_dialog import BookingDialog, discount_badge, zhe
from widgets.pricing_editor import PricingEditor
from widgets.scenario_view import ScenarioView
from widgets.tech_recommend import TechRecommendList

CHINA = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 1)  # a Tuesday
PNG_DIR = Path("/tmp/widgets_png")


@pytest.fixture(autouse=True)
def app_font(qapp: QApplication) -> None:
    fonts.apply_app_font(qapp)


def at(h: int, m: int = 0) -> datetime:
    return datetime.combine(DAY, time(h, m), CHINA)


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

def reasons(distance: float, wait: int, price_note: str, extra: tuple[Reason, ...] = ()) -> tuple[Reason, ...]:
    return (
        Reason("distance", 22.0, f"距离 {distance:.1f} 公里，开车约 {round(distance * 3 + 4)} 分钟",
               f"{distance:.1f} km away, about {round(distance * 3 + 4)} min by car"),
        Reason("wait", 30.0, f"那个时间店里排队少，预计等 {wait} 分钟", f"Short queue then: about {wait} min wait"),
        Reason("capability", 20.0, "有保养技师和举升工位，机油滤清器有货",
               "Has maintenance technicians, a lift and the oil filter in stock"),
        Reason("price", 8.0, price_note, price_note),
        *extra,
    )


def recommendations() -> list[StoreRecommendation]:
    return [
        StoreRecommendation(101, "BJ-007", "北京望京店", "Beijing Wangjing", "北京", 2.4, 11, at(10, 30), 5, 420.0,
                            357.0, 15.0, 86.5, reasons(2.4, 5, "10:30 是低峰，打 85 折，省 ¥63")),
        StoreRecommendation(102, "BJ-012", "北京酒仙桥店", "Beijing Jiuxianqiao", "北京", 4.8, 19, at(9, 30), 20,
                            420.0, 420.0, 0.0, 71.0, reasons(4.8, 20, "原价 ¥420")),
        StoreRecommendation(103, "BJ-031", "北京三元桥店", "Beijing Sanyuanqiao", "北京", 6.1, 24, at(13, 0), 45,
                            420.0, 386.0, 8.0, 48.0, reasons(6.1, 45, "13:00 半空时段 92 折")),
        StoreRecommendation(104, "BJ-044", "北京东坝店", "Beijing Dongba", "北京", 3.1, 13, None, 0, 420.0, 420.0,
                            0.0, 0.0,
                            (Reason("capability", 0.0, "没有四轮定位工位，做不了四轮定位",
                                    "No alignment bay: cannot do wheel alignment"),), capable=False),
    ]


def slots(store_id: int = 101) -> list[SlotOffer]:
    rows = [(9, 30, 0.82, 0.0, None), (10, 30, 0.31, 15.0, "低峰时段 8 折半"), (11, 15, 0.55, 8.0, "半空时段 92 折"),
            (14, 0, 0.38, 15.0, "低峰时段 8 折半"), (16, 30, 0.66, 10.0, "工作日午后 9 折")]
    out = []
    for n, (h, m, load, pct, rule) in enumerate(rows):
        start = at(h, m)
        out.append(SlotOffer(store_id, start, start + timedelta(minutes=45), 10 + n, 20 + n, load, 420.0,
                             float(round(420 * (1 - pct / 100))), pct, rule))
    return out


def tech_items() -> tuple[list[TechRecommendation], dict[int, str]]:
    items = [
        TechRecommendation(11, 91.0, (Reason("skill", 40, "会保养和轮胎，4 级技师", "Maintenance and tyres, level 4"),
                                      Reason("load", 30, "今天只排了 3 小时活，还空", "Only 3 h booked today"),
                                      Reason("rating", 21, "客户评分 96 分", "Customer rating 96")), 10 * 60 + 30),
        TechRecommendation(12, 74.0, (Reason("skill", 40, "会保养，3 级技师", "Maintenance, level 3"),
                                      Reason("load", 14, "今天已排满 6 小时", "6 h booked today"),
                                      Reason("rating", 20, "客户评分 90 分", "Customer rating 90")), 13 * 60),
        TechRecommendation(15, 35.0, (Reason("skill", 10, "只会轮胎，不会保养", "Tyres only, no maintenance"),
                                      Reason("load", 15, "下午请假", "Off this afternoon"),
                                      Reason("rating", 10, "客户评分 84 分", "Customer rating 84")), None),
    ]
    return items, {11: "张建国", 12: "李明", 15: "陈伟"}


def scenario_rows() -> list[ScenarioKpiRow]:
    regions = [(None, 0.52, 1.8, 0.715, 0.98), ("N", 0.38, 1.5, 0.68, 0.9), ("NE", 0.55, 1.4, 0.72, 0.85),
               ("E", 0.78, 2.1, 0.80, 1.1), ("C", 0.50, 1.7, 0.70, 1.0), ("S", 0.61, 2.8, 0.74, 1.3),
               ("SW", 0.47, 1.6, 0.69, 0.95), ("NW", 0.44, 0.9, 0.66, 0.7)]
    out = []
    for code, u_old, w_old, u_new, w_new in regions:
        out.append(ScenarioKpiRow(7, "old", code, u_old, w_old, 25.0, 18000.0, 3100.0, 82.0, 0.031, 0.0, 0.0,
                                  420, 45000))
        out.append(ScenarioKpiRow(8, "smart", code, u_new, w_new, 33.5, 24800.0, 4150.0, 89.5, 0.024, 1180.0, 0.07,
                                  95, 45300))
    return out


def hourly() -> dict[str, list[float]]:
    old = [0, 0, 0, 0, 0, 0, 0, 0.05, 0.45, 0.78, 0.92, 0.95, 0.7, 0.55, 0.62, 0.75, 0.7, 0.52, 0.3, 0.12, 0.02,
           0, 0, 0]
    smart = [0, 0, 0, 0, 0, 0, 0, 0.08, 0.6, 0.78, 0.82, 0.8, 0.72, 0.72, 0.74, 0.76, 0.72, 0.62, 0.42, 0.18,
             0.04, 0, 0, 0]
    return {"old": old, "smart": smart}


META = {"days": 30, "stores": 600, "run_at": datetime(2026, 11, 25, 14, 2)}


# --- booking dialog ----------------------------------------------------------------------------------------------

def make_dialog(qtbot, **preset) -> BookingDialog:
    dialog = BookingDialog(today=DAY)
    qtbot.addWidget(dialog)
    dialog.resize(1180, 800)
    if preset:
        dialog.preset(**preset)
    return dialog


def test_discount_words():
    assert zhe(15) == "85" and zhe(10) == "9" and zhe(8) == "92"
    assert discount_badge(15) == "低峰 85 折" and discount_badge(0) == ""


def test_step_one_checks_each_field_with_one_sentence(qtbot):
    d = make_dialog(qtbot)
    d.fill(plate="", codes=(), time_from=time(14, 0), time_to=time(10, 0))
    with qtbot.assertNotEmitted(d.sig_recommend_requested):
        d.recommend_button.click()
    errors = d.field_errors()
    assert set(errors) == {"plate", "services", "window"}
    assert "车牌" in errors["plate"] and "服务项目" in errors["services"] and "晚于" in errors["window"]
    assert d.step == d.STEP_CUSTOMER
    # Fixing the fields clears their sentences and lets the request go.
    d.fill(plate="京a 12345", phone="138-1234-5678", codes=("MAINT_MINOR", "TYRE"), day=DAY,
           time_from=time(9, 0), time_to=time(12, 0))
    with qtbot.waitSignal(d.sig_recommend_requested) as blocker:
        d.recommend_button.click()
    assert d.field_errors() == {}
    request = blocker.args[0]
    assert request["plate"] == "京A12345" and request["phone"] == "13812345678"
    assert request["service_codes"] == ("MAINT_MINOR", "TYRE")
    assert request["date"] == DAY
    assert request["window_start"] == at(9) and request["window_end"] == at(12)
    assert request["store_id"] is None
    assert d.busy  # waiting for the answer: buttons off, progress shown


def test_a_bad_phone_number_is_refused(qtbot):
    d = make_dialog(qtbot)
    d.fill(plate="沪B99887", phone="12ab", codes=("DIAG",))
    with qtbot.assertNotEmitted(d.sig_recommend_requested):
        d.recommend_button.click()
    assert list(d.field_errors()) == ["phone"]


def test_recommendations_show_cards_choose_the_best_and_ask_for_its_slots(qtbot):
    d = make_dialog(qtbot, store_id=101, lat=39.99, lon=116.47)
    d.fill(plate="京A12345", customer="王先生", codes=("MAINT_MINOR",), day=DAY)
    with qtbot.waitSignal(d.sig_recommend_requested) as blocker:
        d.recommend_button.click()
    assert blocker.args[0]["store_id"] == 101 and blocker.args[0]["lat"] == 39.99
    with qtbot.waitSignal(d.sig_slots_requested) as blocker:
        d.show_recommendations(recommendations())
    assert blocker.args == [101, ("MAINT_MINOR",), DAY]
    assert d.step == d.STEP_STORE
    cards = d.store_cards
    assert [c.name_label.text() for c in cards] == ["北京望京店", "北京酒仙桥店", "北京三元桥店", "北京东坝店"]
    assert not cards[0].own_chip.isHidden() and cards[1].own_chip.isHidden()  # the preset store is marked 本店
    assert "2.4 公里" in cards[0].facts_label.text() and "最早 10:30" in cards[0].facts_label.text()
    assert [lbl.text() for lbl in cards[0].reason_labels][1] == "· 那个时间店里排队少，预计等 5 分钟"
    assert "<s>¥420</s>" in cards[0].price_label.text() and "¥357" in cards[0].price_label.text()
    assert cards[0].badge_label.text() == "低峰 85 折"
    # The store that cannot do it is greyed with its reason and cannot be chosen.
    grey = cards[3]
    assert grey.property("capable") == "false" and not grey.not_capable_label.isHidden()
    assert "四轮定位" in grey.reason_labels[0].text()
    with qtbot.assertNotEmitted(d.sig_slots_requested):
        qtbot.mouseClick(grey, Qt.MouseButton.LeftButton)
    # Another store asks for its slots.
    d.set_busy(False)
    with qtbot.waitSignal(d.sig_slots_requested) as blocker:
        qtbot.mouseClick(cards[2], Qt.MouseButton.LeftButton)
    assert blocker.args[0] == 103 and d.chosen_store == 103
    assert cards[2].property("chosen") == "true" and cards[0].property("chosen") == "false"


def _to_slots(qtbot, d: BookingDialog) -> None:
    d.fill(plate="京A12345", customer="王先生", phone="13812345678", codes=("MAINT_MINOR",), day=DAY)
    d.recommend_button.click()
    d.show_recommendations(recommendations())
    d.show_slots(slots())


def test_picking_a_slot_confirms_and_books_it(qtbot):
    d = make_dialog(qtbot)
    _to_slots(qtbot, d)
    assert not d.busy
    texts = [b.text_line() for b in d.slot_buttons]
    assert texts[1] == "10:30–11:15 ¥357 低峰 85 折" and texts[0] == "09:30–10:15 ¥420"
    qtbot.mouseClick(d.slot_buttons[1], Qt.MouseButton.LeftButton)
    assert d.step == d.STEP_CONFIRM
    assert d.summary_values["store"].text() == "北京望京店"
    assert d.summary_values["time"].text() == "12月1日 周二  10:30–11:15"
    assert d.summary_values["services"].text() == "小保养"
    with qtbot.waitSignal(d.sig_book_requested) as blocker:
        d.confirm_button.click()
    booking = blocker.args[0]
    assert booking["slot"] == slots()[1]
    assert (booking["store_id"], booking["start"], booking["bay_id"], booking["technician_id"]) == \
        (101, at(10, 30), 11, 21)
    assert booking["price"] == 357.0 and booking["discount_pct"] == 15.0
    assert booking["plate"] == "京A12345" and booking["service_codes"] == ("MAINT_MINOR",)
    assert d.busy
    d.show_booked(BookingConfirmation(5521, 101, at(10, 30), at(11, 15), 11, 21, 420.0, 357.0, 15.0))
    assert not d.busy
    assert d.result_label.text() == "已预约：京A12345 小保养，北京望京店 12月1日 周二 10:30，¥357（低峰 85 折）。预约号 5521。"
    assert d.confirm_button.isHidden() and not d.done_button.isHidden()


def test_a_slot_taken_by_someone_else_offers_alternatives_and_one_click_books_one(qtbot):
    d = make_dialog(qtbot)
    _to_slots(qtbot, d)
    qtbot.mouseClick(d.slot_buttons[1], Qt.MouseButton.LeftButton)
    d.confirm_button.click()
    alternatives = [s for s in slots() if s.start != at(10, 30)][1:4]
    d.show_slot_taken("The slot was just booked by another advisor.", alternatives)
    assert not d.busy and d.step == d.STEP_CONFIRM
    assert "10:30 这个时间刚被别的顾问约走了" in d.taken_label.text()
    assert [b.slot for b in d.alternative_buttons] == alternatives
    assert d.confirm_button.isHidden()
    # The lost slot is no longer offered on the store page either.
    assert at(10, 30) not in [b.slot.start for b in d.slot_buttons]
    with qtbot.waitSignal(d.sig_book_requested) as blocker:
        qtbot.mouseClick(d.alternative_buttons[1], Qt.MouseButton.LeftButton)
    assert blocker.args[0]["slot"] == alternatives[1] and blocker.args[0]["start"] == alternatives[1].start
    assert d.summary_values["time"].text().endswith(f"{alternatives[1].start:%H:%M}–{alternatives[1].end:%H:%M}")


def test_errors_and_empty_answers_are_said_plainly(qtbot):
    d = make_dialog(qtbot)
    d.fill(plate="京A12345", codes=("BODY",), day=DAY)
    d.recommend_button.click()
    d.show_error("数据库暂时连不上，请稍后再试。")
    assert d.message == "数据库暂时连不上，请稍后再试。" and not d.busy
    d.show_recommendations([])
    assert "没有能做这些项目的门店" in d.stores_hint.text()
    d.show_recommendations(recommendations()[:1])
    d.show_slots([])
    assert "没有空位" in d.slots_hint.text()


def test_booking_dialog_renders_each_step_to_png(qtbot):
    d = make_dialog(qtbot, store_id=101)
    d.show()
    qtbot.waitExposed(d)
    d.fill(plate="", codes=("MAINT_MINOR", "ALIGN"), day=DAY, time_from=time(12, 0), time_to=time(10, 0))
    d.recommend_button.click()
    shots = [save_png(d, "booking_step1_errors")]
    d.fill(plate="京A12345", customer="王建华", phone="13812345678", codes=("MAINT_MINOR", "ALIGN"), day=DAY,
           time_from=time(9, 0), time_to=time(12, 0))
    d.recommend_button.click()
    assert d.busy
    shots.append(save_png(d, "booking_step1_busy"))
    d.show_recommendations(recommendations())
    d.show_slots(slots())
    qtbot.wait(20)
    shots.append(save_png(d, "booking_step2"))
    qtbot.mouseClick(d.slot_buttons[1], Qt.MouseButton.LeftButton)
    shots.append(save_png(d, "booking_step3"))
    d.confirm_button.click()
    d.show_slot_taken("taken", slots()[2:5])
    shots.append(save_png(d, "booking_slot_taken"))
    d.show_booked(BookingConfirmation(5521, 101, at(14, 0), at(14, 45), 13, 23, 420.0, 357.0, 15.0))
    shots.append(save_png(d, "booking_booked"))
    for image in shots:
        assert distinct_colours(image) > 10


# --- technician recommendation -----------------------------------------------------------------------------------

def test_tech_list_shows_ranked_technicians_and_asks_to_assign(qtbot):
    w = TechRecommendList()
    qtbot.addWidget(w)
    items, names = tech_items()
    w.set_recommendations("京A12345 小保养", items, names)
    assert w.shown_names() == ["张建国", "李明", "陈伟"]
    assert w.job_label.text() == "京A12345 小保养"
    first = w.cards[0]
    assert first.rank_label.text() == "1" and first.score_bar.score == 91.0
    assert [lbl.text() for lbl in first.reason_labels] == ["· 会保养和轮胎，4 级技师", "· 今天只排了 3 小时活，还空",
                                                           "· 客户评分 96 分"]
    assert first.start_label.text() == "最早 10:30 开工"
    # One who cannot fit today cannot be assigned.
    assert w.cards[2].start_label.text() == "今天排不进" and not w.cards[2].assign_button.isEnabled()
    with qtbot.waitSignal(w.sig_assign_requested) as blocker:
        qtbot.mouseClick(w.cards[1].assign_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [12]
    # Unknown ids still get a name; an empty answer says so.
    w.set_recommendations("京B1 喷漆", [TechRecommendation(99, 50.0, (), 600)], {})
    assert w.shown_names() == ["技师 #99"]
    w.set_recommendations("京B1 喷漆", [], {})
    assert w.cards == [] and "没有能做" in w.empty_label.text() and not w.empty_label.isHidden()


def test_tech_list_renders_to_png(qtbot):
    w = TechRecommendList()
    qtbot.addWidget(w)
    w.resize(760, 560)
    items, names = tech_items()
    w.set_recommendations("京A12345 小保养", items, names)
    w.show()
    qtbot.waitExposed(w)
    assert distinct_colours(save_png(w, "tech_recommend")) > 10


# --- pricing editor ----------------------------------------------------------------------------------------------

def make_editor(qtbot, editable: bool = True) -> PricingEditor:
    w = PricingEditor()
    qtbot.addWidget(w)
    w.resize(1240, 560)
    rules = tuple(PricingRule(n + 1, r.name, r.load_below, r.discount_pct, r.weekdays, r.hour_from, r.hour_to,
                              r.active) for n, r in enumerate(DEFAULT_RULES))
    w.set_rules(rules, editable=editable)
    return w


def test_pricing_editor_edits_adds_removes_and_saves_the_rules(qtbot):
    w = make_editor(qtbot)
    assert w.rules()[0] == PricingRule(1, "低峰时段 8 折半", 0.40, 15.0)
    assert not w.save_button.isEnabled() and not w.dirty
    w.row_editors(0).discount.setValue(20.0)
    assert w.dirty and w.save_button.isEnabled()
    w.add_rule()
    new = w.row_editors(3)
    new.name.setText("周末清晨 8 折")
    new.load.setValue(30)
    new.discount.setValue(20.0)
    for d in range(5):
        new.weekdays.buttons[d].setChecked(False)
    new.hour_from.setValue(8)
    new.hour_to.setValue(10)
    w.remove_row(1)
    with qtbot.waitSignal(w.sig_save_requested) as blocker:
        w.save_button.click()
    saved = blocker.args[0]
    assert isinstance(saved, tuple) and [r.id for r in saved] == [1, 3, None]
    assert saved[0].discount_pct == 20.0
    assert saved[2] == PricingRule(None, "周末清晨 8 折", 0.30, 20.0, (5, 6), 8, 10, True)
    w.show_saved("已保存 3 条优惠规则，新预约马上按新规则计价。")
    assert w.status_text.startswith("已保存") and not w.dirty


def test_pricing_editor_checks_rules_with_the_services_sentences(qtbot):
    w = make_editor(qtbot)
    row = w.row_editors(2)
    row.hour_from.setValue(18)
    row.hour_to.setValue(9)
    with qtbot.assertNotEmitted(w.sig_save_requested):
        w.save_button.click()
    assert w.status_text == "第 3 条规则：时段要在一天之内，“到”晚于“从”（0 到 24 点）。"
    assert row.name.property("invalid") == "true"
    row.hour_to.setValue(20)
    w.row_editors(0).discount.setValue(60.0)
    with qtbot.assertNotEmitted(w.sig_save_requested):
        w.save_button.click()
    assert w.status_text == "第 1 条规则：折扣要在 1% 到 50% 之间。"
    w.row_editors(0).discount.setValue(15.0)
    w.row_editors(1).name.setText("")
    w.save_button.click()
    assert w.status_text == "第 2 条规则：规则要有一个名称。"
    w.row_editors(1).name.setText("低峰时段 8 折半")
    w.save_button.click()
    assert "都叫“低峰时段 8 折半”" in w.status_text


def test_pricing_preview_follows_the_rules_as_edited(qtbot):
    w = make_editor(qtbot)
    w.preview_load.setValue(30)
    w.preview_day.setCurrentIndex(1)
    w.preview_hour.setValue(10)
    assert w.preview_text == "85 折（低峰时段 8 折半），¥420 → ¥357"
    w.preview_load.setValue(70)
    w.preview_hour.setValue(15)
    assert w.preview_text.startswith("9 折（工作日午后 9 折）")
    w.preview_day.setCurrentIndex(6)  # Sunday: the weekday afternoon rule does not apply
    assert w.preview_text == "不打折"
    w.row_editors(2).weekdays.buttons[6].setChecked(True)  # an unsaved edit already shows
    assert w.preview_text.startswith("9 折")


def test_read_only_pricing_editor_refuses_edits(qtbot):
    w = make_editor(qtbot, editable=False)
    assert not w.notice_label.isHidden() and "只有总部" in w.notice_label.text()
    assert w.save_button.isHidden() and w.add_button.isHidden()
    row = w.row_editors(0)
    assert row.name.isReadOnly() and row.discount.isReadOnly() and not row.active.isEnabled()
    w.show()
    qtbot.waitExposed(w)
    qtbot.keyClicks(row.name, "x")
    assert row.name.text() == "低峰时段 8 折半"
    assert not any(b.isEnabled() for b in row.weekdays.buttons)
    with qtbot.assertNotEmitted(w.sig_save_requested):
        w.save()
        w.add_rule()
        w.remove_row(0)
    assert len(w.rules()) == 3 and "只有总部" in w.status_text and not w.dirty
    # The preview still works for everyone.
    assert w.preview_text == "85 折（低峰时段 8 折半），¥420 → ¥357"


def test_pricing_editor_renders_to_png(qtbot):
    for editable in (True, False):
        w = make_editor(qtbot, editable)
        w.show()
        qtbot.waitExposed(w)
        if editable:
            w.row_editors(2).hour_to.setValue(12)
            w.row_editors(2).hour_from.setValue(13)
            w.save_button.click()
        image = save_png(w, "pricing_editor" if editable else "pricing_editor_read_only")
        assert distinct_colours(image) > 10


# --- scenario view -----------------------------------------------------------------------------------------------

def test_scenario_view_starts_empty_and_says_how_to_fill_it(qtbot):
    w = ScenarioView()
    qtbot.addWidget(w)
    assert w.is_empty and "python main.py replay --days 30 --policy smart" in w.empty_label.text()


def test_scenario_view_fills_the_table_and_the_charts(qtbot):
    w = ScenarioView()
    qtbot.addWidget(w)
    w.set_comparison(scenario_rows(), hourly(), META)
    assert not w.is_empty
    assert w.scope_names() == ["全国", "华北", "东北", "华东", "华中", "华南", "西南", "西北"]
    nation = w.cell(0, "utilization")
    assert (nation.old, nation.new, nation.change, nation.tone) == ("52.0%", "71.5%", "+19.5 pt", "good")
    wait = w.cell(0, "wait_hours")
    assert (wait.old, wait.new, wait.tone) == ("1.80 小时", "0.98 小时", "good") and wait.change == "−0.82 小时"
    assert w.cell(4, "wait_hours").change == "−0.70 小时"  # 华中 1.7 h → 1.0 h
    assert w.cell(0, "balked").tone == "good"  # fewer customers lost is better
    old_u, new_u = w.bar_heights("utilization")
    assert old_u == pytest.approx([52, 38, 55, 78, 50, 61, 47, 44]) and new_u[0] == pytest.approx(71.5)
    old_w, new_w = w.bar_heights("wait_hours")
    assert old_w[5] == pytest.approx(2.8) and new_w[5] == pytest.approx(1.3)
    x, y = w.hourly_new.getData()
    assert len(x) == 24 and y[11] == pytest.approx(80.0)
    assert w.peak_label.toPlainText() == "高峰 11 点：95% → 80%"
    assert "30 天" in w.meta_label.text() and "600 家门店" in w.meta_label.text()
    # A worse smart figure is coloured bad; reusing the view keeps its plot items.
    rows = [r if not (r.policy == "smart" and r.region_code == "NW") else
            ScenarioKpiRow(r.scenario_id, r.policy, r.region_code, 0.40, 1.2, r.vehicles_per_store_day,
                           r.output_per_store_day, r.output_per_technician_day, r.csi, r.rework_rate,
                           r.cross_store_per_day, r.cross_store_share, r.balked, r.work_orders)
            for r in scenario_rows()]
    bars_before = w.bars["utilization"]
    w.set_comparison(rows, None, {"days": 7})
    assert w.cell(7, "utilization").tone == "bad" and w.cell(7, "wait_hours").tone == "bad"
    assert w.bars["utilization"] is bars_before
    assert w.hourly_chart.note.text() == "这次回放没有记录各小时的负载。"
    w.set_comparison([], None, {})
    assert w.is_empty


@pytest.mark.parametrize("theme_name", ["dark", "light"])
def test_scenario_view_renders_to_png(qtbot, theme_name):
    w = ScenarioView(theme_name)
    qtbot.addWidget(w)
    w.resize(1600, 960)
    w.set_comparison(scenario_rows(), hourly(), META)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(20)
    image = save_png(w, f"scenario_{theme_name}")
    assert distinct_colours(image) > 20
    # The charts are not empty: the bars' colours are painted inside the plots.
    for chart in (w.util_chart, w.wait_chart, w.hourly_chart):
        plot = chart.plot_widget.grab().toImage()
        assert distinct_colours(plot, 2) > 8
    empty = ScenarioView(theme_name)
    qtbot.addWidget(empty)
    empty.resize(1200, 500)
    save_png(empty, f"scenario_empty_{theme_name}")


# --- glyphs ------------------------------------------------------------------------------------------------------

def test_every_string_the_widgets_show_has_a_glyph_in_the_bundled_font(qtbot):
    from widgets import booking_dialog, pricing_editor, scenario_view

    w = QWidget()
    qtbot.addWidget(w)
    strings = [*booking_dialog._SERVICE_WORDS, *booking_dialog.WEEKDAYS_ZH, *booking_dialog.STEP_TITLES,
               *pricing_editor.WEEKDAY_SHORT, *pricing_editor._VALIDATION_ZH.values(), *pricing_editor.COLUMNS,
               *scenario_view.POLICY_NAMES.values(), *scenario_view._REGION_WORDS, scenario_view.EMPTY_TEXT,
               *(k.title_zh for k in scenario_view.SCENARIO_KPIS),
               "低峰折至繁忙¥→–—·①②③■＋…“”：，。（）%−"]
    font = QFont(w.font())
    font.setPixelSize(19)
    raw = QRawFont.fromFont(font)
    missing = [ch for ch in set("".join(strings)) if not ch.isspace() and not raw.supportsCharacter(ord(ch))]
    assert missing == []


# --- English -----------------------------------------------------------------------------------------------------

def test_the_widgets_speak_english_when_it_is_installed(qtbot, qapp):
    from app import i18n
    from widgets.booking_dialog import day_text
    from widgets.pricing_editor import validation_text

    assert i18n.install_language(qapp, "en") == "en"
    try:
        d = BookingDialog(today=DAY)
        qtbot.addWidget(d)
        assert d.recommend_button.text() == "Recommend stores →"
        assert discount_badge(15) == "Off-peak 15% off" and day_text(DAY) == "Tue 1 Dec"
        d.fill(plate="京A12345", codes=("MAINT_MINOR",), day=DAY)
        d.recommend_button.click()
        d.show_recommendations(recommendations())
        card = d.store_cards[0]
        assert card.name_label.text() == "Beijing Wangjing"
        assert card.reason_labels[1].text() == "· Short queue then: about 5 min wait"  # Reason.en
        assert card.facts_label.text().startswith("2.4 km · 11 min drive · Earliest 10:30")
        editor = make_editor(qtbot)
        assert validation_text("Pick at least one weekday.") == "Pick at least one weekday."
        assert editor.preview_text == "15% off (低峰时段 8 折半), ¥420 → ¥357"
        view = ScenarioView()
        qtbot.addWidget(view)
        view.set_comparison(scenario_rows(), hourly(), META)
        assert view.scope_names()[:2] == ["Nation", "North"]
        assert view.cell(0, "wait_hours").new == "0.98 h"
        techs = TechRecommendList()
        qtbot.addWidget(techs)
        items, names = tech_items()
        techs.set_recommendations("京A12345", items, names)
        assert techs.cards[0].assign_button.text() == "Assign"
        assert techs.cards[0].reason_labels[0].text() == "· Maintenance and tyres, level 4"
    finally:
        i18n.install_language(qapp, "zh_CN")
