// Shapes a raw result as ExecuteStatement answers it, for the options the caller sent, and enforces
// the size limits (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.limitations.html):
//   "The response size limit is 1 MiB. If the call returns more than 1 MiB of response data, the call
//    is terminated." and "64 KB per row in the result set returned by the database".
// Records are Field unions per column type: bool -> booleanValue; int2/int4/int8 -> longValue (or
// stringValue with longReturnType STRING); float4/float8 -> doubleValue; numeric -> stringValue, or
// longValue/doubleValue with decimalReturnType DOUBLE_OR_LONG (API_ResultSetOptions.html); bytea ->
// blobValue; arrays -> arrayValue; everything else (text, date, timestamps, json, uuid...) -> stringValue
// with PostgreSQL's text. timestamptz is given in UTC without the offset, as the Data API gives it.
// formatRecordsAs JSON returns formattedRecords (a JSON array of objects) instead of records and
// columnMetadata (API_ExecuteStatement.html). generatedFields is omitted: "The generatedFields data
// isn't supported by Aurora PostgreSQL" (API_ExecuteStatementResponse).
import type { ArrayValue, ColumnMetadata, ExecuteStatementCommandInput, ExecuteStatementCommandOutput, Field } from '@aws-sdk/client-rds-data';
import { badRequest } from './errors.js';
import type { RawResult, TypeInfo } from './sessions.js';

export interface ResultLimits {
  /** @default 1 MiB */
  responseBytes: number;
  /** @default 64 KB */
  rowBytes: number;
}

export const DEFAULT_RESULT_LIMITS: ResultLimits = { responseBytes: 1024 * 1024, rowBytes: 64 * 1024 };

type Options = Pick<ExecuteStatementCommandInput, 'includeResultMetadata' | 'formatRecordsAs' | 'resultSetOptions'>;
export type StatementOutput = Omit<ExecuteStatementCommandOutput, '$metadata'>;

const INTEGER = new Set(['int2', 'int4', 'int8']);
const FLOAT = new Set(['float4', 'float8']);
const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'name', 'char', 'citext']);

/** java.sql.Types codes, as JDBC (behind the Data API) reports them in ColumnMetadata.type. */
const JDBC_TYPE: Record<string, number> = {
  bool: -7, int2: 5, int4: 4, int8: -5, float4: 7, float8: 8, numeric: 2, text: 12, varchar: 12, bpchar: 1, name: 12,
  date: 91, time: 92, timestamp: 93, timestamptz: 93, bytea: -2,
};

export function shapeResult(raw: RawResult, types: readonly TypeInfo[], options: Options, limits: ResultLimits): StatementOutput {
  for (const row of raw.rows) {
    const bytes = row.reduce((n, v, i) => n + valueBytes(v, types[i] as TypeInfo), 0);
    // "Packet for query is too large": the result set returned for a row was too large (troubleshooting page).
    if (bytes > limits.rowBytes) throw badRequest(`Packet for query is too large. A row of ${bytes} bytes exceeds the Data API's limit of ${limits.rowBytes} bytes per row.`);
  }
  const decimalAsNumber = options.resultSetOptions?.decimalReturnType === 'DOUBLE_OR_LONG';
  const longAsString = options.resultSetOptions?.longReturnType === 'STRING';
  const out: StatementOutput = { numberOfRecordsUpdated: raw.affected };
  if (raw.fields.length === 0) return out; // no result set (DDL, DML without RETURNING)
  if (options.formatRecordsAs === 'JSON') {
    const objects = raw.rows.map((row) => Object.fromEntries(raw.fields.map((f, i) => [f.name, jsonValue(row[i] ?? null, types[i] as TypeInfo, decimalAsNumber, longAsString)])));
    out.formattedRecords = JSON.stringify(objects);
  } else {
    out.records = raw.rows.map((row) => row.map((v, i) => field(v ?? null, types[i] as TypeInfo, decimalAsNumber, longAsString)));
    if (options.includeResultMetadata) out.columnMetadata = raw.fields.map((f, i) => metadata(f.name, types[i] as TypeInfo));
  }
  const size = Buffer.byteLength(JSON.stringify(out, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)));
  // "Database response exceeded size limit" (troubleshooting page).
  if (size > limits.responseBytes) throw badRequest(`Database response exceeded size limit: the response would be ${size} bytes; the Data API returns at most ${limits.responseBytes}.`);
  return out;
}

/** The value's size as the database sends it (bytea counted as bytes, not as its hex text). */
const valueBytes = (text: string | null, type: TypeInfo): number =>
  text === null ? 0 : type.name === 'bytea' ? (text.length - 2) / 2 : Buffer.byteLength(text);

function field(text: string | null, type: TypeInfo, decimalAsNumber: boolean, longAsString: boolean): Field {
  if (text === null) return { isNull: true };
  if (type.element) return { arrayValue: arrayValue(parsePgArray(text), type.element) };
  const t = type.name;
  if (t === 'bool') return { booleanValue: text === 't' };
  if (INTEGER.has(t)) return longAsString ? { stringValue: text } : { longValue: Number(text) };
  if (FLOAT.has(t)) return { doubleValue: Number(text) };
  if (t === 'numeric' && decimalAsNumber) return /^-?\d+$/.test(text) ? { longValue: Number(text) } : { doubleValue: Number(text) };
  if (t === 'bytea') return { blobValue: new Uint8Array(Buffer.from(text.slice(2), 'hex')) };
  if (t === 'timestamptz') return { stringValue: text.replace(/\+00(:00)?$/, '') };
  return { stringValue: text };
}

function jsonValue(text: string | null, type: TypeInfo, decimalAsNumber: boolean, longAsString: boolean): unknown {
  const f = field(text, type, decimalAsNumber, longAsString);
  if (f.isNull) return null;
  if (f.blobValue) return Buffer.from(f.blobValue).toString('base64');
  if (f.arrayValue) return flatten(f.arrayValue);
  return f.booleanValue ?? f.longValue ?? f.doubleValue ?? f.stringValue;
}

function flatten(a: ArrayValue | null): unknown[] {
  if (!a) return [];
  return a.arrayValues?.map(flatten) ?? a.booleanValues ?? a.longValues ?? a.doubleValues ?? a.stringValues ?? [];
}

type Nested = (string | null | Nested)[];

function arrayValue(items: Nested, element: TypeInfo): ArrayValue {
  if (items.some(Array.isArray)) return { arrayValues: items.map((i) => arrayValue(i as Nested, element)) };
  const scalars = items as (string | null)[];
  if (element.name === 'bool') return { booleanValues: scalars.map((v) => v === 't') };
  if (INTEGER.has(element.name)) return { longValues: scalars.map(Number) };
  if (FLOAT.has(element.name)) return { doubleValues: scalars.map(Number) };
  return { stringValues: scalars as string[] };
}

/** PostgreSQL's array text, e.g. {a,"b c",NULL} or {{1,2},{3,4}}. */
export function parsePgArray(text: string): Nested {
  let i = 0;
  const parse = (): Nested => {
    const out: Nested = [];
    i += 1; // '{'
    while (i < text.length) {
      const c = text[i];
      if (c === '}') {
        i += 1;
        return out;
      }
      if (c === ',') {
        i += 1;
      } else if (c === '{') {
        out.push(parse());
      } else if (c === '"') {
        let s = '';
        i += 1;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i += 1;
          s += text[i];
          i += 1;
        }
        i += 1;
        out.push(s);
      } else {
        let end = i;
        while (end < text.length && text[end] !== ',' && text[end] !== '}') end += 1;
        const s = text.slice(i, end);
        out.push(s === 'NULL' ? null : s);
        i = end;
      }
    }
    return out;
  };
  return text.startsWith('{') ? parse() : [];
}

function metadata(name: string, type: TypeInfo): ColumnMetadata {
  const t = type.name;
  return {
    name,
    label: name,
    typeName: t,
    type: type.element ? 2003 : (JDBC_TYPE[t] ?? 1111),
    isSigned: INTEGER.has(t) || FLOAT.has(t) || t === 'numeric',
    isCaseSensitive: TEXT_TYPES.has(t),
    isCurrency: t === 'money',
    isAutoIncrement: false,
    nullable: 2, // columnNullableUnknown: a result column's nullability is not known from the protocol
    precision: 0,
    scale: 0,
    schemaName: '',
    tableName: '',
    arrayBaseColumnType: 0,
  };
}
