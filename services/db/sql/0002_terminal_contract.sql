-- The store-terminal write contract: SQL functions any terminal (ours or another vendor's) calls with plain SQL.
-- Every write is validated here, is idempotent on its event id, and causes one NOTIFY per transaction per store
-- and kind of change. Documented in docs/terminal-contract.md. Error codes (SQLSTATE):
--   AS404 unknown store / work order / booking / bay / technician / part / service type
--   AS409 the write conflicts with the current state (status backwards, bay busy, not enough stock, ...)
--   AS422 invalid input (negative quantity, finish before start, score out of range, time in the future, ...)
--   AS423 event id already used for a different write

CREATE SCHEMA terminal;

-- Idempotency ledger: one row per accepted terminal event. A retry with the same event id and the same
-- request returns the first result; the same id with a different request is refused.
CREATE TABLE terminal.event_ledger (
    event_id        uuid PRIMARY KEY,
    store_id        integer NOT NULL REFERENCES store (id),
    kind            text NOT NULL,
    request_hash    text NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now()
);
-- Insert-only and unindexed beyond its key: it is on every write's path. A retry's result is found through
-- the event id that every written row carries, so the ledger never needs updating.

-- Last write per store: what "stores online" is computed from.
CREATE TABLE terminal.store_activity (
    store_id        integer PRIMARY KEY REFERENCES store (id),
    last_write_at   timestamptz NOT NULL
);

CREATE FUNCTION terminal._fail(code text, msg text, hint text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF hint IS NULL THEN
        RAISE EXCEPTION '%', msg USING ERRCODE = code;
    END IF;
    RAISE EXCEPTION '%', msg USING ERRCODE = code, HINT = hint;
END $$;

-- One NOTIFY per transaction per (store, kind): the flag lives in a transaction-local setting, so the second
-- call in the same transaction costs a string search instead of a queue entry. Payload: ids only.
CREATE FUNCTION terminal._notify(p_store_id integer, p_kind text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    key  text := p_store_id || ':' || p_kind;
    seen text := coalesce(current_setting('aftersales.notified', true), '');
BEGIN
    IF position(',' || key || ',' IN seen) > 0 THEN
        RETURN;
    END IF;
    PERFORM set_config('aftersales.notified', coalesce(nullif(seen, ''), ',') || key || ',', true);
    PERFORM pg_notify('aftersales', json_build_object('store', p_store_id, 'kind', p_kind)::text);
END $$;

-- Seconds are enough for "online in the last 15 minutes": skipping updates within 5 s spares a hot row.
CREATE FUNCTION terminal._touch(p_store_id integer, p_at timestamptz) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO terminal.store_activity AS a (store_id, last_write_at) VALUES (p_store_id, p_at)
    ON CONFLICT (store_id) DO UPDATE SET last_write_at = excluded.last_write_at
    WHERE a.last_write_at < excluded.last_write_at - interval '5 seconds';
$$;

CREATE FUNCTION terminal._check_time(p_at timestamptz) RETURNS timestamptz
LANGUAGE plpgsql AS $$
BEGIN
    IF p_at IS NULL THEN
        RETURN now();
    END IF;
    IF p_at > now() + interval '5 minutes' THEN
        PERFORM terminal._fail('AS422', format('The time %s is in the future.', p_at),
            'Check the terminal''s clock, or leave the time out to use the server''s.');
    END IF;
    IF p_at < now() - interval '7 days' THEN
        PERFORM terminal._fail('AS422', format('The time %s is more than 7 days old.', p_at),
            'Events older than a week must be entered by an advisor, not replayed by a terminal.');
    END IF;
    RETURN p_at;
END $$;

-- Claims an event id. Returns NULL for a new event (go ahead) or the first result for a retry (stop there).
CREATE FUNCTION terminal._claim(p_event_id uuid, p_store_id integer, p_kind text, p_request text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    h text := md5(p_request);
    prev terminal.event_ledger;
BEGIN
    IF p_event_id IS NULL THEN
        PERFORM terminal._fail('AS422', 'The event id is missing.',
            'Give every write a new UUID and reuse it only to retry that same write.');
    END IF;
    -- Terminal writes commit asynchronously: PostgreSQL holds the NOTIFY lock through the commit's WAL flush,
    -- which caps synchronous notifying commits at one per fsync. A server crash can lose the last fraction of
    -- a second of acknowledged writes, never half of one; terminals resend their last minute of writes after a
    -- reconnect and the event ids make that harmless (docs/terminal-contract.md).
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO terminal.event_ledger (event_id, store_id, kind, request_hash)
    VALUES (p_event_id, p_store_id, p_kind, h)
    ON CONFLICT (event_id) DO NOTHING;
    IF FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO prev FROM terminal.event_ledger WHERE event_id = p_event_id;
    IF prev.kind <> p_kind OR prev.request_hash <> h THEN
        PERFORM terminal._fail('AS423',
            format('The event id %s was already used for a different write.', p_event_id),
            'Use a new event id for a new write; reuse an id only to retry exactly the same write.');
    END IF;
    RETURN coalesce(CASE p_kind
        WHEN 'book' THEN (SELECT id FROM booking WHERE event_id = p_event_id)
        WHEN 'use_part' THEN (SELECT id FROM part_usage WHERE event_id = p_event_id)
        WHEN 'rate' THEN (SELECT work_order_id FROM rating WHERE event_id = p_event_id)
        WHEN 'complain' THEN (SELECT id FROM complaint WHERE event_id = p_event_id)
        ELSE (SELECT work_order_id FROM work_order_event WHERE event_id = p_event_id) END, 0);
END $$;

CREATE FUNCTION terminal._store(p_store_id integer) RETURNS store
LANGUAGE plpgsql AS $$
DECLARE
    s store;
BEGIN
    SELECT * INTO s FROM store WHERE id = p_store_id;
    IF NOT FOUND THEN
        PERFORM terminal._fail('AS404', format('Store %s is unknown.', p_store_id),
            'Check the store id configured on this terminal.');
    END IF;
    IF NOT s.active THEN
        PERFORM terminal._fail('AS409', format('Store %s is closed in the system.', s.code),
            'Ask head office to reopen the store before writing to it.');
    END IF;
    RETURN s;
END $$;

-- Locks the work order row for the rest of the transaction so concurrent writers queue up.
CREATE FUNCTION terminal._work_order(p_work_order_id bigint) RETURNS work_order
LANGUAGE plpgsql AS $$
DECLARE
    w work_order;
BEGIN
    SELECT * INTO w FROM work_order WHERE id = p_work_order_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM terminal._fail('AS404', format('Work order %s is unknown.', p_work_order_id),
            'Check the work order number; it is printed on the job card.');
    END IF;
    RETURN w;
END $$;

CREATE FUNCTION terminal._actor(p_actor text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_actor IS NULL OR length(trim(p_actor)) = 0 THEN
        PERFORM terminal._fail('AS422', 'Who made this change is missing.',
            'Send the terminal id or the user''s login as the actor.');
    END IF;
    RETURN trim(p_actor);
END $$;

CREATE FUNCTION terminal._event(w work_order, p_status text, p_at timestamptz, p_actor text, p_event_id uuid)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO work_order_event (work_order_id, store_id, status, at, actor, source, event_id)
    VALUES (w.id, w.store_id, p_status, p_at, p_actor, 'terminal', p_event_id);
$$;

-- Which bay kinds can take work that needs a given kind: an alignment bay has a lift too.
CREATE FUNCTION terminal.bay_accepts(p_bay_kind text, p_needed text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_bay_kind = p_needed OR (p_needed = 'lift' AND p_bay_kind = 'alignment')
$$;

-- heartbeat: a terminal says it is alive. Notifies only when the store comes back online.
CREATE FUNCTION terminal.heartbeat(p_terminal_id text, p_store_id integer, p_at timestamptz DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    v_at timestamptz := terminal._check_time(p_at);
    prev timestamptz;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);  -- a lost heartbeat is repeated a minute later
    PERFORM terminal._store(p_store_id);
    IF p_terminal_id IS NULL OR length(p_terminal_id) NOT BETWEEN 1 AND 64 THEN
        PERFORM terminal._fail('AS422', 'The terminal id must be 1 to 64 characters.',
            'Use the id printed on the device label.');
    END IF;
    SELECT last_write_at INTO prev FROM terminal.store_activity WHERE store_id = p_store_id;
    INSERT INTO terminal_device AS d (id, store_id, last_seen_at) VALUES (p_terminal_id, p_store_id, v_at)
    ON CONFLICT (id) DO UPDATE SET store_id = excluded.store_id,
        last_seen_at = greatest(d.last_seen_at, excluded.last_seen_at);
    PERFORM terminal._touch(p_store_id, v_at);
    IF prev IS NULL OR prev < v_at - interval '15 minutes' THEN
        PERFORM terminal._notify(p_store_id, 'online');
    END IF;
END $$;

-- book: a booking channel reserves a slot for a vehicle. Unknown plates register a new customer and vehicle.
CREATE FUNCTION terminal.book(
    p_event_id uuid, p_store_id integer, p_plate text, p_service_codes text[], p_slot_start timestamptz,
    p_channel text DEFAULT 'app', p_customer_name text DEFAULT NULL, p_phone text DEFAULT NULL,
    p_requested_store_id integer DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    s store := terminal._store(p_store_id);
    prior bigint := terminal._claim(p_event_id, p_store_id, 'book',
        concat_ws('|', p_store_id, p_plate, p_service_codes::text, p_slot_start, p_channel, p_customer_name,
                  p_phone, p_requested_store_id));
    v vehicle;
    minutes integer;
    price numeric;
    bid bigint;
BEGIN
    IF prior IS NOT NULL THEN RETURN prior; END IF;
    IF p_requested_store_id IS NOT NULL THEN PERFORM terminal._store(p_requested_store_id); END IF;
    IF p_channel IS NULL OR p_channel NOT IN ('app', 'phone', 'wechat', 'advisor', 'referral') THEN
        PERFORM terminal._fail('AS422', format('The booking channel "%s" is unknown.', p_channel),
            'Use one of: app, phone, wechat, advisor, referral.');
    END IF;
    IF p_slot_start IS NULL OR p_slot_start < now() - interval '1 hour' THEN
        PERFORM terminal._fail('AS422', 'A booking needs a slot start that is not in the past.',
            'Pick a slot from now on.');
    END IF;
    SELECT sv.minutes, sv.price INTO minutes, price FROM terminal._services(p_service_codes) sv;
    v := terminal._vehicle(p_plate, p_customer_name, p_phone, s.id);
    INSERT INTO booking (store_id, requested_store_id, customer_id, vehicle_id, channel, service_codes, slot,
                         quoted_price, event_id)
    VALUES (s.id, coalesce(p_requested_store_id, s.id), v.customer_id, v.id, p_channel, p_service_codes,
            tstzrange(p_slot_start, p_slot_start + make_interval(mins => minutes)), price, p_event_id)
    RETURNING id INTO bid;
    PERFORM terminal._touch(s.id, now());
    PERFORM terminal._notify(s.id, 'booking');
    RETURN bid;
END $$;

-- Validates a list of service type codes (refusing unknown codes and empty lists); returns the standard
-- minutes and list price of them all.
CREATE FUNCTION terminal._services(p_codes text[], OUT minutes integer, OUT price numeric)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    known integer;
    total integer;
    bad text;
BEGIN
    IF p_codes IS NULL OR cardinality(p_codes) = 0 THEN
        PERFORM terminal._fail('AS422', 'At least one service type is needed.',
            'Send service type codes such as MAINT_MINOR or TYRE.');
    END IF;
    SELECT count(st.id), count(*), sum(st.std_minutes), sum(st.price), min(c.code) FILTER (WHERE st.id IS NULL)
    INTO known, total, minutes, price, bad
    FROM unnest(p_codes) AS c(code) LEFT JOIN service_type st ON st.code = c.code;
    IF known <> total THEN
        PERFORM terminal._fail('AS404', format('The service type "%s" is unknown.', bad),
            'Use a code from the service_type table.');
    END IF;
END $$;

CREATE FUNCTION terminal._vehicle(p_plate text, p_customer_name text, p_phone text, p_store_id integer)
RETURNS vehicle LANGUAGE plpgsql AS $$
DECLARE
    v vehicle;
    cid bigint;
    v_plate text := upper(replace(trim(coalesce(p_plate, '')), ' ', ''));
BEGIN
    IF length(v_plate) NOT BETWEEN 5 AND 10 THEN
        PERFORM terminal._fail('AS422', format('The plate "%s" is not a valid licence plate.', p_plate),
            'Type the plate as printed, e.g. 京A12345.');
    END IF;
    SELECT * INTO v FROM vehicle WHERE vehicle.plate = v_plate;
    IF FOUND THEN RETURN v; END IF;
    INSERT INTO customer (name, phone, home_store_id)
    VALUES (coalesce(nullif(trim(p_customer_name), ''), '未登记客户'), p_phone, p_store_id)
    RETURNING id INTO cid;
    INSERT INTO vehicle (customer_id, plate, model) VALUES (cid, v_plate, 'unknown')
    ON CONFLICT (plate) DO NOTHING RETURNING * INTO v;
    IF v.id IS NULL THEN  -- someone registered the same plate a moment ago
        SELECT * INTO v FROM vehicle WHERE vehicle.plate = v_plate;
    END IF;
    RETURN v;
END $$;

-- check_in: a vehicle arrives. With a booking id the booking's store, vehicle and services are used.
CREATE FUNCTION terminal.check_in(
    p_event_id uuid, p_store_id integer, p_plate text, p_service_codes text[] DEFAULT NULL,
    p_booking_id bigint DEFAULT NULL, p_actor text DEFAULT NULL, p_at timestamptz DEFAULT NULL,
    p_customer_name text DEFAULT NULL, p_phone text DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    s store := terminal._store(p_store_id);
    prior bigint := terminal._claim(p_event_id, p_store_id, 'check_in',
        concat_ws('|', p_store_id, p_plate, p_service_codes::text, p_booking_id, p_actor, p_at, p_customer_name,
                  p_phone));
    v_at timestamptz := terminal._check_time(p_at);
    v_actor text := terminal._actor(coalesce(p_actor, 'terminal'));
    b booking;
    v vehicle;
    codes text[] := p_service_codes;
    w work_order;
BEGIN
    IF prior IS NOT NULL THEN RETURN prior; END IF;
    IF p_booking_id IS NOT NULL THEN
        SELECT * INTO b FROM booking WHERE id = p_booking_id FOR UPDATE;
        IF NOT FOUND THEN
            PERFORM terminal._fail('AS404', format('Booking %s is unknown.', p_booking_id),
                'Check the booking number, or check the vehicle in without one.');
        END IF;
        IF b.store_id <> s.id THEN
            PERFORM terminal._fail('AS409', format('Booking %s is for another store.', p_booking_id),
                'Check the vehicle in at the store it was booked for, or without the booking.');
        END IF;
        IF b.status <> 'booked' THEN
            PERFORM terminal._fail('AS409', format('Booking %s is already %s.', p_booking_id, b.status),
                'Check the vehicle in without the booking.');
        END IF;
        SELECT * INTO v FROM vehicle WHERE id = b.vehicle_id;
        IF p_plate IS NOT NULL AND upper(replace(trim(p_plate), ' ', '')) <> v.plate THEN
            PERFORM terminal._fail('AS409', format('Booking %s is for the vehicle %s, not %s.', p_booking_id,
                v.plate, p_plate), 'Check the plate or the booking number.');
        END IF;
        codes := coalesce(codes, b.service_codes);
        UPDATE booking SET status = 'checked_in' WHERE id = b.id;
    ELSE
        v := terminal._vehicle(p_plate, p_customer_name, p_phone, s.id);
    END IF;
    IF EXISTS (SELECT 1 FROM work_order WHERE vehicle_id = v.id AND status IN ('checked_in', 'in_service',
               'quality_check')) THEN
        PERFORM terminal._fail('AS409', format('The vehicle %s is already in a workshop.', v.plate),
            'Finish or cancel its open work order first.');
    END IF;
    INSERT INTO work_order (store_id, requested_store_id, booking_id, customer_id, vehicle_id, status,
                            booked_for, checked_in_at, amount)
    VALUES (s.id, coalesce(b.requested_store_id, s.id), b.id, v.customer_id, v.id, 'checked_in',
            lower(b.slot), v_at, (SELECT sv.price FROM terminal._services(codes) sv))
    RETURNING * INTO w;
    INSERT INTO work_order_item (work_order_id, line_no, service_type_id, price)
    SELECT w.id, c.n, st.id, st.price
    FROM unnest(codes) WITH ORDINALITY AS c(code, n) JOIN service_type st ON st.code = c.code;
    PERFORM terminal._event(w, 'checked_in', v_at, v_actor, p_event_id);
    PERFORM terminal._touch(s.id, v_at);
    PERFORM terminal._notify(s.id, 'workorder');
    RETURN w.id;
END $$;

-- start_job: a technician starts the work order on a bay. Neither may be busy with another job.
CREATE FUNCTION terminal.start_job(
    p_event_id uuid, p_work_order_id bigint, p_bay_id integer, p_technician_id integer,
    p_actor text DEFAULT NULL, p_at timestamptz DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    w work_order;
    prior bigint;
    v_at timestamptz := terminal._check_time(p_at);
    v_actor text := terminal._actor(coalesce(p_actor, 'technician:' || p_technician_id));
    bkind text;
    tskills text[];
    fits boolean;
    kinds text;
    missing text;
BEGIN
    w := terminal._work_order(p_work_order_id);
    prior := terminal._claim(p_event_id, w.store_id, 'start_job',
        concat_ws('|', p_work_order_id, p_bay_id, p_technician_id, p_actor, p_at));
    IF prior IS NOT NULL THEN RETURN prior; END IF;
    IF w.status <> 'checked_in' THEN
        PERFORM terminal._fail('AS409', format('Work order %s is already %s; it cannot start again.', w.id,
            w.status), 'Refresh the job list: someone else may have started it.');
    END IF;
    IF v_at < w.checked_in_at THEN
        PERFORM terminal._fail('AS422', format('Work order %s cannot start before the vehicle arrived (%s).',
            w.id, w.checked_in_at), 'Check the terminal''s clock.');
    END IF;
    SELECT kind INTO bkind FROM bay WHERE id = p_bay_id AND store_id = w.store_id AND active;
    IF NOT FOUND THEN
        PERFORM terminal._fail('AS404', format('Bay %s is not a bay of this store.', p_bay_id),
            'Pick a bay from the store''s board.');
    END IF;
    SELECT t.skills INTO tskills FROM technician t WHERE t.id = p_technician_id AND t.active
        AND (t.home_store_id = w.store_id OR EXISTS (
            SELECT 1 FROM shift sh WHERE sh.technician_id = t.id AND sh.store_id = w.store_id
              AND sh.period @> v_at));
    IF NOT FOUND THEN
        PERFORM terminal._fail('AS404', format('Technician %s does not work at this store now.', p_technician_id),
            'Pick a technician of this store, or one on loan to it today.');
    END IF;
    SELECT bool_or(terminal.bay_accepts(bkind, st.bay_kind)), string_agg(DISTINCT st.bay_kind, ', '),
           string_agg(DISTINCT st.skill, ', ') FILTER (WHERE NOT (st.skill = ANY (tskills)))
    INTO fits, kinds, missing
    FROM work_order_item i JOIN service_type st ON st.id = i.service_type_id WHERE i.work_order_id = w.id;
    IF NOT fits THEN
        PERFORM terminal._fail('AS409', format('Bay %s is a %s bay; this job needs a %s bay.', p_bay_id,
            bkind, kinds), 'Pick a bay of the kind the job needs.');
    END IF;
    IF missing IS NOT NULL THEN
        PERFORM terminal._fail('AS409', format('Technician %s lacks the skill %s for this job.', p_technician_id,
            missing), 'Pick a technician with the skill, or split the job.');
    END IF;
    BEGIN
        INSERT INTO job (work_order_id, store_id, bay_id, technician_id, period, status)
        VALUES (w.id, w.store_id, p_bay_id, p_technician_id, tstzrange(v_at, NULL), 'active');
    EXCEPTION WHEN exclusion_violation THEN
        IF SQLERRM LIKE '%job_bay_no_overlap%' THEN
            PERFORM terminal._fail('AS409', format('Bay %s is busy with another job at %s.', p_bay_id, v_at),
                'Finish the job on that bay first, or pick a free bay.');
        END IF;
        PERFORM terminal._fail('AS409', format('Technician %s is busy with another job at %s.', p_technician_id,
            v_at), 'Finish the technician''s current job first, or pick another technician.');
    END;
    UPDATE work_order SET status = 'in_service', started_at = v_at WHERE id = w.id;
    PERFORM terminal._event(w, 'in_service', v_at, v_actor, p_event_id);
    PERFORM terminal._touch(w.store_id, v_at);
    PERFORM terminal._notify(w.store_id, 'workorder');
    RETURN w.id;
END $$;

-- finish_job: the technician finishes; the vehicle goes to quality check, on the same bay unless p_qc_bay_id
-- names another (a wash/QC bay), which stays occupied until the check is done.
CREATE FUNCTION terminal.finish_job(
    p_event_id uuid, p_work_order_id bigint, p_actor text DEFAULT NULL, p_at timestamptz DEFAULT NULL,
    p_qc_bay_id integer DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    w work_order;
    prior bigint;
    v_at timestamptz := terminal._check_time(p_at);
    v_actor text := terminal._actor(coalesce(p_actor, 'terminal'));
    service_bay integer;
    service_end timestamptz;
BEGIN
    w := terminal._work_order(p_work_order_id);
    prior := terminal._claim(p_event_id, w.store_id, 'finish_job',
        concat_ws('|', p_work_order_id, p_actor, p_at, p_qc_bay_id));
    IF prior IS NOT NULL THEN RETURN prior; END IF;
    IF w.status <> 'in_service' THEN
        PERFORM terminal._fail('AS409', format('Work order %s is %s, not in service; it cannot be finished.',
            w.id, w.status), 'Start the job first, or refresh: it may be finished already.');
    END IF;
    IF v_at < w.started_at THEN
        PERFORM terminal._fail('AS422', format('Work order %s cannot finish (%s) before it started (%s).', w.id,
            v_at, w.started_at), 'Check the terminal''s clock.');
    END IF;
    UPDATE job SET period = tstzrange(lower(period), greatest(v_at, lower(period) + interval '1 microsecond')),
                   status = 'done'
    WHERE work_order_id = w.id AND status = 'active' AND kind = 'service'
    RETURNING bay_id, upper(period) INTO service_bay, service_end;
    IF p_qc_bay_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM bay WHERE id = p_qc_bay_id AND store_id = w.store_id AND active) THEN
        PERFORM terminal._fail('AS404', format('Bay %s is not a bay of this store.', p_qc_bay_id),
            'Pick the quality-check bay from the store''s board, or leave it out.');
    END IF;
    BEGIN
        INSERT INTO job (work_order_id, store_id, bay_id, technician_id, kind, period, status)
        VALUES (w.id, w.store_id, coalesce(p_qc_bay_id, service_bay), NULL, 'qc',
                tstzrange(greatest(v_at, service_end), NULL), 'active');
    EXCEPTION WHEN exclusion_violation THEN
        PERFORM terminal._fail('AS409', format('Bay %s is busy; the quality check cannot start there at %s.',
            coalesce(p_qc_bay_id, service_bay), v_at), 'Finish the check on that bay first, or pick another bay.');
    END;
    UPDATE work_order SET status = 'quality_check', finished_at = v_at WHERE id = w.id;
    PERFORM terminal._event(w, 'quality_check', v_at, v_actor, p_event_id);
    PERFORM terminal._touch(w.store_id, v_at);
    PERFORM terminal._notify(w.store_id, 'workorder');
    RETURN w.id;
END $$;

-- set_status: quality check passed (done), handed over and paid (delivered), or cancelled. Never backwards.
CREATE FUNCTION terminal.set_status(
    p_event_id uuid, p_work_order_id bigint, p_status text, p_actor text DEFAULT NULL,
    p_at timestamptz DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    w work_order;
    prior bigint;
    v_at timestamptz := terminal._check_time(p_at);
    v_actor text := terminal._actor(coalesce(p_actor, 'terminal'));
BEGIN
    w := terminal._work_order(p_work_order_id);
    prior := terminal._claim(p_event_id, w.store_id, 'set_status',
        concat_ws('|', p_work_order_id, p_status, p_actor, p_at));
    IF prior IS NOT NULL THEN RETURN prior; END IF;
    IF p_status IS NULL OR wo_status_rank(p_status) IS NULL THEN
        PERFORM terminal._fail('AS422', format('The status "%s" is unknown.', p_status),
            'Use done, delivered or cancelled (start_job and finish_job set the others).');
    END IF;
    IF p_status IN ('checked_in', 'in_service', 'quality_check') AND wo_status_rank(p_status) > wo_status_rank(w.status) THEN
        PERFORM terminal._fail('AS422', format('Use terminal.%s to move work order %s to %s.',
            CASE p_status WHEN 'in_service' THEN 'start_job' WHEN 'quality_check' THEN 'finish_job'
                          ELSE 'check_in' END, w.id, p_status),
            'Those steps record the bay, the technician or the time that set_status cannot.');
    END IF;
    IF w.status IN ('delivered', 'cancelled') OR
       (p_status <> 'cancelled' AND wo_status_rank(p_status) <= wo_status_rank(w.status)) THEN
        PERFORM terminal._fail('AS409', format('Work order %s is %s; it cannot go back to %s.', w.id, w.status,
            p_status), 'Status only moves forward. Refresh the terminal to see the current status.');
    END IF;
    IF p_status = 'done' AND w.status <> 'quality_check' THEN
        PERFORM terminal._fail('AS409', format('Work order %s is %s; only a vehicle in quality check can be done.',
            w.id, w.status), 'Finish the job first.');
    END IF;
    IF p_status = 'delivered' AND w.status NOT IN ('quality_check', 'done') THEN
        PERFORM terminal._fail('AS409', format('Work order %s is %s; it cannot be delivered yet.', w.id, w.status),
            'Finish the job and its quality check first.');
    END IF;
    IF v_at < coalesce(w.finished_at, w.started_at, w.checked_in_at) THEN
        PERFORM terminal._fail('AS422', format('The time %s is before the work order''s last step (%s).', v_at,
            coalesce(w.finished_at, w.started_at, w.checked_in_at)), 'Check the terminal''s clock.');
    END IF;
    UPDATE job SET period = tstzrange(lower(period), greatest(v_at, lower(period) + interval '1 microsecond')),
                   status = 'done'
    WHERE work_order_id = w.id AND status = 'active' AND kind = 'qc' AND p_status <> 'cancelled';
    IF p_status = 'cancelled' THEN
        UPDATE job SET status = 'cancelled' WHERE work_order_id = w.id AND status IN ('planned', 'active');
        UPDATE work_order SET status = 'cancelled' WHERE id = w.id;
    ELSIF p_status = 'done' THEN
        UPDATE work_order SET status = 'done', qc_done_at = v_at WHERE id = w.id;
    ELSE
        UPDATE work_order SET status = 'delivered', qc_done_at = coalesce(qc_done_at, v_at), delivered_at = v_at
        WHERE id = w.id;
    END IF;
    PERFORM terminal._event(w, p_status, v_at, v_actor, p_event_id);
    PERFORM terminal._touch(w.store_id, v_at);
    PERFORM terminal._notify(w.store_id, 'workorder');
    RETURN w.id;
END $$;

-- use_part: parts taken from the store's stock for a work order. Stock never goes negative.
CREATE FUNCTION terminal.use_part(
    p_event_id uuid, p_work_order_id bigint, p_part_code text, p_qty integer, p_actor text DEFAULT NULL,
    p_at timestamptz DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    w work_order;
    prior bigint;
    v_at timestamptz := terminal._check_time(p_at);
    p part;
    left_qty integer;
    uid bigint;
BEGIN
    w := terminal._work_order(p_work_order_id);
    prior := terminal._claim(p_event_id, w.store_id, 'use_part',
        concat_ws('|', p_work_order_id, p_part_code, p_qty, p_actor, p_at));
    IF prior IS NOT NULL THEN RETURN prior; END IF;
    PERFORM terminal._actor(coalesce(p_actor, 'terminal'));
    IF p_qty IS NULL OR p_qty <= 0 THEN
        PERFORM terminal._fail('AS422', format('The quantity must be a positive whole number, not %s.', p_qty),
            'To return a part to stock, ask the store manager to correct the stock.');
    END IF;
    IF w.status IN ('delivered', 'cancelled') THEN
        PERFORM terminal._fail('AS409', format('Work order %s is %s; parts can no longer be added.', w.id, w.status),
            'Open a new work order for further work.');
    END IF;
    SELECT * INTO p FROM part WHERE code = p_part_code;
    IF NOT FOUND THEN
        PERFORM terminal._fail('AS404', format('The part "%s" is unknown.', p_part_code),
            'Use a code from the part table.');
    END IF;
    UPDATE stock SET qty = qty - p_qty, updated_at = now()
    WHERE store_id = w.store_id AND part_id = p.id AND qty >= p_qty
    RETURNING qty INTO left_qty;
    IF NOT FOUND THEN
        SELECT qty INTO left_qty FROM stock WHERE store_id = w.store_id AND part_id = p.id;
        PERFORM terminal._fail('AS409', format('Only %s of %s in stock; %s needed.', coalesce(left_qty, 0),
            p.name_zh, p_qty), 'Request a parts transfer from a nearby store.');
    END IF;
    INSERT INTO part_usage (work_order_id, store_id, part_id, qty, used_at, event_id)
    VALUES (w.id, w.store_id, p.id, p_qty, v_at, p_event_id) RETURNING id INTO uid;
    UPDATE work_order SET amount = amount + p.unit_price * p_qty WHERE id = w.id;
    PERFORM terminal._touch(w.store_id, v_at);
    PERFORM terminal._notify(w.store_id, 'stock');
    RETURN uid;
END $$;

-- rate: the customer's rating of a finished work order, 0 to 100 (5 stars = 100). Once per work order.
CREATE FUNCTION terminal.rate(
    p_event_id uuid, p_work_order_id bigint, p_score integer, p_comment text DEFAULT NULL,
    p_at timestamptz DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    w work_order;
    prior bigint;
    v_at timestamptz := terminal._check_time(p_at);
BEGIN
    w := terminal._work_order(p_work_order_id);
    prior := terminal._claim(p_event_id, w.store_id, 'rate', concat_ws('|', p_work_order_id, p_score, p_comment,
        p_at));
    IF prior IS NOT NULL THEN RETURN prior; END IF;
    IF p_score IS NULL OR p_score NOT BETWEEN 0 AND 100 THEN
        PERFORM terminal._fail('AS422', format('The score must be between 0 and 100, not %s.', p_score),
            'Map stars to 0-100: 1 star = 20 ... 5 stars = 100.');
    END IF;
    IF w.status NOT IN ('done', 'delivered') THEN
        PERFORM terminal._fail('AS409', format('Work order %s is %s; it can be rated once it is done.', w.id,
            w.status), 'Ask for the rating after the vehicle is handed over.');
    END IF;
    INSERT INTO rating (work_order_id, store_id, score, comment, rated_at, event_id)
    VALUES (w.id, w.store_id, p_score, p_comment, v_at, p_event_id)
    ON CONFLICT (work_order_id) DO NOTHING;
    IF NOT FOUND THEN
        PERFORM terminal._fail('AS409', format('Work order %s has already been rated.', w.id),
            'A work order takes one rating; send a complaint for anything more.');
    END IF;
    PERFORM terminal._touch(w.store_id, v_at);
    PERFORM terminal._notify(w.store_id, 'rating');
    RETURN w.id;
END $$;

-- complain: a customer's complaint about a store, optionally about one work order.
CREATE FUNCTION terminal.complain(
    p_event_id uuid, p_store_id integer, p_text text, p_work_order_id bigint DEFAULT NULL,
    p_at timestamptz DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    s store := terminal._store(p_store_id);
    prior bigint := terminal._claim(p_event_id, p_store_id, 'complain',
        concat_ws('|', p_store_id, p_text, p_work_order_id, p_at));
    v_at timestamptz := terminal._check_time(p_at);
    cid bigint;
BEGIN
    IF prior IS NOT NULL THEN RETURN prior; END IF;
    IF p_text IS NULL OR length(trim(p_text)) = 0 THEN
        PERFORM terminal._fail('AS422', 'The complaint text is empty.', 'Write what went wrong.');
    END IF;
    IF p_work_order_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM work_order WHERE id = p_work_order_id AND store_id = s.id) THEN
        PERFORM terminal._fail('AS404', format('Work order %s is not a work order of store %s.', p_work_order_id,
            s.code), 'Check the work order number, or leave it out.');
    END IF;
    INSERT INTO complaint (store_id, work_order_id, text, created_at, event_id)
    VALUES (s.id, p_work_order_id, trim(p_text), v_at, p_event_id) RETURNING id INTO cid;
    PERFORM terminal._touch(s.id, v_at);
    PERFORM terminal._notify(s.id, 'complaint');
    RETURN cid;
END $$;

-- Terminals get the functions and nothing else: they cannot write tables directly.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aftersales_terminal') THEN
        CREATE ROLE aftersales_terminal NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'cannot create role aftersales_terminal; ask the DBA to create it and rerun the grants';
END $$;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA terminal FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aftersales_terminal') THEN
        GRANT USAGE ON SCHEMA terminal, public TO aftersales_terminal;
        GRANT EXECUTE ON FUNCTION terminal.heartbeat(text, integer, timestamptz),
            terminal.book(uuid, integer, text, text[], timestamptz, text, text, text, integer),
            terminal.check_in(uuid, integer, text, text[], bigint, text, timestamptz, text, text),
            terminal.start_job(uuid, bigint, integer, integer, text, timestamptz),
            terminal.finish_job(uuid, bigint, text, timestamptz, integer),
            terminal.set_status(uuid, bigint, text, text, timestamptz),
            terminal.use_part(uuid, bigint, text, integer, text, timestamptz),
            terminal.rate(uuid, bigint, integer, text, timestamptz),
            terminal.complain(uuid, integer, text, bigint, timestamptz)
            TO aftersales_terminal;
        GRANT SELECT ON store, bay, technician, service_type, part TO aftersales_terminal;
    END IF;
END $$;
