"""The rebalancing optimisation: inputs from PostgreSQL, feasible proposals, loans and referrals on a toy network,
one store's loan proposals."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from services.network import CHINA, china_today
from services.rebalance import Params, build_proposals, load_inputs, loan_proposals, national, solve
from services.rebalance.inputs import NetworkInputs, ServiceInfo, StockLine, StoreDay, StoreInfo, TechOnShift
from services.rebalance.model import expected_wait_min


def _at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=CHINA)


def make_toy(c, tag: str, *, lat: float, lon: float = 121.4, bookings: int = 8, idle_techs: int = 4,
             busy_techs: int = 1) -> dict:
    """Two stores 0.5 km apart: A with `busy_techs` technicians and `bookings` major services tomorrow, B idle with
    `idle_techs` technicians. Returns their ids."""
    day = china_today() + timedelta(days=1)
    ids: dict = {"day": day}
    for key, dlat in (("A", 0.0), ("B", 0.0045)):
        ids[key] = c.execute(
            """INSERT INTO store (code, name_zh, name_en, region_id, province_code, city_zh, city_en, lat, lon,
                   store_type, size, opens_at, closes_at, rollout_wave, go_live_date)
               VALUES (%s, %s, %s, 3, '31', '上海', 'Shanghai', %s, %s, 'direct', 'small', '08:30', '18:00', 0,
                       '2026-06-01') RETURNING id""",
            (f"RB{tag}{key}", f"调度测试{tag}{key}店", f"Rebal {tag}{key}", lat + dlat, lon)).fetchone()[0]
        for n in range(3):
            c.execute("INSERT INTO bay (store_id, kind, name) VALUES (%s, 'lift', %s)", (ids[key], f"L{n}"))
        techs = []
        for _ in range(busy_techs if key == "A" else idle_techs):
            tid = c.execute("""INSERT INTO technician (home_store_id, name, skills, level, rating)
                               VALUES (%s, '王师傅', ARRAY['maintenance','tyres'], 3, 90) RETURNING id""",
                            (ids[key],)).fetchone()[0]
            c.execute("""INSERT INTO shift (technician_id, store_id, work_date, period, break_period)
                         VALUES (%s, %s, %s, tstzrange(%s, %s), tstzrange(%s, %s))""",
                      (tid, ids[key], day, _at(day, 8, 30), _at(day, 17, 30), _at(day, 12), _at(day, 13)))
            techs.append(tid)
        ids[f"techs{key}"] = techs
    ids["bookings"] = []
    for n in range(bookings):
        vid, cid = c.execute("SELECT (v).id, (v).customer_id FROM terminal._vehicle(%s, NULL, NULL, %s) v",
                             (f"沪R{tag}{n:03d}", ids["A"])).fetchone()
        start = _at(day, 9) + timedelta(minutes=40 * n)
        ids["bookings"].append(c.execute(
            """INSERT INTO booking (store_id, requested_store_id, customer_id, vehicle_id, channel, service_codes,
                   slot) VALUES (%s, %s, %s, %s, 'app', ARRAY['MAINT_MAJOR'], tstzrange(%s, %s)) RETURNING id""",
            (ids["A"], ids["A"], cid, vid, start, start + timedelta(minutes=90))).fetchone()[0])
    return ids


def test_inputs_read_forecast_capacity_and_bookings(conn):
    toy = make_toy(conn, "I", lat=27.0)
    inp = load_inputs(conn, [toy["day"]], store_ids=[toy["A"], toy["B"]])
    a, b = inp.store_days[(toy["A"], toy["day"])], inp.store_days[(toy["B"], toy["day"])]
    assert a.load == 8 * 90 and a.booked_min == 8 * 90  # no history: the bookings are the forecast
    assert a.tech_minutes == 480 and b.tech_minutes == 4 * 480
    assert a.bay_minutes == 3 * 570
    assert {bk.booking_id for bk in inp.bookings} == set(toy["bookings"])
    assert inp.distance_km(toy["A"], toy["B"]) < 1


def test_overloaded_store_next_to_an_idle_one_gets_a_loan(conn):
    toy = make_toy(conn, "L", lat=28.0)
    inp = load_inputs(conn, [toy["day"]], store_ids=[toy["A"], toy["B"]])
    sol = solve(inp)
    assert [(m.from_store_id, m.to_store_id) for m in sol.loans] == [(toy["B"], toy["A"])]
    assert sol.loans[0].technician_id in toy["techsB"] and "maintenance" in sol.loans[0].skills
    assert sol.overloaded == 1 and sol.overloaded_after == 0
    props = build_proposals(inp, sol)
    loan = next(p for p in props if p.kind == "technician_loan")
    assert loan.loan_from == loan.loan_to == toy["day"]
    assert loan.impact["wait_saved_min"] > 0 and loan.impact["receiver_load_after_pct"] < 90
    assert loan.impact["sender_load_after_pct"] <= 75 and loan.impact["cost_yuan"] >= 0
    assert "分钟" in loan.reason and "min" in loan.reason_en


def test_without_loans_the_overflow_is_referred_within_the_radius(conn):
    toy = make_toy(conn, "R", lat=29.0)
    inp = load_inputs(conn, [toy["day"]], Params(loan_km=0), store_ids=[toy["A"], toy["B"]])
    sol = solve(inp)
    assert not sol.loans
    moved = [bk for m in sol.referrals for bk in m.bookings]
    assert moved and {bk.booking_id for bk in moved} <= set(toy["bookings"])
    assert all(m.from_store_id == toy["A"] and m.to_store_id == toy["B"] for m in sol.referrals)
    after = sol.after[(toy["A"], toy["day"])]
    assert after.load <= 0.9 * after.capacity + 90  # down to the threshold, within one booking
    props = [p for p in build_proposals(inp, sol) if p.kind == "referral"]
    assert len(props) == len(moved) and all(p.booking_id in toy["bookings"] for p in props)
    assert all(p.impact["distance_km"] <= inp.params.referral_km for p in props)


def test_far_stores_get_no_referral(conn):
    toy = make_toy(conn, "F", lat=30.0)
    conn.execute("UPDATE store SET lat = lat + 1 WHERE id = %s", (toy["B"],))  # 111 km away now
    inp = load_inputs(conn, [toy["day"]], store_ids=[toy["A"], toy["B"]])
    sol = solve(inp)
    assert not sol.loans and not sol.referrals and sol.overloaded_after == 1


def test_loan_proposals_for_one_store_explain_wait_and_cost(conn):
    toy = make_toy(conn, "P", lat=31.0, idle_techs=3)
    props = loan_proposals(conn, toy["A"], [toy["day"]])
    assert props and len(props) <= 5
    assert {p.technician_id for p in props} <= set(toy["techsB"])
    for p in props:
        assert p.kind == "technician_loan" and p.to_store_id == toy["A"] and p.from_store_id == toy["B"]
        assert p.impact["wait_saved_min"] > 0 and "sender_load_after_pct" in p.impact
        assert f"{p.impact['wait_saved_min']:.0f}" in p.reason_en and f"¥{p.impact['cost_yuan']}" in p.reason_en
    # the idle store itself needs nobody
    assert loan_proposals(conn, toy["B"], [toy["day"]]) == []


def test_loan_proposals_run_under_a_store_managers_login(conn, database):
    from services.users import as_user, ensure_login_roles, list_users

    toy = make_toy(conn, "U", lat=32.0, idle_techs=3)
    conn.execute("""INSERT INTO app_user (login, display_name, role, store_id)
                    VALUES ('rebal.store', '店长', 'store', %s)""", (toy["A"],))
    ensure_login_roles(conn)
    conn.commit()  # the user's own connection must see the toy
    try:
        user = next(u for u in list_users(conn) if u.login == "rebal.store")
        with as_user(database, user).connect() as uc:
            assert uc.execute("SELECT count(*) FROM store").fetchone()[0] == 1  # RLS: only his store
            props = loan_proposals(uc, toy["A"], [toy["day"]])
        assert props and all(p.from_store_id == toy["B"] for p in props)
    finally:
        conn.execute("UPDATE app_user SET active = false WHERE login = 'rebal.store'")
        conn.commit()


# --- feasibility on a random synthetic network (the model is a pure function of its inputs) ---------------------

def _synthetic(seed: int) -> NetworkInputs:
    rng = random.Random(seed)
    day = date(2026, 12, 1)
    services = {"MAINT_MAJOR": ServiceInfo("MAINT_MAJOR", "maintenance", "lift", 90, 1150.0),
                "BODY": ServiceInfo("BODY", "body", "body", 180, 2600.0)}
    stores, sds, stock = {}, {}, []
    tid = 1
    for sid in range(1, 41):
        stores[sid] = StoreInfo(sid, f"S{sid}", f"店{sid}", f"Store {sid}", "E", 31 + rng.random() * 0.6,
                                121 + rng.random() * 0.6, 570, ("lift",) * rng.randint(3, 7) + ("body",))
        techs = []
        for _ in range(rng.randint(2, 7)):
            skills = frozenset(rng.sample(["maintenance", "body", "tyres", "electrical"], rng.randint(1, 2)))
            techs.append(TechOnShift(tid, sid, sid, day, skills, rng.randint(1, 5), 480))
            tid += 1
        cap = sum(t.minutes for t in techs)
        load = cap * rng.uniform(0.2, 1.4)
        sds[(sid, day)] = StoreDay(sid, day, {"maintenance": load * 0.8, "body": load * 0.2}, 0.0, load / 80, techs,
                                   float(len(stores[sid].bay_kinds) * 570))
        for part in (1, 2, 3):
            stock.append(StockLine(sid, part, f"P{part}", rng.randint(0, 20), rng.randint(0, 3), rng.uniform(0, 6)))
    return NetworkInputs((day,), Params(), stores, sds, stock, [], services,
                         {1: ("P1", "件一", "Part 1"), 2: ("P2", "件二", "Part 2"), 3: ("P3", "件三", "Part 3")}, set())


def test_proposals_are_feasible_on_random_networks():
    for seed in range(5):
        inp = _synthetic(seed)
        p = inp.params
        sol = solve(inp)
        assert sol.parts and sol.loans, "the synthetic network should need both"
        lines = {(ln.store_id, ln.part_id): ln for ln in inp.stock}
        given: dict = {}
        got: dict = {}
        for m in sol.parts:
            assert inp.distance_km(m.from_store_id, m.to_store_id) <= p.parts_km
            given[(m.from_store_id, m.part_id)] = given.get((m.from_store_id, m.part_id), 0) + m.qty
            got[(m.to_store_id, m.part_id)] = got.get((m.to_store_id, m.part_id), 0) + m.qty
        for key, qty in given.items():
            assert qty <= lines[key].can_spare(p), "no part moved beyond the source's surplus"
        for key, qty in got.items():
            assert qty <= lines[key].shortage(p), "no more than the shortage"
        day = inp.days[0]
        lent: dict = {}
        for m in sol.loans:
            home = inp.store_days[(m.from_store_id, day)]
            tech = next(t for t in home.techs if t.technician_id == m.technician_id)
            assert m.skill in tech.skills and tech.home_store_id == m.from_store_id
            assert inp.distance_km(m.from_store_id, m.to_store_id) <= p.loan_km
            lent[m.from_store_id] = lent.get(m.from_store_id, 0) + tech.minutes
        for sid, minutes in lent.items():
            sd = inp.store_days[(sid, day)]
            assert sd.load <= p.receive_up_to * min(sd.tech_minutes - minutes, sd.bay_minutes) + 1e-6, \
                "a lender stays under-loaded"
        assert len({m.technician_id for m in sol.loans}) == len(sol.loans)
        before = sum(max(0, s.load - p.overload_at * s.capacity) for s in sol.before.values())
        after = sum(max(0, s.load - p.overload_at * s.capacity) for s in sol.after.values())
        assert after < before


def test_wait_estimate_grows_with_load_and_falls_with_capacity():
    waits = [expected_wait_min(load, 2700, 6, 75) for load in (1000, 2000, 2500, 3000, 3500)]
    assert waits == sorted(waits) and waits[0] < 5 and waits[-1] > 60
    assert expected_wait_min(3000, 3150, 7, 75) < expected_wait_min(3000, 2700, 6, 75)


def test_national_run_over_the_demo_network(demo_db):
    db, _ = demo_db
    with db.connect() as c:
        res = national(c, [date(2026, 11, 3)])
    assert res.overloaded_before >= res.overloaded_after
    assert res.excess_min_after <= res.excess_min_before
    for p in res.proposals:
        assert p.from_store_id != p.to_store_id and p.reason and p.reason_en and p.impact
