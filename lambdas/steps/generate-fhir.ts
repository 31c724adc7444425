// The generate step's FHIR output (simulate --format fhir): the synthetic batch as a Bulk Data export,
// one NDJSON file per resource type, then a manifest with format fhir, which marks the batch complete.
import { Readable } from 'node:stream';
import { FHIR_EXPORT_TYPES, fhirExportLines, type FhirExportType } from '../core/generate/fhir-export.js';
import type { GeneratorOptions } from '../core/generate/synthetic-data.js';
import type { Entity, GenerateOutput, RunState, StepDeps } from './run-state.js';
import { manifestKey } from './io/keys.js';

const PROGRESS_EVERY = 25_000;
const ENTITY_FILES: Record<Entity, FhirExportType> = { patients: 'Patient', providers: 'Practitioner', visits: 'Encounter' };

export async function writeFhirBatch(deps: StepDeps, state: RunState, options: GeneratorOptions): Promise<Omit<GenerateOutput, 'ms'>> {
  const keyOf = (type: FhirExportType) => `${state.batchPrefix}${type}.000.ndjson`;
  const lines = {} as Record<FhirExportType, number>;
  for (const type of FHIR_EXPORT_TYPES) {
    let n = 0;
    deps.progress.start(`generate ${type}`);
    const body = Readable.from(
      (function* () {
        for (const line of fhirExportLines(type, options)) {
          if (++n % PROGRESS_EVERY === 0) deps.progress.advance(`generate ${type}`, n);
          yield `${line}\n`;
        }
      })(),
    );
    await deps.landing.put(keyOf(type), body, 'application/fhir+ndjson');
    deps.progress.done(`generate ${type}`, `${n} resources`);
    lines[type] = n;
  }
  const manifest = { contractVersion: 1, batchId: state.runId, asOf: state.asOf, format: 'fhir' };
  await deps.landing.put(manifestKey(state.batchPrefix), JSON.stringify(manifest, null, 2) + '\n', 'application/json');
  const entities = Object.keys(ENTITY_FILES) as Entity[];
  return {
    files: Object.fromEntries(entities.map((e) => [e, keyOf(ENTITY_FILES[e])])) as Record<Entity, string>,
    rows: Object.fromEntries(entities.map((e) => [e, lines[ENTITY_FILES[e]]])) as Record<Entity, number>,
  };
}
