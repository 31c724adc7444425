// Run ids come from what the batch is, never from the clock: the same batch run again is the same
// run, so a rerun resumes or repeats it idempotently and spends no new privacy budget.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const generatedRunId = (o: { seed: number; patients: number; providers: number; maxVisits: number; asOf: string; format?: 'csv' | 'fhir' }): string =>
  `sim-s${o.seed}-p${o.patients}-r${o.providers}-v${o.maxVisits}-${o.asOf}${o.format === 'fhir' ? '-fhir' : ''}`;

/**
 * A digest of every CSV, NDJSON and JSON file (manifest, mapping) in the folder, streamed, and of how
 * the run was told to read them (--format, --mapping), when it was.
 */
export async function inputRunId(dir: string, asOf: string, source?: unknown): Promise<string> {
  const hash = createHash('sha256');
  if (source !== undefined) hash.update(`${JSON.stringify(source)}\0`);
  const names = (await readdir(dir)).filter((n) => /\.(csv|ndjson|json)$/i.test(n)).sort();
  for (const name of names) {
    hash.update(`${name}\0`);
    for await (const chunk of createReadStream(join(dir, name))) hash.update(chunk as Buffer);
  }
  return `input-${hash.digest('hex').slice(0, 12)}-${asOf}`;
}
