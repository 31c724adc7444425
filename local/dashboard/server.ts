// Serves the latest published dashboard over node:http on 127.0.0.1. The file is re-read on every
// request, so a new `npm run simulate` shows up on reload without restarting the server.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { PipelineError } from '../../lambdas/core/errors.js';

export const DEFAULT_DASHBOARD_DIR = '.warehouse/published/latest';
export const DASHBOARD_FILE_NAME = 'dashboard.html';
export const DEFAULT_PORT = 4173;
export const HOST = '127.0.0.1';
export const NO_DASHBOARD_MESSAGE = 'no dashboard yet: run npm run simulate first';

export const USAGE = `usage: npm run dashboard -- [--file PATH | --dir DIR] [--port N]

  --file PATH  serve this HTML file
  --dir DIR    serve DIR/${DASHBOARD_FILE_NAME}, or the newest .html file in DIR
               (default: ${DEFAULT_DASHBOARD_DIR})
  --port N     port on ${HOST} (default: ${DEFAULT_PORT}; a free one is picked if it is taken; 0 = any free port)`;

export interface ServeOptions {
  /** An exact file to serve; wins over dir. */
  readonly file?: string;
  /** @default '.warehouse/published/latest' */
  readonly dir?: string;
  /** @default 4173 */
  readonly port?: number;
}

export type ServeArgs = (ServeOptions & { readonly help?: false }) | { readonly help: true };

/** Parses `--file PATH --dir DIR --port N` (also `--flag=value`). Throws a PipelineError on anything else. */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const out: { file?: string; dir?: string; port?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return { help: true };
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag !== '--file' && flag !== '--dir' && flag !== '--port') {
      throw new PipelineError('BAD_CONFIG', `unknown argument "${arg}"`, USAGE);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new PipelineError('BAD_CONFIG', `${flag} needs a value`, USAGE);
    if (flag === '--port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new PipelineError('BAD_CONFIG', `--port must be a whole number from 0 to 65535, got "${value}"`, USAGE);
      }
      out.port = port;
    } else {
      out[flag === '--file' ? 'file' : 'dir'] = value;
    }
  }
  return out;
}

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * The dashboard file to serve: --file as given, else DIR/dashboard.html, else the newest .html in DIR.
 * Throws a PipelineError (BLOB_NOT_FOUND) saying how to make one when there is none.
 */
export function resolveDashboardFile(opts: Pick<ServeOptions, 'file' | 'dir'>, cwd: string = process.cwd()): string {
  if (opts.file !== undefined) {
    const file = resolve(cwd, opts.file);
    if (isFile(file)) return file;
    throw new PipelineError('BLOB_NOT_FOUND', `${NO_DASHBOARD_MESSAGE} (${file} does not exist)`, 'check the --file path');
  }
  const dir = resolve(cwd, opts.dir ?? DEFAULT_DASHBOARD_DIR);
  const preferred = join(dir, DASHBOARD_FILE_NAME);
  if (isFile(preferred)) return preferred;
  let newest: { path: string; mtime: number } | undefined;
  try {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.html')) continue;
      const path = join(dir, name);
      if (!isFile(path)) continue;
      const mtime = statSync(path).mtimeMs;
      if (!newest || mtime > newest.mtime) newest = { path, mtime };
    }
  } catch {
    // a missing directory means no dashboard, reported below
  }
  if (newest) return newest.path;
  throw new PipelineError(
    'BLOB_NOT_FOUND',
    `${NO_DASHBOARD_MESSAGE} (no ${DASHBOARD_FILE_NAME} in ${dir})`,
    'or pass --file PATH / --dir DIR to serve a dashboard from elsewhere',
  );
}

export interface DashboardServer {
  readonly url: string;
  readonly port: number;
  /** The port asked for; differs from port when it was taken and a free one was picked. */
  readonly requestedPort: number;
  /** The file being served at start-up (re-resolved per request). */
  readonly file: string;
  close(): Promise<void>;
}

const listen = (server: Server, port: number): Promise<void> =>
  new Promise((resolveListen, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolveListen();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });

/** Starts serving on 127.0.0.1; checks that a dashboard exists first. */
export async function startDashboardServer(opts: ServeOptions = {}, cwd: string = process.cwd()): Promise<DashboardServer> {
  const file = resolveDashboardFile(opts, cwd);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path !== '/' && path !== '/index.html' && path !== `/${DASHBOARD_FILE_NAME}`) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: the dashboard is at /\n');
      return;
    }
    let body: Buffer;
    try {
      body = readFileSync(resolveDashboardFile(opts, cwd));
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`${NO_DASHBOARD_MESSAGE}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': body.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  const requestedPort = opts.port ?? DEFAULT_PORT;
  try {
    await listen(server, requestedPort);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    await listen(server, 0);
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/`,
    port,
    requestedPort,
    file,
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((err) => (err ? fail(err) : done()));
        server.closeAllConnections();
      }),
  };
}
