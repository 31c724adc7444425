// The contract's CSV files in record-aligned chunks (core/chunks/plan-chunks.ts): each file planned in
// one pass (in parallel, on the chunk runner: io/plan-file.ts), then the visits counted for the vocabulary census chunk by chunk (merged in order), then
// every file anonymised chunk by chunk into one clean part per chunk, counts summed and quarantine lines
// appended in chunk order. Chunks run on the step's chunk runner (worker threads offline) or one after
// another in this thread; the parts and the quarantine are the same bytes either way, whatever the
// chunk size (test/steps/anonymize-chunks.test.ts).
import { DEFAULT_ROWS_PER_CHUNK, type ChunkPlan, type CsvChunkPlan } from '../../core/chunks/plan-chunks.js';
import { normaliseColumn } from '../../core/contract/input-contract.js';
import { createVocabularyCensus, type CensusOptions, type VocabularyCensus } from '../../core/vocabulary/census.js';
import type { BlobStore, Progress } from '../../ports.js';
import { inThreadRunner, type ChunkJob } from '../chunk-runner.js';
import type { Entity, EntityCounts, StepDeps } from '../run-state.js';
import { ANONYMIZE_CHUNK_JOB, anonymizeChunk, type AnonymizeChunkInput } from './anonymize-chunk.js';
import type { ToolsSpec } from './anonymize-tools.js';
import { CENSUS_CHUNK_JOB, censusChunk, type CensusChunkInput } from './census-chunk.js';
import { PLAN_FILE_JOB, planFile, type PlanFileInput } from './plan-file.js';
import { checkedHeader } from './csv-inputs.js';
import type { FastCsvSink } from './fast-csv-sink.js';
import type { InputRecord } from './input-record.js';
import { cleanPartKey } from './keys.js';
import { describe } from './manifest.js';

type Deps = Pick<StepDeps, 'landing' | 'clean' | 'chunks' | 'config'> & { progress: Progress };

/** A contract file planned into chunks, its header checked. */
export interface PlannedFile {
  entity: Entity;
  key: string;
  /** The file as quarantine rows and the source report name it. */
  file: string;
  plan: CsvChunkPlan;
  extraColumns: string[];
}

/**
 * Files smaller than this together are planned in this thread even when the deps have threads: the
 * threads would start for the plans alone (a file of one chunk is anonymised here), and starting two
 * costs about 160 ms of CPU (each loads the worker bundle), when planning 32 MiB here takes about 50 ms
 * and leaves that much of dead read buffers, against the ~70 MB at 400k patients that sent plans to
 * the threads.
 */
export const PLAN_HERE_BELOW_BYTES = 32 << 20;

/**
 * The contract files planned, their headers checked in entity order; a file that cannot be split here
 * (UTF-16) is left out: the caller reads it whole.
 */
export async function planContractFiles(deps: Deps, keys: Partial<Record<Entity, string>>): Promise<Partial<Record<Entity, PlannedFile>>> {
  const entities = (Object.keys(keys) as Entity[]).filter((e) => keys[e] !== undefined);
  const rowsPerChunk = deps.config.rowsPerChunk ?? DEFAULT_ROWS_PER_CHUNK;
  const inputs: PlanFileInput[] = entities.map((e) => ({ key: keys[e]!, file: describe(deps.landing, keys[e]!), rowsPerChunk, ...storesOf(deps) }));
  const plans: ChunkPlan[] = [];
  if (deps.chunks && inputs.length > 1 && !(await smallerThan(deps.landing, inputs, PLAN_HERE_BELOW_BYTES))) plans.push(...(await deps.chunks.runner.run(threadOnly<PlanFileInput, ChunkPlan>(PLAN_FILE_JOB), inputs, (input) => `${input.file} (planning its chunks)`)));
  else for (const input of inputs) plans.push(await planFile(deps.landing, input));
  const planned: Partial<Record<Entity, PlannedFile>> = {};
  for (const [i, entity] of entities.entries()) {
    const plan = plans[i]!;
    if (plan.kind === 'whole') continue;
    const { key, file } = inputs[i]!;
    planned[entity] = { entity, key, file, plan, extraColumns: checkedHeader(entity, plan.header.map(normaliseColumn), file) };
  }
  return planned;
}

/** The census over the providers (read here: a small file) and the visits' chunks, merged in chunk order. */
export async function countVocabularyInChunks(deps: Deps, providers: AsyncIterable<InputRecord>, visits: PlannedFile, o: CensusOptions): Promise<VocabularyCensus> {
  const census = createVocabularyCensus(o);
  const seen: [string, string | undefined][] = [];
  for await (const r of providers) {
    const id = r.kind === 'row' ? r.values['provider_id'] : undefined;
    if (r.kind !== 'row' || id === undefined) continue;
    census.addProvider(id, r.values['specialty']);
    seen.push([id, r.values['specialty']]);
  }
  const inputs: CensusChunkInput[] = visits.plan.chunks.map((chunk) => ({ ...chunkOf(deps, visits), chunk, k: o.k, providers: seen }));
  const outputs = await runChunks(deps, CENSUS_CHUNK_JOB, (stores, input: CensusChunkInput) => censusChunk(stores.landing, input), inputs);
  for (const counted of outputs) census.merge(counted);
  return census;
}

export interface ChunkedResult {
  counts: EntityCounts;
  parts: string[];
}

/** Each chunk's job: where it reads, which clean part it writes, with which tools. */
export function chunkInputs(deps: Pick<Deps, 'chunks'>, f: PlannedFile, run: { runId: string; tools: ToolsSpec }): AnonymizeChunkInput[] {
  return f.plan.chunks.map((chunk) => ({
    ...chunkOf(deps, f),
    entity: f.entity,
    chunk,
    partKey: cleanPartKey(run.runId, f.entity, chunk.index),
    runId: run.runId,
    tools: run.tools,
  }));
}

/**
 * The planned files' chunks on the runner in one call, so a thread that finishes its file's last chunk
 * takes the next file's first instead of waiting for the other threads (five visit chunks on two threads
 * left one idle for a fifth of the visits). Returns each file's result in the files' order; each file's
 * quarantine lines are the caller's to write at that file's turn, so the quarantine keeps entity order.
 */
export async function anonymizeFilesInChunks(deps: Deps, files: readonly PlannedFile[], run: { runId: string; tools: ToolsSpec }): Promise<(ChunkedResult & { quarantine: string[] })[]> {
  const inputs = files.map((f) => chunkInputs(deps, f, run));
  for (const f of files) deps.progress.start(`anonymize ${f.entity}`, f.plan.rows);
  // Threads only when a file was split: a batch of one chunk per file stays in this thread, as before.
  const split = inputs.some((i) => i.length > 1);
  const outputs = await runChunks(deps, ANONYMIZE_CHUNK_JOB, anonymizeChunk, inputs.flat(), split);
  let at = 0;
  return files.map((f, i) => {
    const mine = outputs.slice(at, (at += inputs[i]!.length));
    const counts = sumCounts(mine.map((o) => o.counts));
    deps.progress.done(`anonymize ${f.entity}`, `${counts.clean} clean, ${counts.quarantined} quarantined, ${mine.length} part${mine.length === 1 ? '' : 's'}`);
    return { counts, parts: inputs[i]!.map((input) => input.partKey), quarantine: mine.flatMap((o) => (o.quarantine ? [o.quarantine] : [])) };
  });
}

/** Whether the files are known to be smaller than `bytes` together (a store that cannot tell: no). */
async function smallerThan(store: BlobStore, files: readonly { key: string }[], bytes: number): Promise<boolean> {
  if (!store.size) return false;
  let total = 0;
  for (const f of files) total += await store.size(f.key);
  return total < bytes;
}

/** A file's counts from its chunks' counts. */
export function sumCounts(parts: readonly EntityCounts[]): EntityCounts {
  const counts: EntityCounts = { read: 0, clean: 0, quarantined: 0 };
  for (const c of parts) {
    counts.read += c.read;
    counts.clean += c.clean;
    counts.quarantined += c.quarantined;
    if (c.excluded) counts.excluded = (counts.excluded ?? 0) + c.excluded;
  }
  return counts;
}

/** What every chunk of a file carries: where the file is and how a reader starts inside it. */
const chunkOf = (deps: Pick<Deps, 'chunks'>, f: PlannedFile) => ({
  key: f.key,
  file: f.file,
  plan: { header: f.plan.header, recordDelimiter: f.plan.recordDelimiter },
  ...storesOf(deps),
});

/** What a worker opens its stores from, when the deps run chunks on threads. */
const storesOf = (deps: Pick<Deps, 'chunks'>) => (deps.chunks ? { stores: deps.chunks.stores } : {});

/** A job the deps' runner knows by name and runs in its threads only. */
const threadOnly = <I, O>(name: string): ChunkJob<I, O> => ({ name, run: () => Promise.reject(new Error(`${name} runs in a worker thread`)) });

/**
 * Runs a job on every chunk: on the deps' runner (its threads know the job by name and open their own
 * stores), or here with the step's stores. A file of one chunk is not worth a thread.
 */
function runChunks<I extends { file: string; chunk: { index: number; firstLine: number } }, O>(
  deps: Deps,
  name: string,
  run: (stores: { landing: BlobStore; clean: BlobStore }, input: I) => Promise<O>,
  inputs: I[],
  onThreads = inputs.length > 1,
): Promise<O[]> {
  const describeChunk = (input: I): string => `${input.file} from line ${input.chunk.firstLine} (chunk ${input.chunk.index})`;
  if (deps.chunks && onThreads) return deps.chunks.runner.run(threadOnly<I, O>(name), inputs, describeChunk);
  return inThreadRunner.run({ name, run: (input) => run({ landing: deps.landing, clean: deps.clean }, input) }, inputs, describeChunk);
}
