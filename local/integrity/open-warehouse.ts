// The warehouse a simulate run left behind: the embedded PGlite folder under --dir, or the server in
// --database-url (or DATABASE_URL). Shared by the integrity CLIs (dq, audit-verify, retention).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { connectPostgres } from '../../lambdas/adapters/pg/pg-warehouse.js';
import { openPglite } from '../../lambdas/adapters/pglite/pglite-warehouse.js';
import { PipelineError } from '../../lambdas/core/errors.js';
import type { Warehouse } from '../../lambdas/ports.js';
import { localPaths } from '../pipeline/local-deps.js';

export const WAREHOUSE_OPTIONS = {
  dir: { type: 'string', default: '.warehouse' },
  'database-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function openWarehouse(o: { dir?: string; databaseUrl?: string }): Promise<Warehouse> {
  const url = o.databaseUrl ?? (process.env['DATABASE_URL'] || undefined);
  if (url) return connectPostgres(url);
  const pgliteDir = localPaths(resolve(o.dir ?? '.warehouse')).pglite;
  if (!existsSync(pgliteDir)) {
    throw new PipelineError('BLOB_NOT_FOUND', `no embedded warehouse at ${pgliteDir}`, 'run `npm run simulate` first, or pass --database-url');
  }
  return openPglite(pgliteDir);
}

/** Runs fn with an open warehouse and always closes it. */
export async function withWarehouse<T>(o: { dir?: string; databaseUrl?: string }, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await openWarehouse(o);
  try {
    return await fn(wh);
  } finally {
    await wh.close();
  }
}
