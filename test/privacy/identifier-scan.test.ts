// No input identifier survives the pipeline: after a run on a generated batch, every value of every
// table in the warehouse, every file in the clean and published stores, and everything the pipeline
// logged is scanned for the raw identifiers of the landing files and for the reference system's
// unsalted SHA-256 name hashes. The landing and quarantine stores hold raw rows by design and are
// not scanned.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../lambdas/core/config.js';
import type { Logger, Progress } from '../../lambdas/ports.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { buildLocalDeps, localPaths } from '../../local/pipeline/local-deps.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { summarise } from '../../local/pipeline/summary.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, TEST_KEY } from '../helpers/run-pipeline.js';

const PATIENTS = 150;
const PROVIDERS = 8;

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const readCsv = async (path: string): Promise<Record<string, string>[]> =>
  parse(await readFile(path, 'utf8'), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];

interface Haystack {
  where: string;
  text: string;
}

describe.each(DATABASES)('Identifier scan on $name', (kind) => {
  let db: TestDatabase;
  let state: RunState;
  const logged: string[] = [];
  const haystacks: Haystack[] = [];
  let patients: Record<string, string>[] = [];
  let visits: Record<string, string>[] = [];
  const rawLanding: Haystack[] = [];

  beforeAll(async () => {
    db = await kind.create();
    const progress: Progress = {
      start: (step, total) => logged.push(`start ${step} ${total ?? ''}`),
      advance: (step, rows) => logged.push(`advance ${step} ${rows}`),
      done: (step, detail) => logged.push(`done ${step} ${detail ?? ''}`),
    };
    const log = (level: string) => (message: string, fields?: Record<string, unknown>) => logged.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    const logger: Logger = { info: log('info'), warn: log('warn'), error: log('error') };
    const consoles = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
    const deps = buildLocalDeps({
      workDir: db.workDir,
      databaseUrl: db.databaseUrl,
      config: defaultConfig,
      progress,
      logger,
      pseudonymKey: TEST_KEY,
    });
    try {
      state = await runLocal(deps, generatedInput(PATIENTS, PROVIDERS, 7));
      for (const spy of consoles) logged.push(...spy.mock.calls.map((args) => args.map(String).join(' ')));
      logged.push(JSON.stringify(state), JSON.stringify(summarise(state, { warehouse: kind.name, files: {}, totalMs: 0 })));

      // The warehouse: every relation in every non-system schema, each row cast to text.
      const warehouse = await deps.warehouse();
      const relations = await warehouse.query<{ schema: string; name: string }>(
        `select n.nspname as schema, c.relname as name
         from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p', 'v', 'm')
           and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
         order by 1, 2`,
      );
      for (const r of relations) {
        const rows = await warehouse.query<{ v: string }>(`select x::text as v from "${r.schema}"."${r.name}" as x`);
        haystacks.push({ where: `table ${r.schema}.${r.name}`, text: rows.map((x) => x.v).join('\n') });
      }
      haystacks.push({ where: 'pipeline output and logs', text: logged.join('\n') });
    } finally {
      for (const spy of consoles) spy.mockRestore();
      await deps.close();
    }
    const paths = localPaths(db.workDir);
    for (const store of [paths.clean, paths.published]) {
      for (const file of await filesUnder(store)) haystacks.push({ where: file, text: await readFile(file, 'utf8') });
    }
    const landing = await filesUnder(paths.landing);
    for (const file of landing) rawLanding.push({ where: file, text: await readFile(file, 'utf8') });
    patients = await readCsv(landing.find((f) => f.endsWith('synthetic_patients.csv'))!);
    visits = await readCsv(landing.find((f) => f.endsWith('synthetic_visits.csv'))!);
  }, 120_000);
  afterAll(() => db.drop());

  /** Every needle found anywhere, case-insensitively, as "what in where". */
  const hits = (needles: Map<string, string>, scanned: Haystack[] = haystacks): string[] => {
    const lowered = scanned.map((h) => ({ where: h.where, text: h.text.toLowerCase() }));
    const found: string[] = [];
    for (const [needle, what] of needles) {
      const n = needle.toLowerCase();
      for (const h of lowered) if (h.text.includes(n)) found.push(`${what} ${JSON.stringify(needle)} in ${h.where}`);
    }
    return found;
  };

  it('scans what it should: all warehouse tables, the clean and published files, the logs', () => {
    expect(patients).toHaveLength(PATIENTS);
    expect(visits.length).toBeGreaterThan(PATIENTS);
    const where = haystacks.map((h) => h.where).join('\n');
    for (const t of ['dim_patients', 'fact_visits', 'staging_patients', 'staging_visits', 'audit_log', 'published_cells', 'published_releases', 'quarantine_rows']) {
      expect(where).toContain(`.${t}\n`);
    }
    expect(where).toMatch(/clean.*patients\.csv/);
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
