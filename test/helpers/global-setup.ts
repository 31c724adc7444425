// Creates an empty PGlite data folder once per test run; tests copy it instead of paying for
// initdb (several seconds) each time.
import { mkdir, rm } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { newTemplateDir } from './paths.js';

export default async function setup(): Promise<() => Promise<void>> {
  const PGLITE_TEMPLATE_DIR = newTemplateDir();
  process.env['PGLITE_TEMPLATE_DIR'] = PGLITE_TEMPLATE_DIR;
  await rm(PGLITE_TEMPLATE_DIR, { recursive: true, force: true });
  await mkdir(PGLITE_TEMPLATE_DIR, { recursive: true });
  const db = new PGlite(PGLITE_TEMPLATE_DIR);
  await db.waitReady;
  await db.close();
  return () => rm(PGLITE_TEMPLATE_DIR, { recursive: true, force: true });
}
