// The per-patient bounded pre-aggregate (060_patient_contributions.sql) is kept incrementally by each
// transform for the patients its batch touched. After every batch it must hold exactly what numbering
// every visit of the whole history would give: each patient's first maxVisitsPerPatient visits in
// visit_id order, including when a new visit sorts before old ones (it pushes the N-th out) and when a
// patient arrives with a new version (their visits on the old version still count). It is rebuilt whole
// when the configured bound changes, or when visit ids were rewritten outside a transform (rotate-key).
// Its rows are keyed by the patient's serial (081_patient_serials.sql), one per patient whatever their
// versions; a warehouse from before the serials is re-keyed by the migration to the same rows.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureContributionBound, rebuildContributions } from '../../lambdas/steps/io/contributions.js';
import type { Sql } from '../../lambdas/ports.js';
import { SQL_DIR } from '../../local/pipeline/local-deps.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { writeOverlappingBatches } from '../helpers/overlapping-batches.js';
import { inRolledBack } from '../helpers/rolled-back.js';
import { queryDb, testDeps, withTestWarehouse } from '../helpers/run-pipeline.js';

type Contribution = Record<string, unknown> & {
  patient_id: string;
  nth: number;
  visit_id: string;
  provider_id: string;
  diagnosis: string;
  month: string;
  cost_cents: string | null;
};

const STORED = `select patient_id, nth::int as nth, visit_id, provider_id, diagnosis, month, cost_cents::text as cost_cents
from patient_contributions order by patient_id, nth`;

/** From scratch, the way the release numbered visits before the pre-aggregate existed. */
const FROM_SCRATCH = `select patient_id, nth::int as nth, visit_id, provider_id, diagnosis, month, cost_cents::text as cost_cents
from (
  select v.patient_id, f.visit_id, r.provider_id, f.diagnosis, to_char(f.visit_date, 'YYYY-MM') as month,
         round(f.cost * 100)::bigint as cost_cents,
         row_number() over (partition by v.patient_id order by f.visit_id) as nth
  from fact_visits as f
  join dim_patients as v on v.patient_key = f.patient_key
  join dim_providers as r on r.provider_key = f.provider_key
) as numbered
where nth <= $1
order by patient_id, nth`;

/** How the rows and the patients' versions stand with the serials: every count here is 0 when they agree. */
async function serialDisagreements(sql: Sql) {
  const [row] = await sql.query<Record<string, number>>(`select
    (select count(*) from (select patient_id from dim_patients group by patient_id having count(distinct patient_serial) > 1) as p)::int as patients_with_two_serials,
    (select count(*) from (select patient_serial from dim_patients group by patient_serial having count(distinct patient_id) > 1) as s)::int as serials_of_two_patients,
    (select count(*) from patient_contributions as c
     where not exists (select 1 from dim_patients as d where d.is_current and d.patient_serial = c.patient_serial and d.patient_id = c.patient_id))::int as rows_off_their_patient`);
  return row!;
}

const AGREE = { patients_with_two_serials: 0, serials_of_two_patients: 0, rows_off_their_patient: 0 };

/** The warehouse as it was before 081: contributions keyed by patient_id, no serials. */
const BEFORE_SERIALS = `
create temporary table kept_contributions on commit drop as
  select patient_id, nth, visit_id, provider_id, diagnosis, month, cost_cents from patient_contributions;
drop table patient_contributions;
create table patient_contributions (
  patient_id text not null, nth smallint not null, visit_id text not null, provider_id text not null,
  diagnosis text not null, month text not null, cost_cents bigint, primary key (patient_id, nth));
insert into patient_contributions select * from kept_contributions;
drop index dim_patients_current_serial_uq;
alter table dim_patients drop column patient_serial;
drop sequence dim_patients_serial_seq;`;

describe.each(DATABASES)('The bounded contributions across batches on $name', (kind) => {
  let db: TestDatabase;
  const after: { stored: Contribution[]; scratch: Contribution[] }[] = [];
  const query = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => queryDb<T>(db, sql, params);

  beforeAll(async () => {
    db = await kind.create();
    const landingDir = await writeOverlappingBatches({ seed: 7, patients: 90, providers: 6, maxVisitsPerPatient: 9 });
    for (const batch of ['first', 'second']) {
      const deps = testDeps(db, { landingDir });
      try {
        await runLocal(deps, { runId: `contributions-${batch}`, batchPrefix: `${batch}/`, asOf: '2025-12-31' });
      } finally {
        await deps.close();
      }
      after.push(await withTestWarehouse(db, async (wh) => ({ stored: await wh.query<Contribution>(STORED), scratch: await wh.query<Contribution>(FROM_SCRATCH, [5]) })));
    }
  }, 240_000);
  afterAll(() => db.drop());

  it('holds after each batch exactly the first five visits of every patient in visit_id order', () => {
    // Assess
    expect(after[0]!.stored.length).toBeGreaterThan(0);
    expect(after[0]!.stored).toEqual(after[0]!.scratch);
    expect(after[1]!.stored).toEqual(after[1]!.scratch);
  });

  it('was exercised by new visits that sort first and by new versions', async () => {
    // Act: first-batch visits pushed out of a patient's first five by the second batch's visits.
    const second = new Set(after[1]!.stored.map((c) => c.visit_id));
    const displaced = after[0]!.stored.filter((c) => !second.has(c.visit_id));
    const [versioned] = await query<{ n: number }>(
      `select count(distinct c.patient_id)::int as n from patient_contributions as c
       where (select count(*) from dim_patients as d where d.patient_id = c.patient_id) > 1`,
    );

    // Assess
    expect(displaced.length).toBeGreaterThan(0);
    expect(versioned?.n).toBeGreaterThan(0);
  });

  it('keys every row by its patient\'s one serial, which all their versions share', async () => {
    // Act
    const seen = await withTestWarehouse(db, serialDisagreements);
    const [versioned] = await query<{ n: number }>(
      'select count(*)::int as n from (select patient_id from dim_patients group by patient_id having count(*) > 1) as p',
    );

    // Assess
    expect(versioned?.n).toBeGreaterThan(0);
    expect(seen).toEqual(AGREE);
  });

  it('re-keys a warehouse from before the serials to the same rows, one serial per patient, and once', async () => {
    // Arrange
    const migration = await readFile(join(SQL_DIR, 'migrations', '081_patient_serials.sql'), 'utf8');
    const serials = 'select patient_id, min(patient_serial)::text as serial from dim_patients group by patient_id order by 1';

    // Act
    const seen = await withTestWarehouse(db, (wh) =>
      inRolledBack(wh, async (tx) => {
        await tx.script(BEFORE_SERIALS);
        await tx.script(migration);
        const migrated = { stored: await tx.query<Contribution>(STORED), disagreements: await serialDisagreements(tx), serials: await tx.query(serials) };
        await tx.script(migration);
        return { migrated, again: { stored: await tx.query<Contribution>(STORED), serials: await tx.query(serials) } };
      }),
    );

    // Assess
    expect(seen.migrated.stored).toEqual(after[1]!.stored);
    expect(seen.migrated.disagreements).toEqual(AGREE);
    expect(new Set(seen.migrated.serials.map((r) => r['serial'])).size).toBe(seen.migrated.serials.length);
    expect(seen.again).toEqual({ stored: seen.migrated.stored, serials: seen.migrated.serials });
  });

  it('is rebuilt under a new bound, and after visit ids are rewritten outside a transform', async () => {
    // Act
    const rebuilt = await withTestWarehouse(db, async (wh) => {
      const changed = await ensureContributionBound(wh, 2);
      const unchanged = await ensureContributionBound(wh, 2);
      const underTwo = { stored: await wh.query<Contribution>(STORED), scratch: await wh.query<Contribution>(FROM_SCRATCH, [2]) };
      // What rotate-key does to visit ids (a new keyed pseudonym), then its rebuild.
      await wh.query(`update fact_visits set visit_id = md5('rekeyed' || visit_id)`);
      await rebuildContributions(wh);
      const rekeyed = { stored: await wh.query<Contribution>(STORED), scratch: await wh.query<Contribution>(FROM_SCRATCH, [2]) };
      return { changed, unchanged, underTwo, rekeyed };
    });

    // Assess
    expect(rebuilt.changed).toBe(true);
    expect(rebuilt.unchanged).toBe(false);
    expect(rebuilt.underTwo.stored.every((c) => c.nth <= 2)).toBe(true);
    expect(rebuilt.underTwo.stored).toEqual(rebuilt.underTwo.scratch);
    expect(rebuilt.rekeyed.stored).not.toEqual(rebuilt.underTwo.stored);
    expect(rebuilt.rekeyed.stored).toEqual(rebuilt.rekeyed.scratch);
  });
});
