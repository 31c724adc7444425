// Reads one large text value in byte ranges small enough for any engine: the RDS Data API refuses a
// result row over 64 KB ("Packet for query is too large"), and a release snapshot is larger than that.
// Each call returns one part as bytea (cut on bytes, so a multi-byte character split between parts is
// joined back whole).
import type { Sql } from '../../ports.js';

/** Well under the Data API's 64 KB per row. */
export const PART_BYTES = 32 * 1024;

/**
 * The text of the first column of `query`'s one row, read in parts; undefined when it has no row.
 * `query` takes $1..$n from `params`.
 */
export async function readTextInParts(sql: Sql, query: string, params: readonly unknown[], partBytes = PART_BYTES): Promise<string | undefined> {
  const n = params.length;
  const chunks: Buffer[] = [];
  for (let from = 1; ; from += partBytes) {
    const rows = await sql.query<{ part: Uint8Array | null }>(
      `select substring(convert_to(v.value, 'UTF8') from $${n + 1}::int for $${n + 2}::int) as part from (${query}) as v(value)`,
      [...params, from, partBytes],
    );
    if (rows.length === 0) return undefined;
    const part = rows[0]?.part;
    if (part && part.length > 0) chunks.push(Buffer.from(part));
    if (!part || part.length < partBytes) return Buffer.concat(chunks).toString('utf8');
  }
}
