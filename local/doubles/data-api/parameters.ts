// Binds Data API parameters as the service does: named placeholders (:name) in the SQL, each value a
// Field union whose member (and typeHint) fixes the SQL type the database sees. The statement goes to
// the database with $1..$n and those types declared in the protocol, so Postgres itself types every
// expression: a stringValue without a hint is a character varying value, and
//   insert into t (ts_col) values (:p)
// fails as on Aurora with "column "ts_col" is of type timestamp with time zone but expression is of
// type character varying". Sources:
//   SqlParameter and typeHint: https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_SqlParameter.html
//   Field: https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_Field.html
//   "Array parameters are not supported": API_ExecuteStatement.html (parameters)
import type { Field, SqlParameter } from '@aws-sdk/client-rds-data';
import { mapSqlCode } from '../../../lambdas/adapters/aws/sql-text.js';
import { badRequest, databaseError } from './errors.js';

/** PostgreSQL type OIDs of the parameter types the Data API can send. 0 lets the server infer. */
export const OID = {
  unknown: 0,
  bool: 16,
  bytea: 17,
  int8: 20,
  json: 114,
  float8: 701,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  numeric: 1700,
  uuid: 2950,
} as const;

export interface BoundStatement {
  /** The SQL with :name replaced by $1..$n. */
  text: string;
  /** Declared type of each $i. */
  types: number[];
  /** Text (or bytes, for bytea) of each $i; null for SQL NULL. */
  values: (string | Uint8Array | null)[];
}

// Formats the typeHint documentation gives for DATE, TIME and TIMESTAMP.
const HINT_FORMATS: Record<string, { re: RegExp; format: string }> = {
  DATE: { re: /^\d{4}-\d{2}-\d{2}$/, format: 'YYYY-MM-DD' },
  TIME: { re: /^\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/, format: 'HH:MM:SS[.FFF]' },
  TIMESTAMP: { re: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/, format: 'YYYY-MM-DD HH:MM:SS[.FFF]' },
};
const HINT_TYPES: Record<string, number> = { DATE: OID.date, TIME: OID.time, TIMESTAMP: OID.timestamp, DECIMAL: OID.numeric, JSON: OID.json, UUID: OID.uuid };

export function bindParameters(sql: string, parameters: readonly SqlParameter[] = []): BoundStatement {
  const byName = new Map<string, SqlParameter>();
  for (const p of parameters) {
    if (!p.name) throw badRequest('Parameter name must be specified for every parameter.');
    byName.set(p.name, p);
  }
  const order: string[] = [];
  const text = rewritePlaceholders(sql, (name) => {
    let at = order.indexOf(name);
    if (at === -1) {
      if (!byName.has(name)) throw databaseError(`ERROR: No value specified for parameter :${name}`, '42P02');
      at = order.push(name) - 1;
    }
    return `$${at + 1}`;
  });
  const typed = order.map((name) => typedValue(byName.get(name) as SqlParameter));
  return { text, types: typed.map((t) => t.type), values: typed.map((t) => t.value) };
}

function typedValue(p: SqlParameter): { type: number; value: string | Uint8Array | null } {
  const field = (p.value ?? {}) as Field & Record<string, unknown>;
  const members = Object.entries(field).filter(([key, v]) => v !== undefined && key !== '$unknown');
  if (members.length !== 1) throw badRequest(`Parameter ${p.name} must set exactly one member of its Field value, got ${members.map(([k]) => k).join(', ') || 'none'}.`);
  const [member, value] = members[0] as [string, unknown];
  if (p.typeHint !== undefined && member !== 'stringValue') throw badRequest(`Parameter ${p.name}: typeHint ${p.typeHint} applies to a stringValue only.`);
  switch (member) {
    case 'isNull':
      if (value !== true) throw badRequest(`Parameter ${p.name}: isNull must be true when it is the value.`);
      return { type: OID.unknown, value: null };
    case 'booleanValue':
      return { type: OID.bool, value: value ? 't' : 'f' };
    case 'longValue':
      if (!Number.isSafeInteger(value)) throw badRequest(`Parameter ${p.name}: longValue ${String(value)} is not a 64-bit integer the double can carry exactly.`);
      return { type: OID.int8, value: String(value) };
    case 'doubleValue':
      return { type: OID.float8, value: String(value) };
    case 'blobValue':
      return { type: OID.bytea, value: value as Uint8Array };
    case 'stringValue':
      return stringParameter(p.name as string, value as string, p.typeHint);
    case 'arrayValue':
      throw badRequest('Array parameters are not supported.');
    default:
      throw badRequest(`Parameter ${p.name}: unknown Field member ${member}.`);
  }
}

function stringParameter(name: string, value: string, hint: string | undefined): { type: number; value: string } {
  if (hint === undefined) return { type: OID.varchar, value };
  const type = HINT_TYPES[hint];
  if (type === undefined) throw badRequest(`Parameter ${name}: typeHint must be one of ${Object.keys(HINT_TYPES).join(', ')}; got ${hint}.`);
  const format = HINT_FORMATS[hint];
  if (format && !format.re.test(value)) throw badRequest(`Parameter ${name}: ${JSON.stringify(value)} is not a ${hint} value; the accepted format is ${format.format}.`);
  return { type, value };
}

/**
 * Replaces each :name outside string literals, quoted identifiers, comments and dollar-quoted bodies,
 * never touching a :: cast. A positional $n there is refused: the Data API takes named parameters only.
 */
export const rewritePlaceholders = (sql: string, replace: (name: string) => string): string =>
  mapSqlCode(sql, (code) => {
    const positional = /(?<![A-Za-z0-9_$])\$(\d+)/.exec(code);
    if (positional) throw databaseError(`ERROR: there is no parameter $${positional[1]}`, '42P02');
    return code.replace(/(?<!:):([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => replace(name));
  });
