// Two batches from one synthetic population where the second revisits the first's patients: it holds
// every third visit, held back from the first, so a patient's new visit often sorts (by its pseudonym)
// before the ones already loaded and changes which visits are their first maxVisitsPerPatient; and every
// fourth of its patients arrives with a new state, which opens a new current version.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { INPUT_COLUMNS, INPUT_FILES } from '../../lambdas/core/contract/input-contract.js';
import { patientRows, providerRows, visitRows, type GeneratorOptions } from '../../lambdas/core/generate/synthetic-data.js';

type Line = Record<string, string>;

const csv = (columns: readonly string[], rows: Line[]) => stringify(rows, { header: true, columns: [...columns] });

/** Writes folders first/ and second/ under one landing folder; returns it. */
export async function writeOverlappingBatches(o: Omit<GeneratorOptions, 'asOf'> & { asOf?: string }): Promise<string> {
  const options: GeneratorOptions = { asOf: '2025-12-31', ...o };
  const providers = [...providerRows(options)];
  const patients = [...patientRows(options)];
  const visits = [...visitRows(options)];
  const heldBack = visits.filter((_, i) => i % 3 === 0);
  const revisited = new Set(heldBack.map((v) => v['patient_id']!));
  const secondPatients = patients
    .filter((p) => revisited.has(p['patient_id']!))
    .map((p, i) => (i % 4 === 0 ? { ...p, state: p['state'] === 'VT' ? 'WY' : 'VT' } : p));
  const root = await mkdtemp(join(tmpdir(), 'overlapping-batches-'));
  const write = async (name: string, files: Record<'patients' | 'providers' | 'visits', Line[]>) => {
    const dir = join(root, name);
    await mkdir(dir);
    for (const entity of ['patients', 'providers', 'visits'] as const) {
      await writeFile(join(dir, INPUT_FILES[entity]), csv(INPUT_COLUMNS[entity], files[entity]));
    }
  };
  await write('first', { patients, providers, visits: visits.filter((_, i) => i % 3 !== 0) });
  await write('second', { patients: secondPatients, providers, visits: heldBack });
  return root;
}
