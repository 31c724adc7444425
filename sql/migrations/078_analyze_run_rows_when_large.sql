-- analyze_run_rows() (074) samples a run's tables before its data tests only when the run is large
-- beside what the statistics already describe (issue 10). A small batch into a large warehouse gained
-- nothing from it: the statistics the planner has still put the run's rows at a few (no run id they
-- hold), which plans the index probes a small run wants; the sample itself read about 15,000 pages of
-- a 400k warehouse, 0.1 s of a 10k batch's 1.6 s transform, and every batch paid it. Analysed when:
-- - the table was never analysed or held nothing then (a first load, or fact partitions all new), or
-- - the run staged at least a tenth as many rows as the table held when last analysed. The run's
--   staged rows are counted up to that tenth and no further, so the check is bounded too.
-- The large run case is what 074 was for (a run's 1.2M visits taken for 4,000: 3.2 to 10 s tests).
-- Forward-only and idempotent.
create or replace function analyze_run_rows() returns void
language plpgsql security definer set search_path = public, pg_temp set default_statistics_target = 10 as $$
declare
  -- The partitions' own counts (the partitioned table's is set only by an analysis of the whole); a
  -- partition never analysed (reltuples < 0) adds nothing, so a warehouse of new partitions is analysed.
  visits_known double precision := (
    select coalesce(sum(c.reltuples) filter (where c.reltuples > 0), 0)
    from pg_inherits as i join pg_class as c on c.oid = i.inhrelid
    where i.inhparent = 'fact_visits'::regclass
  );
  patients_known double precision := (select reltuples from pg_class where oid = 'dim_patients'::regclass);
begin
  if visits_known <= 0 or run_rows_reach('staging_visits', visits_known / 10) then
    analyze fact_visits (run_id, visit_id, patient_key);
  end if;
  if patients_known <= 0 or run_rows_reach('staging_patients', patients_known / 10) then
    analyze dim_patients (run_id, patient_id, is_current);
  end if;
end;
$$;

-- Whether the current run staged at least p_rows rows in the table, counting no further than that.
create or replace function run_rows_reach(p_table regclass, p_rows double precision) returns boolean
language plpgsql stable set search_path = public, pg_temp as $$
declare
  n bigint;
begin
  execute format('select count(*) from (select 1 from %s where run_id = pipeline_run_id() limit $1) as t', p_table)
    into n using ceil(greatest(p_rows, 1))::bigint;
  return n >= ceil(greatest(p_rows, 1));
end;
$$;

revoke execute on function analyze_run_rows() from public;
-- Called only from the definer function above.
revoke execute on function run_rows_reach(regclass, double precision) from public;
grant execute on function analyze_run_rows() to hw_pipeline;
