"""Live mode: simulated terminals write through the contract and a listener sees each store's changes."""

from __future__ import annotations

import queue
import threading

from services.demo.live import LiveOptions, run_live
from services.listener import Listener
from services.model import StoreChanged


def test_live_terminals_write_and_notify(demo_db):
    db, _ = demo_db
    with db.connect() as c:
        before = c.execute("SELECT coalesce(max(id), 0) FROM work_order_event").fetchone()[0]
    events: queue.Queue = queue.Queue()
    listener = Listener(db.conninfo, events.put, poll_seconds=0.1)
    listener.start()
    assert listener.connected.wait(5)
    stop = threading.Event()
    timer = threading.Timer(8.0, stop.set)
    timer.start()
    try:
        stats = run_live(db, LiveOptions(speed=3000, stores=6, connections=3, heartbeat_seconds=2),
                         report=lambda line: None, stop=stop)
    finally:
        timer.cancel()
        listener.stop()
    with db.connect() as c:
        written = c.execute("SELECT count(*) FROM work_order_event WHERE source = 'terminal' AND id > %s",
                            (before,)).fetchone()[0]
        stores_written = {r[0] for r in c.execute(
            "SELECT DISTINCT store_id FROM work_order_event WHERE source = 'terminal' AND id > %s",
            (before,)).fetchall()}
        online = c.execute("SELECT count(*) FROM terminal.store_activity "
                           "WHERE last_write_at > now() - interval '1 minute' AND store_id <= 6").fetchone()[0]
    assert stats.calls > 100 and written > 50
    assert sum(stats.refused.values()) < 0.05 * stats.calls  # the engine's plan fits the contract's rules
    assert stores_written <= set(range(1, 7))
    seen = set()
    while not events.empty():
        e = events.get()
        if isinstance(e, StoreChanged):
            seen.add((e.store_id, e.kind))
    assert {s for s, k in seen if k == "workorder"} == stores_written
    assert online == 6  # every simulated store's heartbeats count it as online
