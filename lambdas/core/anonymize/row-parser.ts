// The per-row validation the row path runs: each field's cheap check (row-schemas.ts) first, and zod
// only for a row one of them cannot vouch for. zod costs about 10 µs a row in object building and
// issue bookkeeping; the cheap checks call the same field parsers without it. A row zod sees gets
// zod's answer, so rejections and their reasons are zod's alone.
import type { z } from 'zod';
import { keyedObject } from '../keyed-object.js';
import { ASK_ZOD, type FieldRule } from './row-schemas.js';

export type RowParse<T> = { success: true; data: T } | { success: false; error: z.ZodError };

export type RowParser<T> = (raw: Readonly<Record<string, string>>) => RowParse<T>;

export function rowParser<F extends Record<string, FieldRule<unknown>>, T>(fields: F, schema: z.ZodType<T>): RowParser<T> {
  const names = Object.keys(fields);
  const checks = names.map((name) => fields[name]!.cheap);
  const dataOf = keyedObject(names);
  // The checked values of the row at hand, in field order (reused: dataOf copies them out).
  const values: unknown[] = new Array(names.length);
  return (raw) => {
    for (let i = 0; i < names.length; i++) {
      const value = checks[i]!(raw[names[i]!]);
      if (value === ASK_ZOD) return schema.safeParse(raw) as RowParse<T>;
      values[i] = value;
    }
    return { success: true, data: dataOf(values) as T };
  };
}
