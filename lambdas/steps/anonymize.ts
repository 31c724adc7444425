// Step 2: stream every raw row through validation and anonymisation. Clean rows go to the clean store;
// rejected rows go, raw and with their file, line, field and reason, to the quarantine store. The
// batch's format (contract v1 CSV, mapped CSV, FHIR Bulk Data) is chosen by io/batch-input.ts. The
// contract's files (the format at scale) are anonymised in record-aligned chunks, in parallel where the
// deps give a chunk runner, one clean part per chunk (io/anonymize-in-chunks.ts); the other formats
// are read whole, one part per entity.
import { QUARANTINE_COLUMNS } from '../core/contract/clean-contract.js';
import { PipelineError } from '../core/errors.js';
import { DEFAULT_VOCABULARIES } from '../core/vocabulary/vocabulary.js';
import { ENTITIES, type AnonymizeOutput, type Entity, type EntityCounts, type RunState, type SourceReport, type Step, type StepDeps } from './run-state.js';
import { openBatchInput } from './io/batch-input.js';
import { anonymizeFilesInChunks, countVocabularyInChunks, planContractFiles } from './io/anonymize-in-chunks.js';
import { anonymizePlannedChunk, mergeFannedOut, planFanOut, type MergedChunks } from './io/anonymize-fan-out.js';
import { anonymizeTools, type ToolsSpec } from './io/anonymize-tools.js';
import { openFastCsvSink } from './io/fast-csv-sink.js';
import { anonymizeRecords } from './io/anonymize-records.js';
import { countVocabulary } from './io/vocabulary-census.js';
import { cleanKey, quarantineKey } from './io/keys.js';
import { describe, readManifest } from './io/manifest.js';

export const anonymize: Step = async (deps, state) => {
  // One item of the cloud's Distributed Map: its chunk only (io/anonymize-fan-out.ts).
  if (state.chunk) {
    return { runId: state.runId, batchPrefix: state.batchPrefix, asOf: state.asOf, chunkDone: await anonymizePlannedChunk(deps, state, await readKeyChain(deps)) };
  }
  const started = deps.now();
  if (state.chunkResults) return mergeChunks(deps, state, started);
  const manifest = await readManifest(deps.landing, state.batchPrefix);
  // The batch's own date, when its manifest gives one, outranks the date the run was started with.
  state = { ...state, asOf: manifest.asOf ?? state.asOf };

  const keyChain = await readKeyChain(deps);
  // First pass: which free-text values outside the vocabularies enough patients share to be stored.
  // It reads the batch through its format like the second pass does (its stray lines are the second
  // pass's to quarantine); the contract's files are planned into chunks first, and their visits counted
  // chunk by chunk.
  const censusInput = await openBatchInput(deps.landing, state, manifest, async () => {});
  const planned = await planContractFiles(deps, Object.fromEntries(ENTITIES.map((e) => [e, censusInput.contractFiles?.[e]])));
  const censusOptions = { vocabularies: DEFAULT_VOCABULARIES, k: deps.config.privacy.k };
  const census = planned.visits
    ? await countVocabularyInChunks(deps, censusInput.entity('providers').records, planned.visits, censusOptions)
    : await countVocabulary(async (entity) => censusInput.entity(entity).records, censusOptions);
  const toolsSpec: ToolsSpec = { keyChain, privacy: deps.config.privacy, asOf: state.asOf, kept: census.keptValues() };
  // In the cloud a batch of several chunks is handed to the Distributed Map, one Lambda per chunk.
  if (deps.fanOut) {
    const chunks = await planFanOut(deps, { runId: state.runId, planned, tools: toolsSpec, format: censusInput.format });
    if (chunks) return { ...state, chunks };
  }
  const tools = anonymizeTools(toolsSpec);
  // The notice goes first, so a quarantine file never exists without it, even after a failed run.
  await deps.quarantine.put(quarantineNoticeKey(state.runId), quarantineNotice(state.runId), 'text/plain');
  const quarantine = openFastCsvSink(deps.quarantine, quarantineKey(state.runId), QUARANTINE_COLUMNS);
  const counts = {} as Record<Entity, EntityCounts>;
  const extraColumns: AnonymizeOutput['extraColumns'] = {};
  const clean = {} as Record<Entity, string[]>;
  let source: SourceReport;
  try {
    // Lines that belong to no entity (a FHIR Condition that is not JSON) are quarantined as they come.
    const input = await openBatchInput(deps.landing, state, manifest, async (stray) => {
      await quarantine.write({ run_id: state.runId, file: stray.origin.file, line: stray.origin.line, entity: stray.kind, field: '', reason: stray.reason, raw: stray.raw });
    });
    const plannedFiles = ENTITIES.flatMap((e) => (planned[e] ? [planned[e]] : []));
    const chunked = await anonymizeFilesInChunks(deps, plannedFiles, { runId: state.runId, tools: toolsSpec });
    for (const entity of ENTITIES) {
      const plan = planned[entity];
      let extra: string[];
      if (plan) {
        const done = chunked[plannedFiles.indexOf(plan)]!;
        ({ counts: counts[entity], parts: clean[entity] } = done);
        for (const lines of done.quarantine) await quarantine.writeLines(lines);
        extra = plan.extraColumns;
      } else {
        const whole = cleanKey(state.runId, entity);
        clean[entity] = [whole];
        const entityInput = input.entity(entity);
        counts[entity] = await anonymizeRecords({ entity, input: entityInput, clean: deps.clean, cleanKey: whole, tools, quarantine, runId: state.runId, progress: deps.progress });
        extra = entityInput.extraColumns();
      }
      if (extra.length) extraColumns[entity] = extra;
    }
    source = input.report();
    for (const plan of Object.values(planned)) source.files[plan.entity] = [{ file: plan.file, lineOffset: 0 }];
  } finally {
    await quarantine.close();
    // The step's chunks are done: its threads stop now (a later run starts new ones), not after the
    // runner's idle time, which let their heaps (~60 MB each at 400k patients) into the load step.
    await deps.chunks?.runner.close();
  }
  return finish(deps, state, { clean, quarantine: quarantineKey(state.runId), counts, extraColumns, source, ms: deps.now() - started });
};

/** The Distributed Map's chunk results into the output one invocation would have made. */
async function mergeChunks(deps: StepDeps, state: RunState, started: number): Promise<RunState> {
  const { chunks: _planned, chunkResults: _results, ...rest } = state;
  await deps.quarantine.put(quarantineNoticeKey(state.runId), quarantineNotice(state.runId), 'text/plain');
  const quarantine = openFastCsvSink(deps.quarantine, quarantineKey(state.runId), QUARANTINE_COLUMNS);
  let merged: MergedChunks;
  try {
    merged = await mergeFannedOut(deps, state, quarantine);
  } finally {
    await quarantine.close();
  }
  const files = Object.fromEntries(ENTITIES.map((e) => [e, [{ file: merged.files[e], lineOffset: 0 }]]));
  return finish(deps, rest, {
    clean: merged.clean,
    quarantine: quarantineKey(state.runId),
    counts: merged.counts,
    extraColumns: merged.extraColumns,
    source: { format: merged.format, files },
    ms: deps.now() - started,
  });
}

/** Refuses a batch over the reject threshold or with no rows; otherwise the step's output. */
function finish(deps: StepDeps, state: RunState, anonymized: AnonymizeOutput & { source: SourceReport }): RunState {
  assertRejectShare(anonymized.counts, deps.config.maxRejectedShare, describe(deps.quarantine, anonymized.quarantine));
  assertNotEmpty(anonymized.counts, anonymized.source);
  return { ...state, anonymized };
}

const readKeyChain = async (deps: StepDeps): Promise<Uint8Array[]> => [...(deps.keys.keyChain ? await deps.keys.keyChain() : [await deps.keys.pseudonymKey()])];

/** Beside each quarantine file: what it holds and how it must be handled (see PRIVACY.md). */
const quarantineNoticeKey = (runId: string): string => quarantineKey(runId).replace(/[^/]+$/, 'README.txt');

const quarantineNotice = (runId: string): string =>
  [
    `Quarantine for run ${runId}`,
    '',
    'RESTRICTED: quarantine.csv in this folder holds RAW, IDENTIFIABLE input rows (names, phone numbers,',
    'addresses, dates of birth, record ids) exactly as they arrived, with the reason each was rejected.',
    'They were never pseudonymised. Treat this folder like the landing store:',
    '- access only for the data engineers who fix and resubmit rejected rows; every access is logged;',
    '- short retention: delete after the batch is corrected or at the bucket lifecycle (days, not months);',
    '- never copy these rows into the warehouse, tickets, chat or logs.',
    'See PRIVACY.md, "Landing and quarantine".',
    '',
  ].join('\n');

/** A batch with no rows at all would load nothing and publish the same release again: never a success. */
function assertNotEmpty(counts: Record<Entity, EntityCounts>, source: SourceReport): void {
  if (ENTITIES.some((e) => counts[e].read > 0)) return;
  const files = ENTITIES.flatMap((e) => (source.files[e] ?? []).map((f) => f.file));
  throw new PipelineError(
    'EMPTY_BATCH',
    `the batch has no rows: ${files.length ? files.join(', ') : 'no input file'} ${files.length === 1 ? 'holds' : 'hold'} no records`,
    'check that the export wrote its rows, then drop the batch again',
  );
}

/** Rows left out by rule (superseded versions, cancelled encounters) are expected, not a sign of a broken export. */
function assertRejectShare(counts: Record<Entity, EntityCounts>, maxShare: number, where: string): void {
  for (const entity of ENTITIES) {
    const c = counts[entity];
    const rejected = c.quarantined - (c.excluded ?? 0);
    if (c.read > 0 && rejected / c.read > maxShare) {
      throw new PipelineError(
        'REJECT_THRESHOLD',
        `${entity}: ${rejected} of ${c.read} rows rejected (${((100 * rejected) / c.read).toFixed(1)}%), over the ${(100 * maxShare).toFixed(0)}% limit; nothing was loaded`,
        `see the quarantine file ${where} for the reasons, or raise MAX_REJECTED_SHARE`,
      );
    }
  }
}
