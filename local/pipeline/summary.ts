// The run summary: per-entity reconciliation (rows read = rows found in the warehouse + quarantined),
// table counts, step times, privacy budget. Pure: built from the final run state. "found" and the
// warehouse's quarantine are counted by SQL in the transform, "read" by anonymize from the files, so
// "reconciles" compares two independent counts and can fail.
import { entityReconciles } from '../../lambdas/core/integrity/reconcile.js';
import { ENTITIES, type Entity, type RunState, type SourceReport } from '../../lambdas/steps/run-state.js';

export interface EntitySummary {
  read: number;
  /** Rows of the batch the warehouse holds after the run (new, or already there from an earlier batch). */
  loaded: number;
  /** Of those, rows this run inserted (new patient versions, new or changed providers, new visits). */
  added: number;
  quarantinedOnRead: number;
  /** Of quarantinedOnRead, rows left out by a rule of the format, not as bad data. */
  excludedOnRead?: number;
  quarantinedInWarehouse: number;
  reconciles: boolean;
}

export interface RunSummary {
  runId: string;
  status: 'succeeded';
  entities: Record<Entity, EntitySummary>;
  extraColumns: Partial<Record<Entity, string[]>>;
  /** The input format and what its adapter skipped, excluded or could not join. */
  source?: SourceReport;
  /** The batch's date and the newer one the warehouse had taken, when the batch was older. */
  olderBatch?: { asOf: string; newest: string };
  tables: Record<string, number>;
  partitions: string[];
  stepSeconds: Record<string, number>;
  totalSeconds: number;
  privacy?: { epsilonSpent: number; epsilonRemaining: number; epsilonTotal: number; smallestK: number; releaseId: string };
  files: Record<string, string>;
  warehouse: string;
}

export function summarise(state: RunState, extra: { warehouse: string; files: Record<string, string>; totalMs: number }): RunSummary {
  const a = state.anonymized;
  const t = state.transformed;
  const entities = Object.fromEntries(
    ENTITIES.map((e) => {
      const read = a?.counts[e].read ?? 0;
      const onRead = a?.counts[e].quarantined ?? 0;
      const inWarehouse = t?.quarantined[e] ?? 0;
      const loaded = t?.found?.[e] ?? 0;
      const excluded = a?.counts[e].excluded;
      const counts = { read, loaded, added: t?.added?.[e] ?? 0, quarantinedOnRead: onRead, ...(excluded && { excludedOnRead: excluded }), quarantinedInWarehouse: inWarehouse };
      return [e, { ...counts, reconciles: entityReconciles({ ...counts, found: loaded }) }];
    }),
  ) as Record<Entity, EntitySummary>;
  const stepSeconds: Record<string, number> = {};
  for (const [name, out] of Object.entries({ generate: state.generated, anonymize: a, load: state.loaded, transform: t, privatize: state.privatized })) {
    if (out) stepSeconds[name] = round(out.ms / 1000);
  }
  const p = state.privatized;
  return {
    runId: state.runId,
    status: 'succeeded',
    entities,
    extraColumns: a?.extraColumns ?? {},
    ...(a?.source && { source: a.source }),
    ...(t?.olderThan && { olderBatch: { asOf: state.asOf, newest: t.olderThan } }),
    tables: t?.tables ?? {},
    partitions: t?.partitions ?? [],
    stepSeconds,
    totalSeconds: round(extra.totalMs / 1000),
    ...(p && { privacy: { epsilonSpent: p.epsilonSpent, epsilonRemaining: p.epsilonRemaining, epsilonTotal: p.epsilonTotal, smallestK: p.smallestK, releaseId: p.releaseId } }),
    files: extra.files,
    warehouse: extra.warehouse,
  };
}

const round = (n: number): number => Math.round(n * 100) / 100;

export function renderSummary(s: RunSummary): string {
  const pad = (v: string | number, n: number) => String(v).padStart(n);
  const lines = [`Run ${s.runId} succeeded in ${s.totalSeconds}s (warehouse: ${s.warehouse})`, ''];
  lines.push(`  ${'entity'.padEnd(10)}${pad('read', 10)}${pad('loaded', 10)}${pad('new', 10)}${pad('quarantined', 13)}  reconciles`);
  for (const [e, c] of Object.entries(s.entities)) {
    const q = c.quarantinedOnRead + c.quarantinedInWarehouse;
    lines.push(`  ${e.padEnd(10)}${pad(c.read, 10)}${pad(c.loaded, 10)}${pad(c.added, 10)}${pad(q, 13)}  ${c.reconciles ? 'yes' : 'NO'}`);
  }
  lines.push(`  (loaded: in the warehouse after the run, counted there; new: inserted by this run)`);
  for (const [e, cols] of Object.entries(s.extraColumns)) lines.push(`  note: ${e} file has extra columns, ignored: ${cols.join(', ')}`);
  if (s.source) lines.push(...sourceLines(s.source, s.entities));
  if (s.olderBatch) {
    lines.push(`  note: this batch (${s.olderBatch.asOf}) is older than the newest batch in the warehouse (${s.olderBatch.newest}): patients already there kept their newer attributes; new patients and visits were added`);
  }
  lines.push('', '  tables: ' + Object.entries(s.tables).map(([k, v]) => `${k}=${v}`).join(', '));
  lines.push(`  partitions: ${s.partitions.join(', ')}`);
  lines.push('  step seconds: ' + Object.entries(s.stepSeconds).map(([k, v]) => `${k} ${v}`).join(', '));
  if (s.privacy) {
    lines.push(`  privacy: epsilon ${s.privacy.epsilonSpent} spent by this release, ${s.privacy.epsilonRemaining} of ${s.privacy.epsilonTotal} left; smallest k = ${s.privacy.smallestK}`);
  }
  lines.push('');
  for (const [k, v] of Object.entries(s.files)) lines.push(`  ${k}: ${v}`);
  return lines.join('\n');
}

/** Entities whose counts do not reconcile; a run with any must not report success. */
export const unreconciled = (s: RunSummary): Entity[] => (Object.entries(s.entities) as [Entity, EntitySummary][]).filter(([, c]) => !c.reconciles).map(([e]) => e);

/** The input format's notes: rows excluded by rule, skipped types, references and fields it could not fill. */
function sourceLines(source: SourceReport, entities: Record<Entity, EntitySummary>): string[] {
  const list = (counts: Record<string, number> | undefined) => Object.entries(counts ?? {}).map(([k, n]) => `${k} ${n}`).join(', ');
  const lines = [`  format: ${source.format}`];
  const excluded = Object.entries(entities).filter(([, c]) => c.excludedOnRead).map(([e, c]) => `${e} ${c.excludedOnRead}`);
  if (excluded.length) lines.push(`  note: excluded by rule (superseded versions, cancelled or entered-in-error), in quarantine: ${excluded.join(', ')}`);
  if (list(source.skippedTypes)) lines.push(`  note: resource types nothing reads, skipped (files): ${list(source.skippedTypes)}`);
  if (list(source.notInExport)) lines.push(`  note: references to resources not in this export (rows kept): ${list(source.notInExport)}`);
  if (list(source.unresolved)) lines.push(`  note: references that match nothing usable: ${list(source.unresolved)}`);
  if (list(source.notRecorded)) lines.push(`  note: not recorded in the export: ${list(source.notRecorded)}`);
  if (list(source.excludedJoins)) lines.push(`  note: left out by status: ${list(source.excludedJoins)}`);
  if (source.unallocatedClaims) lines.push(`  note: claims not put on a visit: ${source.unallocatedClaims}`);
  if (source.strayLines) lines.push(`  note: unreadable lines of join files (in quarantine): ${source.strayLines}`);
  return lines;
}
