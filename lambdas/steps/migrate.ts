// Applies sql/migrations in name order, each once, each in its own transaction. Used by the local
// harness before a run and by the cloud's deploy-time custom resource.
import type { SqlSource, Warehouse } from '../ports.js';

export async function migrate(warehouse: Warehouse, sql: SqlSource): Promise<string[]> {
  await warehouse.script(
    'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
  );
  const done = new Set((await warehouse.query<{ name: string }>('select name from schema_migrations')).map((r) => r.name));
  const applied: string[] = [];
  for (const m of await sql.migrations()) {
    if (done.has(m.name)) continue;
    await warehouse.transaction(async (tx) => {
      await tx.script(m.sql);
      await tx.query('insert into schema_migrations (name) values ($1)', [m.name]);
    });
    applied.push(m.name);
  }
  return applied;
}
