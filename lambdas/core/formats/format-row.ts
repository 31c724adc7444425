// What a format adapter makes of one source record: the contract v1 row the anonymiser validates
// (contract column names, string values), or why there is none. Pure.
import type { RowIssue } from '../anonymize/anonymize-row.js';

export type FormatRow =
  | { ok: true; values: Record<string, string> }
  /** excluded: left out by a rule (a superseded version, a cancelled encounter), not because it is bad. */
  | { ok: false; issues: RowIssue[]; excluded?: boolean };

export const rejected = (field: string, reason: string, excluded = false): FormatRow => ({ ok: false, issues: [{ field, reason }], excluded });
