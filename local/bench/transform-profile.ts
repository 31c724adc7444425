// `npm run bench:transform-profile -- --database-url URL --run-id R [--stage DIR] [--explain A,B]`:
// runs one staged run's transform statement by statement (models split into statements, each data
// test, the evidence queries, the table counts) in a transaction it rolls back, printing each one's
// seconds and the server process's CPU seconds (local/bench/backend-cpu.ts), then vacuums the rolled-back
// rows, so a 400k run staged once can be profiled again and again. --stage DIR first anonymizes
// and loads the batch in DIR as run R (once). With --explain, prints EXPLAIN ANALYZE for the
// statements whose label contains A or B. A sliced model (`-- slices:`) runs per slice as the transform
// runs it (--slice-rows N, default the transform's); its line gives the calls and the slowest one.
// --setup SQL runs first in the same rolled-back transaction, e.g. 'drop index X' to price an index.
// --sql-dir DIR reads the models and tests from a copy of sql/, to price a variant of a model.
// A bucketed model (`-- buckets: staging`) runs once per hash bucket as the transform runs it
// (--bucket-rows N, default the transform's: set it low to price the buckets of a smaller batch).
import '../polyfills.js';
import { parseArgs } from 'node:util';
import { FsSqlSource } from '../../lambdas/adapters/local/fs-sql-source.js';
import { connectPostgres } from '../../lambdas/adapters/pg/pg-warehouse.js';
import { DEFAULT_SLICE_ROWS, slicedBy, type SliceableTable } from '../../lambdas/core/models/model-slices.js';
import { bucketCount, bucketedModel, DEFAULT_BUCKET_ROWS, inBucket } from '../../lambdas/core/models/model-buckets.js';
import { orderModels } from '../../lambdas/core/models/order-models.js';
import type { WarehouseTx } from '../../lambdas/ports.js';
import { ANALYZE_RUN_ROWS, countedDataTest } from '../../lambdas/steps/io/data-tests.js';
import { RUN_EVIDENCE_STATEMENTS } from '../../lambdas/steps/io/run-evidence.js';
import { planForOnePass, setRunContext } from '../../lambdas/steps/io/session.js';
import { countWarehouseTables } from '../../lambdas/steps/io/run-tables.js';
import { forEachSlice, runStagedLines } from '../../lambdas/steps/io/model-slices.js';
import { backendCpu } from './backend-cpu.js';
import { runCli } from '../cli/run-cli.js';
import { runBatch } from './run-batch.js';
import { SQL_DIR } from '../pipeline/local-deps.js';

const ROLLBACK = new Error('rollback');

/** A model's statements: the models are plain SQL, one statement per `;` at a line's end. */
const statementsOf = (sql: string): string[] => sql.split(/;\s*$/m).map((s) => s.trim()).filter((s) => s.replace(/--[^\n]*/g, '').trim());

runCli(async () => {
  const { values } = parseArgs({ options: { 'database-url': { type: 'string' }, 'run-id': { type: 'string' }, 'as-of': { type: 'string', default: '2025-12-31' }, explain: { type: 'string' }, stage: { type: 'string' }, 'slice-rows': { type: 'string' }, 'bucket-rows': { type: 'string' }, setup: { type: 'string' }, 'sql-dir': { type: 'string' } } });
  const url = values['database-url'] ?? process.env['DATABASE_URL'];
  const runId = values['run-id'];
  if (!url || !runId) throw new Error('usage: --database-url URL --run-id RUN (a run loaded but not yet transformed)');
  if (values.stage) await runBatch(url, { runId, input: values.stage }, 'load');
  const source = new FsSqlSource(values['sql-dir'] ?? SQL_DIR);
  const sliceRows = Number(values['slice-rows'] ?? DEFAULT_SLICE_ROWS);
  const bucketRows = Number(values['bucket-rows'] ?? DEFAULT_BUCKET_ROWS);
  const groups: { slices?: SliceableTable; bucketed?: boolean; work: [string, string, unknown[]][] }[] = [];
  for (const model of orderModels(await source.models())) {
    groups.push({ slices: slicedBy(model), bucketed: bucketedModel(model), work: statementsOf(model.sql).map((s, i) => [`model ${model.name}#${i + 1}`, s, []]) });
  }
  const once: [string, string, unknown[]][] = [['analyze run rows', ANALYZE_RUN_ROWS, []]];
  for (const test of await source.dataTests()) once.push([`test ${test.name}`, countedDataTest(test.sql), [runId]]);
  for (const [name, sql] of Object.entries(RUN_EVIDENCE_STATEMENTS)) once.push([`evidence ${name}`, sql, [runId]]);
  groups.push({ work: once });
  const wh = await connectPostgres(url);
  const cpuSeconds = await backendCpu(wh);
  const rows = new Map<string, { seconds: number; cpu: number; calls: number; slowest: number }>();
  const time = async (tx: WarehouseTx, [label, sql, params]: [string, string, unknown[]]) => {
    const explain = values.explain !== undefined && values.explain.split(',').some((n) => label.includes(n));
    const t0 = performance.now();
    const cpu0 = cpuSeconds();
    const out = await tx.query<Record<string, string>>(explain ? `explain (analyze, buffers) ${sql}` : sql, params);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds() - cpu0;
    const row = rows.get(label) ?? { seconds: 0, cpu: 0, calls: 0, slowest: 0 };
    rows.set(label, { seconds: row.seconds + seconds, cpu: row.cpu + cpu, calls: row.calls + 1, slowest: Math.max(row.slowest, seconds) });
    if (explain) console.log(`--- ${label}\n${out.map((r) => Object.values(r)[0]).join('\n')}`);
  };
  try {
    await wh.transaction(async (tx: WarehouseTx) => {
      await setRunContext(tx, runId, values['as-of']);
      await planForOnePass(tx);
      if (values.setup) await tx.script(values.setup);
      for (const group of groups) {
        const runAll = async () => {
          for (const item of group.work) await time(tx, item);
        };
        if (group.slices) await forEachSlice(tx, group.slices, runId, sliceRows, runAll);
        else if (group.bucketed) {
          const buckets = bucketCount(await runStagedLines(tx, runId), bucketRows);
          for (let b = 0; b < buckets; b++) for (const [label, sql, params] of group.work) await time(tx, [label, inBucket(sql, b, buckets), params]);
        } else await runAll();
      }
      const t0 = performance.now();
      const cpu0 = cpuSeconds();
      await countWarehouseTables(tx);
      const seconds = (performance.now() - t0) / 1000;
      rows.set('count tables', { seconds, cpu: cpuSeconds() - cpu0, calls: 1, slowest: seconds });
      throw ROLLBACK;
    }).catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
    // A rolled-back transform leaves the batch's rows dead in the warehouse's tables and indexes (and its
    // partitions' pages allocated): vacuumed, the next profile meets the warehouse as this one did, not
    // with a batch's dead rows more each time.
    const v0 = performance.now();
    await wh.script('vacuum analyze');
    console.error(`vacuumed the rolled-back rows in ${((performance.now() - v0) / 1000).toFixed(1)} s`);
  } finally {
    await wh.close();
  }
  console.log('seconds  server CPU s  statement');
  for (const [label, r] of rows) console.log(`${r.seconds.toFixed(2).padStart(7)}  ${r.cpu.toFixed(2).padStart(12)}  ${label}${r.calls > 1 ? ` (${r.calls} calls, slowest ${r.slowest.toFixed(2)})` : ''}`);
  const sum = (of: (r: { seconds: number; cpu: number }) => number) => [...rows.values()].reduce((a, r) => a + of(r), 0).toFixed(2);
  console.log(`${sum((r) => r.seconds).padStart(7)}  ${sum((r) => r.cpu).padStart(12)}  total (rolled back)`);
});
