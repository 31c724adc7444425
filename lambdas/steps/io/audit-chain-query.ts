// Reads audit entries with every field rendered as text exactly as audit_entry_text() renders it, so
// the chain can be recomputed outside the database (core/integrity/audit-chain.ts).
import type { AuditEntry } from '../../core/integrity/audit-chain.js';
import type { Sql } from '../../ports.js';

/** The projection of an audit_log row (alias a) that the verifier reads. */
export const AUDIT_ENTRY_COLUMNS = `
  a.chain_seq::text as chain_seq,
  a.audit_id::text as audit_id,
  to_char(a.action_timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as action_timestamp,
  a.action_type,
  a.table_name,
  a.record_count::text as record_count,
  a.user_id,
  a.role_name,
  a.app_user,
  a.run_id,
  a.details::text as details,
  a.prev_hash,
  a.entry_hash`;

export async function readAuditChain(sql: Sql): Promise<AuditEntry[]> {
  return sql.query<AuditEntry & Record<string, unknown>>(`select ${AUDIT_ENTRY_COLUMNS} from audit_log as a order by a.chain_seq`);
}
