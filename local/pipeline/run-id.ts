// Run ids come from what the batch is, never from the clock: the same batch run again is the same
// run, so a rerun resumes or repeats it idempotently and spends no new privacy budget.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const generatedRunId = (o: { seed: number; patients: number; providers: number; maxVisits: number; asOf: string }): string =>
  `sim-s${o.seed}-p${o.patients}-r${o.providers}-v${o.maxVisits}-${o.asOf}`;

/** A digest of every CSV and manifest in the folder, streamed. */
export async function inputRunId(dir: string, asOf: string): Promise<string> {
  const hash = createHash('sha256');
  const names = (await readdir(dir)).filter((n) => n.endsWith('.csv') || n === 'manifest.json').sort();
  for (const name of names) {
    hash.update(`${name}\0`);
    for await (const chunk of createReadStream(join(dir, name))) hash.update(chunk as Buffer);
  }
  return `input-${hash.digest('hex').slice(0, 12)}-${asOf}`;
}
