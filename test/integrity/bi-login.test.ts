// The BI login (032_bi_login.sql) that the compose `bi` profile's Metabase uses: it can log in, has no
// password from the repository, is a member of hw_analyst only, and has exactly the analyst's grants:
// the audited functions and the published layer, never staging, the dimensions or the fact table.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../lambdas/ports.js';
import { DATABASES } from '../helpers/databases.js';
import { generatedInput } from '../helpers/run-pipeline.js';
import { errorOf, useRunWarehouse } from './support/warehouse.js';

const BI = 'hw_bi';

describe.each(DATABASES)('BI login on $name', (kind) => {
  // After a run, so the staging views and partitions exist and are checked too.
  const session = useRunWarehouse(kind, generatedInput(20, 4, 6));
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await session.warehouse();
  });

  it('can log in, holds no password and no power beyond its membership', async () => {
    const [role] = await wh.query(
      `select rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolinherit, rolpassword is null as no_password
       from pg_authid where rolname = $1`,
      [BI],
    );
    expect(role).toEqual({ rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false, rolinherit: true, no_password: true });
    const memberOf = await wh.query<{ role: string }>('select r.rolname as role from pg_auth_members as m join pg_roles as r on r.oid = m.roleid join pg_roles as u on u.oid = m.member where u.rolname = $1', [BI]);
    expect(memberOf).toEqual([{ role: 'hw_analyst' }]);
  });

  it('has exactly the analyst grants on every table, view and function', async () => {
    const differences = await wh.query(
      `select c.relname as object, p.privilege
       from pg_class as c join pg_namespace as n on n.oid = c.relnamespace and n.nspname = 'public'
       cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) as p(privilege)
       where c.relkind in ('r', 'p', 'v', 'm')
         and has_table_privilege($1, c.oid, p.privilege) <> has_table_privilege('hw_analyst', c.oid, p.privilege)
       union all
       select f.proname, 'EXECUTE'
       from pg_proc as f join pg_namespace as n on n.oid = f.pronamespace and n.nspname = 'public'
       where has_function_privilege($1, f.oid, 'EXECUTE') <> has_function_privilege('hw_analyst', f.oid, 'EXECUTE')`,
      [BI],
    );
    expect(differences).toEqual([]);
  });

  it('reads through the audited functions and the published layer, audited under its own name', async () => {
    await wh.query(`set role ${BI}`);
    const results: Record<string, string> = {};
    try {
      for (const s of ['select count(*) from get_dim_patients()', 'select count(*) from get_dim_providers()', 'select count(*) from get_fact_visits()', 'select count(*) from published_latest', 'select count(*) from published_cells']) {
        results[s] = await errorOf(wh, s);
      }
    } finally {
      await wh.query('reset role');
    }
    expect(Object.values(results)).toEqual(Object.values(results).map(() => 'no error'));
    const [read] = await wh.query('select role_name from audit_log order by chain_seq desc limit 1');
    expect(read).toEqual({ role_name: BI });
  });

  it('cannot read staging, the dimensions, the fact table, quarantine or the audit log directly, nor write', async () => {
    await wh.query(`set role ${BI}`);
    const results: string[] = [];
    try {
      for (const s of [
        'select * from staging_patients', 'select * from staging_visits', 'select * from stg_visits', 'select * from dim_patients',
        'select * from dim_providers', 'select * from fact_visits', 'select * from quarantine_rows', 'select * from audit_log',
        "insert into published_cells (release_id, table_name, cell_key, suppressed, epsilon) values ('x', 'x', '{}', false, 1)",
        "select write_audit('READ', 'x', null)",
      ]) {
        results.push(await errorOf(wh, s));
      }
    } finally {
      await wh.query('reset role');
    }
    expect(results.filter((e) => !/permission denied/.test(e))).toEqual([]);
  });
});
