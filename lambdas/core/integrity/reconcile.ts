// Counts are evidence: every row a batch brought in must be found, after the run, either in the
// warehouse or in quarantine. The numbers come from two independent places (what anonymize read from
// the files; what SQL finds in the warehouse for the run), so a lost row shows as a mismatch. Pure.
import type { Entity } from '../../steps/run-state.js';

export interface EntityEvidence {
  /** Records anonymize read from the input file. */
  read: number;
  /** Records anonymize rejected into the quarantine file. */
  quarantinedOnRead: number;
  /** This run's rows in staging, counted by the database. */
  staged: number;
  /** Staged rows (not quarantined) whose id the warehouse holds after the run. */
  found: number;
  /** Staged rows the warehouse rejected (duplicates within the batch, unknown references). */
  quarantinedInWarehouse: number;
}

export interface Mismatch {
  entity: Entity;
  detail: string;
}

export function reconcile(evidence: Record<Entity, EntityEvidence>): Mismatch[] {
  const out: Mismatch[] = [];
  for (const [entity, e] of Object.entries(evidence) as [Entity, EntityEvidence][]) {
    if (e.read !== e.quarantinedOnRead + e.staged) {
      out.push({ entity, detail: `read ${e.read} but ${e.quarantinedOnRead} quarantined on read + ${e.staged} staged = ${e.quarantinedOnRead + e.staged}` });
    }
    if (e.staged !== e.found + e.quarantinedInWarehouse) {
      out.push({ entity, detail: `staged ${e.staged} but ${e.found} found in the warehouse + ${e.quarantinedInWarehouse} quarantined there = ${e.found + e.quarantinedInWarehouse}` });
    }
  }
  return out;
}

/** Rows read = rows found in the warehouse + rows quarantined (on read and in the warehouse). */
export const entityReconciles = (e: Pick<EntityEvidence, 'read' | 'found' | 'quarantinedOnRead' | 'quarantinedInWarehouse'>): boolean =>
  e.read === e.found + e.quarantinedOnRead + e.quarantinedInWarehouse;
