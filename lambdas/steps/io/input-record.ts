// What every input format hands the anonymize step: per entity, a stream of records, each either the
// contract v1 values of one row or the reasons there is none, with where it came from.
import type { RowIssue } from '../../core/anonymize/anonymize-row.js';
import type { FormatRow } from '../../core/formats/format-row.js';

export interface RecordOrigin {
  /** The source file, as a path or s3:// URL (for the quarantine file). */
  file: string;
  /** Line of the record in that file. */
  line: number;
  /** The record's line in the entity's files read one after another: unique per entity and run (source_line). */
  sourceLine: number;
}

export type InputRecord =
  | { kind: 'row'; origin: RecordOrigin; values: Record<string, string>; raw: string }
  /** excluded: left out by a rule (a superseded version, a cancelled encounter), not because it is bad. */
  | { kind: 'refused'; origin: RecordOrigin; raw: string; issues: RowIssue[]; excluded: boolean };

export interface EntityInput {
  records: AsyncIterable<InputRecord>;
  /** The same records in the groups they were read in, when the reader has them (fewer awaits a row). Iterate one or the other. */
  batches?: AsyncIterable<InputRecord[]>;
  /** Source columns no contract field reads (reported, ignored); complete once records are read. */
  extraColumns(): string[];
}

/** One quarantined line that belongs to no entity (a FHIR join resource that could not be read). */
export interface StrayLine {
  origin: RecordOrigin;
  /** What the line was meant to be, e.g. the resource type of its file. */
  kind: string;
  reason: string;
  raw: string;
}

export const recordOf = (row: FormatRow, origin: RecordOrigin, raw: string): InputRecord =>
  row.ok ? { kind: 'row', origin, values: row.values, raw } : { kind: 'refused', origin, raw, issues: row.issues, excluded: row.excluded ?? false };

export const unreadable = (origin: RecordOrigin, raw: string, reason: string): InputRecord =>
  ({ kind: 'refused', origin, raw, issues: [{ field: '', reason }], excluded: false });
