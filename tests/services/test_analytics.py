"""Off-peak analytics: bay load by hour of day and discounted bookings, on the small demo network."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text

from services.analytics import HOURS, hourly_load
from services.network import CHINA
from tests.conftest import DEMO_OPTS


def test_hourly_load_matches_the_jobs_and_counts_discounted_bookings(demo_db):
    db, _ = demo_db
    day = DEMO_OPTS.last_day() - timedelta(days=1)
    with db.engine.connect() as conn:
        load = hourly_load(conn, day, day)
        assert load.hours == HOURS
        assert all(0.0 <= u <= 1.0 for u in load.utilization)
        assert max(load.utilization) > 0.2, "a working day keeps the bays busy"
        assert load.peak_to_mean >= 1.0
        # Independently: occupied bay-minutes between 10:00 and 11:00 from the jobs themselves.
        ten = datetime.combine(day, datetime.min.time(), tzinfo=CHINA).replace(hour=10)
        minutes = 0.0
        for a, b in conn.execute(text("""SELECT lower(period), upper(period) FROM job_all
                                         WHERE status <> 'cancelled' AND period && tstzrange(:a, :b)"""),
                                 {"a": ten, "b": ten + timedelta(hours=1)}):
            minutes += (min(b, ten + timedelta(hours=1)) - max(a, ten)).total_seconds() / 60
        bays = conn.execute(text("SELECT count(*) FROM bay WHERE active")).scalar_one()
        assert abs(load.utilization[HOURS.index(10)] - min(1.0, minutes / (bays * 60))) < 1e-6

        # A discounted booking at 15:00 shows up in its hour, with its discount.
        before = hourly_load(conn, day, day)
        conn.execute(text("""
            INSERT INTO booking (store_id, requested_store_id, customer_id, vehicle_id, channel, service_codes, slot,
                                 quoted_price, discount_pct)
            SELECT 1, 1, v.customer_id, v.id, 'app', ARRAY['MAINT_MINOR'], tstzrange(:t, :t + interval '1 hour'),
                   300, 15
            FROM vehicle v ORDER BY v.id LIMIT 1"""), {"t": ten.replace(hour=15)})
        after = hourly_load(conn, day, day)
        conn.rollback()
    i = HOURS.index(15)
    assert after.bookings[i] == before.bookings[i] + 1
    assert after.discounted[i] == before.discounted[i] + 1
    assert after.mean_discount_pct > 0
