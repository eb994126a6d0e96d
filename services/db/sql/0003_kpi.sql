-- KPIs of DOMAIN.md, defined once, in SQL. kpi.store_days() computes the additive parts of every KPI per store
-- and day from the raw tables; kpi.store_day keeps them for finished days (history does not change), so a
-- 30-day national query reads 18,000 small rows instead of half a million work orders. Today is always
-- computed live. All days are China days (Asia/Shanghai).

CREATE SCHEMA kpi;

CREATE TABLE kpi.store_day (
    store_id            integer NOT NULL REFERENCES store (id),
    day                 date NOT NULL,
    open_bay_min        double precision NOT NULL,
    occupied_bay_min    double precision NOT NULL,
    vehicles            integer NOT NULL,
    completed           integer NOT NULL,
    completed_amount    numeric(14, 2) NOT NULL,
    wait_sum_h          double precision NOT NULL,
    wait_n              integer NOT NULL,
    rating_sum          bigint NOT NULL,
    rating_n            integer NOT NULL,
    cross_store         integer NOT NULL,
    rework              integer NOT NULL,
    technicians_on_duty integer NOT NULL,
    complaints          integer NOT NULL,
    PRIMARY KEY (day, store_id)
);

-- p_until (a clock time) cuts every day at that time: "today so far" against "the same weekday last week,
-- up to the same time". NULL means whole days.
CREATE FUNCTION kpi.store_days(p_from date, p_to date, p_until time DEFAULT NULL)
RETURNS SETOF kpi.store_day
LANGUAGE sql STABLE AS $$
    WITH days AS (
        SELECT s.id AS store_id, d::date AS day,
               ((d::date + s.opens_at) AT TIME ZONE 'Asia/Shanghai') AS open_ts,
               ((d::date + CASE WHEN p_until IS NULL THEN s.closes_at ELSE least(s.closes_at, p_until) END)
                   AT TIME ZONE 'Asia/Shanghai') AS close_ts,
               (SELECT count(*) FROM bay b WHERE b.store_id = s.id AND b.active) AS bays
        FROM store s CROSS JOIN generate_series(p_from, p_to, interval '1 day') d
        WHERE s.active
    ),
    t AS (
        SELECT ((p_from::timestamp) AT TIME ZONE 'Asia/Shanghai') AS t0,
               (((p_to + 1)::timestamp) AT TIME ZONE 'Asia/Shanghai') AS t1
    ),
    occ AS (
        SELECT d.store_id, d.day,
               sum(extract(epoch FROM least(coalesce(upper(j.period), now()), d.close_ts)
                                    - greatest(lower(j.period), d.open_ts)) / 60) AS minutes
        FROM job_all j
        JOIN days d ON d.store_id = j.store_id
                   AND d.day = (lower(j.period) AT TIME ZONE 'Asia/Shanghai')::date
        CROSS JOIN t
        WHERE j.status <> 'cancelled' AND lower(j.period) >= t.t0 AND lower(j.period) < t.t1
          AND lower(j.period) < d.close_ts AND coalesce(upper(j.period), now()) > d.open_ts
        GROUP BY 1, 2
    ),
    arr AS (
        SELECT w.store_id, (w.checked_in_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
               count(*) AS vehicles,
               sum(extract(epoch FROM w.started_at - greatest(w.checked_in_at, w.booked_for)) / 3600)
                   FILTER (WHERE w.started_at IS NOT NULL) AS wait_sum_h,
               count(w.started_at) AS wait_n,
               count(*) FILTER (WHERE w.store_id <> w.requested_store_id) AS cross_store,
               count(*) FILTER (WHERE w.rework_of IS NOT NULL) AS rework
        FROM work_order w CROSS JOIN t
        WHERE w.checked_in_at >= t.t0 AND w.checked_in_at < t.t1 AND w.status <> 'cancelled'
          AND (p_until IS NULL OR (w.checked_in_at AT TIME ZONE 'Asia/Shanghai')::time < p_until)
        GROUP BY 1, 2
    ),
    fin AS (
        SELECT w.store_id, (w.finished_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
               count(*) AS completed, sum(w.amount) AS amount
        FROM work_order w CROSS JOIN t
        WHERE w.finished_at >= t.t0 AND w.finished_at < t.t1 AND w.status IN ('done', 'delivered')
          AND (p_until IS NULL OR (w.finished_at AT TIME ZONE 'Asia/Shanghai')::time < p_until)
        GROUP BY 1, 2
    ),
    rat AS (
        SELECT r.store_id, (r.rated_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
               sum(r.score) AS rating_sum, count(*) AS rating_n
        FROM rating r CROSS JOIN t
        WHERE r.rated_at >= t.t0 AND r.rated_at < t.t1
          AND (p_until IS NULL OR (r.rated_at AT TIME ZONE 'Asia/Shanghai')::time < p_until)
        GROUP BY 1, 2
    ),
    duty AS (
        SELECT sh.store_id, sh.work_date AS day, count(DISTINCT sh.technician_id) AS n
        FROM shift sh
        WHERE sh.work_date BETWEEN p_from AND p_to
        GROUP BY 1, 2
    ),
    comp AS (
        SELECT c.store_id, (c.created_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) AS n
        FROM complaint c CROSS JOIN t
        WHERE c.created_at >= t.t0 AND c.created_at < t.t1
          AND (p_until IS NULL OR (c.created_at AT TIME ZONE 'Asia/Shanghai')::time < p_until)
        GROUP BY 1, 2
    )
    SELECT d.store_id, d.day,
           -- open bay-minutes so far: a day in progress counts only its elapsed opening hours
           (d.bays * greatest(0, extract(epoch FROM least(d.close_ts, now()) - d.open_ts)) / 60)::double precision,
           coalesce(occ.minutes, 0)::double precision,
           coalesce(arr.vehicles, 0)::integer,
           coalesce(fin.completed, 0)::integer,
           coalesce(fin.amount, 0)::numeric(14, 2),
           coalesce(arr.wait_sum_h, 0)::double precision,
           coalesce(arr.wait_n, 0)::integer,
           coalesce(rat.rating_sum, 0)::bigint,
           coalesce(rat.rating_n, 0)::integer,
           coalesce(arr.cross_store, 0)::integer,
           coalesce(arr.rework, 0)::integer,
           coalesce(duty.n, 0)::integer,
           coalesce(comp.n, 0)::integer
    FROM days d
    LEFT JOIN occ USING (store_id, day)
    LEFT JOIN arr USING (store_id, day)
    LEFT JOIN fin USING (store_id, day)
    LEFT JOIN rat USING (store_id, day)
    LEFT JOIN duty USING (store_id, day)
    LEFT JOIN comp USING (store_id, day)
$$;

-- Materialise finished days (never today or later: those are still changing). Returns the rows written.
CREATE FUNCTION kpi.refresh(p_from date, p_to date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    last_day date := least(p_to, (now() AT TIME ZONE 'Asia/Shanghai')::date - 1);
    n integer;
BEGIN
    IF p_from > last_day THEN
        RETURN 0;
    END IF;
    DELETE FROM kpi.store_day WHERE day BETWEEN p_from AND last_day;
    INSERT INTO kpi.store_day SELECT * FROM kpi.store_days(p_from, last_day);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- Every store-day in the range: materialised rows for finished days, live rows for the rest.
CREATE FUNCTION kpi.store_days_fast(p_from date, p_to date)
RETURNS SETOF kpi.store_day
LANGUAGE sql STABLE AS $$
    SELECT * FROM kpi.store_day
    WHERE day BETWEEN p_from AND least(p_to, (now() AT TIME ZONE 'Asia/Shanghai')::date - 1)
    UNION ALL
    SELECT * FROM kpi.store_days(greatest(p_from, (now() AT TIME ZONE 'Asia/Shanghai')::date), p_to)
    WHERE p_to >= (now() AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- Indexes for the time-window scans above.
CREATE INDEX job_start_ix ON job (lower(period));
CREATE INDEX work_order_finished_ix ON work_order (finished_at);
CREATE INDEX rating_rated_ix ON rating (rated_at);
