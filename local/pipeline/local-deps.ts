// Builds the ports for an offline run: four folders standing in for the four buckets, PGlite in a
// folder (or a real server when given a URL), a key file for pseudonyms, crypto randomness. With the
// data-api engine the same folders and database sit behind the cloud doubles and the steps use the
// cloud adapters (S3, the RDS Data API, Secrets Manager), as they do in Lambda (local-cloud.ts).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '../../lambdas/adapters/local/fs-blob-store.js';
import { anonymizeThreads } from '../../lambdas/adapters/workers/anonymize-threads.js';
import { FsSqlSource } from '../../lambdas/adapters/local/fs-sql-source.js';
import { KeyFileProvider } from '../../lambdas/adapters/local/key-file.js';
import { connectPostgres } from '../../lambdas/adapters/pg/pg-warehouse.js';
import { createCryptoRandom } from '../../lambdas/adapters/random/crypto-random.js';
import { loadDashboardAssets } from '../../lambdas/adapters/dashboard-assets.js';
import type { PipelineConfig } from '../../lambdas/core/config.js';
import type { BlobLocation, Logger, Progress, Warehouse } from '../../lambdas/ports.js';
import type { StepDeps } from '../../lambdas/steps/run-state.js';

import type { Engine } from './engines.js';
import { startLocalCloud, type LocalCloud } from './local-cloud.js';
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
  /**
   * Worker threads for the anonymize step's chunks (direct engine); 1 runs them in this thread.
   * @default os.availableParallelism()
   */
  workers?: number;
  /** 'direct': the local adapters. 'data-api': the cloud adapters on the cloud doubles. @default 'direct' */
  engine?: Engine;
  /** With the data-api engine: serve the doubles over HTTP (off when a test routes the SDK clients itself). @default true */
  serveDoubles?: boolean;
}


export interface LocalDeps extends StepDeps {
  /** Closes the warehouse if one was opened. */
  close(): Promise<void>;
  describeWarehouse(): string;
  /** The local file behind a store location, for summaries. */
  pathOf(location: BlobLocation): string;
  /** The cloud doubles behind the data-api engine. */
  cloud?: LocalCloud;
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
  const keys = new KeyFileProvider(paths.keyFile, o.pseudonymKey);
  const common = {
    sql: new FsSqlSource(SQL_DIR),
    random: createCryptoRandom(),
    config: o.config,
    dashboardAssets: loadDashboardAssets,
    progress: o.progress,
    logger: o.logger,
    now: () => Date.now(),
  };
  const database = o.databaseUrl ? 'postgres' : `PGlite in ${paths.pglite}`;
  if (o.engine === 'data-api') {
    const cloud = startLocalCloud({
      folders: { landing: o.landingDir ?? paths.landing, clean: paths.clean, quarantine: paths.quarantine, published: paths.published },
      database: o.databaseUrl ? { url: o.databaseUrl } : { pgliteDir: paths.pglite },
      keySource: keys,
      ...(o.serveDoubles === undefined ? {} : { serve: o.serveDoubles }),
    });
    let seeded: Promise<void> | undefined;
    return {
      ...common,
      ...cloud.stores,
      // The double opens PGlite on its first call; seed the folder from the template before that.
      warehouse: async () => {
        if (!o.databaseUrl) await (seeded ??= import('../setup/pglite-template.js').then((t) => t.seedFromTemplate(paths.pglite)));
        return cloud.warehouse;
      },
      keys: cloud.keys,
      cloud,
      close: () => cloud.close(),
      describeWarehouse: () => `the RDS Data API double on ${database}`,
      pathOf: cloud.pathOf,
    };
  }
  const landing = new FsBlobStore(o.landingDir ?? paths.landing);
  const clean = new FsBlobStore(paths.clean);
  const workers = o.workers ?? availableParallelism();
  const runner = workers > 1 ? anonymizeThreads(workers) : undefined;
  let opened: Promise<Warehouse> | undefined;
  const warehouse = () => (opened ??= o.databaseUrl ? connectPostgres(o.databaseUrl) : openSeededPglite(paths.pglite));
  return {
    ...common,
    landing,
    clean,
    ...(runner ? { chunks: { runner, stores: { landing: landing.root, clean: clean.root } } } : {}),
    quarantine: new FsBlobStore(paths.quarantine),
    published: new FsBlobStore(paths.published),
    warehouse,
    keys,
    async close() {
      await runner?.close();
      if (opened) await (await opened).close();
    },
    describeWarehouse: () => database,
    pathOf: (location) => (location.kind === 'file' ? location.path : `s3://${location.bucket}/${location.key}`),
  };
}

/**
 * The embedded database, seeded from the template on first use. PGlite's modules are loaded here, not
 * at startup: they weigh about 40 MB, which a run on a server would carry through its whole peak.
 */
async function openSeededPglite(dir: string): Promise<Warehouse> {
  const [{ seedFromTemplate }, { openPglite }] = await Promise.all([import('../setup/pglite-template.js'), import('../../lambdas/adapters/pglite/pglite-warehouse.js')]);
  await seedFromTemplate(dir);
  return openPglite(dir);
}
