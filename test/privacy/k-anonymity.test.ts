// On crafted warehouse contents with a known smallest equivalence class: the SQL measurement over every
// version analysts can read, the contribution-bounded aggregates that use each patient's CURRENT
// version, and what privatize records about both (exact numbers only in the restricted table).
import { describe, expect, it } from 'vitest';
import type { ReleaseSnapshot } from '../../lambdas/core/publish/release-snapshot.js';
import { privatize } from '../../lambdas/steps/index.js';
import { releaseKeyDomains } from '../../lambdas/core/publish/true-aggregates.js';
import { queryTrueAggregates } from '../../lambdas/steps/io/aggregate-query.js';
import { measureKAnonymity } from '../../lambdas/steps/io/k-anonymity-query.js';
import type { PatientSlice, SerialSlice } from '../../lambdas/core/publish/patient-slices.js';
import { craftedWarehouse } from '../helpers/crafted-warehouse.js';
import { DATABASES } from '../helpers/databases.js';

// Current classes over (age_band, gender, zip3, state): a = 6 patients, b = 2, c = 5. Patient b1 also has
// an OLD version (they moved from CA): analysts read both versions, linked by patient_id, so b1's history
// is a class of its own (k = 1), which a measurement of current rows alone would miss. a1 has 8 visits.
const CRAFT = `
insert into dim_providers (provider_id, provider_name, specialty, run_id)
values ('PR1', 'Dr. One', 'Cardiology', 'crafted'), ('PR2', 'Dr. Two', 'Pediatrics', 'crafted');

insert into dim_patients (patient_id, birth_year, gender, zip3, state, valid_from, valid_to, is_current, run_id)
select 'a' || i, 1993, 'Female', '941', 'CA', date '2025-06-01', null::date, true, 'crafted' from generate_series(1, 6) as i
union all
select 'b' || i, 1983, 'Male', '100', 'NY', date '2025-06-01', null, true, 'crafted' from generate_series(1, 2) as i
union all
select 'c' || i, 1963, 'Female', '606', 'IL', date '2025-06-01', null, true, 'crafted' from generate_series(1, 5) as i
union all
select 'b1', 1983, 'Male', '900', 'CA', date '2024-01-01', date '2025-06-01', false, 'old';

-- One visit per patient on its current version, two more for b1 on its old version, seven more for a1.
insert into fact_visits (visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id)
select 'v-' || p.patient_id, p.patient_key, r.provider_key, date '2025-11-15', 'Follow-up', 'Asthma', 'Spirometry', 100, 100, 'crafted'
from dim_patients as p, dim_providers as r where p.is_current and r.provider_id = 'PR1'
union all
select 'v-old-' || i, p.patient_key, r.provider_key, date '2024-05-01', 'Follow-up', 'Asthma', 'Spirometry', 9000, 9000, 'old'
from dim_patients as p, dim_providers as r, generate_series(1, 2) as i where p.patient_id = 'b1' and not p.is_current and r.provider_id = 'PR2'
union all
select 'v-a1-' || i, p.patient_key, r.provider_key, date '2025-12-01', 'Follow-up', 'Asthma', 'Spirometry', 100, 100, 'crafted'
from dim_patients as p, dim_providers as r, generate_series(1, 7) as i where p.patient_id = 'a1' and p.is_current and r.provider_id = 'PR1';

-- Written past the transform, so the bounded contributions the release reads are built here.
select rebuild_patient_contributions(5);
`;

describe.each(DATABASES)('k-anonymity and current attributes on $name', (kind) => {
  const crafted = craftedWarehouse(kind, CRAFT);

  // One call for everyone, and slices that cut classes a and c in two: a class's patients are counted
  // across the calls that read them (core/publish/patient-slices.ts).
  const SLICINGS: { name: string; slices: PatientSlice[] }[] = [
    { name: 'one slice', slices: [{}] },
    { name: 'three slices cutting classes', slices: [{ until: 'a4' }, { from: 'a4', until: 'c3' }, { from: 'c3' }] },
  ];
  // The release's reads go by serial (081_patient_serials.sql): drawn in the order the patients were
  // written above (a1-a6, b1, b2, c1-c5), so these cut the a and c classes too.
  const SERIAL_SLICINGS: { name: string; slices: SerialSlice[] }[] = [
    { name: 'one slice', slices: [{}] },
    { name: 'three slices cutting classes', slices: [{ until: 4 }, { from: 4, until: 11 }, { from: 11 }] },
  ];

  it.each(SLICINGS)('measures the smallest class over every version analysts can read, each patient\'s history linked ($name)', async ({ slices }) => {
    // Act
    const k = await (await crafted().warehouse()).transaction((tx) => measureKAnonymity(tx, 5, '2025-12-31', slices));

    // Assess: a (6), c (5), b2 alone (current NY only) and b1 alone (CA then NY).
    expect(k).toEqual({ smallestK: 1, classes: 4, classesBelowK: 2 });
  });

  it.each(SERIAL_SLICINGS)("puts every visit under the patient's current attributes, at most maxVisitsPerPatient per patient ($name)", async ({ slices }) => {
    // Act
    const cells = await queryTrueAggregates(await crafted().warehouse(), {
      slices,
      clampCents: 200_000,
      asOf: '2025-12-31',
      domains: releaseKeyDomains({ rosterSpecialties: ['Cardiology', 'Pediatrics'], selectedDiagnoses: [], selectedSpecialties: [] }),
    });
    const get = (table: string, key: Record<string, string>) =>
      cells.find((c) => c.table === table && JSON.stringify(c.key) === JSON.stringify(key));

    // Assess: b1's old visits count under 35-49 / NY (current), not 18-34 / CA (old); a1 keeps 5 of 8.
    expect(get('by_age_group', { age_group: '35-49' })).toMatchObject({ visits: 4, patients: 2 });
    expect(get('by_age_group', { age_group: '18-34' })).toMatchObject({ visits: 10, patients: 6 });
    expect(get('by_state', { state: 'NY' })).toMatchObject({ visits: 4, patients: 2 });
    expect(get('by_state', { state: 'CA' })).toMatchObject({ visits: 10, patients: 6 });
    const byAge = cells.filter((c) => c.table === 'by_age_group');
    expect(byAge.reduce((n, c) => n + c.patients, 0)).toBe(13); // each patient in exactly one cell
    expect(get('total', {})).toMatchObject({ visits: 19, patients: 13 });
    // Costs clamped at 2000: b1's two 9000 visits add 2 * 2000.
    expect(get('by_state', { state: 'NY' })?.sumCents).toBe((2 * 100 + 2 * 2000) * 100);
    expect(get('by_provider', { provider_id: 'PR2' })).toMatchObject({ patients: 1 });
  });

  it('records the measurement in k_anonymity_measurements only, never in the snapshot, and publishes no class below k', async () => {
    // Act
    const state = await privatize(crafted(), { runId: 'crafted', batchPrefix: 'batches/crafted/', asOf: '2025-12-31' });
    const warehouse = await crafted().warehouse();
    const [row] = await warehouse.query<{ smallest_k: number; classes: number; classes_below_k: number; k: number }>(
      'select smallest_k, classes, classes_below_k, k from k_anonymity_measurements where run_id = $1',
      ['crafted'],
    );
    const [stored] = await warehouse.query<{ snapshot: ReleaseSnapshot | string }>('select snapshot from published_releases');
    const snap = (typeof stored?.snapshot === 'string' ? JSON.parse(stored.snapshot) : stored?.snapshot) as ReleaseSnapshot;

    // Assess
    expect(state.privatized?.smallestK).toBe(1);
    expect(row).toEqual({ smallest_k: 1, classes: 4, classes_below_k: 2, k: 5 });
    const text = JSON.stringify(snap);
    for (const exactField of ['smallestK', 'kAnonymity', 'classesBelowK', 'smallest_k', 'k-anonymity']) expect(text).not.toContain(exactField);
    expect(snap.privacy.k).toBe(5);
    // The two-patient group is suppressed wherever it would appear on its own.
    const cell = (table: string, key: Record<string, string>) =>
      snap.tables.find((t) => t.name === table)?.cells.find((c) => JSON.stringify(c.key) === JSON.stringify(key));
    expect(cell('by_age_group', { age_group: '35-49' })).toMatchObject({ visits: null, patients: null, suppressed: true });
    expect(cell('by_state', { state: 'NY' })).toMatchObject({ visits: null, patients: null, suppressed: true });
    expect(cell('by_state', { state: 'CA' })).toMatchObject({ visits: 10, patients: 6, suppressed: false });
    expect(snap.privacy.suppressed).toContain('by_state: NY (noisy patient count below 5)');
    expect(snap.privacy).toMatchObject({ unit: 'patient', deltaRelease: 1e-6 });
  });
});
