// What the warehouse holds of one run's batch, counted by SQL from the run's staging rows: how many
// were staged, how many of them the warehouse now holds, how many it quarantined, and how many rows
// this run added. Run-scoped: the rows this run wrote are found by their run_id (indexed), and only
// staged ids the run did not write (already in the warehouse) are looked up one by one, so the cost
// is the batch's size, not the warehouse's.
import type { Sql } from '../../ports.js';
import { ENTITIES, type Entity } from '../run-state.js';

export interface WarehouseEvidence {
  staged: number;
  found: number;
  quarantined: number;
  /** Rows this run inserted: new patient versions, new or changed providers, new visits. */
  added: number;
}

const notQuarantined = (entity: Entity) =>
  `not exists (select 1 from quarantine_rows as q where q.run_id = s.run_id and q.entity = '${entity}' and q.source_line = s.source_line)`;

// In each "found", the first test (a hash of this run's own ids) settles most rows; the index probe
// after "or" runs only for the rest.
const COUNTS = `
select 'patients' as entity,
  (select count(*) from staging_patients as s where s.run_id = $1)::bigint as staged,
  (select count(*) from staging_patients as s where s.run_id = $1 and ${notQuarantined('patients')}
     and (s.patient_id in (select patient_id from dim_patients where run_id = $1 and is_current)
          or exists (select 1 from dim_patients as d where d.patient_id = s.patient_id and d.is_current)))::bigint as found,
  (select count(*) from dim_patients as d where d.run_id = $1)::bigint as added
union all
select 'providers',
  (select count(*) from staging_providers as s where s.run_id = $1)::bigint,
  (select count(*) from staging_providers as s where s.run_id = $1 and ${notQuarantined('providers')}
     and exists (select 1 from dim_providers as d where d.provider_id = s.provider_id))::bigint,
  (select count(*) from dim_providers as d where d.run_id = $1)::bigint
union all
select 'visits',
  (select count(*) from staging_visits as s where s.run_id = $1)::bigint,
  (select count(*) from staging_visits as s where s.run_id = $1 and ${notQuarantined('visits')}
     and (s.visit_id in (select visit_id from fact_visits where run_id = $1)
          or exists (select 1 from fact_visits as f where f.visit_id = s.visit_id)))::bigint,
  (select count(*) from fact_visits as f where f.run_id = $1)::bigint`;

/** The evidence queries, each taking the run id as $1 (named for the bench's profile). */
export const RUN_EVIDENCE_STATEMENTS = {
  counts: COUNTS,
  quarantined: 'select entity, count(*)::bigint as n from quarantine_rows where run_id = $1 group by entity',
};

export async function queryRunEvidence(sql: Sql, runId: string): Promise<Record<Entity, WarehouseEvidence>> {
  const rows = await sql.query<{ entity: Entity; staged: number; found: number; added: number }>(RUN_EVIDENCE_STATEMENTS.counts, [runId]);
  const quarantined = await sql.query<{ entity: Entity; n: number }>(RUN_EVIDENCE_STATEMENTS.quarantined, [runId]);
  const out = {} as Record<Entity, WarehouseEvidence>;
  for (const e of ENTITIES) {
    const r = rows.find((x) => x.entity === e);
    out[e] = {
      staged: Number(r?.staged ?? 0),
      found: Number(r?.found ?? 0),
      added: Number(r?.added ?? 0),
      quarantined: Number(quarantined.find((q) => q.entity === e)?.n ?? 0),
    };
  }
  return out;
}

/** Staging keeps a run's rows only until its transform commits (they carry source lines). */
export async function clearRunStaging(sql: Sql, runId: string): Promise<void> {
  for (const table of ['staging_patients', 'staging_providers', 'staging_visits']) {
    await sql.query(`delete from ${table} where run_id = $1`, [runId]);
  }
}
