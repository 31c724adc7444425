// An empty, initialised PGlite data folder made once at `npm ci` (postinstall), so the first
// `npm run simulate` copies it (well under a second) instead of running initdb (several seconds).
import { cp, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { REPO_ROOT } from '../pipeline/repo-root.js';

export const PGLITE_TEMPLATE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'health-pipeline', 'pglite-empty');

const isDataDir = (dir: string) => stat(join(dir, 'PG_VERSION')).then(() => true, () => false);

export async function preparePgliteTemplate(dir = PGLITE_TEMPLATE_DIR): Promise<void> {
  if (await isDataDir(dir)) return;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const db = new PGlite(dir);
  await db.waitReady;
  await db.close();
}

/** Seeds a new data folder from the template when both allow it; otherwise PGlite runs initdb itself. */
export async function seedFromTemplate(dataDir: string, template = PGLITE_TEMPLATE_DIR): Promise<void> {
  if ((await isDataDir(dataDir)) || !(await isDataDir(template))) return;
  await cp(template, dataDir, { recursive: true });
}
