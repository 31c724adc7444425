// Byte ranges of a stored object, for the chunk planner (sequential reads) and chunk readers (one
// range each). A store that offers `getRange` (S3's Range header, a file's start/end) is used as is,
// any other is read from the top and the prefix dropped.
import type { Readable } from 'node:stream';
import type { ReadBytes } from '../../core/chunks/plan-chunks.js';
import type { BlobStore } from '../../ports.js';

/** Bytes [start, end) of an object as a stream (end past the object's end: to its end). */
export async function openRange(store: BlobStore, key: string, start: number, end: number): Promise<AsyncIterable<Uint8Array>> {
  if (store.getRange) return store.getRange(key, start, end);
  return slice(await store.get(key), start, end);
}

async function* slice(source: Readable, start: number, end: number): AsyncGenerator<Uint8Array> {
  let at = 0;
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array>) {
      const from = Math.max(0, start - at);
      const to = Math.min(chunk.byteLength, end - at);
      at += chunk.byteLength;
      if (to > from) yield chunk.subarray(from, to);
      if (at >= end) return;
    }
  } finally {
    source.destroy();
  }
}

/**
 * The planner's ReadBytes over a stored object: one stream read in order; a read elsewhere than
 * where the last one ended opens a new range there.
 */
export function blobReadBytes(store: BlobStore, key: string): ReadBytes {
  let stream: AsyncIterator<Uint8Array> | undefined;
  let at = 0;
  let left: Uint8Array | undefined;
  return async (offset, maxLength) => {
    if (!stream || offset !== at) {
      await stream?.return?.();
      stream = (await openRange(store, key, offset, Infinity))[Symbol.asyncIterator]();
      at = offset;
      left = undefined;
    }
    if (!left?.byteLength) {
      const next = await stream.next();
      left = next.done ? new Uint8Array(0) : next.value;
    }
    const bytes = left.subarray(0, maxLength);
    left = left.subarray(bytes.byteLength);
    at += bytes.byteLength;
    return bytes;
  };
}
