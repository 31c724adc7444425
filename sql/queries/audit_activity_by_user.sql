-- query: audit entries per login and role, with their first and last activity (who read what)
select
  user_id,
  coalesce(role_name, user_id) as role_name,
  count(*)::int as entries,
  count(*) filter (where action_type = 'READ')::int as reads,
  min(action_timestamp) as first_at,
  max(action_timestamp) as last_at
from audit_log
group by user_id, coalesce(role_name, user_id)
order by entries desc, user_id;
