// A FHIR Bulk Data export (NDJSON, one resource type per file, several files per type) as per-entity
// record streams. Three passes, each streaming every file it reads one line at a time:
//   1. Patient, Practitioner and Encounter files: the winning version of each resource and the
//      identifier index (core/formats/fhir/export-index.ts).
//   2. PractitionerRole, Condition, Procedure, Claim and ExplanationOfBenefit files: the join facts
//      (core/formats/fhir/join-facts.ts), then folded per practitioner and per encounter.
//   3. On demand, per entity: its files again, each line to a contract row (or its reasons).
// Memory is bounded by the index and the join facts (a few short fields per resource, never a
// resource), not by file size. Files of other resource types are listed in the report and skipped.
import { fhirRow, type FhirContext } from '../../core/formats/fhir/contract-rows.js';
import { FhirExportIndex } from '../../core/formats/fhir/export-index.js';
import { JoinFacts } from '../../core/formats/fhir/join-facts.js';
import { asObject, asString } from '../../core/formats/fhir/json.js';
import { ENTITY_TYPES, JOIN_TYPES, isJoinType, typeOfFile } from '../../core/formats/fhir/resource-types.js';
import { PipelineError } from '../../core/errors.js';
import type { BlobStore } from '../../ports.js';
import { ENTITIES, type Entity, type SourceReport } from '../run-state.js';
import { recordOf, unreadable, type EntityInput, type InputRecord, type StrayLine } from './input-record.js';
import { describe } from './manifest.js';
import { readLines } from './text-lines.js';

export interface FhirInput {
  entity(entity: Entity): EntityInput;
  report(): SourceReport;
}

const ENTITY_TYPE_NAMES = new Set(Object.values(ENTITY_TYPES));

export async function openFhirInput(store: BlobStore, keys: readonly string[], stray: (line: StrayLine) => Promise<void>): Promise<FhirInput> {
  const byType = new Map<string, string[]>();
  const skippedTypes: Record<string, number> = {};
  for (const key of [...keys].sort()) {
    const type = typeOfFile(key) ?? '(no resource type in the file name)';
    if (ENTITY_TYPE_NAMES.has(type) || isJoinType(type)) byType.set(type, [...(byType.get(type) ?? []), key]);
    else skippedTypes[type] = (skippedTypes[type] ?? 0) + 1;
  }
  if (![...ENTITY_TYPE_NAMES].some((t) => byType.has(t))) {
    throw new PipelineError('BLOB_NOT_FOUND', `the FHIR export has no Patient, Practitioner or Encounter NDJSON files (found: ${keys.map((k) => k.slice(k.lastIndexOf('/') + 1)).join(', ') || 'none'})`, 'a Bulk Data export names each file after its resource type, e.g. Patient.000.ndjson');
  }
  const fileKeys = [...ENTITY_TYPE_NAMES, ...JOIN_TYPES].flatMap((t) => byType.get(t) ?? []);
  const fileIndex = new Map(fileKeys.map((k, i) => [k, i]));
  const index = new FhirExportIndex(fileKeys.map((k) => describe(store, k)));
  const joins = new JoinFacts(index);
  const lineCounts = new Map<string, number>();
  let strayLines = 0;

  /** Every line of a file, parsed; the callback gets the parsed value, or the parse error's message. */
  const eachLine = async (key: string, fn: (line: number, text: string, json: unknown, error?: string) => Promise<void> | void) => {
    let last = 0;
    for await (const { line, text } of readLines(await store.get(key))) {
      last = line;
      let json: unknown;
      let error: string | undefined;
      try {
        json = JSON.parse(text);
      } catch (e) {
        error = (e as Error).message;
      }
      await fn(line, text, json, error);
    }
    lineCounts.set(key, last);
  };

  for (const type of ENTITY_TYPE_NAMES) {
    for (const key of byType.get(type) ?? []) {
      await eachLine(key, (line, _text, json) => {
        const r = asObject(json);
        if (r && asString(r['resourceType']) === type) index.observe(type, r, { file: fileIndex.get(key)!, line });
      });
    }
  }
  for (const type of JOIN_TYPES) {
    for (const key of byType.get(type) ?? []) {
      await eachLine(key, async (line, text, json, error) => {
        const r = asObject(json);
        const problem = error !== undefined ? `not valid JSON: ${error}`
          : !r ? 'the line is JSON but not a FHIR resource (an object)'
          : asString(r['resourceType']) !== type ? `resourceType ${asString(r['resourceType']) ?? '(none)'} in a ${type} file`
          : asString(r['id']) === undefined ? `${type} has no id` : undefined;
        if (problem === undefined) return joins.observe(type, r!, { file: fileIndex.get(key)!, line });
        strayLines++;
        await stray({ origin: { file: describe(store, key), line, sourceLine: line }, kind: type, reason: problem, raw: text });
      });
    }
  }
  joins.finish();
  const ctx: FhirContext = { index, joins };

  const filesOf = (entity: Entity) => {
    let offset = 0;
    return (byType.get(ENTITY_TYPES[entity]) ?? []).map((key) => {
      const lineOffset = offset;
      offset += lineCounts.get(key) ?? 0;
      return { key, file: describe(store, key), lineOffset };
    });
  };

  async function* records(entity: Entity): AsyncGenerator<InputRecord> {
    for (const { key, file, lineOffset } of filesOf(entity)) {
      for await (const { line, text } of readLines(await store.get(key))) {
        const origin = { file, line, sourceLine: lineOffset + line };
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (e) {
          yield unreadable(origin, text, `not valid JSON: ${(e as Error).message}`);
          continue;
        }
        yield recordOf(fhirRow(entity, json, { file: fileIndex.get(key)!, line }, ctx), origin, text);
      }
    }
  }

  return {
    entity: (entity) => ({ records: records(entity), extraColumns: () => [] }),
    report: () => ({
      format: 'fhir',
      files: Object.fromEntries(ENTITIES.map((e) => [e, filesOf(e).map(({ file, lineOffset }) => ({ file, lineOffset }))])),
      skippedTypes,
      notInExport: index.tally.notInExport,
      unresolved: index.tally.unresolved,
      notRecorded: index.tally.notRecorded,
      excludedJoins: joins.excluded,
      unallocatedClaims: joins.unallocatedClaims,
      strayLines,
    }),
  };
}
