// Source selection: which format a batch is in and how its files become records per entity. The run's
// own instruction (simulate --format/--mapping) wins, then the manifest's format and mapping, then the
// file names (core/formats/input-format.ts).
//   csv without a mapping   the reference's three files (manifest `files` may rename them)
//   csv with a mapping      the mapping's files and columns
//   synthea-csv             csv with the built-in Synthea mapping (or the one given)
//   fhir                    every .ndjson file of the batch folder
import { PipelineError } from '../../core/errors.js';
import { detectFormat, type InputFormat } from '../../core/formats/input-format.js';
import { compileMapping } from '../../core/formats/mapping/apply-mapping.js';
import { mappedFiles, parseMapping, type Mapping } from '../../core/formats/mapping/mapping-schema.js';
import { SYNTHEA_CSV_MAPPING } from '../../core/formats/mapping/synthea-csv.js';
import type { BlobStore } from '../../ports.js';
import { ENTITIES, type Entity, type RunState, type SourceReport } from '../run-state.js';
import { contractCsvInput, mappedCsvInput } from './csv-inputs.js';
import { openFhirInput } from './fhir-source.js';
import type { EntityInput, StrayLine } from './input-record.js';
import { batchFileKeys, describe, type Manifest } from './manifest.js';
import { readText } from './read-text.js';

export interface BatchInput {
  format: InputFormat;
  entity(entity: Entity): EntityInput;
  /** The reference's three files (contract v1 CSV without a mapping): these can be read in chunks. */
  contractFiles?: Record<Entity, string>;
  /** Complete once every entity's records have been read. */
  report(): SourceReport;
}

export async function openBatchInput(store: BlobStore, state: RunState, manifest: Manifest, stray: (line: StrayLine) => Promise<void>): Promise<BatchInput> {
  const keys = await store.list(state.batchPrefix);
  const format = state.source?.format ?? manifest.format ?? detectFormat(keys);
  const mapping = await chosenMapping(store, state, manifest, format);
  if (format === 'fhir') {
    if (mapping) throw new PipelineError('BAD_CONFIG', 'a mapping file applies to CSV exports, not to the fhir format', 'drop the mapping, or give the csv format');
    return { format, ...(await openFhirInput(store, keys.filter((k) => /\.ndjson$/i.test(k)), stray)) };
  }
  const files: Partial<Record<Entity, { file: string; lineOffset: number }[]>> = {};
  const report = (): SourceReport => ({ format, files });
  if (!mapping) {
    const keysOf = batchFileKeys(state.batchPrefix, manifest);
    await assertExist(store, ENTITIES.map((e) => [e, keysOf[e]]), 'a batch needs synthetic_patients.csv, synthetic_providers.csv and synthetic_visits.csv (or a manifest.json naming them, or a format and mapping for another export)');
    return { format, report, contractFiles: keysOf, entity: (e) => contractCsvInput(store, keysOf[e], e, (files[e] = [])) };
  }
  const keysOf = (e: Entity) => mappedFiles(mapping.entities[e]).map((name) => state.batchPrefix + name);
  await assertExist(store, ENTITIES.flatMap((e) => keysOf(e).map((k) => [e, k] as const)), 'the mapping names each entity\'s files; check the names against the batch folder');
  return { format, report, entity: (e) => mappedCsvInput(store, keysOf(e), compileMapping(e, mapping.entities[e]), (files[e] = [])) };
}

async function chosenMapping(store: BlobStore, state: RunState, manifest: Manifest, format: InputFormat): Promise<Mapping | undefined> {
  if (state.source?.mapping !== undefined) return parseMapping(state.source.mapping, 'given to the run (--mapping)');
  if (typeof manifest.mapping === 'string') {
    const key = state.batchPrefix + manifest.mapping;
    await assertExist(store, [['the mapping', key]], 'manifest.json names a mapping file that is not in the batch folder');
    let json: unknown;
    try {
      json = JSON.parse(await readText(store, key));
    } catch (e) {
      throw new PipelineError('BAD_INPUT', `mapping ${describe(store, key)} is not valid JSON`, 'fix the mapping file', { cause: e });
    }
    return parseMapping(json, describe(store, key));
  }
  if (manifest.mapping !== undefined) return parseMapping(manifest.mapping, 'in manifest.json');
  return format === 'synthea-csv' ? SYNTHEA_CSV_MAPPING : undefined;
}

/** Each [what, key] must exist: what is an entity or a name for the file, for the message. */
async function assertExist(store: BlobStore, files: readonly (readonly [string, string])[], hint: string): Promise<void> {
  for (const [what, key] of files) {
    if (!(await store.exists(key))) throw new PipelineError('BLOB_NOT_FOUND', `input file for ${what} not found: ${describe(store, key)}`, hint);
  }
}
