"""Smart booking against the real database: free slots, booking that never double-books (also from two
connections at once), pricing recorded on the booking, rules only HQ may change, triggers that keep the plan in step
with reality, and the notices the booking channels read."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, time, timedelta

import psycopg
import pytest

from services.booking.book import book_slot, cancel_booking
from services.booking.pricing import DEFAULT_RULES
from services.booking.rules import load_rules, save_rules
from services.booking.slots import free_slots
from services.model import DomainError, PricingRule, SlotTaken
from services.network import CHINA


def _day():
    return (datetime.now(CHINA) + timedelta(days=1)).date()


def _at(day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), tzinfo=CHINA)


def add_shift(conn, tech, store, day, start=(8, 30), end=(17, 30), brk=((12, 0), (13, 0))):
    conn.execute("INSERT INTO shift (technician_id, store_id, work_date, period, break_period) "
                 "VALUES (%s, %s, %s, tstzrange(%s, %s), tstzrange(%s, %s))",
                 (tech, store, day, _at(day, *start), _at(day, *end), _at(day, *brk[0]), _at(day, *brk[1])))


def make_shop(conn, m):
    """Store 0 of the mini network tomorrow: lifts L1, L2 and a paint booth; 张师傅 (maintenance, tyres,
    diagnostics) 08:30–17:30 with lunch 12:00–13:00, 李师傅 (maintenance, electrical) 09:00–18:00, lunch 12:30–13:30."""
    day = _day()
    add_shift(conn, m["tech0"], m["store0"], day)
    add_shift(conn, m["tech0b"], m["store0"], day, (9, 0), (18, 0), ((12, 30), (13, 30)))
    return {**m, "day": day, "s": m["store0"]}


@pytest.fixture
def shop(conn, mini_network):
    return make_shop(conn, mini_network)


def _minutes(o):
    return o.start.astimezone(CHINA).hour * 60 + o.start.astimezone(CHINA).minute


def test_free_slots_respect_bays_skills_shifts_and_breaks(conn, shop):
    day = shop["day"]
    offers = free_slots(conn, shop["s"], ["MAINT_MINOR"], day)
    assert offers, "an empty store has room tomorrow"
    lifts = {shop["lift0"], shop["lift0b"]}
    assert {o.bay_id for o in offers} <= lifts  # never the paint booth
    starts = [_minutes(o) for o in offers]
    assert len(starts) == len(set(starts)) and starts == sorted(starts)  # one offer per start
    assert min(starts) == 8 * 60 + 30  # 张师傅 starts at 08:30 (store opens 08:30)
    for o in offers:
        a, b = _minutes(o), _minutes(o) + 45
        if o.technician_id == shop["tech0"]:
            assert b <= 17 * 60 + 30 and not (a < 13 * 60 and b > 12 * 60)
        else:
            assert a >= 9 * 60 and b <= 18 * 60 and not (a < 13 * 60 + 30 and b > 12 * 60 + 30)
    # 12:00-13:00 only 李师傅 works until 12:30: a 45-minute job at 12:00 does not fit anyone
    assert 12 * 60 not in starts and 11 * 60 + 45 in starts
    # electrical work only 李师傅 can do
    elec = free_slots(conn, shop["s"], ["ELEC"], day)
    assert elec and {o.technician_id for o in elec} == {shop["tech0b"]}
    assert min(_minutes(o) for o in elec) == 9 * 60
    # nobody paints
    assert free_slots(conn, shop["s"], ["PAINT"], day) == []
    with pytest.raises(DomainError):
        free_slots(conn, shop["s"], ["NOPE"], day)


def test_a_booking_takes_its_pair_and_an_active_job_blocks_its_bay(conn, shop):
    day = shop["day"]
    t10 = _at(day, 10)
    first = book_slot(conn, shop["s"], "京B10001", ["MAINT_MINOR"], t10, actor="advisor.test")
    second = book_slot(conn, shop["s"], "京B10002", ["MAINT_MINOR"], t10, actor="advisor.test")
    assert {first.bay_id, second.bay_id} == {shop["lift0"], shop["lift0b"]}
    assert first.technician_id != second.technician_id
    offers = free_slots(conn, shop["s"], ["MAINT_MINOR"], day)
    starts = {_minutes(o) for o in offers}
    # both technicians are busy 10:00-10:45: nothing starts in (09:15, 10:45)
    assert not any(9 * 60 + 15 < s < 10 * 60 + 45 for s in starts)
    assert 10 * 60 + 45 in starts
    with pytest.raises(SlotTaken) as info:
        book_slot(conn, shop["s"], "京B10003", ["MAINT_MINOR"], t10 + timedelta(minutes=15), actor="advisor.test")
    assert info.value.alternatives and all(a.start != t10 + timedelta(minutes=15) for a in info.value.alternatives)
    # the failed attempt left nothing behind
    assert conn.execute("SELECT count(*) FROM booking b JOIN vehicle v ON v.id = b.vehicle_id "
                        "WHERE v.plate = '京B10003'").fetchone()[0] == 0


def test_an_active_job_occupies_its_bay_and_technician(conn, shop):
    s = shop["s"]
    now = datetime.now(CHINA)
    today = now.date()
    # an active job started now occupies L1 and 张师傅 until start + standard minutes at least
    wo = conn.execute("SELECT terminal.check_in(%s, %s, '京B20001', ARRAY['MAINT_MAJOR'])",
                      (uuid.uuid4(), s)).fetchone()[0]
    conn.execute("SELECT terminal.start_job(%s, %s, %s, %s)", (uuid.uuid4(), wo, shop["lift0"], shop["tech0"]))
    # tomorrow is untouched; today the pair is busy for 90 minutes from now
    from services.booking.slots import load_store_days, service_types

    sd = load_store_days(conn, [s], today, now, service_types(conn))[s]
    busy = sd.bay_busy[shop["lift0"]]
    nm = now.hour * 60 + now.minute
    assert any(a <= nm and b >= nm + 89 for a, b in busy)
    assert sd.tech_busy[shop["tech0"]] == busy


def test_the_exclusion_constraints_refuse_a_direct_overlapping_insert(conn, shop):
    day = shop["day"]
    conf = book_slot(conn, shop["s"], "京B30001", ["MAINT_MINOR"], _at(day, 9), actor="advisor.test")
    spare = book_slot(conn, shop["s"], "京B30002", ["MAINT_MINOR"], _at(day, 15), actor="advisor.test")
    conn.execute("UPDATE reservation SET status = 'released' WHERE booking_id = %s", (spare.booking_id,))
    bid = spare.booking_id
    ins = ("INSERT INTO reservation (store_id, booking_id, bay_id, technician_id, period, updated_by) "
           "VALUES (%s, %s, %s, %s, tstzrange(%s, %s), 'test')")
    other_tech = shop["tech0b"] if conf.technician_id == shop["tech0"] else shop["tech0"]
    other_bay = shop["lift0b"] if conf.bay_id == shop["lift0"] else shop["lift0"]
    for bay, tech in ((conf.bay_id, other_tech), (other_bay, conf.technician_id)):
        with pytest.raises(psycopg.errors.ExclusionViolation), conn.transaction():
            conn.execute(ins, (shop["s"], bid, bay, tech, _at(day, 9, 30), _at(day, 10)))
    # touching is fine, and released reservations do not count
    with conn.transaction():
        conn.execute("UPDATE reservation SET status = 'released' WHERE booking_id = %s", (conf.booking_id,))
        conn.execute(ins, (shop["s"], bid, conf.bay_id, conf.technician_id, _at(day, 9, 30), _at(day, 10)))


def test_pricing_is_recorded_on_the_booking(conn, shop):
    day = shop["day"]
    offers = free_slots(conn, shop["s"], ["MAINT_MAJOR"], day)
    quiet = next(o for o in offers if o.discount_pct > 0)
    assert quiet.price < quiet.list_price and quiet.pricing_rule
    conf = book_slot(conn, shop["s"], "京B40001", ["MAINT_MAJOR"], quiet.start, actor="advisor.test")
    row = conn.execute("SELECT list_price, quoted_price, discount_pct, pricing_rule, predicted_load "
                       "FROM booking WHERE id = %s", (conf.booking_id,)).fetchone()
    assert float(row[0]) == quiet.list_price == conf.list_price
    assert float(row[1]) == quiet.price == conf.price
    assert float(row[2]) == quiet.discount_pct and row[3] == quiet.pricing_rule
    assert row[4] == pytest.approx(quiet.predicted_load)
    # a forged discount is refused by the database itself
    with pytest.raises(psycopg.Error) as info, conn.transaction():
        conn.execute("SELECT * FROM booking.book_slot(%s, '京B40002', ARRAY['MAINT_MAJOR'], %s, p_discount_pct => 40, "
                     "p_pricing_rule => %s, p_predicted_load => 0.1, p_actor => 'x')",
                     (shop["s"], quiet.start + timedelta(hours=2), quiet.pricing_rule))
    assert info.value.sqlstate == "AS409"


def test_default_rules_are_in_the_database_and_validated_on_save(conn):
    rules = load_rules(conn)
    assert [(r.name, r.load_below, r.discount_pct, r.weekdays, r.hour_from, r.hour_to) for r in rules] == \
        [(r.name, r.load_below, r.discount_pct, r.weekdays, r.hour_from, r.hour_to) for r in DEFAULT_RULES]
    with pytest.raises(DomainError, match="discount"):
        save_rules(conn, [PricingRule(None, "太多", 0.5, 80.0)], "hq.test")
    saved = save_rules(conn, [*rules[:2], PricingRule(None, "周末早间 9 折", 0.5, 10.0, (5, 6), 8, 10)], "hq.test")
    assert [r.name for r in saved] == [rules[0].name, rules[1].name, "周末早间 9 折"]
    assert conn.execute("SELECT count(*) FROM audit_log WHERE entity = 'pricing_rule' AND actor = 'hq.test'"
                        ).fetchone()[0] == 1


def test_cancel_releases_the_reservation(conn, shop):
    conf = book_slot(conn, shop["s"], "京B50001", ["TYRE"], _at(shop["day"], 15), actor="advisor.test")
    cancel_booking(conn, conf.booking_id, "advisor.test")
    assert conn.execute("SELECT status FROM reservation WHERE booking_id = %s", (conf.booking_id,)).fetchone()[0] \
        == "released"
    with pytest.raises(DomainError, match="already cancelled"):
        cancel_booking(conn, conf.booking_id, "advisor.test")
    again = book_slot(conn, shop["s"], "京B50002", ["TYRE"], _at(shop["day"], 15), actor="advisor.test",
                      bay_id=conf.bay_id, technician_id=conf.technician_id)
    assert (again.bay_id, again.technician_id) == (conf.bay_id, conf.technician_id)


def test_no_show_and_check_in_and_start_keep_the_plan_in_step(conn, shop):
    s, day = shop["s"], shop["day"]
    no_show = book_slot(conn, s, "京B60001", ["MAINT_MINOR"], _at(day, 14), actor="advisor.test")
    conn.execute("UPDATE booking SET status = 'no_show' WHERE id = %s", (no_show.booking_id,))
    assert conn.execute("SELECT status FROM reservation WHERE booking_id = %s",
                        (no_show.booking_id,)).fetchone()[0] == "released"
    conf = book_slot(conn, s, "京B60002", ["MAINT_MINOR"], _at(day, 15), actor="advisor.test")
    wo = conn.execute("SELECT terminal.check_in(%s, %s, NULL, NULL, %s)",
                      (uuid.uuid4(), s, conf.booking_id)).fetchone()[0]
    assert conn.execute("SELECT work_order_id, status FROM reservation WHERE booking_id = %s",
                        (conf.booking_id,)).fetchone() == (wo, "held")
    conn.execute("SELECT terminal.start_job(%s, %s, %s, %s)", (uuid.uuid4(), wo, shop["lift0"], shop["tech0"]))
    assert conn.execute("SELECT status FROM reservation WHERE booking_id = %s",
                        (conf.booking_id,)).fetchone()[0] == "released"


@pytest.fixture
def committed_store(database):
    """A store of its own, committed (for tests that use several connections), with one lift and one technician
    on shift tomorrow; removed afterwards."""
    day = _day()
    code = "TB" + uuid.uuid4().hex[:6].upper()
    with database.connect() as c:
        sid = c.execute("""INSERT INTO store (code, name_zh, name_en, region_id, province_code, city_zh, city_en, lat,
                               lon, store_type, size, opens_at, closes_at, rollout_wave, go_live_date)
                           VALUES (%s, '并发店', 'Race store', 1, '11', '北京', 'Beijing', 39.9, 116.4, 'direct',
                               'small', '08:30', '18:00', 0, '2026-06-01') RETURNING id""", (code,)).fetchone()[0]
        bay = c.execute("INSERT INTO bay (store_id, kind, name) VALUES (%s, 'lift', 'L1') RETURNING id",
                        (sid,)).fetchone()[0]
        tech = c.execute("INSERT INTO technician (home_store_id, name, skills, level, rating) "
                         "VALUES (%s, '赵师傅', ARRAY['maintenance'], 3, 90) RETURNING id", (sid,)).fetchone()[0]
        add_shift(c, tech, sid, day)
        c.commit()
    yield {"s": sid, "bay": bay, "tech": tech, "day": day}
    with database.connect() as c:
        for sql in ("DELETE FROM reservation WHERE store_id = %s", "DELETE FROM booking WHERE store_id = %s",
                    "DELETE FROM shift WHERE store_id = %s",
                    "DELETE FROM vehicle WHERE customer_id IN (SELECT id FROM customer WHERE home_store_id = %s)",
                    "DELETE FROM customer WHERE home_store_id = %s", "DELETE FROM technician WHERE home_store_id = %s",
                    "DELETE FROM bay WHERE store_id = %s", "DELETE FROM terminal.store_activity WHERE store_id = %s",
                    "DELETE FROM store WHERE id = %s"):
            c.execute(sql, (sid,))
        c.commit()


def test_two_advisors_book_the_last_slot_at_once_exactly_one_wins(database, committed_store):
    st = committed_store
    start = _at(st["day"], 10)
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def advisor(i: int) -> None:
        with database.connect() as c:
            try:
                offers = free_slots(c, st["s"], ["MAINT_MINOR"], st["day"])
                assert any(o.start == start for o in offers)  # both see the slot free
                barrier.wait(10)
                results[i] = book_slot(c, st["s"], f"京C7000{i}", ["MAINT_MINOR"], start, actor=f"advisor{i}")
                c.commit()
            except Exception as exc:  # noqa: BLE001 - the loser's exception is the result under test
                c.rollback()
                results[i] = exc

    threads = [threading.Thread(target=advisor, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], SlotTaken), losers[0]
    alts = losers[0].alternatives
    assert alts and all(not (a.start < start + timedelta(minutes=45) and start < a.end) for a in alts)
    with database.connect() as c:
        held = c.execute("SELECT count(*) FROM reservation WHERE store_id = %s AND status = 'held'",
                         (st["s"],)).fetchone()[0]
        bookings = c.execute("SELECT count(*) FROM booking WHERE store_id = %s", (st["s"],)).fetchone()[0]
        overlaps = c.execute("""SELECT count(*) FROM reservation a JOIN reservation b ON a.id < b.id
                                AND (a.bay_id = b.bay_id OR a.technician_id = b.technician_id) AND a.period && b.period
                                WHERE a.store_id = %s AND a.status = 'held' AND b.status = 'held'""",
                             (st["s"],)).fetchone()[0]
    assert (held, bookings, overlaps) == (1, 1, 0)


def test_notices_are_readable_by_the_terminal_role(conn, shop):
    conf = book_slot(conn, shop["s"], "京B80001", ["MAINT_MINOR"], _at(shop["day"], 16), actor="advisor.test")
    rid = conn.execute("SELECT id FROM reservation WHERE booking_id = %s", (conf.booking_id,)).fetchone()[0]
    conn.execute("SELECT booking.move_reservation(%s, %s, %s, %s, 'planner')",
                 (rid, conf.bay_id, conf.technician_id, _at(shop["day"], 14)))
    conn.execute("SET LOCAL ROLE aftersales_terminal")
    rows = conn.execute("SELECT booking_id, kind, old_start, new_start, message FROM terminal.notices(%s)",
                        (shop["s"],)).fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [(conf.booking_id, "come_earlier", _at(shop["day"], 16),
                                                        _at(shop["day"], 14))]
    assert "14:00" in rows[0][4] and "京B80001" in rows[0][4]
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute("SELECT * FROM customer_notice")


def test_a_retry_with_the_same_event_id_returns_the_first_booking(conn, shop):
    event = uuid.uuid4()
    first = book_slot(conn, shop["s"], "京B90001", ["DIAG"], _at(shop["day"], 10), actor="app", channel="app",
                      event_id=event)
    again = book_slot(conn, shop["s"], "京B90001", ["DIAG"], _at(shop["day"], 10), actor="app", channel="app",
                      event_id=event)
    assert again == first
    assert conn.execute("SELECT count(*) FROM booking WHERE event_id = %s", (event,)).fetchone()[0] == 1
