"""KPI wall widgets (tiles, trend, ranking, alert feed) fed hand-made dataclasses: what they show and emit."""

from __future__ import annotations

import math
import os
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFont, QImage, QRawFont
from PySide6.QtWidgets import QApplication, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from app import fonts
from services.model import AlertItem, KpiTile, TrendSeries
from services.network import KpiRow
from widgets import theme
from widgets.alert_feed import ACK_TEXT, PENDING_TEXT, SEVERITY_ZH, AlertFeedWidget, state_text, time_ago
from widgets.kpi_tile import KPI_SPECS, KpiTileWidget, KpiWallWidget, format_change, format_value
from widgets.ranking import RANK_METRICS, RankingWidget, rank_rows
from widgets.trend_chart import DayAxisItem, TrendChartWidget

CN = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CN)
DAYS = tuple(date(2026, 11, 1) + timedelta(days=n) for n in range(30))
REGIONS = (("N", "华北", "North"), ("NE", "东北", "Northeast"), ("E", "华东", "East"), ("C", "华中", "Central"),
           ("S", "华南", "South"), ("SW", "西南", "Southwest"), ("NW", "西北", "Northwest"))


@pytest.fixture(autouse=True)
def app_font(qapp: QApplication) -> None:
    fonts.apply_app_font(qapp)


# --- hand-made data ----------------------------------------------------------------------------------------------

def tiles() -> list[KpiTile]:
    return [
        KpiTile("utilization", "工位利用率", "Bay utilization", 0.712, "%", 0.68, (0.52, 0.58, 0.61, 0.66, 0.7, 0.712)),
        KpiTile("wait_hours", "客户等待时长", "Customer waiting time", 1.04, "h", 0.92, (1.8, 1.5, 1.2, 0.92, 1.04),
                higher_is_better=False),
        KpiTile("vehicles", "日均接车量", "Vehicles received", 31.4, "台", 28.0, (25, 27, 29, 28, 31.4)),
        KpiTile("output", "门店日均产值", "Store output", 25340.0, "¥", 24100.0, (18000, 21000, 24100, 25340)),
        KpiTile("csi", "客户满意度", "Customer satisfaction (CSI)", 89.6, "分", 89.62, (82, 86, 88, 89.6)),
        KpiTile("cross_store", "跨店服务量", "Cross-store services", 1212, "单", 1180, (0, 500, 1000, 1212)),
        KpiTile("stores_online", "门店上线率", "Stores online", 0.975, "%", None, (0.9, 0.96, 0.975)),
    ]


def series(scale: float = 1.0) -> list[TrendSeries]:
    out = []
    for j, (code, zh, _) in enumerate(REGIONS):
        values = tuple(None if (code == "C" and n in (10, 11)) else
                       scale * (0.4 + 0.05 * j + 0.1 * n / 30 + 0.02 * math.sin(n + j)) for n in range(30))
        out.append(TrendSeries(code, zh, DAYS, values))
    return out


def kpi_rows() -> list[KpiRow]:
    data = [("N", 0.38, 1.6, 22.1, 9500.0, 2900.0, 81.2), ("NE", 0.52, 1.2, 24.3, 17900.0, 4200.0, 84.0),
            ("E", 0.78, 1.1, 31.5, 24800.0, 3900.0, 88.5), ("C", 0.55, 1.5, 25.0, 17100.0, 3100.0, 82.0),
            ("S", 0.61, 2.8, 27.2, 19800.0, 3300.0, 79.4), ("SW", 0.47, 1.9, 21.0, 14800.0, 2600.0, 80.1),
            ("NW", 0.50, 0.9, 18.5, 13200.0, 3000.0, None)]
    names = {code: (zh, en) for code, zh, en in REGIONS}
    return [KpiRow("region", k, *names[k], 90, 1, u, w, v, o, t, c, 10.0, 0.02, 0.03, 3) for k, u, w, v, o, t, c in data]


def alerts() -> list[AlertItem]:
    m = timedelta(minutes=1)
    return [  # deliberately not in time order
        AlertItem(3, 13, "GZ002", "广州天河体育西店", "华南", "complaint", "critical", NOW - 42 * m,
                  "收到 2 条客户投诉：维修时间太长", "张艳", NOW - 19 * m),
        AlertItem(1, 11, "BJ003", "北京朝阳望京店", "华北", "wait_over_threshold", "critical", NOW - 3 * m,
                  "客户平均等待 2.6 小时，超过 2 小时上限"),
        AlertItem(4, 14, "CD005", "成都高新店", "西南", "terminals_silent", "info", NOW - 125 * m,
                  "门店终端 20 分钟没有写入数据"),
        AlertItem(2, 12, "SH010", "上海浦东金桥店", "华东", "utilization_low", "warning", NOW - 18 * m,
                  "工位利用率只有 31%，低于 40%"),
        AlertItem(5, 15, "XA001", "西安雁塔店", "西北", "rework_anomaly", "warning", NOW - 25 * 60 * m,
                  "返工率 6.2%，高于 3%", "李强", NOW - 20 * 60 * m, NOW - 19 * 60 * m),
    ]


# --- helpers -----------------------------------------------------------------------------------------------------

def has_colour(image: QImage, colour: str, tolerance: int = 40) -> bool:
    """Whether some pixel is close to `colour` (antialiased text never hits it exactly)."""
    target = QColor(colour)
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if (abs(c.red() - target.red()) + abs(c.green() - target.green())
                    + abs(c.blue() - target.blue())) <= tolerance:
                return True
    return False


def distinct_colours(image: QImage, step: int = 4) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def save_png(widget: QWidget, name: str, tmp_path: Path) -> QImage:
    """Grab `widget`; also save it where WALL_PNG_DIR says (for a person to look at), else under tmp_path."""
    image = widget.grab().toImage()
    out = Path(os.environ.get("WALL_PNG_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    assert image.save(str(out / name))
    return image


# --- KPI tiles ---------------------------------------------------------------------------------------------------

def test_value_formats_per_unit():
    assert format_value(0.5234, "%") == "52.3"
    assert format_value(1.8, "h") == "1.80"
    assert format_value(18250.4, "¥") == "¥18,250"
    assert format_value(1212.0, "单") == "1,212"
    assert format_value(31.6, "台") == "32"
    assert format_value(89.64, "分") == "89.6"
    assert format_value(None, "%") == "—"
    assert format_change(0.032, "%") == "+3.2 pt"
    assert format_change(-0.25, "h") == "−0.25 小时"
    assert format_change(1240.0, "¥") == "+¥1,240"
    assert format_change(-12.0, "台") == "−12 台"


def test_tile_shows_value_and_a_green_rise_for_better_utilization(qtbot):
    tile = KpiTileWidget(theme_name="dark")
    qtbot.addWidget(tile)
    tile.resize(300, 230)
    tile.set_tile(tiles()[0])
    assert tile.title_label.text() == "工位利用率"
    assert tile.title_en_label.text() == "Bay utilization"
    assert tile.value_label.text() == "71.2"
    assert tile.unit_label.text() == "%"
    assert tile.change_label.text() == "▲ +3.2 pt"
    assert tile.tone == "good"
    shown = tile.change_label.grab().toImage()
    assert has_colour(shown, theme.DARK.good)
    assert not has_colour(shown, theme.DARK.bad)


def test_tile_shows_a_red_rise_for_a_longer_wait(qtbot):
    tile = KpiTileWidget(theme_name="dark")
    qtbot.addWidget(tile)
    tile.resize(300, 230)
    tile.set_tile(tiles()[1])
    assert tile.value_label.text() == "1.04"
    assert tile.unit_label.text() == "小时"
    assert tile.change_label.text() == "▲ +0.12 小时"
    assert tile.tone == "bad"
    shown = tile.change_label.grab().toImage()
    assert has_colour(shown, theme.DARK.bad)
    assert not has_colour(shown, theme.DARK.good)


def test_tile_neutral_when_unknown_or_unchanged(qtbot):
    tile = KpiTileWidget()
    qtbot.addWidget(tile)
    tile.set_tile(tiles()[6])  # no previous value
    assert tile.tone == "neutral" and tile.change_label.text() == "—"
    assert tile.caption_label.text() == "无上周数据"
    tile.set_tile(tiles()[4])  # 89.6 vs 89.62: no change at the precision shown
    assert tile.tone == "neutral" and tile.change_label.text() == "持平"
    no_unit = KpiTile("csi", "客户满意度", "Customer satisfaction", 90.04, "", 88.0, ())  # as the service sends it
    tile.set_tile(no_unit)
    assert (tile.value_label.text(), tile.unit_label.text(), tile.change_label.text()) == ("90.0", "分", "▲ +2.0 分")
    fall = KpiTile("wait_hours", "客户等待时长", "Customer waiting time", 0.9, "h", 1.2, (), higher_is_better=False)
    tile.set_tile(fall)
    assert tile.change_label.text() == "▼ −0.30 小时" and tile.tone == "good"


def test_set_tile_updates_in_place(qtbot):
    tile = KpiTileWidget()
    qtbot.addWidget(tile)
    tile.set_tile(tiles()[3])
    children = tile.findChildren(QWidget)
    assert tile.value_label.text() == "¥25,340"
    assert tile.unit_label.text() == ""
    newer = KpiTile("output", "门店日均产值", "Store output", 26010.0, "¥", 24100.0, (18000, 26010))
    tile.set_tile(newer)
    assert tile.findChildren(QWidget) == children
    assert tile.value_label.text() == "¥26,010"
    assert tile.sparkline.values == (18000.0, 26010.0)


def test_narrow_tile_shrinks_the_value_rather_than_clipping_it(qtbot):
    tile = KpiTileWidget()
    qtbot.addWidget(tile)
    tile.set_tile(KpiTile("output", "门店日均产值", "Store output", 1_234_567.0, "¥", None, ()))
    tile.resize(230, 210)
    tile.show()
    room = tile.width() - 38
    assert tile.value_label.fontMetrics().horizontalAdvance(tile.value_label.text()) <= room


def test_clicking_a_tile_emits_its_key(qtbot):
    tile = KpiTileWidget()
    qtbot.addWidget(tile)
    tile.set_tile(tiles()[1])
    tile.resize(260, 220)
    with qtbot.waitSignal(tile.sig_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=QPoint(40, 40))
    assert blocker.args == ["wait_hours"]


def test_wall_has_the_seven_tiles_and_updates_by_key(qtbot):
    wall = KpiWallWidget()
    qtbot.addWidget(wall)
    assert list(wall.tiles) == ["utilization", "wait_hours", "vehicles", "output", "csi", "cross_store",
                                "stores_online"]
    assert [t.title_label.text() for t in wall.tiles.values()] == [
        "工位利用率", "客户等待时长", "日均接车量", "门店日均产值", "客户满意度", "跨店服务量", "门店上线率"]
    assert all(t.value_label.text() == "—" for t in wall.tiles.values())
    before = {k: t for k, t in wall.tiles.items()}
    wall.set_tiles(list(reversed(tiles())))
    assert wall.tiles == before
    assert wall.tile("utilization").value_label.text() == "71.2"
    assert wall.tile("stores_online").value_label.text() == "97.5"
    wall.set_tiles([KpiTile("unknown", "x", "x", 1.0, "", None, ())])  # ignored
    with qtbot.waitSignal(wall.sig_tile_clicked, timeout=1000) as blocker:
        wall.tile("csi").sig_clicked.emit("csi")
    assert blocker.args == ["csi"]


def test_wall_reflows_by_width(qtbot):
    wall = KpiWallWidget()
    qtbot.addWidget(wall)
    wall.resize(1900, 240)
    wall.show()
    assert wall.columns == 7
    wall.resize(1100, 480)
    qtbot.waitUntil(lambda: wall.columns == 4, timeout=1000)
    grid: QGridLayout = wall.layout()
    assert grid.getItemPosition(grid.indexOf(wall.tile("csi")))[:2] == (1, 0)


# --- trend chart -------------------------------------------------------------------------------------------------

def test_trend_has_seven_curves_with_the_data(qtbot):
    chart = TrendChartWidget()
    qtbot.addWidget(chart)
    data = series()
    chart.set_series("utilization", data)
    curves = chart.visible_curves()
    assert len(curves) == 7
    x, y = chart.curves["E"].getData()
    assert list(x) == [d.toordinal() for d in DAYS]
    assert y[5] == pytest.approx(100 * data[2].values[5])  # % KPIs are plotted as percentages
    assert math.isnan(chart.curves["C"].getData()[1][10])  # a missing day stays a gap
    assert chart.curves["N"].name() == "华北"
    assert chart.unit_caption.text() == "工位利用率（%）"
    pens = {c.opts["pen"].color().name() for c in curves}
    assert len(pens) == 7


def test_trend_reuses_its_items(qtbot):
    chart = TrendChartWidget()
    qtbot.addWidget(chart)
    chart.set_series("utilization", series())
    first = chart.curves
    items = list(chart.plot_item.items)
    chart.set_series("wait_hours", series(scale=3.0))
    assert chart.curves == first
    assert all(chart.curves[k] is first[k] for k in first)
    assert list(chart.plot_item.items) == items
    assert chart.curves["N"].getData()[1][0] == pytest.approx(3.0 * series()[0].values[0])
    assert chart.kpi_combo.currentData() == "wait_hours"
    chart.set_series("utilization", series()[:3])  # fewer lines: the others hide, nothing is deleted
    assert len(chart.visible_curves()) == 3
    assert chart.curves == first


def test_trend_selector_emits_the_kpi_but_set_series_does_not(qtbot):
    chart = TrendChartWidget()
    qtbot.addWidget(chart)
    assert [chart.kpi_combo.itemData(i) for i in range(chart.kpi_combo.count())] == [s.key for s in KPI_SPECS]
    with qtbot.assertNotEmitted(chart.sig_kpi_changed):
        chart.set_series("csi", series(scale=100))
    with qtbot.waitSignal(chart.sig_kpi_changed, timeout=1000) as blocker:
        chart.kpi_combo.setCurrentIndex(chart.kpi_combo.findData("output"))
    assert blocker.args == ["output"]
    with qtbot.assertNotEmitted(chart.sig_kpi_changed):
        chart.set_available_kpis(["utilization", "wait_hours", "output"])
    assert chart.kpi_combo.count() == 3 and chart.kpi_combo.currentData() == "output"


def test_day_axis_labels_read_like_chinese_short_dates():
    axis = DayAxisItem("bottom")
    assert axis.tickStrings([date(2026, 11, 20).toordinal()], 1.0, 1.0) == ["11/20"]
    lo, hi = date(2026, 11, 1).toordinal(), date(2026, 11, 30).toordinal()
    major = axis.tickValues(lo, hi, 600)[0][1]
    assert 4 <= len(major) <= 9
    assert all(v == int(v) for v in major)


def test_trend_repaints_after_being_shown_empty(qtbot):
    """Regression: a day axis that raised on pyqtgraph's default 0..1 range (ordinal 0) left a QPainter open and
    the next repaint segfaulted. Shown empty, events processed, then fed and repainted in a loop."""
    axis = DayAxisItem("bottom")
    assert axis.tickStrings([0.0, 0.4, -3.0], 1.0, 0.2) == ["", "", ""]
    assert axis.tickValues(-10.0, 0.5, 400) == []
    chart = TrendChartWidget()
    qtbot.addWidget(chart)
    chart.resize(900, 420)
    chart.show()
    qtbot.wait(20)
    for n in range(5):
        chart.set_series("utilization", series(scale=1 + n / 10), target=0.68)
        qtbot.wait(1)
        chart.repaint()
    assert not chart.grab().isNull()


def test_trend_hover_reads_out_the_day(qtbot):
    chart = TrendChartWidget()
    qtbot.addWidget(chart)
    chart.resize(900, 420)
    chart.show()
    chart.set_series("utilization", series())
    assert chart.day_caption.text().startswith("最新 11/30")
    chart._set_hover(DAYS[12].toordinal())
    assert chart.day_caption.text() == "11/13 周五"
    value = 100 * series()[0].values[12]
    assert chart._legend["N"].value.text() == f"{value:.1f}%"
    assert chart._legend["C"].value.text() == "–" or not math.isnan(value)
    chart._set_hover(None)
    assert chart.day_caption.text().startswith("最新")


# --- ranking -----------------------------------------------------------------------------------------------------

def test_ranking_sorts_numbers_as_numbers(qtbot):
    ranking = RankingWidget()
    qtbot.addWidget(ranking)
    ranking.set_rows(kpi_rows(), "region")
    output = ranking.column_of("output")
    ranking.view.sortByColumn(output, Qt.SortOrder.AscendingOrder)
    shown = ranking.displayed(output)
    assert shown[0] == "¥9,500"  # as text "¥9,500" would sort after "¥24,800"
    assert shown == ["¥9,500", "¥13,200", "¥14,800", "¥17,100", "¥17,900", "¥19,800", "¥24,800"]
    csi = ranking.column_of("csi")
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        ranking.view.sortByColumn(csi, order)
        assert ranking.displayed(csi)[-1] == "–"  # unmeasured last either way


def test_ranking_gap_to_best_for_utilization_higher_is_better(qtbot):
    ranking = RankingWidget()
    qtbot.addWidget(ranking)
    ranking.set_rows(kpi_rows(), "region")
    assert ranking.gap_metric == "utilization"
    gap = ranking.column_of(None)
    assert ranking.displayed(1) == ["华东", "华南", "华中", "东北", "西北", "西南", "华北"]
    assert ranking.displayed(0) == ["1", "2", "3", "4", "5", "6", "7"]
    assert ranking.displayed(gap) == ["最佳 Best", "−17.0 pt", "−23.0 pt", "−26.0 pt", "−28.0 pt", "−31.0 pt",
                                      "−40.0 pt"]


def test_ranking_gap_to_best_for_wait_lower_is_better(qtbot):
    ranking = RankingWidget()
    qtbot.addWidget(ranking)
    ranking.set_rows(kpi_rows(), "region")
    with qtbot.waitSignal(ranking.sig_gap_metric_changed, timeout=1000):
        ranking.gap_combo.setCurrentIndex(ranking.gap_combo.findData("wait_hours"))
    gap = ranking.column_of(None)
    assert ranking.displayed(1)[0] == "西北" and ranking.displayed(gap)[0] == "最佳 Best"
    by_name = dict(zip(ranking.displayed(1), ranking.displayed(gap), strict=True))
    assert by_name["华南"] == "+1.90 h"
    assert by_name["华东"] == "+0.20 h"


def test_rank_rows_ties_share_a_rank_and_unmeasured_have_none():
    rows = kpi_rows()
    tied = [rows[0], rows[1], replace(rows[1], key="X", name_zh="并列"), rows[6]]
    ranked = rank_rows(tied, "csi")
    assert [r.rank for r in ranked] == [3, 1, 1, None]  # competition ranking: 1, 1, 3
    assert ranked[0].gap == pytest.approx(81.2 - 84.0)
    assert [m.key for m in RANK_METRICS] == ["utilization", "wait_hours", "vehicles", "output",
                                             "technician_output", "csi"]


def test_ranking_heat_marks_best_and_worst_fifths(qtbot):
    ranking = RankingWidget()
    qtbot.addWidget(ranking)
    ranking.set_rows(kpi_rows(), "region")
    util = ranking.column_of("utilization")
    top = ranking.proxy.index(0, util).data(Qt.ItemDataRole.BackgroundRole)
    bottom = ranking.proxy.index(6, util).data(Qt.ItemDataRole.BackgroundRole)
    assert top.color().name() == QColor(theme.DARK.good).name()
    assert bottom.color().name() == QColor(theme.DARK.bad).name()
    assert 0 < top.color().alpha() < 80  # a tint, not a fill


def test_ranking_double_click_emits_the_key_and_keeps_selection(qtbot):
    ranking = RankingWidget()
    qtbot.addWidget(ranking)
    ranking.resize(1100, 480)
    ranking.show()
    ranking.set_rows(kpi_rows(), "region")
    rect = ranking.view.visualRect(ranking.proxy.index(2, 1))
    with qtbot.waitSignal(ranking.sig_row_activated, timeout=1000) as blocker:
        qtbot.mouseClick(ranking.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(ranking.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["C"]  # 华中, third on utilization
    assert ranking.selected_key() == "C"
    ranking.set_rows(list(reversed(kpi_rows())), "region")
    assert ranking.selected_key() == "C"


# --- alert feed --------------------------------------------------------------------------------------------------

@pytest.fixture
def feed(qtbot) -> AlertFeedWidget:
    widget = AlertFeedWidget(clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.resize(620, 700)
    widget.show()
    widget.set_alerts(alerts())
    return widget


def test_alert_feed_newest_first_with_plain_words(feed):
    assert feed.shown_ids() == [1, 2, 3, 4, 5]
    by_id = {a.id: a for a in alerts()}
    assert time_ago(by_id[1].raised_at, NOW) == "3 分钟前"
    assert time_ago(by_id[4].raised_at, NOW) == "2 小时前"
    assert time_ago(NOW - timedelta(seconds=20), NOW) == "刚刚"
    assert state_text(by_id[3]) == "已确认 · 张艳 09:41"
    assert state_text(by_id[1]) == "严重 · 未确认"
    assert state_text(by_id[5]).startswith("已解除")
    assert feed.badge_text == "告警 · 3 条未确认"
    assert feed.count_label.text() == "3 条未确认"


def test_acknowledge_button_emits_the_alert_id(feed, qtbot):
    rect = feed.ack_button_rect(2)
    assert rect is not None and rect.width() >= 120 and rect.height() >= 40
    with qtbot.waitSignal(feed.sig_acknowledge_requested, timeout=1000) as blocker, \
            qtbot.assertNotEmitted(feed.sig_store_selected):
        qtbot.mouseClick(feed.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [2]
    assert 2 in feed.pending_ids  # shown as "确认中…" until the acknowledged alert comes back
    with qtbot.assertNotEmitted(feed.sig_acknowledge_requested):
        qtbot.mouseClick(feed.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    acked = [replace(a, acknowledged_by="王工", acknowledged_at=NOW) if a.id == 2 else a for a in alerts()]
    feed.set_alerts(acked)
    assert feed.ack_button_rect(2) is None
    assert not feed.pending_ids
    assert feed.badge_text == "告警 · 2 条未确认"


def test_acknowledged_alerts_have_no_button_and_a_click_selects_the_store(feed, qtbot):
    assert feed.ack_button_rect(3) is None  # acknowledged
    assert feed.ack_button_rect(5) is None  # resolved
    row = feed.model.row_of(3)
    where = feed.delegate.button_rect(feed.view.visualRect(feed.model.index(row))).center()
    with qtbot.waitSignal(feed.sig_store_selected, timeout=1000) as blocker, \
            qtbot.assertNotEmitted(feed.sig_acknowledge_requested):
        qtbot.mouseClick(feed.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert blocker.args == [13]


def test_alert_feed_renders_buttons_only_where_needed(feed):
    image = feed.view.viewport().grab().toImage()
    for alert_id, wanted in ((1, True), (3, False)):
        row = feed.model.row_of(alert_id)
        rect = feed.delegate.button_rect(feed.view.visualRect(feed.model.index(row)))
        colour = image.pixelColor(rect.left() + 6, rect.center().y())
        assert (colour.name() == QColor(theme.DARK.button).name()) is wanted


def test_alert_feed_filter_by_severity(feed, qtbot):
    qtbot.mouseClick(feed.filter_buttons["critical"], Qt.MouseButton.LeftButton)
    assert feed.severity_filter == "critical"
    assert feed.shown_ids() == [1, 3]
    assert feed.filter_buttons["warning"].text() == f"{SEVERITY_ZH['warning']} 2"
    feed.set_severity_filter(None)
    assert feed.shown_ids() == [1, 2, 3, 4, 5]


def test_alert_feed_keeps_selection_and_scroll_when_new_alerts_arrive(qtbot):
    feed = AlertFeedWidget(clock=lambda: NOW)
    qtbot.addWidget(feed)
    feed.resize(620, 400)
    feed.show()
    many = [AlertItem(n, 100 + n, f"S{n:03}", f"门店{n}", "华北", "utilization_low", "warning",
                      NOW - timedelta(minutes=5 * n), f"消息 {n}") for n in range(1, 30)]
    feed.set_alerts(many)
    feed.view.selectionModel().select(feed.model.index(feed.model.row_of(12)),
                                      feed.view.selectionModel().SelectionFlag.ClearAndSelect)
    bar = feed.view.verticalScrollBar()
    bar.setValue(feed.view.visualRect(feed.model.index(10)).top() + bar.value())
    top_before = feed.model.items[feed.view.indexAt(QPoint(0, 0)).row()].id
    newer = [AlertItem(100 + n, 200 + n, f"T{n}", f"新店{n}", "华东", "complaint", "critical",
                       NOW + timedelta(minutes=n), "新告警") for n in range(3)]
    feed.set_alerts(newer + many)
    assert feed.shown_ids()[:3] == [102, 101, 100]
    assert feed.model.items[feed.view.indexAt(QPoint(0, 0)).row()].id == top_before
    assert feed._selected_id() == 12


def test_alert_feed_empty_state(qtbot):
    feed = AlertFeedWidget(clock=lambda: NOW)
    qtbot.addWidget(feed)
    feed.set_alerts([])
    assert feed.empty_label.isVisibleTo(feed) and not feed.view.isVisibleTo(feed)
    assert feed.badge_text == "告警"


# --- the look ----------------------------------------------------------------------------------------------------

WIDGET_STRINGS = "".join(
    [s.title_zh + s.title_en + s.explanation for s in KPI_SPECS]
    + [m.title_zh + m.title_en for m in RANK_METRICS]
    + ["较上周同日无上周数据持平▲▼—–−·…（）％%¥", "趋势排名告警找差距最新目标周一周二周三周四周五周六周日",
       "大区门店名称与最佳差距最佳全部严重警告提示未确认已确认已解除条刚刚分钟小时天前没有", ACK_TEXT, PENDING_TEXT]
)


def test_the_bundled_font_covers_every_fixed_string():
    raw = QRawFont.fromFont(QFont(fonts.load_app_fonts(), 20))
    missing = sorted({ch for ch in WIDGET_STRINGS if not ch.isspace() and not raw.supportsCharacter(ord(ch))})
    assert not missing


@pytest.mark.parametrize("theme_name", ["dark", "light"])
def test_widgets_render_non_blank(qtbot, tmp_path, theme_name):
    wall = KpiWallWidget(theme_name)
    chart = TrendChartWidget(theme_name)
    ranking = RankingWidget(theme_name)
    feed = AlertFeedWidget(theme_name, clock=lambda: NOW)
    for widget, size in ((wall, (1900, 240)), (chart, (1000, 440)), (ranking, (1100, 460)), (feed, (620, 640))):
        qtbot.addWidget(widget)
        widget.resize(*size)
        widget.show()
    wall.set_tiles(tiles())
    chart.set_series("utilization", series(), target=0.68)
    ranking.set_rows(kpi_rows(), "region")
    feed.set_alerts(alerts())
    for widget, name in ((wall, "tiles"), (chart, "trend"), (ranking, "ranking"), (feed, "alerts")):
        image = save_png(widget, f"{name}_{theme_name}.png", tmp_path)
        assert distinct_colours(image) > 20, name


def compose_wall(theme_name: str = "dark") -> tuple[QWidget, KpiWallWidget, TrendChartWidget, RankingWidget,
                                                     AlertFeedWidget]:
    """The HQ wall: tiles across the top; trend over ranking on the left, the alert feed on the right."""
    pal = theme.palette(theme_name)
    host = QWidget()
    host.setObjectName("wall")
    host.setStyleSheet(f"QWidget#wall {{ background: {pal.window}; }}")
    wall = KpiWallWidget(theme_name)
    chart = TrendChartWidget(theme_name)
    ranking = RankingWidget(theme_name)
    feed = AlertFeedWidget(theme_name, clock=lambda: NOW)
    left = QVBoxLayout()
    left.setSpacing(14)
    left.addWidget(chart, 4)
    left.addWidget(ranking, 5)
    below = QHBoxLayout()
    below.setSpacing(14)
    below.addLayout(left, 3)
    below.addWidget(feed, 1)
    layout = QVBoxLayout(host)
    layout.setContentsMargins(16, 16, 16, 16)
    layout.setSpacing(14)
    layout.addWidget(wall, 0)
    layout.addLayout(below, 1)
    return host, wall, chart, ranking, feed


def test_composed_wall_1920x1080(qtbot, tmp_path):
    host, wall, chart, ranking, feed = compose_wall("dark")
    qtbot.addWidget(host)
    host.resize(1920, 1080)
    host.show()
    wall.set_tiles(tiles())
    chart.set_series("utilization", series(), target=0.68)
    ranking.set_rows(kpi_rows(), "region")
    feed.set_alerts(alerts())
    image = save_png(host, "wall.png", tmp_path)
    assert (image.width(), image.height()) == (1920, 1080)
    assert distinct_colours(image) > 50
    assert wall.columns == 7
    header = ranking.view.horizontalHeader().height()
    assert ranking.view.viewport().height() >= 7 * theme.SIZES.row_height, header  # all regions, no scrolling


def test_theme_switch_repaints_in_the_other_palette(qtbot):
    chart = TrendChartWidget("dark")
    ranking = RankingWidget("dark")
    feed = AlertFeedWidget("dark", clock=lambda: NOW)
    tile = KpiTileWidget(theme_name="dark")
    for widget in (chart, ranking, feed, tile):
        qtbot.addWidget(widget)
        widget.resize(700, 420)
    chart.set_series("utilization", series())
    ranking.set_rows(kpi_rows(), "region")
    feed.set_alerts(alerts())
    tile.set_tile(tiles()[0])
    for widget in (chart, ranking, feed, tile):
        widget.set_theme("light")
    assert chart.plot_widget.backgroundBrush().color().name() == QColor(theme.LIGHT.surface).name()
    assert has_colour(tile.change_label.grab().toImage(), theme.LIGHT.good)
    corner = feed.view.viewport().grab().toImage().pixelColor(300, 5)
    assert corner.name() == QColor(theme.LIGHT.surface).name()
    with pytest.raises(ValueError):
        theme.palette("sepia")
