// Aurora's aws_s3 extension, as the Data API double answers it: `select aws_s3.table_import_from_s3(...)`
// reads the object from the S3 double and COPYs it into the table on the call's own connection (so it
// belongs to the caller's transaction), answering with the text Aurora returns, e.g.
//   1200 rows imported into relation "staging_visits" from file runs/r1/visits.csv of 52000 bytes
// Both documented forms are understood: (table, columns, options, aws_commons.create_s3_uri(bucket,
// path, region)) and (table, columns, options, bucket, path, region), with each argument a :parameter
// or a string literal. https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_PostgreSQL.S3Import.Reference.html
// `create extension [if not exists] aws_s3 [cascade]` succeeds and creates only the extension's two
// schemas (there is no such extension outside Aurora), so grants on them work as on Aurora.
import { createReadStream } from 'node:fs';
import type { SqlParameter } from '@aws-sdk/client-rds-data';
import type { S3Double } from '../s3/s3-double.js';
import { databaseError } from './errors.js';
import type { DbSession, RawResult } from './sessions.js';

export interface S3Import {
  table: string;
  columns: string;
  options: string;
  bucket: string;
  key: string;
  /** The result column's name (the query's alias, else the function's name). */
  column: string;
}

const CALL = /^\s*select\s+aws_s3\s*\.\s*table_import_from_s3\s*\(/i;
const CREATE_EXTENSION = /^\s*create\s+extension\s+(if\s+not\s+exists\s+)?"?aws_s3"?(\s+cascade)?\s*;?\s*$/i;

export const isCreateAwsS3Extension = (sql: string): boolean => CREATE_EXTENSION.test(sql);

/** The import a statement asks for, or undefined when the statement is not an aws_s3 import. */
export function parseS3Import(sql: string, parameters: readonly SqlParameter[] = []): S3Import | undefined {
  const head = CALL.exec(sql);
  if (!head) return undefined;
  const open = head[0].length - 1;
  const close = matchingParen(sql, open);
  const tail = sql.slice(close + 1).trim().replace(/;$/, '').trim();
  const alias = /^(?:as\s+)?"?([A-Za-z_][A-Za-z0-9_]*)"?$/i.exec(tail)?.[1];
  if (tail !== '' && !alias) throw databaseError(`ERROR: the S3 import double understands only "select aws_s3.table_import_from_s3(...) [as name]", got: ${sql}`);
  const args = splitArgs(sql.slice(open + 1, close));
  const value = (arg: string): string => argumentValue(arg, parameters);
  const [table, columns, options, ...rest] = args;
  if (table === undefined || columns === undefined || options === undefined) throw databaseError('ERROR: function aws_s3.table_import_from_s3 needs table_name, column_list and options', '42883');
  let bucket: string;
  let key: string;
  const uri = rest[0] !== undefined ? /^aws_commons\s*\.\s*create_s3_uri\s*\(([\s\S]*)\)$/i.exec(rest[0].trim()) : null;
  if (uri) {
    const [b, k] = splitArgs(uri[1] as string);
    if (b === undefined || k === undefined) throw databaseError('ERROR: aws_commons.create_s3_uri needs bucket, file_path and region', '42883');
    [bucket, key] = [value(b), value(k)];
  } else if (rest.length >= 3) {
    [bucket, key] = [value(rest[0] as string), value(rest[1] as string)];
  } else {
    throw databaseError('ERROR: aws_s3.table_import_from_s3 needs an s3_info (aws_commons.create_s3_uri) or bucket, file_path and region', '42883');
  }
  return { table: value(table), columns: value(columns), options: value(options), bucket, key, column: alias ?? 'table_import_from_s3' };
}

export async function runS3Import(session: DbSession, s3: S3Double | undefined, imp: S3Import): Promise<RawResult> {
  if (!s3) throw databaseError('ERROR: the Data API double was started without an S3 double, so aws_s3 cannot reach any bucket');
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(imp.table)) throw databaseError(`ERROR: relation "${imp.table}" does not exist`, '42P01');
  if (!/^[A-Za-z0-9_,\s"]*$/.test(imp.columns)) throw databaseError(`ERROR: invalid column list ${JSON.stringify(imp.columns)}`, '42601');
  if (!/^[A-Za-z0-9_,\s()'"=\\|;:\-]*$/.test(imp.options)) throw databaseError(`ERROR: invalid COPY options ${JSON.stringify(imp.options)}`, '42601');
  let file;
  try {
    file = await s3.objectFile(imp.bucket, imp.key);
  } catch {
    // What the extension reports for an object it cannot fetch.
    throw databaseError(`ERROR: HTTP 404. Requested file does not exist. (s3://${imp.bucket}/${imp.key})`, 'XX000');
  }
  const target = imp.columns.trim() ? `${imp.table} (${imp.columns})` : imp.table;
  const rows = await session.copyFrom(target, imp.options, () => createReadStream(file.path));
  return {
    fields: [{ name: imp.column, typeOid: 25 }],
    rows: [[`${rows} rows imported into relation "${imp.table}" from file ${imp.key} of ${file.size} bytes`]],
    command: 'SELECT',
    affected: 0,
  };
}

function argumentValue(arg: string, parameters: readonly SqlParameter[]): string {
  const text = arg.trim().replace(/::\s*text$/i, '').trim();
  const param = /^:([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (param) {
    const p = parameters.find((x) => x.name === param[1]);
    if (p?.value?.stringValue === undefined) throw databaseError(`ERROR: aws_s3 import argument :${param[1]} must be a stringValue parameter`, '42804');
    return p.value.stringValue;
  }
  const literal = /^'((?:[^']|'')*)'$/.exec(text);
  if (literal) return (literal[1] as string).replace(/''/g, "'");
  throw databaseError(`ERROR: the S3 import double takes string literals or :parameters as arguments, got ${arg.trim()}`);
}

function matchingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") i = skipQuoted(sql, i);
    else if (c === '(') depth += 1;
    else if (c === ')' && --depth === 0) return i;
  }
  throw databaseError('ERROR: syntax error at end of input', '42601');
}

function skipQuoted(sql: string, start: number): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
    else if (sql[i] === "'") return i;
    else i += 1;
  }
  return sql.length;
}

function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") i = skipQuoted(text, i);
    else if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (text.slice(start).trim() !== '') out.push(text.slice(start));
  return out;
}
