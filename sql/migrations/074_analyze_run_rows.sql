-- Row counts for the data tests (issue 10). A transform's tests run in the transaction that wrote the
-- run's rows, into fact partitions that transaction may have created (never analysed) or whose
-- statistics predate the run: the planner then takes a run's 1.2M visits for about 4,000 and plans a
-- million index probes, or sorts every visit id once per parallel worker (staging_reconciles: 6.9 s,
-- fact_visits_relationships 3.2 s at 400k patients), and without statistics on the partitioned table
-- itself it takes the run's 1.2M visit ids for 200 groups and sorts them. analyze_run_rows() samples
-- the columns the tests select, join and group by: on fact_visits (the table as a whole, then each
-- partition) and on dim_patients, before the tests.
--
-- Cheap and bounded: a column list, and a statistics target of 10 (a sample of 3,000 rows per table,
-- 0.1-0.2 s at 400k patients), whatever the warehouse holds. ANALYZE also refreshes the table's page and
-- row counts, which is most of what the planner was missing. With a column list it does not reset the
-- table's count of changes, so autovacuum still analyses the table in full after a large batch; until
-- then these columns keep the coarser statistics. ANALYZE needs the table's owner: the pipeline login
-- calls this definer function (as analyze_staging(), 040). Forward-only and idempotent.
create or replace function analyze_run_rows() returns void
language plpgsql security definer set search_path = public, pg_temp set default_statistics_target = 10 as $$
begin
  analyze fact_visits (run_id, visit_id, patient_key);
  analyze dim_patients (run_id, patient_id, is_current);
end;
$$;

revoke execute on function analyze_run_rows() from public;
grant execute on function analyze_run_rows() to hw_pipeline;
