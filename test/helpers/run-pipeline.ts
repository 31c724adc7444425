// Runs the whole offline pipeline against a test database, the way `npm run simulate` does.
import { defaultConfig, type PipelineConfig } from '../../lambdas/core/config.js';
import { silentLogger, silentProgress, type Warehouse } from '../../lambdas/ports.js';
import type { RunInput, RunState } from '../../lambdas/steps/run-state.js';
import { buildLocalDeps, type LocalDeps, type LocalOptions } from '../../local/pipeline/local-deps.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import type { TestDatabase } from './databases.js';

export const TEST_KEY = 'a'.repeat(64);

export interface TestRunOptions {
  landingDir?: string;
  /** The data-api engine runs the cloud adapters on the cloud doubles (test/helpers/doubles). */
  engine?: LocalOptions['engine'];
  serveDoubles?: boolean;
  config?: Partial<Omit<PipelineConfig, 'privacy'>> & { privacy?: Partial<PipelineConfig['privacy']> };
}

export function testDeps(db: TestDatabase, o: TestRunOptions = {}): LocalDeps {
  const config: PipelineConfig = {
    ...defaultConfig,
    ...o.config,
    privacy: { ...defaultConfig.privacy, ...o.config?.privacy },
  };
  return buildLocalDeps({
    workDir: db.workDir,
    databaseUrl: db.databaseUrl,
    landingDir: o.landingDir,
    config,
    progress: silentProgress,
    logger: silentLogger,
    pseudonymKey: TEST_KEY,
    ...(o.engine ? { engine: o.engine } : {}),
    ...(o.serveDoubles === undefined ? {} : { serveDoubles: o.serveDoubles }),
  });
}

export const generatedInput = (patients: number, providers = 12, seed = 1, asOf = '2025-12-31'): RunInput => ({
  runId: `test-s${seed}-p${patients}`,
  batchPrefix: `batches/test-s${seed}-p${patients}/`,
  asOf,
  generate: { patients, providers, seed },
});

export async function runPipeline(db: TestDatabase, input: RunInput, o: TestRunOptions = {}): Promise<{ state: RunState; deps: LocalDeps }> {
  const deps = testDeps(db, o);
  try {
    return { state: await runLocal(deps, input), deps };
  } finally {
    await deps.close();
  }
}

/** Opens the warehouse of a test database for a few statements, closing it after. */
export async function withTestWarehouse<T>(db: TestDatabase, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const deps = testDeps(db);
  try {
    return await fn(await deps.warehouse());
  } finally {
    await deps.close();
  }
}

/** One query against a test database, on a connection opened and closed for it. */
export const queryDb = <T extends Record<string, unknown>>(db: TestDatabase, sql: string, params: unknown[] = []): Promise<T[]> =>
  withTestWarehouse(db, (wh) => wh.query<T>(sql, params));
