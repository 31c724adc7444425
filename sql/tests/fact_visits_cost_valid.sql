-- test: cost non-negative, and cost and cost_with_privacy both present or both null; table: fact_visits
select visit_id as key from fact_visits
where cost < 0 or (cost is null) <> (cost_with_privacy is null);
