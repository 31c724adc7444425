// The partitions of fact_visits with their bounds, and detaching one: the table stays (renamed
// <name>_detached) for archiving, out of every query on fact_visits.
import type { DetachStep, PartitionBound } from '../../core/integrity/partition-retention.js';
import type { Sql } from '../../ports.js';

export async function listFactPartitions(sql: Sql): Promise<PartitionBound[]> {
  return sql.query<PartitionBound & Record<string, unknown>>(
    `select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
     from pg_inherits as i join pg_class as c on c.oid = i.inhrelid
     where i.inhparent = 'fact_visits'::regclass
     order by c.relname`,
  );
}

export async function detachPartition(tx: Sql, step: DetachStep): Promise<void> {
  // Names come from pg_class and are quoted by format(%I); nothing from the user reaches the SQL text.
  const [sql] = await tx.query<{ detach: string; rename: string }>(
    `select format('alter table fact_visits detach partition %I', $1::text) as detach,
            format('alter table %I rename to %I', $1::text, $2::text) as rename`,
    [step.partition, step.archivedAs],
  );
  await tx.query(sql!.detach);
  await tx.query(sql!.rename);
}
