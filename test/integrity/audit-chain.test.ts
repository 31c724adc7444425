// The pure chain verifier: table-driven cases of intact and broken chains.
import { describe, expect, it } from 'vitest';
import { canonicalText, entryHash, GENESIS_HASH, verifyAuditChain, type AuditEntry } from '../../lambdas/core/integrity/audit-chain.js';

function chain(n: number, start = 1, prev = GENESIS_HASH): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    const e: AuditEntry = {
      chain_seq: String(start + i), audit_id: String(100 + start + i), action_timestamp: `2025-01-0${1 + (i % 9)}T10:00:00.000000Z`,
      action_type: 'LOAD', table_name: 'staging_visits', record_count: String(i), user_id: 'postgres', role_name: 'hw_pipeline',
      app_user: 'pipeline', run_id: 'run-1', details: '{"file": "runs/run-1/visits.csv"}', prev_hash: prev, entry_hash: '',
    };
    e.entry_hash = entryHash(e);
    prev = e.entry_hash;
    out.push(e);
  }
  return out;
}

const retentionEntry = (seq: number, through: number, anchor: string, prev: string): AuditEntry => {
  const e: AuditEntry = {
    chain_seq: String(seq), audit_id: String(500 + seq), action_timestamp: '2025-02-01T00:00:00.000000Z', action_type: 'RETENTION',
    table_name: 'audit_log', record_count: String(through), user_id: 'postgres', role_name: 'postgres', app_user: null, run_id: null,
    details: JSON.stringify({ cutoff: '2025-01-05T00:00:00+00:00', anchor_hash: anchor, through_chain_seq: through }), prev_hash: prev, entry_hash: '',
  };
  e.entry_hash = entryHash(e);
  return e;
};

describe('Function: verifyAuditChain', () => {
  it('verifies an intact chain and counts its entries, in any input order', () => {
    expect(verifyAuditChain(chain(5).reverse())).toEqual({ ok: true, verified: 5, firstSeq: 1, lastSeq: 5 });
    expect(verifyAuditChain([])).toEqual({ ok: true, verified: 0 });
  });

  it.each([
    ['a changed field', (c: AuditEntry[]) => { c[2]!.record_count = '999'; }, '103', /entry changed after it was written/],
    ['a changed hash with the next link intact', (c: AuditEntry[]) => { c[1]!.details = '{}'; c[1]!.entry_hash = entryHash(c[1]!); }, '103', /prev_hash does not match/],
    ['a deleted entry', (c: AuditEntry[]) => { c.splice(2, 1); }, '104', /entries missing/],
    ['a deleted first entry', (c: AuditEntry[]) => { c.shift(); }, '102', /no RETENTION entry accounts for them/],
    ['a forged genesis', (c: AuditEntry[]) => { c[0]!.prev_hash = 'f'.repeat(64); }, '101', /genesis/],
  ])('reports %s at the first broken link', (_name, tamper, auditId, problem) => {
    const c = chain(5);
    tamper(c);
    const verdict = verifyAuditChain(c);
    expect(verdict).toMatchObject({ ok: false, auditId });
    if (verdict.ok) return;
    expect(verdict.problem).toMatch(problem);
    expect(verdict.expected).not.toBe(verdict.found);
  });

  it('names expected and found hashes for a changed entry', () => {
    const c = chain(3);
    const stored = c[1]!.entry_hash;
    c[1]!.user_id = 'mallory';
    expect(verifyAuditChain(c)).toMatchObject({ ok: false, verified: 1, auditId: '102', expected: entryHash(c[1]!), found: stored });
  });

  it('accepts a chain whose oldest entries were removed by a recorded retention', () => {
    const full = chain(6);
    const kept = full.slice(3);
    const retention = retentionEntry(7, 3, full[2]!.entry_hash, full[5]!.entry_hash);
    expect(verifyAuditChain([...kept, retention])).toEqual({ ok: true, verified: 4, firstSeq: 4, lastSeq: 7 });
    const wrongAnchor = retentionEntry(7, 3, 'e'.repeat(64), full[5]!.entry_hash);
    expect(verifyAuditChain([...kept, wrongAnchor])).toMatchObject({ ok: false, auditId: '104', problem: expect.stringMatching(/anchor/) });
  });

  it('length-prefixes fields so a value cannot imitate a boundary', () => {
    const [e] = chain(1);
    const a = { ...e!, table_name: 'a;1:b', run_id: null };
    const b = { ...e!, table_name: 'a', run_id: 'b' };
    expect(canonicalText(a)).not.toBe(canonicalText(b));
    expect(canonicalText({ ...e!, app_user: null })).not.toBe(canonicalText({ ...e!, app_user: '~' }));
  });
});
