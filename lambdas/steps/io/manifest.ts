// The batch manifest: dropped last into a batch folder, it names the batch's files (and, for another
// export than the reference's, its format and mapping) and so marks the batch complete. A batch folder
// without one is read with the reference file names, or in the format its file names show.
import { z } from 'zod';
import { PipelineError } from '../../core/errors.js';
import { INPUT_FILES } from '../../core/contract/input-contract.js';
import { INPUT_FORMATS } from '../../core/formats/input-format.js';
import type { BlobStore } from '../../ports.js';
import type { Entity } from '../run-state.js';
import { manifestKey } from './keys.js';
import { readText } from './read-text.js';

export const manifestSchema = z.object({
  contractVersion: z.literal(1).default(1),
  batchId: z.string().min(1).optional(),
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  files: z
    .object({ patients: z.string().min(1), providers: z.string().min(1), visits: z.string().min(1) })
    .partial()
    .default({}),
  /** csv (the reference's files, or any CSV with a mapping), synthea-csv or fhir; default: from the file names. */
  format: z.enum(INPUT_FORMATS).optional(),
  /** For csv: a mapping file's name in the batch folder, or the mapping itself (validated when read). */
  mapping: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;

export async function readManifest(store: BlobStore, batchPrefix: string): Promise<Manifest> {
  const key = manifestKey(batchPrefix);
  if (!(await store.exists(key))) return manifestSchema.parse({});
  let json: unknown;
  try {
    json = JSON.parse(await readText(store, key));
  } catch (e) {
    throw new PipelineError('BAD_INPUT', `manifest ${describe(store, key)} is not valid JSON`, 'fix or remove the manifest', { cause: e });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PipelineError('BAD_INPUT', `manifest ${describe(store, key)}: ${issue?.path.join('.')} ${issue?.message}`);
  }
  return parsed.data;
}

export const batchFileKeys = (batchPrefix: string, m: Manifest): Record<Entity, string> => ({
  patients: batchPrefix + (m.files.patients ?? INPUT_FILES.patients),
  providers: batchPrefix + (m.files.providers ?? INPUT_FILES.providers),
  visits: batchPrefix + (m.files.visits ?? INPUT_FILES.visits),
});

export function describe(store: BlobStore, key: string): string {
  const loc = store.locate(key);
  return loc.kind === 'file' ? loc.path : `s3://${loc.bucket}/${loc.key}`;
}
