// `npm run simulate` as a user runs it: a child process, its exit code, its output.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteTemplateDir } from '../helpers/paths.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

async function simulate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['local/simulate.ts', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('CLI: simulate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'simulate-cli-'));
    await cp(pgliteTemplateDir(), join(dir, 'work/pglite'), { recursive: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints one JSON summary as the last line under --json', async () => {
    const out = await simulate(['--patients', '60', '--providers', '5', '--json', '--dir', join(dir, 'work')]);
    expect(out.code).toBe(0);
    const summary = JSON.parse(out.stdout.trim().split('\n').at(-1)!);
    expect(summary.entities.patients).toMatchObject({ read: 60, loaded: 60, reconciles: true });
    expect(summary.privacy.epsilonSpent).toBeGreaterThan(0);
    expect(out.stderr).not.toMatch(/✓/);
  });

  it('runs the cloud path with --engine data-api: the same rows through the cloud adapters and doubles', async () => {
    const work = join(dir, 'cloud');
    await cp(pgliteTemplateDir(), join(work, 'pglite'), { recursive: true });
    const out = await simulate(['--engine', 'data-api', '--patients', '40', '--providers', '5', '--json', '--dir', work]);
    expect(out.code).toBe(0);
    const summary = JSON.parse(out.stdout.trim().split('\n').at(-1)!);
    expect(summary.warehouse).toMatch(/RDS Data API double on PGlite/);
    expect(summary.entities.patients).toMatchObject({ read: 40, loaded: 40, reconciles: true });
    expect(summary.files.dashboard).toBe(join(work, 'published/latest/dashboard.html'));
  });

  it('names the missing file and exits non-zero, without a stack trace', async () => {
    const input = join(dir, 'missing');
    await mkdir(input, { recursive: true });
    await writeFile(join(input, 'synthetic_patients.csv'), 'patient_id\n');
    const out = await simulate(['--input', input, '--dir', join(dir, 'work')]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/input file for providers not found: .*missing\/synthetic_providers\.csv/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the file and the missing column of a wrong header', async () => {
    const input = join(dir, 'bad-header');
    await cp(join(ROOT, 'test/fixtures/messy-export'), input, { recursive: true });
    await writeFile(join(input, 'synthetic_visits.csv'), 'visit_id,patient,provider_id,visit_date,visit_type,diagnosis,procedure_performed,cost\n');
    const out = await simulate(['--input', input, '--dir', join(dir, 'work'), '--as-of', '2025-12-31']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/bad-header\/synthetic_visits\.csv: missing required column patient_id/);
  });

  it('says which database it cannot reach', async () => {
    const out = await simulate(['--patients', '5', '--database-url', 'postgres://nobody:secret@127.0.0.1:1/nowhere', '--dir', join(dir, 'work')]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/DB_UNREACHABLE.*cannot connect to postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    expect(out.stderr).not.toContain('secret');
  });

  it('generates a FHIR Bulk export and runs it with --format fhir', async () => {
    const out = await simulate(['--format', 'fhir', '--patients', '30', '--providers', '4', '--json', '--dir', join(dir, 'fhir')]);
    expect(out.code).toBe(0);
    const summary = JSON.parse(out.stdout.trim().split('\n').at(-1)!);
    expect(summary.runId).toMatch(/-fhir$/);
    expect(summary.source.format).toBe('fhir');
    expect(summary.entities.patients).toMatchObject({ read: 30, loaded: 30, reconciles: true });
    expect(summary.entities.visits.reconciles).toBe(true);
  });

  it('names the mapping field that is wrong and exits non-zero', async () => {
    const input = join(dir, 'mapped');
    await mkdir(input, { recursive: true });
    await writeFile(join(input, 'people.csv'), 'id\n1\n');
    await writeFile(join(dir, 'mapping.json'), JSON.stringify({ mappingVersion: 1, entities: { patients: { file: 'people.csv', fields: { patient_id: { column: 'id' } } } } }));
    const out = await simulate(['--input', input, '--mapping', join(dir, 'mapping.json'), '--dir', join(dir, 'work')]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/mapping given to the run \(--mapping\) is not valid: entities\.patients\.fields\.date_of_birth: is required/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a bad option with the usage', async () => {
    const out = await simulate(['--patients', 'many']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/--patients must be a positive whole number, got "many"/);
    expect(out.stderr).toMatch(/usage: npm run simulate/);
  });

  it('rejects an unknown engine with the usage', async () => {
    const out = await simulate(['--engine', 'mysql']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/--engine must be one of direct, data-api, got "mysql"/);
  });
});
