// Statement text and parameters for the RDS Data API. The ports speak node-postgres style ($1..$n,
// positional values); the Data API takes named parameters (:p1..:pn) as a typed Field union.
import type { SqlParameter } from '@aws-sdk/client-rds-data';
import { PipelineError } from '../../core/errors.js';

/**
 * Rewrites $1..$n to :p1..:pn outside string literals, quoted identifiers, comments and
 * dollar-quoted bodies (so `$$ ... $1 ... $$` in a function body is left alone).
 */
export function toNamedParameters(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i, c);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '-' && next === '-') {
      const end = indexOrEnd(sql, '\n', i);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '/' && next === '*') {
      const end = indexOrEnd(sql, '*/', i + 2) + 2;
      out += sql.slice(i, end);
      i = end;
    } else if (c === '$' && next !== undefined && /[0-9]/.test(next)) {
      const digits = /^[0-9]+/.exec(sql.slice(i + 1))?.[0] ?? '';
      out += `:p${digits}`;
      i += 1 + digits.length;
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag) {
        const end = indexOrEnd(sql, tag, i + tag.length) + tag.length;
        out += sql.slice(i, end);
        i = end;
      } else {
        out += c;
        i += 1;
      }
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2; // doubled quote is an escaped quote
      else return i + 1;
    } else i += 1;
  }
  return sql.length;
}

function indexOrEnd(sql: string, needle: string, from: number): number {
  const at = sql.indexOf(needle, from);
  return at === -1 ? sql.length : at;
}

/** Maps positional values to named, typed Data API parameters (:p1 is params[0]). */
export function toSqlParameters(params: readonly unknown[]): SqlParameter[] {
  return params.map((value, index) => ({ name: `p${index + 1}`, ...toField(value, index + 1) }));
}

/** Data API TIMESTAMP text: YYYY-MM-DD HH:MM:SS.FFF, in UTC. */
export const timestampText = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');

function toField(value: unknown, position: number): Pick<SqlParameter, 'value' | 'typeHint'> {
  if (value === null || value === undefined) return { value: { isNull: true } };
  switch (typeof value) {
    case 'string':
      return { value: { stringValue: value } };
    case 'boolean':
      return { value: { booleanValue: value } };
    case 'number':
      if (!Number.isFinite(value)) throw badParam(position, `${value} is not a finite number`);
      return Number.isSafeInteger(value) ? { value: { longValue: value } } : { value: { doubleValue: value } };
    case 'bigint':
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? { value: { longValue: Number(value) } }
        : { value: { stringValue: value.toString() }, typeHint: 'DECIMAL' };
    case 'object':
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw badParam(position, 'an invalid Date');
        return { value: { stringValue: timestampText(value) }, typeHint: 'TIMESTAMP' };
      }
      if (value instanceof Uint8Array) return { value: { blobValue: value } };
      if (Array.isArray(value)) {
        throw badParam(position, 'an array (the Data API has no array parameters)', 'Pass a JSON string and unnest it in SQL, e.g. jsonb_array_elements_text($1::jsonb).');
      }
      return { value: { stringValue: JSON.stringify(value) }, typeHint: 'JSON' };
    default:
      throw badParam(position, `a ${typeof value}`);
  }
}

function badParam(position: number, what: string, hint?: string): PipelineError {
  return new PipelineError('DB_FAILED', `SQL parameter $${position} is ${what}, which the Data API cannot send.`, hint ?? 'Pass a string, number, boolean, bigint, Date, Uint8Array, null or a plain object.');
}
