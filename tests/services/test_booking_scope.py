"""Who may do what in booking, enforced by PostgreSQL under each user's own login: only HQ changes the pricing
rules; a store's advisor books and moves only at their store (or refers a customer from it); RLS hides other
stores' plans."""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg
import pytest

from services.booking.book import book_slot
from services.booking.recommend import recommend_stores
from services.booking.rules import load_rules, save_rules
from services.booking.slots import free_slots
from services.model import DomainError, PricingRule
from services.network import CHINA
from services.users import as_user, list_users


@pytest.fixture(scope="module")
def users(demo_db):
    db, _ = demo_db
    with db.connect() as c:
        return {u.login: u for u in list_users(c)}


def test_only_head_office_may_change_the_pricing_rules(demo_db, users):
    db, _ = demo_db
    north = as_user(db, users["region.n"])
    with north.connect() as c:
        before = load_rules(c)  # everyone may read them
        assert before
        with pytest.raises(DomainError, match="Only head office"):
            save_rules(c, [PricingRule(None, "区域自定折扣", 0.5, 30.0)], "region.n")
        assert load_rules(c) == before
        c.rollback()
    hq = as_user(db, users["hq.zhang"])
    with hq.connect() as c:
        saved = save_rules(c, [*before, PricingRule(None, "夜间 7 折", 0.3, 30.0, hour_from=17, hour_to=18)],
                           "whoever")
        assert saved[-1].name == "夜间 7 折" and len(saved) == len(before) + 1
        c.commit()
    with db.connect() as c:
        # the audit row names the logged-in user, not what the caller claimed
        assert c.execute("SELECT actor FROM audit_log WHERE entity = 'pricing_rule' ORDER BY id DESC LIMIT 1"
                         ).fetchone()[0] == "hq.zhang"
        save_rules(c, before, "test.restore")
        c.commit()


def test_a_store_advisor_cannot_book_or_see_plans_of_another_store(demo_db, users):
    db, _ = demo_db
    store_user = next(u for u in users.values() if u.role == "store")
    with db.connect() as c:
        other, third = c.execute("SELECT min(id), max(id) FROM store WHERE id <> %s",
                                 (store_user.store_id,)).fetchone()
    start = datetime.now(CHINA) + timedelta(days=1)
    with as_user(db, store_user).connect() as c:
        # booking at another store is a referral from their own store (tests/services/test_booking_network.py);
        # a referral from a store that is not theirs is refused
        with pytest.raises(DomainError, match="outside the scope"):
            book_slot(c, other, "京E12345", ["MAINT_MINOR"], start.replace(minute=0, second=0, microsecond=0),
                      actor="x", referral_from=third)
        # and the database itself refuses, whatever the client does
        with pytest.raises(psycopg.Error) as info:
            c.execute("SELECT * FROM booking.book_slot(%s, '京E12345', ARRAY['MAINT_MINOR'], %s)", (other, start))
        assert info.value.sqlstate == "AS403"
        c.rollback()
        assert c.execute("SELECT count(*) FROM reservation WHERE store_id = %s", (other,)).fetchone()[0] == 0
        # their own store's slots and recommendation work under their login (the recommendation covers the whole
        # network since 0008, see test_booking_network.py)
        assert isinstance(free_slots(c, store_user.store_id, ["MAINT_MINOR"], start.date()), list)
        lat, lon = c.execute("SELECT lat, lon FROM store WHERE id = %s", (store_user.store_id,)).fetchone()
        assert isinstance(recommend_stores(c, lat, lon, ["MAINT_MINOR"], start, start + timedelta(hours=4)), list)
        assert c.execute("SELECT count(DISTINCT store_id) <= 1 FROM customer_notice").fetchone()[0]
        c.rollback()
