// Write-ahead log a step made the server write: on a self-managed PostgreSQL most of a bulk step's
// time is WAL (and the whole-page images each checkpoint brings), so the bench prints it beside the
// seconds. It is the server's WAL, not this run's alone: measure on a quiet server.
import type { Sql } from '../../lambdas/ports.js';

export interface WalMeter {
  /** Starts an interval. */
  mark(): Promise<void>;
  /** MB written since mark(), or undefined where the database does not say (PGlite has no WAL position to read). */
  mbSinceMark(): Promise<number | undefined>;
}

export function walMeter(sql: Sql): WalMeter {
  let start: string | undefined;
  const position = async (): Promise<string | undefined> => {
    try {
      const [row] = await sql.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      return row?.lsn;
    } catch {
      return undefined;
    }
  };
  return {
    async mark() {
      start = await position();
    },
    async mbSinceMark() {
      const end = await position();
      if (start === undefined || end === undefined) return undefined;
      const [row] = await sql.query<{ bytes: string }>('select ($1::pg_lsn - $2::pg_lsn)::text as bytes', [end, start]);
      return Math.round(Number(row?.bytes ?? 0) / 2 ** 20);
    },
  };
}
