"""Boot the control center offscreen on the demo network, cause a real terminal write, see it on screen, close."""

from __future__ import annotations

import threading
import uuid

import psycopg

from app.bootstrap import App


def test_window_shows_live_kpis_and_reacts_to_a_terminal_write(qtbot, demo_db):
    db, _ = demo_db
    url = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
    app = App(url)
    qtbot.addWidget(app.window)
    app.window.show()
    qtbot.waitUntil(lambda: app.window.model.rowCount() == 8, timeout=20000)  # 7 regions + the nation
    assert app.listener is not None and app.listener.connected.wait(5)
    refreshed = app.window.updated_at

    with qtbot.waitSignal(app.bridge.sig_store_changed, timeout=5000) as blocker, \
            psycopg.connect(db.conninfo) as terminal:  # a plain terminal connection, no app code
        store, plate = terminal.execute(
            "SELECT c.home_store_id, v.plate FROM vehicle v JOIN customer c ON c.id = v.customer_id "
            "WHERE NOT EXISTS (SELECT 1 FROM work_order w WHERE w.vehicle_id = v.id "
            "AND w.status NOT IN ('delivered', 'cancelled')) LIMIT 1").fetchone()
        terminal.execute("SELECT terminal.check_in(%s, %s, %s, ARRAY['TYRE'])", (uuid.uuid4(), store, plate))
        terminal.commit()
    assert blocker.args == [store, "workorder"]
    # the burst is coalesced into one refresh within about a second, and the table is re-read
    qtbot.waitUntil(lambda: app.window.updated_at != refreshed, timeout=5000)
    assert "Updated" in app.window.status.text()

    app.shutdown()
    assert not app.listener.running
    assert not [t for t in threading.enumerate() if t.name == "db-listener"]
