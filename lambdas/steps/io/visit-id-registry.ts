// The visit id registry (075_fact_visit_ids.sql) of a warehouse that held visits before it existed is
// completed here, a part per call (the Data API cancels a call after 45 s), before anything looks an
// id up. Nothing pending (every warehouse after its first completion): one cheap call.
import type { Sql } from '../../ports.js';

/** Visits registered per call: about 2 s on a small server. */
export const REGISTRY_PART_ROWS = 500_000;

/** Registers every pending visit; returns the calls it took. */
export async function completeVisitIdRegistry(sql: Sql, partRows = REGISTRY_PART_ROWS): Promise<number> {
  for (let calls = 1; ; calls++) {
    const [row] = await sql.query<{ done: boolean }>('select register_pending_fact_visit_ids($1::integer) as done', [partRows]);
    if (row?.done) return calls;
  }
}
