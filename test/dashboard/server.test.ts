import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PORT,
  NO_DASHBOARD_MESSAGE,
  parseServeArgs,
  resolveDashboardFile,
  startDashboardServer,
} from '../../local/dashboard/server.js';

const root = mkdtempSync(join(tmpdir(), 'dashboard-serve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Function: parseServeArgs', () => {
  it.each([
    [[], {}],
    [['--port', '8080'], { port: 8080 }],
    [['--port=0'], { port: 0 }],
    [['--file', 'a/b.html'], { file: 'a/b.html' }],
    [['--dir=out/pub', '--port', '5000'], { dir: 'out/pub', port: 5000 }],
    [['--help'], { help: true }],
    [['-h'], { help: true }],
  ])('%j -> %j', (argv, expected) => {
    expect(parseServeArgs(argv)).toEqual(expected);
  });

  it.each([
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--file'], /--file needs a value/],
    [['--verbose'], /unknown argument "--verbose"/],
  ])('%j throws %s', (argv, message) => {
    expect(() => parseServeArgs(argv)).toThrow(message);
  });
});

describe('Function: resolveDashboardFile', () => {
  it('prefers DIR/dashboard.html', () => {
    const dir = join(root, 'preferred');
    mkdirSync(dir);
    writeFileSync(join(dir, 'dashboard.html'), 'a');
    writeFileSync(join(dir, 'other.html'), 'b');
    expect(resolveDashboardFile({ dir })).toBe(join(dir, 'dashboard.html'));
  });

  it('otherwise picks the newest .html in DIR', () => {
    const dir = join(root, 'newest');
    mkdirSync(dir);
    writeFileSync(join(dir, 'old.html'), 'a');
    writeFileSync(join(dir, 'new.html'), 'b');
    utimesSync(join(dir, 'old.html'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(resolveDashboardFile({ dir })).toBe(join(dir, 'new.html'));
  });

  it.each([
    ['a missing default dir', {}, join(root, 'nowhere')],
    ['a missing --dir', { dir: join(root, 'nope') }, root],
    ['a missing --file', { file: join(root, 'nope.html') }, root],
  ])('explains what to do for %s', (_, opts, cwd) => {
    expect(() => resolveDashboardFile(opts, cwd)).toThrow(NO_DASHBOARD_MESSAGE);
  });
});

describe('Function: startDashboardServer', () => {
  const dir = join(root, 'served');
  mkdirSync(dir);
  writeFileSync(join(dir, 'dashboard.html'), '<!doctype html><title>v1</title>');

  it('serves the latest file on 127.0.0.1 and re-reads it per request', async () => {
    const server = await startDashboardServer({ dir, port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const first = await fetch(server.url);
      expect(first.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await first.text()).toContain('v1');
      writeFileSync(join(dir, 'dashboard.html'), '<!doctype html><title>v2</title>');
      expect(await (await fetch(server.url)).text()).toContain('v2');
      expect((await fetch(`${server.url}favicon.ico`)).status).toBe(204);
      expect((await fetch(`${server.url}elsewhere`)).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it('picks a free port when the requested one is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const server = await startDashboardServer({ dir, port: taken });
    try {
      expect(server.requestedPort).toBe(taken);
      expect(server.port).not.toBe(taken);
      expect((await fetch(server.url)).status).toBe(200);
    } finally {
      await server.close();
      await new Promise((r) => blocker.close(r));
    }
  });

  it('defaults to port 4173', () => {
    expect(DEFAULT_PORT).toBe(4173);
  });

  it('refuses to start without a dashboard', async () => {
    await expect(startDashboardServer({ dir: join(root, 'empty') })).rejects.toThrow(NO_DASHBOARD_MESSAGE);
  });
});
