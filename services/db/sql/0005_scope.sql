-- Who sees what, enforced by PostgreSQL: every control-center user logs in as a PostgreSQL role of their own
-- (app_user.db_role), a member of aftersales_console and of nothing else. Row-level security policies restrict the
-- store-scoped tables to the user's scope: HQ sees everything, a regional manager their region, a store manager
-- their store. The scope is derived from session_user — the role that logged in, which SET ROLE cannot change —
-- so no session variable a user could set himself decides what he sees. RLS does not bind superusers or table
-- owners: the app never connects as either for a user's work.

ALTER TABLE app_user ADD COLUMN db_role text UNIQUE CHECK (db_role ~ '^cc_[a-z0-9_]{1,60}$');

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aftersales_console') THEN
        CREATE ROLE aftersales_console NOLOGIN;
    END IF;
END $$;

CREATE SCHEMA scope;
GRANT USAGE ON SCHEMA scope, public, kpi, terminal TO aftersales_console;

-- The stores the logged-in user may see when not HQ (HQ passes scope.sees_all()). Unknown or inactive users: none.
-- As SECURITY DEFINER the function reads store and app_user as their owner, so the policies do not recurse.
CREATE FUNCTION scope.store_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT coalesce((
        SELECT CASE u.role
            WHEN 'region' THEN (SELECT array_agg(s.id) FROM store s WHERE s.region_id = u.region_id)
            WHEN 'store' THEN ARRAY[u.store_id] END
        FROM app_user u WHERE u.db_role = session_user AND u.active), '{}')
$$;

CREATE FUNCTION scope.sees_all() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT EXISTS (SELECT 1 FROM app_user WHERE db_role = session_user AND active AND role = 'hq')
$$;

-- The logged-in app user (for the window title and the audit log).
CREATE FUNCTION scope.me() RETURNS app_user
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT * FROM app_user WHERE db_role = session_user AND active
$$;

-- (SELECT …) around the calls turns them into init-plans: evaluated once per query, not once per row.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('public', 'store', 'id'), ('public', 'bay', 'store_id'), ('public', 'technician', 'home_store_id'),
        ('public', 'shift', 'store_id'), ('public', 'booking', 'store_id'), ('public', 'work_order', 'store_id'),
        ('public', 'work_order_event', 'store_id'), ('public', 'job', 'store_id'),
        ('public', 'job_archive', 'store_id'), ('public', 'stock', 'store_id'), ('public', 'part_usage', 'store_id'),
        ('public', 'rating', 'store_id'), ('public', 'complaint', 'store_id'), ('public', 'alert', 'store_id'),
        ('public', 'customer', 'home_store_id'), ('public', 'terminal_device', 'store_id'),
        ('kpi', 'store_day', 'store_id'), ('terminal', 'store_activity', 'store_id')
    ) AS v(sch, tab, col)
    LOOP
        EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', t.sch, t.tab);
        EXECUTE format('CREATE POLICY console_scope ON %I.%I FOR SELECT TO aftersales_console USING ('
                       '(SELECT scope.sees_all()) OR %I = ANY ((SELECT scope.store_ids())::integer[]))', t.sch, t.tab, t.col);
        EXECUTE format('GRANT SELECT ON %I.%I TO aftersales_console', t.sch, t.tab);
    END LOOP;
END $$;

-- Tables without a store column follow their parent's visibility.
ALTER TABLE work_order_item ENABLE ROW LEVEL SECURITY;
CREATE POLICY console_scope ON work_order_item FOR SELECT TO aftersales_console
    USING (EXISTS (SELECT 1 FROM work_order w WHERE w.id = work_order_id));
ALTER TABLE vehicle ENABLE ROW LEVEL SECURITY;
CREATE POLICY console_scope ON vehicle FOR SELECT TO aftersales_console
    USING (EXISTS (SELECT 1 FROM customer c WHERE c.id = customer_id));
ALTER TABLE transfer_request ENABLE ROW LEVEL SECURITY;
CREATE POLICY console_scope ON transfer_request FOR SELECT TO aftersales_console
    USING ((SELECT scope.sees_all()) OR from_store_id = ANY ((SELECT scope.store_ids())::integer[])
           OR to_store_id = ANY ((SELECT scope.store_ids())::integer[]));
ALTER TABLE app_user ENABLE ROW LEVEL SECURITY;
CREATE POLICY console_scope ON app_user FOR SELECT TO aftersales_console
    USING ((SELECT scope.sees_all()) OR db_role = session_user);
ALTER TABLE user_login ENABLE ROW LEVEL SECURITY;
CREATE POLICY console_scope ON user_login FOR SELECT TO aftersales_console
    USING ((SELECT scope.sees_all()) OR user_id = (SELECT (scope.me()).id));
GRANT SELECT ON work_order_item, vehicle, transfer_request, app_user, user_login, region, service_type, part,
    app_setting, job_all, job_archive_horizon TO aftersales_console;
GRANT EXECUTE ON FUNCTION kpi.store_days(date, date, time), kpi.store_days_fast(date, date), wo_status_rank(text)
    TO aftersales_console;
GRANT EXECUTE ON FUNCTION scope.store_ids(), scope.sees_all(), scope.me() TO aftersales_console;

-- A user's login, recorded by the app (daily active users). Only ever for oneself.
CREATE FUNCTION scope.record_login(p_client text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    INSERT INTO user_login (user_id, client) SELECT id, left(p_client, 100) FROM app_user
    WHERE db_role = session_user AND active;
$$;
GRANT EXECUTE ON FUNCTION scope.record_login(text) TO aftersales_console;

-- Creates (or re-activates) the PostgreSQL login role of an app user; owner only (needs CREATEROLE).
CREATE FUNCTION scope.ensure_login_role(p_login text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r text := 'cc_' || regexp_replace(lower(p_login), '[^a-z0-9_]', '_', 'g');
BEGIN
    IF NOT EXISTS (SELECT 1 FROM app_user WHERE login = p_login) THEN
        RAISE EXCEPTION 'There is no user "%".', p_login USING ERRCODE = 'AS404';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
        EXECUTE format('CREATE ROLE %I LOGIN INHERIT', r);
    END IF;
    -- Roles are shared by all databases of a server: make an existing one exactly what a console user needs.
    EXECUTE format('ALTER ROLE %I LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS', r);
    IF current_setting('server_version_num')::int >= 160000 THEN
        EXECUTE format('GRANT aftersales_console TO %I WITH INHERIT TRUE', r);
    ELSE
        EXECUTE format('GRANT aftersales_console TO %I', r);
    END IF;
    UPDATE app_user SET db_role = r WHERE login = p_login;
    RETURN r;
END $$;
REVOKE ALL ON FUNCTION scope.ensure_login_role(text) FROM PUBLIC;

-- A region's totals for the KPI comparison of a store with its region ("how am I doing against my region").
-- Store managers cannot read other stores' rows, but their region's aggregate is theirs to compare with:
-- SECURITY DEFINER sums the region's store-days and returns one row of totals, never a store's own figures.
CREATE FUNCTION kpi.region_totals(p_region_code text, p_from date, p_to date)
RETURNS TABLE (stores bigint, open_bay_min double precision, occupied_bay_min double precision, vehicles bigint,
               completed_amount numeric, wait_sum_h double precision, wait_n bigint, rating_sum numeric,
               rating_n bigint, cross_store bigint, rework bigint, technicians_on_duty bigint, complaints bigint,
               store_days bigint, days bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT count(DISTINCT sd.store_id), sum(sd.open_bay_min), sum(sd.occupied_bay_min), sum(sd.vehicles),
           sum(sd.completed_amount), sum(sd.wait_sum_h), sum(sd.wait_n), sum(sd.rating_sum), sum(sd.rating_n),
           sum(sd.cross_store), sum(sd.rework), sum(sd.technicians_on_duty), sum(sd.complaints), count(*),
           count(DISTINCT sd.day)
    FROM kpi.store_days_fast(p_from, p_to) sd
    JOIN store s ON s.id = sd.store_id JOIN region r ON r.id = s.region_id
    WHERE r.code = p_region_code
      AND (NOT EXISTS (SELECT 1 FROM app_user WHERE db_role = session_user)  -- the owner's own tools
           OR scope.sees_all()
           OR EXISTS (SELECT 1 FROM store own WHERE own.id = ANY (scope.store_ids()) AND own.region_id = r.id))
$$;
REVOKE ALL ON FUNCTION kpi.region_totals(text, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kpi.region_totals(text, date, date) TO aftersales_console;
