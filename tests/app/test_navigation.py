"""Drill-down history: nation → region → store → work order, back and forward, breadcrumb paths."""

from __future__ import annotations

import pytest

from app.navigation import History, Location


def test_drill_down_back_forward_and_branching():
    nation = Location("nation", None, "全国")
    h = History(nation)
    north = h.go(nation.child("region", "N", "华北"))
    store = h.go(north.child("store", 12, "北京城东二店"))
    wo = h.go(store.child("work_order", 9001, "工单 9001"))
    assert [loc.title for loc in wo.path()] == ["全国", "华北", "北京城东二店", "工单 9001"]
    assert h.back() == store and h.back() == north
    assert h.can_forward() and h.forward() == store
    other = h.go(north.child("store", 13, "北京城西一店"))  # a new branch drops the old forward history
    assert not h.can_forward() and h.back() == store
    assert h.current.key == 12 and other.parent == north
    assert h.home == nation


def test_cannot_drill_upwards():
    store = Location("store", 1, "店")
    with pytest.raises(ValueError):
        store.child("region", "N", "华北")
