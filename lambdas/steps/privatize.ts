// Step 5: differentially private aggregates into the published layer and a snapshot file, with the
// epsilon spent written to the budget ledger. One release per run: running the step again for the
// same run republishes that release and spends nothing.
import { buildRelease } from '../core/publish/build-release.js';
import type { ReleaseSnapshot } from '../core/publish/release-snapshot.js';
import { planRelease } from '../core/privacy/budget.js';
import type { BudgetLedgerEntry, PublishedSnapshot } from '../core/published-snapshot.js';
import type { Sql } from '../ports.js';
import type { PrivatizeOutput, Step, StepDeps } from './run-state.js';
import { queryReleaseDomains, queryTrueAggregates } from './io/aggregate-query.js';
import { dashboardKey, latestDashboardKey, latestSnapshotKey, snapshotKey } from './io/keys.js';
import { renderDashboard } from '../core/dashboard/render-dashboard.js';
import { measureKAnonymity, QUASI_IDENTIFIERS, type KAnonymity } from './io/k-anonymity-query.js';
import { readTextInParts } from './io/read-in-parts.js';
import { audit, setRunContext } from './io/session.js';

export const privatize: Step = async (deps, state) => {
  const started = deps.now();
  const warehouse = await deps.warehouse();
  const cfg = deps.config.privacy;
  const releaseId = `release-${state.runId}`;

  const snapshot = await warehouse.transaction(async (tx) => {
    await setRunContext(tx, state.runId, state.asOf);
    // Read in parts: the snapshot row is over the 64 KB a Data API row may hold.
    const existing = await readTextInParts(tx, 'select snapshot::text from published_releases where release_id = $1', [releaseId]);
    if (existing !== undefined) return { snap: JSON.parse(existing) as ReleaseSnapshot, latest: await isLatest(tx, releaseId) };

    deps.progress.start('privatize');
    // Refuse before reading any data: a release over the budget publishes nothing.
    const ledger = await readLedger(tx);
    const plan = planRelease(ledger, cfg.epsilonPerRelease, cfg.epsilonTotal);
    const k = await measureKAnonymity(tx, cfg.k);
    await tx.query(
      `insert into k_anonymity_measurements (run_id, quasi_identifiers, smallest_k, classes, classes_below_k, k)
       values ($1, $2::text[], $3, $4, $5, $6)`,
      [state.runId, `{${QUASI_IDENTIFIERS.join(',')}}`, k.smallestK, k.classes, k.classesBelowK, cfg.k],
    );
    const domains = await queryReleaseDomains(tx, state.asOf);
    const cells = await queryTrueAggregates(tx, { costClamp: cfg.costClamp, maxVisitsPerPatient: cfg.maxVisitsPerPatient });
    const release = buildRelease({ cells, domains, config: cfg, bits: deps.random });
    const releasedAt = new Date(deps.now()).toISOString();
    const entry: BudgetLedgerEntry = { releaseId, runId: state.runId, releasedAt, epsilon: cfg.epsilonPerRelease, cumulative: plan.cumulative };
    const snap: ReleaseSnapshot = {
      version: 1,
      releaseId,
      runId: state.runId,
      releasedAt,
      period: { from: `${domains.month[0] ?? state.asOf.slice(0, 7)}-01`, to: state.asOf },
      kpis: release.kpis,
      privacy: {
        mechanism: cfg.noNoise ? 'none (test mode: exact values)' : 'discrete Laplace (geometric), bounded contributions',
        epsilonRelease: cfg.epsilonPerRelease,
        epsilonSpent: plan.cumulative,
        epsilonTotal: cfg.epsilonTotal,
        epsilonRemaining: plan.remaining,
        costClamp: cfg.costClamp,
        maxVisitsPerPatient: cfg.maxVisitsPerPatient,
        k: cfg.k,
        smallestK: k.smallestK,
        suppressed: [...release.suppressed, ...kAnonymityNotes(k, cfg.k)],
        ledger: [...ledger, entry],
        noNoise: cfg.noNoise,
        unit: 'patient',
        delta: 0,
        budget: release.budget,
        kAnonymity: { quasiIdentifiers: [...QUASI_IDENTIFIERS], ...k, k: cfg.k },
      },
      tables: release.tables,
    };
    await tx.query(
      'insert into privacy_budget_ledger (release_id, run_id, released_at, epsilon, cumulative, epsilon_total) values ($1, $2, $3::timestamptz, $4, $5, $6)',
      [releaseId, state.runId, releasedAt, cfg.epsilonPerRelease, plan.cumulative, cfg.epsilonTotal],
    );
    await insertCells(tx, snap);
    await tx.query('insert into published_releases (release_id, released_at, snapshot) values ($1, $2::timestamptz, $3::jsonb)', [releaseId, releasedAt, JSON.stringify(snap)]);
    await audit(tx, 'PUBLISH', 'published_cells', snap.tables.reduce((n, t) => n + t.cells.length, 0), { releaseId, epsilon: cfg.epsilonPerRelease });
    deps.progress.done('privatize', `epsilon ${cfg.epsilonPerRelease} spent, ${plan.remaining} left`);
    return { snap, latest: true };
  });

  // Rerunning an older run republishes its own files but never moves latest/ back to it.
  const key = await publishSnapshot(deps, snapshot.snap, snapshot.latest);
  const dashboard = await publishDashboard(deps, snapshot.snap, snapshot.latest);
  const snap = snapshot.snap;
  const privatized: PrivatizeOutput = {
    releaseId,
    epsilonSpent: snap.privacy.epsilonRelease,
    epsilonTotal: snap.privacy.epsilonTotal,
    epsilonRemaining: snap.privacy.epsilonRemaining,
    snapshot: key,
    ...(dashboard && { dashboard }),
    smallestK: snap.privacy.smallestK,
    ms: deps.now() - started,
  };
  return { ...state, privatized };
};

async function readLedger(sql: Sql): Promise<BudgetLedgerEntry[]> {
  const rows = await sql.query<{ release_id: string; run_id: string; released_at: Date | string; epsilon: number; cumulative: number }>(
    'select release_id, run_id, released_at, epsilon, cumulative from privacy_budget_ledger order by released_at, release_id',
  );
  return rows.map((r) => ({
    releaseId: r.release_id,
    runId: r.run_id,
    releasedAt: new Date(r.released_at).toISOString(),
    epsilon: Number(r.epsilon),
    cumulative: Number(r.cumulative),
  }));
}

async function insertCells(sql: Sql, snap: PublishedSnapshot): Promise<void> {
  // A few hundred cells: one statement with a JSON array keeps it to a single round trip.
  const rows = snap.tables.flatMap((t) =>
    t.cells.map((c) => ({ table_name: t.name, cell_key: c.key, visits: c.visits, patients: c.patients, mean_cost: c.meanCost, suppressed: c.suppressed, epsilon: t.epsilon })),
  );
  await sql.query(
    `insert into published_cells (release_id, table_name, cell_key, visits, patients, mean_cost, suppressed, epsilon)
     select $1, r.table_name, r.cell_key, r.visits, r.patients, r.mean_cost, r.suppressed, r.epsilon
     from jsonb_to_recordset($2::jsonb) as r(table_name text, cell_key jsonb, visits bigint, patients bigint, mean_cost numeric, suppressed boolean, epsilon numeric)`,
    [snap.releaseId, JSON.stringify(rows)],
  );
}

async function publishSnapshot(deps: StepDeps, snap: PublishedSnapshot, latest: boolean): Promise<string> {
  const body = JSON.stringify(snap, null, 2) + '\n';
  const key = snapshotKey(snap.releaseId);
  await deps.published.put(key, body, 'application/json');
  if (latest) await deps.published.put(latestSnapshotKey, body, 'application/json');
  return key;
}

/** The same page beside the snapshot, and as latest/, which `npm run dashboard` serves. */
async function publishDashboard(deps: StepDeps, snap: PublishedSnapshot, latest: boolean): Promise<string | undefined> {
  if (!deps.dashboardAssets) return undefined;
  const html = renderDashboard(snap, deps.dashboardAssets());
  await deps.published.put(dashboardKey(snap.releaseId), html, 'text/html');
  if (!latest) return dashboardKey(snap.releaseId);
  await deps.published.put(latestDashboardKey, html, 'text/html');
  return latestDashboardKey;
}

async function isLatest(sql: Sql, releaseId: string): Promise<boolean> {
  const [row] = await sql.query<{ release_id: string }>('select release_id from privacy_budget_ledger order by released_at desc, release_id desc limit 1');
  return row?.release_id === releaseId;
}

/**
 * What the snapshot says about k-anonymity. The published tables are aggregates over one patient
 * attribute at a time (age group, gender or state), never over the quasi-identifier combination, so
 * no equivalence class is published and nothing needs generalising; the measurement is recorded so a
 * reviewer can see how identifiable the warehouse itself is.
 */
function kAnonymityNotes(m: KAnonymity, k: number): string[] {
  const qi = QUASI_IDENTIFIERS.join(', ');
  if (m.classes === 0) return [`k-anonymity: no current patients to measure over (${qi})`];
  const below = m.classesBelowK > 0
    ? `${m.classesBelowK} of ${m.classes} classes are below k = ${k}; none is published: no released table combines these quasi-identifiers (each patient-attribute table has one of age group, gender or state)`
    : `all ${m.classes} classes have at least k = ${k} patients`;
  return [`k-anonymity: smallest class over (${qi}) in the warehouse has ${m.smallestK} patient(s); ${below}`];
}
