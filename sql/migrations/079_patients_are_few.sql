-- Whether a set of patient ids (a slice's, or a run's) is small beside the patient dimension (issue 10):
-- under a tenth of the rows dim_patients holds now. The statements that find those patients'
-- versions then probe the dimension's patient_id index once per id; otherwise they hash the dimension
-- once, as before. Neither form suits both: hashing read every version for a 10k batch into 400k
-- (0.05-0.1 s a statement, three statements), while probing cost a 400k first load 1.3 s (250k sorted
-- probes a slice). Each statement keeps both forms as branches of a union all (or as two statements),
-- one guarded by this call and the other by its negation: the call does not depend on a row, so the
-- planner makes it a one-time filter and the branch not taken costs nothing.
--
-- The dimension's rows are estimated from its current size, since a transform adds rows before the
-- statistics see them (the last analysis's rows per page times the pages it has now; 60 a page when it
-- was never analysed). The ids are counted only up to that tenth. p_ids is a query of this project's
-- SQL (a constant in the models and tests), run with the caller's rights. Forward-only and idempotent.
create or replace function dim_patients_rows_now() returns double precision
language sql stable set search_path = public, pg_temp as $$
  select (case when c.relpages > 0 and c.reltuples > 0 then c.reltuples / c.relpages else 60 end)
         * (pg_relation_size(c.oid) / current_setting('block_size')::double precision)
  from pg_class as c
  where c.oid = 'dim_patients'::regclass
$$;

create or replace function patients_are_few(p_ids text) returns boolean
language plpgsql stable set search_path = public, pg_temp as $$
declare
  tenth bigint := floor(dim_patients_rows_now() / 10);
  n bigint;
begin
  if tenth < 1 then
    return false;
  end if;
  execute format('select count(*) from (%s limit $1) as ids', p_ids) into n using tenth;
  return n < tenth;
end;
$$;

revoke execute on function dim_patients_rows_now() from public;
revoke execute on function patients_are_few(text) from public;
grant execute on function dim_patients_rows_now() to hw_pipeline;
grant execute on function patients_are_few(text) to hw_pipeline;
