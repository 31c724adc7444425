// Step 4: the SQL models in dependency order (staging views -> dimensions -> partitioned fact), then
// the data tests and the run's reconciliation, all in one transaction: a failure leaves the warehouse
// as it was. A model marked `-- slices:` runs once per slice of the run's staged lines, so no call
// grows with the batch (io/model-slices.ts). Every model reads only this run's staging rows, and transforms of overlapping runs take
// turns (a transaction-level lock, so a crashed run can never hold it), so batches never mix.
import { DEFAULT_SLICE_ROWS, slicedBy } from '../core/models/model-slices.js';
import { bucketCount, bucketedModel, DEFAULT_BUCKET_ROWS, inBucket } from '../core/models/model-buckets.js';
import { orderModels } from '../core/models/order-models.js';
import { reconcile, type EntityEvidence } from '../core/integrity/reconcile.js';
import { PipelineError } from '../core/errors.js';
import type { Sql, SqlFile } from '../ports.js';
import { ENTITIES, type Entity, type RunState, type Step, type TransformOutput } from './run-state.js';
import { evaluateDataTests } from './io/data-tests.js';
import { clearRunStaging, queryRunEvidence, type WarehouseEvidence } from './io/run-evidence.js';
import { forEachSlice, runStagedLines } from './io/model-slices.js';
import { countWarehouseTables } from './io/run-tables.js';
import { audit, planForOnePass, setRunContext } from './io/session.js';
import { takeTurn } from './io/turn-lock.js';
import { completeVisitIdRegistry } from './io/visit-id-registry.js';

type Transformed = Omit<TransformOutput, 'partitions' | 'ms'>;

export const transform: Step = async (deps, state) => {
  const started = deps.now();
  const warehouse = await deps.warehouse();
  const models = orderModels(await deps.sql.models()).map((m) => ({ ...m, slices: slicedBy(m), bucketed: bucketedModel(m) }));
  const sliceRows = deps.config.transformSliceRows ?? DEFAULT_SLICE_ROWS;
  const bucketRows = deps.config.transformBucketRows ?? DEFAULT_BUCKET_ROWS;
  const tests = await deps.sql.dataTests();
  const result = await warehouse.transaction(async (tx) => {
    await setRunContext(tx, state.runId, state.asOf);
    await planForOnePass(tx);
    await takeTurn(tx, 'transform', deps);
    // Already committed for this run (a retry after a lost response, a redrive): its staging rows are
    // gone, so report what that commit recorded instead of transforming nothing.
    const [done] = await tx.query<{ output: Transformed | string }>(`select output from run_steps where run_id = $1 and step = 'transform'`, [state.runId]);
    if (done) return typeof done.output === 'string' ? (JSON.parse(done.output) as Transformed) : done.output;

    await tx.query('delete from quarantine_rows where run_id = $1', [state.runId]);
    await completeVisitIdRegistry(tx);
    const olderThan = await newerBatchDate(tx, state.asOf);
    for (const model of models) {
      const step = `transform ${model.name}`;
      deps.progress.start(step);
      if (model.slices) {
        // A sliced model can run for minutes on a large batch: each slice reports the staged lines done so far.
        let lines = 0;
        let slices = 0;
        await forEachSlice(tx, model.slices, state.runId, sliceRows, async (slice) => {
          await tx.script(model.sql);
          if (!slice) return;
          slices++;
          deps.progress.advance(step, (lines += slice.last - slice.first + 1));
        });
        deps.progress.done(step, slices > 1 ? `${slices} slices, ${lines.toLocaleString('en-US')} staged lines` : undefined);
      } else if (model.bucketed) {
        // Groups every staged row by id: one call per hash bucket past bucketRows (core/models/model-buckets.ts).
        const buckets = bucketCount(await runStagedLines(tx, state.runId), bucketRows);
        for (let bucket = 0; bucket < buckets; bucket++) await tx.script(inBucket(model.sql, bucket, buckets));
        deps.progress.done(step, buckets > 1 ? `${buckets} buckets of ids` : undefined);
      } else {
        await tx.script(model.sql);
        deps.progress.done(step);
      }
    }
    deps.progress.start('transform data tests');
    const dataTests = await runDataTests(tx, tests);
    deps.progress.done('transform data tests', `${dataTests.length} passed`);
    // The reconcile tests just proved each staged line found or quarantined: evidence counts, not hashes, them again.
    const evidence = await queryRunEvidence(tx, state.runId, new Set(dataTests.filter((t) => t.failures === 0).map((t) => t.name)));
    assertReconciles(state, evidence);
    const tables = await countWarehouseTables(tx);
    const out: Transformed = {
      dataTests,
      tables,
      quarantined: pick(evidence, 'quarantined'),
      found: pick(evidence, 'found'),
      added: pick(evidence, 'added'),
      ...(olderThan && { olderThan }),
    };
    await audit(tx, 'TRANSFORM', 'fact_visits', out.added.visits, { models: models.map((m) => m.name), quarantined: out.quarantined, added: out.added });
    await clearRunStaging(tx, state.runId);
    await tx.query(`insert into run_steps (run_id, step, output) values ($1, 'transform', $2::jsonb)`, [state.runId, JSON.stringify(out)]);
    return out;
  });
  const partitions = (
    await warehouse.query<{ name: string }>(
      "select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'fact_visits'::regclass order by 1",
    )
  ).map((r) => r.name);
  const transformed: TransformOutput = { ...result, partitions, ms: deps.now() - started };
  return { ...state, transformed };
};

/** The newest batch date the warehouse has taken, when it is after this batch's (sql/models/dim_patients.sql). */
async function newerBatchDate(sql: Sql, asOf: string): Promise<string | undefined> {
  const [row] = await sql.query<{ as_of: string }>(`select to_char(as_of, 'YYYY-MM-DD') as as_of from age_reference where id = 1 and as_of > $1::date`, [asOf]);
  return row?.as_of;
}

/** Runs every data test; any that returns rows fails the run with a report naming test, table and keys. */
export async function runDataTests(sql: Sql, tests: readonly SqlFile[]): Promise<{ name: string; failures: number }[]> {
  const results = await evaluateDataTests(sql, tests);
  const failed = results.filter((r) => r.failures > 0);
  if (failed.length) {
    const report = failed
      .map((f) => `  ${f.name} (${f.description}) on ${f.table}: ${f.failures} row(s), e.g. ${f.sample.join(', ')}`)
      .join('\n');
    throw new PipelineError('DATA_TEST_FAILED', `${failed.length} data test(s) failed; nothing was changed:\n${report}`, 'fix the input batch and run it again');
  }
  return results.map(({ name, failures }) => ({ name, failures }));
}

/** The file counts (anonymize) against the database's counts (SQL): a lost row fails the run. */
function assertReconciles(state: RunState, warehouse: Record<Entity, WarehouseEvidence>): void {
  const counts = state.anonymized?.counts;
  if (!counts) throw new PipelineError('BAD_INPUT', `run ${state.runId}: transform needs the anonymize step's counts`);
  const evidence = Object.fromEntries(
    ENTITIES.map((e) => [e, { read: counts[e].read, quarantinedOnRead: counts[e].quarantined, staged: warehouse[e].staged, found: warehouse[e].found, quarantinedInWarehouse: warehouse[e].quarantined }]),
  ) as Record<Entity, EntityEvidence>;
  const mismatches = reconcile(evidence);
  if (mismatches.length) {
    throw new PipelineError(
      'COUNTS_DO_NOT_RECONCILE',
      `run ${state.runId}: rows went missing between the input files and the warehouse; nothing was changed:\n${mismatches.map((m) => `  ${m.entity}: ${m.detail}`).join('\n')}`,
      'load the batch again (the load replaces this run\'s staging rows); if it persists, report it with this message',
    );
  }
}

const pick = (evidence: Record<Entity, WarehouseEvidence>, field: keyof WarehouseEvidence): Record<Entity, number> =>
  Object.fromEntries(ENTITIES.map((e) => [e, evidence[e][field]])) as Record<Entity, number>;
