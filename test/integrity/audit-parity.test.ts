// The reference system's audit columns (user_name, record_id, ip_address): its audit queries run
// unchanged on every database, the columns hold who and from where (not what a caller claims), and
// they sit inside the hash chain, so changing one behind the triggers breaks it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import splitter from 'dbgate-query-splitter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../lambdas/core/integrity/audit-chain.js';
import type { Warehouse } from '../../lambdas/ports.js';
import { readAuditChain } from '../../lambdas/steps/io/audit-chain-query.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { errorOf, withMigratedWarehouse, withTestWarehouse } from './support/warehouse.js';

const { splitQuery, postgreSplitterOptions } = splitter;
const QUERIES = join(import.meta.dirname, '../fixtures/reference-audit-queries.sql');
const ROLLBACK = new Error('rollback');

describe.each(DATABASES)('Reference audit columns on $name', (kind) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await kind.create();
    await withMigratedWarehouse(db, async (wh) => {
      await wh.query("select set_config('pipeline.app_user', 'someone-else', false)");
      // A caller that tries to name its own address is overruled by the trigger.
      await wh.query(`select write_audit('LOAD', 'staging_visits', 3, '{"client_addr": "203.0.113.9", "file": "v.csv"}'::jsonb)`);
      await wh.query('select count(*) from get_dim_patients()');
      await wh.query('select count(*) from get_fact_visits()');
    });
  });
  afterAll(() => db.drop());

  it('runs the reference audit queries unchanged', async () => {
    const statements = splitQuery(await readFile(QUERIES, 'utf8'), postgreSplitterOptions) as string[];
    expect(statements).toHaveLength(5);
    await withTestWarehouse(db, async (wh) => {
      const [latest, byUser, reads, byAddress, recent] = await runAll(wh, statements);
      expect(latest!.map((r) => r['action_type'])).toEqual(['READ', 'READ', 'LOAD']);
      expect(Object.keys(latest![0]!)).toEqual(expect.arrayContaining(['user_name', 'record_id', 'ip_address', 'details']));
      const [login] = await wh.query<{ login: string }>('select session_user as login');
      expect(byUser).toEqual([
        { user_name: login!.login, action_type: 'LOAD', actions: 1 },
        { user_name: login!.login, action_type: 'READ', actions: 2 },
      ]);
      expect(reads!.map((r) => [r['table_name'], r['reads']])).toEqual([['dim_patients', 1], ['fact_visits', 1]]);
      expect(byAddress).toHaveLength(1);
      expect(recent).toHaveLength(3);
    });
  });

  it('names the login as user_name, never the app_user a session claims', async () => {
    await withTestWarehouse(db, async (wh) => {
      const rows = await wh.query<{ same: boolean; app_user: string | null }>('select user_name = user_id as same, app_user from audit_log');
      expect(rows.every((r) => r.same)).toBe(true);
      expect(rows.some((r) => r.app_user === 'someone-else')).toBe(true);
    });
  });

  it('records the client address the engine knows, never one the caller wrote', async () => {
    await withTestWarehouse(db, async (wh) => {
      const rows = await wh.query<{ ip_address: string | null; record_id: string | null }>('select ip_address, record_id::text from audit_log order by chain_seq');
      // The test server is reached over TCP on the URL's host; PGlite, in process, reports loopback.
      const expected = kind.name === 'pglite' ? '127.0.0.1' : new URL(db.databaseUrl!).hostname;
      expect(await wh.query('select host(inet_client_addr()) as a')).toEqual([{ a: expected }]);
      expect(rows).toEqual(rows.map(() => ({ ip_address: expected, record_id: null })));
    });
  });

  it('refuses writes to the new columns', async () => {
    await withTestWarehouse(db, async (wh) => {
      expect(await errorOf(wh, "update audit_log set ip_address = '10.0.0.1'")).toMatch(/generated column|append-only/);
      expect(await errorOf(wh, "insert into audit_log (action_type, user_name) values ('READ', 'x')")).toMatch(/generated column/);
    });
  });

  it('keeps the chain intact, and a changed address behind the triggers breaks it', async () => {
    await withTestWarehouse(db, async (wh) => {
      expect(verifyAuditChain(await readAuditChain(wh))).toMatchObject({ ok: true, verified: 3 });
      let verdict: ReturnType<typeof verifyAuditChain> | undefined;
      await wh
        .transaction(async (tx) => {
          await tx.query('alter table audit_log disable trigger audit_log_append_only');
          await tx.query(`update audit_log set details = details || '{"client_addr": "198.51.100.7"}'::jsonb where chain_seq = 2`);
          verdict = verifyAuditChain(await readAuditChain(tx));
          throw ROLLBACK;
        })
        .catch((e: unknown) => {
          if (e !== ROLLBACK) throw e;
        });
      expect(verdict).toMatchObject({ ok: false, chainSeq: '2', problem: expect.stringMatching(/entry changed/) });
    });
  });
});

async function runAll(wh: Warehouse, statements: string[]): Promise<Record<string, unknown>[][]> {
  const out: Record<string, unknown>[][] = [];
  for (const s of statements) out.push(await wh.query(s));
  return out;
}
