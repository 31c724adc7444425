// The release counts distinct patients per cell, and each patient's FIRST cost and first data-derived
// keys, from the bounded contributions without count(distinct) (lambdas/steps/io/aggregate-query.ts).
// Crafted contents with known answers: a patient whose visits repeat the same cell many times and in
// every table (same diagnosis, provider, month, month x specialty), a first cost that is not on the first
// visit, and first unlisted keys past the ninth visit (so "nth 10" must not sort before "nth 9"). Read in
// one call and in slices that put each patient in a call of their own.
import { describe, expect, it } from 'vitest';
import { CLAMP_CANDIDATES_CENTS } from '../../lambdas/core/privacy/dp-quantile.js';
import type { SerialSlice } from '../../lambdas/core/publish/patient-slices.js';
import { DIAGNOSIS_VOCABULARY, OTHER, SPECIALTY_VOCABULARY, releaseKeyDomains } from '../../lambdas/core/publish/true-aggregates.js';
import { queryReleaseInputs, queryTrueAggregates } from '../../lambdas/steps/io/aggregate-query.js';
import { craftedWarehouse } from '../helpers/crafted-warehouse.js';
import { DATABASES } from '../helpers/databases.js';

// a1: eleven visits, most of them repeating a cell; its first cost is on its 3rd visit, its first unlisted
// diagnosis ('Zeta Fever') on its 9th and another ('Alpha Pox') on its 10th; PR3's specialty is unlisted.
// b1: two identical visits in one cell of every table. c1: one visit.
const VISITS: [patient: string, provider: string, diagnosis: string, date: string, cost: number | null][] = [
  ['a1', 'PR1', 'Asthma', '2025-11-03', null],
  ['a1', 'PR2', 'Asthma', '2025-11-04', null],
  ['a1', 'PR1', 'Migraine', '2025-10-01', 100],
  ['a1', 'PR1', 'Asthma', '2025-10-02', 50],
  ['a1', 'PR1', 'Asthma', '2025-10-03', 50],
  ['a1', 'PR1', 'Asthma', '2025-10-04', 50],
  ['a1', 'PR1', 'Asthma', '2025-10-05', 50],
  ['a1', 'PR1', 'Asthma', '2025-10-06', 50],
  ['a1', 'PR3', 'Zeta Fever', '2025-10-07', 50],
  ['a1', 'PR3', 'Alpha Pox', '2025-11-05', 50],
  ['a1', 'PR2', 'Zeta Fever', '2025-11-06', 50],
  ['b1', 'PR3', 'Alpha Pox', '2025-11-07', 700],
  ['b1', 'PR3', 'Alpha Pox', '2025-11-08', 800],
  ['c1', 'PR1', 'Asthma', '2025-11-09', 20],
];

const CRAFT = `
insert into dim_providers (provider_id, provider_name, specialty, run_id)
values ('PR1', 'Dr. One', 'Cardiology', 'crafted'), ('PR2', 'Dr. Two', 'Cardiology', 'crafted'), ('PR3', 'Dr. Three', 'Space Medicine', 'crafted');

-- Serials 1, 2 and 3 (a1, b1, c1), so the slicings below can put each patient in a call of their own.
insert into dim_patients (patient_id, patient_serial, birth_year, gender, zip3, state, valid_from, valid_to, is_current, run_id)
select id, n, 1990, 'Female', '941', 'CA', date '2025-01-01', null::date, true, 'crafted' from unnest(array['a1', 'b1', 'c1']) with ordinality as u (id, n);

-- Visit ids in list order, so nth follows it.
insert into fact_visits (visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id)
select 'v' || lpad(v.i::text, 2, '0'), p.patient_key, r.provider_key, v.visit_date, 'Follow-up', v.diagnosis, 'Exam', v.cost, v.cost, 'crafted'
from jsonb_to_recordset('${JSON.stringify(VISITS.map(([patient, provider, diagnosis, date, cost], i) => ({ i, patient, provider, diagnosis, visit_date: date, cost })))}'::jsonb)
  as v(i int, patient text, provider text, diagnosis text, visit_date date, cost numeric)
join dim_patients as p on p.patient_id = v.patient
join dim_providers as r on r.provider_id = v.provider;

select rebuild_patient_contributions(12);
`;

const SLICINGS: { name: string; slices: SerialSlice[] }[] = [
  { name: 'one call', slices: [{}] },
  { name: 'a call per patient', slices: [{ until: 2 }, { from: 2, until: 3 }, { from: 3 }] },
];

describe.each(DATABASES)('First occurrences in the release reads on $name', (kind) => {
  const crafted = craftedWarehouse(kind, CRAFT);

  it.each(SLICINGS)('counts each patient once per cell however often their visits repeat it ($name)', async ({ slices }) => {
    // Act: 'Zeta Fever' released by partition selection, 'Alpha Pox' and 'Space Medicine' pooled into OTHER.
    const cells = await queryTrueAggregates(await crafted().warehouse(), {
      slices,
      clampCents: 200_000,
      asOf: '2025-12-31',
      domains: releaseKeyDomains({ rosterSpecialties: ['Cardiology', 'Space Medicine'], selectedDiagnoses: ['Zeta Fever'], selectedSpecialties: [] }),
    });
    const counts = (table: string) =>
      Object.fromEntries(cells.filter((c) => c.table === table).map((c) => [Object.values(c.key).join(' / '), [c.visits, c.patients]]));

    // Assess: [visits, distinct patients] per cell.
    expect(counts('by_diagnosis')).toEqual({ Asthma: [8, 2], Migraine: [1, 1], 'Zeta Fever': [2, 1], [OTHER]: [3, 2] });
    expect(counts('by_specialty')).toEqual({ Cardiology: [10, 2], [OTHER]: [4, 2] });
    expect(counts('by_month')).toEqual({ '2025-10': [7, 1], '2025-11': [7, 3] });
    expect(counts('by_month_specialty')).toEqual({
      '2025-10 / Cardiology': [6, 1], [`2025-10 / ${OTHER}`]: [1, 1], '2025-11 / Cardiology': [4, 2], [`2025-11 / ${OTHER}`]: [3, 2],
    });
    expect(counts('by_provider')).toEqual({ PR1: [8, 2], PR2: [2, 1], PR3: [4, 2] });
    expect(counts('by_gender')).toEqual({ Female: [14, 3] });
    expect(counts('total')).toEqual({ '': [14, 3] });
  });

  it.each(SLICINGS)("takes each patient's first cost and first unlisted keys in visit order ($name)", async ({ slices }) => {
    // Prepare: the vocabularies list Asthma, Migraine and Cardiology, not the crafted terms.
    expect(DIAGNOSIS_VOCABULARY).toEqual(expect.arrayContaining(['Asthma', 'Migraine']));
    expect(SPECIALTY_VOCABULARY).toContain('Cardiology');
    const bucketOf = (cents: number) => CLAMP_CANDIDATES_CENTS.filter((c) => c < cents).length;

    // Act
    const inputs = await queryReleaseInputs(await crafted().warehouse(), { listed: { diagnosis: DIAGNOSIS_VOCABULARY, specialty: SPECIALTY_VOCABULARY }, slices });

    // Assess: a1's first cost is its 3rd visit's, b1's its 1st; a1's first unlisted diagnosis is its 9th visit's.
    const expected = CLAMP_CANDIDATES_CENTS.map(() => 0);
    for (const cents of [100_00, 700_00, 20_00]) expected[bucketOf(cents)]! += 1;
    expect(inputs.costHistogram).toEqual(expected);
    expect(inputs.candidates.diagnosis).toEqual([{ key: 'Alpha Pox', patients: 1 }, { key: 'Zeta Fever', patients: 1 }]);
    expect(inputs.candidates.specialty).toEqual([{ key: 'Space Medicine', patients: 2 }]);
  });
});
