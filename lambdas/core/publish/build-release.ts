// Turns exact, contribution-bounded aggregates into a differentially private release. Pure: the
// randomness arrives as an argument, so tests can fix it and production uses crypto.
//
// Unit of privacy: one patient with all their visits. Every noisy statistic has a declared L1
// sensitivity over its whole table (not per cell) and a fixed share of the release epsilon
// (RELEASE_BUDGET, split exactly in micro-epsilon by splitEpsilon). Sequential composition over the
// shares gives epsilonPerRelease for the release; the ledger adds releases up.
//
// Keys: fixed domains (vocabularies, the provider roster, the calendar months before the batch date)
// cost nothing to list. Data-derived keys (a diagnosis or specialty outside the vocabulary) are listed
// only when DP partition selection released them (privatize decides, with the 'selection' lines below),
// which costs the delta in deltaPerRelease. A cell whose NOISY patient count is below k is listed as
// suppressed with nulls (post-processing). Every figure carries its 95% interval.
import type { PrivacyConfig } from '../config.js';
import { fromMicroEpsilon, toMicroEpsilon } from '../privacy/epsilon.js';
import { splitEpsilon } from '../privacy/budget.js';
import { CONFIDENCE, countInterval, discreteLaplaceHalfWidth, isImprecise, meanInterval } from '../privacy/intervals.js';
import { discreteLaplaceVariance, noisyCount, noisySumCents } from '../privacy/mechanisms.js';
import type { BitSource } from '../privacy/randomness.js';
import { suppressSmallCells } from '../privacy/k-anonymity.js';
import type { CellFigure, Interval, KpiName, PublishedCell, PublishedSnapshot, PublishedTable } from '../published-snapshot.js';
import {
  PATIENT_KEYED_TABLES,
  PUBLIC_DOMAINS,
  PUBLISHED_TABLES,
  type PublishedTableName,
  type ReleaseDomains,
  type TrueCell,
} from './true-aggregates.js';

export type Statistic = 'visits' | 'patients' | 'costSum' | 'costCount' | 'providerPatients' | 'selection' | 'clampQuantile';
export type BudgetTable = PublishedTableName | 'kpis';

/**
 * How the release epsilon is shared, in weights. It favours what the dashboard shows first: the KPI
 * tiles and the monthly trend. A mean is a noisy centred cost sum over a noisy count of the visits
 * that have a cost; means are published for the KPI and by diagnosis only. 'selection' pays for the
 * The count gets about as much as the sum: centring halves the sum's noise but multiplies the count's by
 * |mean - clamp/2|, which for skewed costs is most of the clamp. 'selection' pays for the
 * partition selection of a table's data-derived keys (its delta comes from deltaPerRelease, shared in
 * the same proportions); 'clampQuantile' for the DP cost clamp, only when no clamp is configured.
 */
export const RELEASE_BUDGET: readonly { table: BudgetTable; statistic: Statistic; weight: number }[] = [
  { table: 'kpis', statistic: 'visits', weight: 6 },
  { table: 'kpis', statistic: 'patients', weight: 3 },
  { table: 'kpis', statistic: 'providerPatients', weight: 4 },
  { table: 'kpis', statistic: 'costSum', weight: 10 },
  { table: 'kpis', statistic: 'costCount', weight: 6 },
  { table: 'kpis', statistic: 'clampQuantile', weight: 5 },
  { table: 'by_month', statistic: 'visits', weight: 12 },
  { table: 'by_month', statistic: 'patients', weight: 6 },
  { table: 'by_month_specialty', statistic: 'visits', weight: 8 },
  { table: 'by_month_specialty', statistic: 'patients', weight: 4 },
  { table: 'by_specialty', statistic: 'visits', weight: 6 },
  { table: 'by_specialty', statistic: 'patients', weight: 3 },
  { table: 'by_specialty', statistic: 'selection', weight: 3 },
  { table: 'by_diagnosis', statistic: 'visits', weight: 6 },
  { table: 'by_diagnosis', statistic: 'patients', weight: 3 },
  { table: 'by_diagnosis', statistic: 'costSum', weight: 8 },
  { table: 'by_diagnosis', statistic: 'costCount', weight: 6 },
  { table: 'by_diagnosis', statistic: 'selection', weight: 8 },
  { table: 'by_age_group', statistic: 'visits', weight: 4 },
  { table: 'by_age_group', statistic: 'patients', weight: 2 },
  { table: 'by_gender', statistic: 'visits', weight: 3 },
  { table: 'by_gender', statistic: 'patients', weight: 2 },
  { table: 'by_state', statistic: 'visits', weight: 8 },
  { table: 'by_state', statistic: 'patients', weight: 6 },
];

/**
 * A mean is published only when its noise standard deviation, computed from the cell's noisy count of
 * costed visits, is at most this share of the clamp. Post-processing.
 */
export const MEAN_MAX_SD_SHARE = 0.05;

/** One noisy statistic of the release: its epsilon (and delta), L1 sensitivity and noise. */
export interface BudgetLine {
  table: BudgetTable;
  statistic: Statistic;
  epsilon: number;
  /** Delta of a partition selection; 0 for every other statistic. */
  delta: number;
  /**
   * L1 sensitivity over the whole table: visits or patients; half-cents for costSum (the sum of
   * 2 * clamped cost - clamp, so one visit moves it by at most the clamp in half-cents, half the noise
   * of an uncentred sum); utility units for clampQuantile.
   */
  sensitivity: number;
  /** Discrete Laplace scale sensitivity / epsilon (null for the quantile, which is not additive noise). */
  scale: number | null;
  /** Standard deviation of the noise on one cell, in the sensitivity's unit (null for the quantile). */
  noiseSd: number | null;
}

export interface ReleaseInput {
  cells: readonly TrueCell[];
  domains: ReleaseDomains;
  config: PrivacyConfig;
  /** The cost clamp of this release, in cents (configured, or the DP quantile's choice). */
  clampCents: number;
  bits: BitSource;
}

export interface Release {
  kpis: PublishedSnapshot['kpis'];
  kpiIntervals: PublishedSnapshot['kpiIntervals'];
  kpiImprecise: KpiName[];
  tables: PublishedTable[];
  /** Readable notes on suppressed cells. */
  suppressed: string[];
  /** Sum of all budget lines: epsilonPerRelease (rounded down to a micro-epsilon). */
  epsilon: number;
  delta: number;
  budget: BudgetLine[];
}

const TABLE_NAMES = Object.keys(PUBLISHED_TABLES) as PublishedTableName[];

/** Every key a table lists, in display order: the product of its dimensions' domains. */
export function tableKeys(name: PublishedTableName, domains: ReleaseDomains): Record<string, string>[] {
  const dims: readonly string[] = PUBLISHED_TABLES[name];
  const domainOf = (dim: string): readonly string[] =>
    dim === 'month' ? domains.month : dim === 'specialty' ? domains.specialty : dim === 'diagnosis' ? domains.diagnosis : (PUBLIC_DOMAINS[dim] ?? []);
  let keys: Record<string, string>[] = [{}];
  for (const dim of dims) keys = keys.flatMap((k) => domainOf(dim).map((v) => ({ ...k, [dim]: v })));
  return keys;
}

/** The statistics a release with this config has, with their epsilon and delta shares; needs no data. */
export function budgetShares(config: PrivacyConfig): { table: BudgetTable; statistic: Statistic; epsilon: number; delta: number }[] {
  const lines = RELEASE_BUDGET.filter((b) => b.statistic !== 'clampQuantile' || config.costClamp === null);
  const parts = splitEpsilon(config.epsilonPerRelease, lines.map((b) => b.weight));
  const selectionWeight = lines.filter((b) => b.statistic === 'selection').reduce((a, b) => a + b.weight, 0);
  return lines.map((b, i) => ({
    table: b.table,
    statistic: b.statistic,
    epsilon: parts[i]!,
    delta: b.statistic === 'selection' ? (config.deltaPerRelease * b.weight) / selectionWeight : 0,
  }));
}

/** The share of one statistic (throws when the config has none, e.g. a quantile with a configured clamp). */
export function shareOf(config: PrivacyConfig, table: BudgetTable, statistic: Statistic): { epsilon: number; delta: number } {
  const share = budgetShares(config).find((b) => b.table === table && b.statistic === statistic);
  if (!share) throw new Error(`no budget for ${table}.${statistic}`);
  return share;
}

/** The budget lines of a release with this config, domains and clamp; needs no data beyond the clamp (itself DP). */
export function releaseBudget(config: PrivacyConfig, domains: ReleaseDomains, clampCents: number): BudgetLine[] {
  return budgetShares(config).map((b) => {
    const sensitivity = sensitivityOf(b.table, b.statistic, config, domains, clampCents);
    if (b.statistic === 'clampQuantile') return { ...b, sensitivity, scale: null, noiseSd: null };
    const scale = sensitivity / b.epsilon;
    return { ...b, sensitivity, scale, noiseSd: Math.sqrt(discreteLaplaceVariance(scale)) };
  });
}

function sensitivityOf(table: BudgetTable, statistic: Statistic, config: PrivacyConfig, domains: ReleaseDomains, clampCents: number): number {
  const m = config.maxVisitsPerPatient;
  switch (statistic) {
    case 'visits':
    case 'costCount':
      return m;
    case 'costSum':
      return clampCents * m;
    case 'selection':
    case 'clampQuantile':
      // Each patient counts towards one candidate key, and contributes one cost to the quantile.
      return 1;
    case 'providerPatients':
      // One patient's m visits can add them to at most m providers' distinct-patient counts.
      return Math.max(1, Math.min(m, domains.provider.length));
    case 'patients':
      // One cell per patient (current attributes) -> 1; else a patient is in at most min(m, cells) cells.
      if (table === 'kpis' || PATIENT_KEYED_TABLES.has(table)) return 1;
      return Math.max(1, Math.min(m, tableKeys(table, domains).length));
  }
}

const ZERO = { visits: 0, patients: 0, sumCents: 0, costCount: 0 };
const keyId = (key: Record<string, string>): string => JSON.stringify(Object.entries(key).sort());

/** A figure and its interval, or nulls. */
interface Noisy {
  value: number | null;
  interval: Interval | null;
}

export function buildRelease({ cells, domains, config, clampCents, bits }: ReleaseInput): Release {
  const budget = releaseBudget(config, domains, clampCents);
  const lineOf = (table: BudgetTable, statistic: Statistic): BudgetLine | undefined =>
    budget.find((l) => l.table === table && l.statistic === statistic);
  const must = (table: BudgetTable, statistic: Statistic): BudgetLine => {
    const l = lineOf(table, statistic);
    if (!l) throw new Error(`no budget for ${table}.${statistic}`);
    return l;
  };
  const count = (n: number, l: BudgetLine): Noisy => {
    const value = noisyCount(n, l.epsilon, bits, { sensitivity: l.sensitivity, noNoise: config.noNoise, clampNonNegative: true });
    return { value, interval: countInterval(value, l.scale!) };
  };
  /** (centred sum / count + clamp) / 2, in dollars: only the noisy parts of this table's own lines. */
  const mean = (c: Pick<TrueCell, 'sumCents' | 'costCount'>, sumLine: BudgetLine, countLine: BudgetLine): Noisy => {
    const centred = 2 * c.sumCents - c.costCount * clampCents;
    const s = noisySumCents(centred, sumLine.sensitivity, sumLine.epsilon, bits, { noNoise: config.noNoise });
    const n = noisyCount(c.costCount, countLine.epsilon, bits, { sensitivity: countLine.sensitivity, noNoise: config.noNoise });
    if (n <= 0) return { value: null, interval: null };
    const sdDollars = sumLine.noiseSd! / (2 * n * 100);
    if (sdDollars > (clampCents / 100) * MEAN_MAX_SD_SHARE) return { value: null, interval: null };
    const value = Math.round(Math.min(clampCents, Math.max(0, (s / n + clampCents) / 2))) / 100;
    const interval = meanInterval({ centredSum: s, centredSumScale: sumLine.scale!, count: n, countScale: countLine.scale!, clampCents });
    return { value, interval };
  };

  const tables = TABLE_NAMES.map((name): PublishedTable => {
    const exact = new Map(cells.filter((c) => c.table === name).map((c) => [keyId(c.key), c]));
    const v = must(name, 'visits');
    const p = must(name, 'patients');
    const s = lineOf(name, 'costSum');
    const n = lineOf(name, 'costCount');
    const noisy = tableKeys(name, domains).map((key) => {
      const c = exact.get(keyId(key)) ?? ZERO;
      const figures: Record<CellFigure, Noisy> = {
        visits: count(c.visits, v),
        patients: count(c.patients, p),
        meanCost: s && n ? mean(c, s, n) : { value: null, interval: null },
      };
      return { key, patients: figures.patients.value!, figures };
    });
    const cellsOut = suppressSmallCells(noisy, config.k).map((c, i) => publishedCell(noisy[i]!.key, c.suppressed, noisy[i]!.figures));
    const lines = budget.filter((l) => l.table === name);
    const micro = lines.reduce((a, l) => a + toMicroEpsilon(l.epsilon, 'nearest'), 0);
    const delta = lines.reduce((a, l) => a + l.delta, 0);
    return { name, dimensions: [...PUBLISHED_TABLES[name]], epsilon: fromMicroEpsilon(micro), delta, cells: cellsOut };
  });

  const total = cells.find((c) => c.table === 'total') ?? ZERO;
  const kpiFigures: Record<KpiName, Noisy> = {
    visits: count(total.visits, must('kpis', 'visits')),
    patients: count(total.patients, must('kpis', 'patients')),
    meanVisitCost: mean(total, must('kpis', 'costSum'), must('kpis', 'costCount')),
    activeProviders: activeProviders(cells, domains, must('kpis', 'providerPatients'), config, bits),
  };
  const released = (kpiFigures.patients.value ?? 0) >= config.k;
  const kpiNames = Object.keys(kpiFigures) as KpiName[];
  const kpis = Object.fromEntries(kpiNames.map((k) => [k, released ? kpiFigures[k].value : null])) as Release['kpis'];
  const kpiIntervals = Object.fromEntries(kpiNames.map((k) => [k, released ? kpiFigures[k].interval : null])) as Release['kpiIntervals'];
  const kpiImprecise = kpiNames.filter((k) => kpis[k] !== null && kpiIntervals[k] !== null && isImprecise(kpis[k]!, kpiIntervals[k]!));

  const suppressed = tables.flatMap((t) =>
    t.cells.filter((c) => c.suppressed).map((c) => `${t.name}: ${t.dimensions.map((d) => c.key[d]).join(' / ')} (noisy patient count below ${config.k})`),
  );
  if (!released) suppressed.unshift(`kpis: all (noisy patient count below ${config.k})`);
  const micro = budget.reduce((a, l) => a + toMicroEpsilon(l.epsilon, 'nearest'), 0);
  const delta = budget.reduce((a, l) => a + l.delta, 0);
  return { kpis, kpiIntervals, kpiImprecise, tables, suppressed, epsilon: fromMicroEpsilon(micro), delta, budget };
}

function publishedCell(key: Record<string, string>, suppressed: boolean, figures: Record<CellFigure, Noisy>): PublishedCell {
  if (suppressed) {
    return { key, visits: null, patients: null, meanCost: null, suppressed: true, intervals: { visits: null, patients: null, meanCost: null }, imprecise: [] };
  }
  const names = Object.keys(figures) as CellFigure[];
  return {
    key,
    visits: figures.visits.value,
    patients: figures.patients.value,
    meanCost: figures.meanCost.value,
    suppressed: false,
    intervals: { visits: figures.visits.interval, patients: figures.patients.interval, meanCost: figures.meanCost.interval },
    imprecise: names.filter((f) => figures[f].value !== null && figures[f].interval !== null && isImprecise(figures[f].value!, figures[f].interval!)),
  };
}

/**
 * Providers of the roster whose noisy distinct-patient count is at least k. Its interval: the providers
 * whose count is at least k even at the low end of their interval, up to those who reach k at the high
 * end, each interval at level 1 - 0.05 / providers so that all hold together with 95% probability.
 */
function activeProviders(cells: readonly TrueCell[], domains: ReleaseDomains, line: BudgetLine, config: PrivacyConfig, bits: BitSource): Noisy {
  const perProvider = new Map(cells.filter((c) => c.table === 'by_provider').map((c) => [c.key['provider_id'], c.patients]));
  const counts = domains.provider.map((id) =>
    noisyCount(perProvider.get(id) ?? 0, line.epsilon, bits, { sensitivity: line.sensitivity, noNoise: config.noNoise, clampNonNegative: true }),
  );
  const value = counts.filter((n) => n >= config.k).length;
  if (counts.length === 0) return { value, interval: { low: 0, high: 0 } };
  const h = discreteLaplaceHalfWidth(line.scale!, (1 - CONFIDENCE) / counts.length);
  return {
    value,
    interval: { low: counts.filter((n) => n - h >= config.k).length, high: counts.filter((n) => n + h >= config.k).length },
  };
}
