"""The advisor's booking and the planner's board, through the GUI offscreen on the small demo network: recommend,
pick a slot, book (and lose a slot to another advisor a moment earlier), re-plan the day in the solver process,
drag a planned job on the board, and the off-peak rules and the replay tab."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import psycopg
import pytest

from services.network import CHINA, china_today

STORE = 1


@pytest.fixture(scope="module")
def rostered(demo_db):
    """Rosters for every store today and tomorrow (the demo history ended weeks ago), removed afterwards with
    everything booked on them."""
    db, _ = demo_db
    days = [china_today(), china_today() + timedelta(days=1)]
    with psycopg.connect(db.conninfo) as c:
        template = c.execute("""SELECT store_id, technician_id, (lower(period) AT TIME ZONE 'Asia/Shanghai')::time,
                                       (upper(period) AT TIME ZONE 'Asia/Shanghai')::time,
                                       (lower(break_period) AT TIME ZONE 'Asia/Shanghai')::time,
                                       (upper(break_period) AT TIME ZONE 'Asia/Shanghai')::time
                                FROM shift WHERE work_date = (SELECT max(work_date) FROM shift)""").fetchall()
        # Tianjin's store moves next door for the module (the small network has no two stores in one city).
        moved = c.execute("SELECT id, lat, lon FROM store WHERE id <> %s ORDER BY (lat - 39.9) ^ 2 + (lon - 116.4) ^ 2 "
                          "LIMIT 1", (STORE,)).fetchone()
        c.execute("UPDATE store SET lat = s1.lat + 0.03, lon = s1.lon + 0.04 FROM store s1 "
                  "WHERE s1.id = %s AND store.id = %s", (STORE, moved[0]))
        ids = []
        for day in days:
            for store, tech, a, b, la, lb in template:
                def at(t: time, d=day) -> datetime:
                    return datetime.combine(d, t, tzinfo=CHINA)
                ids.append(c.execute(
                    """INSERT INTO shift (technician_id, store_id, work_date, period, break_period)
                       VALUES (%s, %s, %s, tstzrange(%s, %s), tstzrange(%s, %s)) ON CONFLICT DO NOTHING
                       RETURNING id""", (tech, store, day, at(a), at(b), at(la), at(lb))).fetchone()[0])
        c.commit()
    yield days
    with psycopg.connect(db.conninfo) as c:
        c.execute("DELETE FROM customer_notice")
        c.execute("DELETE FROM reservation")
        c.execute("DELETE FROM booking WHERE lower(slot) >= %s", (datetime.combine(days[0], time(0), tzinfo=CHINA),))
        c.execute("DELETE FROM shift WHERE id = ANY(%s)", (ids,))
        c.execute("UPDATE store SET lat = %s, lon = %s WHERE id = %s", (moved[1], moved[2], moved[0]))
        c.commit()


def test_an_advisor_books_a_recommended_slot_and_loses_one_to_a_colleague(make_app, rostered, demo_db, qtbot):
    db, _ = demo_db
    app = make_app("store.s0001")
    p = app.presenter
    dialog = p.booking.open()
    tomorrow = rostered[1]
    dialog.fill(plate="京B77001", customer="王女士", phone="13800000001", codes=("MAINT_MINOR",), day=tomorrow,
                time_from=time(9, 0), time_to=time(16, 0))
    dialog.request_recommendations()
    qtbot.waitUntil(lambda: bool(dialog.slot_buttons), timeout=20000)
    assert dialog.store_cards and dialog.chosen_store == STORE, "the own store, at distance 0, comes first"
    first = dialog.slot_buttons[0].slot
    dialog.choose_slot(first)
    dialog.request_booking()
    qtbot.waitUntil(lambda: p.booking.last is not None, timeout=20000)
    booked = p.booking.last
    with psycopg.connect(db.conninfo) as c:
        row = c.execute("""SELECT b.quoted_price, b.discount_pct, r.bay_id, r.technician_id, r.status
                           FROM booking b JOIN reservation r ON r.booking_id = b.id WHERE b.id = %s""",
                        (booked.booking_id,)).fetchone()
    assert row is not None and row[4] == "held"
    assert (row[2], row[3]) == (booked.bay_id, booked.technician_id)
    assert float(row[0]) == pytest.approx(first.price) and float(row[1]) == pytest.approx(first.discount_pct)
    assert "预约" in dialog.result_label.text()

    # A colleague books the last pair at another slot from another machine a moment before this advisor clicks.
    dialog.reset()
    dialog.fill(plate="京B77002", codes=("MAINT_MINOR",), day=tomorrow, time_from=time(9, 0), time_to=time(16, 0))
    dialog.request_recommendations()
    qtbot.waitUntil(lambda: bool(dialog.slot_buttons), timeout=20000)
    target = dialog.slot_buttons[-1].slot
    from services.booking.book import book_slot
    from services.model import SlotTaken
    with psycopg.connect(db.conninfo) as other:
        for n in range(30):  # fill every free pair at that start, as a busy colleague would
            try:
                book_slot(other, STORE, f"京C8{n:04d}", ["MAINT_MINOR"], target.start, actor="colleague")
                other.commit()
            except SlotTaken:
                other.rollback()
                break
    dialog.choose_slot(target)
    before = p.booking.last
    dialog.request_booking()
    qtbot.waitUntil(lambda: dialog.taken_label.isVisible() or p.booking.last is not before, timeout=20000)
    assert p.booking.last is before, "the slot was taken: nothing was booked"
    assert dialog.taken_label.isVisible()
    assert dialog.alternatives_scroll.isVisible()

    # A nearby store can take the customer too: booking there is a referral from this store (a cross-store service).
    dialog.reset()
    dialog.fill(plate="京B77003", codes=("MAINT_MINOR",), day=tomorrow, time_from=time(9, 0), time_to=time(16, 0))
    dialog.request_recommendations()
    qtbot.waitUntil(lambda: bool(dialog.slot_buttons), timeout=20000)
    others = [c.rec for c in dialog.store_cards if c.rec.store_id != STORE and c.rec.capable
              and c.rec.earliest_start is not None]
    assert others, "the store edition is recommended nearby stores too"
    dialog.choose_store(others[0].store_id)
    qtbot.waitUntil(lambda: bool(dialog.slot_buttons) and dialog.slot_buttons[0].slot.store_id == others[0].store_id,
                    timeout=20000)
    dialog.choose_slot(dialog.slot_buttons[0].slot)
    dialog.request_booking()
    qtbot.waitUntil(lambda: p.booking.last is not before, timeout=20000)
    with psycopg.connect(db.conninfo) as c:
        assert c.execute("SELECT store_id, requested_store_id, channel FROM booking WHERE id = %s",
                         (p.booking.last.booking_id,)).fetchone() == (others[0].store_id, STORE, "referral")


def test_the_planner_replans_the_day_and_drags_a_planned_job(make_app, rostered, demo_db, qtbot):
    db, _ = demo_db
    day = rostered[1]
    morning = datetime.combine(day, time(7, 30), tzinfo=CHINA)  # plan tomorrow as its morning starts
    from services.booking.book import book_slot
    from services.booking.slots import free_slots
    with psycopg.connect(db.conninfo) as c:
        offers = free_slots(c, STORE, ["MAINT_MINOR"], day, now=morning)
        assert len(offers) >= 3
        middle = len(offers) // 2
        for i, offer in enumerate(offers[middle:middle + 3]):  # three bookings around midday
            book_slot(c, STORE, f"京D7700{i}", ["MAINT_MINOR"], offer.start, actor="advisor.test", now=morning)
        c.commit()
    app = make_app("store.s0001")
    p = app.presenter
    page = p.store_page
    p.planning.clock = lambda: morning
    page.actions.replan_button.click()
    assert page.actions.cancel_button.isVisibleTo(page.actions), "planning shows progress and a cancel button"
    qtbot.waitUntil(lambda: p.planning.last is not None and not p.planning.busy, timeout=60000)
    outcome = p.planning.last
    assert outcome.jobs >= 3 and outcome.assigned + outcome.deferred == outcome.jobs
    assert "已排好" in page.actions.status.text()
    with psycopg.connect(db.conninfo) as c:
        held = c.execute("""SELECT id, bay_id, technician_id, lower(period) FROM reservation
                            WHERE store_id = %s AND status = 'held' AND lower(period) >= %s ORDER BY id""",
                         (STORE, morning)).fetchall()
        assert len(held) == outcome.assigned
        rid, bay, tech, start = held[0]
        unskilled = c.execute("""SELECT id FROM technician WHERE home_store_id = %s
                                 AND NOT ('maintenance' = ANY(skills)) LIMIT 1""", (STORE,)).fetchone()
        qualified = [r[0] for r in c.execute(
            """SELECT t.id FROM technician t JOIN shift s ON s.technician_id = t.id AND s.work_date = %s
               WHERE t.home_store_id = %s AND 'maintenance' = ANY(t.skills) AND t.id <> %s ORDER BY t.id""",
            (day, STORE, tech)).fetchall()]
    board = page.board
    if unskilled is not None:  # to a technician who lacks the skill: refused with the reason, nothing moves
        p.planning.move(-rid, "technician", unskilled[0], start)
        qtbot.waitUntil(lambda: board.message_label.isVisible(), timeout=20000)
        with psycopg.connect(db.conninfo) as c:
            assert c.execute("SELECT technician_id FROM reservation WHERE id = %s", (rid,)).fetchone()[0] == tech
    moved = False
    for other in qualified:
        board.message_label.hide()
        p.planning.move(-rid, "technician", other, start)
        qtbot.waitUntil(lambda: "已调整计划" in page.actions.status.text() or board.message_label.isVisible(),
                        timeout=20000)
        with psycopg.connect(db.conninfo) as c:
            if c.execute("SELECT technician_id FROM reservation WHERE id = %s", (rid,)).fetchone()[0] == other:
                moved = True
                break
    assert moved, "some other qualified technician was free at that time"


def test_hq_opens_the_pricing_rules_and_the_replay_tab(make_app, qtbot):
    app = make_app("hq.zhang")
    p = app.presenter
    dialog = p.analytics.open_pricing()
    qtbot.waitUntil(lambda: p.analytics.pricing_data is not None, timeout=20000)
    assert p.analytics.pricing_data.rules, "the default off-peak rules are there"
    assert dialog.isVisible()
    p.overview_tabs.setCurrentIndex(p.scenario_tab)
    qtbot.waitUntil(lambda: p.analytics.comparison_loaded > 0, timeout=20000)


def test_a_waiting_work_order_gets_ranked_technicians_and_one_click_assigns(make_app, rostered, demo_db, qtbot):
    db, _ = demo_db
    day = rostered[1]
    morning = datetime.combine(day, time(8, 40), tzinfo=CHINA)
    app = make_app("store.s0001")
    p = app.presenter
    p.planning.clock = lambda: morning
    with psycopg.connect(db.conninfo) as c:  # a walk-in checked in tomorrow morning (written as the owner)
        vid, cid = c.execute("SELECT (v).id, (v).customer_id FROM terminal._vehicle('京E55001', NULL, NULL, %s) v",
                             (STORE,)).fetchone()
        wo = c.execute("""INSERT INTO work_order (store_id, requested_store_id, customer_id, vehicle_id, status,
                              checked_in_at, amount) VALUES (%s, %s, %s, %s, 'checked_in', %s, 300) RETURNING id""",
                       (STORE, STORE, cid, vid, morning)).fetchone()[0]
        c.execute("""INSERT INTO work_order_item (work_order_id, line_no, service_type_id, price)
                     SELECT %s, 1, id, price FROM service_type WHERE code = 'MAINT_MINOR'""", (wo,))
        c.commit()
    try:
        p.open_store(STORE) if p.history.current.level != "store" else None
        p.open_work_order(wo)
        qtbot.waitUntil(lambda: p.tech_panel.isVisible() and bool(p.tech_panel.cards), timeout=20000)
        cards = p.tech_panel.cards
        assert [c.item.score for c in cards] == sorted((c.item.score for c in cards), reverse=True)
        assert all(c.item.reasons for c in cards), "every technician's rank is explained"
        # Plan it, then give it to the best technician (as ranked with the plan in force) with one click.
        p.planning.store_id = STORE
        p.planning.replan()
        qtbot.waitUntil(lambda: p.planning.last is not None and not p.planning.busy, timeout=60000)
        old_cards = list(p.tech_panel.cards)
        p.planning.recommend_for(wo, p.tech_panel)
        qtbot.waitUntil(lambda: p.tech_panel.cards and p.tech_panel.cards[0] not in old_cards, timeout=20000)
        best = p.tech_panel.cards[0].item
        assert best.earliest_start is not None
        messages = []
        p.planning.show_message = lambda text, *_: messages.append(text)
        p.tech_panel.sig_assign_requested.emit(best.tech_id)
        qtbot.waitUntil(lambda: bool(messages), timeout=20000)
        assert "已派工" in messages[0], messages
        with psycopg.connect(db.conninfo) as c:
            qtbot.waitUntil(lambda: c.execute(
                "SELECT technician_id FROM reservation WHERE work_order_id = %s AND status = 'held'",
                (wo,)).fetchone() == (best.tech_id,), timeout=20000)
    finally:
        with psycopg.connect(db.conninfo) as c:
            c.execute("DELETE FROM reservation WHERE work_order_id = %s", (wo,))
            c.execute("UPDATE work_order SET status = 'cancelled' WHERE id = %s", (wo,))
            c.commit()
