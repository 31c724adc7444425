// What the warehouse holds of one run's batch, counted by SQL from the run's staging rows: how many
// were staged, how many of them the warehouse now holds, how many it quarantined, and how many rows
// this run added. Run-scoped: the rows this run wrote are found by their run_id (indexed), so the cost
// is the batch's size, not the warehouse's.
//
// "Found" is the one count that needs every staged id looked up in the warehouse, and the data tests
// staging_*_reconciles already look up every one of them, line by line, in the same transaction: when
// an entity's reconcile test has passed there, each staged line is either quarantined or in the
// warehouse, so found is the staged lines less the quarantined ones (two counts by index) and the ids
// are not hashed a second time. Without that proof (a caller that ran no tests) found is counted here.
import type { Sql } from '../../ports.js';
import { ENTITIES, type Entity } from '../run-state.js';

export interface WarehouseEvidence {
  staged: number;
  found: number;
  quarantined: number;
  /** Rows this run inserted: new patient versions, new or changed providers, new visits. */
  added: number;
}

/** The data test that proves, line by line, that each of an entity's staged rows was found or quarantined. */
export const RECONCILE_TESTS: Record<Entity, string> = {
  patients: 'staging_patients_reconciles',
  providers: 'staging_providers_reconciles',
  visits: 'staging_reconciles',
};

const STAGING: Record<Entity, { table: string; dim: string }> = {
  patients: { table: 'staging_patients', dim: 'dim_patients' },
  providers: { table: 'staging_providers', dim: 'dim_providers' },
  visits: { table: 'staging_visits', dim: 'fact_visits' },
};

// Staged rows the warehouse quarantined: the run's quarantined lines (few) probe staging's
// (run_id, source_line) index. A quarantine row naming no staged line is not counted here, so it still
// shows as a mismatch against the quarantined count.
const COUNTS = ENTITIES.map((e, i) => {
  const { table, dim } = STAGING[e];
  return `select '${e}'${i ? '' : ' as entity'},
  (select count(*) from ${table} as s where s.run_id = $1)::bigint${i ? '' : ' as staged'},
  (select count(*) from ${table} as s where s.run_id = $1
     and s.source_line in (select q.source_line from quarantine_rows as q where q.run_id = $1 and q.entity = '${e}'))::bigint${i ? '' : ' as staged_quarantined'},
  (select count(*) from ${dim} as d where d.run_id = $1)::bigint${i ? '' : ' as added'}`;
}).join('\nunion all\n');

const notQuarantined = (entity: Entity) =>
  `not exists (select 1 from quarantine_rows as q where q.run_id = s.run_id and q.entity = '${entity}' and q.source_line = s.source_line)`;

/**
 * Found counted directly, for an entity whose reconcile test has not passed in this transaction. The
 * first test (a hash of this run's own ids) settles most rows; the index probe after "or" runs only
 * for the rest (visits: in the id registry, one index for every yearly partition).
 */
export const FOUND_STATEMENTS: Record<Entity, string> = {
  patients: `select count(*)::bigint as found from staging_patients as s where s.run_id = $1 and ${notQuarantined('patients')}
     and (s.patient_id in (select patient_id from dim_patients where run_id = $1 and is_current)
          or exists (select 1 from dim_patients as d where d.patient_id = s.patient_id and d.is_current))`,
  providers: `select count(*)::bigint as found from staging_providers as s where s.run_id = $1 and ${notQuarantined('providers')}
     and exists (select 1 from dim_providers as d where d.provider_id = s.provider_id)`,
  visits: `select count(*)::bigint as found from staging_visits as s where s.run_id = $1 and ${notQuarantined('visits')}
     and (s.visit_id in (select visit_id from fact_visits where run_id = $1)
          or exists (select 1 from fact_visit_ids as r join fact_visits as f on f.visit_key = r.visit_key and f.visit_id::uuid = r.visit_id
                     where r.visit_id = s.visit_id::uuid))`,
};

/** The evidence queries a transform runs once its data tests have passed, each taking the run id as $1 (named for the bench's profile). */
export const RUN_EVIDENCE_STATEMENTS = {
  counts: COUNTS,
  quarantined: 'select entity, count(*)::bigint as n from quarantine_rows where run_id = $1 group by entity',
};

/**
 * The run's evidence. `proved` names the data tests that passed in this transaction: an entity whose
 * reconcile test (RECONCILE_TESTS) is among them takes found from the counts; any other is counted.
 */
export async function queryRunEvidence(sql: Sql, runId: string, proved: ReadonlySet<string> = new Set()): Promise<Record<Entity, WarehouseEvidence>> {
  const rows = await sql.query<{ entity: Entity; staged: number; staged_quarantined: number; added: number }>(RUN_EVIDENCE_STATEMENTS.counts, [runId]);
  const quarantined = await sql.query<{ entity: Entity; n: number }>(RUN_EVIDENCE_STATEMENTS.quarantined, [runId]);
  const out = {} as Record<Entity, WarehouseEvidence>;
  for (const e of ENTITIES) {
    const r = rows.find((x) => x.entity === e);
    const staged = Number(r?.staged ?? 0);
    const found = proved.has(RECONCILE_TESTS[e])
      ? staged - Number(r?.staged_quarantined ?? 0)
      : Number((await sql.query<{ found: number }>(FOUND_STATEMENTS[e], [runId]))[0]?.found ?? 0);
    out[e] = {
      staged,
      found,
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
