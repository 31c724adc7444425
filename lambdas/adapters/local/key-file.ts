// Offline pseudonym key: from PSEUDONYM_KEY (hex or base64) when set, else a key file created on
// first use with owner-only permissions. Losing the file means new pseudonyms: back it up.
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

export class KeyFileProvider implements KeyProvider {
  private key?: Promise<Uint8Array>;
  constructor(
    private readonly path: string,
    private readonly fromEnv?: string,
  ) {}

  pseudonymKey(): Promise<Uint8Array> {
    this.key ??= this.load();
    return this.key;
  }

  private async load(): Promise<Uint8Array> {
    if (this.fromEnv) return decodeKey(this.fromEnv, 'PSEUDONYM_KEY');
    try {
      return decodeKey(await readFile(this.path, 'utf8'), this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const key = randomBytes(KEY_BYTES);
    await writeFile(this.path, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    await chmod(this.path, 0o600);
    return new Uint8Array(key);
  }
}
