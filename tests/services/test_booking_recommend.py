"""Store recommendation over a small network of its own: a nearer, idle, capable store comes first, every factor
is explained in a plain line, and stores that cannot do the job are shown greyed with the reason."""

from __future__ import annotations

import math

from services.booking.book import book_slot
from services.booking.recommend import recommend_stores, travel_minutes
from tests.services.test_booking import _at, _day, add_shift

LAT, LON = 30.6, 104.05  # a customer in Chengdu


def _offset(km_north: float) -> tuple[float, float]:
    return LAT + km_north / 111.2, LON


def _store(conn, code: str, km: float, skills=("maintenance",), stock=True) -> int:
    lat, lon = _offset(km)
    sid = conn.execute("""INSERT INTO store (code, name_zh, name_en, region_id, province_code, city_zh, city_en, lat,
                              lon, store_type, size, opens_at, closes_at, rollout_wave, go_live_date)
                          VALUES (%s, %s, %s, 6, '51', '成都', 'Chengdu', %s, %s, 'direct', 'small', '08:30', '18:00',
                              0, '2026-06-01') RETURNING id""", (code, f"成都{code}店", f"Chengdu {code}", lat, lon)
                       ).fetchone()[0]
    conn.execute("INSERT INTO bay (store_id, kind, name) VALUES (%s, 'lift', 'L1')", (sid,))
    tech = conn.execute("INSERT INTO technician (home_store_id, name, skills, level, rating) "
                        "VALUES (%s, '周师傅', %s, 3, 90) RETURNING id", (sid, list(skills))).fetchone()[0]
    add_shift(conn, tech, sid, _day())
    if stock:
        conn.execute("INSERT INTO stock (store_id, part_id, qty) SELECT %s, id, 5 FROM part", (sid,))
    return sid


def test_a_nearer_idle_capable_store_ranks_first_and_every_factor_is_explained(conn):
    day = _day()
    idle = _store(conn, "RA", 2.0)
    busy = _store(conn, "RB", 1.0)
    far = _store(conn, "RD", 12.0)
    no_skill = _store(conn, "RC", 0.5, skills=("body",))
    no_parts = _store(conn, "RE", 1.5, stock=False)
    for i, (hh, mm) in enumerate(((9, 0), (9, 45), (10, 30), (11, 15))):
        book_slot(conn, busy, f"川A9000{i}", ["MAINT_MINOR"], _at(day, hh, mm), actor="advisor.test")
    recs = recommend_stores(conn, LAT, LON, ["MAINT_MINOR"], _at(day, 9), _at(day, 14), limit=3, max_km=30)
    capable = [r for r in recs if r.capable]
    greyed = [r for r in recs if not r.capable]
    assert [r.store_id for r in capable] == [idle, far, busy]
    best = capable[0]
    assert best.earliest_start == _at(day, 9) and best.predicted_wait_minutes == 0
    assert math.isclose(best.distance_km, 2.0, abs_tol=0.05) and best.travel_minutes == travel_minutes(2.0)
    assert [r.factor for r in best.reasons] == ["distance", "wait", "capability", "price"]
    assert best.score == round(sum(r.points for r in best.reasons), 1)
    assert best.reasons[0].zh == f"距离 2.0 公里，约 {best.travel_minutes} 分钟车程"
    assert best.reasons[1].zh == "09:00 可开工，预计等待 0 分钟"
    assert best.reasons[2].zh == "具备 保养 技能和举升工位，配件有货"
    # an empty store is off-peak: the price line shows the discount
    assert best.discount_pct > 0 and best.price < best.list_price
    assert "折：¥450 → ¥" in best.reasons[3].zh and "% off" in best.reasons[3].en
    slow = capable[2]
    # booked solid until 12:00, then the technician's lunch: 13:00 is the first start
    assert slow.earliest_start == _at(day, 13) and slow.predicted_wait_minutes == 240
    assert slow.reasons[1].zh == "13:00 可开工，预计等待 240 分钟" and slow.reasons[1].points == 0
    assert {r.store_id for r in greyed} == {no_skill, no_parts}
    reasons = {r.store_id: r.reasons[-1].zh for r in greyed}
    assert reasons[no_skill] == "没有具备 保养 技能的技师"
    assert reasons[no_parts].startswith("配件缺货：") and "机油滤清器" in reasons[no_parts]
