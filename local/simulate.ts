// `npm run simulate`: the whole pipeline offline. Generates a synthetic batch (CSV, or a FHIR export
// with --format fhir) or reads --input (any format, with --format and --mapping when the file names do
// not say), then anonymize -> load -> transform -> privatize on PGlite or the server in --database-url.
import './polyfills.js';
import { readFile, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defaultConfig } from '../lambdas/core/config.js';
import { PipelineError } from '../lambdas/core/errors.js';
import { silentLogger } from '../lambdas/ports.js';
import type { RunInput } from '../lambdas/steps/run-state.js';
import { quarantineKey } from '../lambdas/steps/io/keys.js';
import { runCli } from './cli/run-cli.js';
import { parseSimulateArgs, SIMULATE_USAGE, type SimulateOptions } from './cli/simulate-options.js';
import { terminalProgress } from './cli/terminal-progress.js';
import { buildLocalDeps, localPaths } from './pipeline/local-deps.js';
import { generatedRunId, inputRunId } from './pipeline/run-id.js';
import { runLocal } from './pipeline/run-local.js';
import { runOutcome } from './pipeline/run-outcome.js';
import { renderSummary, summarise, unreconciled } from './pipeline/summary.js';

const DEFAULT_GENERATED_AS_OF = '2025-12-31';

runCli(async () => {
  const parsed = parseSimulateArgs(process.argv.slice(2), process.env);
  if (parsed === 'help') return void console.log(SIMULATE_USAGE);
  await simulate(parsed);
});

async function simulate(o: SimulateOptions): Promise<void> {
  const started = Date.now();
  const workDir = resolve(o.workDir);
  const paths = localPaths(workDir);
  if (o.fresh) {
    for (const dir of [paths.pglite, paths.landing, paths.clean, paths.quarantine, paths.published]) await rm(dir, { recursive: true, force: true });
  }
  const input = await planInput(o);
  const progress = terminalProgress(process.stderr, o.json ? 'silent' : process.stderr.isTTY ? 'tty' : 'lines');
  const deps = buildLocalDeps({
    workDir,
    databaseUrl: o.databaseUrl,
    landingDir: o.input ? resolve(o.input) : undefined,
    config: o.rowsPerChunk === undefined ? defaultConfig : { ...defaultConfig, rowsPerChunk: o.rowsPerChunk },
    ...(o.workers === undefined ? {} : { workers: o.workers }),
    progress,
    logger: silentLogger,
    pseudonymKey: process.env['PSEUDONYM_KEY'],
    engine: o.engine,
  });
  if (!o.json) process.stderr.write(`Run ${input.runId} on ${deps.describeWarehouse()}\n`);
  try {
    const final = await runLocal(deps, input);
    const outcome = runOutcome(final);
    if (outcome.kind === 'already-loaded') {
      if (o.json) console.log(JSON.stringify({ runId: input.runId, status: 'already-loaded', message: outcome.message, warehouse: deps.describeWarehouse() }));
      else console.log(`\n${outcome.message}\n  Nothing was read, loaded or published. To load these files again into a fresh warehouse, use --fresh or another --dir.`);
      return;
    }
    const summary = summarise(final, {
      warehouse: deps.describeWarehouse(),
      totalMs: Date.now() - started,
      files: {
        quarantine: deps.pathOf(deps.quarantine.locate(quarantineKey(input.runId))),
        snapshot: final.privatized ? deps.pathOf(deps.published.locate(final.privatized.snapshot)) : '',
        ...(final.privatized?.dashboard && { dashboard: deps.pathOf(deps.published.locate(final.privatized.dashboard)) }),
        ...(!o.databaseUrl && { database: paths.pglite }),
      },
    });
    if (o.json) console.log(JSON.stringify(summary));
    else console.log('\n' + renderSummary(summary) + `\n\n  query it: npm run query -- "select count(*) from get_fact_visits()"${o.databaseUrl ? ' --database-url URL' : ''}`);
    const lost = unreconciled(summary);
    if (lost.length) {
      throw new PipelineError('COUNTS_DO_NOT_RECONCILE', `run ${input.runId}: counts do not reconcile for ${lost.join(', ')} (see the summary above)`, 'report it with the summary; the warehouse holds what the summary says');
    }
  } finally {
    await deps.close();
  }
}

async function planInput(o: SimulateOptions): Promise<RunInput> {
  if (o.input) {
    const dir = resolve(o.input);
    const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw new PipelineError('BLOB_NOT_FOUND', `--input ${dir} is not a folder`, SIMULATE_USAGE);
    // The batch is its files, how to read them and an explicit --as-of; today is only the default date.
    const source = o.format || o.mapping ? { ...(o.format && { format: o.format }), ...(o.mapping && { mapping: await readMapping(o.mapping) }) } : undefined;
    const runId = await inputRunId(dir, o.asOf, source);
    return { runId, batchKey: runId, batchPrefix: '', asOf: o.asOf ?? new Date().toISOString().slice(0, 10), ...(source && { source }) };
  }
  const asOf = o.asOf ?? DEFAULT_GENERATED_AS_OF;
  const format = o.format === 'fhir' ? 'fhir' : 'csv';
  const runId = generatedRunId({ ...o, asOf, format });
  return {
    runId,
    batchPrefix: `batches/${runId}/`,
    asOf,
    generate: { patients: o.patients, providers: o.providers, seed: o.seed, maxVisitsPerPatient: o.maxVisits, ...(format === 'fhir' && { format }) },
  };
}

/** The mapping file's JSON; the anonymize step validates it and names any field that is wrong. */
async function readMapping(path: string): Promise<unknown> {
  const text = await readFile(resolve(path), 'utf8').catch((e: unknown) => {
    throw new PipelineError('BLOB_NOT_FOUND', `--mapping ${resolve(path)} cannot be read`, SIMULATE_USAGE, { cause: e });
  });
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PipelineError('BAD_INPUT', `--mapping ${resolve(path)} is not valid JSON: ${(e as Error).message}`, 'see docs/INPUT-FORMATS.md, "Writing a mapping file"', { cause: e });
  }
}
