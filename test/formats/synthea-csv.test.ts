// A Synthea CSV export we did not write (test/fixtures/synthea-csv) loads through the built-in
// synthea-csv mapping: every patient, provider and encounter is loaded or quarantined with a reason,
// unmapped columns are reported, and none of the export's identifying columns (names, SSN, licence,
// passport, addresses, coordinates, raw ids) reaches any table, clean or published file, or log line.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { summarise } from '../../local/pipeline/summary.js';
import { DATABASES } from '../helpers/databases.js';
import { findNeedles, useGatheredRun, type Haystack } from '../helpers/pipeline-scan.js';
import { queryDb } from '../helpers/run-pipeline.js';

const EXPORT = join(import.meta.dirname, '../fixtures/synthea-csv');
const RUN = { runId: 'synthea-csv', batchPrefix: '', asOf: '2025-12-31' };

const rows = async (name: string) => parse(await readFile(join(EXPORT, name), 'utf8'), { columns: true }) as Record<string, string>[];

/** Values of the identifying columns, 5 characters or longer (shorter ones match by chance). */
async function identifyingValues(): Promise<Map<string, string>> {
  const needles = new Map<string, string>();
  const add = (records: Record<string, string>[], columns: string[], file: string) => {
    for (const r of records) for (const c of columns) if ((r[c] ?? '').length >= 5) needles.set(r[c]!, `${file} ${c}`);
  };
  add(await rows('patients.csv'), ['Id', 'SSN', 'DRIVERS', 'PASSPORT', 'FIRST', 'LAST', 'MAIDEN', 'BIRTHPLACE', 'ADDRESS', 'CITY', 'LAT', 'LON'], 'patients.csv');
  add(await rows('providers.csv'), ['NAME', 'ADDRESS', 'LAT', 'LON'], 'providers.csv');
  add(await rows('encounters.csv'), ['Id'], 'encounters.csv');
  return needles;
}

describe.each(DATABASES)('A Synthea CSV export on $name', (kind) => {
  const gathered = useGatheredRun(kind, RUN, EXPORT);
  let state: RunState;
  let haystacks: Haystack[];
  beforeAll(() => void ({ state, haystacks } = gathered.run()));

  it('accounts for every patient, provider and encounter', async () => {
    const s = summarise(state, { warehouse: kind.name, files: {}, totalMs: 0 });
    expect(s.entities).toEqual({
      providers: { read: (await rows('providers.csv')).length, loaded: 24, added: 24, quarantinedOnRead: 0, quarantinedInWarehouse: 0, reconciles: true },
      patients: { read: (await rows('patients.csv')).length, loaded: 10, added: 10, quarantinedOnRead: 0, quarantinedInWarehouse: 0, reconciles: true },
      visits: { read: (await rows('encounters.csv')).length, loaded: 117, added: 117, quarantinedOnRead: 0, quarantinedInWarehouse: 0, reconciles: true },
    });
    expect(state.anonymized?.source?.format).toBe('synthea-csv');
    expect(s.extraColumns.patients).toEqual(expect.arrayContaining(['ssn', 'first', 'last', 'address', 'lat', 'lon']));
  });

  it('normalises state names, gives 000 to patients without a ZIP, and keeps every claim cost', async () => {
    const patients = await queryDb<{ state: string; zip3: string }>(gathered.db(), 'select state, zip3 from dim_patients');
    expect(new Set(patients.map((p) => p.state))).toEqual(new Set(['MA']));
    const withoutZip = (await rows('patients.csv')).filter((p) => !p['ZIP']).length;
    expect(patients.filter((p) => p.zip3 === '000').length).toBeGreaterThanOrEqual(withoutZip);
    const expected = (await rows('encounters.csv')).reduce((sum, e) => sum + Math.round(Number(e['TOTAL_CLAIM_COST']) * 100), 0);
    const [{ cents }] = (await queryDb<{ cents: number }>(gathered.db(), 'select round(sum(cost) * 100)::bigint::int as cents from fact_visits')) as [{ cents: number }];
    expect(cents).toBe(expected);
  });

  it("finds none of the export's identifying values in any table, clean or published file, or log line", async () => {
    const needles = await identifyingValues();
    expect(needles.size).toBeGreaterThan(150);
    expect(findNeedles(needles, haystacks)).toEqual([]);
  });
});
