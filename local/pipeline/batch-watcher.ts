// Finds complete batches in the landing store: a batch is a folder under batches/ whose manifest.json
// has arrived (operators drop it last). Pure apart from the store it is given.
import type { BlobStore } from '../../lambdas/ports.js';

export const BATCHES_PREFIX = 'batches/';
const MANIFEST = 'manifest.json';

/** Batch prefixes (e.g. `batches/2025-12-31-a/`) that have a manifest, sorted. */
export async function completeBatches(landing: BlobStore): Promise<string[]> {
  const keys = await landing.list(BATCHES_PREFIX);
  return keys.filter((k) => k.endsWith(`/${MANIFEST}`)).map((k) => k.slice(0, -MANIFEST.length)).sort();
}

/** The run id of a dropped batch: its folder name, so the same drop is the same run. */
export const batchRunId = (batchPrefix: string): string => `batch-${batchPrefix.slice(BATCHES_PREFIX.length).replace(/\/$/, '').replace(/[^A-Za-z0-9._-]/g, '_')}`;
