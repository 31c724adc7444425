// The CPU seconds a PostgreSQL backend process has used (user + system, from /proc), for the profiles:
// steadier than wall time on a shared machine, whose speed drifts by a third from one hour to the next.
import { readFileSync } from 'node:fs';
import type { Sql } from '../../lambdas/ports.js';

/** Reads the backend serving `sql` (not its parallel workers); 0 when the server is not on this machine (no /proc entry). */
export async function backendCpu(sql: Sql): Promise<() => number> {
  const [backend] = await sql.query<{ pid: number }>('select pg_backend_pid() as pid');
  return () => {
    try {
      // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th, in clock ticks.
      const fields = readFileSync(`/proc/${backend?.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  };
}
