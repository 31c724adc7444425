// `npm run bench -- --patients N [--database-url URL]`: times each step at that size and, in the
// same run, a plain COPY of the same files as the baseline; prints seconds, rows/s, peak memory and
// the ratio to the baseline. Runs in a scratch folder (and a scratch database on a server).
import './polyfills.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { defaultConfig } from '../lambdas/core/config.js';
import { silentLogger, silentProgress } from '../lambdas/ports.js';
import { migrate, steps, type StepName } from '../lambdas/steps/index.js';
import type { RunState } from '../lambdas/steps/run-state.js';
import { runCli } from './cli/run-cli.js';
import { formatTable } from './cli/format-table.js';
import { baselineCopy } from './bench/baseline-copy.js';
import { startMemorySampler } from './bench/memory-sampler.js';
import { buildLocalDeps } from './pipeline/local-deps.js';
import { redactUrl } from '../lambdas/adapters/pg/pg-warehouse.js';

const PIPELINE: StepName[] = ['anonymize', 'load', 'transform', 'privatize'];

runCli(async () => {
  const { values } = parseArgs({ options: { patients: { type: 'string', default: '10000' }, 'database-url': { type: 'string' }, json: { type: 'boolean', default: false } } });
  const patients = Number(values.patients);
  const serverUrl = values['database-url'] ?? (process.env['DATABASE_URL'] || undefined);
  const workDir = await mkdtemp(join(tmpdir(), 'health-pipeline-bench-'));
  const scratch = serverUrl ? await createScratchDatabase(serverUrl) : undefined;
  const memory = startMemorySampler();
  const deps = buildLocalDeps({ workDir, databaseUrl: scratch?.url, config: defaultConfig, progress: silentProgress, logger: silentLogger, pseudonymKey: 'b'.repeat(64) });
  const rows: Record<string, string | number>[] = [];
  try {
    let state: RunState = { runId: `bench-${patients}`, batchPrefix: 'batch/', asOf: '2025-12-31', generate: { patients, providers: 50, seed: 1 } };
    const t0 = Date.now();
    state = await steps.generate(deps, state);
    const inputRows = Object.values(state.generated!.rows).reduce((a, b) => a + b, 0);
    log(`generated ${inputRows} rows in ${((Date.now() - t0) / 1000).toFixed(1)}s (${deps.describeWarehouse()}${serverUrl ? ` at ${redactUrl(serverUrl)}` : ''})`);
    const wh = await deps.warehouse();
    await migrate(wh, deps.sql);

    memory.reset();
    const b0 = Date.now();
    await baselineCopy(wh, deps.landing, state.batchPrefix);
    const baseline = (Date.now() - b0) / 1000;
    rows.push(row('baseline COPY', baseline, inputRows, memory.peakMb(), baseline));

    let total = 0;
    let peak = 0;
    for (const name of PIPELINE) {
      memory.reset();
      const s0 = Date.now();
      state = await steps[name](deps, state);
      const secs = (Date.now() - s0) / 1000;
      total += secs;
      peak = Math.max(peak, memory.peakMb());
      rows.push(row(name, secs, inputRows, memory.peakMb(), baseline));
    }
    rows.push(row('pipeline total', total, inputRows, peak, baseline));
    if (values.json) console.log(JSON.stringify({ patients, inputRows, engine: wh.engine, steps: rows }));
    else console.log(`\n${formatTable(rows)}\n\nratio = step seconds / baseline COPY seconds; target: pipeline total within 3x, peak under 300 MB`);
  } finally {
    memory.stop();
    await deps.close();
    await scratch?.drop();
    await rm(workDir, { recursive: true, force: true });
  }
});

function row(step: string, secs: number, inputRows: number, peakMb: number, baseline: number): Record<string, string | number> {
  return { step, seconds: secs.toFixed(2), 'rows/s': Math.round(inputRows / secs), 'peak MB': peakMb, ratio: (secs / baseline).toFixed(2) };
}

const log = (m: string) => process.stderr.write(m + '\n');

async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `health_bench_${process.pid}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`drop database if exists ${name}`);
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
