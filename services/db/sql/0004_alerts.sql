-- Alerts: rules over the live data, evaluated in one set-based pass over all stores, kept in the alert table so
-- every console sees the same state. alerts.evaluate(p_now) raises, escalates and resolves in one transaction
-- and sends one NOTIFY (kind 'alert') per store touched; a complaint raises its alert at once, in the inserting
-- transaction (trigger below). Thresholds are business settings in app_setting 'alert_thresholds', merged over
-- alerts.default_thresholds() so a key added later has a value before anyone saves it.
--
-- Every rule reads the tables "as of p_now" (check-in, start and job times, not current statuses alone) so an
-- evaluation inside the demo history gives what a console would have seen then. The one exception is terminal
-- activity: terminal.store_activity keeps only the last write, so for an earlier p_now the last work-order event
-- before p_now stands in for it.

CREATE SCHEMA alerts;

CREATE FUNCTION alerts.default_thresholds() RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'wait_warning_hours', 1.5,            -- a vehicle waiting, or today's mean wait, this long: warning
        'wait_critical_hours', 2.5,           -- ... this long: critical
        'wait_mean_min_vehicles', 3,          -- today's mean wait counts once this many vehicles have started
        'queue_min_vehicles', 2,              -- "a queue": at least this many vehicles checked in and not started
        'utilization_high_ratio', 0.95,       -- saturated: bay utilization over the recent window at least this
        'utilization_high_window_hours', 2,   -- the recent window
        'utilization_low_ratio', 0.5,         -- today so far at most this share of the store's usual level
        'utilization_low_severe_ratio', 0.25, -- ... at most this share: a collapse
        'utilization_low_min_typical', 0.3,   -- compare only stores whose usual level is at least this
        'utilization_low_min_open_hours', 2,  -- and only after this many hours of opening
        'utilization_low_baseline_weeks', 4,  -- the usual level: the same weekday and time in the last N weeks
        'utilization_low_min_baseline_days', 2,
        'rework_recent_days', 7,
        'rework_baseline_days', 90,
        'rework_z_warning', 3,                -- two-proportion z-score of recent vs baseline rework rate
        'rework_z_critical', 4.5,
        'rework_min_vehicles', 50,            -- minimum counts so that small numbers never fire
        'rework_min_reworks', 3,
        'rework_min_baseline_vehicles', 300,
        'complaint_window_hours', 24,         -- an open complaint received this recently keeps the alert open
        'complaint_critical_count', 3,
        'silent_warning_minutes', 15,         -- a live, open store's terminals silent this long: warning
        'silent_critical_minutes', 60)
$$;

CREATE FUNCTION alerts.thresholds() RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT alerts.default_thresholds()
        || coalesce((SELECT value FROM public.app_setting WHERE key = 'alert_thresholds'), '{}'::jsonb)
$$;

CREATE FUNCTION alerts._rank(p_severity text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_severity WHEN 'info' THEN 1 WHEN 'warning' THEN 2 WHEN 'critical' THEN 3 ELSE 0 END
$$;

CREATE FUNCTION alerts._num(x double precision, digits integer DEFAULT 1) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT round(x::numeric, digits)::text
$$;

CREATE FUNCTION alerts._pct(x double precision) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT round(100 * x::numeric)::text || '%'
$$;

-- One rule's verdict on one store. details always holds 'score', the rule's "how bad" number (higher is worse).
CREATE TYPE alerts.finding AS (store_id integer, kind text, severity text, message text, details jsonb);

-- Complaints: open complaints received in the window. Shared by the evaluation and the complaint trigger, so both
-- say the same thing. Five minutes of look-ahead: terminals may stamp a write up to 5 minutes ahead of the server.
CREATE FUNCTION alerts._complaint_findings(p_now timestamptz, p_t jsonb, p_stores integer[] DEFAULT NULL)
RETURNS SETOF alerts.finding
LANGUAGE sql STABLE AS $$
    SELECT c.store_id, 'complaint',
           CASE WHEN count(*) >= (p_t->>'complaint_critical_count')::float8 THEN 'critical' ELSE 'warning' END,
           format('客户投诉：过去 %s 小时收到 %s 条投诉（最近一条：%s）',
                  alerts._num((p_t->>'complaint_window_hours')::float8, 0), count(*),
                  left((array_agg(c.text ORDER BY c.created_at DESC, c.id DESC))[1], 40)),
           jsonb_build_object('complaints', count(*), 'latest_complaint_id', max(c.id),
                              'latest_at', max(c.created_at),
                              'window_hours', (p_t->>'complaint_window_hours')::float8, 'score', count(*))
    FROM public.complaint c
    JOIN public.store s ON s.id = c.store_id AND s.active
    WHERE c.status = 'open'
      AND c.created_at > p_now - (p_t->>'complaint_window_hours')::float8 * interval '1 hour'
      AND c.created_at <= p_now + interval '5 minutes'
      AND (p_stores IS NULL OR c.store_id = ANY (p_stores))
    GROUP BY c.store_id
$$;

-- Every rule over every store at p_now. Live stores (active, gone live by p_now's day) for the operational rules;
-- complaints for every active store (a complaint is worth an alert whatever the store's rollout state).
CREATE FUNCTION alerts.findings(p_now timestamptz, p_t jsonb DEFAULT NULL)
RETURNS SETOF alerts.finding
LANGUAGE sql STABLE AS $$
WITH t AS (
    SELECT coalesce(p_t, alerts.thresholds()) AS j
),
k AS (
    SELECT (j->>'wait_warning_hours')::float8 AS wait_warn,
           (j->>'wait_critical_hours')::float8 AS wait_crit,
           (j->>'wait_mean_min_vehicles')::float8 AS wait_min_n,
           (j->>'queue_min_vehicles')::float8 AS queue_min,
           (j->>'utilization_high_ratio')::float8 AS high_ratio,
           (j->>'utilization_high_window_hours')::float8 AS high_window_h,
           (j->>'utilization_low_ratio')::float8 AS low_ratio,
           (j->>'utilization_low_severe_ratio')::float8 AS low_severe,
           (j->>'utilization_low_min_typical')::float8 AS low_min_typical,
           (j->>'utilization_low_min_open_hours')::float8 AS low_min_open_h,
           (j->>'utilization_low_baseline_weeks')::numeric::int AS low_weeks,
           (j->>'utilization_low_min_baseline_days')::numeric::int AS low_min_days,
           (j->>'rework_recent_days')::numeric::int AS rw_recent,
           (j->>'rework_baseline_days')::numeric::int AS rw_base,
           (j->>'rework_z_warning')::float8 AS rw_z_warn,
           (j->>'rework_z_critical')::float8 AS rw_z_crit,
           (j->>'rework_min_vehicles')::float8 AS rw_min_n,
           (j->>'rework_min_reworks')::float8 AS rw_min_x,
           (j->>'rework_min_baseline_vehicles')::float8 AS rw_min_base,
           (j->>'silent_warning_minutes')::float8 AS silent_warn,
           (j->>'silent_critical_minutes')::float8 AS silent_crit,
           (p_now AT TIME ZONE 'Asia/Shanghai')::date AS d,
           (p_now AT TIME ZONE 'Asia/Shanghai')::time AS tod,
           ((p_now AT TIME ZONE 'Asia/Shanghai')::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS day_start
    FROM t
),
live AS (
    SELECT s.id AS store_id, s.opens_at,
           (k.d + s.opens_at) AT TIME ZONE 'Asia/Shanghai' AS open_ts,
           (k.d + s.closes_at) AT TIME ZONE 'Asia/Shanghai' AS close_ts,
           (SELECT count(*) FROM public.bay b WHERE b.store_id = s.id AND b.active)::int AS bays
    FROM public.store s, k
    WHERE s.active AND s.go_live_date <= k.d
),
open_now AS (  -- live stores inside today's opening hours at p_now
    SELECT l.*, greatest(l.open_ts, p_now - k.high_window_h * interval '1 hour') AS win_start
    FROM live l, k
    WHERE p_now >= l.open_ts AND p_now < l.close_ts
),
-- Today's work orders as of p_now: who is waiting (checked in, not started), for how long, and today's mean wait
-- of the vehicles that started (the KPI wall's definition: start - max(arrival, booked time)).
wo AS (
    SELECT x.store_id,
           count(*) FILTER (WHERE x.waiting) AS queue,
           max(x.wait_h) FILTER (WHERE x.waiting) AS longest,
           count(*) FILTER (WHERE x.waiting AND x.wait_h >= k.wait_warn) AS over_warn,
           count(*) FILTER (WHERE x.waiting AND x.wait_h >= k.wait_crit) AS over_crit,
           avg(x.waited_h) FILTER (WHERE NOT x.waiting) AS mean_wait,
           count(*) FILTER (WHERE NOT x.waiting) AS started
    FROM (SELECT w.store_id,
                 (w.started_at IS NULL OR w.started_at > p_now) AS waiting,
                 extract(epoch FROM p_now - greatest(w.checked_in_at, w.booked_for)) / 3600 AS wait_h,
                 extract(epoch FROM w.started_at - greatest(w.checked_in_at, w.booked_for)) / 3600 AS waited_h
          FROM public.work_order w, k
          WHERE w.checked_in_at >= k.day_start AND w.checked_in_at <= p_now AND w.status <> 'cancelled') x,
         k
    GROUP BY x.store_id, k.wait_warn, k.wait_crit
),
-- Bay occupation today from opening to p_now, and over the recent window. Planned jobs are not occupation.
occ AS (
    SELECT o.store_id,
           sum(greatest(0, date_part('epoch', least(coalesce(upper(j.period), p_now), p_now, o.close_ts)
                                              - greatest(lower(j.period), o.open_ts)))) / 60 AS occ_today,
           sum(greatest(0, date_part('epoch', least(coalesce(upper(j.period), p_now), p_now)
                                              - greatest(lower(j.period), o.win_start)))) / 60 AS occ_window
    FROM open_now o
    JOIN public.job_all j ON j.store_id = o.store_id
    CROSS JOIN k
    WHERE j.status IN ('active', 'done') AND lower(j.period) >= k.day_start AND lower(j.period) < p_now
    GROUP BY o.store_id
),
util AS (
    SELECT o.store_id, o.bays, coalesce(wo.queue, 0) AS queue,
           extract(epoch FROM p_now - o.open_ts) / 3600 AS open_h,
           extract(epoch FROM p_now - o.win_start) / 3600 AS window_h,
           coalesce(occ.occ_today, 0) / nullif(o.bays * extract(epoch FROM p_now - o.open_ts) / 60, 0) AS today,
           coalesce(occ.occ_window, 0) / nullif(o.bays * extract(epoch FROM p_now - o.win_start) / 60, 0) AS recent
    FROM open_now o
    LEFT JOIN occ USING (store_id)
    LEFT JOIN wo USING (store_id)
),
-- The store's usual level: the same weekday in the last N weeks, from opening to the same time of day, over the
-- days it worked at all in that span. Only for stores open long enough to compare.
base_days AS (
    SELECT (k.d - 7 * g) AS day,
           ((k.d - 7 * g)::timestamp AT TIME ZONE 'Asia/Shanghai') AS t0,
           ((k.d - 7 * g) + k.tod) AT TIME ZONE 'Asia/Shanghai' AS t1
    FROM k, generate_series(1, k.low_weeks) g
),
base_store_day AS MATERIALIZED (
    SELECT o.store_id, bd.day, (bd.day + o.opens_at) AT TIME ZONE 'Asia/Shanghai' AS b_open, bd.t1 AS b_end,
           o.bays * date_part('epoch', bd.t1 - ((bd.day + o.opens_at) AT TIME ZONE 'Asia/Shanghai')) / 60 AS open_min
    FROM open_now o, base_days bd, k
    WHERE p_now - o.open_ts >= k.low_min_open_h * interval '1 hour'
),
base AS (
    SELECT y.store_id, count(*) AS days, sum(y.occ) / nullif(sum(y.open_min), 0) AS typical
    FROM (SELECT b.store_id, b.day, max(b.open_min) AS open_min,
                 sum(greatest(0, date_part('epoch', least(upper(j.period), b.b_end)
                                                    - greatest(lower(j.period), b.b_open)))) / 60 AS occ
          FROM base_days bd
          -- one index range scan per day (OFFSET 0 keeps the planner from flattening this into a hash join over
          -- the whole archive, which its estimates of the CTEs above would make look cheap)
          CROSS JOIN LATERAL (SELECT jj.store_id, jj.period FROM public.job_all jj
                              WHERE lower(jj.period) >= bd.t0 AND lower(jj.period) < bd.t1
                                AND jj.status IN ('active', 'done')
                              OFFSET 0) j
          JOIN base_store_day b ON b.store_id = j.store_id AND b.day = bd.day
          GROUP BY b.store_id, b.day) y
    WHERE y.occ > 0
    GROUP BY y.store_id
),
-- Rework: vehicles and rework visits per store and day, from the KPI rollup for the finished days it holds (kept up
-- to date by housekeeping) and from the work orders for the days after it and for p_now's day up to p_now.
roll AS (
    SELECT coalesce((SELECT max(day) FROM kpi.store_day), DATE '1900-01-01') AS last_day
),
rw_days AS (
    SELECT sd.store_id, sd.day, sd.vehicles::float8 AS vehicles, sd.rework::float8 AS rework
    FROM kpi.store_day sd, k, roll
    WHERE sd.day >= k.d - (k.rw_recent + k.rw_base - 1) AND sd.day <= least(k.d - 1, roll.last_day)
    UNION ALL
    SELECT w.store_id, (w.checked_in_at AT TIME ZONE 'Asia/Shanghai')::date, count(*), count(w.rework_of)
    FROM k, roll, public.work_order w
    WHERE w.checked_in_at >= (greatest(k.d - (k.rw_recent + k.rw_base - 1), least(roll.last_day + 1, k.d))::timestamp
                              AT TIME ZONE 'Asia/Shanghai')
      AND w.checked_in_at <= p_now AND w.status <> 'cancelled'
    GROUP BY 1, 2
),
rw AS (
    SELECT r.store_id,
           sum(r.vehicles) FILTER (WHERE r.day > k.d - k.rw_recent) AS n1,
           sum(r.rework) FILTER (WHERE r.day > k.d - k.rw_recent) AS x1,
           sum(r.vehicles) FILTER (WHERE r.day <= k.d - k.rw_recent) AS n0,
           sum(r.rework) FILTER (WHERE r.day <= k.d - k.rw_recent) AS x0
    FROM rw_days r JOIN live USING (store_id), k
    GROUP BY r.store_id
),
rw_test AS (
    SELECT rw.*, rw.x1 / rw.n1 AS p1, rw.x0 / rw.n0 AS p0,
           -- two-proportion z-test, pooled: is the recent rate above the store's own baseline?
           (rw.x1 / rw.n1 - rw.x0 / rw.n0)
             / nullif(sqrt(((rw.x1 + rw.x0) / (rw.n1 + rw.n0)) * (1 - (rw.x1 + rw.x0) / (rw.n1 + rw.n0))
                           * (1 / rw.n1 + 1 / rw.n0)), 0) AS z
    FROM rw, k
    WHERE rw.n1 >= k.rw_min_n AND rw.x1 >= k.rw_min_x AND rw.n0 >= k.rw_min_base
),
-- Terminal silence: the last write as of p_now (store_activity when it is not later than p_now, otherwise the
-- last work-order event before p_now), counted from today's opening at the earliest.
silent AS MATERIALIZED (
    SELECT o.store_id, lw.last_write,
           extract(epoch FROM p_now - greatest(lw.last_write, o.open_ts)) / 60 AS minutes
    FROM open_now o
    LEFT JOIN terminal.store_activity a ON a.store_id = o.store_id
    CROSS JOIN LATERAL (
        SELECT CASE WHEN a.last_write_at <= p_now + interval '5 minutes' THEN a.last_write_at
                    ELSE (SELECT max(e.at) FROM public.work_order w
                          JOIN public.work_order_event e ON e.work_order_id = w.id
                          WHERE w.store_id = o.store_id AND w.checked_in_at > p_now - interval '2 days'
                            AND w.checked_in_at <= p_now AND e.at <= p_now) END AS last_write) lw
)
-- wait_over_threshold: the longest current wait, or today's mean wait (enough vehicles started), over a threshold.
SELECT v.store_id, 'wait_over_threshold', v.severity,
       '等待超时：' || concat_ws('；',
           CASE WHEN v.longest >= v.wait_warn THEN
               format('%s 辆车已等待超过 %s 小时（最长 %s 小时）',
                      CASE WHEN v.longest >= v.wait_crit THEN v.over_crit ELSE v.over_warn END,
                      alerts._num(CASE WHEN v.longest >= v.wait_crit THEN v.wait_crit ELSE v.wait_warn END),
                      alerts._num(v.longest)) END,
           CASE WHEN v.mean_counts AND v.mean_wait >= v.wait_warn THEN
               format('今日平均等待 %s 小时（%s 辆车）', alerts._num(v.mean_wait), v.started)
               || CASE WHEN coalesce(v.longest, 0) < v.wait_warn THEN
                      format('，超过 %s 小时',
                             alerts._num(CASE WHEN v.mean_wait >= v.wait_crit THEN v.wait_crit ELSE v.wait_warn END))
                  ELSE '' END END),
       jsonb_build_object('waiting', v.queue, 'longest_wait_hours', round(v.longest::numeric, 2),
                          'over_warning', v.over_warn, 'over_critical', v.over_crit,
                          'mean_wait_hours', round(v.mean_wait::numeric, 2), 'started_today', v.started,
                          'warning_hours', v.wait_warn, 'critical_hours', v.wait_crit,
                          'score', round(greatest(coalesce(v.longest, 0),
                                                  CASE WHEN v.mean_counts THEN v.mean_wait ELSE 0 END)::numeric, 2))
FROM (SELECT wo.*, k.wait_warn, k.wait_crit, (wo.started >= k.wait_min_n) AS mean_counts,
             CASE WHEN wo.longest >= k.wait_crit OR (wo.started >= k.wait_min_n AND wo.mean_wait >= k.wait_crit)
                      THEN 'critical'
                  WHEN wo.longest >= k.wait_warn OR (wo.started >= k.wait_min_n AND wo.mean_wait >= k.wait_warn)
                      THEN 'warning' END AS severity
      FROM wo JOIN open_now USING (store_id), k) v
WHERE v.severity IS NOT NULL
UNION ALL
-- utilization_high: saturated over the recent window (at least half of it open) with a queue; critical when the
-- queue is as long as the store has bays (a whole extra round of vehicles waiting).
SELECT u.store_id, 'utilization_high',
       CASE WHEN u.queue >= greatest(u.bays, k.queue_min) THEN 'critical' ELSE 'warning' END,
       format('工位饱和：近 %s 小时工位利用率 %s，%s 辆车在排队', alerts._num(u.window_h), alerts._pct(u.recent),
              u.queue),
       jsonb_build_object('utilization', round(u.recent::numeric, 3), 'window_hours', round(u.window_h::numeric, 2),
                          'waiting', u.queue, 'bays', u.bays, 'threshold', k.high_ratio, 'score', u.queue)
FROM util u, k
WHERE u.recent >= k.high_ratio AND u.queue >= k.queue_min AND u.window_h >= k.high_window_h / 2
UNION ALL
-- utilization_low: today so far far below the store's usual level for this weekday and time. Idle bays with a
-- queue are a breakdown (critical); a collapse without one is a warning; merely half the usual level is info.
SELECT u.store_id, 'utilization_low',
       CASE WHEN u.queue >= k.queue_min THEN 'critical'
            WHEN u.today <= k.low_severe * b.typical THEN 'warning' ELSE 'info' END,
       format('工位利用率偏低：今日至今 %s，本店同期通常 %s', alerts._pct(u.today), alerts._pct(b.typical))
       || CASE WHEN u.queue >= k.queue_min THEN format('，却有 %s 辆车在等待', u.queue) ELSE '' END,
       jsonb_build_object('utilization', round(u.today::numeric, 3), 'typical', round(b.typical::numeric, 3),
                          'baseline_days', b.days, 'waiting', u.queue, 'open_hours', round(u.open_h::numeric, 2),
                          'ratio', round((u.today / b.typical)::numeric, 3),
                          'score', round((1 - u.today / b.typical)::numeric, 3))
FROM util u JOIN base b USING (store_id), k
WHERE b.days >= k.low_min_days AND b.typical >= k.low_min_typical AND u.today <= k.low_ratio * b.typical
UNION ALL
-- rework_anomaly: the recent rework rate is significantly above the store's own baseline, with enough counts.
SELECT r.store_id, 'rework_anomaly',
       CASE WHEN r.z >= k.rw_z_crit THEN 'critical' ELSE 'warning' END,
       format('返工异常：近 %s 天返工率 %s（%s/%s），本店此前 %s 天为 %s', k.rw_recent,
              alerts._num(100 * r.p1) || '%', r.x1, r.n1, k.rw_base, alerts._num(100 * r.p0) || '%'),
       jsonb_build_object('reworks', r.x1, 'vehicles', r.n1, 'rate', round(r.p1::numeric, 4),
                          'baseline_reworks', r.x0, 'baseline_vehicles', r.n0,
                          'baseline_rate', round(r.p0::numeric, 4), 'z', round(r.z::numeric, 2),
                          'score', round(r.z::numeric, 2))
FROM rw_test r, k
WHERE r.z >= k.rw_z_warn
UNION ALL
SELECT f.* FROM t, alerts._complaint_findings(p_now, t.j) f
UNION ALL
-- terminals_silent: a live store, open for longer than the warning time, whose terminals have not written for it.
SELECT s.store_id, 'terminals_silent',
       CASE WHEN s.minutes >= k.silent_crit THEN 'critical' ELSE 'warning' END,
       CASE WHEN s.last_write >= o.open_ts THEN
                format('终端静默：已 %s 分钟没有任何数据写入（最后写入 %s）', floor(s.minutes),
                       to_char(s.last_write AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'))
            ELSE format('终端静默：今天开门 %s 分钟以来没有任何数据写入', floor(s.minutes)) END,
       jsonb_build_object('silent_minutes', floor(s.minutes), 'last_write_at', s.last_write,
                          'warning_minutes', k.silent_warn, 'critical_minutes', k.silent_crit,
                          'score', floor(s.minutes))
FROM silent s JOIN open_now o USING (store_id), k
WHERE s.minutes >= k.silent_warn
$$;

-- Raise or escalate: one open alert per store and kind (alert_one_open_ix). An open alert is rewritten only when
-- it got worse — a higher severity, or the same severity with a score at least 20 % higher (so a growing wait
-- refreshes its numbers without a notification every minute) — or, for complaints, when a newer complaint came.
-- A higher severity or a new complaint clears the acknowledgement: it needs someone's attention again.
CREATE FUNCTION alerts._raise(p_now timestamptz, p_findings alerts.finding[])
RETURNS TABLE(store_id integer, kind text, inserted boolean)
LANGUAGE sql AS $$
    INSERT INTO public.alert AS a (store_id, kind, severity, raised_at, message, details)
    SELECT f.store_id, f.kind, f.severity, p_now, f.message, f.details FROM unnest(p_findings) f
    ON CONFLICT (store_id, kind) WHERE resolved_at IS NULL DO UPDATE
    SET severity = excluded.severity,
        message = excluded.message,
        details = excluded.details || jsonb_strip_nulls(jsonb_build_object('escalated_at',
            CASE WHEN alerts._rank(excluded.severity) > alerts._rank(a.severity) THEN to_jsonb(p_now)
                 ELSE a.details->'escalated_at' END)),
        acknowledged_by = CASE WHEN alerts._rank(excluded.severity) > alerts._rank(a.severity)
                                    OR excluded.kind = 'complaint' THEN NULL ELSE a.acknowledged_by END,
        acknowledged_at = CASE WHEN alerts._rank(excluded.severity) > alerts._rank(a.severity)
                                    OR excluded.kind = 'complaint' THEN NULL ELSE a.acknowledged_at END
    WHERE alerts._rank(excluded.severity) > alerts._rank(a.severity)
       OR (excluded.severity = a.severity
           AND (excluded.details->>'score')::float8 > coalesce((a.details->>'score')::float8, 0)
           AND (excluded.details->>'score')::float8 >= 1.2 * coalesce((a.details->>'score')::float8, 0))
       OR (excluded.kind = 'complaint'
           AND (excluded.details->>'latest_complaint_id')::bigint
               > coalesce((a.details->>'latest_complaint_id')::bigint, 0))
    RETURNING a.store_id, a.kind, (a.xmax = 0)
$$;

-- Folded from the bytes of 'alert_ev': one evaluation at a time across all consoles.
CREATE FUNCTION alerts._lock_key() RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT 7020093583853070710::bigint $$;

-- The evaluation: raise, escalate and resolve in the caller's transaction; one NOTIFY 'alert' per store touched.
-- A second evaluation while one is running returns at once with skipped = true (the running one does the work).
CREATE FUNCTION alerts.evaluate(p_now timestamptz DEFAULT now())
RETURNS TABLE(raised integer, updated integer, resolved integer, skipped boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
-- planned for the actual p_now every time: a generic plan cannot see which day's index ranges it will read
SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    held bigint[];
    found_ alerts.finding[];
    n_raised integer;
    n_updated integer;
    n_resolved integer;
    touched integer[];
    cleared integer[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(alerts._lock_key()) THEN
        RETURN QUERY SELECT 0, 0, 0, true;
        RETURN;
    END IF;
    -- The complaint trigger writes complaint alerts outside this lock. Holding the open ones first makes the
    -- findings below (a later statement, so a later snapshot) see every complaint committed into them, and only
    -- those held rows may be resolved: one the trigger inserts meanwhile is not ours to close.
    -- Rows are locked and written in store order here and in the trigger, so the two queue rather than deadlock.
    SELECT coalesce(array_agg(x.id), '{}') INTO held
    FROM (SELECT a.id FROM alert a WHERE a.kind = 'complaint' AND a.resolved_at IS NULL
          ORDER BY a.store_id FOR UPDATE) x;

    SELECT coalesce(array_agg(f ORDER BY f.store_id, f.kind), '{}') INTO found_ FROM alerts.findings(p_now) f;

    SELECT count(*) FILTER (WHERE r.inserted), count(*) FILTER (WHERE NOT r.inserted),
           coalesce(array_agg(DISTINCT r.store_id), '{}')
    INTO n_raised, n_updated, touched
    FROM alerts._raise(p_now, found_) r;

    WITH still AS MATERIALIZED (
        SELECT f.store_id, f.kind FROM unnest(found_) f
    ), gone AS (
        UPDATE alert a SET resolved_at = greatest(p_now, a.raised_at)
        WHERE a.resolved_at IS NULL
          AND (a.kind <> 'complaint' OR a.id = ANY (held))
          AND NOT EXISTS (SELECT 1 FROM still f WHERE f.store_id = a.store_id AND f.kind = a.kind)
        RETURNING a.store_id)
    SELECT count(*), coalesce(array_agg(DISTINCT store_id), '{}') INTO n_resolved, cleared FROM gone;

    PERFORM terminal._notify(s, 'alert') FROM (SELECT DISTINCT unnest(touched || cleared) AS s ORDER BY 1) x;
    RETURN QUERY SELECT n_raised, n_updated, n_resolved, false;
END $$;

-- A complaint raises its alert in the inserting transaction, so the alert and its NOTIFY go out with the write.
-- Statement-level with a transition table: one pass per statement, however many rows (the seed COPYs thousands).
CREATE FUNCTION alerts._on_complaint() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    t jsonb := alerts.thresholds();
    stores integer[];
    found_ alerts.finding[];
BEGIN
    SELECT array_agg(DISTINCT n.store_id) INTO stores
    FROM new_complaints n
    WHERE n.status = 'open'
      AND n.created_at > now() - (t->>'complaint_window_hours')::float8 * interval '1 hour';
    IF stores IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(f ORDER BY f.store_id) INTO found_ FROM alerts._complaint_findings(now(), t, stores) f;
    PERFORM terminal._notify(r.store_id, 'alert') FROM alerts._raise(now(), coalesce(found_, '{}')) r;
    RETURN NULL;
END $$;
CREATE TRIGGER alert_on_complaint AFTER INSERT ON complaint
    REFERENCING NEW TABLE AS new_complaints
    FOR EACH STATEMENT EXECUTE FUNCTION alerts._on_complaint();

-- Who is calling. With per-user database roles (revision 0005: app_user.db_role, scope.*), a console session is its
-- user: it acts under its own login whatever login the app passes, and within its scope. Connections of the owner
-- (tools, tests, migrations) are no app user and are trusted with the login they pass. Dynamic SQL, so this
-- revision does not depend on the later one.
CREATE FUNCTION alerts._caller(OUT console boolean, OUT login text, OUT active boolean, OUT sees_all boolean,
                               OUT store_ids integer[])
LANGUAGE plpgsql STABLE AS $$
BEGIN
    console := false;
    IF to_regprocedure('scope.store_ids()') IS NULL THEN
        RETURN;
    END IF;
    EXECUTE 'SELECT true, u.login, u.active, scope.sees_all(), scope.store_ids() FROM public.app_user u '
            'WHERE u.db_role = session_user'
        INTO console, login, active, sees_all, store_ids;
    console := coalesce(console, false);
END $$;

-- Acknowledge: a single conditional UPDATE, so of two consoles acknowledging at once exactly one wins. Returns
-- no row for an unknown alert, else whether this call acknowledged it, whether the caller holds the acknowledgement,
-- and who does (with the name people know them by: row-level security may hide other users' rows from the caller).
CREATE FUNCTION alerts.acknowledge(p_alert_id bigint, p_actor text)
RETURNS TABLE(won boolean, mine boolean, acknowledged_by text, acknowledged_by_name text,
              acknowledged_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    a alert;
    c record := alerts._caller();
    actor text := CASE WHEN c.console THEN c.login ELSE trim(p_actor) END;
    is_new boolean := false;
BEGIN
    IF actor IS NULL OR length(actor) = 0 THEN
        RAISE EXCEPTION 'Who acknowledges the alert is missing.' USING ERRCODE = 'AS422';
    END IF;
    IF c.console AND NOT (c.active AND (c.sees_all OR EXISTS (
            SELECT 1 FROM alert x WHERE x.id = p_alert_id AND x.store_id = ANY (c.store_ids)))) THEN
        IF NOT EXISTS (SELECT 1 FROM alert x WHERE x.id = p_alert_id) THEN
            RETURN;
        END IF;
        RAISE EXCEPTION 'Alert % is outside the scope of %.', p_alert_id, actor USING ERRCODE = 'AS403';
    END IF;
    UPDATE alert SET acknowledged_by = actor, acknowledged_at = now()
    WHERE id = p_alert_id AND alert.acknowledged_at IS NULL
    RETURNING * INTO a;
    IF FOUND THEN
        is_new := true;
        INSERT INTO audit_log (actor, action, entity, entity_id, details)
        VALUES (a.acknowledged_by, 'acknowledge', 'alert', a.id::text,
                jsonb_build_object('store_id', a.store_id, 'kind', a.kind, 'severity', a.severity));
        PERFORM terminal._notify(a.store_id, 'alert');
    ELSE
        SELECT * INTO a FROM alert WHERE id = p_alert_id;
        IF NOT FOUND THEN
            RETURN;
        END IF;
    END IF;
    RETURN QUERY SELECT is_new, a.acknowledged_by = actor, a.acknowledged_by,
        coalesce((SELECT u.display_name FROM app_user u WHERE u.login = a.acknowledged_by), a.acknowledged_by),
        a.acknowledged_at;
END $$;

-- Save thresholds (merged over the defaults) with an audit row of what changed; head office only. The service
-- validates with plain sentences first; this guard keeps nonsense out for any other caller.
CREATE FUNCTION alerts.save_thresholds(p_value jsonb, p_actor text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    bad text;
    before jsonb := alerts.thresholds();
    after jsonb;
    c record := alerts._caller();
    actor text := CASE WHEN c.console THEN c.login ELSE trim(p_actor) END;
BEGIN
    IF actor IS NULL OR length(actor) = 0 THEN
        RAISE EXCEPTION 'Who changes the alert thresholds is missing.' USING ERRCODE = 'AS422';
    END IF;
    IF c.console AND NOT (c.active AND c.sees_all) THEN
        RAISE EXCEPTION 'Only head office may change the alert thresholds, not %.', actor USING ERRCODE = 'AS403';
    END IF;
    IF p_value IS NULL OR jsonb_typeof(p_value) <> 'object' THEN
        RAISE EXCEPTION 'The alert thresholds must be a JSON object.' USING ERRCODE = 'AS422';
    END IF;
    SELECT e.key INTO bad FROM jsonb_each(p_value) e
    WHERE NOT alerts.default_thresholds() ? e.key
       OR CASE WHEN jsonb_typeof(e.value) = 'number' THEN (e.value #>> '{}')::numeric <= 0 ELSE true END
    LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'The alert threshold "%" is unknown or not a positive number.', bad USING ERRCODE = 'AS422';
    END IF;
    after := alerts.default_thresholds() || p_value;
    INSERT INTO app_setting AS s (key, value, updated_at, updated_by)
    VALUES ('alert_thresholds', after, now(), actor)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
                                    updated_by = excluded.updated_by;
    INSERT INTO audit_log (actor, action, entity, entity_id, details)
    SELECT actor, 'update', 'app_setting', 'alert_thresholds',
           coalesce(jsonb_object_agg(n.key, jsonb_build_array(before->n.key, n.value)), '{}'::jsonb)
    FROM jsonb_each(after) n
    WHERE before->n.key IS DISTINCT FROM n.value;
    RETURN after;
END $$;

INSERT INTO app_setting (key, value, updated_by) VALUES ('alert_thresholds', alerts.default_thresholds(), 'migration')
ON CONFLICT (key) DO NOTHING;

-- Consoles call the functions; terminals and everyone else get nothing from this schema.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA alerts FROM PUBLIC;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aftersales_console') THEN
        CREATE ROLE aftersales_console NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'cannot create role aftersales_console; ask the DBA to create it and rerun the grants';
END $$;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aftersales_console') THEN
        GRANT USAGE ON SCHEMA alerts TO aftersales_console;
        GRANT EXECUTE ON FUNCTION alerts.evaluate(timestamptz), alerts.acknowledge(bigint, text),
            alerts.save_thresholds(jsonb, text), alerts.thresholds(), alerts.default_thresholds()
            TO aftersales_console;
    END IF;
END $$;
