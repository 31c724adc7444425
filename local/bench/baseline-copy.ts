// The yardstick: a plain COPY of the same raw files into unindexed all-text tables, no validation,
// no anonymisation, no transforms. The pipeline is reported as a multiple of this.
import { INPUT_COLUMNS, INPUT_FILES } from '../../lambdas/core/contract/input-contract.js';
import type { BlobStore, Warehouse } from '../../lambdas/ports.js';
import { ENTITIES } from '../../lambdas/steps/run-state.js';

export async function baselineCopy(wh: Warehouse, landing: BlobStore, prefix: string): Promise<number> {
  let rows = 0;
  await wh.transaction(async (tx) => {
    for (const entity of ENTITIES) {
      const table = `bench_baseline_${entity}`;
      const cols = INPUT_COLUMNS[entity];
      await tx.script(`drop table if exists ${table}; create table ${table} (${cols.map((c) => `${c} text`).join(', ')})`);
      rows += await tx.copyCsv(table, cols, { store: landing, key: prefix + INPUT_FILES[entity] });
    }
  });
  for (const entity of ENTITIES) await wh.script(`drop table if exists bench_baseline_${entity}`);
  return rows;
}
