// `npm run bench:scale -- --preload DIR [--patients 10000] --database-url URL [--keep-preload]`:
// the run-scoped criterion, measured. The same generated batch (fresh ids: fresh-batch.ts) is run (anonymize, load, transform)
// into an empty warehouse and into a copy of one already holding the batch in DIR, and the two
// transforms' seconds are compared: run-scoped work costs about the same in both. The preloaded
// warehouse is built once (kept with --keep-preload for the next measurement) and copied per
// measurement as a template database, so each measurement starts from the same warehouse.
import '../polyfills.js';
import { parseArgs } from 'node:util';
import { scratchServer } from './scratch-databases.js';
import { runCli } from '../cli/run-cli.js';
import { formatTable } from '../cli/format-table.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFreshBatch } from './fresh-batch.js';
import { runBatch } from './run-batch.js';
import { transformRatio } from './transform-ratio.js';

const PRELOAD_RUN = 'scale-preload';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      preload: { type: 'string' },
      patients: { type: 'string', default: '10000' },
      'database-url': { type: 'string' },
      'keep-preload': { type: 'boolean', default: false },
      'scratch-prefix': { type: 'string', default: 'health_bench_scale' },
      repeat: { type: 'string', default: '1' },
    },
  });
  const serverUrl = values['database-url'] ?? process.env['DATABASE_URL'];
  if (!serverUrl || !values.preload) throw new Error('usage: --preload DIR --database-url URL (a PostgreSQL server: the copies are template databases)');
  const prefix = values['scratch-prefix'];
  const server = scratchServer(serverUrl);
  const preload = `${prefix}_preload`;
  if (!(await server.holdsRun(preload))) {
    log(`preloading ${values.preload} into ${preload} (once; --keep-preload keeps it)`);
    await server.create(preload);
    await runBatch(server.url(preload), { runId: PRELOAD_RUN, input: values.preload }, 'transform');
    await server.settle(preload);
  }
  const rows: Record<string, string | number>[] = [];
  const batchDir = await mkdtemp(join(tmpdir(), 'health-pipeline-scale-'));
  await writeFreshBatch(batchDir, Number(values.patients), 99);
  try {
    for (let i = 0; i < Number(values.repeat); i++) {
      for (const [warehouse, template] of [['empty', undefined], ['preloaded', preload]] as const) {
        const db = `${prefix}_${warehouse}`;
        await server.create(db, template);
        try {
          const s = await runBatch(server.url(db), { runId: 'scale-run', input: batchDir }, 'transform');
          rows.push({ warehouse, anonymize: fmt(s.anonymize), load: fmt(s.load), transform: fmt(s.transform) });
          log(`${warehouse}: transform ${fmt(s.transform)} s`);
        } finally {
          await server.drop(db);
        }
      }
    }
  } finally {
    if (!values['keep-preload']) await server.drop(preload);
    await rm(batchDir, { recursive: true, force: true });
  }
  const seconds = (w: string) => rows.filter((r) => r['warehouse'] === w).map((r) => Number(r['transform']));
  const { best, median } = transformRatio({ preloaded: seconds('preloaded'), empty: seconds('empty') });
  const line = (r: typeof best) => `${r.preloaded.toFixed(2)} s into the preloaded warehouse, ${r.empty.toFixed(2)} s into an empty one (${r.ratio.toFixed(2)}x)`;
  console.log(`\n${formatTable(rows)}\n\na ${values.patients}-patient batch's transform, best of ${values.repeat}: ${line(best)}; target at most 2x`);
  if (Number(values.repeat) > 1) console.log(`median of ${values.repeat}: ${line(median)}`);
});

const fmt = (s: number | undefined) => (s ?? 0).toFixed(2);
const log = (m: string) => process.stderr.write(m + '\n');
