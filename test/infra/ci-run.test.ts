// CI must not pass without the dashboard's browser test: .ci/run fails when Chromium cannot be
// installed, and the browser test fails (not skips) without Chromium when CI requires it. The script
// runs in a copy of its folder with stand-ins for apt-get, npm and pg_isready, so nothing is installed.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/pipeline/repo-root.js';

const scratch = mkdtempSync(join(tmpdir(), 'ci-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function fakeCommand(bin: string, name: string, script: string): void {
  writeFileSync(join(bin, name), `#!/usr/bin/env bash\n${script}\n`);
  chmodSync(join(bin, name), 0o755);
}

describe('Script: .ci/run', () => {
  it('fails before installing or testing anything when Chromium cannot be installed', () => {
    const root = join(scratch, 'repo');
    const bin = join(scratch, 'bin');
    const calls = join(scratch, 'calls.log');
    mkdirSync(join(root, '.ci'), { recursive: true });
    mkdirSync(bin, { recursive: true });
    cpSync(join(REPO_ROOT, '.ci', 'run'), join(root, '.ci', 'run'));
    fakeCommand(bin, 'apt-get', `echo "apt-get $*" >> "${calls}"; exit 100`);
    fakeCommand(bin, 'npm', `echo "npm $*" >> "${calls}"; exit 0`);
    fakeCommand(bin, 'pg_isready', 'exit 0');
    const run = spawnSync('bash', [join(root, '.ci', 'run')], {
      env: { PATH: `${bin}:${process.env['PATH']}`, HOME: scratch, CHROMIUM: join(scratch, 'no-such-chromium') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(/chromium could not be installed/);
    expect(run.stdout).toMatch(/0 passed, 1 failed/);
    const log = existsSync(calls) ? readFileSync(calls, 'utf8') : '';
    expect(log).toMatch(/^apt-get /m);
    expect(log).not.toMatch(/npm (ci|test)/);
  });
});

describe('Test: the dashboard in a browser', () => {
  // Just that file, without the suite's database set-up.
  const config = join(scratch, 'vitest.browser.config.mjs');
  writeFileSync(config, "export default { test: { include: ['test/dashboard/dashboard.browser.test.ts'] } };\n");
  const runBrowserTest = (env: Record<string, string>) =>
    spawnSync('npx', ['vitest', 'run', '--config', config, '--root', REPO_ROOT], {
      cwd: REPO_ROOT,
      env: { ...process.env, CHROMIUM_PATH: join(scratch, 'no-such-chromium'), DATABASE_URL: '', ...env },
      encoding: 'utf8',
      timeout: 180_000,
    });

  it('fails when CI requires it and Chromium is missing', () => {
    const run = runBrowserTest({ HW_REQUIRE_BROWSER: '1' });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/HW_REQUIRE_BROWSER=1 says this run must test the dashboard in a browser/);
  });

  it('is skipped, and says so, on a machine without Chromium when nothing requires it', () => {
    const run = runBrowserTest({ HW_REQUIRE_BROWSER: '' });
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/skipped/);
  });
});
