import type { BlobStore } from '../../ports.js';

/** Reads a small object (a manifest, a snapshot) whole. Never use for data files. */
export async function readText(store: BlobStore, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
