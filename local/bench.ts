// `npm run bench -- --patients N [--input DIR] [--workers N] [--database-url URL]`: times each step at that size and, in the
// same run, a plain COPY of the same files as the baseline; prints seconds, rows/s, peak memory and
// the ratio to the baseline. Also in the same run, the issue's second yardstick: an expert's plain-SQL
// load of the same files into the reference's star schema (bench/expert-load.ts), set beside the
// pipeline's load + transform. Runs in a scratch folder (and a scratch database on a server).
import './polyfills.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../lambdas/core/config.js';
import { silentLogger, silentProgress } from '../lambdas/ports.js';
import { migrate, steps, type StepName } from '../lambdas/steps/index.js';
import { ENTITIES, type RunState } from '../lambdas/steps/run-state.js';
import type { BlobStore } from '../lambdas/ports.js';
import { INPUT_FILES } from '../lambdas/core/contract/input-contract.js';
import { timedWarehouse, type CallLog, type CallRecord } from './bench/timed-warehouse.js';
import { runCli } from './cli/run-cli.js';
import { formatTable } from './cli/format-table.js';
import { baselineCopy } from './bench/baseline-copy.js';
import { expertLoad } from './bench/expert-load.js';
import { scratchServer } from './bench/scratch-databases.js';
import { startMemorySampler } from './bench/memory-sampler.js';
import { walMeter } from './bench/wal-meter.js';
import { buildLocalDeps } from './pipeline/local-deps.js';
import { redactUrl } from '../lambdas/adapters/pg/pg-warehouse.js';

const PIPELINE: StepName[] = ['anonymize', 'load', 'transform', 'privatize'];

runCli(async () => {
  const { values } = parseArgs({
    options: {
      patients: { type: 'string', default: '10000' },
      input: { type: 'string' },
      'database-url': { type: 'string' },
      json: { type: 'boolean', default: false },
      workers: { type: 'string' },
    },
  });
  // Anonymize's worker threads (default: one per core); 1 runs the chunks in the main thread.
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new Error(`--workers must be a whole number of at least 1, got ${values.workers}`);
  const patients = Number(values.patients);
  const serverUrl = values['database-url'] ?? (process.env['DATABASE_URL'] || undefined);
  const workDir = await mkdtemp(join(tmpdir(), 'health-pipeline-bench-'));
  const scratch = serverUrl ? await createScratchDatabase(serverUrl) : undefined;
  const memory = startMemorySampler();
  const input = values.input ? resolve(values.input) : undefined;
  const deps = buildLocalDeps({ workDir, databaseUrl: scratch?.url, landingDir: input, config: defaultConfig, progress: silentProgress, logger: silentLogger, pseudonymKey: 'b'.repeat(64), ...(workers !== undefined && { workers }) });
  // Every database call is timed, so the slowest single call (the cloud cancels one after 45 s) shows.
  const timed = timedWarehouse(await deps.warehouse());
  deps.warehouse = async () => timed.warehouse;
  const rows: Record<string, string | number>[] = [];
  try {
    let state: RunState = input
      ? { runId: 'bench-input', batchPrefix: '', asOf: '2025-12-31' }
      : { runId: `bench-${patients}`, batchPrefix: 'batch/', asOf: '2025-12-31', generate: { patients, providers: 50, seed: 1 } };
    const t0 = Date.now();
    state = await steps.generate(deps, state);
    const inputRows = input ? await countRecords(deps.landing, state.batchPrefix) : Object.values(state.generated!.rows).reduce((a, b) => a + b, 0);
    log(`${input ? `read ${input}:` : 'generated'} ${inputRows} rows in ${((Date.now() - t0) / 1000).toFixed(1)}s (${deps.describeWarehouse()}${serverUrl ? ` at ${redactUrl(serverUrl)}` : ''}; anonymize workers: ${workers ?? `one per core (${availableParallelism()})`})`);
    const wh = timed.warehouse;
    await migrate(wh, deps.sql);

    // The meter's own queries go to the untimed warehouse, so they are not counted as the step's calls.
    const wal = walMeter(await deps.warehouse());
    memory.reset();
    timed.log.reset();
    await wal.mark();
    const b0 = Date.now();
    await baselineCopy(wh, deps.landing, state.batchPrefix);
    const baseline = (Date.now() - b0) / 1000;
    rows.push(row('baseline COPY', baseline, inputRows, memory.peakMb(), baseline, timed.log, await wal.mbSinceMark()));

    let total = 0;
    const stepSeconds: Partial<Record<StepName, number>> = {};
    let peak = 0;
    let slowest: CallRecord | undefined;
    let walTotal: number | undefined = 0;
    for (const name of PIPELINE) {
      memory.reset();
      timed.log.reset();
      await wal.mark();
      const s0 = Date.now();
      state = await steps[name](deps, state);
      const secs = (Date.now() - s0) / 1000;
      total += secs;
      stepSeconds[name] = secs;
      peak = Math.max(peak, memory.peakMb());
      if (!slowest || (timed.log.slowest && timed.log.slowest.ms > slowest.ms)) slowest = timed.log.slowest;
      const walMb = await wal.mbSinceMark();
      walTotal = walMb === undefined || walTotal === undefined ? undefined : walTotal + walMb;
      rows.push(row(name, secs, inputRows, memory.peakMb(), baseline, timed.log, walMb));
    }
    rows.push(row('pipeline total', total, inputRows, peak, baseline, undefined, walTotal));

    // After the pipeline, so its figures meet the database as before; not part of the total.
    memory.reset();
    timed.log.reset();
    await wal.mark();
    const e0 = Date.now();
    const expertFacts = await expertLoad(wh, deps.landing, state.batchPrefix, state.asOf);
    const expert = (Date.now() - e0) / 1000;
    rows.push(row('expert SQL load', expert, inputRows, memory.peakMb(), baseline, timed.log, await wal.mbSinceMark()));
    const loadAndTransform = (stepSeconds.load ?? 0) + (stepSeconds.transform ?? 0);
    const slowestLine = slowest ? `slowest single database call: ${(slowest.ms / 1000).toFixed(2)} s (${slowest.what})` : '';
    const expertLine = `expert SQL load (COPY into keyed staging, INSERT ... SELECT into the reference's indexed star schema; ${expertFacts} fact rows): ${expert.toFixed(2)} s; the pipeline's load + transform: ${loadAndTransform.toFixed(2)} s (${(loadAndTransform / expert).toFixed(2)}x)`;
    // Generated here, the batch's generator heap is still resident in the steps' peaks (372 MB against 282 at 400k).
    const memoryLine = input ? '' : '\npeak MB includes what generating the batch in this process left resident; measure the memory target with --input DIR';
    if (values.json) console.log(JSON.stringify({ patients, inputRows, engine: wh.engine, steps: rows, slowestCall: slowest, expert: { seconds: expert, factRows: expertFacts, loadAndTransform }, generatedInProcess: !input }));
    else console.log(`\n${formatTable(rows)}\n\nratio = step seconds / baseline COPY seconds; target: pipeline total within 10x, peak under 300 MB\n${slowestLine}\n${expertLine}${memoryLine}`);
  } finally {
    memory.stop();
    await deps.close();
    await scratch?.drop();
    await rm(workDir, { recursive: true, force: true });
  }
});

function row(step: string, secs: number, inputRows: number, peakMb: number, baseline: number, calls?: CallLog, walMb?: number): Record<string, string | number> {
  return {
    step,
    seconds: secs.toFixed(2),
    'rows/s': Math.round(inputRows / secs),
    'peak MB': peakMb,
    ratio: (secs / baseline).toFixed(2),
    'db calls': calls ? calls.calls : '',
    'slowest call s': calls?.slowest ? (calls.slowest.ms / 1000).toFixed(2) : '',
    'WAL MB': walMb ?? '',
  };
}

/** Records in the batch's three files (lines after the header; the bench's inputs have no quoted newlines). */
async function countRecords(landing: BlobStore, prefix: string): Promise<number> {
  let n = 0;
  for (const entity of ENTITIES) {
    let lines = 0;
    for await (const chunk of await landing.get(prefix + INPUT_FILES[entity])) for (const b of chunk as Buffer) if (b === 10) lines++;
    n += lines - 1;
  }
  return n;
}

const log = (m: string) => process.stderr.write(m + '\n');

/** A database of its own on the server, dropped when the bench ends. */
async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = scratchServer(serverUrl);
  const name = `health_bench_${process.pid}`;
  await server.create(name);
  return { url: server.url(name), drop: () => server.drop(name) };
}
