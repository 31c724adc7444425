// Audit retention against the database: a preview of what purge_audit_log would remove, and the purge
// itself, which returns the removed entries (as the verifier reads them) for the caller to archive.
import type { AuditEntry } from '../../core/integrity/audit-chain.js';
import type { Sql } from '../../ports.js';
import { AUDIT_ENTRY_COLUMNS } from './audit-chain-query.js';

export interface AuditPurgePreview {
  entries: number;
  throughChainSeq: number | null;
}

/** The oldest unbroken run of entries older than the cutoff: what a purge would remove now. */
export async function previewAuditPurge(sql: Sql, cutoffIso: string): Promise<AuditPurgePreview> {
  const [row] = await sql.query<{ entries: number; through: number | null }>(
    `with bound as (
       select coalesce((select min(chain_seq) from audit_log where action_timestamp >= $1::timestamptz),
                       (select coalesce(max(chain_seq), 0) + 1 from audit_log)) - 1 as through
     )
     select count(a.chain_seq)::int as entries, case when count(a.chain_seq) > 0 then max(b.through) end::int as through
     from bound as b left join audit_log as a on a.chain_seq <= b.through`,
    [cutoffIso],
  );
  return { entries: Number(row?.entries ?? 0), throughChainSeq: row?.through ?? null };
}

/** Must run inside a transaction: the caller archives the returned rows before it commits. */
export async function purgeAuditLog(tx: Sql, cutoffIso: string): Promise<AuditEntry[]> {
  return tx.query<AuditEntry & Record<string, unknown>>(
    `select ${AUDIT_ENTRY_COLUMNS} from purge_audit_log($1::timestamptz) as a order by a.chain_seq`,
    [cutoffIso],
  );
}
