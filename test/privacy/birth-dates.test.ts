// Issue 11, item 1: no birth date leaks through patient versions. Ages used to be computed at each
// batch's date and a changed band opened a version dated at that batch, so a re-sent patient who crossed
// a band revealed their birth year and had their birthday bracketed between two batch dates. The
// warehouse now keeps a top-coded birth year (a type-1 fact) and states ages at one reference date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeyRing } from '../../lambdas/core/anonymize/key-ring.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { queryDb, runPipeline, TEST_KEY } from '../helpers/run-pipeline.js';
import { writeBatch } from '../integrity/support/landing.js';

const patients = (zipOfP3: string) => [
  'P1,Ada One,1990-09-15,F,,,,,MA,02139', // 34 in June 2025, 35 by September: crossed 30-34 -> 35-39
  'P2,Bo Two,1936-03-01,M,,,,,MA,02139', // 89 in 2025, 90 in 2026: top-coded in the second batch
  `P3,Cy Three,1980-01-20,F,,,,,NY,${zipOfP3}`, // moves between batches: a real change, a real version
  'P4,Di Four,2010-07-04,F,,,,,NY,10001',
];
const providers = ['PR1,Dr. One,Cardiology'];
const visits = (batch: string, date: string) =>
  ['P1', 'P2', 'P3', 'P4'].map((p, i) => `V-${batch}-${i},${p},PR1,${date},Follow-up,Asthma,Spirometry,100`);

describe.each(DATABASES)('Birth dates and patient versions on $name', (kind) => {
  let db: TestDatabase;
  const pseudonym = openKeyRing([Uint8Array.from(Buffer.from(TEST_KEY, 'hex'))]).pseudonym;
  const query = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => queryDb<T>(db, sql, params);

  beforeAll(async () => {
    db = await kind.create();
    const first = await writeBatch({ patients: patients('10001'), providers, visits: visits('a', '2025-06-01') }, 'june-2025');
    await runPipeline(db, { runId: 'june-2025', batchPrefix: first.batchPrefix, asOf: '2025-06-30' }, { landingDir: first.landingDir, config: { privacy: { noNoise: true } } });
    const second = await writeBatch({ patients: patients('11201'), providers, visits: visits('b', '2026-06-01') }, 'june-2026');
    await runPipeline(db, { runId: 'june-2026', batchPrefix: second.batchPrefix, asOf: '2026-06-30' }, { landingDir: second.landingDir, config: { privacy: { noNoise: true } } });
  });
  afterAll(() => db.drop());

  it('opens no version for a patient re-sent a year later with unchanged facts', async () => {
    // Act
    const versions = await query<{ patient_id: string; n: number }>('select patient_id, count(*)::int as n from get_dim_patients() group by patient_id');

    // Assess: only P3, who moved, has two versions.
    expect(versions.filter((v) => v.n > 1).map((v) => v.patient_id)).toEqual([pseudonym('patient', 'P3')]);
  });

  it('dates versions only by batch, never by a birthday', async () => {
    // Act
    const rows = await query<{ valid_from: string }>("select distinct to_char(valid_from, 'YYYY-MM-DD') as valid_from from get_dim_patients() order by 1");

    // Assess
    expect(rows.map((r) => r.valid_from)).toEqual(['2025-06-30', '2026-06-30']);
  });

  it('derives age group and band at the newest batch date, top-coding 90 and older', async () => {
    // Act
    const rows = await query<{ patient_id: string; age_group: string; age_band: string }>(
      'select distinct patient_id, age_group, age_band from get_dim_patients()',
    );
    const of = (p: string) => rows.filter((r) => r.patient_id === pseudonym('patient', p)).map((r) => `${r.age_group} ${r.age_band}`);

    // Assess: ages in 2026 (the year of the newest batch), the same on every version.
    expect(of('P1')).toEqual(['35-49 35-39']);
    expect(of('P2')).toEqual(['65+ 90+']);
    expect(of('P3')).toEqual(['35-49 45-49']);
    expect(of('P4')).toEqual(['0-17 15-19']);
  });

  it('keeps no age, date of birth or name pseudonym in the table, and the top-code in storage too', async () => {
    // Act
    const columns = await query<{ column_name: string }>(
      "select column_name from information_schema.columns where table_name = 'dim_patients' order by ordinal_position",
    );
    const years = await query<{ patient_id: string; birth_year: number | null }>('select distinct patient_id, birth_year from dim_patients');

    // Assess
    expect(columns.map((c) => c.column_name)).not.toEqual(expect.arrayContaining(['age_group']));
    expect(columns.map((c) => c.column_name).filter((c) => /age_|name|birth_date|date_of_birth/.test(c))).toEqual([]);
    expect(years.find((y) => y.patient_id === pseudonym('patient', 'P2'))?.birth_year).toBeNull();
    expect(years.find((y) => y.patient_id === pseudonym('patient', 'P1'))?.birth_year).toBe(1990);
  });
});

// A later batch that corrects a top-coded patient's date of birth to one under 90 (and moves them): the
// birth year must not come back, on the version it closes nor on the one it opens.
describe.each(DATABASES)('A top-coded patient whose date of birth is corrected on $name', (kind) => {
  let db: TestDatabase;
  const pseudonym = openKeyRing([Uint8Array.from(Buffer.from(TEST_KEY, 'hex'))]).pseudonym;

  beforeAll(async () => {
    db = await kind.create();
    const run = async (runId: string, asOf: string, born: string, zip: string) => {
      const batch = await writeBatch({ patients: [`P2,Bo Two,${born},M,,,,,MA,${zip}`], providers, visits: [`V-${runId},P2,PR1,${asOf},Follow-up,Asthma,Spirometry,100`] }, runId);
      await runPipeline(db, { runId, batchPrefix: batch.batchPrefix, asOf }, { landingDir: batch.landingDir, config: { privacy: { noNoise: true } } });
    };
    await run('june-2026', '2026-06-30', '1936-03-01', '02139'); // 90: top-coded
    await run('june-2027', '2027-06-30', '1940-03-01', '01002'); // corrected to 87, and moved (another ZIP3)
  });
  afterAll(() => db.drop());

  it('keeps the top-code on every version', async () => {
    // Act
    const versions = await queryDb<{ is_current: boolean; birth_year: number | null }>(
      db, 'select is_current, birth_year from dim_patients where patient_id = $1 order by patient_key', [pseudonym('patient', 'P2')],
    );

    // Assess: the move opened a version; neither version has a birth year.
    expect(versions).toEqual([{ is_current: false, birth_year: null }, { is_current: true, birth_year: null }]);
  });
});
