// The integrity CLIs end to end on an embedded warehouse (the --database-url path shares every line
// after opening the connection): exit codes and what they print.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, runPipeline } from '../helpers/run-pipeline.js';
import { queryDb, withTestWarehouse } from './support/warehouse.js';

const ROOT = join(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

async function cli(script: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [join(ROOT, 'local', script), ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' } });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

describe('Integrity CLIs on PGlite', () => {
  let db: TestDatabase;
  const dir = () => ['--dir', db.workDir];
  beforeAll(async () => {
    db = await DATABASES[0]!.create();
    await runPipeline(db, generatedInput(20, 4, 17), { config: { privacy: { noNoise: true } } });
  });
  afterAll(() => db.drop());

  it('dq passes a clean warehouse and audit:verify counts the entries', async () => {
    const dq = await cli('dq.ts', [...dir(), '--as-of', '2025-12-31']);
    expect(dq).toMatchObject({ code: 0, out: expect.stringMatching(/all 16 data tests passed/) });
    const verify = await cli('audit-verify.ts', dir());
    expect(verify).toMatchObject({ code: 0, out: expect.stringMatching(/audit chain intact: \d+ entries verified/) });
  });

  it('retention --dry-run prints the plan and changes nothing', async () => {
    const before = await queryDb<{ n: number }>(db, 'select count(*)::int as n from fact_visits');
    const run = await cli('retention.ts', [...dir(), '--as-of', '2031-06-30', '--years', '7', '--audit-days', '30', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/fact partitions: keep 7 years before 2031-06-30 \(cutoff 2024-06-30\)\n {2}would detach fact_visits_y\d{4}/);
    expect(run.out).toMatch(/audit log: keep 30 days .* would archive and remove \d+ entries/);
    expect(run.out).toContain('(dry run: nothing changed)');
    expect(await queryDb<{ n: number }>(db, 'select count(*)::int as n from fact_visits')).toEqual(before);
  });

  it('dq exits 1 naming the failing test; audit:verify exits 1 at a changed entry', async () => {
    await queryDb(db, "update dim_providers set specialty = '' where provider_key = (select min(provider_key) from dim_providers)");
    await withTestWarehouse(db, (wh) => wh.script(`begin;
      alter table audit_log disable trigger audit_log_append_only;
      update audit_log set app_user = 'mallory' where chain_seq = 2;
      alter table audit_log enable trigger audit_log_append_only;
      commit;`));
    const dq = await cli('dq.ts', dir());
    expect(dq.code).toBe(1);
    expect(dq.out).toMatch(/FAIL +dim_providers_not_null/);
    expect(dq.out).toMatch(/error \[DATA_TEST_FAILED\]: \d+ of 16 data tests failed: .*dim_providers_not_null/);
    const verify = await cli('audit-verify.ts', dir());
    expect(verify.code).toBe(1);
    expect(verify.out).toMatch(/audit chain broken at audit_id \d+ \(chain_seq 2\): entry changed after it was written/);
    expect(verify.out).toMatch(/expected: [0-9a-f]{64}\n {2}found: {4}[0-9a-f]{64}/);
  });
});
