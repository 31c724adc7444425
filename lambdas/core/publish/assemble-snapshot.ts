// Assembles the release snapshot from the release and its accounting. Pure. Everything here is either a
// noisy figure with its interval, a setting, or a post-processed DP output (the clamp, the released keys):
// no exact statistic of the data.
import type { PrivacyConfig } from '../config.js';
import { CONFIDENCE } from '../privacy/intervals.js';
import type { BudgetLedgerEntry } from '../published-snapshot.js';
import type { Release } from './build-release.js';
import type { CostClamp } from './cost-clamp.js';
import type { PartitionSelectionRecord, ReleaseSnapshot } from './release-snapshot.js';
import { OTHER } from './true-aggregates.js';

export interface SnapshotInput {
  releaseId: string;
  runId: string;
  releasedAt: string;
  period: { from: string; to: string };
  release: Release;
  clamp: CostClamp;
  selections: readonly PartitionSelectionRecord[];
  config: PrivacyConfig;
  /** The warehouse's budget after this release. */
  budget: { epsilonTotal: number; epsilonSpent: number; deltaTotal: number; deltaSpent: number };
  /** Every release so far, this one last. */
  ledger: BudgetLedgerEntry[];
}

const usd = (cents: number): string => `USD ${(cents / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}`;

export function assembleSnapshot(s: SnapshotInput): ReleaseSnapshot {
  const { release, clamp, config } = s;
  const clampNote =
    clamp.source === 'configured'
      ? `cost clamp ${usd(clamp.cents)} (configured): every visit above it counts at ${usd(clamp.cents)} in mean costs`
      : `cost clamp ${usd(clamp.cents)}, a differentially private ${Math.round((clamp.quantile ?? 0) * 100)}th percentile of one cost per patient: every visit above it counts at ${usd(clamp.cents)} in mean costs`;
  const selectionNotes = s.selections.map(
    (sel) =>
      `${sel.table}: ${sel.dimension} values outside the vocabulary are listed only when their noisy patient count reaches ${sel.threshold} ` +
      `(partition selection, epsilon ${sel.epsilon}, delta ${sel.delta}); ${sel.released.length} released, the rest pooled into "${OTHER}"`,
  );
  return {
    version: 2,
    releaseId: s.releaseId,
    runId: s.runId,
    releasedAt: s.releasedAt,
    period: s.period,
    kpis: release.kpis,
    kpiIntervals: release.kpiIntervals,
    kpiImprecise: release.kpiImprecise,
    privacy: {
      mechanism: config.noNoise ? 'none (test mode: exact values)' : 'discrete Laplace (geometric), bounded contributions',
      epsilonRelease: config.epsilonPerRelease,
      epsilonSpent: s.budget.epsilonSpent,
      epsilonTotal: s.budget.epsilonTotal,
      epsilonRemaining: round6(s.budget.epsilonTotal - s.budget.epsilonSpent),
      deltaRelease: release.delta,
      deltaSpent: s.budget.deltaSpent,
      deltaTotal: s.budget.deltaTotal,
      costClamp: clamp.cents / 100,
      costClampSource: clamp.source,
      costClampQuantile: clamp.quantile,
      maxVisitsPerPatient: config.maxVisitsPerPatient,
      k: config.k,
      confidence: CONFIDENCE,
      suppressed: [clampNote, ...selectionNotes, ...release.suppressed],
      ledger: s.ledger,
      noNoise: config.noNoise,
      unit: 'patient',
      budget: release.budget,
      partitionSelection: [...s.selections],
      intervals:
        'Each figure has a 95% interval for its differential-privacy noise (a mean: for the noise on its sum and its count together). ' +
        'Intervals do not cover the clamp: a visit above the cost clamp counts at it. A figure whose interval is wider than itself is listed in imprecise.',
    },
    tables: release.tables,
  };
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
