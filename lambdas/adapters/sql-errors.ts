// Shared by the SQL adapters: statement text for COPY and the error that names the failing SQL.
import { PipelineError } from '../core/errors.js';

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(name)) throw new RangeError(`not a plain SQL identifier: ${name}`);
  return name;
};

export function copyStatement(table: string, columns: readonly string[], from: 'stdin' | '/dev/blob', header: boolean): string {
  const source = from === 'stdin' ? 'stdin' : `'/dev/blob'`;
  return `copy ${ident(table)} (${columns.map(ident).join(', ')}) from ${source} with (format csv, header ${header})`;
}

export function dbFailed(e: unknown, sql: string): PipelineError {
  if (e instanceof PipelineError) return e;
  const err = e as { message?: string; detail?: string; where?: string; position?: string };
  const first = sql.trim().split('\n').slice(0, 2).join(' ').slice(0, 160);
  const detail = [err.detail, err.where].filter(Boolean).join('; ');
  return new PipelineError('DB_FAILED', `database error: ${err.message ?? String(e)}${detail ? ` (${detail})` : ''}\n  in: ${first}`, undefined, { cause: e });
}

/** begin / commit, or rollback and rethrow: the transaction shape both local adapters share. */
export async function inTransaction<T>(exec: (sql: string) => Promise<unknown>, fn: () => Promise<T>): Promise<T> {
  await exec('begin');
  try {
    const out = await fn();
    await exec('commit');
    return out;
  } catch (e) {
    await exec('rollback').catch(() => undefined);
    throw e;
  }
}
