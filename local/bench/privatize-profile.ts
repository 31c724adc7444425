// `npm run bench:privatize-profile -- --database-url URL [--explain A,B] [--slice-patients N]`: runs the
// privatize step over a warehouse as it stands (one staged with `npm run simulate -- --database-url URL`)
// in a transaction it rolls back, printing each database call's seconds, so a 400k release can be timed
// again and again. Its random bits are seeded, so it also prints a digest of the release (cells and
// the budget, without the clock) and the k-anonymity measurement: the same warehouse must give the same
// digest before and after a change to the release's queries. On a server on this machine it also prints
// the server process's CPU seconds per call (from /proc), steadier than wall time on a busy machine. With --explain, prints EXPLAIN (ANALYZE,
// BUFFERS) for the calls whose SQL contains A or B (each is then run twice: explained, then for its rows).
import '../polyfills.js';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../lambdas/core/config.js';
import { createSeededRandom } from '../../lambdas/core/privacy/seeded-random.js';
import { silentLogger, silentProgress, type Row, type Warehouse, type WarehouseTx } from '../../lambdas/ports.js';
import { privatize } from '../../lambdas/steps/privatize.js';
import { latestSnapshotKey } from '../../lambdas/steps/io/keys.js';
import { backendCpu } from './backend-cpu.js';
import { runCli } from '../cli/run-cli.js';
import { buildLocalDeps, localPaths } from '../pipeline/local-deps.js';

const ROLLBACK = new Error('rollback');

/** The first words of a statement, without comments, as its label. */
const labelOf = (sql: string): string => {
  const flat = sql.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim();
  return flat.length > 70 ? `${flat.slice(0, 67)}...` : flat;
};

runCli(async () => {
  const { values } = parseArgs({ options: { 'database-url': { type: 'string' }, 'as-of': { type: 'string', default: '2025-12-31' }, explain: { type: 'string' }, 'slice-patients': { type: 'string' } } });
  const url = values['database-url'] ?? process.env['DATABASE_URL'];
  if (!url) throw new Error('usage: --database-url URL (a warehouse a pipeline run has filled)');
  const explain = values.explain?.split(',').filter(Boolean) ?? [];
  const perSlice = values['slice-patients'] === undefined ? undefined : Number(values['slice-patients']);
  const workDir = await mkdtemp(join(tmpdir(), 'health-pipeline-privatize-'));
  const deps = buildLocalDeps({
    workDir,
    databaseUrl: url,
    config: { ...defaultConfig, ...(perSlice !== undefined && { patientsPerReleaseSlice: perSlice }) },
    progress: silentProgress,
    logger: silentLogger,
  });
  deps.random = createSeededRandom('privatize-profile');
  deps.now = () => Date.UTC(2026, 0, 1);
  const calls: { label: string; seconds: number; cpu: number }[] = [];
  const inner = await deps.warehouse();
  const cpuSeconds = await backendCpu(inner);
  const timedTx = (tx: WarehouseTx): WarehouseTx => ({
    ...tx,
    script: (sql) => tx.script(sql),
    copyCsv: (table, columns, source) => tx.copyCsv(table, columns, source),
    async query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      const t0 = performance.now();
      const cpu0 = cpuSeconds();
      let rows: T[] | undefined;
      if (explain.some((e) => sql.includes(e))) {
        const plan = await tx.query<Record<string, string>>(`explain (analyze, buffers) ${sql}`, params);
        console.log(`--- ${labelOf(sql)} (${params?.slice(-2).join(' .. ')})\n${plan.map((r) => Object.values(r)[0]).join('\n')}`);
        // EXPLAIN ANALYZE has run the statement: an insert is done, a select runs again for its rows.
        if (/^\s*insert/i.test(sql)) rows = [];
      }
      rows ??= await tx.query<T>(sql, params);
      calls.push({ label: labelOf(sql), seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds() - cpu0 });
      return rows;
    },
  });
  const rolledBack: Warehouse = {
    ...inner,
    engine: inner.engine,
    query: (sql, params) => inner.query(sql, params),
    script: (sql) => inner.script(sql),
    close: () => inner.close(),
    // The step sees its transaction commit; the warehouse sees it rolled back.
    async transaction<T>(fn: (tx: WarehouseTx) => Promise<T>): Promise<T> {
      let result: T | undefined;
      await inner.transaction(async (tx) => {
        result = await fn(timedTx(tx));
        throw ROLLBACK;
      }).catch((e: unknown) => {
        if (e !== ROLLBACK) throw e;
      });
      return result as T;
    },
  };
  deps.warehouse = async () => rolledBack;
  try {
    const t0 = performance.now();
    const out = await privatize(deps, { runId: 'privatize-profile', batchPrefix: '', asOf: values['as-of'] });
    const seconds = (performance.now() - t0) / 1000;
    const byLabel = new Map<string, { seconds: number; cpu: number; calls: number; slowest: number }>();
    for (const c of calls) {
      const r = byLabel.get(c.label) ?? { seconds: 0, cpu: 0, calls: 0, slowest: 0 };
      byLabel.set(c.label, { seconds: r.seconds + c.seconds, cpu: r.cpu + c.cpu, calls: r.calls + 1, slowest: Math.max(r.slowest, c.seconds) });
    }
    console.log('seconds  server CPU s  statement');
    for (const [label, r] of [...byLabel].sort((a, b) => b[1].seconds - a[1].seconds)) {
      if (r.seconds >= 0.01) console.log(`${r.seconds.toFixed(2).padStart(7)}  ${r.cpu.toFixed(2).padStart(12)}  ${label}${r.calls > 1 ? ` (${r.calls} calls, slowest ${r.slowest.toFixed(2)})` : ''}`);
    }
    const snapshot = JSON.parse(await readFile(join(localPaths(workDir).published, latestSnapshotKey), 'utf8')) as { tables: unknown; privacy: unknown };
    const digest = createHash('sha256').update(JSON.stringify({ tables: snapshot.tables, privacy: snapshot.privacy })).digest('hex').slice(0, 16);
    const cpu = calls.reduce((n, c) => n + c.cpu, 0);
    console.log(`${seconds.toFixed(2).padStart(7)}  ${cpu.toFixed(2).padStart(12)}  privatize (${calls.length} calls), rolled back; release digest ${digest}, smallest k ${out.privatized?.smallestK}`);
  } finally {
    await deps.close();
    await rm(workDir, { recursive: true, force: true });
  }
});
