-- Booking across the network: a store advisor (or a regional manager) recommends and books any store of the
-- network, not only those row-level security shows him, and refers the customer there. Documented in
-- docs/booking.md ("Across stores").
--
-- 1. Read functions (SECURITY DEFINER, schema booking) that return exactly what the store recommendation and the
--    free slots need for any active store: the store's identity, place and hours, its bays, the technicians on
--    shift that day (id, skills, level, rating, shift, break — no names), the occupancy of the day (held
--    reservations, running and planned jobs, the queue's service codes and ready times, bookings not yet planned)
--    and whether the parts a job needs are in stock. Never customers, plates, phones, names of people or amounts.
--    services/booking/slots.load_store_days and recommend._candidates read through them for every caller, HQ
--    included, so there is one code path. Three calls for a set of stores and a day, one for the candidates.
-- 2. booking.book_slot gets a scope check of its own in front of the 0007 function (renamed _book_slot_0007, no
--    longer granted): a console user books outside their scope only as a referral (channel 'referral') from a store
--    of their own (requested_store_id), which the booking row records, so the KPIs count it as a cross-store
--    service (store_id <> requested_store_id). Everything else outside the scope stays AS403.

-- The stores within p_max_km of a place, nearest first (at most p_limit), each with its capability for a job: a bay
-- of one of p_bay_kinds, a technician (of the store) with every skill in p_skills, and which of p_parts are short of
-- the quantities p_qtys in its stock.
CREATE FUNCTION booking.network_candidates(
    p_lat double precision, p_lon double precision, p_max_km double precision, p_bay_kinds text[], p_skills text[],
    p_parts text[] DEFAULT '{}', p_qtys integer[] DEFAULT '{}', p_limit integer DEFAULT 60)
RETURNS TABLE (store_id integer, code text, name_zh text, name_en text, city_zh text, lat double precision,
               lon double precision, km double precision, has_bay boolean, has_skill boolean, missing_parts text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH r AS (
        SELECT least(greatest(coalesce(p_max_km, 0), 0), 3000) AS km,
               least(greatest(coalesce(p_max_km, 0), 0), 3000) / 111.0 AS dlat,
               least(greatest(coalesce(p_max_km, 0), 0), 3000)
                   / (111.0 * greatest(0.1, cos(radians(p_lat)))) AS dlon),
    s AS (
        SELECT s.id, s.code, s.name_zh, s.name_en, s.city_zh, s.lat, s.lon,
               2 * 6371 * asin(sqrt(power(sin(radians(s.lat - p_lat) / 2), 2)
                   + cos(radians(p_lat)) * cos(radians(s.lat)) * power(sin(radians(s.lon - p_lon) / 2), 2))) AS km
        FROM store s, r
        WHERE s.active AND s.lat BETWEEN p_lat - r.dlat AND p_lat + r.dlat
          AND s.lon BETWEEN p_lon - r.dlon AND p_lon + r.dlon)
    SELECT s.id, s.code, s.name_zh, s.name_en, s.city_zh, s.lat, s.lon, s.km,
           EXISTS (SELECT 1 FROM bay b WHERE b.store_id = s.id AND b.active AND b.kind = ANY (p_bay_kinds)),
           EXISTS (SELECT 1 FROM technician t WHERE t.home_store_id = s.id AND t.active
                   AND t.skills @> coalesce(p_skills, '{}')),
           (SELECT coalesce(array_agg(p.code ORDER BY p.id), '{}')
            FROM unnest(coalesce(p_parts, '{}'), coalesce(p_qtys, '{}')) AS n(code, qty)
            JOIN part p ON p.code = n.code
            LEFT JOIN stock k ON k.store_id = s.id AND k.part_id = p.id
            WHERE coalesce(k.qty, 0) < n.qty)
    FROM s, r WHERE s.km <= r.km
    ORDER BY s.km, s.id LIMIT least(greatest(coalesce(p_limit, 60), 1), 1000)
$$;

-- The active stores among p_store_ids: opening hours and open bays (id and kind).
CREATE FUNCTION booking.network_stores(p_store_ids integer[])
RETURNS TABLE (store_id integer, opens_at time, closes_at time, bay_ids integer[], bay_kinds text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT s.id, s.opens_at, s.closes_at,
           coalesce(array_agg(b.id ORDER BY b.id) FILTER (WHERE b.id IS NOT NULL), '{}'),
           coalesce(array_agg(b.kind ORDER BY b.id) FILTER (WHERE b.id IS NOT NULL), '{}')
    FROM store s LEFT JOIN bay b ON b.store_id = s.id AND b.active
    WHERE s.id = ANY (p_store_ids) AND s.active
    GROUP BY s.id
$$;

-- The technicians on shift at the stores on p_day: id, skills, level, rating, shift and break (no names).
CREATE FUNCTION booking.network_shifts(p_store_ids integer[], p_day date)
RETURNS TABLE (store_id integer, technician_id integer, skills text[], level smallint, rating numeric,
               shift_start timestamptz, shift_end timestamptz, break_start timestamptz, break_end timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT sh.store_id, t.id, t.skills, t.level, t.rating, lower(sh.period), upper(sh.period),
           lower(sh.break_period), upper(sh.break_period)
    FROM shift sh JOIN technician t ON t.id = sh.technician_id JOIN store s ON s.id = sh.store_id
    WHERE sh.store_id = ANY (p_store_ids) AND sh.work_date = p_day AND t.active AND s.active
    ORDER BY sh.store_id, t.id
$$;

-- What occupies the stores on p_day (local day, Asia/Shanghai), one row per item:
--   reservation  a held reservation: bay, technician, period
--   job          a planned or running job: bay, technician, start, end (NULL while running), kind, and for a running
--                service job the service codes of its work order (how long it will take)
--   queue        a vehicle checked in and waiting without a reservation: ready time and service codes
--   booking      a booking of the day without a reservation: its slot and service codes
CREATE FUNCTION booking.network_occupancy(p_store_ids integer[], p_day date)
RETURNS TABLE (source text, store_id integer, bay_id integer, technician_id integer, starts_at timestamptz,
               ends_at timestamptz, service_codes text[], job_kind text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH ids AS (SELECT array_agg(s.id) AS ids FROM store s WHERE s.id = ANY (p_store_ids) AND s.active),
    d AS (SELECT p_day::timestamp AT TIME ZONE 'Asia/Shanghai' AS d0)
    SELECT 'reservation', r.store_id, r.bay_id, r.technician_id, lower(r.period), upper(r.period), NULL::text[],
           NULL::text
    FROM reservation r, ids, d
    WHERE r.store_id = ANY (ids.ids) AND r.status = 'held' AND r.period && tstzrange(d.d0, d.d0 + interval '1 day')
    UNION ALL
    SELECT 'job', j.store_id, j.bay_id, j.technician_id, lower(j.period), upper(j.period),
           CASE WHEN j.kind = 'service' AND upper(j.period) IS NULL THEN (
               SELECT array_agg(st.code ORDER BY i.line_no) FROM work_order_item i
               JOIN service_type st ON st.id = i.service_type_id WHERE i.work_order_id = j.work_order_id) END,
           j.kind
    FROM job j, ids, d
    WHERE j.store_id = ANY (ids.ids) AND j.status IN ('planned', 'active')
      AND lower(j.period) < d.d0 + interval '1 day' AND (upper(j.period) IS NULL OR upper(j.period) > d.d0)
    UNION ALL
    SELECT 'queue', w.store_id, NULL, NULL, greatest(w.checked_in_at, w.booked_for), NULL, (
               SELECT array_agg(st.code ORDER BY i.line_no) FROM work_order_item i
               JOIN service_type st ON st.id = i.service_type_id WHERE i.work_order_id = w.id), NULL
    FROM work_order w, ids
    WHERE w.store_id = ANY (ids.ids) AND w.status = 'checked_in'
      AND NOT EXISTS (SELECT 1 FROM reservation r WHERE r.work_order_id = w.id AND r.status = 'held')
    UNION ALL
    SELECT 'booking', bk.store_id, NULL, NULL, lower(bk.slot), upper(bk.slot), bk.service_codes, NULL
    FROM booking bk, ids, d
    WHERE bk.store_id = ANY (ids.ids) AND bk.status = 'booked'
      AND lower(bk.slot) >= d.d0 AND lower(bk.slot) < d.d0 + interval '1 day'
      AND NOT EXISTS (SELECT 1 FROM reservation r WHERE r.booking_id = bk.id AND r.status = 'held')
$$;

-- Who may book where. The owner's connections (tools, tests, the replay) are trusted as before; head office books
-- anywhere. Anyone else books inside their scope, or outside it only as a referral from a store of their own; the
-- store a booking records as asked for (requested_store_id) is always one of theirs. An inactive user is left to
-- booking._actor, which says so.
CREATE FUNCTION booking._booking_scope(p_store_id integer, p_channel text, p_requested_store_id integer)
RETURNS void LANGUAGE plpgsql STABLE AS $$
DECLARE
    u app_user;
    mine integer[];
BEGIN
    IF p_channel IS NULL OR p_channel NOT IN ('app', 'phone', 'wechat', 'advisor', 'referral') THEN
        PERFORM terminal._fail('AS422', format('The booking channel "%s" is unknown.', p_channel),
            'Use one of: advisor, app, referral, phone, wechat.');
    END IF;
    SELECT * INTO u FROM app_user WHERE db_role = session_user;
    IF u.id IS NULL OR NOT u.active OR scope.sees_all() THEN
        RETURN;
    END IF;
    mine := scope.store_ids();
    IF p_channel = 'referral' THEN
        IF p_requested_store_id IS NULL THEN
            PERFORM terminal._fail('AS422', 'A referral needs the store that refers the customer.',
                'Give your own store as the store the customer asked for.');
        END IF;
        IF p_requested_store_id = p_store_id THEN
            PERFORM terminal._fail('AS422', format('Store %s cannot refer a customer to itself.', p_store_id),
                'Book at your own store as usual, or pick another store to refer the customer to.');
        END IF;
        IF NOT p_requested_store_id = ANY (mine) THEN
            PERFORM terminal._fail('AS403', format('Store %s, which would refer the customer, is outside the scope '
                'of %s.', p_requested_store_id, u.login), 'Refer the customer from your own store.');
        END IF;
        RETURN;
    END IF;
    IF NOT p_store_id = ANY (mine) THEN
        PERFORM terminal._fail('AS403', format('Store %s is outside the scope of %s.', p_store_id, u.login),
            'To send the customer to another store, book it there as a referral from your own store.');
    END IF;
    IF p_requested_store_id IS NOT NULL AND p_requested_store_id <> p_store_id
       AND NOT p_requested_store_id = ANY (mine) THEN
        PERFORM terminal._fail('AS403', format('Store %s is outside the scope of %s; it cannot be recorded as the '
            'store the customer asked for.', p_requested_store_id, u.login),
            'Leave the store the customer asked for empty, or give one of your own stores.');
    END IF;
END $$;

ALTER FUNCTION booking.book_slot(integer, text, text[], timestamptz, integer, integer, text, text, text, integer,
                                 numeric, text, double precision, text, uuid) RENAME TO _book_slot_0007;
REVOKE ALL ON FUNCTION booking._book_slot_0007(integer, text, text[], timestamptz, integer, integer, text, text,
                                               text, integer, numeric, text, double precision, text, uuid)
    FROM PUBLIC, aftersales_console;

-- book_slot: the scope check above, then the booking of 0007 (which checks the scope again through booking._actor,
-- referrals included). A new customer of a referral is registered at the referring store, whose customer they are.
CREATE FUNCTION booking.book_slot(
    p_store_id integer, p_plate text, p_service_codes text[], p_start timestamptz,
    p_bay_id integer DEFAULT NULL, p_technician_id integer DEFAULT NULL, p_channel text DEFAULT 'advisor',
    p_customer_name text DEFAULT NULL, p_phone text DEFAULT NULL, p_requested_store_id integer DEFAULT NULL,
    p_discount_pct numeric DEFAULT 0, p_pricing_rule text DEFAULT NULL, p_predicted_load double precision DEFAULT NULL,
    p_actor text DEFAULT NULL, p_event_id uuid DEFAULT NULL)
RETURNS TABLE (booking_id bigint, reservation_id bigint, bay_id integer, technician_id integer,
               slot_start timestamptz, slot_end timestamptz, list_price numeric, quoted_price numeric,
               discount_pct numeric)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM terminal._store(p_store_id);
    PERFORM booking._booking_scope(p_store_id, p_channel, p_requested_store_id);
    IF p_channel = 'referral' AND p_requested_store_id IS NOT NULL AND p_requested_store_id <> p_store_id
       AND (p_event_id IS NULL OR NOT EXISTS (SELECT 1 FROM booking b WHERE b.event_id = p_event_id)) THEN
        PERFORM terminal._store(p_requested_store_id);
        PERFORM terminal._vehicle(p_plate, p_customer_name, p_phone, p_requested_store_id);
    END IF;
    RETURN QUERY SELECT * FROM booking._book_slot_0007(
        p_store_id, p_plate, p_service_codes, p_start, p_bay_id, p_technician_id, p_channel, p_customer_name,
        p_phone, p_requested_store_id, p_discount_pct, p_pricing_rule, p_predicted_load, p_actor, p_event_id);
END $$;

REVOKE ALL ON FUNCTION
    booking.network_candidates(double precision, double precision, double precision, text[], text[], text[],
                               integer[], integer),
    booking.network_stores(integer[]),
    booking.network_shifts(integer[], date),
    booking.network_occupancy(integer[], date),
    booking._booking_scope(integer, text, integer),
    booking.book_slot(integer, text, text[], timestamptz, integer, integer, text, text, text, integer, numeric, text,
                      double precision, text, uuid)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    booking.network_candidates(double precision, double precision, double precision, text[], text[], text[],
                               integer[], integer),
    booking.network_stores(integer[]),
    booking.network_shifts(integer[], date),
    booking.network_occupancy(integer[], date),
    booking.book_slot(integer, text, text[], timestamptz, integer, integer, text, text, text, integer, numeric, text,
                      double precision, text, uuid)
    TO aftersales_console;
