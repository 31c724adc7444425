// Roles, checked with SET ROLE from the owner's session: analysts read only through the audited
// functions and the published layer, auditors read the audit log, the pipeline writes but cannot
// touch the audit log except through write_audit. Runs on PGlite too: roles and privileges behave
// the same there (one cluster, one database).
import { describe, expect, it } from 'vitest';
import type { Warehouse } from '../../lambdas/ports.js';
import { DATABASES } from '../helpers/databases.js';
import { generatedInput } from '../helpers/run-pipeline.js';
import { errorOf, useRunWarehouse } from './support/warehouse.js';

const DENIED = /permission denied/;

async function asRole(wh: Warehouse, role: string, statements: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await wh.query(`set role ${role}`);
  try {
    for (const s of statements) out[s] = await errorOf(wh, s);
  } finally {
    await wh.query('reset role');
  }
  return out;
}

const allowed = (results: Record<string, string>) => Object.entries(results).filter(([, e]) => e !== 'no error');
const notDenied = (results: Record<string, string>) => Object.entries(results).filter(([, e]) => !DENIED.test(e));

describe.each(DATABASES)('Roles on $name', (kind) => {
  const session = useRunWarehouse(kind, generatedInput(20, 4, 5));

  it('lets an analyst use the audited functions and the published layer', async () => {
    const wh = await session.warehouse();
    {
      const results = await asRole(wh, 'hw_analyst', [
        'select count(*) from get_dim_patients()',
        'select count(*) from get_dim_providers()',
        'select count(*) from get_fact_visits()',
        'select count(*) from published_latest',
        'select count(*) from published_cells',
        'select count(*) from privacy_budget_ledger',
      ]);
      expect(allowed(results)).toEqual([]);
    }
  });

  it('denies an analyst staging, quarantine, the star schema, its partitions and the audit log', async () => {
    const wh = await session.warehouse();
    {
      const [part] = await wh.query<{ name: string }>("select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'fact_visits'::regclass limit 1");
      const results = await asRole(wh, 'hw_analyst', [
        'select * from staging_patients', 'select * from staging_providers', 'select * from staging_visits',
        'select * from stg_visits', 'select * from quarantine_rows',
        'select * from dim_patients', 'select * from dim_providers', 'select * from fact_visits', `select * from ${part!.name}`,
        'select * from audit_log', "insert into audit_log (action_type, user_id) values ('READ', 'x')",
        "select write_audit('READ', 'dim_patients', null)", 'select * from purge_audit_log(now())',
        'select ensure_fact_partition(2001)',
      ]);
      expect(notDenied(results)).toEqual([]);
    }
  });

  it('lets an auditor read the audit log and nothing else', async () => {
    const wh = await session.warehouse();
    {
      expect(allowed(await asRole(wh, 'hw_auditor', ['select count(*) from audit_log']))).toEqual([]);
      const denied = await asRole(wh, 'hw_auditor', [
        "update audit_log set details = '{}'::jsonb", 'delete from audit_log', 'select * from dim_patients', 'select count(*) from get_fact_visits()',
      ]);
      expect(notDenied(denied)).toEqual([]);
    }
  });

  it('lets the pipeline write the warehouse and audit through write_audit only', async () => {
    const wh = await session.warehouse();
    {
      await wh.transaction(async (tx) => {
        await tx.query('set local role hw_pipeline');
        await tx.query("insert into staging_providers (provider_id, provider_name, specialty, source_line) values ('PR-X', 'Dr. X', 'Cardiology', 2)");
        await tx.query("select write_audit('LOAD', 'staging_providers', 1)");
        await tx.query("select ensure_fact_partition(2001)");
        await tx.query('delete from staging_providers where provider_id = $1', ['PR-X']);
      });
      const [entry] = await wh.query<{ role_name: string }>('select role_name from audit_log order by chain_seq desc limit 1');
      expect(entry!.role_name).toBe('hw_pipeline');
      const denied = await asRole(wh, 'hw_pipeline', [
        'select * from audit_log', "update audit_log set details = '{}'::jsonb", 'truncate audit_log', 'select * from purge_audit_log(now())',
      ]);
      expect(notDenied(denied)).toEqual([]);
    }
  });

  it('gives every security definer function a fixed search_path, and PUBLIC no functions', async () => {
    const rows = await (await session.warehouse()).query<{ name: string; config: string | null; public_exec: boolean }>(
        `select p.proname as name, array_to_string(p.proconfig, ',') as config,
                has_function_privilege('public', p.oid, 'execute') as public_exec
         from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace and n.nspname = 'public'
         where p.prosecdef or has_function_privilege('public', p.oid, 'execute')`,
    );
    expect(rows.filter((r) => !/search_path=/.test(r.config ?? ''))).toEqual([]);
    expect(rows.filter((r) => r.public_exec)).toEqual([]);
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['get_dim_patients', 'write_audit', 'purge_audit_log', 'audit_log_chain']));
  });
});
