-- A login for BI tools (Metabase in local/docker-compose.yml's `bi` profile, Superset, any SQL client;
-- docs/BI.md): a member of hw_analyst and nothing else, so it reads through the audited functions and
-- the published layer, never staging, the dimensions or fact_visits directly, and its reads are
-- audited under its own name. Forward-only and idempotent; roles belong to the cluster, so a
-- concurrent creation by another database's migration is tolerated.
--
-- No password is set here: the `bi` compose profile sets one from the BI_PASSWORD secret, and on
-- Aurora an administrator sets one from Secrets Manager (or grants rds_iam). Until then it cannot
-- log in with a password.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'hw_bi') then
    begin
      create role hw_bi login inherit nosuperuser nocreatedb nocreaterole noreplication nobypassrls connection limit 10;
    exception when duplicate_object or unique_violation then
      null;
    end;
  end if;
end;
$$;
grant hw_analyst to hw_bi;
-- A dashboard query that runs away is stopped, not left holding a connection.
alter role hw_bi set statement_timeout = '5min';
