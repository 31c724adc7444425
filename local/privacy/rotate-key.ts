// Rotates the pseudonym key of an offline warehouse (npm run rotate-key). Pseudonyms cannot be
// recomputed without the raw ids, and landing expires in days, so rotation re-keys INSIDE the warehouse:
// a new master key is appended to the key chain, every patient and visit pseudonym p becomes
// HMAC(new master's 'pseudonym-rekey' subkey, domain:p), and new batches compute the same chain
// (lambdas/core/anonymize/key-ring.ts), so they keep joining. cost_with_privacy is drawn again under the
// new row-noise subkey. After a rotation a leaked older key alone no longer yields the pseudonyms in use.
//
// Crash safety: the new chain is written to <key file>.next before the warehouse transaction and renamed
// over the key file after it commits; the warehouse records each chain's fingerprint
// (pseudonym_key_epochs), so a rerun after a crash in between finishes the rename instead of rotating again.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { PrivacyConfig } from '../../lambdas/core/config.js';
import { openKeyRing, rekeyPseudonymiser, type KeyRing } from '../../lambdas/core/anonymize/key-ring.js';
import { PipelineError } from '../../lambdas/core/errors.js';
import { createRowNoise } from '../../lambdas/core/privacy/row-noise.js';
import { decodeKeyChain, encodeKeyChain } from '../../lambdas/adapters/local/key-file.js';
import type { Sql, Warehouse, WarehouseTx } from '../../lambdas/ports.js';
import { rebuildFromVisits } from '../../lambdas/steps/io/visits-rewritten.js';

export interface RotateOptions {
  warehouse: Warehouse;
  /** The key file (.warehouse/secrets/pseudonym.key); PSEUDONYM_KEY cannot be rotated in place. */
  keyFile: string;
  /** For cost_with_privacy's noise (rowCostClamp, epsilonPerRowCost, noNoise). */
  privacy: PrivacyConfig;
  /** The new master key; 32 random bytes by default (tests pass one). */
  newKey?: Uint8Array;
  /** Rows per UPDATE statement. @default 5000 */
  batchSize?: number;
  appUser?: string;
}

export interface RotationResult {
  epoch: number;
  fingerprint: string;
  patients: number;
  visits: number;
  quarantined: number;
  /** True when an earlier rotation had committed and only the key file's rename was left to do. */
  resumed: boolean;
}

const nextFile = (keyFile: string): string => `${keyFile}.next`;

export async function rotateKey(o: RotateOptions): Promise<RotationResult> {
  const chain = decodeKeyChain(await readFile(o.keyFile, 'utf8'), o.keyFile);
  const latest = await latestEpoch(o.warehouse);
  if (existsSync(nextFile(o.keyFile))) {
    const pending = openKeyRing(decodeKeyChain(await readFile(nextFile(o.keyFile), 'utf8'), nextFile(o.keyFile)));
    if (latest && latest.fingerprint === pending.fingerprint) {
      await rename(nextFile(o.keyFile), o.keyFile);
      return { epoch: latest.epoch, fingerprint: pending.fingerprint, patients: 0, visits: 0, quarantined: 0, resumed: true };
    }
    await rm(nextFile(o.keyFile)); // an attempt whose transaction rolled back
  }
  const current = openKeyRing(chain);
  if (latest && latest.fingerprint !== current.fingerprint) {
    throw new PipelineError(
      'BAD_CONFIG',
      `${o.keyFile} is not the key the warehouse's pseudonyms are under (warehouse key ${latest.fingerprint}, file key ${current.fingerprint})`,
      'rotate with the key file of this warehouse; restore it from your backup if it was replaced',
    );
  }
  await refuseRunningBatches(o.warehouse);

  const newKey = o.newKey ?? new Uint8Array(randomBytes(32));
  const nextChain = [...chain, newKey];
  const next = openKeyRing(nextChain);
  await writeFile(nextFile(o.keyFile), encodeKeyChain(nextChain), { mode: 0o600 });
  await chmod(nextFile(o.keyFile), 0o600);
  let result: RotationResult;
  try {
    result = await o.warehouse.transaction((tx) => rekeyWarehouse(tx, { ...o, current, next, newKey, epoch: latest ? latest.epoch + 1 : 1, recordZero: !latest }));
  } catch (e) {
    await rm(nextFile(o.keyFile), { force: true });
    throw e;
  }
  await rename(nextFile(o.keyFile), o.keyFile);
  return result;
}

async function latestEpoch(sql: Sql): Promise<{ epoch: number; fingerprint: string } | null> {
  const [row] = await sql.query<{ epoch: number; fingerprint: string }>('select epoch, fingerprint from pseudonym_key_epochs order by epoch desc limit 1');
  return row ? { epoch: Number(row.epoch), fingerprint: row.fingerprint } : null;
}

async function refuseRunningBatches(sql: Sql): Promise<void> {
  const running = await sql.query<{ batch_key: string; run_id: string }>("select batch_key, run_id from batch_ledger where status = 'running' order by batch_key");
  if (running.length) {
    throw new PipelineError(
      'BAD_CONFIG',
      `cannot rotate while a batch is running: ${running.map((r) => `${r.batch_key} (run ${r.run_id})`).join(', ')}`,
      'let the run finish (or fail) first: its clean files and staging rows are under the current key',
    );
  }
}

interface RekeyPlan extends RotateOptions {
  current: KeyRing;
  next: KeyRing;
  newKey: Uint8Array;
  epoch: number;
  recordZero: boolean;
}

async function rekeyWarehouse(tx: WarehouseTx, p: RekeyPlan): Promise<RotationResult> {
  const size = p.batchSize ?? 5000;
  const rekey = rekeyPseudonymiser(p.newKey);
  const noise = createRowNoise(p.next.rowNoiseKey, p.privacy);
  // No transform may write pseudonyms of the old key while this one rewrites them.
  await tx.query('lock table dim_patients, fact_visits, quarantine_rows, staging_patients, staging_providers, staging_visits in exclusive mode');
  if (p.recordZero) {
    await tx.query('insert into pseudonym_key_epochs (epoch, fingerprint) values (0, $1)', [p.current.fingerprint]);
  }

  const patientIds = (await tx.query<{ patient_id: string }>('select distinct patient_id from dim_patients order by patient_id')).map((r) => r.patient_id);
  for (let i = 0; i < patientIds.length; i += size) {
    const pairs = patientIds.slice(i, i + size).map((old) => ({ old, new: rekey('patient', old) }));
    await tx.query(
      'update dim_patients as d set patient_id = m.new from jsonb_to_recordset($1::jsonb) as m(old text, new text) where d.patient_id = m.old',
      [JSON.stringify(pairs)],
    );
  }

  let visits = 0;
  for (let after = 0; ; ) {
    const rows = await tx.query<{ visit_key: string; visit_id: string; cost: string | null }>(
      'select visit_key::text, visit_id, cost::text from fact_visits where visit_key > $1 order by visit_key limit $2',
      [after, size],
    );
    if (rows.length === 0) break;
    const updates = rows.map((r) => {
      const id = rekey('visit', r.visit_id);
      return { key: Number(r.visit_key), id, cwp: r.cost === null ? null : noise(Number(r.cost), id).toFixed(2) };
    });
    await tx.query(
      `update fact_visits as f set visit_id = m.id, cost_with_privacy = m.cwp::numeric
       from jsonb_to_recordset($1::jsonb) as m(key bigint, id text, cwp text) where f.visit_key = m.key`,
      [JSON.stringify(updates)],
    );
    visits += rows.length;
    after = Number(rows[rows.length - 1]!.visit_key);
  }

  // Rows the warehouse quarantined name patients and visits by pseudonym too; providers keep their ids.
  const quarantined = await tx.query<{ entity: string; record_key: string }>(
    "select distinct entity, record_key from quarantine_rows where entity in ('patients', 'visits') and record_key is not null",
  );
  for (let i = 0; i < quarantined.length; i += size) {
    const pairs = quarantined.slice(i, i + size).map((q) => ({ entity: q.entity, old: q.record_key, new: rekey(q.entity === 'patients' ? 'patient' : 'visit', q.record_key) }));
    await tx.query(
      'update quarantine_rows as q set record_key = m.new from jsonb_to_recordset($1::jsonb) as m(entity text, old text, new text) where q.entity = m.entity and q.record_key = m.old',
      [JSON.stringify(pairs)],
    );
  }
  // Staging holds only finished runs' rows (a running batch was refused above), under the old key.
  await tx.query('truncate table staging_patients, staging_providers, staging_visits');
  // New visit ids: the id registry again, and every patient's first N visits (their order changed) chosen again.
  await rebuildFromVisits(tx);

  const counts = { patients: patientIds.length, visits, quarantined: quarantined.length };
  await tx.query('insert into pseudonym_key_epochs (epoch, fingerprint, rekeyed) values ($1, $2, $3::jsonb)', [p.epoch, p.next.fingerprint, JSON.stringify(counts)]);
  await tx.query(`select set_config('pipeline.app_user', $1, true)`, [p.appUser ?? 'rotate-key']);
  await tx.query('select write_audit($1, $2, $3, $4::jsonb)', ['KEY_ROTATION', 'dim_patients', counts.patients, JSON.stringify({ epoch: p.epoch, fingerprint: p.next.fingerprint, ...counts })]);
  return { epoch: p.epoch, fingerprint: p.next.fingerprint, ...counts, resumed: false };
}
