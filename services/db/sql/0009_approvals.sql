-- Transfer requests and their approval: parts transfers, technician loans and referrals between stores, routed to
-- the right inbox, decided exactly once, applied atomically, audited. Documented in docs/approvals.md.
--
-- * Routing: a request between two stores of one region waits in that region's inbox ('region:<code>'), one across
--   regions in head office's ('hq'). A trigger sets transfer_request.inbox; nobody chooses it.
-- * One open request per move: a partial unique index over (kind, from, to, part / technician / booking) of the
--   pending requests; a referral of one booking is open once whatever the target. submit() skips duplicates,
--   request() returns the open request when the same one is asked again (a double click, a retry).
-- * Decisions: exactly one wins. The resources a decision touches are locked first in one global order (stock rows
--   by (store_id, part_id), then technicians by id, then bookings by id), then the request row by a conditional
--   UPDATE ... WHERE status = 'pending'. The winner flips pending -> approved -> applied and applies the effect in
--   the same transaction; the loser finds the row no longer pending: AS409 with DETAIL 'decided'. A retry by the
--   winner himself (same login, same decision) returns the state instead of an error, so a retry after a lost
--   connection is harmless.
-- * An approval whose effect cannot apply (the source has fewer parts than asked, the technician is already lent
--   or has planned jobs, the booking is no longer open or the target store has no free pair) is refused: AS409
--   with DETAIL 'cannot_apply' and one sentence, and nothing changes — the request stays pending, so the approver
--   may reject it with that reason, or approve again once the stock is back. stock.qty >= 0 is a CHECK anyway.
-- * Every request, decision and withdrawal writes audit_log (entity 'transfer_request') and sends one NOTIFY per
--   transaction of kind 'inbox' for both stores (plus 'stock', 'plan' or 'booking' for what an approval changed).
-- Error codes as in the terminal contract (0002): AS403 not yours to decide, AS404 unknown, AS409 conflict with
-- the current state, AS422 invalid input.

ALTER TABLE transfer_request
    ADD COLUMN inbox              text CHECK (inbox ~ '^(hq|region:[A-Z]+)$'),
    ADD COLUMN run_id             bigint,  -- the rebalancing run that proposed it (0010 adds the run table)
    ADD COLUMN requested_store_id integer REFERENCES store (id);

CREATE FUNCTION transfer_inbox(p_from integer, p_to integer) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN a.region_id = b.region_id THEN 'region:' || r.code ELSE 'hq' END
    FROM store a, store b, region r WHERE a.id = p_from AND b.id = p_to AND r.id = a.region_id
$$;

CREATE FUNCTION transfer_request_route() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.inbox := transfer_inbox(NEW.from_store_id, NEW.to_store_id);
    RETURN NEW;
END $$;
CREATE TRIGGER transfer_request_route BEFORE INSERT OR UPDATE OF from_store_id, to_store_id ON transfer_request
    FOR EACH ROW EXECUTE FUNCTION transfer_request_route();

UPDATE transfer_request SET inbox = transfer_inbox(from_store_id, to_store_id);
UPDATE transfer_request SET requested_store_id = CASE WHEN kind = 'referral' THEN from_store_id ELSE to_store_id END;
ALTER TABLE transfer_request ALTER COLUMN inbox SET NOT NULL;

CREATE UNIQUE INDEX transfer_request_open_ix ON transfer_request (
    kind, from_store_id, to_store_id, coalesce(part_id, 0), coalesce(technician_id, 0), coalesce(booking_id, 0))
    WHERE status = 'pending';
CREATE UNIQUE INDEX transfer_referral_open_ix ON transfer_request (booking_id)
    WHERE status = 'pending' AND kind = 'referral';
CREATE INDEX transfer_inbox_pending_ix ON transfer_request (inbox) WHERE status = 'pending';
CREATE INDEX transfer_request_requested_store_ix ON transfer_request (requested_store_id, requested_at);
-- A technician is never lent twice for overlapping days (the backstop behind the check in approvals._apply).
ALTER TABLE transfer_request ADD CONSTRAINT transfer_loan_no_overlap EXCLUDE USING gist (
    int4range(technician_id, technician_id, '[]') WITH &&, loan_days WITH &&)
    WHERE (kind = 'technician_loan' AND status = 'applied');

ALTER TABLE customer_notice DROP CONSTRAINT customer_notice_kind_check;
ALTER TABLE customer_notice ADD CONSTRAINT customer_notice_kind_check CHECK (kind IN ('come_earlier', 'referral'));

CREATE SCHEMA approvals;

-- The logged-in console user (NULL on the owner's own connections: tools, tests, the rebalancing service's owner).
CREATE FUNCTION approvals._me() RETURNS app_user
LANGUAGE sql STABLE AS $$ SELECT * FROM app_user WHERE db_role = session_user $$;

-- Who acts: a console user is his login whatever he passes; the owner's connections are trusted with p_actor.
CREATE FUNCTION approvals._actor(p_actor text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    u app_user := approvals._me();
BEGIN
    IF u.id IS NULL THEN
        IF p_actor IS NULL OR length(trim(p_actor)) = 0 THEN
            PERFORM terminal._fail('AS422', 'Who makes this change is missing.', 'Pass the user''s login as the actor.');
        END IF;
        RETURN trim(p_actor);
    END IF;
    IF NOT u.active THEN
        PERFORM terminal._fail('AS403', format('The user %s is no longer active.', u.login),
            'Ask head office to reactivate the account.');
    END IF;
    RETURN u.login;
END $$;

-- May the caller see this request? (The same rule as the row-level security policy of 0005.)
CREATE FUNCTION approvals._visible(p_from integer, p_to integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT NOT EXISTS (SELECT 1 FROM app_user WHERE db_role = session_user) OR scope.sees_all()
           OR p_from = ANY (scope.store_ids()) OR p_to = ANY (scope.store_ids())
$$;

-- Is this inbox the caller's to decide? The owner and head office decide anything; a regional manager his region's.
CREATE FUNCTION approvals._may_decide(p_inbox text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT u.id IS NULL OR (u.active AND (u.role = 'hq' OR (u.role = 'region' AND p_inbox = 'region:' || (
               SELECT code FROM region WHERE id = u.region_id))))
    FROM (SELECT (approvals._me()).*) u
$$;

CREATE FUNCTION approvals._store_name(p_store_id integer) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT name_zh FROM store WHERE id = p_store_id $$;

CREATE FUNCTION approvals._km(p_a integer, p_b integer) RETURNS double precision
LANGUAGE sql STABLE AS $$
    SELECT round((2 * 6371 * asin(sqrt(power(sin(radians(b.lat - a.lat) / 2), 2)
               + cos(radians(a.lat)) * cos(radians(b.lat)) * power(sin(radians(b.lon - a.lon) / 2), 2))))::numeric,
               1)::double precision
    FROM store a, store b WHERE a.id = p_a AND b.id = p_b
$$;

CREATE FUNCTION approvals._audit(p_actor text, p_action text, p_id bigint, p_details jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO audit_log (actor, action, entity, entity_id, details)
    VALUES (p_actor, p_action, 'transfer_request', p_id::text, p_details);
$$;

CREATE FUNCTION approvals._notify(p_from integer, p_to integer) RETURNS void
LANGUAGE sql AS $$
    SELECT terminal._notify(p_from, 'inbox'), terminal._notify(p_to, 'inbox');
$$;

-- Validates one proposal and inserts it (ON CONFLICT DO NOTHING: an open duplicate is skipped). Returns the new id,
-- or NULL when an open request for the same move exists. The destination's stock row is created (qty 0) here, so a
-- decision never inserts stock rows and only ever locks existing ones in order.
CREATE FUNCTION approvals._insert(
    p_kind text, p_from integer, p_to integer, p_part_code text, p_qty integer, p_technician_id integer,
    p_loan_from date, p_loan_to date, p_booking_id bigint, p_urgency integer, p_impact jsonb, p_reason text,
    p_reason_en text, p_actor text, p_requested_store_id integer, p_run_id bigint, p_label text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    pid smallint;
    t technician;
    b booking;
    days daterange;
    impact jsonb;
    rid bigint;
    today date := (now() AT TIME ZONE 'Asia/Shanghai')::date;
BEGIN
    IF p_kind IS NULL OR p_kind NOT IN ('parts', 'technician_loan', 'referral') THEN
        PERFORM terminal._fail('AS422', format('%sThe kind "%s" is unknown.', p_label, p_kind),
            'Use parts, technician_loan or referral.');
    END IF;
    PERFORM terminal._store(p_from);
    PERFORM terminal._store(p_to);
    IF p_from = p_to THEN
        PERFORM terminal._fail('AS422', format('%sA store cannot send to itself.', p_label),
            'Pick another store to take from or to send to.');
    END IF;
    IF p_urgency IS NULL OR p_urgency NOT BETWEEN 1 AND 3 THEN
        PERFORM terminal._fail('AS422', format('%sThe urgency must be 1, 2 or 3, not %s.', p_label, p_urgency),
            '1 is urgent, 2 normal, 3 low.');
    END IF;
    impact := coalesce(p_impact, '{}') || jsonb_build_object('distance_km', approvals._km(p_from, p_to));
    IF p_reason IS NOT NULL AND length(trim(p_reason)) > 0 THEN
        impact := impact || jsonb_build_object('reason', trim(p_reason));
    END IF;
    IF p_reason_en IS NOT NULL AND length(trim(p_reason_en)) > 0 THEN
        impact := impact || jsonb_build_object('reason_en', trim(p_reason_en));
    END IF;
    IF p_kind = 'parts' THEN
        SELECT id INTO pid FROM part WHERE code = p_part_code;
        IF pid IS NULL THEN
            PERFORM terminal._fail('AS404', format('%sThe part "%s" is unknown.', p_label, p_part_code),
                'Use a code from the parts list.');
        END IF;
        IF p_qty IS NULL OR p_qty <= 0 THEN
            PERFORM terminal._fail('AS422', format('%sThe quantity must be a positive whole number, not %s.',
                p_label, p_qty), 'Ask for at least one.');
        END IF;
        impact := impact || jsonb_build_object('value_yuan', (SELECT unit_price * p_qty FROM part WHERE id = pid));
        INSERT INTO stock (store_id, part_id, qty) VALUES (p_to, pid, 0) ON CONFLICT DO NOTHING;
    ELSIF p_kind = 'technician_loan' THEN
        SELECT * INTO t FROM technician WHERE id = p_technician_id;
        IF t.id IS NULL OR NOT t.active THEN
            PERFORM terminal._fail('AS404', format('%sTechnician %s is unknown or no longer active.', p_label,
                p_technician_id), 'Pick a technician of the lending store.');
        END IF;
        IF t.home_store_id <> p_from THEN
            PERFORM terminal._fail('AS422', format('%sTechnician %s works at %s, not at the lending store.', p_label,
                t.name, approvals._store_name(t.home_store_id)), 'Ask his own store to lend him.');
        END IF;
        IF p_loan_from IS NULL OR p_loan_to IS NULL OR p_loan_to < p_loan_from THEN
            PERFORM terminal._fail('AS422', format('%sA loan needs a first and a last day, the last not before the '
                'first.', p_label), 'Pick the days the technician is needed.');
        END IF;
        IF p_loan_from < today THEN
            PERFORM terminal._fail('AS422', format('%sThe loan would start in the past (%s).', p_label, p_loan_from),
                'Pick days from today on.');
        END IF;
        IF p_loan_to - p_loan_from > 30 THEN
            PERFORM terminal._fail('AS422', format('%sA loan is at most 31 days, not %s.', p_label,
                p_loan_to - p_loan_from + 1), 'Ask for a transfer of the technician instead.');
        END IF;
        days := daterange(p_loan_from, p_loan_to, '[]');
    ELSE
        SELECT * INTO b FROM booking WHERE id = p_booking_id;
        IF b.id IS NULL THEN
            PERFORM terminal._fail('AS404', format('%sBooking %s is unknown.', p_label, p_booking_id),
                'Check the booking number.');
        END IF;
        IF b.store_id <> p_from THEN
            PERFORM terminal._fail('AS422', format('%sBooking %s is for %s, not for the referring store.', p_label,
                b.id, approvals._store_name(b.store_id)), 'Refer the booking from the store it is booked at.');
        END IF;
        IF b.status <> 'booked' THEN
            PERFORM terminal._fail('AS409', format('%sBooking %s is already %s; it cannot be referred.', p_label, b.id,
                replace(b.status, '_', ' ')), 'Refer bookings that have not arrived yet.');
        END IF;
    END IF;
    INSERT INTO transfer_request (kind, from_store_id, to_store_id, part_id, qty, technician_id, loan_days,
                                  booking_id, impact, urgency, requested_by, requested_store_id, run_id)
    VALUES (p_kind, p_from, p_to, CASE WHEN p_kind = 'parts' THEN pid END,
            CASE WHEN p_kind = 'parts' THEN p_qty END,
            CASE WHEN p_kind = 'technician_loan' THEN p_technician_id END, days,
            CASE WHEN p_kind = 'referral' THEN p_booking_id END, impact, p_urgency, p_actor,
            coalesce(p_requested_store_id, CASE WHEN p_kind = 'referral' THEN p_from ELSE p_to END), p_run_id)
    ON CONFLICT DO NOTHING
    RETURNING id INTO rid;
    IF rid IS NOT NULL THEN
        PERFORM approvals._audit(p_actor, CASE WHEN p_run_id IS NULL THEN 'request' ELSE 'propose' END, rid,
            jsonb_build_object('kind', p_kind, 'from', p_from, 'to', p_to, 'part', p_part_code, 'qty', p_qty,
                               'technician_id', p_technician_id, 'loan_days', days::text, 'booking_id', p_booking_id,
                               'run_id', p_run_id, 'impact', impact));
        PERFORM approvals._notify(p_from, p_to);
    END IF;
    RETURN rid;
END $$;

-- The open request for the same move (what a duplicate request finds).
CREATE FUNCTION approvals._open_duplicate(p_kind text, p_from integer, p_to integer, p_part_code text,
                                          p_technician_id integer, p_booking_id bigint)
RETURNS transfer_request LANGUAGE sql STABLE AS $$
    SELECT r.* FROM transfer_request r
    WHERE r.status = 'pending' AND r.kind = p_kind AND (
        (p_kind = 'referral' AND r.booking_id = p_booking_id)
        OR (p_kind <> 'referral' AND r.from_store_id = p_from AND r.to_store_id = p_to
            AND coalesce(r.part_id, 0) = coalesce((SELECT id FROM part WHERE code = p_part_code), 0)
            AND coalesce(r.technician_id, 0) = coalesce(p_technician_id, 0)))
    LIMIT 1
$$;

-- request: a person asks in one click. A store's staff ask parts or a technician FOR their store (p_to) and refer a
-- booking FROM their store (p_from); a regional manager for a store of his region; head office for any store.
-- Asking again for the same open move returns the open request when it is the same (a double click, a retry) and
-- says so when it differs.
CREATE FUNCTION approvals.request(
    p_kind text, p_from_store_id integer, p_to_store_id integer, p_part_code text DEFAULT NULL,
    p_qty integer DEFAULT NULL, p_technician_id integer DEFAULT NULL, p_loan_from date DEFAULT NULL,
    p_loan_to date DEFAULT NULL, p_booking_id bigint DEFAULT NULL, p_urgency integer DEFAULT 2,
    p_reason text DEFAULT NULL, p_impact jsonb DEFAULT NULL, p_actor text DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    actor text := approvals._actor(p_actor);
    u app_user := approvals._me();
    asking integer := CASE WHEN p_kind = 'referral' THEN p_from_store_id ELSE p_to_store_id END;
    dup transfer_request;
    rid bigint;
BEGIN
    IF u.id IS NOT NULL AND NOT (scope.sees_all() OR asking = ANY (scope.store_ids())) THEN
        PERFORM terminal._fail('AS403', format('%s cannot ask on behalf of %s.', u.login,
            coalesce(approvals._store_name(asking), asking::text)),
            CASE WHEN p_kind = 'referral' THEN 'Refer customers of your own store.'
                 ELSE 'Ask for parts or technicians for your own store.' END);
    END IF;
    rid := approvals._insert(p_kind, p_from_store_id, p_to_store_id, p_part_code, p_qty, p_technician_id,
                             p_loan_from, p_loan_to, p_booking_id, coalesce(p_urgency, 2), p_impact, p_reason, NULL,
                             actor, asking, NULL, '');
    IF rid IS NOT NULL THEN
        RETURN rid;
    END IF;
    dup := approvals._open_duplicate(p_kind, p_from_store_id, p_to_store_id, p_part_code, p_technician_id,
                                     p_booking_id);
    IF dup.id IS NULL THEN  -- decided between the insert and this look: ask again
        RETURN approvals.request(p_kind, p_from_store_id, p_to_store_id, p_part_code, p_qty, p_technician_id,
                                 p_loan_from, p_loan_to, p_booking_id, p_urgency, p_reason, p_impact, p_actor);
    END IF;
    IF dup.to_store_id <> p_to_store_id OR dup.qty IS DISTINCT FROM (CASE WHEN p_kind = 'parts' THEN p_qty END)
       OR dup.loan_days IS DISTINCT FROM (CASE WHEN p_kind = 'technician_loan'
                                          THEN daterange(p_loan_from, p_loan_to, '[]') END) THEN
        PERFORM terminal._fail('AS409', format('Request %s for the same move is still waiting for a decision.',
            dup.id), 'Withdraw it first, or wait for its decision.');
    END IF;
    RETURN dup.id;
END $$;

-- submit: the rebalancing service hands over its proposals in one call. p_proposals: a JSON array of
-- {kind, from_store_id, to_store_id, part_code?, qty?, technician_id?, loan_from?, loan_to?, booking_id?, urgency?,
-- impact?, reason?, reason_en?}. Proposals for a move that already has an open request are skipped; an invalid
-- proposal refuses the whole call (AS422 naming it) and nothing is stored. Returns the ids created, in the order
-- the rows were inserted (sorted by the unique key, so that two concurrent submits never deadlock).
CREATE FUNCTION approvals.submit(p_proposals jsonb, p_run_id bigint DEFAULT NULL, p_actor text DEFAULT NULL)
RETURNS bigint[] LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    actor text := approvals._actor(p_actor);
    u app_user := approvals._me();
    it record;
    rid bigint;
    ids bigint[] := '{}';
    n integer := 0;
    ok boolean;
BEGIN
    -- The rebalancing runs under the login of whichever console claimed the run (0010): any console user may hand
    -- over the proposals of a run he claimed; without a run, only head office and regional managers propose.
    IF u.id IS NOT NULL AND u.role NOT IN ('hq', 'region') THEN
        IF p_run_id IS NULL OR to_regclass('public.rebalance_run') IS NULL THEN
            ok := false;
        ELSE
            EXECUTE 'SELECT EXISTS (SELECT 1 FROM public.rebalance_run WHERE id = $1 AND claimed_by = $2)'
                INTO ok USING p_run_id, u.login;
        END IF;
        IF NOT ok THEN
            PERFORM terminal._fail('AS403', format('%s may hand over proposals only of a rebalancing run he claimed.',
                u.login), 'Ask for parts or technicians with a request instead.');
        END IF;
    END IF;
    IF p_proposals IS NULL OR jsonb_typeof(p_proposals) <> 'array' THEN
        PERFORM terminal._fail('AS422', 'The proposals must be a JSON array.', 'Send a list of proposals.');
    END IF;
    FOR it IN
        SELECT x.*, o.n AS pos
        FROM jsonb_array_elements(p_proposals) WITH ORDINALITY AS o(p, n),
             jsonb_to_record(o.p) AS x(kind text, from_store_id integer, to_store_id integer, part_code text,
                                       qty integer, technician_id integer, loan_from date, loan_to date,
                                       booking_id bigint, urgency integer, impact jsonb, reason text, reason_en text)
        ORDER BY x.kind, x.from_store_id, x.to_store_id, x.part_code, x.technician_id, x.booking_id, o.n
    LOOP
        rid := approvals._insert(it.kind, it.from_store_id, it.to_store_id, it.part_code, it.qty, it.technician_id,
                                 it.loan_from, it.loan_to, it.booking_id, coalesce(it.urgency, 2), it.impact,
                                 it.reason, it.reason_en, actor, NULL, p_run_id, format('Proposal %s: ', it.pos));
        IF rid IS NOT NULL THEN
            ids := ids || rid;
        END IF;
        n := n + 1;
    END LOOP;
    RETURN ids;
END $$;

-- Locks what deciding the requests p_ids may touch, in one global order: stock rows by (store_id, part_id), then
-- technicians by id, then bookings by id. Every decision takes these before the request row, so two decisions
-- (single or bulk, in any order of ids) never wait for each other in a circle.
CREATE FUNCTION approvals._lock(p_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM stock k
    WHERE (k.store_id, k.part_id) IN (
        SELECT s, r.part_id FROM transfer_request r, unnest(ARRAY[r.from_store_id, r.to_store_id]) s
        WHERE r.id = ANY (p_ids) AND r.kind = 'parts' AND r.status = 'pending')
    ORDER BY k.store_id, k.part_id FOR NO KEY UPDATE OF k;
    PERFORM 1 FROM technician t
    WHERE t.id IN (SELECT r.technician_id FROM transfer_request r
                   WHERE r.id = ANY (p_ids) AND r.kind = 'technician_loan' AND r.status = 'pending')
    ORDER BY t.id FOR NO KEY UPDATE OF t;
    PERFORM 1 FROM booking b
    WHERE b.id IN (SELECT r.booking_id FROM transfer_request r
                   WHERE r.id = ANY (p_ids) AND r.kind = 'referral' AND r.status = 'pending')
    ORDER BY b.id FOR NO KEY UPDATE OF b;
END $$;

CREATE FUNCTION approvals._cannot(msg text, hint text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', msg USING ERRCODE = 'AS409', DETAIL = 'cannot_apply', HINT = hint;
END $$;

-- Applies an approved request (rows already locked). Returns what changed, for the audit log; any refusal raises
-- AS409 'cannot_apply' and the caller's transaction (or subtransaction) leaves everything as it was.
CREATE FUNCTION approvals._apply(r transfer_request, p_actor text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    p part;
    src stock;
    dst stock;
    t technician;
    b booking;
    d date;
    moved jsonb;
    created jsonb := '[]';
    other record;
    s store;
    start timestamptz;
    dur interval;
    need record;
    cand record;
    res_id bigint;
    old_res jsonb;
    today date := (now() AT TIME ZONE 'Asia/Shanghai')::date;
BEGIN
    IF r.kind = 'parts' THEN
        SELECT * INTO p FROM part WHERE id = r.part_id;
        SELECT * INTO src FROM stock WHERE store_id = r.from_store_id AND part_id = r.part_id;
        IF coalesce(src.qty, 0) < r.qty THEN
            PERFORM approvals._cannot(format('%s has only %s of %s left; %s were asked. Nothing was moved.',
                approvals._store_name(r.from_store_id), coalesce(src.qty, 0), p.name_zh, r.qty),
                'Reject the request with this reason, or ask a store that has them.');
        END IF;
        INSERT INTO stock (store_id, part_id, qty) VALUES (r.to_store_id, r.part_id, 0) ON CONFLICT DO NOTHING;
        SELECT * INTO dst FROM stock WHERE store_id = r.to_store_id AND part_id = r.part_id FOR NO KEY UPDATE;
        UPDATE stock SET qty = qty - r.qty, updated_at = now()
        WHERE store_id = r.from_store_id AND part_id = r.part_id;
        UPDATE stock SET qty = qty + r.qty, updated_at = now()
        WHERE store_id = r.to_store_id AND part_id = r.part_id;
        PERFORM terminal._notify(r.from_store_id, 'stock'), terminal._notify(r.to_store_id, 'stock');
        RETURN jsonb_build_object('part', p.code, 'qty', r.qty,
            'from_stock', jsonb_build_object('before', src.qty, 'after', src.qty - r.qty),
            'to_stock', jsonb_build_object('before', dst.qty, 'after', dst.qty + r.qty));
    ELSIF r.kind = 'technician_loan' THEN
        SELECT * INTO t FROM technician WHERE id = r.technician_id;
        IF NOT t.active OR t.home_store_id <> r.from_store_id THEN
            PERFORM approvals._cannot(format('Technician %s no longer works at %s.', t.name,
                approvals._store_name(r.from_store_id)), 'Reject the request with this reason.');
        END IF;
        IF upper(r.loan_days) <= today THEN
            PERFORM approvals._cannot(format('The loan days (%s to %s) have passed.', lower(r.loan_days),
                upper(r.loan_days) - 1), 'Reject the request; ask again for days to come.');
        END IF;
        SELECT sh.work_date, sh.store_id INTO other FROM shift sh
        WHERE sh.technician_id = t.id AND sh.work_date <@ r.loan_days AND sh.store_id <> r.from_store_id
        ORDER BY sh.work_date LIMIT 1;
        IF other.work_date IS NOT NULL THEN
            PERFORM approvals._cannot(format('Technician %s already works at %s on %s.', t.name,
                approvals._store_name(other.store_id), other.work_date),
                'Reject the request, or lend another technician.');
        END IF;
        SELECT count(*) AS n, min(lower(x.period)) AS at INTO other FROM (
            SELECT rv.period FROM reservation rv WHERE rv.technician_id = t.id AND rv.status = 'held'
              AND (lower(rv.period) AT TIME ZONE 'Asia/Shanghai')::date <@ r.loan_days
            UNION ALL
            SELECT j.period FROM job j WHERE j.technician_id = t.id AND j.status IN ('planned', 'active')
              AND (lower(j.period) AT TIME ZONE 'Asia/Shanghai')::date <@ r.loan_days) x;
        IF other.n > 0 THEN
            PERFORM approvals._cannot(format('Technician %s has %s planned jobs at %s on those days (the first %s).',
                t.name, other.n, approvals._store_name(r.from_store_id),
                to_char(other.at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI')),
                'Re-plan those jobs to other technicians first, then approve again.');
        END IF;
        WITH m AS (
            UPDATE shift SET store_id = r.to_store_id
            WHERE technician_id = t.id AND store_id = r.from_store_id AND work_date <@ r.loan_days
              AND work_date >= today
            RETURNING work_date)
        SELECT coalesce(jsonb_agg(work_date ORDER BY work_date), '[]') INTO moved FROM m;
        -- Days without a shift yet (not planned so far ahead) get one at the receiving store's opening hours.
        SELECT * INTO s FROM store WHERE id = r.to_store_id;
        FOR d IN SELECT g::date FROM generate_series(greatest(lower(r.loan_days), today),
                                                      upper(r.loan_days) - 1, interval '1 day') g
        LOOP
            IF NOT EXISTS (SELECT 1 FROM shift WHERE technician_id = t.id AND work_date = d) THEN
                INSERT INTO shift (technician_id, store_id, work_date, period, break_period)
                VALUES (t.id, s.id, d, tstzrange((d + s.opens_at) AT TIME ZONE 'Asia/Shanghai',
                                                 (d + s.closes_at) AT TIME ZONE 'Asia/Shanghai'),
                        CASE WHEN s.opens_at < time '12:00' AND s.closes_at > time '13:00'
                             THEN tstzrange((d + time '12:00') AT TIME ZONE 'Asia/Shanghai',
                                            (d + time '13:00') AT TIME ZONE 'Asia/Shanghai') END);
                created := created || to_jsonb(d);
            END IF;
        END LOOP;
        PERFORM terminal._notify(r.from_store_id, 'plan'), terminal._notify(r.to_store_id, 'plan');
        RETURN jsonb_build_object('technician_id', t.id, 'technician', t.name, 'loan_days', r.loan_days::text,
            'shifts_moved', moved, 'shifts_created', created);
    ELSE
        SELECT * INTO b FROM booking WHERE id = r.booking_id;
        IF b.store_id <> r.from_store_id OR b.status <> 'booked' THEN
            PERFORM approvals._cannot(format('Booking %s is no longer an open booking at %s.', b.id,
                approvals._store_name(r.from_store_id)), 'Reject the request: the customer arrived or cancelled.');
        END IF;
        start := coalesce((r.impact ->> 'slot_start')::timestamptz, lower(b.slot));
        dur := upper(b.slot) - lower(b.slot);
        IF start < now() - interval '5 minutes' THEN
            PERFORM approvals._cannot(format('Booking %s was for %s, which has passed.', b.id, booking._hhmm(start)),
                'Reject the request.');
        END IF;
        need := booking._needs(b.service_codes);
        SELECT coalesce(jsonb_agg(jsonb_build_array(rv.id, rv.bay_id, rv.technician_id)), '[]') INTO old_res
        FROM reservation rv WHERE rv.booking_id = b.id AND rv.status = 'held';
        UPDATE reservation SET status = 'released', updated_by = p_actor WHERE booking_id = b.id AND status = 'held';
        UPDATE booking SET store_id = r.to_store_id, slot = tstzrange(start, start + dur) WHERE id = b.id;
        FOR cand IN
            SELECT bb.id AS bay, t2.id AS tech
            FROM bay bb CROSS JOIN technician t2
            JOIN shift sh ON sh.technician_id = t2.id AND sh.store_id = r.to_store_id
                         AND sh.period @> tstzrange(start, start + dur)
            WHERE bb.store_id = r.to_store_id AND bb.active AND terminal.bay_accepts(bb.kind, need.kind)
              AND t2.active AND t2.skills @> need.skills
              AND (booking.pair_refusal(r.to_store_id, bb.id, t2.id, start, start + dur, need.kind,
                                        need.skills)).reason IS NULL
            ORDER BY (bb.kind = need.kind) DESC, cardinality(t2.skills), t2.id, bb.id
        LOOP
            BEGIN
                INSERT INTO reservation (store_id, booking_id, bay_id, technician_id, period, promised, updated_by)
                VALUES (r.to_store_id, b.id, cand.bay, cand.tech, tstzrange(start, start + dur), true, p_actor)
                RETURNING id INTO res_id;
                EXIT;
            EXCEPTION WHEN exclusion_violation THEN
                NULL;  -- taken a moment ago: try the next pair
            END;
        END LOOP;
        IF res_id IS NULL THEN
            PERFORM approvals._cannot(format('%s has no free bay and technician at %s for booking %s any more.',
                approvals._store_name(r.to_store_id), booking._hhmm(start), b.id),
                'Reject the request, or refer the customer to another store.');
        END IF;
        INSERT INTO customer_notice (store_id, booking_id, kind, old_start, new_start, message)
        VALUES (r.to_store_id, b.id, 'referral', lower(b.slot), start,
                format('您的预约已转到 %s（%s），时间 %s，请按时到店。', approvals._store_name(r.to_store_id),
                       (SELECT city_zh FROM store WHERE id = r.to_store_id), booking._hhmm(start)));
        PERFORM terminal._notify(r.from_store_id, 'booking'), terminal._notify(r.to_store_id, 'booking');
        RETURN jsonb_build_object('booking_id', b.id, 'from_slot', lower(b.slot), 'to_slot', start,
            'released_reservations', old_res, 'reservation_id', res_id);
    END IF;
END $$;

-- Decides one request whose resources are locked. Returns the final status (applied | rejected).
CREATE FUNCTION approvals._decide(p_id bigint, p_approve boolean, p_comment text, p_actor text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r transfer_request;
    cur transfer_request;
    what jsonb;
    comment text := nullif(trim(p_comment), '');
BEGIN
    SELECT * INTO cur FROM transfer_request WHERE id = p_id;
    IF cur.id IS NULL OR NOT approvals._visible(cur.from_store_id, cur.to_store_id) THEN
        PERFORM terminal._fail('AS404', format('Request %s is unknown.', p_id), 'Refresh the inbox.');
    END IF;
    IF NOT approvals._may_decide(cur.inbox) THEN
        PERFORM terminal._fail('AS403', format('Request %s waits for %s; %s may not decide it.', p_id,
            CASE WHEN cur.inbox = 'hq' THEN 'head office' ELSE 'the manager of region '
                 || substr(cur.inbox, 8) END, p_actor), 'Leave it to them.');
    END IF;
    IF p_approve IS NULL THEN
        PERFORM terminal._fail('AS422', 'Say whether to approve or reject.', 'Approve or reject the request.');
    END IF;
    UPDATE transfer_request SET status = CASE WHEN p_approve THEN 'approved' ELSE 'rejected' END,
        decided_by = p_actor, decided_at = now(), decision_comment = comment
    WHERE id = p_id AND status = 'pending'
    RETURNING * INTO r;
    IF r.id IS NULL THEN
        SELECT * INTO cur FROM transfer_request WHERE id = p_id;
        IF cur.decided_by = p_actor AND cur.status = (CASE WHEN p_approve THEN 'applied' ELSE 'rejected' END) THEN
            RETURN cur.status;  -- his own decision, retried (a lost connection, a double click): nothing to do
        END IF;
        IF cur.status = 'cancelled' THEN
            RAISE EXCEPTION 'The requester withdrew request % a moment ago.', p_id
                USING ERRCODE = 'AS409', DETAIL = 'decided', HINT = 'Nothing was changed; refresh the inbox.';
        END IF;
        RAISE EXCEPTION 'Someone else decided request % a moment ago (% by %).', p_id,
            replace(cur.status, 'applied', 'approved'), cur.decided_by
            USING ERRCODE = 'AS409', DETAIL = 'decided', HINT = 'Nothing was changed by you; refresh the inbox.';
    END IF;
    IF p_approve THEN
        what := approvals._apply(r, p_actor);
        BEGIN
            UPDATE transfer_request SET status = 'applied', applied_at = now() WHERE id = p_id;
        EXCEPTION WHEN exclusion_violation THEN
            PERFORM approvals._cannot(format('Technician %s is already lent for some of these days.',
                (SELECT name FROM technician WHERE id = r.technician_id)), 'Reject the request, or lend another.');
        END;
        PERFORM approvals._audit(p_actor, 'approve', p_id, jsonb_build_object('comment', comment, 'kind', r.kind,
            'from', r.from_store_id, 'to', r.to_store_id, 'status', 'applied') || what);
    ELSE
        PERFORM approvals._audit(p_actor, 'reject', p_id, jsonb_build_object('comment', comment, 'kind', r.kind,
            'from', r.from_store_id, 'to', r.to_store_id, 'status', 'rejected'));
    END IF;
    PERFORM approvals._notify(r.from_store_id, r.to_store_id);
    RETURN CASE WHEN p_approve THEN 'applied' ELSE 'rejected' END;
END $$;

-- decide: approve (and apply) or reject one request. Returns 'applied' or 'rejected'. Loser of a race: AS409
-- DETAIL 'decided'; an approval that cannot apply: AS409 DETAIL 'cannot_apply', nothing changed.
CREATE FUNCTION approvals.decide(p_request_id bigint, p_approve boolean, p_comment text DEFAULT NULL,
                                 p_actor text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    actor text := approvals._actor(p_actor);
BEGIN
    PERFORM approvals._lock(ARRAY[p_request_id]);
    RETURN approvals._decide(p_request_id, p_approve, p_comment, actor);
END $$;

-- decide_many: the same decision for many requests in one transaction, each on its own (one conflict or refusal
-- does not stop the others). One row per id: the final status, or NULL with the SQLSTATE, DETAIL and sentence.
CREATE FUNCTION approvals.decide_many(p_request_ids bigint[], p_approve boolean, p_comment text DEFAULT NULL,
                                      p_actor text DEFAULT NULL)
RETURNS TABLE (request_id bigint, status text, code text, reason text, message text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    actor text := approvals._actor(p_actor);
    ids bigint[] := ARRAY(SELECT DISTINCT x FROM unnest(coalesce(p_request_ids, '{}')) x WHERE x IS NOT NULL
                          ORDER BY x);
    rid bigint;
    st text;
    msg text;
    det text;
BEGIN
    IF cardinality(ids) > 500 THEN
        PERFORM terminal._fail('AS422', format('At most 500 requests can be decided at once, not %s.',
            cardinality(ids)), 'Select fewer requests.');
    END IF;
    PERFORM approvals._lock(ids);
    FOREACH rid IN ARRAY ids LOOP
        BEGIN
            request_id := rid;
            status := approvals._decide(rid, p_approve, p_comment, actor);
            code := NULL; reason := NULL; message := NULL;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
            IF st NOT LIKE 'AS%' THEN
                RAISE;
            END IF;
            request_id := rid; status := NULL; code := st; reason := nullif(det, ''); message := msg;
        END;
        RETURN NEXT;
    END LOOP;
END $$;

-- cancel: the requester (or a colleague of the requesting store) withdraws a request still waiting.
CREATE FUNCTION approvals.cancel(p_request_id bigint, p_actor text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    actor text := approvals._actor(p_actor);
    u app_user := approvals._me();
    r transfer_request;
BEGIN
    SELECT * INTO r FROM transfer_request WHERE id = p_request_id;
    IF r.id IS NULL OR NOT approvals._visible(r.from_store_id, r.to_store_id) THEN
        PERFORM terminal._fail('AS404', format('Request %s is unknown.', p_request_id), 'Refresh your requests.');
    END IF;
    IF u.id IS NOT NULL AND r.requested_by <> actor AND NOT r.requested_store_id = ANY (scope.store_ids())
       AND NOT scope.sees_all() THEN
        PERFORM terminal._fail('AS403', format('Only the requester may withdraw request %s.', r.id),
            'Reject it instead if it is yours to decide.');
    END IF;
    UPDATE transfer_request SET status = 'cancelled', decided_by = actor, decided_at = now()
    WHERE id = r.id AND status = 'pending' RETURNING * INTO r;
    IF r.id IS NULL THEN
        SELECT * INTO r FROM transfer_request WHERE id = p_request_id;
        IF r.status = 'cancelled' AND r.decided_by = actor THEN
            RETURN r.status;  -- withdrawn already by him: a retry
        END IF;
        RAISE EXCEPTION 'Request % was % a moment ago; it can no longer be withdrawn.', r.id,
            replace(r.status, 'applied', 'approved and applied')
            USING ERRCODE = 'AS409', DETAIL = 'decided', HINT = 'Refresh your requests.';
    END IF;
    PERFORM approvals._audit(actor, 'cancel', r.id, jsonb_build_object('status', 'cancelled'));
    PERFORM approvals._notify(r.from_store_id, r.to_store_id);
    RETURN 'cancelled';
END $$;

-- The requests as the inbox shows them, with names the caller may not read directly (the other store, the part, the
-- lent technician), filtered by the same visibility as the row-level security policy. `for_me`: waiting in the
-- caller's inbox (head office: 'hq'; a regional manager: his region's; the owner: all); `mine`: asked by the
-- caller or for his store.
CREATE VIEW approvals.request_view AS
    SELECT r.id, r.kind, r.status, r.from_store_id, fs.name_zh AS from_store, fs.name_en AS from_store_en,
           r.to_store_id, ts.name_zh AS to_store, ts.name_en AS to_store_en, p.code AS part_code,
           p.name_zh AS part_name, p.name_en AS part_name_en, r.qty, r.technician_id, t.name AS technician,
           lower(r.loan_days) AS loan_from, upper(r.loan_days) - 1 AS loan_to, r.booking_id, v.plate,
           r.impact, r.urgency, r.requested_by, r.requested_at, r.requested_store_id, r.decided_by, r.decided_at,
           r.decision_comment, r.applied_at, r.inbox, r.run_id,
           (u.id IS NULL OR (u.role = 'hq' AND r.inbox = 'hq')
            OR (u.role = 'region' AND r.inbox = 'region:' || ur.code)) AS for_me,
           (r.requested_by = u.login OR r.requested_store_id = u.store_id) AS mine
    FROM transfer_request r
    JOIN store fs ON fs.id = r.from_store_id JOIN store ts ON ts.id = r.to_store_id
    LEFT JOIN part p ON p.id = r.part_id LEFT JOIN technician t ON t.id = r.technician_id
    LEFT JOIN booking b ON b.id = r.booking_id LEFT JOIN vehicle v ON v.id = b.vehicle_id
    LEFT JOIN LATERAL (SELECT * FROM app_user WHERE db_role = session_user AND active) u ON true
    LEFT JOIN region ur ON ur.id = u.region_id
    WHERE NOT EXISTS (SELECT 1 FROM app_user WHERE db_role = session_user)
       OR (SELECT scope.sees_all())
       OR r.from_store_id = ANY ((SELECT scope.store_ids())::integer[])
       OR r.to_store_id = ANY ((SELECT scope.store_ids())::integer[]);

-- The badge on the inbox: requests waiting for the caller's decision (a store's staff: their store's own requests
-- still waiting).
CREATE FUNCTION approvals.pending_count() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT count(*)::integer FROM approvals.request_view v
    WHERE v.status = 'pending' AND (v.for_me OR ((approvals._me()).role = 'store' AND v.mine))
$$;

-- The history of one request from the audit log (requested, decided, applied, withdrawn), oldest first.
CREATE FUNCTION approvals.history(p_request_id bigint)
RETURNS TABLE (at timestamptz, actor text, action text, details jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT a.at, a.actor, a.action, a.details FROM audit_log a
    WHERE a.entity = 'transfer_request' AND a.entity_id = p_request_id::text
      AND EXISTS (SELECT 1 FROM transfer_request r WHERE r.id = p_request_id
                  AND approvals._visible(r.from_store_id, r.to_store_id))
    ORDER BY a.at, a.id
$$;

-- Stock figures of one part at the active stores within p_max_km of a store, nearest first, for "who can give me
-- this part": quantity, reorder level and the average daily use over the 28 days before p_at (or before the
-- store's last use when it has none in that window). Only figures, never customers or work orders; any console
-- user may ask for his own store (RLS hides other stores' stock from a store's staff).
CREATE FUNCTION approvals.part_sources(p_store_id integer, p_part_code text, p_max_km double precision DEFAULT 80,
                                       p_at timestamptz DEFAULT NULL)
RETURNS TABLE (store_id integer, code text, name_zh text, name_en text, km double precision, on_hand integer,
               reorder_level integer, daily_use double precision)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
#variable_conflict use_column
DECLARE
    s store;
    pid smallint;
    u app_user := approvals._me();
    at timestamptz := coalesce(p_at, now());
BEGIN
    SELECT * INTO s FROM store WHERE id = p_store_id;
    IF s.id IS NULL THEN
        PERFORM terminal._fail('AS404', format('Store %s is unknown.', p_store_id), 'Pick a store of the network.');
    END IF;
    IF u.id IS NOT NULL AND NOT (scope.sees_all() OR p_store_id = ANY (scope.store_ids())) THEN
        PERFORM terminal._fail('AS403', format('Store %s is outside the scope of %s.', p_store_id, u.login),
            'Look for parts for your own store.');
    END IF;
    SELECT id INTO pid FROM part WHERE part.code = p_part_code;
    IF pid IS NULL THEN
        PERFORM terminal._fail('AS404', format('The part "%s" is unknown.', p_part_code),
            'Use a code from the parts list.');
    END IF;
    RETURN QUERY
    WITH near AS (
        SELECT c.store_id, c.code, c.name_zh, c.name_en, c.km
        FROM booking.network_candidates(s.lat, s.lon, least(greatest(coalesce(p_max_km, 80), 0), 1000), '{}', '{}',
                                        '{}', '{}', 200) c
        WHERE c.store_id <> s.id)
    SELECT n.store_id, n.code, n.name_zh, n.name_en, n.km, k.qty, k.reorder_level,
           coalesce((SELECT sum(pu.qty)::double precision / 28 FROM part_usage pu
                     WHERE pu.store_id = n.store_id AND pu.part_id = pid
                       AND pu.used_at >= w.until - interval '28 days' AND pu.used_at < w.until), 0)
    FROM near n JOIN stock k ON k.store_id = n.store_id AND k.part_id = pid
    CROSS JOIN LATERAL (
        -- the 28 days before p_at, or before the store's last use of the part when it has none since
        SELECT coalesce((SELECT max(pu.used_at) + interval '1 second' FROM part_usage pu
                         WHERE pu.store_id = n.store_id AND pu.part_id = pid AND pu.used_at < at
                           AND pu.used_at < at - interval '28 days'
                           AND NOT EXISTS (SELECT 1 FROM part_usage q WHERE q.store_id = n.store_id
                                             AND q.part_id = pid AND q.used_at >= at - interval '28 days'
                                             AND q.used_at < at)), at) AS until) w
    WHERE k.qty > 0
    ORDER BY n.km, n.store_id;
END $$;

-- Who calls what.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA approvals FROM PUBLIC;
REVOKE ALL ON FUNCTION transfer_inbox(integer, integer) FROM PUBLIC;
GRANT USAGE ON SCHEMA approvals TO aftersales_console;
GRANT SELECT ON approvals.request_view TO aftersales_console;
GRANT EXECUTE ON FUNCTION
    approvals.request(text, integer, integer, text, integer, integer, date, date, bigint, integer, text, jsonb, text),
    approvals.submit(jsonb, bigint, text),
    approvals.decide(bigint, boolean, text, text),
    approvals.decide_many(bigint[], boolean, text, text),
    approvals.cancel(bigint, text),
    approvals.pending_count(),
    approvals.history(bigint),
    approvals.part_sources(integer, text, double precision, timestamptz)
    TO aftersales_console;
