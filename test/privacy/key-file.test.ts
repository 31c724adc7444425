// The offline pseudonym key: a key file created on first use with owner-only permissions and reused
// afterwards (so pseudonyms join across batches), PSEUDONYM_KEY overriding it, short keys refused.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KeyFileProvider } from '../../lambdas/adapters/local/key-file.js';
import { defaultConfig } from '../../lambdas/core/config.js';
import { silentLogger, silentProgress } from '../../lambdas/ports.js';
import { buildLocalDeps, localPaths } from '../../local/pipeline/local-deps.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput } from '../helpers/run-pipeline.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('Class: KeyFileProvider', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'key-file-test-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates a 32-byte key file with mode 0600 on first use and reuses it after', async () => {
    // Prepare
    const path = join(dir, 'secrets', 'pseudonym.key');

    // Act
    const first = await new KeyFileProvider(path).pseudonymKey();
    const second = await new KeyFileProvider(path).pseudonymKey();

    // Assess
    expect(first.byteLength).toBe(32);
    expect(await modeOf(path)).toBe(0o600);
    expect(await modeOf(join(dir, 'secrets'))).toBe(0o700);
    expect((await readFile(path, 'utf8')).trim()).toBe(hex(first));
    expect(hex(second)).toBe(hex(first));
  });

  it('uses PSEUDONYM_KEY (hex or base64) over the key file, and never writes it to disk', async () => {
    // Prepare
    const path = join(dir, 'pseudonym.key');
    await writeFile(path, 'b'.repeat(64), { mode: 0o600 });
    const key = 'c'.repeat(64);

    // Act
    const fromHex = await new KeyFileProvider(path, key).pseudonymKey();
    const fromBase64 = await new KeyFileProvider(path, Buffer.from(key, 'hex').toString('base64')).pseudonymKey();
    const absent = join(dir, 'never.key');
    await new KeyFileProvider(absent, key).pseudonymKey();

    // Assess
    expect(hex(fromHex)).toBe(key);
    expect(hex(fromBase64)).toBe(key);
    await expect(stat(absent)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    ['PSEUDONYM_KEY', (p: string) => new KeyFileProvider(p, 'abcd1234')],
    ['the key file', (p: string) => new KeyFileProvider(p)],
  ])('refuses a short key from %s with a message that says how to make one', async (where, make) => {
    // Prepare
    const path = join(dir, 'short.key');
    await writeFile(path, 'abcd1234\n', { mode: 0o600 });

    // Act / Assess
    await expect(make(path).pseudonymKey()).rejects.toMatchObject({
      code: 'BAD_CONFIG',
      message: expect.stringMatching(new RegExp(`${where === 'PSEUDONYM_KEY' ? 'PSEUDONYM_KEY' : 'short\\.key'} has 4 bytes; at least 32 are needed`)),
      hint: expect.stringContaining('openssl rand -hex 32'),
    });
  });
});

describe.each(DATABASES)('Key file through the pipeline on $name', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await kind.create();
  });
  afterAll(() => db.drop());

  const run = async (seed: number) => {
    // No pseudonymKey: the run must create or reuse the key file in the work dir.
    const deps = buildLocalDeps({ workDir: db.workDir, databaseUrl: db.databaseUrl, config: defaultConfig, progress: silentProgress, logger: silentLogger });
    try {
      await runLocal(deps, generatedInput(20, 3, seed));
      return await (await deps.warehouse()).query<{ ids: number; rows: number }>(
        'select count(distinct patient_id)::int as ids, count(*)::int as rows from dim_patients',
      );
    } finally {
      await deps.close();
    }
  };

  it('creates the key file 0600 on the first run and reuses it, so a patient keeps one pseudonym across batches', async () => {
    // Act: two batches with the same 20 patient ids (P0000001..P0000020), different attributes.
    await run(1);
    const keyPath = localPaths(db.workDir).keyFile;
    const key = await readFile(keyPath, 'utf8');
    const [after] = await run(2);

    // Assess
    expect(await modeOf(keyPath)).toBe(0o600);
    expect(await readFile(keyPath, 'utf8')).toBe(key);
    expect(after?.ids).toBe(20);
    expect(after?.rows).toBeGreaterThan(20); // changed attributes opened new versions of the same patients
  });
});
