// Retention in two parts: fact partitions older than N years are detached (kept as tables for
// archiving), and audit entries older than N days are archived to a file and purged with a
// RETENTION entry. plan* only reads; apply* changes the warehouse.
import { auditCutoff } from '../../lambdas/core/integrity/audit-retention.js';
import { planPartitionRetention, type PartitionRetentionPlan } from '../../lambdas/core/integrity/partition-retention.js';
import { PipelineError } from '../../lambdas/core/errors.js';
import type { Warehouse } from '../../lambdas/ports.js';
import { previewAuditPurge, purgeAuditLog, type AuditPurgePreview } from '../../lambdas/steps/io/audit-retention-query.js';
import { rebuildFromVisits } from '../../lambdas/steps/io/visits-rewritten.js';
import { detachPartition, listFactPartitions } from '../../lambdas/steps/io/fact-partitions.js';
import { writeAuditArchive } from './audit-archive.js';

export interface RetentionRequest {
  asOf: string;
  years: number;
  auditDays: number;
  only?: 'partitions' | 'audit';
}

export interface RetentionPlan {
  partitions?: PartitionRetentionPlan;
  audit?: { cutoff: string; days: number } & AuditPurgePreview;
}

export interface RetentionResult {
  detached: string[];
  audit?: { removed: number; archive?: string };
}

export async function planRetention(wh: Warehouse, r: RetentionRequest): Promise<RetentionPlan> {
  const plan: RetentionPlan = {};
  if (r.only !== 'audit') plan.partitions = planPartitionRetention(await listFactPartitions(wh), r.asOf, r.years);
  if (r.only !== 'partitions') {
    const cutoff = auditCutoff(r.asOf, r.auditDays);
    plan.audit = { cutoff, days: r.auditDays, ...(await previewAuditPurge(wh, cutoff)) };
  }
  return plan;
}

export async function applyRetention(wh: Warehouse, plan: RetentionPlan, archiveDir: string): Promise<RetentionResult> {
  const detached: string[] = [];
  for (const step of plan.partitions?.detach ?? []) {
    // The id registry and the release's bounded contributions name visits of the detached years: rebuilt in the same transaction.
    await wh.transaction(async (tx) => {
      await detachPartition(tx, step);
      await rebuildFromVisits(tx);
    });
    detached.push(step.partition);
  }
  if (!plan.audit) return { detached };
  const cutoff = plan.audit.cutoff;
  const audit = await wh.transaction(async (tx) => {
    const removed = await purgeAuditLog(tx, cutoff);
    if (removed.length === 0) return { removed: 0 };
    // Archived before commit: if the file cannot be written, nothing leaves the log.
    const archive = await writeAuditArchive(archiveDir, removed).catch((e: unknown) => {
      throw new PipelineError('BAD_CONFIG', `cannot write the audit archive in ${archiveDir}: ${(e as Error).message}`, 'check the folder is writable; nothing was purged', { cause: e });
    });
    return { removed: removed.length, archive };
  });
  return { detached, audit };
}

export function describeAuditPlan(a: NonNullable<RetentionPlan['audit']>, dryRun: boolean): string {
  const verb = dryRun ? 'would archive and remove' : 'archive and remove';
  return a.entries === 0
    ? `audit log: keep ${a.days} days (cutoff ${a.cutoff}): nothing to remove`
    : `audit log: keep ${a.days} days (cutoff ${a.cutoff}): ${verb} ${a.entries} entries (chain_seq ..${a.throughChainSeq}), recording a RETENTION entry`;
}
