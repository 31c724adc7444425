// Statement text and parameters for the RDS Data API. The ports speak node-postgres style ($1..$n,
// positional values); the Data API takes named parameters (:p1..:pn) as a typed Field union.
import type { SqlParameter } from '@aws-sdk/client-rds-data';
import { PipelineError } from '../../core/errors.js';
import { mapSqlCode } from './sql-text.js';

/**
 * Rewrites $1..$n to :p1..:pn outside string literals, quoted identifiers, comments and
 * dollar-quoted bodies (so `$$ ... $1 ... $$` in a function body is left alone).
 */
export const toNamedParameters = (sql: string): string => mapSqlCode(sql, (code) => code.replace(/(?<![A-Za-z0-9_$])\$(\d+)/g, ':p$1'));

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
