// `npm run rotate-key`: appends a new master key to the pseudonym key chain and re-keys the warehouse's
// pseudonyms (and per-row cost noise) to it in one transaction. See local/privacy/rotate-key.ts and PRIVACY.md.
import './polyfills.js';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { defaultConfig } from '../lambdas/core/config.js';
import { PipelineError } from '../lambdas/core/errors.js';
import { runCli } from './cli/run-cli.js';
import { WAREHOUSE_OPTIONS, withWarehouse } from './integrity/open-warehouse.js';
import { localPaths } from './pipeline/local-deps.js';
import { rotateKey } from './privacy/rotate-key.js';

const USAGE = `usage: npm run rotate-key -- [--dir DIR] [--database-url URL]
Appends a new key to DIR/secrets/pseudonym.key (one key per line, oldest first) and, in one transaction,
re-keys every patient and visit pseudonym in the warehouse and redraws cost_with_privacy under it.
New batches then compute the same pseudonyms, so they keep joining. Back up the key file afterwards.
Refused while a batch is running, and with a key file that is not the warehouse's.`;

runCli(async () => {
  const { values } = parseArgs({ options: { ...WAREHOUSE_OPTIONS } });
  if (values.help) return void console.log(USAGE);
  if (process.env['PSEUDONYM_KEY']) {
    throw new PipelineError('BAD_CONFIG', 'PSEUDONYM_KEY is set: a key given in the environment cannot be rotated in place', 'unset it and rotate the key file, or rotate where the key is stored and set PSEUDONYM_KEY to the new chain');
  }
  const keyFile = localPaths(resolve(values.dir ?? '.warehouse')).keyFile;
  await withWarehouse({ dir: values.dir, databaseUrl: values['database-url'] }, async (warehouse) => {
    const r = await rotateKey({ warehouse, keyFile, privacy: defaultConfig.privacy, appUser: `rotate-key (${userInfo().username})` });
    console.log(
      r.resumed
        ? `rotation ${r.epoch} had committed; ${keyFile} now holds its key chain`
        : `rotated to key ${r.fingerprint} (epoch ${r.epoch}): ${r.patients} patients, ${r.visits} visits and ${r.quarantined} quarantined records re-keyed; ${keyFile} now holds ${r.epoch + 1} keys. Back it up.`,
    );
  });
});
