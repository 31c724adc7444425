// Applies sql/migrations in name order, each once, each in its own transaction. Used by the local
// harness before a run and by the cloud's deploy-time custom resource. Several processes may start
// at once against one database (two `simulate` runs, a deploy during a run): they take turns, and
// each re-checks what is applied once it has the turn, so every migration runs exactly once.
// The turn is per database; role statements (032's `alter role`) write catalogs that every database on
// the server shares, so two databases migrating at once can collide there ("tuple concurrently
// updated", seen with the test suite's parallel databases): such a migration is rolled back and run again.
import type { SqlSource, Warehouse } from '../ports.js';
import { takeTurn } from './io/turn-lock.js';

const turn = { now: () => Date.now(), pollMs: 250 };

const SHARED_CATALOG_RACE = /tuple concurrently (updated|deleted)/;
export const MIGRATION_ATTEMPTS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function migrate(warehouse: Warehouse, sql: SqlSource): Promise<string[]> {
  await warehouse.transaction(async (tx) => {
    await takeTurn(tx, 'migrate', turn);
    await tx.script('create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())');
  });
  const done = new Set((await warehouse.query<{ name: string }>('select name from schema_migrations')).map((r) => r.name));
  const applied: string[] = [];
  const isApplied = async (tx: Pick<Warehouse, 'query'>, name: string) =>
    (await tx.query('select 1 from schema_migrations where name = $1', [name])).length > 0;
  for (const m of await sql.migrations()) {
    if (done.has(m.name)) continue;
    const ran = await againOnSharedCatalogRace(() =>
      warehouse.transaction(async (tx) => {
        await takeTurn(tx, 'migrate', turn);
        if (await isApplied(tx, m.name)) return false;
        await tx.script(m.sql);
        await tx.query('insert into schema_migrations (name) values ($1)', [m.name]);
        return true;
      }),
    );
    if (ran) applied.push(m.name);
  }
  return applied;
}

/** Runs a migration's transaction again (after a short random pause) when it collided in a shared catalog. */
export async function againOnSharedCatalogRace<T>(attempt: () => Promise<T>, pause: (ms: number) => Promise<unknown> = sleep): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (n >= MIGRATION_ATTEMPTS || !SHARED_CATALOG_RACE.test(String((e as Error).message))) throw e;
      await pause(50 + Math.floor(Math.random() * 200) * n);
    }
  }
}
