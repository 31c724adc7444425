// The per-patient bounded pre-aggregate (060_patient_contributions.sql) is kept incrementally by each
// transform for the patients its batch touched. After every batch it must hold exactly what numbering
// every visit of the whole history would give: each patient's first maxVisitsPerPatient visits in
// visit_id order, including when a new visit sorts before old ones (it pushes the N-th out) and when a
// patient arrives with a new version (their visits on the old version still count). It is rebuilt whole
// when the configured bound changes, or when visit ids were rewritten outside a transform (rotate-key).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureContributionBound, rebuildContributions } from '../../lambdas/steps/io/contributions.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { writeOverlappingBatches } from '../helpers/overlapping-batches.js';
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
