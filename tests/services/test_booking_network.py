"""Booking across stores under a store advisor's own login (migration 0008): the recommendation and the free slots
cover the whole network, a booking at another store is a referral from the advisor's store, anything else there is
refused, and row-level security still hides other stores' bookings and customers."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, time, timedelta

import psycopg
import pytest

from services.booking.book import book_slot, cancel_booking
from services.booking.recommend import parts_needed, recommend_stores
from services.booking.slots import free_slots, needs_of, service_types
from services.dispatch.model import BAY_ACCEPTS
from services.model import DomainError
from services.network import CHINA
from services.users import as_user, list_users

CODES = ["MAINT_MINOR"]


def _at(day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), tzinfo=CHINA)


@pytest.fixture(scope="module")
def net(demo_db):
    """The demo network tomorrow: every technician gets a shift 08:30–17:30 (lunch 12:00–13:00), committed for this
    module and removed after it. A store user, their store and the nearest other store that can do a minor service."""
    db, _ = demo_db
    day = (datetime.now(CHINA) + timedelta(days=1)).date()
    with db.connect() as c:
        users = {u.login: u for u in list_users(c)}
        store_user = next(u for u in users.values() if u.role == "store")
        own = store_user.store_id
        shift_ids = [r[0] for r in c.execute("""
            INSERT INTO shift (technician_id, store_id, work_date, period, break_period)
            SELECT t.id, t.home_store_id, %(day)s, tstzrange(%(a)s, %(b)s), tstzrange(%(l0)s, %(l1)s)
            FROM technician t WHERE t.active AND NOT EXISTS (
                SELECT 1 FROM shift s WHERE s.technician_id = t.id AND s.period && tstzrange(%(a)s, %(b)s))
            RETURNING id""", {"day": day, "a": _at(day, 8, 30), "b": _at(day, 17, 30), "l0": _at(day, 12),
                              "l1": _at(day, 13)}).fetchall()]
        c.commit()
        lat, lon = c.execute("SELECT lat, lon FROM store WHERE id = %s", (own,)).fetchone()
        needs = needs_of(CODES, service_types(c))
        parts = parts_needed(CODES)
        target, km = c.execute("""
            SELECT store_id, km FROM booking.network_candidates(%s, %s, 3000, %s, %s, %s, %s, 100)
            WHERE store_id <> %s AND has_bay AND has_skill AND missing_parts = '{}' ORDER BY km LIMIT 1""",
                               (lat, lon, list(BAY_ACCEPTS[needs.bay_kind]), sorted(needs.skills), list(parts),
                                list(parts.values()), own)).fetchone()
    yield {"db": db, "users": users, "user": store_user, "own": own, "target": target, "km": km, "day": day,
           "lat": lat, "lon": lon}
    with db.connect() as c:
        c.execute("DELETE FROM shift WHERE id = ANY (%s)", (shift_ids,))
        c.commit()


def test_a_store_advisor_gets_recommendations_and_slots_of_the_whole_network(net):
    db, day = net["db"], net["day"]
    now = datetime.now(CHINA)
    args = (net["lat"], net["lon"], CODES, _at(day, 9), _at(day, 15))
    kw = {"limit": 10, "max_km": net["km"] + 5, "now": now}
    with db.connect() as c:
        as_owner = recommend_stores(c, *args, **kw)
        owner_slots = free_slots(c, net["target"], CODES, day, now=now)
    with as_user(db, net["user"]).connect() as c:
        # row-level security shows this login one store ...
        assert c.execute("SELECT array_agg(id) FROM store").fetchone()[0] == [net["own"]]
        # ... yet the recommendation ranks the network's stores around it, exactly as head office would see them
        recs = recommend_stores(c, *args, **kw)
        slots = free_slots(c, net["target"], CODES, day, now=now)
        c.rollback()
    assert recs == as_owner
    by_store = {r.store_id: r for r in recs}
    assert net["own"] in by_store and net["target"] in by_store
    other = by_store[net["target"]]
    assert other.capable and other.earliest_start is not None and other.earliest_start.date() == day
    assert [r.factor for r in other.reasons] == ["distance", "wait", "capability", "price"]
    assert other.reasons[1].zh.endswith("分钟") and "可开工" in other.reasons[1].zh
    # the other store's free slots, under the store advisor's login, are those the owner sees
    assert slots and slots == owner_slots
    assert all(s.store_id == net["target"] and s.start.date() == day for s in slots)


def test_booking_at_another_store_is_a_referral_from_the_advisors_store(net):
    db, day, target, own = net["db"], net["day"], net["target"], net["own"]
    plate = "粤Z" + uuid.uuid4().hex[:5].upper()
    with as_user(db, net["user"]).connect() as c:
        slot = free_slots(c, target, CODES, day)[0]
        conf = book_slot(c, target, plate, CODES, slot.start, customer_name="转介客户", actor="claimed.by.client")
        c.commit()
    try:
        assert conf.store_id == target and conf.referral_from == own and conf.start == slot.start
        with db.connect() as c:
            row = c.execute("""SELECT b.store_id, b.requested_store_id, b.channel, r.store_id, c.home_store_id, r.id
                               FROM booking b JOIN reservation r ON r.booking_id = b.id AND r.status = 'held'
                               JOIN customer c ON c.id = b.customer_id WHERE b.id = %s""",
                            (conf.booking_id,)).fetchone()
            # a referral from the advisor's store; the new customer belongs to the store that referred them
            assert row[:5] == (target, own, "referral", target, own)
            reservation = row[5]
            assert c.execute("SELECT actor FROM audit_log WHERE entity = 'booking' AND entity_id = %s",
                             (str(conf.booking_id),)).fetchone()[0] == net["user"].login
        with as_user(db, net["user"]).connect() as c:
            # row-level security is intact: the booking and the other store's plan, customers and work stay hidden
            assert c.execute("SELECT count(*) FROM booking WHERE id = %s", (conf.booking_id,)).fetchone()[0] == 0
            for table, col in (("booking", "store_id"), ("reservation", "store_id"), ("work_order", "store_id"),
                               ("customer", "home_store_id"), ("shift", "store_id"), ("technician", "home_store_id")):
                assert c.execute(f"SELECT count(*) FROM {table} WHERE {col} = %s", (target,)).fetchone()[0] == 0
            assert c.execute("SELECT count(DISTINCT home_store_id) FROM customer").fetchone()[0] == 1
            # nor may they move or cancel it there: the plan of another store stays its own
            with pytest.raises(psycopg.Error) as info:
                c.execute("SELECT booking.move_reservation(%s, %s, %s, %s)",
                          (reservation, conf.bay_id, conf.technician_id, conf.start + timedelta(minutes=30)))
            assert info.value.sqlstate == "AS403"
            c.rollback()
            with pytest.raises(DomainError, match="outside the scope"):
                cancel_booking(c, conf.booking_id, "x")
            # and the slot is taken for everyone now, also in the free slots the advisor sees
            assert all(s.start != slot.start or s.bay_id != conf.bay_id or s.technician_id != conf.technician_id
                       for s in free_slots(c, target, CODES, day))
            c.rollback()
    finally:
        with db.connect() as c:
            c.execute("DELETE FROM booking WHERE id = %s", (conf.booking_id,))
            c.execute("DELETE FROM vehicle WHERE plate = %s", (plate,))
            c.execute("DELETE FROM customer WHERE name = '转介客户' AND home_store_id = %s", (own,))
            c.commit()


def _book_sql(c, store, start, channel, requested):
    return c.execute("SELECT booking_id FROM booking.book_slot(p_store_id => %s, p_plate => '粤Z00001', "
                     "p_service_codes => ARRAY['MAINT_MINOR'], p_start => %s, p_channel => %s, "
                     "p_requested_store_id => %s)", (store, start, channel, requested)).fetchone()[0]


def test_anything_but_a_referral_from_ones_own_store_is_refused_there(net):
    db, day, target, own = net["db"], net["day"], net["target"], net["own"]
    with db.connect() as c:
        third = c.execute("SELECT min(id) FROM store WHERE id NOT IN (%s, %s)", (own, target)).fetchone()[0]
    start = _at(day, 10)
    with as_user(db, net["user"]).connect() as c:
        cases = [("advisor", None, "AS403", "as a referral from your own store"),
                 ("phone", own, "AS403", "as a referral from your own store"),
                 ("referral", third, "AS403", "Refer the customer from your own store"),
                 ("referral", None, "AS422", "your own store"),
                 ("referral", target, "AS422", "another store")]
        for channel, requested, sqlstate, hint in cases:
            with pytest.raises(psycopg.Error) as info:
                _book_sql(c, target, start, channel, requested)
            assert info.value.sqlstate == sqlstate, (channel, requested)
            assert hint in (info.value.diag.message_hint or ""), (channel, requested)
            c.rollback()
        # at their own store, the store the customer asked for must be theirs too (no made-up cross-store services)
        with pytest.raises(psycopg.Error) as info:
            _book_sql(c, own, start, "phone", target)
        assert info.value.sqlstate == "AS403"
        c.rollback()
        # the 0007 function behind book_slot is not callable around the check
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("SELECT * FROM booking._book_slot_0007(%s, '粤Z00001', ARRAY['MAINT_MINOR'], %s)",
                      (target, start))
        c.rollback()
        # the service says it in one sentence
        with pytest.raises(DomainError, match="outside the scope"):
            book_slot(c, target, "粤Z00001", CODES, start, actor="x", referral_from=third)
        with pytest.raises(DomainError, match="cannot refer a customer to itself"):
            book_slot(c, own, "粤Z00001", CODES, start, actor="x", referral_from=own)
        c.rollback()
        assert c.execute("SELECT count(*) FROM reservation WHERE store_id = %s", (target,)).fetchone()[0] == 0


def test_a_regional_manager_refers_from_a_store_of_his_region(net):
    db, day = net["db"], net["day"]
    manager = net["users"]["region.n"]
    with db.connect() as c:
        mine = [r[0] for r in c.execute("SELECT s.id FROM store s JOIN region r ON r.id = s.region_id "
                                        "WHERE r.code = 'N' ORDER BY s.id").fetchall()]
        outside = c.execute("SELECT min(s.id) FROM store s JOIN region r ON r.id = s.region_id WHERE r.code <> 'N' "
                            "AND EXISTS (SELECT 1 FROM technician t WHERE t.home_store_id = s.id "
                            "AND 'maintenance' = ANY (t.skills))").fetchone()[0]
    assert len(mine) > 1
    with as_user(db, manager).connect() as c:
        slot = free_slots(c, outside, CODES, day)[0]
        with pytest.raises(DomainError, match="say which of your stores refers them"):
            book_slot(c, outside, "京Z00002", CODES, slot.start, actor="x")
        conf = book_slot(c, outside, "京Z00002", CODES, slot.start, actor="x", referral_from=mine[0])
        assert conf.referral_from == mine[0] and conf.store_id == outside
        # inside his region nothing changes: an ordinary booking, no referral
        inside = free_slots(c, mine[1], CODES, day)[0]
        plain = book_slot(c, mine[1], "京Z00003", CODES, inside.start, actor="x")
        assert plain.referral_from is None
        assert c.execute("SELECT channel, requested_store_id FROM booking WHERE id = %s",
                         (plain.booking_id,)).fetchone() == ("advisor", mine[1])
        c.rollback()


def test_the_network_reads_expose_no_customer_data(net):
    db = net["db"]
    forbidden = re.compile(r"customer|plate|phone|vehicle|amount|price|^name$|login|actor")
    with db.connect() as c:
        cols = c.execute("""
            SELECT p.proname, a.name
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
                 unnest(p.proargnames, p.proargmodes) AS a(name, mode)
            WHERE n.nspname = 'booking' AND p.proname LIKE 'network\\_%%' AND a.mode = 't'""").fetchall()
        assert {f for f, _ in cols} == {"network_candidates", "network_stores", "network_shifts", "network_occupancy"}
        assert [col for _, col in cols if forbidden.search(col)] == []
        # every function is SECURITY DEFINER, and granted to the console role only (not to PUBLIC)
        for name, secdef, public in c.execute("""
                SELECT p.proname, p.prosecdef, has_function_privilege('public', p.oid, 'EXECUTE')
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'booking' AND p.proname LIKE 'network\\_%%'""").fetchall():
            assert secdef and not public, name
    # and the values hold no plate, phone or customer name: a vehicle waiting, one in service, a booking without a
    # plan and a booked slot at the other store (the owner's transaction, rolled back)
    target, day = net["target"], net["day"]
    today = datetime.now(CHINA).date()
    people = [("粤Z" + uuid.uuid4().hex[:5].upper(), f"139{i:08d}", f"客户{uuid.uuid4().hex[:6]}") for i in range(4)]
    with db.connect() as c:
        for plate, phone, name in people[:2]:
            c.execute("SELECT terminal.check_in(%s, %s, %s, ARRAY['MAINT_MINOR'], p_customer_name => %s, "
                      "p_phone => %s)", (uuid.uuid4(), target, plate, name, phone))
        wo = c.execute("SELECT w.id FROM work_order w JOIN vehicle v ON v.id = w.vehicle_id WHERE v.plate = %s",
                       (people[1][0],)).fetchone()[0]
        bay = c.execute("SELECT min(id) FROM bay WHERE store_id = %s AND kind = 'lift'", (target,)).fetchone()[0]
        tech = c.execute("SELECT min(id) FROM technician WHERE home_store_id = %s AND 'maintenance' = ANY (skills)",
                         (target,)).fetchone()[0]
        c.execute("SELECT terminal.start_job(%s, %s, %s, %s)", (uuid.uuid4(), wo, bay, tech))
        plate, phone, name = people[2]
        c.execute("SELECT terminal.book(%s, %s, %s, ARRAY['MAINT_MINOR'], %s, 'app', %s, %s)",
                  (uuid.uuid4(), target, plate, _at(day, 16), name, phone))
        plate, phone, name = people[3]
        book_slot(c, target, plate, CODES, free_slots(c, target, CODES, day)[0].start, customer_name=name,
                  phone=phone, actor="test")
        rows = {d: c.execute("SELECT * FROM booking.network_occupancy(%s, %s)", ([target], d)).fetchall()
                for d in (today, day)}
        dump = repr([
            rows,
            c.execute("SELECT * FROM booking.network_stores(%s)", ([target],)).fetchall(),
            c.execute("SELECT * FROM booking.network_shifts(%s, %s)", ([target], day)).fetchall(),
            c.execute("SELECT * FROM booking.network_candidates(%s, %s, 50, ARRAY['lift'], ARRAY['maintenance'])",
                      (net["lat"], net["lon"])).fetchall()])
        c.rollback()
    assert {r[0] for r in rows[today]} >= {"queue", "job"}
    assert {r[0] for r in rows[day]} >= {"booking", "reservation"}
    assert [v for person in people for v in person if v in dump] == []


def test_a_referral_says_how_much_sooner_the_other_store_starts():
    from datetime import datetime, timedelta

    from services.booking.recommend import with_time_saved
    from services.model import Reason, StoreRecommendation

    t0 = datetime(2026, 12, 1, 9, 0)

    def rec(store_id: int, start, wait: int) -> StoreRecommendation:
        return StoreRecommendation(store_id, f"S{store_id}", "店", "Store", "北京", 3.0, 9, start, wait, 400.0, 400.0,
                                   0.0, 80.0, (Reason("distance", 30.0, "近", "near"),))

    recs = [rec(1, t0 + timedelta(hours=3), 20), rec(2, t0, 5), rec(3, t0 + timedelta(hours=3), 15)]
    out = with_time_saved(recs, 1)
    assert out[0].reasons == recs[0].reasons, "the store asked is unchanged"
    assert out[1].reasons[-1].factor == "time_saved" and "195" in out[1].reasons[-1].zh  # 180 min + 15 min wait
    assert out[2].reasons == recs[2].reasons, "5 minutes sooner is not worth a referral"
    full = with_time_saved([rec(1, None, 240), rec(2, t0, 5)], 1)
    assert "约满" in full[1].reasons[-1].zh
    assert with_time_saved(recs, None) == recs
