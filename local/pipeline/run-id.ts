// Run ids come from what the batch is, never from the clock or the folder it sits in: the same batch
// run again is the same run, so a rerun resumes it (or reports it already loaded) and spends no new
// privacy budget.
import { createHash, type Hash } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const generatedRunId = (o: { seed: number; patients: number; providers: number; maxVisits: number; asOf: string; format?: 'csv' | 'fhir' }): string =>
  `sim-s${o.seed}-p${o.patients}-r${o.providers}-v${o.maxVisits}-${o.asOf}${o.format === 'fhir' ? '-fhir' : ''}`;

/**
 * The identity of a folder of input files: a digest of every file in it (names and bytes, streamed;
 * a manifest's asOf is inside it), of how the run was told to read them (--format, --mapping) when it
 * was, and of the batch date when the user gave one explicitly, since that date changes what the batch
 * loads. The day it runs and the folder's path are not part of it.
 */
export async function inputRunId(dir: string, explicitAsOf?: string, source?: unknown): Promise<string> {
  const hash = createHash('sha256');
  if (source !== undefined) hash.update(`${JSON.stringify(source)}\0`);
  const entries = await readdir(dir, { withFileTypes: true });
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  const names = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
  for (const name of names) {
    hash.update(`${name}\0`);
    await hashFile(hash, join(dir, name), buffer);
    hash.update('\0');
  }
  return `input-${hash.digest('hex').slice(0, 16)}${explicitAsOf ? `-${explicitAsOf}` : ''}`;
}

/**
 * Read into one buffer, again and again. A read stream made a new 64 KiB buffer per read: at 400k
 * patients (150 MB of files) about 27 MB of dead ones were still allocated when the anonymize step
 * started, and the main thread, which hardly allocates while the threads work, kept them through the
 * step's peak (`simulate --input` peak 299 MB before, 285 after, one run each).
 */
const READ_BYTES = 1 << 16;

async function hashFile(hash: Hash, path: string, into: Buffer): Promise<void> {
  const file = await open(path, 'r');
  try {
    for (let n: number; (n = (await file.read(into, 0, into.length, null)).bytesRead) > 0; ) hash.update(into.subarray(0, n));
  } finally {
    await file.close();
  }
}
