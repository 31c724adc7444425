// Step 1 (only when asked): write a synthetic batch into landing, in the reference's file format (or,
// when asked for fhir, as a FHIR Bulk Data export: generate-fhir.ts), then its manifest, which marks
// the batch complete.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { INPUT_COLUMNS, INPUT_FILES } from '../core/contract/input-contract.js';
import type { GeneratorOptions } from '../core/generate/synthetic-data.js';
import type { Entity, GenerateOutput, Step, StepDeps } from './run-state.js';
import { manifestKey } from './io/keys.js';

const PROGRESS_EVERY = 25_000;

export const generate: Step = async (deps, state) => {
  if (!state.generate) return state;
  const started = deps.now();
  const options: GeneratorOptions = { ...state.generate, asOf: state.asOf };
  if (state.generate.format === 'fhir') {
    const { writeFhirBatch } = await import('./generate-fhir.js');
    return { ...state, generated: { ...(await writeFhirBatch(deps, state, options)), ms: deps.now() - started } };
  }
  // The generator (faker and its locales, about 30 MB) is loaded only when a batch is generated: a run
  // on input files never needs it, and modules once loaded stay for the whole run's peak.
  const { patientRows, providerRows, visitRows } = await import('../core/generate/synthetic-data.js');
  const sources: Record<Entity, Iterable<Record<string, string>>> = {
    providers: providerRows(options),
    patients: patientRows(options),
    visits: visitRows(options),
  };
  const files = {} as Record<Entity, string>;
  const rows = {} as Record<Entity, number>;
  for (const entity of ['providers', 'patients', 'visits'] as const) {
    files[entity] = state.batchPrefix + INPUT_FILES[entity];
    rows[entity] = await writeCsv(deps, entity, files[entity], sources[entity]);
  }
  const manifest = { contractVersion: 1, batchId: state.runId, asOf: state.asOf, files: INPUT_FILES };
  await deps.landing.put(manifestKey(state.batchPrefix), JSON.stringify(manifest, null, 2) + '\n', 'application/json');
  const generated: GenerateOutput = { files, rows, ms: deps.now() - started };
  return { ...state, generated };
};

async function writeCsv(deps: StepDeps, entity: Entity, key: string, rows: Iterable<Record<string, string>>): Promise<number> {
  let n = 0;
  deps.progress.start(`generate ${entity}`);
  const counted = Readable.from(
    (function* () {
      for (const row of rows) {
        if (++n % PROGRESS_EVERY === 0) deps.progress.advance(`generate ${entity}`, n);
        yield row;
      }
    })(),
  );
  await deps.landing.put(key, counted.pipe(stringify({ header: true, columns: [...INPUT_COLUMNS[entity]] })), 'text/csv');
  deps.progress.done(`generate ${entity}`, `${n} rows`);
  return n;
}
