// Warehouse helpers for the integrity tests.
import type { Warehouse } from '../../../lambdas/ports.js';
import { afterAll, beforeAll } from 'vitest';
import type { RunInput } from '../../../lambdas/steps/run-state.js';
import type { DatabaseKind, TestDatabase } from '../../helpers/databases.js';
import { migrate } from '../../../lambdas/steps/index.js';
import { runPipeline, testDeps } from '../../helpers/run-pipeline.js';

export { queryDb, withTestWarehouse } from '../../helpers/run-pipeline.js';

/** The error message of a statement expected to fail, or 'no error'. */
export async function errorOf(wh: Warehouse, sql: string): Promise<string> {
  try {
    await wh.query(sql);
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
}

/** Migrates a test database (no pipeline run), then runs fn on it and closes the connection. */
export async function withMigratedWarehouse(db: TestDatabase, fn: (wh: Warehouse) => Promise<void>): Promise<void> {
  const deps = testDeps(db);
  try {
    const wh = await deps.warehouse();
    await migrate(wh, deps.sql);
    await fn(wh);
  } finally {
    await deps.close();
  }
}

/** One open warehouse for a whole test file (PGlite takes a moment to open). */
export function openTestWarehouse(db: TestDatabase): { warehouse: () => Promise<Warehouse>; close: () => Promise<void> } {
  const deps = testDeps(db);
  return { warehouse: deps.warehouse, close: deps.close };
}

/**
 * For a describe block: a fresh database of `kind` with one pipeline run of `input` (no noise), and one
 * warehouse connection kept open for the block's tests.
 */
export function useRunWarehouse(kind: DatabaseKind, input: RunInput): { warehouse: () => Promise<Warehouse> } {
  let db: TestDatabase;
  let session: ReturnType<typeof openTestWarehouse>;
  beforeAll(async () => {
    db = await kind.create();
    await runPipeline(db, input, { config: { privacy: { noNoise: true } } });
    session = openTestWarehouse(db);
  });
  afterAll(async () => {
    await session.close();
    await db.drop();
  });
  return { warehouse: () => session.warehouse() };
}
