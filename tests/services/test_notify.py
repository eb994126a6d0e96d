"""NOTIFY reaches a listener when a plain psycopg connection (no app code) writes through the contract."""

from __future__ import annotations

import queue
import uuid

import psycopg

from services.listener import Listener, parse
from services.model import Resync, StoreChanged


def _drain(q: queue.Queue, timeout: float = 1.5) -> list:
    out = []
    try:
        while True:
            out.append(q.get(timeout=timeout))
            timeout = 0.3
    except queue.Empty:
        return out


def test_listener_sees_one_notify_per_transaction(database, mini_network):
    events: queue.Queue = queue.Queue()
    listener = Listener(database.conninfo, events.put, poll_seconds=0.1)
    listener.start()
    try:
        assert listener.connected.wait(5)
        store = mini_network["store1"]
        with psycopg.connect(database.conninfo) as terminal:  # a plain connection: no app code
            for n in range(5):  # five check-ins in one transaction
                terminal.execute("SELECT terminal.check_in(%s, %s, %s, ARRAY['TYRE'])",
                                 (uuid.uuid4(), store, f"粤B9{n:04d}"))
            terminal.commit()
        got = _drain(events)
        assert got == [StoreChanged(store, "workorder", got[0].received_at)]

        with psycopg.connect(database.conninfo) as terminal:  # a rolled-back write notifies nobody
            terminal.execute("SELECT terminal.check_in(%s, %s, '粤B88888', ARRAY['TYRE'])", (uuid.uuid4(), store))
            terminal.rollback()
        assert _drain(events, 0.7) == []
    finally:
        listener.stop()
    assert not listener.running


def test_listener_resyncs_after_its_connection_is_killed(database, mini_network):
    events: queue.Queue = queue.Queue()
    listener = Listener(database.conninfo, events.put, poll_seconds=0.1, max_backoff=0.5)
    listener.start()
    try:
        assert listener.connected.wait(5)
        with psycopg.connect(database.conninfo, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE query LIKE 'LISTEN%%' AND pid <> pg_backend_pid()")
        got = _drain(events, 5)
        assert any(isinstance(e, Resync) for e in got)
        assert listener.connected.wait(5)
        with psycopg.connect(database.conninfo) as terminal:
            terminal.execute("SELECT terminal.check_in(%s, %s, '粤C77777', ARRAY['TYRE'])",
                             (uuid.uuid4(), mini_network["store0"]))
            terminal.commit()
        after = _drain(events)
        assert [(e.store_id, e.kind) for e in after] == [(mini_network["store0"], "workorder")]
    finally:
        listener.stop()


def test_malformed_payload_is_ignored():
    assert parse("not json") is None
    assert parse('{"store": 3}') is None
    assert parse('{"store": 3, "kind": "stock"}').store_id == 3
