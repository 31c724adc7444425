// How long audit entries stay in the live log. HIPAA asks for six years of documentation; seven
// (2555 days) is the common policy. Older entries leave through purge_audit_log (005_audit_chain.sql),
// which records a RETENTION entry so the surviving chain still verifies.
import { PipelineError } from '../errors.js';
import { isCalendarDate } from './partition-retention.js';

export const DEFAULT_AUDIT_RETENTION_DAYS = 2555;
const DAY_MS = 86_400_000;

/** Entries written before this instant (UTC midnight starting `asOf`, minus `days`) are purged. */
export function auditCutoff(asOf: string, days: number): string {
  if (!isCalendarDate(asOf)) {
    throw new PipelineError('BAD_CONFIG', `audit retention: as-of date ${JSON.stringify(asOf)} is not YYYY-MM-DD`, 'pass --as-of 2025-12-31');
  }
  if (!Number.isInteger(days) || days < 1) {
    throw new PipelineError('BAD_CONFIG', `audit retention: days must be a whole number of at least 1, got ${days}`, `pass --audit-days ${DEFAULT_AUDIT_RETENTION_DAYS}`);
  }
  return new Date(Date.parse(`${asOf}T00:00:00Z`) - days * DAY_MS).toISOString();
}
