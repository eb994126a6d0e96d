"""Boot the control center offscreen on the small demo network as each edition, drill down, cause a real terminal
write and see it arrive, acknowledge nothing by mistake, close cleanly."""

from __future__ import annotations

import uuid

import psycopg


def test_hq_sees_the_nation_and_drills_down_with_back_and_forward(make_app):
    app = make_app("hq.zhang")
    p, w = app.presenter, app.window
    assert w.breadcrumb.titles == ["全国"]
    assert p.map.store_count == 28
    p._ranking_row("N")  # double-click on 华北 in the ranking
    assert w.breadcrumb.titles == ["全国", "华北大区"]
    north_store = next(s for s in p._stores if s.region_code == "N")
    p.open_store(north_store.store_id)
    assert w.breadcrumb.titles == ["全国", "华北大区", north_store.name_zh]
    w.sig_back_requested.emit()
    assert w.breadcrumb.titles == ["全国", "华北大区"]
    w.sig_forward_requested.emit()
    assert w.breadcrumb.titles[-1] == north_store.name_zh
    w.breadcrumb.sig_crumb_clicked.emit(0)
    assert w.breadcrumb.titles == ["全国"]


def test_a_regional_manager_gets_only_the_region(make_app):
    app = make_app("region.n")
    p = app.presenter
    assert app.window.breadcrumb.titles == ["华北大区"]
    assert p._stores and {s.region_code for s in p._stores} == {"N"}
    assert "map" in app.window.docks


def test_store_edition_is_the_lightweight_one(make_app):
    app = make_app(next(login for login in ("store.s0001",)))
    assert app.window.edition == "store"
    assert "map" not in app.window.docks and "wall" not in app.window.docks
    assert app.window.font().pointSize() >= 14


def test_a_terminal_write_reaches_the_map(make_app, demo_db, qtbot):
    db, _ = demo_db
    app = make_app("hq.zhang")
    p = app.presenter
    assert app.listener.connected.wait(5)
    before = p.refreshes
    with psycopg.connect(db.conninfo) as terminal:  # a plain terminal connection, no app code
        store, plate = terminal.execute(
            "SELECT c.home_store_id, v.plate FROM vehicle v JOIN customer c ON c.id = v.customer_id "
            "WHERE NOT EXISTS (SELECT 1 FROM work_order w WHERE w.vehicle_id = v.id "
            "AND w.status NOT IN ('delivered', 'cancelled')) ORDER BY v.id DESC LIMIT 1").fetchone()
        in_workshop = next(s.in_workshop for s in p._stores if s.store_id == store)
        terminal.execute("SELECT terminal.check_in(%s, %s, %s, ARRAY['TYRE'])", (uuid.uuid4(), store, plate))
        terminal.commit()
    qtbot.waitUntil(lambda: p.refreshes > before, timeout=5000)
    now = next(s for s in p._stores if s.store_id == store)
    assert now.in_workshop == in_workshop + 1 and now.online


def test_store_page_and_work_order_timeline(make_app, qtbot, demo_db):
    app = make_app("hq.zhang")
    p, w = app.presenter, app.window
    store = p._stores[0]
    before = p.refreshes
    p.open_store(store.store_id)
    qtbot.waitUntil(lambda: p.refreshes > before, timeout=10000)
    assert p.store_view.store_id == store.store_id
    assert w.pages.currentWidget() is p.store_page
    assert p.store_page.board is not None and p.store_view.lanes
    with demo_db[0].connect() as c:  # a delivered work order of this store (any day)
        wo = c.execute("SELECT max(id) FROM work_order WHERE store_id = %s AND status = 'delivered'",
                       (store.store_id,)).fetchone()[0]
    before = p.refreshes
    p.open_work_order(wo)
    qtbot.waitUntil(lambda: p.refreshes > before, timeout=10000)
    assert len(w.breadcrumb.titles) == 4 and w.breadcrumb.titles[-1] == f"工单 {wo}"
    assert p.work_order.events and all(e.actor for e in p.work_order.events)
    assert w.pages.currentWidget() is w.page_widgets["work_order"] and p.work_order_page.isVisibleTo(w.pages.currentWidget())


def test_losing_the_database_is_said_plainly_and_recovered_from(make_app, demo_db, qtbot):
    db, _ = demo_db
    app = make_app("hq.zhang")
    w, p = app.window, app.presenter
    assert app.listener.connected.wait(5)
    refreshes = p.refreshes
    states: list[tuple[bool, str]] = []
    seen_banner: list[str] = []
    app.bridge.sig_connection_changed.connect(lambda ok, msg: (states.append((ok, msg)),
                                                               seen_banner.append(w.banner.text())))
    with psycopg.connect(db.conninfo, autocommit=True) as admin:  # the server drops the console's connection
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE query LIKE 'LISTEN%%' AND pid <> pg_backend_pid()")
    qtbot.waitUntil(lambda: (False, "disconnected") in states, timeout=10000)
    assert any("数据库连接中断" in text for text in seen_banner)  # one plain sentence, with the data's age
    # it reconnects by itself, hides the warning and re-reads everything (notifications may have been lost)
    qtbot.waitUntil(lambda: states[-1][0] and not w.banner.isVisible() and p.refreshes > refreshes,
                    timeout=20000)
    assert "数据更新于" in w.freshness.text()


def test_acknowledging_an_alert_from_the_feed_is_seen_by_another_console(make_app, demo_db, qtbot):
    db, _ = demo_db
    app = make_app("hq.zhang")
    p = app.presenter
    with db.connect() as c:  # make sure there is an open, unacknowledged alert (a real complaint raises one)
        store = c.execute("SELECT min(id) FROM store").fetchone()[0]
        c.execute("SELECT terminal.complain(%s, %s, '等了三个小时还没开始修')", (uuid.uuid4(), store))
        c.commit()
        alert_id = c.execute("SELECT id FROM alert WHERE store_id = %s AND kind = 'complaint' "
                             "AND resolved_at IS NULL", (store,)).fetchone()[0]
        c.execute("UPDATE alert SET acknowledged_by = NULL, acknowledged_at = NULL WHERE id = %s", (alert_id,))
        c.commit()
    qtbot.waitUntil(lambda: alert_id in p.alerts.shown_ids(), timeout=10000)  # arrives live (NOTIFY 'alert')
    p.alerts.sig_acknowledge_requested.emit(alert_id)  # the big 确认 button
    with psycopg.connect(db.conninfo) as second:  # another console's connection sees who acknowledged it
        def acknowledged() -> bool:
            row = second.execute("SELECT acknowledged_by FROM alert WHERE id = %s", (alert_id,)).fetchone()
            second.rollback()
            return row[0] == "hq.zhang"

        qtbot.waitUntil(acknowledged, timeout=10000)
    # The commit is seen first; the sentence follows when the result reaches the GUI thread.
    qtbot.waitUntil(lambda: "已确认预警" in app.window.statusBar().currentMessage(), timeout=10000)
