// Opens the warehouse of a test database for a few statements, closing it after.
import type { Warehouse } from '../../../lambdas/ports.js';
import type { TestDatabase } from '../../helpers/databases.js';
import { testDeps } from '../../helpers/run-pipeline.js';

export async function withTestWarehouse<T>(db: TestDatabase, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const deps = testDeps(db);
  try {
    return await fn(await deps.warehouse());
  } finally {
    await deps.close();
  }
}

export const queryTest = <T extends Record<string, unknown>>(db: TestDatabase, sql: string, params: unknown[] = []): Promise<T[]> =>
  withTestWarehouse(db, (wh) => wh.query<T>(sql, params));

/** The error message of a statement expected to fail, or 'no error'. */
export async function errorOf(wh: Warehouse, sql: string): Promise<string> {
  try {
    await wh.query(sql);
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
}

/** One open warehouse for a whole test file (PGlite takes a moment to open). */
export function openTestWarehouse(db: TestDatabase): { warehouse: () => Promise<Warehouse>; close: () => Promise<void> } {
  const deps = testDeps(db);
  return { warehouse: deps.warehouse, close: deps.close };
}
