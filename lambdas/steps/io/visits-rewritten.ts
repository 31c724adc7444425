// What the warehouse keeps about fact_visits outside it: the id registry (075_fact_visit_ids.sql) and
// the release's bounded contributions (060). A transform keeps both as it adds visits; whatever rewrites
// or removes visits otherwise (rotate-key's new ids, retention's detached partitions) rebuilds them here,
// in its own transaction.
import type { Sql } from '../../ports.js';
import { rebuildContributions } from './contributions.js';

export async function rebuildFromVisits(sql: Sql): Promise<void> {
  await sql.query('select rebuild_fact_visit_ids()');
  await rebuildContributions(sql);
}
