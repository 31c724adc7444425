// Offline pseudonym key: from PSEUDONYM_KEY (hex or base64) when set, else a key file created on
// first use with owner-only permissions. Losing the file means new pseudonyms: back it up.
// After `npm run rotate-key` the file holds the key chain, one key per line, oldest first.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PipelineError } from '../../core/errors.js';
import type { KeyProvider } from '../../ports.js';

const KEY_BYTES = 32;

export function decodeKey(text: string, where: string): Uint8Array {
  const t = text.trim();
  const bytes = /^[0-9a-f]+$/i.test(t) && t.length % 2 === 0 ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (bytes.byteLength < KEY_BYTES) {
    throw new PipelineError('BAD_CONFIG', `pseudonym key from ${where} has ${bytes.byteLength} bytes; at least ${KEY_BYTES} are needed`, 'generate one with: openssl rand -hex 32');
  }
  return new Uint8Array(bytes);
}

/** A key chain: keys separated by newlines, commas or spaces, oldest first. */
export function decodeKeyChain(text: string, where: string): Uint8Array[] {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new PipelineError('BAD_CONFIG', `no pseudonym key in ${where}`, 'generate one with: openssl rand -hex 32');
  return parts.map((p, i) => decodeKey(p, parts.length > 1 ? `${where} (key ${i + 1})` : where));
}

/** The key file's text for a chain: one hex key per line. */
export const encodeKeyChain = (chain: readonly Uint8Array[]): string => chain.map((k) => Buffer.from(k).toString('hex')).join('\n') + '\n';

export class KeyFileProvider implements KeyProvider {
  private chain?: Promise<Uint8Array[]>;
  constructor(
    private readonly path: string,
    private readonly fromEnv?: string,
  ) {}

  async pseudonymKey(): Promise<Uint8Array> {
    return (await this.keyChain())[0]!;
  }

  keyChain(): Promise<Uint8Array[]> {
    this.chain ??= this.load();
    return this.chain;
  }

  private async load(): Promise<Uint8Array[]> {
    if (this.fromEnv) return decodeKeyChain(this.fromEnv, 'PSEUDONYM_KEY');
    try {
      return decodeKeyChain(await readFile(this.path, 'utf8'), this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const key = randomBytes(KEY_BYTES);
    await writeFile(this.path, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    await chmod(this.path, 0o600);
    return [new Uint8Array(key)];
  }
}
