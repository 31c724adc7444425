-- query: audit entries per day and action (compliance activity; auditors read audit_log)
select
  (action_timestamp at time zone 'UTC')::date as day,
  action_type,
  count(*)::int as entries,
  coalesce(sum(record_count), 0)::bigint as records
from audit_log
group by 1, 2
order by 1, 2;
