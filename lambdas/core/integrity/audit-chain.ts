// The audit log's hash chain, recomputed outside the database. Pure: it is given the entries (every
// field as the text the database renders, see io/audit-chain-query.ts) and says whether each links
// to the one before it. The canonical text must match audit_entry_text() in 005_audit_chain.sql.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** One audit_log row, each field as text (null when the column is null). */
export interface AuditEntry {
  chain_seq: string;
  audit_id: string;
  /** UTC, microseconds: YYYY-MM-DDTHH:MM:SS.ffffffZ */
  action_timestamp: string;
  action_type: string;
  table_name: string | null;
  record_count: string | null;
  user_id: string;
  role_name: string | null;
  app_user: string | null;
  run_id: string | null;
  /** details::text as PostgreSQL renders the stored jsonb. */
  details: string;
  prev_hash: string;
  entry_hash: string;
}

const HASHED_FIELDS = [
  'chain_seq', 'audit_id', 'action_timestamp', 'action_type', 'table_name', 'record_count',
  'user_id', 'role_name', 'app_user', 'run_id', 'details', 'prev_hash',
] as const satisfies readonly (keyof AuditEntry)[];

// Length-prefixed so that no value can imitate a field boundary.
const field = (v: string | null): string => (v === null ? '~' : `${Buffer.byteLength(v, 'utf8')}:${v}`);

export const canonicalText = (e: AuditEntry): string => HASHED_FIELDS.map((f) => field(e[f])).join(';');

export const entryHash = (e: AuditEntry): string => createHash('sha256').update(canonicalText(e), 'utf8').digest('hex');

export type ChainVerdict =
  | { ok: true; verified: number; firstSeq?: number; lastSeq?: number }
  | { ok: false; verified: number; auditId: string; chainSeq: string; problem: string; expected: string; found: string };

/**
 * Checks entries in chain order: each entry_hash is the hash of its fields, each prev_hash is the
 * entry_hash before it, and chain_seq has no gaps. When the oldest entries were removed by retention,
 * the first surviving prev_hash must equal the anchor a RETENTION entry recorded for them.
 */
export function verifyAuditChain(entries: readonly AuditEntry[]): ChainVerdict {
  const sorted = [...entries].sort((a, b) => Number(a.chain_seq) - Number(b.chain_seq));
  let verified = 0;
  let prev: AuditEntry | undefined;
  for (const e of sorted) {
    const broken = (problem: string, expected: string, found: string): ChainVerdict => ({
      ok: false, verified, auditId: e.audit_id, chainSeq: e.chain_seq, problem, expected, found,
    });
    if (prev === undefined) {
      const expected = expectedFirstPrev(e, sorted);
      if (expected.hash !== e.prev_hash) return broken(expected.why, expected.hash, e.prev_hash);
    } else {
      if (Number(e.chain_seq) !== Number(prev.chain_seq) + 1) {
        return broken('entries missing from the chain', `chain_seq ${Number(prev.chain_seq) + 1}`, `chain_seq ${e.chain_seq}`);
      }
      if (e.prev_hash !== prev.entry_hash) return broken('prev_hash does not match the entry before', prev.entry_hash, e.prev_hash);
    }
    const recomputed = entryHash(e);
    if (recomputed !== e.entry_hash) return broken('entry changed after it was written (entry_hash does not match its fields)', recomputed, e.entry_hash);
    verified++;
    prev = e;
  }
  const first = sorted[0];
  return first && prev
    ? { ok: true, verified, firstSeq: Number(first.chain_seq), lastSeq: Number(prev.chain_seq) }
    : { ok: true, verified };
}

function expectedFirstPrev(first: AuditEntry, all: readonly AuditEntry[]): { hash: string; why: string } {
  if (Number(first.chain_seq) === 1) return { hash: GENESIS_HASH, why: 'first entry does not start from the genesis hash' };
  const through = Number(first.chain_seq) - 1;
  const retention = all.find((e) => e.action_type === 'RETENTION' && retentionThrough(e)?.through === through);
  if (!retention) {
    return { hash: `a RETENTION entry covering chain_seq 1..${through}`, why: `entries before chain_seq ${first.chain_seq} are missing and no RETENTION entry accounts for them` };
  }
  return { hash: retentionThrough(retention)!.anchor, why: 'prev_hash does not match the anchor its RETENTION entry recorded' };
}

function retentionThrough(e: AuditEntry): { through: number; anchor: string } | undefined {
  try {
    const d = JSON.parse(e.details) as { through_chain_seq?: unknown; anchor_hash?: unknown };
    return { through: Number(d.through_chain_seq), anchor: String(d.anchor_hash) };
  } catch {
    return undefined;
  }
}

/** One line for a person: how many entries verified, or where the chain first breaks. */
export function describeVerdict(v: ChainVerdict): string {
  if (v.ok) {
    return v.verified === 0
      ? 'audit log is empty: nothing to verify'
      : `audit chain intact: ${v.verified} entries verified (chain_seq ${v.firstSeq}..${v.lastSeq})`;
  }
  return [
    `audit chain broken at audit_id ${v.auditId} (chain_seq ${v.chainSeq}): ${v.problem}`,
    `  expected: ${v.expected}`,
    `  found:    ${v.found}`,
    `  ${v.verified} entries before it verified`,
  ].join('\n');
}
