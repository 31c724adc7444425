// Small hand-written batches: a temporary landing folder holding the three input files.
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BAD_BATCH = join(import.meta.dirname, '../../fixtures/bad-batch');

export const PATIENTS_HEADER = 'patient_id,patient_name,date_of_birth,gender,phone,email,address,city,state,zip_code';
export const PROVIDERS_HEADER = 'provider_id,provider_name,specialty,phone,email';
export const VISITS_HEADER = 'visit_id,patient_id,provider_id,visit_date,visit_type,diagnosis,procedure_performed,cost';

export interface BatchFiles {
  patients: string[];
  providers: string[];
  visits: string[];
}

/**
 * Writes a batch into its own folder under a new landing folder. The batch ledger allows one run per
 * batch folder, so successive batches need distinct names.
 */
export async function writeBatch(files: BatchFiles, name = 'batch'): Promise<{ landingDir: string; batchPrefix: string }> {
  const landingDir = await mkdtemp(join(tmpdir(), 'integrity-landing-'));
  const dir = join(landingDir, name);
  await mkdir(dir);
  await writeFile(join(dir, 'synthetic_patients.csv'), [PATIENTS_HEADER, ...files.patients].join('\n') + '\n');
  await writeFile(join(dir, 'synthetic_providers.csv'), [PROVIDERS_HEADER, ...files.providers].join('\n') + '\n');
  await writeFile(join(dir, 'synthetic_visits.csv'), [VISITS_HEADER, ...files.visits].join('\n') + '\n');
  return { landingDir, batchPrefix: `${name}/` };
}

/** The bad batch with one of its files replaced by a variant from a subfolder (wrong-header/, empty/). */
export async function badBatchWith(variant: 'wrong-header' | 'empty'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `bad-batch-${variant}-`));
  for (const f of ['synthetic_patients.csv', 'synthetic_providers.csv', 'synthetic_visits.csv']) await cp(join(BAD_BATCH, f), join(dir, f));
  await cp(join(BAD_BATCH, variant), dir, { recursive: true });
  return dir;
}
