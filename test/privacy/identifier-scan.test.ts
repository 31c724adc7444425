// No input identifier survives the pipeline: after a run on a generated batch, every value of every
// table in the warehouse, every file in the clean and published stores, and everything the pipeline
// logged is scanned for the raw identifiers of the landing files and for the reference system's
// unsalted SHA-256 name hashes. The landing and quarantine stores hold raw rows by design and are
// not scanned.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { localPaths } from '../../local/pipeline/local-deps.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { filesUnder, findNeedles, runAndGather, type Haystack } from '../helpers/pipeline-scan.js';
import { generatedInput } from '../helpers/run-pipeline.js';

const PATIENTS = 150;
const PROVIDERS = 8;

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

const readCsv = async (path: string): Promise<Record<string, string>[]> =>
  parse(await readFile(path, 'utf8'), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];

describe.each(DATABASES)('Identifier scan on $name', (kind) => {
  let db: TestDatabase;
  let state: RunState;
  let logged: string[] = [];
  let haystacks: Haystack[] = [];
  let patients: Record<string, string>[] = [];
  let visits: Record<string, string>[] = [];
  const rawLanding: Haystack[] = [];

  beforeAll(async () => {
    db = await kind.create();
    ({ state, haystacks, logged } = await runAndGather(db, generatedInput(PATIENTS, PROVIDERS, 7)));
    const landing = await filesUnder(localPaths(db.workDir).landing);
    for (const file of landing) rawLanding.push({ where: file, text: await readFile(file, 'utf8') });
    patients = await readCsv(landing.find((f) => f.endsWith('synthetic_patients.csv'))!);
    visits = await readCsv(landing.find((f) => f.endsWith('synthetic_visits.csv'))!);
  }, 120_000);
  afterAll(() => db.drop());

  /** Every needle found anywhere, case-insensitively, as "what in where". */
  const hits = (needles: Map<string, string>, scanned: Haystack[] = haystacks): string[] => findNeedles(needles, scanned);

  it('scans what it should: all warehouse tables, the clean and published files, the logs', () => {
    expect(patients).toHaveLength(PATIENTS);
    expect(visits.length).toBeGreaterThan(PATIENTS);
    const where = haystacks.map((h) => h.where).join('\n');
    for (const t of ['dim_patients', 'fact_visits', 'staging_patients', 'staging_visits', 'audit_log', 'published_cells', 'published_releases', 'quarantine_rows']) {
      expect(where).toContain(`.${t}\n`);
    }
    expect(where).toMatch(/clean.*patients\/part-\d+\.csv/);
    expect(where).toMatch(/published.*snapshot\.json/);
    expect(haystacks.find((h) => h.where.includes('dim_patients'))?.text.split('\n')).toHaveLength(PATIENTS);
    expect(logged.some((l) => l.startsWith('done privatize'))).toBe(true);
  });

  it('finds no patient id, name, phone, email, address or visit id from the input', () => {
    // Prepare
    const needles = new Map<string, string>();
    for (const p of patients) {
      for (const field of ['patient_id', 'patient_name', 'phone', 'email', 'address'] as const) {
        if (p[field]) needles.set(p[field], field);
      }
    }
    for (const v of visits) needles.set(v['visit_id']!, 'visit_id');

    // Act / Assess
    expect(needles.size).toBeGreaterThan(5 * PATIENTS);
    expect(hits(needles)).toEqual([]);
    // Control: the same scan does find them in the raw landing files.
    const raw = rawLanding.map((h) => h.text.toLowerCase()).join('\n');
    expect([...needles.keys()].filter((n) => !raw.includes(n.toLowerCase()))).toEqual([]);
  });

  it("finds no unsalted SHA-256 of a patient's name (the reference system's pseudonym)", () => {
    // Prepare
    const needles = new Map<string, string>();
    for (const p of patients) {
      needles.set(sha256(p['patient_name']!), 'sha256(name)');
      needles.set(sha256(p['patient_name']!.toLowerCase()), 'sha256(lower(name))');
    }

    // Act / Assess
    expect(hits(needles)).toEqual([]);
  });

  it('leaves a notice beside the quarantine file: raw identifiable rows, restricted, short retention', async () => {
    // Act
    const dir = join(localPaths(db.workDir).quarantine, 'runs', state.runId);
    const notice = await readFile(join(dir, 'README.txt'), 'utf8');

    // Assess
    expect((await readdir(dir)).sort()).toEqual(['README.txt', 'quarantine.csv']);
    expect(notice).toMatch(/RESTRICTED/);
    expect(notice).toMatch(/RAW, IDENTIFIABLE/);
    expect(notice).toMatch(/short retention/);
    expect(notice).toContain('PRIVACY.md');
  });

  it('finds no full date of birth', () => {
    // Prepare: visit dates are kept (a limited data set), so a birth date that equals some visit date,
    // the batch date or the release period's start is indistinguishable from them and is not a needle.
    const legitimate = new Set([...visits.map((v) => v['visit_date']), state.asOf, `${state.asOf.slice(0, 7)}-01`]);
    const snapshotFrom = haystacks.find((h) => h.where.endsWith('latest/snapshot.json'))?.text.match(/"from": "([0-9-]+)"/)?.[1];
    if (snapshotFrom) legitimate.add(snapshotFrom);
    const needles = new Map<string, string>();
    for (const p of patients) if (!legitimate.has(p['date_of_birth'])) needles.set(p['date_of_birth']!, 'date_of_birth');

    // Act / Assess
    expect(needles.size).toBeGreaterThan(0.8 * PATIENTS);
    expect(hits(needles)).toEqual([]);
  });
});
