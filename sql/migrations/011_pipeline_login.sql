-- The pipeline's own login: a member of hw_pipeline (006_roles.sql) and nothing more, so the Lambdas
-- never act as the cluster's master user (which, on Aurora, is rds_superuser and could switch the
-- audit triggers off). Created here NOLOGIN and without a password, which is safe on any server
-- (Postgres, PGlite, Aurora); in the cloud the migrations custom resource, which holds the master
-- secret, turns it into a login with the password of its own rotated secret
-- (lambdas/steps/pipeline-login.ts). No superuser, createdb, createrole, replication or bypassrls:
-- those are the role defaults, and the custom resource refuses a login that has any of them.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'hw_pipeline_login') then
    begin
      create role hw_pipeline_login nologin inherit;
    exception when duplicate_object or unique_violation then
      null; -- roles belong to the cluster: another database migrating at the same time created it
    end;
  end if;
end;
$$;

do $$
begin
  if not pg_has_role('hw_pipeline_login', 'hw_pipeline', 'member') then
    begin
      grant hw_pipeline to hw_pipeline_login;
    exception when duplicate_object or unique_violation then
      null; -- granted by a concurrent migration of another database
    end;
  end if;
end;
$$;
