// Bounded calls: through the RDS Data API double, the transform runs each sliced model (`-- slices:`)
// once per slice of the run's staged lines, no call touching more rows than a slice holds, and the
// bucketed one (`-- buckets: staging`, the duplicates) once per hash bucket of the ids, all inside
// the transform's one transaction; and two overlapping batches (a patient in a later slice than its
// duplicate's first line, an orphan visit, new versions, contributions folded slice by slice) leave,
// table for table, the warehouse that one call per model leaves.
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecuteStatementCommandInput } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitStatements } from '../../lambdas/adapters/aws/data-api-warehouse.js';
import { FsSqlSource } from '../../lambdas/adapters/local/fs-sql-source.js';
import { INPUT_FILES } from '../../lambdas/core/contract/input-contract.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { SQL_DIR } from '../../local/pipeline/local-deps.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { cloudTestDeps, withCloudDeps } from '../helpers/doubles/cloud-run.js';
import { writeOverlappingBatches } from '../helpers/overlapping-batches.js';
import { queryDb, testDeps, withTestWarehouse } from '../helpers/run-pipeline.js';
import { warehouseChecksum } from '../integrity/support/checksum.js';

const SLICE_ROWS = 25;
/** Staged rows per bucket of the duplicates model: small, so each batch's run takes several buckets. */
const BUCKET_ROWS = 40;
const BATCHES = ['first', 'second'] as const;
const MAX_VISITS = 5;
const OPTIONS = { privacy: { noNoise: true, maxVisitsPerPatient: MAX_VISITS } };

// The sliced models and the staging table each slices by.
const SLICED = {
  dim_patients: 'staging_patients',
  fact_partitions: 'staging_visits',
  visits_already_loaded: 'staging_visits',
  fact_visits: 'staging_visits',
} as const;
type Model = keyof typeof SLICED;

/** Each sliced model's statements as the Data API receives them, mapped to the model. */
async function slicedStatements(): Promise<Map<string, Model>> {
  const out = new Map<string, Model>();
  for (const file of await new FsSqlSource(SQL_DIR).models()) {
    const model = file.name.replace(/\.sql$/, '') as Model;
    if (model in SLICED) for (const statement of splitStatements(file.sql)) out.set(statement, model);
  }
  return out;
}

interface ModelCall {
  batch: string;
  model: Model;
  transactionId: string | undefined;
  slice: { first: number; last: number } | undefined;
  rows: number;
}

/** The first batch gets lines whose partners sit in other slices: a patient and a visit sent again at the end, and a visit of an unknown patient. */
async function addCrossSliceLines(dir: string): Promise<void> {
  const firstRow = async (entity: 'patients' | 'visits') => (await readFile(join(dir, INPUT_FILES[entity]), 'utf8')).split('\n')[1]!;
  const visit = await firstRow('visits');
  const orphan = visit.replace(/^[^,]+,[^,]+,/, 'V-ORPHAN-1,P-NOBODY,');
  await appendFile(join(dir, INPUT_FILES.visits), `${visit}\n${orphan}\n`);
  await appendFile(join(dir, INPUT_FILES.patients), `${await firstRow('patients')}\n`);
}

const RESENT = 3;

/** The second batch also re-sends the first batch's first visits, at its end: already in the warehouse when it runs, in a later slice. */
async function addResentVisits(root: string): Promise<void> {
  const lines = (await readFile(join(root, 'first', INPUT_FILES.visits), 'utf8')).split('\n').slice(1, 1 + RESENT);
  await appendFile(join(root, 'second', INPUT_FILES.visits), `${lines.join('\n')}\n`);
}

describe.each(DATABASES)('The transform in slices through the Data API double on $name', (kind) => {
  let sliced: TestDatabase;
  let whole: TestDatabase;
  const states: Record<string, RunState> = {};
  const calls: ModelCall[] = [];
  const bucketCalls: { batch: string; transactionId: string | undefined; buckets: number; others: number[] }[] = [];

  beforeAll(async () => {
    const landingDir = await writeOverlappingBatches({ seed: 11, patients: 40, providers: 5 });
    await addCrossSliceLines(join(landingDir, 'first'));
    await addResentVisits(landingDir);
    sliced = await kind.create();
    whole = await kind.create();

    const deps = cloudTestDeps(sliced, { landingDir, config: { transformSliceRows: SLICE_ROWS, transformBucketRows: BUCKET_ROWS, ...OPTIONS } });
    const dataApi = deps.cloud!.doubles.dataApi;
    const execute = dataApi.executeStatement.bind(dataApi);
    const slices: Record<string, { first: number; last: number } | undefined> = {};
    let batch = '';
    const statements = await slicedStatements();
    dataApi.executeStatement = async (input: ExecuteStatementCommandInput) => {
      const out = await execute(input);
      const sql = input.sql ?? '';
      if (/set_config\(:p1, :p2, true\), set_config\(:p3, :p4, true\)/.test(sql)) {
        const [table, first, , last] = (input.parameters ?? []).map((p) => p.value?.stringValue ?? '');
        const name = table!.replace(/^pipeline\.(.*)_first_line$/, '$1');
        slices[name] = first ? { first: Number(first), last: Number(last) } : undefined;
      }
      const others = /id_bucket\(visit_id, (\d+)\) <> all\('\{([\d,]*)\}'/.exec(sql);
      if (others) bucketCalls.push({ batch, transactionId: input.transactionId, buckets: Number(others[1]), others: others[2]!.split(',').map(Number) });
      const model = statements.get(sql);
      if (model) calls.push({ batch, model, transactionId: input.transactionId, slice: slices[SLICED[model]], rows: out.numberOfRecordsUpdated ?? 0 });
      return out;
    };
    await withCloudDeps(deps, async (d) => {
      for (const b of BATCHES) {
        batch = b;
        states[b] = await runLocal(d, { runId: `slices-${b}`, batchPrefix: `${b}/`, asOf: '2025-12-31' });
      }
    });

    const direct = testDeps(whole, { landingDir, config: OPTIONS });
    try {
      for (const b of BATCHES) await runLocal(direct, { runId: `slices-${b}`, batchPrefix: `${b}/`, asOf: '2025-12-31' });
    } finally {
      await direct.close();
    }
  }, 240_000);
  afterAll(async () => {
    await sliced?.drop();
    await whole?.drop();
  });

  it('runs each sliced model once per slice of its staging table, in the transform\'s one transaction', () => {
    for (const b of BATCHES) {
      const staged = states[b]!.loaded!.staged;
      const transform = calls.filter((c) => c.batch === b);
      expect(new Set(transform.map((c) => c.transactionId)).size).toBe(1);
      expect(transform[0]!.transactionId).toBeDefined();
      for (const [model, table] of Object.entries(SLICED)) {
        const slices = Math.ceil((table === 'staging_patients' ? staged.patients : staged.visits) / SLICE_ROWS);
        const statements = transform.filter((c) => c.model === model);
        const perSlice = statements.length / slices;
        expect(Number.isInteger(perSlice) && perSlice >= 1, `${b} ${model}: ${statements.length} calls for ${slices} slices`).toBe(true);
        expect(new Set(statements.map((c) => c.slice?.first)).size, `${b} ${model}: a call per slice`).toBe(slices);
      }
    }
    expect(calls.filter((c) => c.batch === 'first' && c.model === 'fact_visits').length).toBeGreaterThan(3);
  });

  it('groups the run\'s ids for duplicates once per hash bucket, each bucket once, in the transform\'s transaction', () => {
    for (const b of BATCHES) {
      const staged = Object.values(states[b]!.loaded!.staged).reduce((n, rows) => n + rows, 0);
      const mine = bucketCalls.filter((c) => c.batch === b);
      const buckets = mine[0]!.buckets;
      expect(buckets).toBeGreaterThanOrEqual(Math.ceil(staged / BUCKET_ROWS));
      expect(buckets).toBeGreaterThan(1);
      // Each call keeps the one bucket its filter does not exclude.
      const kept = mine.map((c) => Array.from({ length: buckets }, (_, i) => i).filter((i) => !c.others.includes(i)));
      expect(kept).toEqual(Array.from({ length: buckets }, (_, i) => [i]));
      expect(new Set(mine.map((c) => c.transactionId))).toEqual(new Set([calls.find((c) => c.batch === b)!.transactionId]));
    }
  });

  it('touches no more rows per call than a slice holds', () => {
    for (const c of calls) {
      expect(c.slice, `${c.model} ran outside a slice`).toBeDefined();
      expect(c.slice!.last - c.slice!.first + 1).toBeLessThanOrEqual(SLICE_ROWS);
      // The fact statement reports the contributions it upserted: at most N per patient of the slice.
      expect(c.rows).toBeLessThanOrEqual(c.model === 'fact_visits' ? SLICE_ROWS * MAX_VISITS : SLICE_ROWS);
    }
    expect(Math.max(...calls.filter((c) => c.model === 'fact_visits').map((c) => c.rows))).toBeGreaterThan(0);
  });

  it('skips the visits an earlier run loaded, found before any slice inserts, and loads the rest once', async () => {
    const second = states['second']!;
    expect(second.transformed!.quarantined.visits).toBe(0);
    expect(second.transformed!.found.visits).toBe(second.loaded!.staged.visits);
    expect(second.transformed!.added.visits).toBe(second.loaded!.staged.visits - RESENT);
    const [visits] = await queryDb<{ rows: number; ids: number }>(sliced, 'select count(*)::int as rows, count(distinct visit_id)::int as ids from fact_visits');
    expect(visits!.rows).toBe(visits!.ids);
  });

  it('leaves every table as one call per model does, duplicates and orphans across slices included', async () => {
    const quarantined = await queryDb<{ reason: string }>(sliced, "select reason from quarantine_rows where run_id = 'slices-first' order by reason");
    expect(quarantined.map((q) => q.reason.replace(/ \(.*$/, ''))).toEqual(['duplicate patient_id in batch', 'duplicate visit_id in batch', 'unknown patient_id']);
    const [expected, actual] = [await withTestWarehouse(whole, warehouseChecksum), await withTestWarehouse(sliced, warehouseChecksum)];
    expect(Object.keys(actual).length).toBeGreaterThan(10);
    expect(actual).toEqual(expected);
  });
});
