// `npm run bench:row-path -- [--rows 100000] [--only current,fast,workers,step] [--rows-per-chunk 25000] [--profile FILE]`:
// the anonymize row path, stage by stage, in CPU microseconds per row, on a batch the repo's generator
// writes into a scratch folder (about --rows visit rows; at most 100k, so the shared machine stays
// usable). Sections: today's stages; the fast reader/writer against csv-parse/csv-stringify; the toy
// chunk job with 0, 1 and 2 worker threads; the whole anonymize step. `--profile FILE` profiles one
// more run of the whole step alone, writes FILE (.cpuprofile, for DevTools) and prints the functions
// with the most self time.
import '../polyfills.js';
import { parseArgs } from 'node:util';
import { runCli } from '../cli/run-cli.js';
import { formatTable } from '../cli/format-table.js';
import { steps } from '../../lambdas/steps/index.js';
import { generateBatch } from './row-path/batch.js';
import { profiled } from './row-path/cpu-profile.js';
import { currentStages, wholeAnonymizeStep } from './row-path/current-stages.js';
import { fastStages } from './row-path/fast-stages.js';
import { timingRow, type StageTiming } from './row-path/timing.js';
import { workerStages } from './row-path/worker-stages.js';

const SECTIONS = ['current', 'fast', 'workers', 'step'] as const;
type Section = (typeof SECTIONS)[number];

runCli(async () => {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, only: { type: 'string' }, 'rows-per-chunk': { type: 'string', default: '25000' }, profile: { type: 'string' } } });
  const rows = Math.min(100_000, Number(values.rows));
  const only = values.only ? (values.only.split(',') as Section[]) : [...SECTIONS];
  const batch = await generateBatch(rows);
  process.stderr.write(`generated ${JSON.stringify(batch.rows)} in ${batch.dir}\n`);
  const timings: StageTiming[] = [];
  try {
    if (only.includes('current')) {
      for (const entity of ['visits', 'patients'] as const) timings.push(...(await currentStages(batch, entity)));
    }
    if (only.includes('fast')) {
      for (const entity of ['visits', 'patients'] as const) timings.push(...(await fastStages(batch, entity)));
    }
    if (only.includes('workers')) timings.push(...(await workerStages(batch, Number(values['rows-per-chunk']))));
    if (only.includes('step')) timings.push(await wholeAnonymizeStep(batch));
    if (values.profile) {
      const top = await profiled(values.profile, () => steps.anonymize(batch.deps, batch.state));
      console.log(formatTable(top.slice(0, 30).map((t) => ({ 'self ms': t.ms.toFixed(0), share: `${(100 * t.share).toFixed(1)}%`, function: t.fn }))));
    }
  } finally {
    await batch.close();
  }
  console.log(formatTable(timings.map(timingRow)));
});
