// The pipeline's own login (item 6): the migrations make it from its secret, it can do what the pipeline
// does and nothing that would switch off, skip or rewrite the audit log. The attacks run over a real
// connection as that login, so they need a server (DATABASE_URL); the verifier is checked on both.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../lambdas/ports.js';
import { migrate } from '../../lambdas/steps/migrate.js';
import { ensurePipelineLogin, scramSha256Verifier } from '../../lambdas/steps/pipeline-login.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, queryDb, testDeps } from '../helpers/run-pipeline.js';

describe.each(DATABASES)('Function: scramSha256Verifier on $name', (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof testDeps>;
  let wh: Warehouse;
  beforeAll(async () => {
    db = await kind.create();
    deps = testDeps(db);
    wh = await deps.warehouse();
  });
  afterAll(async () => {
    await deps.close();
    await db.drop();
  });

  it('is the verifier the server itself stores for that password and salt', async () => {
    const role = `scram_check_${process.pid}_${randomBytes(3).toString('hex')}`;
    await wh.query("set password_encryption = 'scram-sha-256'");
    await wh.query(`create role ${role} password 'Tr0ub4dor&3-correct-horse'`);
    try {
      const [stored] = await wh.query<{ v: string }>('select rolpassword as v from pg_authid where rolname = $1', [role]);
      const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored!.v) ?? [];
      expect(scramSha256Verifier('Tr0ub4dor&3-correct-horse', Buffer.from(salt!, 'base64'), Number(iterations))).toBe(stored!.v);
    } finally {
      await wh.query(`drop role ${role}`);
    }
  });

  it('refuses any role but the pipeline login and its rotation clone', async () => {
    await expect(ensurePipelineLogin(wh, { username: 'postgres', password: 'x1' })).rejects.toThrow(/not hw_pipeline_login or its rotation clone/);
    await expect(ensurePipelineLogin(wh, { username: 'hw_pipeline_login"; drop table audit_log; --', password: 'x1' })).rejects.toThrow(/not hw_pipeline_login/);
  });
});

const serverUrl = process.env['DATABASE_URL'];

describe.skipIf(!serverUrl)('The pipeline login on postgres', () => {
  const login = `hw_pipeline_login_t${process.pid}_${randomBytes(3).toString('hex')}`;
  const kind = DATABASES.find((d) => d.name === 'postgres')!;
  let db: TestDatabase;
  let owner: ReturnType<typeof testDeps>;
  let loginUrl: string;
  let asLogin: pg.Client;

  beforeAll(async () => {
    db = await kind.create();
    owner = testDeps(db);
    const wh = await owner.warehouse();
    await migrate(wh, owner.sql); // as a deploy does, with the master user
    await ensurePipelineLogin(wh, { username: login, password: randomBytes(24).toString('hex') });
    const url = new URL(db.databaseUrl!);
    url.username = login;
    loginUrl = url.toString();
    asLogin = new pg.Client({ connectionString: loginUrl });
    await asLogin.connect();
  });
  afterAll(async () => {
    await asLogin?.end();
    await owner?.close();
    await db?.drop();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop role if exists ${login}`);
    await admin.end();
  });

  it('is a member of hw_pipeline with no power of its own', async () => {
    const { rows } = await asLogin.query(
      `select rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin, pg_has_role(current_user, 'hw_pipeline', 'member') as pipeline
       from pg_roles where rolname = current_user`,
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false, rolcanlogin: true, pipeline: true });
  });

  it.each([
    ['disable the append-only trigger', 'alter table audit_log disable trigger audit_log_append_only'],
    ['disable every trigger', 'alter table audit_log disable trigger all'],
    ['drop the chain trigger', 'drop trigger audit_log_chain on audit_log'],
    ['skip triggers for the session', "set session_replication_role = 'replica'"],
    ['update an entry', "update audit_log set details = '{}'::jsonb"],
    ['delete entries', 'delete from audit_log'],
    ['truncate the log', 'truncate audit_log'],
    ['write an entry directly', "insert into audit_log (action_type, table_name) values ('LOAD', 'x')"],
    ['move the chain head', 'update audit_chain_head set last_seq = 0'],
    ['replace the guard function', "create or replace function audit_log_reject_change() returns trigger language plpgsql as 'begin return old; end'"],
    ['make the chain function run as the caller', 'alter function audit_log_chain() security invoker'],
    ['take the log over', 'alter table audit_log owner to current_user'],
    ['purge through retention', 'select * from purge_audit_log(now())'],
    ['forge a retention entry', "select write_audit('RETENTION', 'audit_log', 0)"],
    ['act as the owner', 'set role postgres'],
    ['grant itself more', 'alter role current_user bypassrls'],
    ['shadow a function in public', "create function public.now() returns timestamptz language sql as 'select null::timestamptz'"],
  ])('cannot %s', async (_what, statement) => {
    const error = await asLogin.query(statement).then(() => 'no error', (e: Error) => e.message);
    expect(error).toMatch(/permission denied|must be owner|must be superuser|reserved/);
  });

  // The stg_* views are owned by a migration (040), so the transform creates no objects as this login.
  it('runs a whole pipeline batch, and the audit log names it', async () => {
    const deps = testDeps({ ...db, databaseUrl: loginUrl }, { config: { privacy: { noNoise: true } } });
    try {
      const state = await runLocal(deps, generatedInput(20, 4, 31), { migrate: false });
      expect(state.privatized?.releaseId).toBeTruthy();
    } finally {
      await deps.close();
    }
    // Read as the auditor would (the pipeline login itself may not read the log).
    const rows = await queryDb<{ user_id: string; role_name: string }>(db, "select distinct user_id, role_name from audit_log where action_type in ('LOAD', 'TRANSFORM')");
    expect(rows).toEqual([{ user_id: login, role_name: login }]);
  });
});
