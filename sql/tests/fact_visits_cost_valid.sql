-- test: cost not null and non-negative; table: fact_visits
select visit_id as key from fact_visits where cost is null or cost < 0 or cost_with_privacy is null;
