// Step 4: the SQL models in dependency order (staging views -> dimensions -> partitioned fact), then
// the data tests, all in one transaction: a failing test leaves the warehouse as it was.
import { orderModels } from '../core/models/order-models.js';
import { PipelineError } from '../core/errors.js';
import type { Sql, SqlFile } from '../ports.js';
import { ENTITIES, type Entity, type Step, type TransformOutput } from './run-state.js';
import { evaluateDataTests } from './io/data-tests.js';
import { audit, setRunContext } from './io/session.js';

const COUNTED_TABLES = ['staging_patients', 'staging_providers', 'staging_visits', 'dim_patients', 'dim_providers', 'fact_visits'];

export const transform: Step = async (deps, state) => {
  const started = deps.now();
  const warehouse = await deps.warehouse();
  const models = orderModels(await deps.sql.models());
  const tests = await deps.sql.dataTests();
  const result = await warehouse.transaction(async (tx) => {
    await setRunContext(tx, state.runId, state.asOf);
    await tx.query('delete from quarantine_rows where run_id = $1', [state.runId]);
    for (const model of models) {
      deps.progress.start(`transform ${model.name}`);
      await tx.script(model.sql);
      deps.progress.done(`transform ${model.name}`);
    }
    const dataTests = await runDataTests(tx, tests);
    const tables = await countTables(tx);
    const quarantined = await quarantinedByEntity(tx, state.runId);
    await audit(tx, 'TRANSFORM', 'fact_visits', tables['fact_visits'] ?? 0, { models: models.map((m) => m.name), quarantined });
    return { dataTests, tables, quarantined };
  });
  const partitions = (
    await warehouse.query<{ name: string }>(
      "select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'fact_visits'::regclass order by 1",
    )
  ).map((r) => r.name);
  const transformed: TransformOutput = { ...result, partitions, ms: deps.now() - started };
  return { ...state, transformed };
};

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

async function countTables(sql: Sql): Promise<Record<string, number>> {
  const union = COUNTED_TABLES.map((t) => `select '${t}' as name, count(*)::bigint as n from ${t}`).join(' union all ');
  const rows = await sql.query<{ name: string; n: number }>(union);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

async function quarantinedByEntity(sql: Sql, runId: string): Promise<Record<Entity, number>> {
  const rows = await sql.query<{ entity: Entity; n: number }>(
    'select entity, count(*)::bigint as n from quarantine_rows where run_id = $1 group by entity',
    [runId],
  );
  const out = Object.fromEntries(ENTITIES.map((e) => [e, 0])) as Record<Entity, number>;
  for (const r of rows) out[r.entity] = Number(r.n);
  return out;
}
