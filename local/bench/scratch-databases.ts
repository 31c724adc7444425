// Scratch databases on a Postgres server for the benchmarks: created (optionally from a template, so a
// preloaded warehouse is built once and copied), dropped with force, addressed by URL.
import pg from 'pg';

export type ScratchServer = ReturnType<typeof scratchServer>;

export function scratchServer(serverUrl: string) {
  const admin = async <T extends pg.QueryResultRow>(sql: string, db?: string): Promise<T[]> => {
    const c = new pg.Client({ connectionString: db ? url(db) : serverUrl });
    await c.connect();
    try {
      return (await c.query<T>(sql)).rows;
    } finally {
      await c.end();
    }
  };
  const url = (db: string) => {
    const u = new URL(serverUrl);
    u.pathname = `/${db}`;
    return u.toString();
  };
  // Names come from the --scratch-prefix option and constants; quoted as identifiers.
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return {
    url,
    /** Whether the database exists and holds a transformed run (kept from an earlier measurement). */
    async holdsRun(db: string): Promise<boolean> {
      const [exists] = await admin(`select 1 from pg_database where datname = '${db.replace(/'/g, "''")}'`);
      if (!exists) return false;
      const done = await admin(`select 1 from run_steps where step = 'transform' limit 1`, db).catch(() => []);
      return done.length > 0;
    },
    async create(db: string, template?: string): Promise<void> {
      await admin(`drop database if exists ${q(db)} with (force)`);
      await admin(`create database ${q(db)}${template ? ` template ${q(template)} strategy file_copy` : ''}`);
    },
    /** A warehouse in service has been vacuumed and analyzed since its last batch (autovacuum); a
     * template copied straight after its load would have the next run pay for setting hint bits. */
    settle: (db: string) => admin('vacuum analyze', db).then(() => undefined),
    drop: (db: string) => admin(`drop database if exists ${q(db)} with (force)`).then(() => undefined),
  };
}
