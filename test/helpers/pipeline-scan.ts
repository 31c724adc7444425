// Runs the pipeline and gathers everything it left that is not raw by design, for identifier scans:
// every relation of the warehouse (each row cast to text), every clean and published file, and every
// line the pipeline logged (progress, logger, console, the final state and summary). The landing and
// quarantine stores hold raw rows by design and are not gathered.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';
import { defaultConfig } from '../../lambdas/core/config.js';
import type { Logger, Progress } from '../../lambdas/ports.js';
import type { RunInput, RunState } from '../../lambdas/steps/run-state.js';
import { buildLocalDeps, localPaths } from '../../local/pipeline/local-deps.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { summarise } from '../../local/pipeline/summary.js';
import type { DatabaseKind, TestDatabase } from './databases.js';
import { TEST_KEY } from './run-pipeline.js';

export interface Haystack {
  where: string;
  text: string;
}

export interface ScannedRun {
  state: RunState;
  haystacks: Haystack[];
  logged: string[];
}

export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

export async function runAndGather(db: TestDatabase, input: RunInput, o: { landingDir?: string } = {}): Promise<ScannedRun> {
  const logged: string[] = [];
  const haystacks: Haystack[] = [];
  const progress: Progress = {
    start: (step, total) => logged.push(`start ${step} ${total ?? ''}`),
    advance: (step, rows) => logged.push(`advance ${step} ${rows}`),
    done: (step, detail) => logged.push(`done ${step} ${detail ?? ''}`),
  };
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => logged.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { info: log('info'), warn: log('warn'), error: log('error') };
  const consoles = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
  const deps = buildLocalDeps({ workDir: db.workDir, databaseUrl: db.databaseUrl, landingDir: o.landingDir, config: defaultConfig, progress, logger, pseudonymKey: TEST_KEY });
  let state: RunState;
  try {
    state = await runLocal(deps, input);
    for (const spy of consoles) logged.push(...spy.mock.calls.map((args) => args.map(String).join(' ')));
    logged.push(JSON.stringify(state), JSON.stringify(summarise(state, { warehouse: 'scan', files: {}, totalMs: 0 })));
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
  return { state, haystacks, logged };
}

/** Every needle found anywhere, case-insensitively, as "what "needle" in where". */
export function findNeedles(needles: ReadonlyMap<string, string>, haystacks: readonly Haystack[]): string[] {
  const lowered = haystacks.map((h) => ({ where: h.where, text: h.text.toLowerCase() }));
  const found: string[] = [];
  for (const [needle, what] of needles) {
    const n = needle.toLowerCase();
    for (const h of lowered) if (h.text.includes(n)) found.push(`${what} ${JSON.stringify(needle)} in ${h.where}`);
  }
  return found;
}

/** For a describe block: a fresh database of `kind`, one gathered run of `input`, dropped after the block. */
export function useGatheredRun(kind: DatabaseKind, input: RunInput, landingDir?: string): { db: () => TestDatabase; run: () => ScannedRun } {
  let db: TestDatabase;
  let run: ScannedRun;
  beforeAll(async () => {
    db = await kind.create();
    run = await runAndGather(db, input, { landingDir });
  });
  afterAll(() => db.drop());
  return { db: () => db, run: () => run };
}
