// A hand-made export with what real ones have: quoted commas and quotes, phone extensions, ZIP codes
// with leading zeros, US dates, CRLF line ends, a BOM, an extra column, rows in any order, and a few
// bad rows that must land in quarantine with their reasons.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { quarantineKey } from '../../lambdas/steps/io/keys.js';
import { summarise } from '../../local/pipeline/summary.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { queryDb, runPipeline, testDeps } from '../helpers/run-pipeline.js';

const INPUT = join(import.meta.dirname, '../fixtures/messy-export');

describe.each(DATABASES)('Pipeline on a messy export, on $name', (kind) => {
  let db: TestDatabase;
  let state: RunState;
  beforeAll(async () => {
    db = await kind.create();
    ({ state } = await runPipeline(db, { runId: 'messy', batchPrefix: '', asOf: '2025-12-31' }, { landingDir: INPUT }));
  });
  afterAll(() => db.drop());

  const query = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => queryDb<T>(db, sql, params);

  it('reconciles every entity and reports the extra column', () => {
    const s = summarise(state, { warehouse: kind.name, files: {}, totalMs: 0 });
    expect(s.entities).toEqual({
      providers: { read: 2, loaded: 2, added: 2, quarantinedOnRead: 0, quarantinedInWarehouse: 0, reconciles: true },
      patients: { read: 5, loaded: 4, added: 4, quarantinedOnRead: 1, quarantinedInWarehouse: 0, reconciles: true },
      visits: { read: 6, loaded: 4, added: 4, quarantinedOnRead: 1, quarantinedInWarehouse: 1, reconciles: true },
    });
    expect(s.extraColumns).toEqual({ patients: ['insurance_plan'] });
  });

  it('quarantines rejected rows raw, with file, line, field and reason', async () => {
    const deps = testDeps(db);
    const where = deps.quarantine.locate(quarantineKey('messy'));
    if (where.kind !== 'file') throw new Error('expected a local quarantine file');
    const csv = await readFile(where.path, 'utf8');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r['entity'], r['line'], r['field']])).toEqual([
      ['patients', '6', 'date_of_birth'],
      ['visits', '7', 'visit_date'],
    ]);
    expect(rows[0]!['reason']).toMatch(/date_of_birth "1999-02-30" is not a date/);
    expect(rows[0]!['file']).toMatch(/synthetic_patients\.csv$/);
    expect(rows[0]!['raw']).toContain('Sam Doe');
    expect(rows[1]!['reason']).toMatch(/after the batch date 2025-12-31/);
  });

  it('quarantines a visit of an unknown patient in the warehouse, naming the line', async () => {
    const rows = await query<{ entity: string; source_line: number; reason: string }>('select entity, source_line, reason from quarantine_rows');
    expect(rows).toEqual([{ entity: 'visits', source_line: 6, reason: expect.stringMatching(/unknown patient_id/) }]);
  });

  it('keeps leading zeros, generalises ZIPs and ages, normalises gender', async () => {
    const rows = await query<{ zip3: string; age_band: string; gender: string; state: string }>(
      'select zip3, age_band, gender, state from get_dim_patients() order by zip3, age_band',
    );
    expect(rows).toEqual([
      { zip3: '000', age_band: '20-24', gender: 'Other', state: 'NV' },
      { zip3: '021', age_band: '35-39', gender: 'Female', state: 'MA' },
      { zip3: '038', age_band: '90+', gender: 'Female', state: 'NH' },
      { zip3: '071', age_band: '75-79', gender: 'Male', state: 'NJ' },
    ]);
  });

  it('parses quoted commas and money with separators', async () => {
    const rows = await query<{ diagnosis: string; cost: number }>("select diagnosis, cost from fact_visits where diagnosis like 'Hypertension%'");
    // The quoted "Hypertension, stage 1" is stored as its vocabulary term (issue 11).
    expect(rows).toEqual([{ diagnosis: 'Hypertension', cost: 1210 }]);
    const providers = await query<{ provider_name: string }>("select provider_name from dim_providers order by provider_id");
    expect(providers.map((p) => p.provider_name)).toEqual(['Dr. House', 'Dr. Grey, Meredith']);
  });
});
