// Audit entries leaving the live log are written here first, one JSON object per line, every field
// as the verifier reads it: the archive and the live log together still verify as one chain.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntry } from '../../lambdas/core/integrity/audit-chain.js';

export async function writeAuditArchive(dir: string, entries: readonly AuditEntry[]): Promise<string> {
  const first = entries[0]?.chain_seq ?? '0';
  const last = entries.at(-1)?.chain_seq ?? '0';
  await mkdir(dir, { recursive: true });
  const path = join(dir, `audit-log-${first}-${last}.jsonl`);
  await writeFile(path, entries.map((e) => JSON.stringify(e)).join('\n') + '\n', { flag: 'w' });
  return path;
}
