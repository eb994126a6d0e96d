"""MapViewWidget: outlines, markers, updates, colour modes, click, region filter, hover, rendering."""

from __future__ import annotations

import dataclasses
import json
import random
import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QComboBox

from services.catalog import REGIONS
from services.model import StoreStatus
from widgets.map_view import (
    BANDS,
    GEO_PATH,
    MAX_MARKER_PX,
    MIN_MARKER_PX,
    THEMES,
    X_SCALE,
    MapViewWidget,
    load_province_outlines,
    marker_size,
)

# China's extent with a margin: Xinjiang's west tip ~73.5°E, the Heilongjiang/Ussuri corner ~135°E,
# Hainan ~18°N (the Nansha islands live in the inset box), Mohe ~53.6°N.
CHINA_BBOX = (73.0, 17.5, 135.5, 54.0)


def make_stores(n: int = 600, seed: int = 1) -> list[StoreStatus]:
    """n stores scattered around the label points of the mainland provinces, with random but valid states."""
    rng = random.Random(seed)
    provinces = [p for p in load_province_outlines().provinces if p.region_code]
    stores = []
    for i in range(n):
        p = provinces[i % len(provinces)]
        online = rng.random() > 0.05
        util = rng.uniform(0.2, 0.95)
        wait = rng.uniform(0.2, 3.5)
        severity = rng.choice([None, None, "info", "warning", "critical"])
        stores.append(StoreStatus(
            store_id=1000 + i, code=f"S{i + 1:04d}", name_zh=f"{p.name_zh}测试{i}号店",
            name_en=f"Test store {i}",
            region_code=p.region_code, city_zh=p.name_zh,
            lat=p.label[1] + rng.uniform(-0.6, 0.6), lon=p.label[0] + rng.uniform(-0.6, 0.6),
            utilization=util, wait_hours=wait, vehicles_today=rng.randint(0, 45),
            in_workshop=rng.randint(0, 25),
            open_alerts=0 if severity is None else rng.randint(1, 3), alert_severity=severity, online=online,
            utilization_band="low" if util < 0.45 else "high" if util > 0.8 else "normal",
            wait_band="short" if wait < 1.2 else "long" if wait < 2.5 else "very_long",
        ))
    return stores


@pytest.fixture
def stores() -> list[StoreStatus]:
    return make_stores()


@pytest.fixture
def widget(qtbot, stores) -> MapViewWidget:
    w = MapViewWidget()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    w.set_stores(stores)
    w.reset_view()
    return w


def brush_colour(w: MapViewWidget, store_id: int) -> QColor:
    return w.scatter.data["brush"][w.index_of(store_id)].color()


def isolated_store(w: MapViewWidget, stores: list[StoreStatus], min_px: float = 8.0) -> StoreStatus:
    """A store with no other marker centre within min_px (the hit test picks the nearest centre) and away from
    the controls (top) and the legend (bottom left)."""
    pos = {s.store_id: w.marker_pos(s.store_id) for s in stores}
    xy = np.array([[pos[s.store_id].x(), pos[s.store_id].y()] for s in stores], dtype=float)
    for k, s in enumerate(stores):
        d = np.hypot(*(xy - xy[k]).T)
        d[k] = np.inf
        x, y = xy[k]
        under_legend = x < 360 and y > w.height() - 320
        inside = 40 < x < w.width() - 40 and 120 < y < w.height() - 40 and not under_legend
        if s.online and inside and d.min() > min_px:
            return s
    raise AssertionError("no isolated marker in the test data")


def sea_pos(w: MapViewWidget, lon: float = 127.0, lat: float = 28.0) -> QPoint:
    """A viewport point over the East China Sea, where no store is."""
    scene = w.view_box.mapViewToScene(QPointF(lon * X_SCALE, lat))
    return w._view.mapFromScene(scene)


# --- outlines ---------------------------------------------------------------------------------------------

def test_outlines_load_within_china():
    outlines = load_province_outlines()
    assert len(outlines.provinces) >= 30
    assert {p.region_code for p in outlines.provinces if p.region_code} == {r.code for r in REGIONS}
    for p in outlines.provinces:
        assert p.name_zh and p.name_en and p.polygons
        lon0, lat0, lon1, lat1 = p.bbox
        assert CHINA_BBOX[0] <= lon0 and lon1 <= CHINA_BBOX[2], p.name_en
        assert CHINA_BBOX[1] <= lat0 and lat1 <= CHINA_BBOX[3], p.name_en
        for poly in p.polygons:
            for ring in poly:
                assert ring.shape[1] == 2 and len(ring) >= 4
                assert np.array_equal(ring[0], ring[-1])  # closed
    names = {p.name_en for p in outlines.provinces}
    assert {"Beijing", "Xinjiang", "Hainan", "Taiwan", "Hong Kong", "Macau"} <= names
    assert outlines.south_china_sea_inset


def test_geodata_file_is_compact_and_attributed():
    assert GEO_PATH.stat().st_size < 1_000_000
    doc = json.loads(GEO_PATH.read_text(encoding="utf-8"))
    assert "echarts@4.9.0" in doc["source"] and "Apache-2.0" in doc["licence"]
    licence = GEO_PATH.with_name("LICENSE-provinces.txt").read_text(encoding="utf-8")
    assert "Apache License" in licence and "echarts" in licence


def test_marker_size_clamps():
    assert marker_size(0) == MIN_MARKER_PX
    assert marker_size(-3) == MIN_MARKER_PX
    assert marker_size(1000) == MAX_MARKER_PX
    assert MIN_MARKER_PX < marker_size(5) < marker_size(10) < MAX_MARKER_PX


# --- markers ----------------------------------------------------------------------------------------------

def test_set_stores_shows_every_store(widget, stores):
    assert widget.store_count == len(stores) == 600
    assert len(widget.scatter.data) == 600
    assert widget.scatter.data["visible"].all()
    s = stores[17]
    i = widget.index_of(s.store_id)
    assert widget.scatter.data["x"][i] == pytest.approx(s.lon * X_SCALE)
    assert widget.scatter.data["y"][i] == pytest.approx(s.lat)
    assert widget.scatter.data["data"][i] == s.store_id
    # A second full refresh with fewer stores replaces, never appends.
    widget.set_stores(stores[:50])
    assert len(widget.scatter.data) == 50 and widget.store_count == 50


def test_update_stores_changes_only_the_changed_marker(widget, stores):
    target = next(s for s in stores if s.online and s.utilization_band == "normal" and s.in_workshop < 5)
    before_brush = list(widget.scatter.data["brush"])
    before_size = widget.scatter.data["size"].copy()
    before_rect = widget.scatter.data["sourceRect"].copy()
    item_before = widget.scatter

    widget.update_stores([dataclasses.replace(target, utilization_band="high", in_workshop=20)])

    assert widget.scatter is item_before  # patched, not rebuilt
    i = widget.index_of(target.store_id)
    after_brush = list(widget.scatter.data["brush"])
    changed = [k for k in range(600) if after_brush[k] is not before_brush[k]]
    assert changed == [i]
    size_changed = np.flatnonzero(widget.scatter.data["size"] != before_size)
    assert size_changed.tolist() == [i]
    assert widget.scatter.data["size"][i] == MAX_MARKER_PX
    assert brush_colour(widget, target.store_id) == QColor(BANDS["utilization"][2].colour)
    # Only that row was looked up again in the symbol atlas.
    rect_changed = np.flatnonzero(widget.scatter.data["sourceRect"] != before_rect)
    assert set(rect_changed.tolist()) <= {i}


def test_update_stores_with_a_new_store_adds_it(widget, stores):
    extra = dataclasses.replace(stores[0], store_id=99_999, code="S9999")
    widget.update_stores([extra])
    assert widget.store_count == 601
    assert widget.index_of(99_999) is not None


def test_offline_store_is_a_hollow_ring(widget, stores):
    s = next(s for s in stores if s.online)
    widget.update_stores([dataclasses.replace(s, online=False)])
    i = widget.index_of(s.store_id)
    assert widget.scatter.data["brush"][i].style() == Qt.BrushStyle.NoBrush
    assert widget.scatter.data["pen"][i].color() == QColor(THEMES["dark"].offline)


def test_colour_mode_switch_changes_brushes(widget, stores, qtbot):
    s = next(x for x in stores if x.online and x.utilization_band == "low" and x.wait_band == "very_long")
    assert brush_colour(widget, s.store_id) == QColor(BANDS["utilization"][0].colour)
    widget.set_colour_mode("wait")
    assert widget.colour_mode == "wait"
    assert brush_colour(widget, s.store_id) == QColor(BANDS["wait"][2].colour)
    # The segmented control drives the same switch and says so.
    alerts_button = widget._mode_buttons["alerts"]
    with qtbot.waitSignal(widget.sig_colour_mode_changed, timeout=1000) as blocker:
        qtbot.mouseClick(alerts_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["alerts"]
    expected = {b.key: QColor(b.colour) for b in BANDS["alerts"]}
    for x in stores[:100]:
        if x.online:
            key = x.alert_severity if x.open_alerts and x.alert_severity else "none"
            assert brush_colour(widget, x.store_id) == expected[key]
    with pytest.raises(ValueError):
        widget.set_colour_mode("rainbow")


def test_legend_explains_the_mode_and_counts(widget, stores):
    def count(lines: list[str], label: str) -> int:
        return int(next(x for x in lines if x.startswith(label)).split()[-1])

    lines = widget.legend_text().splitlines()
    assert lines[0].startswith("工位利用率")
    online = [s for s in stores if s.online]
    assert count(lines, "偏低") == sum(s.utilization_band == "low" for s in online)
    assert count(lines, "离线") == sum(not s.online for s in stores)
    assert any("圆越大" in x for x in lines)
    widget.set_colour_mode("wait")
    lines = widget.legend_text().splitlines()
    assert lines[0].startswith("客户等待时长")
    assert count(lines, "等待过长") == sum(s.wait_band == "very_long" for s in online)
    widget.set_region_filter("SW")
    lines = widget.legend_text().splitlines()
    sw_very_long = sum(s.wait_band == "very_long" and s.region_code == "SW" for s in online)
    assert count(lines, "等待过长") == sw_very_long
    assert f"共 {sum(s.region_code == 'SW' for s in stores)} 家门店" in lines[-1]


# --- interaction ------------------------------------------------------------------------------------------

def test_click_on_marker_emits_store_id(widget, stores, qtbot):
    s = isolated_store(widget, stores)
    pos = widget.marker_pos(s.store_id)
    assert widget.store_at(pos) == s.store_id
    viewport = widget._view.viewport()
    with qtbot.waitSignal(widget.sig_store_selected, timeout=2000) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=viewport.mapFrom(widget, pos))
    assert blocker.args == [s.store_id]
    assert widget.scatter is not None and widget._selected == s.store_id


def test_click_on_empty_sea_emits_nothing(widget, qtbot):
    viewport = widget._view.viewport()
    with qtbot.assertNotEmitted(widget.sig_store_selected):
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=sea_pos(widget))


def test_hover_shows_the_store_card(widget, stores, qtbot):
    s = isolated_store(widget, stores)
    viewport = widget._view.viewport()
    qtbot.mouseMove(viewport, viewport.mapFrom(widget, widget.marker_pos(s.store_id)))
    qtbot.waitUntil(lambda: widget.hover_card_text() != "", timeout=10000)
    text = widget.hover_card_text()
    assert s.name_zh in text and s.city_zh in text and "在修车辆" in text
    # The card follows data changes while it is open.
    widget.update_stores([dataclasses.replace(s, vehicles_today=77)])
    assert "77 台" in widget.hover_card_text()
    qtbot.mouseMove(viewport, sea_pos(widget))
    qtbot.waitUntil(lambda: widget.hover_card_text() == "", timeout=10000)


def test_region_filter_dims_hides_and_zooms(widget, stores, qtbot):
    national = widget.view_box.viewRect()
    widget.set_region_filter("NW")
    inside = [s for s in stores if s.region_code == "NW"]
    outside = [s for s in stores if s.region_code != "NW" and s.online]
    assert widget.region_filter == "NW"
    assert all(brush_colour(widget, s.store_id).alpha() < 100 for s in outside)
    assert all(brush_colour(widget, s.store_id).alpha() == 255 for s in inside if s.online)

    # The view fits the region: its provinces' extent is in view, and the view is much smaller than the
    # nation.
    x0, y0, x1, y1 = widget._region_extent["NW"]
    view = widget.view_box.viewRect()
    assert view.left() <= x0 and view.right() >= x1 and view.top() <= y0 and view.bottom() >= y1
    assert view.width() * view.height() < 0.6 * national.width() * national.height()
    centre = view.center()
    assert x0 <= centre.x() <= x1 and y0 <= centre.y() <= y1

    widget.set_region_filter("NW", hide_others=True)
    visible = widget.scatter.data["visible"]
    assert visible.sum() == len(inside)
    assert all(visible[widget.index_of(s.store_id)] for s in inside)

    widget.set_region_filter(None)
    assert widget.scatter.data["visible"].all()
    assert all(brush_colour(widget, s.store_id).alpha() == 255 for s in outside)
    with pytest.raises(ValueError):
        widget.set_region_filter("XX")


def test_region_combo_emits_filter_changes(widget, qtbot):
    combo = widget.findChild(QComboBox)
    assert combo.count() == 1 + len(REGIONS)
    assert combo.itemText(0).startswith("全国")
    with qtbot.waitSignal(widget.sig_region_filter_changed, timeout=1000) as blocker:
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # 全国 -> 华北, as a user would
    assert blocker.args == ["N"]
    assert widget.region_filter == "N"
    # Set by code: the combo follows, but no signal (a presenter setting it must not hear itself back).
    with qtbot.assertNotEmitted(widget.sig_region_filter_changed):
        widget.set_region_filter("S")
    assert combo.currentData() == "S"


def test_zoom_and_reset(widget):
    national = widget.view_box.viewRect()
    widget.zoom_to_region("E")
    assert widget.view_box.viewRect().width() < national.width() / 2
    assert widget.region_filter is None  # zooming is not filtering
    widget.reset_view()
    assert widget.view_box.viewRect().width() == pytest.approx(national.width(), rel=1e-3)


# --- rendering --------------------------------------------------------------------------------------------

def colour_counts(image: QImage, colours: list[str], tol: int = 6) -> dict[str, int]:
    img = image.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)
    rgb = arr[:, : img.width(), 2::-1].astype(int)  # BGRA in memory -> RGB
    out = {}
    for c in colours:
        q = QColor(c)
        target = np.array([q.red(), q.green(), q.blue()])
        out[c] = int((np.abs(rgb - target).max(axis=2) <= tol).sum())
    return out


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_render_is_not_blank(widget, theme):
    widget.set_theme(theme)
    t = THEMES[theme]
    image = widget.grab().toImage()
    assert not image.isNull() and image.width() == 1200
    colours = [t.land, t.border, *(b.colour for b in BANDS["utilization"][:3])]
    counts = colour_counts(image, colours)
    assert counts[t.land] > 50_000, counts  # the country fills a good part of the view
    assert counts[t.border] > 200, counts  # province borders
    for band in BANDS["utilization"][:3]:
        assert counts[band.colour] > 100, (band.key, counts)


def test_theme_switch_restyles_without_rebuilding(widget):
    scatter = widget.scatter
    widget.set_theme("light")
    assert widget.theme == "light" and widget.scatter is scatter
    assert widget._view.backgroundBrush().color() == QColor(THEMES["light"].background)
    assert len(widget.scatter.data) == 600
    with pytest.raises(ValueError):
        widget.set_theme("neon")


def test_update_and_repaint_time(widget, stores, record_property):
    """A figure for the log, not a pass/fail: update_stores(20 changed of 600) + a synchronous repaint."""
    rng = random.Random(5)
    viewport = widget._view.viewport()
    viewport.repaint()
    times = []
    for _ in range(30):
        batch = [dataclasses.replace(s, in_workshop=rng.randint(0, 20),
                                     utilization_band=rng.choice(["low", "normal", "high"]))
                 for s in rng.sample(stores, 20)]
        t0 = time.perf_counter()
        widget.update_stores(batch)
        viewport.repaint()
        times.append((time.perf_counter() - t0) * 1e3)
    median = sorted(times)[len(times) // 2]
    record_property("update20_repaint_ms_median", round(median, 2))
    print(f"map_view: update_stores(20 of 600) + repaint at {viewport.width()}x{viewport.height()}: "
          f"median {median:.2f} ms, max {max(times):.2f} ms")
