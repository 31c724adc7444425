// npm run rotate-key: a new key appended to the chain, every pseudonym re-keyed inside the warehouse in
// one transaction, cost_with_privacy drawn again, and new batches still joining the re-keyed patients.
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeyRing, rekeyPseudonymiser } from '../../lambdas/core/anonymize/key-ring.js';
import { defaultConfig } from '../../lambdas/core/config.js';
import { silentLogger, silentProgress } from '../../lambdas/ports.js';
import type { RunInput } from '../../lambdas/steps/run-state.js';
import { buildLocalDeps, localPaths, type LocalDeps } from '../../local/pipeline/local-deps.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { rotateKey } from '../../local/privacy/rotate-key.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput } from '../helpers/run-pipeline.js';

const first = generatedInput(30, 4, 21);
/** The same patients and visits again, as a new batch after the rotation. */
const again: RunInput = { ...first, runId: 'after-rotation', batchPrefix: 'batches/after-rotation/' };

describe.each(DATABASES)('rotate-key on $name', (kind) => {
  let db: TestDatabase;
  const keyFile = () => localPaths(db.workDir).keyFile;
  /** Deps that read the key file (no PSEUDONYM_KEY), as simulate does. */
  const deps = (): LocalDeps =>
    buildLocalDeps({ workDir: db.workDir, databaseUrl: db.databaseUrl, config: defaultConfig, progress: silentProgress, logger: silentLogger });
  const withDeps = async <T>(fn: (d: LocalDeps) => Promise<T>): Promise<T> => {
    const d = deps();
    try {
      return await fn(d);
    } finally {
      await d.close();
    }
  };
  const ids = () =>
    withDeps(async (d) => {
      const wh = await d.warehouse();
      return {
        patients: (await wh.query<{ patient_id: string }>('select patient_id from dim_patients order by patient_key')).map((r) => r.patient_id),
        visits: await wh.query<{ visit_key: string; visit_id: string; cwp: string }>('select visit_key::text, visit_id, cost_with_privacy::text as cwp from fact_visits order by visit_key'),
      };
    });

  let before: Awaited<ReturnType<typeof ids>>;
  let oldChain: string;
  const newKey = new Uint8Array(randomBytes(32));

  beforeAll(async () => {
    db = await kind.create();
    await withDeps((d) => runLocal(d, first));
    before = await ids();
    oldChain = await readFile(keyFile(), 'utf8');
  });
  afterAll(() => db.drop());

  it('refuses while a batch is running, and changes nothing', async () => {
    // Prepare
    await withDeps(async (d) => (await d.warehouse()).query("insert into batch_ledger (batch_key, run_id, status) values ('busy/', 'busy', 'running')"));

    // Act / Assess
    await expect(withDeps(async (d) => rotateKey({ warehouse: await d.warehouse(), keyFile: keyFile(), privacy: defaultConfig.privacy, newKey }))).rejects.toThrow(
      /cannot rotate while a batch is running: busy\//,
    );
    expect(await readFile(keyFile(), 'utf8')).toBe(oldChain);
    expect(existsSync(`${keyFile()}.next`)).toBe(false);
    expect(await ids()).toEqual(before);
    await withDeps(async (d) => (await d.warehouse()).query("update batch_ledger set status = 'failed' where batch_key = 'busy/'"));
  });

  it('re-keys every pseudonym and redraws the per-row noise in one transaction, and appends the key', async () => {
    // Act
    const result = await withDeps(async (d) => rotateKey({ warehouse: await d.warehouse(), keyFile: keyFile(), privacy: defaultConfig.privacy, newKey }));
    const after = await ids();

    // Assess
    const rekey = rekeyPseudonymiser(newKey);
    expect(result).toMatchObject({ epoch: 1, patients: before.patients.length, visits: before.visits.length, resumed: false });
    expect(after.patients).toEqual(before.patients.map((p) => rekey('patient', p)));
    expect(after.visits.map((v) => v.visit_id)).toEqual(before.visits.map((v) => rekey('visit', v.visit_id)));
    const changed = after.visits.filter((v, i) => v.cwp !== before.visits[i]!.cwp).length;
    expect(changed).toBeGreaterThan(after.visits.length * 0.9);
    const chain = (await readFile(keyFile(), 'utf8')).trim().split('\n');
    expect(chain).toEqual([oldChain.trim(), Buffer.from(newKey).toString('hex')]);
    expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
  });

  it('leaves no old pseudonym in any warehouse table, and records the rotation', async () => {
    // Act
    const found = await withDeps(async (d) => {
      const wh = await d.warehouse();
      const tables = await wh.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'");
      const text = (await Promise.all(tables.map(async (t) => JSON.stringify(await wh.query(`select * from ${t.table_name}`))))).join('\n');
      const epochs = await wh.query<{ epoch: number }>('select epoch from pseudonym_key_epochs order by epoch');
      const [audit] = await wh.query<{ details: { epoch: number } }>("select details from audit_log where action_type = 'KEY_ROTATION'");
      return { text, epochs, audit };
    });

    // Assess
    for (const old of [...before.patients, ...before.visits.map((v) => v.visit_id)]) expect(found.text).not.toContain(old);
    expect(found.epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(found.audit?.details.epoch).toBe(1);
  });

  it('lets the same patients arrive again under the new chain and join the re-keyed warehouse', async () => {
    // Act
    await withDeps((d) => runLocal(d, again));
    const after = await ids();

    // Assess: no new patient, no new visit: the chain gives the re-keyed pseudonyms.
    expect(after.patients).toHaveLength(before.patients.length);
    expect(after.visits).toHaveLength(before.visits.length);
    expect(openKeyRing(((await readFile(keyFile(), 'utf8')).trim().split('\n')).map((h) => Uint8Array.from(Buffer.from(h, 'hex')))).size).toBe(2);
  });

  it('refuses a key file that is not the warehouse\'s, and finishes a rotation whose key swap was interrupted', async () => {
    // Prepare: the current file back, as if an old backup were restored.
    const current = await readFile(keyFile(), 'utf8');
    await writeFile(keyFile(), oldChain, { mode: 0o600 });

    // Act / Assess
    await expect(withDeps(async (d) => rotateKey({ warehouse: await d.warehouse(), keyFile: keyFile(), privacy: defaultConfig.privacy }))).rejects.toThrow(
      /is not the key the warehouse's pseudonyms are under/,
    );

    // Prepare: the committed chain left in .next, the old file in place (a crash before the rename).
    await writeFile(`${keyFile()}.next`, current, { mode: 0o600 });

    // Act
    const resumed = await withDeps(async (d) => rotateKey({ warehouse: await d.warehouse(), keyFile: keyFile(), privacy: defaultConfig.privacy }));

    // Assess
    expect(resumed).toMatchObject({ resumed: true, epoch: 1 });
    expect(await readFile(keyFile(), 'utf8')).toBe(current);
    expect(existsSync(`${keyFile()}.next`)).toBe(false);
  });
});
