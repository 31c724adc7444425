-- One bounded count for the two checks that ask whether a set of rows reaches a size (issue 10):
-- run_rows_reach (078: has the run staged a tenth of what the statistics hold?) and patients_are_few
-- (079: are these patient ids under a tenth of the dimension?) each counted their query up to a limit
-- in their own dynamic SQL. Both now ask rows_reach, which stops counting at the limit. Behaviour is
-- unchanged. p_query is a query of this project's SQL, run with the caller's rights.
-- Forward-only and idempotent.
create or replace function rows_reach(p_query text, p_rows bigint) returns boolean
language plpgsql stable set search_path = public, pg_temp as $$
declare
  n bigint;
begin
  execute format('select count(*) from (%s limit $1) as counted', p_query) into n using p_rows;
  return n >= p_rows;
end;
$$;

create or replace function run_rows_reach(p_table regclass, p_rows double precision) returns boolean
language sql stable set search_path = public, pg_temp as $$
  select rows_reach(format('select 1 from %s where run_id = pipeline_run_id()', p_table), ceil(greatest(p_rows, 1))::bigint)
$$;

create or replace function patients_are_few(p_ids text) returns boolean
language sql stable set search_path = public, pg_temp as $$
  select tenth >= 1 and not rows_reach(p_ids, tenth)
  from (select floor(dim_patients_rows_now() / 10)::bigint as tenth) as t
$$;

revoke execute on function rows_reach(text, bigint) from public;
grant execute on function rows_reach(text, bigint) to hw_pipeline;
