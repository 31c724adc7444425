// Formats rows as CSV text byte-for-byte as csv-stringify 6 does with the options the pipeline writes
// with (header, named columns, '\n' after every record): a field is quoted when it holds a comma, a
// quote, '\n' or '\r', and quotes inside are doubled; numbers and bigints print as JavaScript prints
// them, booleans as 1 or nothing, dates as epoch milliseconds, other objects as JSON, null and
// undefined as nothing. Pure; one string per row, so a caller can batch many rows into one write.

const NEEDS_QUOTES = /[",\r\n]/;

/** One field as csv-stringify writes it. */
export function csvField(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return NEEDS_QUOTES.test(value) ? quoted(value) : value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? '1' : '';
    case 'undefined':
      return '';
    case 'object': {
      if (value === null) return '';
      const text = value instanceof Date ? String(value.getTime()) : (JSON.stringify(value) as string | undefined);
      return text === undefined ? '' : csvField(text);
    }
    default:
      throw new TypeError(`a CSV field must be a string, number, boolean, date, object, null or undefined; got a ${typeof value}`);
  }
}

const quoted = (value: string): string => `"${value.replaceAll('"', '""')}"`;

/** One record's line from its values in order, '\n' included. */
export const csvLine = (values: readonly unknown[]): string => values.map(csvField).join(',') + '\n';

export interface CsvFormatter {
  /** The header line, '\n' included. */
  readonly header: string;
  /** One row's line, '\n' included; fields are taken by column name, missing ones are empty. */
  line(row: Readonly<Record<string, unknown>>): string;
}

/** Column names csv-stringify reads as plain property names (it reads 'a.b' or 'a[0]' as a path). */
const PLAIN_NAME = /^[^.[\]]+$/;

export function csvFormatter(columns: readonly string[]): CsvFormatter {
  const names = [...columns];
  const bad = names.length === 0 ? '(none)' : names.find((n) => !PLAIN_NAME.test(n));
  if (bad !== undefined) throw new RangeError(`CSV columns must be one or more plain names, without '.', '[' or ']'; got ${bad}`);
  return {
    header: csvLine(names),
    line(row) {
      let line = csvField(row[names[0]!]);
      for (let i = 1; i < names.length; i++) line += ',' + csvField(row[names[i]!]);
      return line + '\n';
    },
  };
}
