// Result rows from the Data API's Field union, typed like node-postgres returns them so steps see the
// same values everywhere: numeric as string (no float rounding), date/timestamp as Date, json parsed,
// null as null. bigint (int8) arrives as a number when the Data API returns it as a long.
import type { ArrayValue, ColumnMetadata, Field } from '@aws-sdk/client-rds-data';
import type { Row } from '../../ports.js';

export function mapRecords<T extends Row>(columns: readonly ColumnMetadata[], records: readonly Field[][]): T[] {
  return records.map((fields) => {
    const row: Row = {};
    columns.forEach((column, index) => {
      const field = fields[index];
      row[column.name ?? `column${index + 1}`] = field ? fieldValue(field, column.typeName ?? '') : null;
    });
    return row as T;
  });
}

/** JSON mode (formatRecordsAs: 'JSON'): values as the Data API formats them, no type metadata. */
export function mapFormattedRecords<T extends Row>(formatted: string | undefined): T[] {
  return formatted ? (JSON.parse(formatted) as T[]) : [];
}

export function fieldValue(field: Field, typeName: string): unknown {
  if (field.isNull) return null;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.blobValue !== undefined) return field.blobValue;
  if (field.arrayValue !== undefined) return arrayValue(field.arrayValue);
  if (field.stringValue !== undefined) return fromText(field.stringValue, typeName.toLowerCase());
  return null;
}

function fromText(text: string, typeName: string): unknown {
  switch (typeName) {
    case 'date':
      return new Date(`${text}T00:00:00.000Z`);
    case 'timestamp':
    case 'timestamptz':
      return new Date(`${text.replace(' ', 'T')}${/[zZ]|[+-]\d\d(:?\d\d)?$/.test(text) ? '' : 'Z'}`);
    case 'json':
    case 'jsonb':
      return JSON.parse(text);
    default:
      return text; // text, varchar, numeric/decimal (exact, as a string), uuid, ...
  }
}

function arrayValue(value: ArrayValue): unknown[] {
  return (
    value.booleanValues ?? value.longValues ?? value.doubleValues ?? value.stringValues ?? value.arrayValues?.map((inner) => (inner ? arrayValue(inner) : null)) ?? []
  );
}
