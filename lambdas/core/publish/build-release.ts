// Turns exact, contribution-bounded aggregates into a differentially private release. Pure: the
// randomness arrives as an argument, so tests can fix it and production uses crypto.
//
// Budget: the release's epsilon is split evenly over the published tables plus the KPI row; within a
// table, evenly over its measures (visits, patients, cost sum). A patient contributes at most L visits,
// so every histogram has L1 sensitivity L for visits and patients and L * clamp for the cost sum.
import type { PrivacyConfig } from '../config.js';
import { noisyCount, noisySumCents } from '../privacy/mechanisms.js';
import type { BitSource } from '../privacy/randomness.js';
import { suppressSmallCells } from '../privacy/k-anonymity.js';
import type { PublishedCell, PublishedSnapshot, PublishedTable } from '../published-snapshot.js';
import { PUBLIC_DOMAINS, PUBLISHED_TABLES, type PublishedTableName, type TrueCell } from './true-aggregates.js';

const MEASURES_PER_TABLE = 3;
const KPI_MEASURES = 4;

export interface ReleaseInput {
  cells: readonly TrueCell[];
  config: PrivacyConfig;
  bits: BitSource;
}

export interface Release {
  kpis: PublishedSnapshot['kpis'];
  tables: PublishedTable[];
  suppressed: string[];
  epsilon: number;
}

export function buildRelease({ cells, config, bits }: ReleaseInput): Release {
  const tableNames = Object.keys(PUBLISHED_TABLES) as PublishedTableName[];
  const epsilonPerTable = config.epsilonPerRelease / (tableNames.length + 1);
  const L = config.maxVisitsPerPatient;
  const opts = { noNoise: config.noNoise };
  const measure = (eps: number) => ({
    count: (n: number, sensitivity: number) =>
      Math.max(0, noisyCount(n, eps, bits, { ...opts, sensitivity })),
    sumCents: (s: number) => noisySumCents(s, Math.round(config.costClamp * 100) * L, eps, bits, opts),
  });

  const tables = tableNames.map((name): PublishedTable => {
    const m = measure(epsilonPerTable / MEASURES_PER_TABLE);
    const noisy = withPublicDomain(name, cells.filter((c) => c.table === name)).map((c) => {
      const visits = m.count(c.visits, L);
      const patients = m.count(c.patients, L);
      const sum = m.sumCents(c.sumCents);
      return { key: c.key, visits, patients, meanCost: meanDollars(sum, visits), suppressed: false };
    });
    const cellsOut: PublishedCell[] = suppressSmallCells(noisy, config.k).map((c) =>
      c.suppressed ? { key: c.key, visits: null, patients: null, meanCost: null, suppressed: true } : c,
    );
    return { name, dimensions: [...PUBLISHED_TABLES[name]], epsilon: epsilonPerTable, cells: cellsOut };
  });

  const total = cells.find((c) => c.table === 'total') ?? { visits: 0, patients: 0, sumCents: 0, providers: 0 };
  const k = measure(epsilonPerTable / KPI_MEASURES);
  const visits = k.count(total.visits, L);
  const kpis = {
    patients: k.count(total.patients, 1),
    visits,
    activeProviders: k.count(total.providers, L),
    meanVisitCost: meanDollars(k.sumCents(total.sumCents), visits),
  };
  const suppressed = tables.flatMap((t) =>
    t.cells.filter((c) => c.suppressed).map((c) => `${t.name}: ${Object.values(c.key).join(' / ')} (fewer than ${config.k} patients)`),
  );
  return { kpis, tables, suppressed, epsilon: epsilonPerTable * (tableNames.length + 1) };
}

const meanDollars = (sumCents: number, visits: number): number | null =>
  visits > 0 ? Math.round(Math.max(0, sumCents) / visits) / 100 : null;

/** Tables over a public domain list every value of it, with zero counts where the data has none. */
function withPublicDomain(name: PublishedTableName, cells: TrueCell[]): TrueCell[] {
  const dims = PUBLISHED_TABLES[name];
  const domain = dims.length === 1 ? PUBLIC_DOMAINS[dims[0]!] : undefined;
  if (!domain) return cells;
  const present = new Map(cells.map((c) => [c.key[dims[0]!], c]));
  return domain.map((v) => present.get(v) ?? { table: name, key: { [dims[0]!]: v }, visits: 0, patients: 0, sumCents: 0, providers: 0 });
}
