"""The store-terminal write contract, called with plain SQL the way another vendor's terminal would."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest


def ev() -> uuid.UUID:
    return uuid.uuid4()


def check_in(conn, store, plate="京A12345", codes=("MAINT_MINOR",), event=None, at=None):
    return conn.execute(
        "SELECT terminal.check_in(%s, %s, %s, %s, p_actor => 'pad-1', p_at => %s)",
        (event or ev(), store, plate, list(codes), at),
    ).fetchone()[0]


def refused(conn, sql, params, code):
    """Run a call that must be refused with the given SQLSTATE; return the message. Keeps the transaction usable."""
    with pytest.raises(psycopg.Error) as info, conn.transaction(savepoint_name="refused"):
        conn.execute(sql, params)
    assert info.value.sqlstate == code, info.value
    return str(info.value)


def test_full_flow_writes_timeline_with_actors(conn, mini_network):
    s, bay, tech = mini_network["store0"], mini_network["lift0"], mini_network["tech0"]
    t0 = datetime.now(UTC) - timedelta(hours=3)
    wo = check_in(conn, s, at=t0)
    conn.execute("SELECT terminal.start_job(%s, %s, %s, %s, 'tech:zhang', %s)", (ev(), wo, bay, tech,
                 t0 + timedelta(minutes=20)))
    conn.execute("SELECT terminal.use_part(%s, %s, 'OIL_FILTER', 1, 'tech:zhang', %s)", (ev(), wo,
                 t0 + timedelta(minutes=30)))
    conn.execute("SELECT terminal.finish_job(%s, %s, 'tech:zhang', %s)", (ev(), wo, t0 + timedelta(minutes=70)))
    conn.execute("SELECT terminal.set_status(%s, %s, 'done', 'qc:wang', %s)", (ev(), wo, t0 + timedelta(minutes=80)))
    conn.execute("SELECT terminal.set_status(%s, %s, 'delivered', 'advisor:li', %s)", (ev(), wo,
                 t0 + timedelta(minutes=120)))
    conn.execute("SELECT terminal.rate(%s, %s, 95, '很好')", (ev(), wo))
    rows = conn.execute(
        "SELECT status, actor FROM work_order_event WHERE work_order_id = %s ORDER BY at", (wo,)).fetchall()
    assert rows == [("checked_in", "pad-1"), ("in_service", "tech:zhang"), ("quality_check", "tech:zhang"),
                    ("done", "qc:wang"), ("delivered", "advisor:li")]
    status, amount, started, finished = conn.execute(
        "SELECT status, amount, started_at, finished_at FROM work_order WHERE id = %s", (wo,)).fetchone()
    assert status == "delivered"
    assert float(amount) == 450 + 60  # minor maintenance + one oil filter
    assert finished - started == timedelta(minutes=50)
    assert conn.execute("SELECT qty FROM stock s JOIN part p ON p.id = s.part_id WHERE store_id = %s "
                        "AND p.code = 'OIL_FILTER'", (s,)).fetchone()[0] == 4
    jobs = conn.execute("SELECT kind, status, bay_id, upper(period) - lower(period) FROM job "
                        "WHERE work_order_id = %s ORDER BY lower(period)", (wo,)).fetchall()
    # the technician's work, then the quality check keeping the vehicle on the same bay until 'done'
    assert jobs == [("service", "done", bay, timedelta(minutes=50)), ("qc", "done", bay, timedelta(minutes=10))]
    assert conn.execute("SELECT score FROM rating WHERE work_order_id = %s", (wo,)).fetchone()[0] == 95


def test_unknown_store_is_refused_with_a_clear_message(conn):
    msg = refused(conn, "SELECT terminal.check_in(%s, 999999, '京A00001', ARRAY['TYRE'])", (ev(),), "AS404")
    assert "Store 999999 is unknown" in msg


def test_unknown_service_type_and_empty_list(conn, mini_network):
    s = mini_network["store0"]
    assert "NOPE" in refused(conn, "SELECT terminal.check_in(%s, %s, '京A00002', ARRAY['NOPE'])", (ev(), s), "AS404")
    refused(conn, "SELECT terminal.check_in(%s, %s, '京A00002', ARRAY[]::text[])", (ev(), s), "AS422")


def test_bad_plate_is_refused(conn, mini_network):
    msg = refused(conn, "SELECT terminal.check_in(%s, %s, 'x', ARRAY['TYRE'])", (ev(), mini_network["store0"]),
                  "AS422")
    assert "not a valid licence plate" in msg


def test_quality_check_on_another_bay_frees_the_service_bay(conn, mini_network):
    s, lift, lift_b, tech = (mini_network[k] for k in ("store0", "lift0", "lift0b", "tech0"))
    t0 = datetime.now(UTC) - timedelta(hours=2)
    w1 = check_in(conn, s, plate="京Q10001", at=t0)
    w2 = check_in(conn, s, plate="京Q10002", at=t0)
    w3 = check_in(conn, s, plate="京Q10003", at=t0)
    at = [t0 + timedelta(minutes=10 * k) for k in range(10)]
    conn.execute("SELECT terminal.start_job(%s, %s, %s, %s, 'pad', %s)", (ev(), w1, lift, tech, at[1]))
    conn.execute("SELECT terminal.finish_job(%s, %s, 'pad', %s, %s)", (ev(), w1, at[2], lift_b))
    # the service bay is free at once, the QC bay is occupied until the check is done
    conn.execute("SELECT terminal.start_job(%s, %s, %s, %s, 'pad', %s)", (ev(), w2, lift, tech, at[3]))
    assert "Bay" in refused(conn, "SELECT terminal.start_job(%s, %s, %s, %s, 'pad', %s)",
                            (ev(), w3, lift_b, mini_network["tech0b"], at[3]), "AS409")
    conn.execute("SELECT terminal.set_status(%s, %s, 'done', 'qc', %s)", (ev(), w1, at[4]))
    conn.execute("SELECT terminal.start_job(%s, %s, %s, %s, 'pad', %s)",
                 (ev(), w3, lift_b, mini_network["tech0b"], at[5]))
    assert conn.execute("SELECT count(*) FROM job WHERE work_order_id = %s AND status = 'active'", (w1,)
                        ).fetchone()[0] == 0


def test_status_cannot_go_backwards(conn, mini_network):
    s = mini_network["store0"]
    wo = check_in(conn, s, plate="京B11111")
    conn.execute("SELECT terminal.start_job(%s, %s, %s, %s)", (ev(), wo, mini_network["lift0"],
                                                                mini_network["tech0"]))
    conn.execute("SELECT terminal.finish_job(%s, %s)", (ev(), wo))
    conn.execute("SELECT terminal.set_status(%s, %s, 'done')", (ev(), wo))
    msg = refused(conn, "SELECT terminal.set_status(%s, %s, 'quality_check')", (ev(), wo), "AS409")
    assert "cannot go back" in msg
    conn.execute("SELECT terminal.set_status(%s, %s, 'delivered')", (ev(), wo))
    refused(conn, "SELECT terminal.set_status(%s, %s, 'cancelled')", (ev(), wo), "AS409")
    refused(conn, "SELECT terminal.set_status(%s, %s, 'nonsense')", (ev(), wo), "AS422")


def test_finish_before_start_is_refused(conn, mini_network):
    s = mini_network["store0"]
    now = datetime.now(UTC)
    wo = check_in(conn, s, plate="京C22222", at=now - timedelta(hours=2))
    conn.execute("SELECT terminal.start_job(%s, %s, %s, %s, 'pad', %s)",
                 (ev(), wo, mini_network["lift0"], mini_network["tech0"], now - timedelta(hours=1)))
    msg = refused(conn, "SELECT terminal.finish_job(%s, %s, 'pad', %s)", (ev(), wo, now - timedelta(hours=1, minutes=5)),
                  "AS422")
    assert "before it started" in msg
    # and a job cannot start before the vehicle arrived
    wo2 = check_in(conn, s, plate="京C22223", at=now - timedelta(minutes=30))
    refused(conn, "SELECT terminal.start_job(%s, %s, %s, %s, 'pad', %s)",
            (ev(), wo2, mini_network["lift0b"], mini_network["tech0b"], now - timedelta(hours=1)), "AS422")


def test_negative_or_zero_quantity_and_too_little_stock(conn, mini_network):
    wo = check_in(conn, mini_network["store0"], plate="京D33333")
    assert "positive" in refused(conn, "SELECT terminal.use_part(%s, %s, 'OIL_FILTER', -2)", (ev(), wo), "AS422")
    refused(conn, "SELECT terminal.use_part(%s, %s, 'OIL_FILTER', 0)", (ev(), wo), "AS422")
    assert "Only 5" in refused(conn, "SELECT terminal.use_part(%s, %s, 'BATTERY', 6)", (ev(), wo), "AS409")
    refused(conn, "SELECT terminal.use_part(%s, %s, 'NO_SUCH_PART', 1)", (ev(), wo), "AS404")
    qty = conn.execute("SELECT qty FROM stock s JOIN part p ON p.id = s.part_id WHERE store_id = %s AND "
                       "p.code = 'BATTERY'", (mini_network["store0"],)).fetchone()[0]
    assert qty == 5  # nothing half-changed


def test_idempotent_retry_is_accepted_not_doubled(conn, mini_network):
    s = mini_network["store0"]
    e = ev()
    wo1 = check_in(conn, s, plate="京E44444", event=e)
    wo2 = check_in(conn, s, plate="京E44444", event=e)
    assert wo1 == wo2
    assert conn.execute("SELECT count(*) FROM work_order WHERE vehicle_id = (SELECT id FROM vehicle WHERE "
                        "plate = '京E44444')").fetchone()[0] == 1
    pe = ev()
    u1 = conn.execute("SELECT terminal.use_part(%s, %s, 'AIR_FILTER', 2)", (pe, wo1)).fetchone()[0]
    u2 = conn.execute("SELECT terminal.use_part(%s, %s, 'AIR_FILTER', 2)", (pe, wo1)).fetchone()[0]
    assert u1 == u2
    assert conn.execute("SELECT qty FROM stock s JOIN part p ON p.id = s.part_id WHERE store_id = %s AND "
                        "p.code = 'AIR_FILTER'", (s,)).fetchone()[0] == 3


def test_duplicate_event_id_for_a_different_write_is_refused(conn, mini_network):
    e = ev()
    check_in(conn, mini_network["store0"], plate="京F55555", event=e)
    msg = refused(conn, "SELECT terminal.check_in(%s, %s, '京F55556', ARRAY['TYRE'])", (e, mini_network["store0"]),
                  "AS423")
    assert "already used for a different write" in msg


def test_bay_and_technician_cannot_be_double_booked(conn, mini_network):
    s = mini_network["store0"]
    w1 = check_in(conn, s, plate="京G66661")
    w2 = check_in(conn, s, plate="京G66662")
    conn.execute("SELECT terminal.start_job(%s, %s, %s, %s)", (ev(), w1, mini_network["lift0"], mini_network["tech0"]))
    assert "Bay" in refused(conn, "SELECT terminal.start_job(%s, %s, %s, %s)",
                            (ev(), w2, mini_network["lift0"], mini_network["tech0b"]), "AS409")
    assert "Technician" in refused(conn, "SELECT terminal.start_job(%s, %s, %s, %s)",
                                   (ev(), w2, mini_network["lift0b"], mini_network["tech0"]), "AS409")


def test_skill_and_bay_kind_are_checked(conn, mini_network):
    s = mini_network["store0"]
    w = check_in(conn, s, plate="京H77777", codes=("ELEC",))
    assert "skill" in refused(conn, "SELECT terminal.start_job(%s, %s, %s, %s)",
                              (ev(), w, mini_network["lift0"], mini_network["tech0"]), "AS409")
    assert "paint bay" in refused(conn, "SELECT terminal.start_job(%s, %s, %s, %s)",
                                  (ev(), w, mini_network["paint0"], mini_network["tech0b"]), "AS409")
    # a bay of another store
    refused(conn, "SELECT terminal.start_job(%s, %s, %s, %s)", (ev(), w, mini_network["lift1"],
                                                                 mini_network["tech0b"]), "AS404")


def test_rating_range_and_once(conn, mini_network):
    s = mini_network["store0"]
    w = check_in(conn, s, plate="京J88888")
    refused(conn, "SELECT terminal.rate(%s, %s, 90)", (ev(), w), "AS409")  # not done yet
    conn.execute("SELECT terminal.start_job(%s, %s, %s, %s)", (ev(), w, mini_network["lift0"], mini_network["tech0"]))
    conn.execute("SELECT terminal.finish_job(%s, %s)", (ev(), w))
    conn.execute("SELECT terminal.set_status(%s, %s, 'done')", (ev(), w))
    refused(conn, "SELECT terminal.rate(%s, %s, 101)", (ev(), w), "AS422")
    conn.execute("SELECT terminal.rate(%s, %s, 80)", (ev(), w))
    assert "already been rated" in refused(conn, "SELECT terminal.rate(%s, %s, 90)", (ev(), w), "AS409")


def test_future_time_and_missing_event_id(conn, mini_network):
    future = datetime.now(UTC) + timedelta(hours=1)
    assert "future" in refused(conn, "SELECT terminal.check_in(%s, %s, '京K99999', ARRAY['TYRE'], p_at => %s)",
                               (ev(), mini_network["store0"], future), "AS422")
    refused(conn, "SELECT terminal.check_in(NULL, %s, '京K99999', ARRAY['TYRE'])", (mini_network["store0"],),
            "AS422")


def test_vehicle_cannot_be_in_two_workshops(conn, mini_network):
    check_in(conn, mini_network["store0"], plate="京L12121")
    assert "already in a workshop" in refused(
        conn, "SELECT terminal.check_in(%s, %s, '京L12121', ARRAY['TYRE'])", (ev(), mini_network["store1"]), "AS409")


def test_booking_then_check_in(conn, mini_network):
    s = mini_network["store1"]
    slot = datetime.now(UTC) + timedelta(days=1)
    bid = conn.execute("SELECT terminal.book(%s, %s, '沪A10001', ARRAY['MAINT_MAJOR','TYRE'], %s, 'wechat', '王女士')",
                       (ev(), s, slot)).fetchone()[0]
    lo, hi, price = conn.execute("SELECT lower(slot), upper(slot), quoted_price FROM booking WHERE id = %s",
                                 (bid,)).fetchone()
    assert hi - lo == timedelta(minutes=90 + 40) and float(price) == 1150 + 600
    refused(conn, "SELECT terminal.check_in(%s, %s, NULL, NULL, %s)", (ev(), mini_network["store0"], bid), "AS409")
    wo = conn.execute("SELECT terminal.check_in(%s, %s, NULL, NULL, %s)", (ev(), s, bid)).fetchone()[0]
    booked_for, n_items = conn.execute(
        "SELECT booked_for, (SELECT count(*) FROM work_order_item WHERE work_order_id = w.id) FROM work_order w "
        "WHERE id = %s", (wo,)).fetchone()
    assert booked_for == lo and n_items == 2
    assert conn.execute("SELECT status FROM booking WHERE id = %s", (bid,)).fetchone()[0] == "checked_in"


def test_terminal_role_can_call_functions_but_not_write_tables(conn, mini_network):
    conn.execute("SET LOCAL ROLE aftersales_terminal")
    conn.execute("SELECT terminal.heartbeat('pad-x', %s)", (mini_network["store0"],))
    refused(conn, "INSERT INTO rating (work_order_id, store_id, score, rated_at) VALUES (1, 1, 1, now())", (),
            "42501")


def test_audit_log_is_append_only(conn):
    conn.execute("INSERT INTO audit_log (actor, action, entity, entity_id) VALUES ('hq', 'approve', 'x', '1')")
    assert "append-only" in refused(conn, "UPDATE audit_log SET actor = 'someone else'", (), "AS403")
    refused(conn, "DELETE FROM audit_log", (), "AS403")


def test_concurrent_retries_of_one_write_land_once(database, mini_network):
    """Two connections send the same event at the same moment (a retry racing the original): one write."""
    import threading

    e = ev()
    plate = f"京R{uuid.uuid4().int % 100000:05d}"
    barrier = threading.Barrier(4)
    results: list = []

    def send() -> None:
        with psycopg.connect(database.conninfo, autocommit=True) as c:
            barrier.wait()
            results.append(c.execute("SELECT terminal.check_in(%s, %s, %s, ARRAY['TYRE'])",
                                     (e, mini_network["store1"], plate)).fetchone()[0])

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 4 and len(set(results)) == 1
    with psycopg.connect(database.conninfo) as c:
        assert c.execute("SELECT count(*) FROM work_order w JOIN vehicle v ON v.id = w.vehicle_id "
                         "WHERE v.plate = %s", (plate,)).fetchone()[0] == 1
        c.execute("SELECT terminal.set_status(%s, %s, 'cancelled')", (ev(), results[0]))
        c.commit()
