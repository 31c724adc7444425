// `npm run query`: SQL against the warehouse a simulate run left behind (embedded PGlite by default,
// or --database-url). A statement as an argument, a file with --file, or a prompt when given neither.
import './polyfills.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { splitQuery, postgreSplitterOptions } from 'dbgate-query-splitter';
import { PipelineError } from '../lambdas/core/errors.js';
import { connectPostgres } from '../lambdas/adapters/pg/pg-warehouse.js';
import { openPglite } from '../lambdas/adapters/pglite/pglite-warehouse.js';
import type { Warehouse } from '../lambdas/ports.js';
import { runCli } from './cli/run-cli.js';
import { formatTable } from './cli/format-table.js';
import { localPaths } from './pipeline/local-deps.js';
import { existsSync } from 'node:fs';

const USAGE = `usage: npm run query -- [SQL] [--file FILE.sql] [--json] [--dir DIR] [--database-url URL]
  with neither SQL nor --file, opens a prompt (end statements with ;, \\q to quit)`;

runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { file: { type: 'string' }, json: { type: 'boolean', default: false }, dir: { type: 'string' }, 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return void console.log(USAGE);
  const url = values['database-url'] ?? (process.env['DATABASE_URL'] || undefined);
  const pgliteDir = localPaths(resolve(values.dir ?? '.warehouse')).pglite;
  if (!url && !existsSync(pgliteDir)) throw new PipelineError('BLOB_NOT_FOUND', `no embedded warehouse at ${pgliteDir}`, 'run `npm run simulate` first, or pass --database-url');
  const wh = url ? await connectPostgres(url) : await openPglite(pgliteDir);
  try {
    const sql = values.file ? await readFile(values.file, 'utf8') : positionals.join(' ');
    if (sql.trim()) await runStatements(wh, sql, values.json ?? false);
    else await prompt(wh);
  } finally {
    await wh.close();
  }
});

async function runStatements(wh: Warehouse, sql: string, json: boolean): Promise<void> {
  for (const statement of splitQuery(sql, postgreSplitterOptions) as string[]) {
    const rows = await wh.query(statement);
    console.log(json ? JSON.stringify(rows) : formatTable(rows) + '\n');
  }
}

async function prompt(wh: Warehouse): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'warehouse> ' });
  let buffer = '';
  rl.prompt();
  for await (const line of rl) {
    if (line.trim() === '\\q') break;
    buffer += line + '\n';
    if (buffer.trim().endsWith(';')) {
      await runStatements(wh, buffer, false).catch((e: Error) => console.error(e instanceof PipelineError ? e.describe() : e.message));
      buffer = '';
    }
    rl.setPrompt(buffer ? '      ...> ' : 'warehouse> ');
    rl.prompt();
  }
  rl.close();
}
