-- The national rebalancing service: its runs, each claimed by exactly one console (INSERT ... ON CONFLICT DO
-- NOTHING on the run's slot). (Filled in by the rebalancing work.)
SELECT 1;
