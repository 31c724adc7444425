// Step 5: differentially private aggregates into the published layer and a snapshot file, with the
// epsilon and delta spent charged to the budget the warehouse enforces (021_privacy_budget.sql). One
// release per run: running the step again for the same run republishes that release and spends nothing.
// Releases are serialised by lock_privacy_budget(), taken first: a second, concurrent release waits and
// then sees the first one's spend (and the ledger's insert trigger refuses an overspend regardless).
import { assembleSnapshot } from '../core/publish/assemble-snapshot.js';
import { buildRelease } from '../core/publish/build-release.js';
import { configuredClamp, quantileClamp } from '../core/publish/cost-clamp.js';
import { SELECTED_DIMENSIONS, selectKeys } from '../core/publish/key-selection.js';
import type { ReleaseSnapshot } from '../core/publish/release-snapshot.js';
import { releaseKeyDomains, type ReleaseDomains } from '../core/publish/true-aggregates.js';
import { planDelta, planRelease } from '../core/privacy/budget.js';
import type { BudgetLedgerEntry, PublishedSnapshot } from '../core/published-snapshot.js';
import type { Sql } from '../ports.js';
import type { PrivatizeOutput, Step, StepDeps } from './run-state.js';
import { currentPatients, queryReleaseInputs, queryRoster, queryTrueAggregates } from './io/aggregate-query.js';
import { patientSlices, serialSlices } from '../core/publish/patient-slices.js';
import { ensureContributionBound } from './io/contributions.js';
import { dashboardKey, latestDashboardKey, latestSnapshotKey, snapshotKey } from './io/keys.js';
import { renderDashboard } from '../core/dashboard/render-dashboard.js';
import { measureKAnonymity, QUASI_IDENTIFIERS } from './io/k-anonymity-query.js';
import { readTextInParts } from './io/read-in-parts.js';
import { audit, setRunContext } from './io/session.js';

export const privatize: Step = async (deps, state) => {
  const started = deps.now();
  const warehouse = await deps.warehouse();
  const cfg = deps.config.privacy;
  const releaseId = `release-${state.runId}`;

  const snapshot = await warehouse.transaction(async (tx) => {
    await setRunContext(tx, state.runId, state.asOf);
    // The release's scans cost too much on paper for the planner not to JIT-compile them, and compiling
    // took seconds longer than it saved at 400k patients (measured; docs/privacy-mechanisms.md, "How the release reads the warehouse").
    await tx.query(`select set_config('jit', 'off', true)`);
    const fixed = await lockBudget(tx);
    // Read in parts: the snapshot row is over the 64 KB a Data API row may hold.
    const existing = await readTextInParts(tx, 'select snapshot::text from published_releases where release_id = $1', [releaseId]);
    if (existing !== undefined) return { snap: JSON.parse(existing) as ReleaseSnapshot, latest: await isLatest(tx, releaseId), smallestK: null };

    deps.progress.start('privatize');
    // Refuse before reading any data. The totals are the warehouse's once a release has fixed them; a
    // run's configuration can no longer raise them (npm run privacy-budget can, with a reason).
    const totals = fixed ?? { epsilonTotal: cfg.epsilonTotal, deltaTotal: cfg.deltaTotal, epsilonSpent: 0, deltaSpent: 0 };
    if (fixed && (fixed.epsilonTotal !== cfg.epsilonTotal || fixed.deltaTotal !== cfg.deltaTotal)) {
      deps.logger.warn('privacy totals come from the warehouse budget, not the configuration', { warehouse: fixed, configured: { epsilonTotal: cfg.epsilonTotal, deltaTotal: cfg.deltaTotal } });
    }
    const ledger = await readLedger(tx);
    const plan = planRelease(ledger, cfg.epsilonPerRelease, totals.epsilonTotal);
    const deltaPlan = planDelta(totals.deltaSpent, cfg.deltaPerRelease, totals.deltaTotal);

    // Restricted: exact, for reviewers of the warehouse; never copied into the published layer.
    const patients = await currentPatients(tx);
    const k = await measureKAnonymity(tx, cfg.k, state.asOf, patientSlices(patients.count, deps.config.patientsPerReleaseSlice));
    await tx.query(
      `insert into k_anonymity_measurements (run_id, quasi_identifiers, smallest_k, classes, classes_below_k, k)
       values ($1, $2::text[], $3, $4, $5, $6)`,
      [state.runId, `{${QUASI_IDENTIFIERS.map((q) => JSON.stringify(q)).join(',')}}`, k.smallestK, k.classes, k.classesBelowK, cfg.k],
    );

    await ensureContributionBound(tx, cfg.maxVisitsPerPatient);
    const roster = await queryRoster(tx, state.asOf);
    const listed = Object.fromEntries(SELECTED_DIMENSIONS.map((d) => [d.dimension, d.listed])) as Record<'diagnosis' | 'specialty', readonly string[]>;
    // The contributions are read a range of their key (serials) per call, slices of the same size.
    const slices = serialSlices(patients.count, patients.serials, deps.config.patientsPerReleaseSlice);
    const inputs = await queryReleaseInputs(tx, { listed, slices });
    const clamp = configuredClamp(cfg) ?? quantileClamp(inputs.costHistogram, cfg, deps.random);
    const selections = SELECTED_DIMENSIONS.map((d) => selectKeys(d, inputs.candidates[d.dimension], cfg, deps.random));
    const domains: ReleaseDomains = {
      ...releaseKeyDomains({
        rosterSpecialties: roster.rosterSpecialties,
        selectedDiagnoses: selections.find((s) => s.dimension === 'diagnosis')?.released ?? [],
        selectedSpecialties: selections.find((s) => s.dimension === 'specialty')?.released ?? [],
      }),
      month: roster.month,
      provider: roster.provider,
    };
    const cells = await queryTrueAggregates(tx, { asOf: state.asOf, clampCents: clamp.cents, domains, slices });
    const release = buildRelease({ cells, domains, config: cfg, clampCents: clamp.cents, bits: deps.random });

    const releasedAt = new Date(deps.now()).toISOString();
    const entry: BudgetLedgerEntry = {
      releaseId, runId: state.runId, releasedAt, epsilon: cfg.epsilonPerRelease, cumulative: plan.cumulative, delta: cfg.deltaPerRelease, cumulativeDelta: deltaPlan.cumulative,
    };
    const snap = assembleSnapshot({
      releaseId,
      runId: state.runId,
      releasedAt,
      period: { from: `${domains.month[0] ?? state.asOf.slice(0, 7)}-01`, to: state.asOf },
      release,
      clamp,
      selections,
      config: cfg,
      budget: { epsilonTotal: totals.epsilonTotal, epsilonSpent: plan.cumulative, deltaTotal: totals.deltaTotal, deltaSpent: deltaPlan.cumulative },
      ledger: [...ledger, entry],
    });
    // The ledger's trigger charges the budget row and refuses an overspend, whatever was planned here.
    await tx.query(
      `insert into privacy_budget_ledger (release_id, run_id, released_at, epsilon, cumulative, epsilon_total, delta, delta_total)
       values ($1, $2, $3::timestamptz, $4, $5, $6, $7::numeric, $8::numeric)`,
      [releaseId, state.runId, releasedAt, cfg.epsilonPerRelease, plan.cumulative, totals.epsilonTotal, String(cfg.deltaPerRelease), String(totals.deltaTotal)],
    );
    await insertCells(tx, snap);
    await tx.query('insert into published_releases (release_id, released_at, snapshot) values ($1, $2::timestamptz, $3::jsonb)', [releaseId, releasedAt, JSON.stringify(snap)]);
    await audit(tx, 'PUBLISH', 'published_cells', snap.tables.reduce((n, t) => n + t.cells.length, 0), { releaseId, epsilon: cfg.epsilonPerRelease, delta: cfg.deltaPerRelease });
    deps.progress.done('privatize', `epsilon ${cfg.epsilonPerRelease} spent, ${plan.remaining} left`);
    return { snap, latest: true, smallestK: k.smallestK };
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
    smallestK: snapshot.smallestK ?? (await storedSmallestK(warehouse, state.runId)),
    ms: deps.now() - started,
  };
  return { ...state, privatized };
};

interface BudgetRow {
  epsilonTotal: number;
  deltaTotal: number;
  epsilonSpent: number;
  deltaSpent: number;
}

/** Takes the release lock (until commit) and reads the warehouse's budget; null before the first release. */
async function lockBudget(sql: Sql): Promise<BudgetRow | null> {
  const [row] = await sql.query<{ epsilon_total: string; delta_total: string; epsilon_spent: string; delta_spent: string }>(
    'select epsilon_total::text, delta_total::text, epsilon_spent::text, delta_spent::text from lock_privacy_budget()',
  );
  if (!row) return null;
  return { epsilonTotal: Number(row.epsilon_total), deltaTotal: Number(row.delta_total), epsilonSpent: Number(row.epsilon_spent), deltaSpent: Number(row.delta_spent) };
}

async function readLedger(sql: Sql): Promise<BudgetLedgerEntry[]> {
  const rows = await sql.query<{ release_id: string; run_id: string; released_at: Date | string; epsilon: number; cumulative: number; delta: string; cumulative_delta: string }>(
    'select release_id, run_id, released_at, epsilon, cumulative, delta::text, cumulative_delta::text from privacy_budget_ledger order by released_at, release_id',
  );
  return rows.map((r) => ({
    releaseId: r.release_id,
    runId: r.run_id,
    releasedAt: new Date(r.released_at).toISOString(),
    epsilon: Number(r.epsilon),
    cumulative: Number(r.cumulative),
    delta: Number(r.delta),
    cumulativeDelta: Number(r.cumulative_delta),
  }));
}

async function insertCells(sql: Sql, snap: PublishedSnapshot): Promise<void> {
  // A few hundred cells: one statement with a JSON array keeps it to a single round trip.
  const rows = snap.tables.flatMap((t) =>
    t.cells.map((c) => ({
      table_name: t.name, cell_key: c.key, visits: c.visits, patients: c.patients, mean_cost: c.meanCost, suppressed: c.suppressed,
      epsilon: t.epsilon, intervals: c.intervals, imprecise: c.imprecise,
    })),
  );
  await sql.query(
    `insert into published_cells (release_id, table_name, cell_key, visits, patients, mean_cost, suppressed, epsilon, intervals, imprecise)
     select $1, r.table_name, r.cell_key, r.visits, r.patients, r.mean_cost, r.suppressed, r.epsilon, r.intervals,
            array(select jsonb_array_elements_text(r.imprecise))
     from jsonb_to_recordset($2::jsonb) as r(table_name text, cell_key jsonb, visits bigint, patients bigint, mean_cost numeric, suppressed boolean, epsilon numeric, intervals jsonb, imprecise jsonb)`,
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

/** The run's restricted k-anonymity measurement, for the operator's run summary (never published). */
async function storedSmallestK(sql: Sql, runId: string): Promise<number> {
  const [row] = await sql.query<{ smallest_k: number }>('select smallest_k from k_anonymity_measurements where run_id = $1', [runId]);
  return Number(row?.smallest_k ?? 0);
}
