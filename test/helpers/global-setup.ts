// Creates an empty PGlite data folder once per test run; tests copy it instead of paying for
// initdb (several seconds) each time. Tags the run's server databases, and drops any a test left.
import { mkdir, rm } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { dropLeftoverDatabases } from './databases.js';
import { newTemplateDir } from './paths.js';

export default async function setup(): Promise<() => Promise<void>> {
  const PGLITE_TEMPLATE_DIR = newTemplateDir();
  process.env['PGLITE_TEMPLATE_DIR'] = PGLITE_TEMPLATE_DIR;
  process.env['HP_TEST_RUN'] = `${process.pid}_${Date.now().toString(36)}`;
  await rm(PGLITE_TEMPLATE_DIR, { recursive: true, force: true });
  await mkdir(PGLITE_TEMPLATE_DIR, { recursive: true });
  const db = new PGlite(PGLITE_TEMPLATE_DIR);
  await db.waitReady;
  await db.close();
  return async () => {
    await rm(PGLITE_TEMPLATE_DIR, { recursive: true, force: true });
    const serverUrl = process.env['DATABASE_URL'];
    if (!serverUrl) return;
    const left = await dropLeftoverDatabases(serverUrl);
    if (left.length > 0) console.warn(`dropped ${left.length} test database(s) a test left behind: ${left.join(', ')}`);
  };
}
