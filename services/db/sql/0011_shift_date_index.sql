-- The day's rosters of all stores at once (today's KPIs, the rebalancing inputs, free slots of many stores): an index
-- led by the date. shift_store_date_ix (store first) made these reads skip through every store's entries.
CREATE INDEX shift_date_store_ix ON shift (work_date, store_id);
