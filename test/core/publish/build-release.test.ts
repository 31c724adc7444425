import { describe, expect, it } from 'vitest';
import { defaultConfig, type PrivacyConfig } from '../../../lambdas/core/config.js';
import {
  budgetShares,
  buildRelease,
  MEAN_MAX_SD_SHARE,
  RELEASE_BUDGET,
  releaseBudget,
  tableKeys,
  type BudgetLine,
} from '../../../lambdas/core/publish/build-release.js';
import {
  DIAGNOSIS_VOCABULARY,
  OTHER,
  PUBLISHED_TABLES,
  releaseKeyDomains,
  reportingMonths,
  US_STATES,
  type PublishedTableName,
  type ReleaseDomains,
  type TrueCell,
} from '../../../lambdas/core/publish/true-aggregates.js';
import { createSeededRandom, toMicroEpsilon } from '../../../lambdas/core/privacy/index.js';
import { discreteLaplaceHalfWidth } from '../../../lambdas/core/privacy/intervals.js';
import { discreteLaplaceMoments, moments, SIGMAS } from '../privacy/stats.js';

const exact: PrivacyConfig = { ...defaultConfig.privacy, noNoise: true };
const noisy: PrivacyConfig = { ...defaultConfig.privacy, noNoise: false };
const CLAMP = 200_000; // USD 2,000 in cents

const DOMAINS: ReleaseDomains = {
  ...releaseKeyDomains({ rosterSpecialties: ['Cardiology', 'Pediatrics'], selectedDiagnoses: [], selectedSpecialties: [] }),
  month: ['2025-10', '2025-11', '2025-12'],
  provider: ['PR1', 'PR2', 'PR3'],
};
const BIG: ReleaseDomains = {
  ...releaseKeyDomains({ rosterSpecialties: ['Cardiology', 'Dermatology', 'Neurology', 'Psychiatry', 'Urology', 'Oncology'], selectedDiagnoses: [], selectedSpecialties: [] }),
  month: reportingMonths('2025-12-31'),
  provider: Array.from({ length: 50 }, (_, i) => `PR${i}`),
};

const cell = (table: TrueCell['table'], key: Record<string, string>, visits: number, patients: number, sumCents = visits * 10_000, costCount = visits): TrueCell => ({
  table,
  key,
  visits,
  patients,
  sumCents,
  costCount,
});

const find = (release: ReturnType<typeof buildRelease>, table: PublishedTableName, key: Record<string, string>) =>
  release.tables.find((t) => t.name === table)?.cells.find((c) => Object.entries(key).every(([k, v]) => c.key[k] === v));

const line = (budget: BudgetLine[], table: BudgetLine['table'], statistic: BudgetLine['statistic']): BudgetLine => {
  const l = budget.find((b) => b.table === table && b.statistic === statistic);
  if (!l) throw new Error(`no line ${table}.${statistic}`);
  return l;
};

describe('Function: releaseBudget', () => {
  it.each([1, 0.3, 0.7, 2.5, 0.123457])('splits epsilon %s over every statistic, adding up exactly', (epsilon) => {
    // Act
    const budget = releaseBudget({ ...exact, epsilonPerRelease: epsilon }, BIG, CLAMP);

    // Assess
    const micro = budget.reduce((a, l) => a + toMicroEpsilon(l.epsilon, 'nearest'), 0);
    expect(micro).toBe(toMicroEpsilon(epsilon, 'down'));
    expect(budget).toHaveLength(RELEASE_BUDGET.length);
    expect(budget.every((l) => l.epsilon > 0)).toBe(true);
  });

  it('pays for a DP clamp only when none is configured, and shares delta between the two selections', () => {
    // Act
    const auto = budgetShares(noisy);
    const fixed = budgetShares({ ...noisy, costClamp: 2000 });

    // Assess
    expect(auto.some((l) => l.statistic === 'clampQuantile')).toBe(true);
    expect(fixed.some((l) => l.statistic === 'clampQuantile')).toBe(false);
    expect(fixed.reduce((a, l) => a + toMicroEpsilon(l.epsilon, 'nearest'), 0)).toBe(1_000_000);
    const deltas = auto.filter((l) => l.delta > 0);
    expect(deltas.map((l) => `${l.table}.${l.statistic}`)).toEqual(['by_specialty.selection', 'by_diagnosis.selection']);
    expect(deltas.reduce((a, l) => a + l.delta, 0)).toBeCloseTo(noisy.deltaPerRelease, 15);
  });

  it('favours the KPIs and the monthly trend', () => {
    // Act
    const budget = releaseBudget(noisy, BIG, CLAMP);
    const share = (table: string) => budget.filter((l) => l.table === table).reduce((a, l) => a + l.epsilon, 0);

    // Assess
    for (const t of Object.keys(PUBLISHED_TABLES)) if (t !== 'by_month' && t !== 'by_diagnosis') expect(share(t)).toBeLessThan(share('by_month'));
    expect(share('kpis')).toBeGreaterThan(share('by_month'));
  });

  it.each([
    ['kpis', 'patients', 1],
    ['kpis', 'visits', 5],
    ['kpis', 'providerPatients', 5],
    ['kpis', 'costSum', CLAMP * 5],
    ['kpis', 'costCount', 5],
    ['kpis', 'clampQuantile', 1],
    ['by_age_group', 'patients', 1],
    ['by_gender', 'patients', 1],
    ['by_state', 'patients', 1],
    ['by_state', 'visits', 5],
    ['by_month', 'patients', 5],
    ['by_diagnosis', 'patients', 5],
    ['by_diagnosis', 'selection', 1],
    ['by_specialty', 'patients', 5],
    ['by_month_specialty', 'patients', 5],
    ['by_diagnosis', 'costSum', CLAMP * 5],
  ] as const)('uses sensitivity %s.%s = %s', (table, statistic, sensitivity) => {
    // Act / Assess
    expect(line(releaseBudget(noisy, BIG, CLAMP), table, statistic).sensitivity).toBe(sensitivity);
  });

  it('caps a distinct-patient sensitivity at the number of cells a patient can touch', () => {
    // Prepare: two specialties and Other, one provider.
    const domains = { ...DOMAINS, provider: ['PR1'] };

    // Act
    const budget = releaseBudget(noisy, domains, CLAMP);

    // Assess
    expect(line(budget, 'by_specialty', 'patients').sensitivity).toBe(3);
    expect(line(budget, 'by_month', 'patients').sensitivity).toBe(3);
    expect(line(budget, 'kpis', 'providerPatients').sensitivity).toBe(1);
  });
});

describe('Function: tableKeys', () => {
  it('lists public and roster domains, the released data-derived keys, and Other for the rest', () => {
    // Prepare
    const domains = { ...DOMAINS, ...releaseKeyDomains({ rosterSpecialties: ['Cardiology', 'Sleep Medicine'], selectedDiagnoses: ['GERD'], selectedSpecialties: [] }) };

    // Act / Assess
    expect(tableKeys('by_age_group', domains).map((k) => k['age_group'])).toEqual(['0-17', '18-34', '35-49', '50-64', '65+']);
    expect(tableKeys('by_state', domains).map((k) => k['state'])).toEqual([...US_STATES, OTHER]);
    expect(tableKeys('by_diagnosis', domains).map((k) => k['diagnosis'])).toEqual([...DIAGNOSIS_VOCABULARY, 'GERD', OTHER]);
    // A roster specialty outside the vocabulary that selection did not release is not listed on its own.
    expect(tableKeys('by_specialty', domains).map((k) => k['specialty'])).toEqual(['Cardiology', OTHER]);
    expect(tableKeys('by_month_specialty', DOMAINS)).toHaveLength(9);
  });

  it('gives the 36 months ending with the batch month', () => {
    // Act
    const months = reportingMonths('2025-03-15');

    // Assess
    expect(months).toHaveLength(36);
    expect(months[0]).toBe('2022-04');
    expect(months.at(-1)).toBe('2025-03');
  });
});

describe('Function: buildRelease', () => {
  const cells: TrueCell[] = [
    cell('total', {}, 900, 300, 900 * 25_000),
    cell('by_age_group', { age_group: '18-34' }, 400, 120),
    cell('by_age_group', { age_group: '65+' }, 12, 4), // below k = 5
    cell('by_gender', { gender: 'Female' }, 500, 160),
    cell('by_state', { state: 'CA' }, 30, 5), // exactly k
    cell('by_state', { state: 'ZZ' }, 50, 40), // outside the vocabulary: never listed
    cell('by_diagnosis', { diagnosis: 'Asthma' }, 3000, 2000, 3000 * 12_345),
    cell('by_diagnosis', { diagnosis: 'John Q. Public' }, 9, 9), // not released by selection: never listed
    cell('by_specialty', { specialty: 'Cardiology' }, 10, 3),
    cell('by_specialty', { specialty: 'Secret Clinic' }, 99, 99), // not on the roster: never listed
    cell('by_month', { month: '2025-11' }, 70, 60),
    cell('by_month', { month: '2019-01' }, 70, 60), // outside the reporting window
    cell('by_provider', { provider_id: 'PR1' }, 0, 250),
    cell('by_provider', { provider_id: 'PR2' }, 0, 4),
  ];
  const build = (config: PrivacyConfig, seed: number | string = 1, c: TrueCell[] = cells, domains = DOMAINS) =>
    buildRelease({ cells: c, domains, config, clampCents: CLAMP, bits: createSeededRandom(seed) });

  it('publishes exact values in noNoise mode and every key of each domain, and nothing else', () => {
    // Act
    const release = build(exact);

    // Assess
    expect(find(release, 'by_age_group', { age_group: '18-34' })).toMatchObject({ visits: 400, patients: 120, suppressed: false });
    expect(find(release, 'by_state', { state: 'CA' })).toMatchObject({ visits: 30, patients: 5, suppressed: false });
    expect(find(release, 'by_month', { month: '2025-11' })).toMatchObject({ visits: 70, patients: 60 });
    for (const [name, dims] of Object.entries(PUBLISHED_TABLES)) {
      const t = release.tables.find((x) => x.name === name)!;
      expect(t.dimensions).toEqual([...dims]);
      expect(t.cells.map((c) => c.key)).toEqual(tableKeys(name as PublishedTableName, DOMAINS));
    }
    const listed = JSON.stringify(release.tables);
    for (const never of ['ZZ', 'Secret Clinic', '2019-01', 'John Q. Public']) expect(listed).not.toContain(never);
  });

  it('suppresses cells below k with null, never 0, and says so', () => {
    // Act
    const release = build(exact);

    // Assess: a small cell and an empty public-domain cell both read null, with no interval.
    for (const key of [{ age_group: '65+' }, { age_group: '0-17' }]) {
      expect(find(release, 'by_age_group', key)).toEqual({
        key, visits: null, patients: null, meanCost: null, suppressed: true, intervals: { visits: null, patients: null, meanCost: null }, imprecise: [],
      });
    }
    expect(find(release, 'by_specialty', { specialty: 'Cardiology' })).toMatchObject({ visits: null, patients: null, suppressed: true });
    const numbers = release.tables.flatMap((t) => t.cells.filter((c) => c.suppressed).flatMap((c) => [c.visits, c.patients, c.meanCost]));
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.every((n) => n === null)).toBe(true);
    expect(release.suppressed).toContain('by_age_group: 65+ (noisy patient count below 5)');
  });

  it('gives every published figure its 95% interval from its own budget line, and marks those wider than the figure', () => {
    // Act
    const release = build(noisy, 'intervals');

    // Assess
    const v = line(release.budget, 'by_age_group', 'visits');
    const c = find(release, 'by_age_group', { age_group: '18-34' })!;
    const h = discreteLaplaceHalfWidth(v.scale!);
    expect(c.intervals.visits).toEqual({ low: Math.max(0, c.visits! - h), high: c.visits! + h });
    for (const t of release.tables) {
      for (const cl of t.cells.filter((x) => !x.suppressed)) {
        for (const f of ['visits', 'patients', 'meanCost'] as const) {
          expect(cl.intervals[f] === null).toBe(cl[f] === null);
          const iv = cl.intervals[f];
          expect(cl.imprecise.includes(f)).toBe(iv !== null && iv.high - iv.low > Math.abs(cl[f]!));
        }
      }
    }
    // 30 visits in California against a by_state visits interval of about +-260: marked.
    const ca = find(release, 'by_state', { state: 'CA' });
    if (ca && !ca.suppressed) expect(ca.imprecise).toContain('visits');
    expect(release.kpiIntervals.patients).toEqual({ low: release.kpis.patients! - discreteLaplaceHalfWidth(line(release.budget, 'kpis', 'patients').scale!), high: release.kpis.patients! + discreteLaplaceHalfWidth(line(release.budget, 'kpis', 'patients').scale!) });
  });

  it('counts active providers as those with at least k patients, over the whole roster, with an interval', () => {
    // Act
    const release = build(exact);

    // Assess: PR1 has 250 patients, PR2 4 (< k), PR3 none; PR2 might be active within the noise.
    expect(release.kpis).toMatchObject({ patients: 300, visits: 900, activeProviders: 1 });
    // 250 patients is not enough to be sure of PR1 at 95% jointly over three providers (+-440 each).
    expect(release.kpiIntervals.activeProviders).toEqual({ low: 0, high: 3 });
  });

  it('averages over the visits that have a cost, not over all visits (a missing cost is not a zero)', () => {
    // Prepare: 60,000 visits of which 40,000 have a cost, averaging USD 150.
    const some = [cell('total', {}, 60_000, 20_000, 40_000 * 15_000, 40_000)];

    // Act
    const release = build(exact, 1, some);

    // Assess
    expect(release.kpis.meanVisitCost).toBe(150);
  });

  it('derives means from the noisy centred sum and the noisy count of costed visits, only where they are informative', () => {
    // Act
    const release = build(exact);
    const budget = release.budget;

    // Assess: Asthma has 3000 costed visits, so its mean's noise sd is under MEAN_MAX_SD_SHARE of the clamp.
    const sdAsthma = line(budget, 'by_diagnosis', 'costSum').noiseSd! / (2 * 3000 * 100);
    expect(sdAsthma).toBeLessThan((CLAMP / 100) * MEAN_MAX_SD_SHARE);
    expect(find(release, 'by_diagnosis', { diagnosis: 'Asthma' })?.meanCost).toBe(123.45);
    // The KPI over 900 visits would have a noise sd of hundreds of dollars: withheld.
    expect(line(budget, 'kpis', 'costSum').noiseSd! / (2 * 900 * 100)).toBeGreaterThan((CLAMP / 100) * MEAN_MAX_SD_SHARE);
    expect(release.kpis.meanVisitCost).toBeNull();
    // Tables without a cost budget never publish a mean.
    expect(find(release, 'by_age_group', { age_group: '18-34' })?.meanCost).toBeNull();
  });

  it('centres the cost sum on half the clamp, so the mean has half the noise of a plain sum (simulation)', () => {
    // Prepare: 50,000 costed visits of USD 1,000 each, half the clamp: the count's noise then cancels.
    const big = [cell('total', {}, 50_000, 20_000, 50_000 * 100_000)];
    const bits = createSeededRandom('centred');
    const errors: number[] = [];
    let budget: BudgetLine[] = [];

    // Act
    for (let i = 0; i < 1500; i++) {
      const r = buildRelease({ cells: big, domains: DOMAINS, config: noisy, clampCents: CLAMP, bits });
      budget = r.budget;
      errors.push(r.kpis.meanVisitCost! - 1000);
    }

    // Assess: sd of the mean = sd(noise on the centred sum) / (2 n), about half of sd(noise on a plain sum) / n
    // (a plain sum's mean would also carry the count's noise times the mean: sd about 2.8 times this).
    const sum = line(budget, 'kpis', 'costSum');
    const expectedSd = sum.noiseSd! / (2 * 50_000) / 100;
    const sd = Math.sqrt(moments(errors).meanSquare);
    expect(sd).toBeGreaterThan(expectedSd * 0.9);
    expect(sd).toBeLessThan(expectedSd * 1.1);
    expect(sum.sensitivity).toBe(CLAMP * noisy.maxVisitsPerPatient);
  });

  it('publishes the KPI mean once there are enough visits, clamped to [0, clamp]', () => {
    // Prepare: 60,000 visits whose exact clamped mean is the clamp itself.
    const big = [cell('total', {}, 60_000, 20_000, 60_000 * CLAMP)];

    // Act
    const release = build(exact, 1, big);

    // Assess
    expect(release.kpis.meanVisitCost).toBe(2000);
    expect(release.kpiIntervals.meanVisitCost!.high).toBe(2000);
  });

  it('withholds every KPI when the noisy patient total is below k', () => {
    // Act
    const release = build(exact, 1, [cell('total', {}, 8, 3)]);

    // Assess
    expect(release.kpis).toEqual({ patients: null, visits: null, activeProviders: null, meanVisitCost: null });
    expect(release.kpiIntervals).toEqual({ patients: null, visits: null, activeProviders: null, meanVisitCost: null });
    expect(release.suppressed[0]).toMatch(/^kpis: all/);
  });

  it('charges the tables and KPIs exactly the release epsilon and delta', () => {
    // Act
    const release = build({ ...noisy, epsilonPerRelease: 0.7 }, 2);

    // Assess
    const kpiMicro = release.budget.filter((l) => l.table === 'kpis').reduce((a, l) => a + toMicroEpsilon(l.epsilon, 'nearest'), 0);
    const tableMicro = release.tables.reduce((a, t) => a + toMicroEpsilon(t.epsilon, 'nearest'), 0);
    expect(kpiMicro + tableMicro).toBe(700_000);
    expect(release.epsilon).toBe(0.7);
    expect(release.delta).toBeCloseTo(noisy.deltaPerRelease, 15);
    expect(release.tables.find((t) => t.name === 'by_diagnosis')!.delta).toBeGreaterThan(0);
    expect(release.tables.find((t) => t.name === 'by_age_group')!.delta).toBe(0);
  });

  it('is deterministic for a seed and adds noise otherwise', () => {
    // Act
    const a = build(noisy, 'r');
    const b = build(noisy, 'r');
    const c = build(noisy, 'other');

    // Assess
    expect(a).toEqual(b);
    expect(a.tables).not.toEqual(c.tables);
    expect(find(a, 'by_diagnosis', { diagnosis: 'Asthma' })?.visits).not.toBe(3000);
  });

  it('adds noise of the scale its budget line declares (sensitivity 1 vs maxVisitsPerPatient)', () => {
    // Prepare: large true counts so clamping at 0 never matters.
    const big: TrueCell[] = [
      cell('total', {}, 100_000, 50_000),
      cell('by_gender', { gender: 'Female' }, 100_000, 50_000),
      cell('by_month', { month: '2025-12' }, 100_000, 50_000),
    ];
    const bits = createSeededRandom('scales');
    const runs = 1500;
    const draws = { kpiPatients: [] as number[], genderPatients: [] as number[], monthVisits: [] as number[], monthPatients: [] as number[] };

    // Act
    let budget: BudgetLine[] = [];
    for (let i = 0; i < runs; i++) {
      const r = buildRelease({ cells: big, domains: DOMAINS, config: noisy, clampCents: CLAMP, bits });
      budget = r.budget;
      draws.kpiPatients.push(r.kpis.patients! - 50_000);
      draws.genderPatients.push(find(r, 'by_gender', { gender: 'Female' })!.patients! - 50_000);
      draws.monthVisits.push(find(r, 'by_month', { month: '2025-12' })!.visits! - 100_000);
      draws.monthPatients.push(find(r, 'by_month', { month: '2025-12' })!.patients! - 50_000);
    }

    // Assess
    const check = (values: number[], l: BudgetLine) => {
      const { variance, fourth } = discreteLaplaceMoments(l.scale!);
      const { meanSquare } = moments(values);
      expect(Math.abs(meanSquare - variance)).toBeLessThan(SIGMAS * Math.sqrt((fourth - variance ** 2) / values.length));
    };
    check(draws.kpiPatients, line(budget, 'kpis', 'patients'));
    check(draws.genderPatients, line(budget, 'by_gender', 'patients'));
    check(draws.monthVisits, line(budget, 'by_month', 'visits'));
    check(draws.monthPatients, line(budget, 'by_month', 'patients'));
    expect(line(budget, 'by_gender', 'patients').scale).toBeCloseTo(1 / line(budget, 'by_gender', 'patients').epsilon, 9);
    expect(line(budget, 'by_month', 'patients').scale).toBeCloseTo(3 / line(budget, 'by_month', 'patients').epsilon, 9); // min(5, 3 months)
  });
});
