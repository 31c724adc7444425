import { describe, expect, it } from 'vitest';
import { defaultConfig, type PrivacyConfig } from '../../../lambdas/core/config.js';
import { buildRelease, MEAN_MAX_SD_SHARE, RELEASE_BUDGET, releaseBudget, tableKeys, type BudgetLine } from '../../../lambdas/core/publish/build-release.js';
import {
  DIAGNOSIS_VOCABULARY,
  OTHER,
  PUBLISHED_TABLES,
  reportingMonths,
  US_STATES,
  type PublishedTableName,
  type ReleaseDomains,
  type TrueCell,
} from '../../../lambdas/core/publish/true-aggregates.js';
import { createSeededRandom, toMicroEpsilon } from '../../../lambdas/core/privacy/index.js';
import { discreteLaplaceMoments, moments, SIGMAS } from '../privacy/stats.js';

const exact: PrivacyConfig = { ...defaultConfig.privacy, noNoise: true };
const noisy: PrivacyConfig = { ...defaultConfig.privacy, noNoise: false };

const DOMAINS: ReleaseDomains = {
  specialty: ['Cardiology', 'Pediatrics'],
  month: ['2025-10', '2025-11', '2025-12'],
  provider: ['PR1', 'PR2', 'PR3'],
};
const BIG: ReleaseDomains = {
  specialty: ['A', 'B', 'C', 'D', 'E', 'F', 'G'],
  month: reportingMonths('2025-12-31'),
  provider: Array.from({ length: 50 }, (_, i) => `PR${i}`),
};

const cell = (table: TrueCell['table'], key: Record<string, string>, visits: number, patients: number, sumCents = visits * 10_000): TrueCell => ({
  table,
  key,
  visits,
  patients,
  sumCents,
  providers: 1,
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
    const budget = releaseBudget({ ...exact, epsilonPerRelease: epsilon }, BIG);

    // Assess
    const micro = budget.reduce((a, l) => a + toMicroEpsilon(l.epsilon, 'nearest'), 0);
    expect(micro).toBe(toMicroEpsilon(epsilon, 'down'));
    expect(budget).toHaveLength(RELEASE_BUDGET.length);
    expect(budget.every((l) => l.epsilon > 0)).toBe(true);
  });

  it('favours the KPIs and the monthly trend', () => {
    // Act
    const budget = releaseBudget(noisy, BIG);
    const share = (table: string) => budget.filter((l) => l.table === table).reduce((a, l) => a + l.epsilon, 0);

    // Assess
    expect(share('kpis')).toBeCloseTo(0.19, 6);
    expect(share('by_month')).toBeCloseTo(0.18, 6);
    for (const t of Object.keys(PUBLISHED_TABLES)) if (t !== 'by_month') expect(share(t)).toBeLessThan(share('by_month'));
    expect(line(budget, 'by_month', 'visits').epsilon).toBe(0.12);
  });

  it.each([
    ['kpis', 'patients', 1],
    ['kpis', 'visits', 5],
    ['kpis', 'providerPatients', 5],
    ['kpis', 'sumCents', 2000 * 100 * 5],
    ['by_age_group', 'patients', 1],
    ['by_gender', 'patients', 1],
    ['by_state', 'patients', 1],
    ['by_state', 'visits', 5],
    ['by_month', 'patients', 5],
    ['by_diagnosis', 'patients', 5],
    ['by_specialty', 'patients', 5],
    ['by_month_specialty', 'patients', 5],
    ['by_diagnosis', 'sumCents', 2000 * 100 * 5],
  ] as const)('uses sensitivity %s.%s = %s', (table, statistic, sensitivity) => {
    // Act / Assess
    expect(line(releaseBudget(noisy, BIG), table, statistic).sensitivity).toBe(sensitivity);
  });

  it('caps a distinct-patient sensitivity at the number of cells a patient can touch', () => {
    // Prepare: two specialties, one provider: a patient can be in at most 2 specialty cells.
    const domains = { ...DOMAINS, provider: ['PR1'] };

    // Act
    const budget = releaseBudget(noisy, domains);

    // Assess
    expect(line(budget, 'by_specialty', 'patients').sensitivity).toBe(2);
    expect(line(budget, 'by_month', 'patients').sensitivity).toBe(3);
    expect(line(budget, 'kpis', 'providerPatients').sensitivity).toBe(1);
  });
});

describe('Function: tableKeys', () => {
  it('lists public and roster domains, with Other for pooled vocabularies', () => {
    // Act / Assess
    expect(tableKeys('by_age_group', DOMAINS).map((k) => k['age_group'])).toEqual(['0-17', '18-34', '35-49', '50-64', '65+']);
    expect(tableKeys('by_state', DOMAINS).map((k) => k['state'])).toEqual([...US_STATES, OTHER]);
    expect(tableKeys('by_diagnosis', DOMAINS).map((k) => k['diagnosis'])).toEqual([...DIAGNOSIS_VOCABULARY, OTHER]);
    expect(tableKeys('by_month_specialty', DOMAINS)).toHaveLength(6);
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
    cell('by_specialty', { specialty: 'Cardiology' }, 10, 3),
    cell('by_specialty', { specialty: 'Secret Clinic' }, 99, 99), // not on the roster: never listed
    cell('by_month', { month: '2025-11' }, 70, 60),
    cell('by_month', { month: '2019-01' }, 70, 60), // outside the reporting window
    cell('by_provider', { provider_id: 'PR1' }, 0, 250),
    cell('by_provider', { provider_id: 'PR2' }, 0, 4),
  ];

  it('publishes exact values in noNoise mode and every key of each domain, and nothing else', () => {
    // Act
    const release = buildRelease({ cells, domains: DOMAINS, config: exact, bits: createSeededRandom(1) });

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
    expect(listed).not.toContain('ZZ');
    expect(listed).not.toContain('Secret Clinic');
    expect(listed).not.toContain('2019-01');
  });

  it('suppresses cells below k with null, never 0, and says so', () => {
    // Act
    const release = buildRelease({ cells, domains: DOMAINS, config: exact, bits: createSeededRandom(1) });

    // Assess: a small cell and an empty public-domain cell both read null.
    for (const key of [{ age_group: '65+' }, { age_group: '0-17' }]) {
      expect(find(release, 'by_age_group', key)).toEqual({ key, visits: null, patients: null, meanCost: null, suppressed: true });
    }
    expect(find(release, 'by_specialty', { specialty: 'Cardiology' })).toMatchObject({ visits: null, patients: null, suppressed: true });
    const numbers = release.tables.flatMap((t) => t.cells.filter((c) => c.suppressed).flatMap((c) => [c.visits, c.patients, c.meanCost]));
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.every((n) => n === null)).toBe(true);
    expect(release.suppressed).toContain('by_age_group: 65+ (noisy patient count below 5)');
  });

  it('counts active providers as those with at least k patients, over the whole roster', () => {
    // Act
    const release = buildRelease({ cells, domains: DOMAINS, config: exact, bits: createSeededRandom(1) });

    // Assess: PR1 has 250 patients, PR2 4 (< k), PR3 none.
    expect(release.kpis).toMatchObject({ patients: 300, visits: 900, activeProviders: 1 });
  });

  it('derives means from the noisy sum and the noisy visit count, only where they are informative', () => {
    // Act
    const release = buildRelease({ cells, domains: DOMAINS, config: exact, bits: createSeededRandom(1) });
    const budget = release.budget;

    // Assess: Asthma has 3000 visits, so its mean's noise sd is under MEAN_MAX_SD_SHARE of the clamp.
    const sdAsthma = line(budget, 'by_diagnosis', 'sumCents').noiseSd / 100 / 3000;
    expect(sdAsthma).toBeLessThan(exact.costClamp * MEAN_MAX_SD_SHARE);
    expect(find(release, 'by_diagnosis', { diagnosis: 'Asthma' })?.meanCost).toBe(123.45);
    // The KPI over 900 visits would have a noise sd of several hundred dollars: withheld.
    expect(line(budget, 'kpis', 'sumCents').noiseSd / 100 / 900).toBeGreaterThan(exact.costClamp * MEAN_MAX_SD_SHARE);
    expect(release.kpis.meanVisitCost).toBeNull();
    // Tables without a cost budget never publish a mean.
    expect(find(release, 'by_age_group', { age_group: '18-34' })?.meanCost).toBeNull();
  });

  it('publishes the KPI mean once there are enough visits, clamped to [0, costClamp]', () => {
    // Prepare: 60,000 visits whose exact clamped mean is the clamp itself.
    const big = [cell('total', {}, 60_000, 20_000, 60_000 * 200_000)];

    // Act
    const release = buildRelease({ cells: big, domains: DOMAINS, config: exact, bits: createSeededRandom(1) });

    // Assess
    expect(release.kpis.meanVisitCost).toBe(2000);
  });

  it('withholds every KPI when the noisy patient total is below k', () => {
    // Act
    const release = buildRelease({ cells: [cell('total', {}, 8, 3)], domains: DOMAINS, config: exact, bits: createSeededRandom(1) });

    // Assess
    expect(release.kpis).toEqual({ patients: null, visits: null, activeProviders: null, meanVisitCost: null });
    expect(release.suppressed[0]).toMatch(/^kpis: all/);
  });

  it('charges the tables and KPIs exactly the release epsilon', () => {
    // Act
    const release = buildRelease({ cells, domains: DOMAINS, config: { ...noisy, epsilonPerRelease: 0.7 }, bits: createSeededRandom(2) });

    // Assess
    const kpiMicro = release.budget.filter((l) => l.table === 'kpis').reduce((a, l) => a + toMicroEpsilon(l.epsilon, 'nearest'), 0);
    const tableMicro = release.tables.reduce((a, t) => a + toMicroEpsilon(t.epsilon, 'nearest'), 0);
    expect(kpiMicro + tableMicro).toBe(700_000);
    expect(release.epsilon).toBe(0.7);
  });

  it('is deterministic for a seed and adds noise otherwise', () => {
    // Act
    const a = buildRelease({ cells, domains: DOMAINS, config: noisy, bits: createSeededRandom('r') });
    const b = buildRelease({ cells, domains: DOMAINS, config: noisy, bits: createSeededRandom('r') });
    const c = buildRelease({ cells, domains: DOMAINS, config: noisy, bits: createSeededRandom('other') });

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
      const r = buildRelease({ cells: big, domains: DOMAINS, config: noisy, bits });
      budget = r.budget;
      draws.kpiPatients.push(r.kpis.patients! - 50_000);
      draws.genderPatients.push(find(r, 'by_gender', { gender: 'Female' })!.patients! - 50_000);
      draws.monthVisits.push(find(r, 'by_month', { month: '2025-12' })!.visits! - 100_000);
      draws.monthPatients.push(find(r, 'by_month', { month: '2025-12' })!.patients! - 50_000);
    }

    // Assess
    const check = (values: number[], l: BudgetLine) => {
      const { variance, fourth } = discreteLaplaceMoments(l.scale);
      const { meanSquare } = moments(values);
      expect(Math.abs(meanSquare - variance)).toBeLessThan(SIGMAS * Math.sqrt((fourth - variance ** 2) / values.length));
    };
    check(draws.kpiPatients, line(budget, 'kpis', 'patients'));
    check(draws.genderPatients, line(budget, 'by_gender', 'patients'));
    check(draws.monthVisits, line(budget, 'by_month', 'visits'));
    check(draws.monthPatients, line(budget, 'by_month', 'patients'));
    expect(line(budget, 'by_gender', 'patients').scale).toBeCloseTo(50, 9);
    expect(line(budget, 'by_month', 'patients').scale).toBeCloseTo(50, 9); // min(5, 3 months) / 0.06
  });
});
