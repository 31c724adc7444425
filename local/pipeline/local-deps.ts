// Builds the ports for an offline run: four folders standing in for the four buckets, PGlite in a
// folder (or a real server when given a URL), a key file for pseudonyms, crypto randomness.
import { join } from 'node:path';
import { FsBlobStore } from '../../lambdas/adapters/local/fs-blob-store.js';
import { FsSqlSource } from '../../lambdas/adapters/local/fs-sql-source.js';
import { KeyFileProvider } from '../../lambdas/adapters/local/key-file.js';
import { connectPostgres } from '../../lambdas/adapters/pg/pg-warehouse.js';
import { openPglite } from '../../lambdas/adapters/pglite/pglite-warehouse.js';
import { createCryptoRandom } from '../../lambdas/adapters/random/crypto-random.js';
import { loadDashboardAssets } from '../../lambdas/adapters/dashboard-assets.js';
import type { PipelineConfig } from '../../lambdas/core/config.js';
import type { Logger, Progress, Warehouse } from '../../lambdas/ports.js';
import type { StepDeps } from '../../lambdas/steps/run-state.js';

import { seedFromTemplate } from '../setup/pglite-template.js';
import { REPO_ROOT } from './repo-root.js';

export const SQL_DIR = join(REPO_ROOT, 'sql');

export interface LocalOptions {
  /** Folder holding the local buckets, the embedded database and the key file. */
  workDir: string;
  /** A postgres:// URL; the embedded PGlite database is used when absent. */
  databaseUrl?: string;
  /** Read the batch from this folder instead of the local landing bucket. */
  landingDir?: string;
  config: PipelineConfig;
  progress: Progress;
  logger: Logger;
  /** PSEUDONYM_KEY from the environment, when set. */
  pseudonymKey?: string;
}

export interface LocalDeps extends StepDeps {
  /** Closes the warehouse if one was opened. */
  close(): Promise<void>;
  describeWarehouse(): string;
}

export const localPaths = (workDir: string) => ({
  landing: join(workDir, 'landing'),
  clean: join(workDir, 'clean'),
  quarantine: join(workDir, 'quarantine'),
  published: join(workDir, 'published'),
  pglite: join(workDir, 'pglite'),
  keyFile: join(workDir, 'secrets', 'pseudonym.key'),
});

export function buildLocalDeps(o: LocalOptions): LocalDeps {
  const paths = localPaths(o.workDir);
  let opened: Promise<Warehouse> | undefined;
  const warehouse = () =>
    (opened ??= o.databaseUrl ? connectPostgres(o.databaseUrl) : seedFromTemplate(paths.pglite).then(() => openPglite(paths.pglite)));
  return {
    landing: new FsBlobStore(o.landingDir ?? paths.landing),
    clean: new FsBlobStore(paths.clean),
    quarantine: new FsBlobStore(paths.quarantine),
    published: new FsBlobStore(paths.published),
    warehouse,
    keys: new KeyFileProvider(paths.keyFile, o.pseudonymKey),
    sql: new FsSqlSource(SQL_DIR),
    random: createCryptoRandom(),
    config: o.config,
    dashboardAssets: loadDashboardAssets,
    progress: o.progress,
    logger: o.logger,
    now: () => Date.now(),
    async close() {
      if (opened) await (await opened).close();
    },
    describeWarehouse: () => (o.databaseUrl ? 'postgres' : `PGlite in ${paths.pglite}`),
  };
}
