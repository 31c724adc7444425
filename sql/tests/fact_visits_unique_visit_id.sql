-- test: unique visit_id; table: fact_visits
select visit_id as key from fact_visits group by visit_id having count(*) > 1;
