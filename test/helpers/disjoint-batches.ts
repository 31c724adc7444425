// Two batches from one synthetic population, split by patient: each holds half the patients and their
// visits, and both hold every provider. They share no patient or visit, as two sites' extracts would.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { INPUT_COLUMNS, INPUT_FILES } from '../../lambdas/core/contract/input-contract.js';
import { patientRows, providerRows, visitRows } from '../../lambdas/core/generate/synthetic-data.js';

export interface DisjointBatch {
  dir: string;
  patients: number;
  visits: number;
}

const csv = (columns: readonly string[], rows: Record<string, string>[]) => stringify(rows, { header: true, columns: [...columns] });

/** Writes `names.length` input folders; patient i goes to batch i mod n. */
export async function writeDisjointBatches(o: { patients: number; providers: number; seed: number; asOf?: string; names?: string[] }): Promise<DisjointBatch[]> {
  const names = o.names ?? ['a', 'b'];
  const options = { seed: o.seed, patients: o.patients, providers: o.providers, asOf: o.asOf ?? '2025-12-31' };
  const root = await mkdtemp(join(tmpdir(), 'disjoint-batches-'));
  const providers = [...providerRows(options)];
  const owner = new Map<string, number>();
  const patients: Record<string, string>[][] = names.map(() => []);
  let i = 0;
  for (const p of patientRows(options)) {
    const b = i++ % names.length;
    owner.set(p['patient_id']!, b);
    patients[b]!.push(p);
  }
  const visits: Record<string, string>[][] = names.map(() => []);
  for (const v of visitRows(options)) visits[owner.get(v['patient_id']!)!]!.push(v);
  return Promise.all(
    names.map(async (name, b) => {
      const dir = join(root, name);
      await mkdir(dir);
      await writeFile(join(dir, INPUT_FILES.providers), csv(INPUT_COLUMNS.providers, providers));
      await writeFile(join(dir, INPUT_FILES.patients), csv(INPUT_COLUMNS.patients, patients[b]!));
      await writeFile(join(dir, INPUT_FILES.visits), csv(INPUT_COLUMNS.visits, visits[b]!));
      return { dir, patients: patients[b]!.length, visits: visits[b]!.length };
    }),
  );
}
