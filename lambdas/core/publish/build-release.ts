// Turns exact, contribution-bounded aggregates into a differentially private release. Pure: the
// randomness arrives as an argument, so tests can fix it and production uses crypto.
//
// Unit of privacy: one patient with all their visits. Every statistic below has a declared L1
// sensitivity over its whole table (not per cell) and gets a fixed share of the release epsilon
// (RELEASE_BUDGET, split exactly in micro-epsilon by splitEpsilon). Sequential composition over the
// shares gives epsilonPerRelease for the release; the ledger adds releases up.
//
// Keys: every table's keys come from a domain that no patient influences (fixed vocabularies, the
// provider roster, the calendar months before the batch date), so listing a key reveals nothing and
// the release is pure epsilon-DP (delta = 0). A cell whose NOISY patient count is below k is listed
// as suppressed with nulls (post-processing of the noisy count, so it costs nothing).
import type { PrivacyConfig } from '../config.js';
import { fromMicroEpsilon, toMicroEpsilon } from '../privacy/epsilon.js';
import { splitEpsilon } from '../privacy/budget.js';
import { discreteLaplaceVariance, noisyCount, noisySumCents } from '../privacy/mechanisms.js';
import type { BitSource } from '../privacy/randomness.js';
import { suppressSmallCells } from '../privacy/k-anonymity.js';
import type { PublishedCell, PublishedSnapshot, PublishedTable } from '../published-snapshot.js';
import {
  PATIENT_KEYED_TABLES,
  PUBLIC_DOMAINS,
  PUBLISHED_TABLES,
  type PublishedTableName,
  type ReleaseDomains,
  type TrueCell,
} from './true-aggregates.js';

export type Statistic = 'visits' | 'patients' | 'sumCents' | 'providerPatients';

/**
 * How the release epsilon is shared, in weights out of 100. It favours what the dashboard shows most:
 * the KPI tiles (19) and the monthly trend (18). Means are post-processing of a noisy cent sum and the
 * cell's already-noisy visit count, so only the sum costs epsilon; means are published for the KPI and
 * by diagnosis only (elsewhere the cells are too small or the cost does not vary much by key).
 */
export const RELEASE_BUDGET: readonly { table: PublishedTableName | 'kpis'; statistic: Statistic; weight: number }[] = [
  { table: 'kpis', statistic: 'visits', weight: 6 },
  { table: 'kpis', statistic: 'patients', weight: 3 },
  { table: 'kpis', statistic: 'providerPatients', weight: 4 },
  { table: 'kpis', statistic: 'sumCents', weight: 6 },
  { table: 'by_month', statistic: 'visits', weight: 12 },
  { table: 'by_month', statistic: 'patients', weight: 6 },
  { table: 'by_month_specialty', statistic: 'visits', weight: 8 },
  { table: 'by_month_specialty', statistic: 'patients', weight: 4 },
  { table: 'by_specialty', statistic: 'visits', weight: 6 },
  { table: 'by_specialty', statistic: 'patients', weight: 3 },
  { table: 'by_diagnosis', statistic: 'visits', weight: 6 },
  { table: 'by_diagnosis', statistic: 'patients', weight: 3 },
  { table: 'by_diagnosis', statistic: 'sumCents', weight: 8 },
  { table: 'by_age_group', statistic: 'visits', weight: 4 },
  { table: 'by_age_group', statistic: 'patients', weight: 2 },
  { table: 'by_gender', statistic: 'visits', weight: 3 },
  { table: 'by_gender', statistic: 'patients', weight: 2 },
  { table: 'by_state', statistic: 'visits', weight: 8 },
  { table: 'by_state', statistic: 'patients', weight: 6 },
];

/**
 * A mean is published only when its noise standard deviation, computed from the cell's noisy visit
 * count, is at most this share of costClamp (USD 100 at the default clamp of 2000). Post-processing.
 */
export const MEAN_MAX_SD_SHARE = 0.05;

/** One noisy statistic of the release: its epsilon, L1 sensitivity and noise. */
export interface BudgetLine {
  table: PublishedTableName | 'kpis';
  statistic: Statistic;
  epsilon: number;
  /** L1 sensitivity over the whole table (visits or patients; cents for sumCents). */
  sensitivity: number;
  /** Discrete Laplace scale sensitivity / epsilon. */
  scale: number;
  /** Standard deviation of the noise on one cell (same unit as the sensitivity). */
  noiseSd: number;
}

export interface ReleaseInput {
  cells: readonly TrueCell[];
  domains: ReleaseDomains;
  config: PrivacyConfig;
  bits: BitSource;
}

export interface Release {
  kpis: PublishedSnapshot['kpis'];
  tables: PublishedTable[];
  /** Readable notes on suppressed cells. */
  suppressed: string[];
  /** Sum of all budget lines: epsilonPerRelease (rounded down to a micro-epsilon). */
  epsilon: number;
  budget: BudgetLine[];
}

const TABLE_NAMES = Object.keys(PUBLISHED_TABLES) as PublishedTableName[];

/** Every key a table lists, in display order: the product of its dimensions' domains. */
export function tableKeys(name: PublishedTableName, domains: ReleaseDomains): Record<string, string>[] {
  const dims: readonly string[] = PUBLISHED_TABLES[name];
  const domainOf = (dim: string): readonly string[] =>
    dim === 'month' ? domains.month : dim === 'specialty' ? domains.specialty : (PUBLIC_DOMAINS[dim] ?? []);
  let keys: Record<string, string>[] = [{}];
  for (const dim of dims) keys = keys.flatMap((k) => domainOf(dim).map((v) => ({ ...k, [dim]: v })));
  return keys;
}

/** The budget lines of a release with this config and these domains; needs no data. */
export function releaseBudget(config: PrivacyConfig, domains: ReleaseDomains): BudgetLine[] {
  const parts = splitEpsilon(config.epsilonPerRelease, RELEASE_BUDGET.map((b) => b.weight));
  return RELEASE_BUDGET.map((b, i) => {
    const sensitivity = sensitivityOf(b.table, b.statistic, config, domains);
    const epsilon = parts[i]!;
    const scale = sensitivity / epsilon;
    return { table: b.table, statistic: b.statistic, epsilon, sensitivity, scale, noiseSd: Math.sqrt(discreteLaplaceVariance(scale)) };
  });
}

function sensitivityOf(table: PublishedTableName | 'kpis', statistic: Statistic, config: PrivacyConfig, domains: ReleaseDomains): number {
  const m = config.maxVisitsPerPatient;
  switch (statistic) {
    case 'visits':
      return m;
    case 'sumCents':
      return Math.round(config.costClamp * 100) * m;
    case 'providerPatients':
      // One patient's m visits can add them to at most m providers' distinct-patient counts.
      return Math.max(1, Math.min(m, domains.provider.length));
    case 'patients':
      // One cell per patient (current attributes) -> 1; else a patient is in at most min(m, cells) cells.
      if (table === 'kpis' || PATIENT_KEYED_TABLES.has(table)) return 1;
      return Math.max(1, Math.min(m, tableKeys(table, domains).length));
  }
}

const ZERO = { visits: 0, patients: 0, sumCents: 0, providers: 0 };
const keyId = (key: Record<string, string>): string => JSON.stringify(Object.entries(key).sort());

export function buildRelease({ cells, domains, config, bits }: ReleaseInput): Release {
  const budget = releaseBudget(config, domains);
  const lineOf = (table: PublishedTableName | 'kpis', statistic: Statistic): BudgetLine | undefined =>
    budget.find((l) => l.table === table && l.statistic === statistic);
  const must = (table: PublishedTableName | 'kpis', statistic: Statistic): BudgetLine => {
    const l = lineOf(table, statistic);
    if (!l) throw new Error(`no budget for ${table}.${statistic}`);
    return l;
  };
  const count = (n: number, l: BudgetLine): number =>
    noisyCount(n, l.epsilon, bits, { sensitivity: l.sensitivity, noNoise: config.noNoise, clampNonNegative: true });
  const sum = (s: number, l: BudgetLine): number => noisySumCents(s, l.sensitivity, l.epsilon, bits, { noNoise: config.noNoise });
  const mean = (sumCents: number, visits: number, l: BudgetLine): number | null => {
    if (visits <= 0) return null;
    const sdDollars = l.noiseSd / (visits * 100);
    if (sdDollars > config.costClamp * MEAN_MAX_SD_SHARE) return null;
    return Math.round(Math.min(config.costClamp * 100, Math.max(0, sumCents / visits))) / 100;
  };

  const tables = TABLE_NAMES.map((name): PublishedTable => {
    const exact = new Map(cells.filter((c) => c.table === name).map((c) => [keyId(c.key), c]));
    const v = must(name, 'visits');
    const p = must(name, 'patients');
    const s = lineOf(name, 'sumCents');
    const noisy = tableKeys(name, domains).map((key) => {
      const c = exact.get(keyId(key)) ?? ZERO;
      const visits = count(c.visits, v);
      const patients = count(c.patients, p);
      const meanCost = s ? mean(sum(c.sumCents, s), visits, s) : null;
      return { key, visits, patients, meanCost };
    });
    const cellsOut: PublishedCell[] = suppressSmallCells(noisy, config.k).map((c) =>
      c.suppressed ? { key: c.key, visits: null, patients: null, meanCost: null, suppressed: true } : { ...c, suppressed: false } as PublishedCell,
    );
    const micro = budget.filter((l) => l.table === name).reduce((a, l) => a + toMicroEpsilon(l.epsilon, 'nearest'), 0);
    return { name, dimensions: [...PUBLISHED_TABLES[name]], epsilon: fromMicroEpsilon(micro), cells: cellsOut };
  });

  const total = cells.find((c) => c.table === 'total') ?? ZERO;
  const visits = count(total.visits, must('kpis', 'visits'));
  const patients = count(total.patients, must('kpis', 'patients'));
  const sumLine = must('kpis', 'sumCents');
  const meanVisitCost = mean(sum(total.sumCents, sumLine), visits, sumLine);
  const perProvider = new Map(cells.filter((c) => c.table === 'by_provider').map((c) => [c.key['provider_id'], c.patients]));
  const providerLine = must('kpis', 'providerPatients');
  const providerCounts = domains.provider.map((id) => count(perProvider.get(id) ?? 0, providerLine));
  const activeProviders = providerCounts.filter((n) => n >= config.k).length;
  const kpis: PublishedSnapshot['kpis'] =
    patients < config.k
      ? { patients: null, visits: null, activeProviders: null, meanVisitCost: null }
      : { patients, visits, activeProviders, meanVisitCost };

  const suppressed = tables.flatMap((t) =>
    t.cells.filter((c) => c.suppressed).map((c) => `${t.name}: ${t.dimensions.map((d) => c.key[d]).join(' / ')} (noisy patient count below ${config.k})`),
  );
  if (kpis.patients === null) suppressed.unshift(`kpis: all (noisy patient count below ${config.k})`);
  const micro = budget.reduce((a, l) => a + toMicroEpsilon(l.epsilon, 'nearest'), 0);
  return { kpis, tables, suppressed, epsilon: fromMicroEpsilon(micro), budget };
}
