// The audit log in the database: append-only for every role, hash-chained by a trigger (and the chain
// recomputed outside the database agrees), READ entries name the login and the role, and retention
// removes only a recorded, anchored prefix.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres } from '../../lambdas/adapters/pg/pg-warehouse.js';
import { canonicalText, verifyAuditChain, type AuditEntry } from '../../lambdas/core/integrity/audit-chain.js';
import type { Warehouse } from '../../lambdas/ports.js';
import { readAuditChain } from '../../lambdas/steps/io/audit-chain-query.js';
import { applyRetention } from '../../local/integrity/apply-retention.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { inRolledBack } from '../helpers/rolled-back.js';
import { errorOf, withMigratedWarehouse, withTestWarehouse } from './support/warehouse.js';

describe.each(DATABASES)('Audit log on $name', (kind) => {
  let db: TestDatabase;
  const write = (wh: Warehouse, action: string, details: Record<string, unknown> = {}) =>
    wh.query('select write_audit($1, $2, $3, $4::jsonb)', [action, 'fact_visits', 3, JSON.stringify(details)]);

  beforeAll(async () => {
    db = await kind.create();
    await withMigratedWarehouse(db, async (wh) => {
      await wh.query("select set_config('pipeline.run_id', 'run-a', false), set_config('pipeline.app_user', 'pipeline', false)");
      await write(wh, 'LOAD', { file: 'runs/run-a/visits.csv', note: 'quotes \' " and ; | ~ and ünïcödé 🩺' });
      await write(wh, 'TRANSFORM', { models: ['stg_visits', 'fact_visits'], n: 1.50 });
      await write(wh, 'PUBLISH');
    });
  });
  afterAll(() => db.drop());

  it('chains every entry, and the verifier outside the database agrees', async () => {
    await withTestWarehouse(db, async (wh) => {
      const entries = await readAuditChain(wh);
      expect(entries.map((e) => [e.chain_seq, e.action_type])).toEqual([['1', 'LOAD'], ['2', 'TRANSFORM'], ['3', 'PUBLISH']]);
      expect(verifyAuditChain(entries)).toEqual({ ok: true, verified: 3, firstSeq: 1, lastSeq: 3 });
      const texts = await wh.query<{ t: string }>('select audit_entry_text(a) as t from audit_log as a order by chain_seq');
      expect(texts.map((r) => r.t)).toEqual(entries.map(canonicalText));
    });
  });

  it.each([
    ['UPDATE', "update audit_log set details = '{}'::jsonb where chain_seq = 1", /audit_log is append-only: UPDATE of audit entry \d+ rejected/],
    ['DELETE', 'delete from audit_log where chain_seq = 1', /audit_log is append-only: DELETE of audit entry \d+ rejected/],
    ['TRUNCATE', 'truncate audit_log', /audit_log is append-only: TRUNCATE rejected/],
  ])('rejects %s even from the owner', async (_op, sql, message) => {
    await withTestWarehouse(db, async (wh) => {
      expect(await errorOf(wh, sql)).toMatch(message);
      expect((await wh.query<{ n: number }>('select count(*)::int as n from audit_log'))[0]!.n).toBeGreaterThanOrEqual(3);
    });
  });

  it('reserves RETENTION entries for the purge function', async () => {
    await withTestWarehouse(db, async (wh) => {
      expect(await errorOf(wh, "select write_audit('RETENTION', 'audit_log', 1)")).toMatch(/reserved for purge_audit_log/);
    });
  });

  it('records the login and the role a READ came from (the definer function does not hide it)', async () => {
    await withTestWarehouse(db, async (wh) => {
      const [me] = await wh.query<{ login: string }>('select session_user as login');
      await wh.query('set role hw_analyst');
      try {
        await wh.query('select count(*) from get_dim_patients()');
      } finally {
        await wh.query('reset role');
      }
      const [read] = await wh.query<{ action_type: string; table_name: string; user_id: string; role_name: string }>(
        'select action_type, table_name, user_id, role_name from audit_log order by chain_seq desc limit 1',
      );
      expect(read).toEqual({ action_type: 'READ', table_name: 'dim_patients', user_id: me!.login, role_name: 'hw_analyst' });
      expect(verifyAuditChain(await readAuditChain(wh)).ok).toBe(true);
    });
  });

  it('names the first broken link when an entry is changed behind the triggers', async () => {
    await withTestWarehouse(db, async (wh) => {
      const { verdict, stored } = await inRolledBack(wh, async (tx) => {
        const [row] = await tx.query<{ audit_id: string; entry_hash: string }>('select audit_id::text, entry_hash from audit_log where chain_seq = 2');
        await tx.query('alter table audit_log disable trigger audit_log_append_only');
        await tx.query(`update audit_log set record_count = 999999 where chain_seq = 2`);
        return { verdict: verifyAuditChain(await readAuditChain(tx)), stored: row! };
      });
      expect(verdict).toMatchObject({ ok: false, verified: 1, auditId: stored.audit_id, chainSeq: '2', found: stored.entry_hash });
    });
  });

  it('names the gap when an entry is deleted behind the triggers', async () => {
    await withTestWarehouse(db, async (wh) => {
      const verdict = await inRolledBack(wh, async (tx) => {
        await tx.query('alter table audit_log disable trigger audit_log_append_only');
        await tx.query('delete from audit_log where chain_seq = 2');
        return verifyAuditChain(await readAuditChain(tx));
      });
      expect(verdict).toMatchObject({ ok: false, chainSeq: '3', problem: 'entries missing from the chain', expected: 'chain_seq 2', found: 'chain_seq 3' });
    });
  });

  it('retention archives and removes only the old prefix, records it, and the chain still verifies', async () => {
    const archiveDir = await mkdtemp(join(tmpdir(), 'audit-archive-'));
    await withTestWarehouse(db, async (wh) => {
      const before = await readAuditChain(wh);
      // The clock must move past the old entries (PGlite's clock has millisecond steps).
      await wh.query('select pg_sleep(0.01)');
      const [{ cutoff }] = (await wh.query<{ cutoff: string }>(`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cutoff`)) as [{ cutoff: string }];
      await wh.query('select pg_sleep(0.01)');
      await write(wh, 'LOAD', { run: 'after the cutoff' });

      const result = await applyRetention(wh, { audit: { cutoff, days: 1, entries: before.length, throughChainSeq: before.length } }, archiveDir);
      expect(result.audit?.removed).toBe(before.length);
      const archived = (await readFile(result.audit!.archive!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
      expect(archived).toEqual(before);

      const live = await readAuditChain(wh);
      expect(live.map((e) => e.action_type)).toEqual(['LOAD', 'RETENTION']);
      expect(JSON.parse(live[1]!.details)).toMatchObject({ through_chain_seq: before.length, anchor_hash: before.at(-1)!.entry_hash });
      expect(verifyAuditChain(live)).toMatchObject({ ok: true, verified: 2 });
      expect(verifyAuditChain([...archived, ...live])).toMatchObject({ ok: true, verified: before.length + 2 });

      expect(await errorOf(wh, 'delete from audit_log')).toMatch(/append-only: DELETE/);
      const again = await applyRetention(wh, { audit: { cutoff, days: 1, entries: 0, throughChainSeq: null } }, archiveDir);
      expect(again.audit).toEqual({ removed: 0 });
    });
  });

  // PGlite is one connection in one process: concurrent writers cannot happen there.
  it.runIf(kind.name === 'postgres')('chains concurrent writers one after another', async () => {
    const url = db.databaseUrl!;
    const clients = await Promise.all([connectPostgres(url), connectPostgres(url), connectPostgres(url)]);
    try {
      // Interleaved: B's insert waits on A's open transaction, then chains after it.
      const [a, b] = clients as [Warehouse, Warehouse, Warehouse];
      await a.query('begin');
      await write(a, 'LOAD', { writer: 'a' });
      await b.query('begin');
      const bInsert = write(b, 'LOAD', { writer: 'b' });
      await a.query('commit');
      await bInsert;
      await b.query('commit');
      // A burst from every client at once.
      await Promise.all(clients.map(async (c, i) => {
        for (let k = 0; k < 5; k++) await c.transaction((tx) => tx.query('select write_audit($1, $2, $3)', ['READ', `burst-${i}`, k]));
      }));
      const entries = await readAuditChain(clients[0]!);
      expect(verifyAuditChain(entries)).toMatchObject({ ok: true, verified: entries.length });
      expect(entries.filter((e) => e.table_name?.startsWith('burst-'))).toHaveLength(15);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
