// A generated batch whose patients and visits no other batch has: the generator numbers ids from 1
// (P0000001, V000000001), so every generated batch would re-send the preloaded warehouse's first
// patients; these ids carry another letter (N0000001, W000000001), as a new site's extract would.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { INPUT_COLUMNS, INPUT_FILES } from '../../lambdas/core/contract/input-contract.js';
import { patientRows, providerRows, visitRows } from '../../lambdas/core/generate/synthetic-data.js';

const fresh = (row: Record<string, string>): Record<string, string> => ({
  ...row,
  patient_id: row['patient_id']?.replace(/^P/, 'N') ?? '',
  ...(row['visit_id'] ? { visit_id: row['visit_id'].replace(/^V/, 'W') } : {}),
});

/** Writes the three contract files of a fresh batch of `patients` into `dir`. */
export async function writeFreshBatch(dir: string, patients: number, seed: number): Promise<void> {
  const o = { seed, patients, providers: 50, asOf: '2025-12-31' };
  await mkdir(dir, { recursive: true });
  const csv = (entity: keyof typeof INPUT_FILES, rows: Iterable<Record<string, string>>) =>
    writeFile(join(dir, INPUT_FILES[entity]), stringify([...rows], { header: true, columns: [...INPUT_COLUMNS[entity]] }));
  await csv('providers', providerRows(o));
  await csv('patients', [...patientRows(o)].map(fresh));
  await csv('visits', [...visitRows(o)].map(fresh));
}
