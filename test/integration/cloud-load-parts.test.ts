// Bounded calls: through the RDS Data API double (in process, as the cloud-flow tests drive it), a batch
// anonymised into several clean parts per entity is loaded with one aws_s3 import per part, all inside
// the load's one transaction, and no import holds more rows than a part may.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES, type RunState } from '../../lambdas/steps/run-state.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { cloudTestDeps, watchStatements, withCloudDeps } from '../helpers/doubles/cloud-run.js';
import { generatedInput } from '../helpers/run-pipeline.js';

const ROWS_PER_CHUNK = 40;
const INPUT = generatedInput(100, 8, 5);

interface ImportCall {
  transactionId: string | undefined;
  key: string;
  rows: number;
}

describe.each(DATABASES)('The load step through the Data API double on $name', (kind) => {
  let db: TestDatabase;
  let state: RunState;
  const imports: ImportCall[] = [];

  beforeAll(async () => {
    db = await kind.create();
    const deps = cloudTestDeps(db, { config: { rowsPerChunk: ROWS_PER_CHUNK, privacy: { noNoise: true } } });
    watchStatements(deps, (input, out) => {
      if (!/aws_s3\.table_import_from_s3/.test(input.sql ?? '')) return;
      const answer = String(out.records?.[0]?.[0]?.stringValue ?? '');
      const [, rows, key] = /^(\d+) rows? imported into relation "[^"]+" from file (\S+)/.exec(answer) ?? [];
      imports.push({ transactionId: input.transactionId, key: key ?? '', rows: Number(rows) });
    });
    state = await withCloudDeps(deps, (d) => runLocal(d, INPUT));
  });
  afterAll(() => db?.drop());

  it('imports each clean part with its own call, in order, inside one transaction', () => {
    const parts = ENTITIES.flatMap((e) => state.anonymized!.clean[e]);
    expect(state.anonymized!.clean.visits.length).toBeGreaterThan(2);
    expect(imports.map((i) => i.key)).toEqual(parts);
    expect(new Set(imports.map((i) => i.transactionId)).size).toBe(1);
    expect(imports[0]!.transactionId).toBeDefined();
  });

  it('imports no more rows per call than a part holds, and every row once', () => {
    for (const i of imports) expect(i.rows).toBeLessThanOrEqual(ROWS_PER_CHUNK);
    expect(imports.reduce((n, i) => n + i.rows, 0)).toBe(ENTITIES.reduce((n, e) => n + state.anonymized!.counts[e].clean, 0));
    expect(state.loaded!.staged.visits).toBe(state.anonymized!.counts.visits.clean);
  });
});
