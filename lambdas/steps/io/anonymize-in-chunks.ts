// One contract CSV file anonymised in record-aligned chunks (core/chunks/plan-chunks.ts): planned in
// one pass, run through the step's chunk runner (worker threads offline, one chunk after another in
// this thread otherwise), one clean part per chunk, counts summed and quarantine lines appended in
// chunk order. The parts and the quarantine are the same bytes whatever the chunk size and the number
// of threads (test/steps/anonymize-chunks.test.ts).
import { DEFAULT_ROWS_PER_CHUNK } from '../../core/chunks/plan-chunks.js';
import { normaliseColumn } from '../../core/contract/input-contract.js';
import type { Progress } from '../../ports.js';
import { inThreadRunner, type ChunkJob } from '../chunk-runner.js';
import type { Entity, EntityCounts, StepDeps } from '../run-state.js';
import { ANONYMIZE_CHUNK_JOB, anonymizeChunk, type AnonymizeChunkInput, type AnonymizeChunkOutput } from './anonymize-chunk.js';
import type { ToolsSpec } from './anonymize-tools.js';
import { planCsvChunks } from './csv-chunks.js';
import { checkedHeader } from './csv-inputs.js';
import type { FastCsvSink } from './fast-csv-sink.js';
import { cleanPartKey } from './keys.js';
import { describe } from './manifest.js';

export interface ChunkedFile {
  entity: Entity;
  /** The file's key in landing. */
  key: string;
  runId: string;
  tools: ToolsSpec;
  quarantine: FastCsvSink;
}

export interface ChunkedResult {
  counts: EntityCounts;
  parts: string[];
  extraColumns: string[];
  /** The file as quarantine rows and the source report name it. */
  file: string;
}

type Deps = Pick<StepDeps, 'landing' | 'clean' | 'chunks' | 'config'> & { progress: Progress };

/** Undefined when the file cannot be split here (UTF-16): the caller reads it whole. */
export async function anonymizeInChunks(deps: Deps, f: ChunkedFile): Promise<ChunkedResult | undefined> {
  const plan = await planCsvChunks(deps.landing, f.key, { rowsPerChunk: deps.config.rowsPerChunk ?? DEFAULT_ROWS_PER_CHUNK });
  if (plan.kind === 'whole') return undefined;
  const file = describe(deps.landing, f.key);
  const extraColumns = checkedHeader(f.entity, plan.header.map(normaliseColumn), file);
  const inputs: AnonymizeChunkInput[] = plan.chunks.map((chunk) => ({
    entity: f.entity,
    key: f.key,
    file,
    plan: { header: plan.header, recordDelimiter: plan.recordDelimiter },
    chunk,
    partKey: cleanPartKey(f.runId, f.entity, chunk.index),
    runId: f.runId,
    tools: f.tools,
    ...(deps.chunks ? { stores: deps.chunks.stores } : {}),
  }));
  const label = `anonymize ${f.entity}`;
  deps.progress.start(label, plan.rows);
  // A file of one chunk is not worth a thread.
  const outputs = deps.chunks && inputs.length > 1
    ? await deps.chunks.runner.run(ANONYMIZE_CHUNK, inputs, describeChunk)
    : await inThreadRunner.run(inThread(deps), inputs, describeChunk);
  const counts: EntityCounts = { read: 0, clean: 0, quarantined: 0 };
  for (const out of outputs) {
    counts.read += out.counts.read;
    counts.clean += out.counts.clean;
    counts.quarantined += out.counts.quarantined;
    if (out.counts.excluded) counts.excluded = (counts.excluded ?? 0) + out.counts.excluded;
    if (out.quarantine) await f.quarantine.writeLines(out.quarantine);
  }
  deps.progress.done(label, `${counts.clean} clean, ${counts.quarantined} quarantined, ${outputs.length} part${outputs.length === 1 ? '' : 's'}`);
  return { counts, parts: inputs.map((i) => i.partKey), extraColumns, file };
}

/** The job as the worker threads know it (by name; they open their own stores). */
const ANONYMIZE_CHUNK: ChunkJob<AnonymizeChunkInput, AnonymizeChunkOutput> = {
  name: ANONYMIZE_CHUNK_JOB,
  run: () => {
    throw new Error('anonymize-chunk runs in a worker thread, which opens its own stores');
  },
};

const inThread = (deps: Deps): ChunkJob<AnonymizeChunkInput, AnonymizeChunkOutput> => ({
  name: ANONYMIZE_CHUNK_JOB,
  run: (input) => anonymizeChunk({ landing: deps.landing, clean: deps.clean }, input),
});

const describeChunk = (input: AnonymizeChunkInput): string =>
  `${input.file} rows from line ${input.chunk.firstLine} (chunk ${input.chunk.index})`;
