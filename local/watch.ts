// `npm run watch`: watches the local landing folder the way EventBridge watches the landing bucket.
// A batch folder under .warehouse/landing/batches/ starts a run when its manifest.json appears; the
// batch ledger in the warehouse makes sure each batch runs once, whatever the watcher sees twice.
import './polyfills.js';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../lambdas/core/config.js';
import { isPipelineError } from '../lambdas/core/errors.js';
import { silentLogger } from '../lambdas/ports.js';
import { readManifest } from '../lambdas/steps/io/manifest.js';
import { runCli } from './cli/run-cli.js';
import { terminalProgress } from './cli/terminal-progress.js';
import { batchRunId, completeBatches } from './pipeline/batch-watcher.js';
import { buildLocalDeps, localPaths } from './pipeline/local-deps.js';
import { runLocal } from './pipeline/run-local.js';
import { migrate } from '../lambdas/steps/index.js';
import { runOutcome } from './pipeline/run-outcome.js';
import { renderSummary, summarise } from './pipeline/summary.js';

const USAGE = `usage: npm run watch -- [--dir DIR] [--database-url URL] [--interval MS] [--once]
  drop CSV files into DIR/landing/batches/<batch-id>/, then a manifest.json (it may be just {});
  each batch runs once. --once processes what is there and exits.`;

runCli(async () => {
  const { values } = parseArgs({
    options: { dir: { type: 'string', default: '.warehouse' }, 'database-url': { type: 'string' }, interval: { type: 'string', default: '1000' }, once: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return void console.log(USAGE);
  const workDir = resolve(values.dir);
  const progress = terminalProgress(process.stderr, process.stderr.isTTY ? 'tty' : 'lines');
  const deps = buildLocalDeps({
    workDir,
    databaseUrl: values['database-url'] ?? (process.env['DATABASE_URL'] || undefined),
    config: defaultConfig,
    progress,
    logger: silentLogger,
    pseudonymKey: process.env['PSEUDONYM_KEY'],
  });
  const seen = new Set<string>();
  let stop = false;
  process.once('SIGINT', () => (stop = true));
  console.log(`watching ${localPaths(workDir).landing}/batches/ (ctrl-c to stop)`);
  try {
    const warehouse = await deps.warehouse();
    await migrate(warehouse, deps.sql);
    const done = async (batch: string) =>
      (await warehouse.query("select 1 from batch_ledger where batch_key = $1 and status = 'succeeded'", [batch])).length > 0;
    do {
      for (const batchPrefix of await completeBatches(deps.landing)) {
        if (seen.has(batchPrefix)) continue;
        seen.add(batchPrefix);
        if (await done(batchPrefix)) continue;
        const manifest = await readManifest(deps.landing, batchPrefix);
        const input = { runId: batchRunId(batchPrefix), batchPrefix, asOf: manifest.asOf ?? new Date().toISOString().slice(0, 10) };
        console.log(`batch ${batchPrefix}: run ${input.runId}`);
        const started = Date.now();
        try {
          const final = await runLocal(deps, input);
          const outcome = runOutcome(final);
          if (outcome.kind === 'already-loaded') console.log(`batch ${batchPrefix}: ${outcome.message}\n`);
          else console.log(renderSummary(summarise(final, { warehouse: deps.describeWarehouse(), files: {}, totalMs: Date.now() - started })) + '\n');
        } catch (e) {
          // One bad batch must not stop the watcher: report it and keep watching.
          console.error(`batch ${batchPrefix} failed: ${isPipelineError(e) ? e.describe() : (e as Error).message}`);
        }
      }
      if (!values.once) await sleep(Number(values.interval));
    } while (!values.once && !stop);
  } finally {
    await deps.close();
  }
});
