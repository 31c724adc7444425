// `npm run watch --once`: a batch dropped into the local landing folder runs once.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteTemplateDir } from '../helpers/paths.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const watch = (dir: string) =>
  run(join(ROOT, 'node_modules/.bin/tsx'), ['local/watch.ts', '--once', '--dir', dir], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', PSEUDONYM_KEY: 'c'.repeat(64) } });

describe('CLI: watch', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'watch-cli-'));
    await cp(pgliteTemplateDir(), join(dir, 'pglite'), { recursive: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs a batch when its manifest arrives, and never twice', async () => {
    const batch = join(dir, 'landing/batches/drop-1');
    await cp(join(ROOT, 'test/fixtures/messy-export'), batch, { recursive: true });
    const before = await watch(dir);
    expect(before.stdout).not.toContain('run batch-drop-1');

    await writeFile(join(batch, 'manifest.json'), JSON.stringify({ asOf: '2025-12-31' }));
    const first = await watch(dir);
    expect(first.stdout).toContain('batches/drop-1/: run batch-drop-1');
    expect(first.stdout).toMatch(/visits\s+6\s+4\s+4\s+2\s+yes/);

    const second = await watch(dir);
    expect(second.stdout).not.toContain('run batch-drop-1');
  });
});
