// Anonymize across Lambdas, for the cloud's Distributed Map (infra/constructs/pipeline-state-machine.ts):
// - plan: every contract file's record-aligned chunks go into a plan object in the clean store (never
//   the key: each chunk's Lambda reads it from its own key provider); the step returns the chunk list;
// - chunk: one invocation per chunk anonymises it into its clean part, and its rejected rows into a
//   quarantine part beside the run's quarantine file;
// - merge: the step, called again with every chunk's result, checks that each planned chunk reported
//   exactly once, appends the quarantine parts in plan order and sums the counts, so the run ends with
//   the same files and counts one invocation would have written.
import { PipelineError } from '../../core/errors.js';
import type { InputFormat } from '../../core/formats/input-format.js';
import type { BlobStore } from '../../ports.js';
import { ENTITIES, type ChunkDone, type ChunkItem, type Entity, type EntityCounts, type RunState, type StepDeps } from '../run-state.js';
import { anonymizeChunk, type AnonymizeChunkInput } from './anonymize-chunk.js';
import { chunkInputs, sumCounts, type PlannedFile } from './anonymize-in-chunks.js';
import type { ToolsSpec } from './anonymize-tools.js';
import type { FastCsvSink } from './fast-csv-sink.js';
import { readText } from './read-text.js';

type PlannedChunk = Omit<AnonymizeChunkInput, 'tools' | 'stores'>;

interface FanOutPlan {
  format: InputFormat;
  /** The batch-wide tools, without the key chain. */
  tools: Omit<ToolsSpec, 'keyChain'>;
  files: Record<Entity, { file: string; extraColumns: string[]; chunks: PlannedChunk[] }>;
}

export interface MergedChunks {
  clean: Record<Entity, string[]>;
  counts: Record<Entity, EntityCounts>;
  extraColumns: Partial<Record<Entity, string[]>>;
  files: Record<Entity, string>;
  format: InputFormat;
}

const planKey = (runId: string): string => `runs/${runId}/anonymize-plan.json`;
const quarantinePartKey = (runId: string, item: ChunkItem): string =>
  `runs/${runId}/quarantine-parts/${item.entity}-${String(item.index).padStart(5, '0')}.csv`;

/**
 * Writes the plan of the batch's contract files; undefined (anonymise here) when a file could not be
 * planned (not contract CSV, or UTF-16) or the whole batch is one chunk per file, which one invocation
 * handles as fast as the map would.
 */
export async function planFanOut(
  deps: Pick<StepDeps, 'clean'>,
  a: { runId: string; planned: Partial<Record<Entity, PlannedFile>>; tools: ToolsSpec; format: InputFormat },
): Promise<ChunkItem[] | undefined> {
  const { keyChain: _secret, ...tools } = a.tools;
  const files = {} as FanOutPlan['files'];
  for (const entity of ENTITIES) {
    const planned = a.planned[entity];
    if (!planned) return undefined;
    const chunks = chunkInputs({}, planned, { runId: a.runId, tools: a.tools }).map(({ tools: _t, stores: _s, ...chunk }) => chunk);
    files[entity] = { file: planned.file, extraColumns: planned.extraColumns, chunks };
  }
  const items = ENTITIES.flatMap((entity) => files[entity].chunks.map((_, index) => ({ entity, index })));
  if (items.length <= ENTITIES.length) return undefined;
  const plan: FanOutPlan = { format: a.format, tools, files };
  await deps.clean.put(planKey(a.runId), JSON.stringify(plan), 'application/json');
  return items;
}

/** One Distributed Map item: its chunk into its clean part; what it did, for the merge. */
export async function anonymizePlannedChunk(deps: Pick<StepDeps, 'landing' | 'clean' | 'quarantine'>, state: RunState, keyChain: Uint8Array[]): Promise<ChunkDone> {
  const item = state.chunk!;
  const plan = await readPlan(deps.clean, state.runId);
  const planned = plan.files[item.entity]?.chunks[item.index];
  if (!planned) {
    throw new PipelineError('BAD_INPUT', `run ${state.runId}: chunk ${item.index} of ${item.entity} is not in the run's anonymize plan (${planKey(state.runId)})`, 'start the run again: its plan and its chunk list disagree');
  }
  const out = await anonymizeChunk({ landing: deps.landing, clean: deps.clean }, { ...planned, tools: { ...plan.tools, keyChain } });
  const done: ChunkDone = { ...item, counts: out.counts };
  if (out.quarantine) {
    done.quarantinePart = quarantinePartKey(state.runId, item);
    await deps.quarantine.put(done.quarantinePart, out.quarantine, 'text/csv');
  }
  return done;
}

/** Every planned chunk's result, exactly once, merged in plan order; the quarantine parts appended to `quarantine`. */
export async function mergeFannedOut(deps: Pick<StepDeps, 'clean' | 'quarantine'>, state: RunState, quarantine: FastCsvSink): Promise<MergedChunks> {
  const plan = await readPlan(deps.clean, state.runId);
  const results = new Map<string, ChunkDone>();
  for (const r of state.chunkResults ?? []) {
    const done = r.chunkDone;
    if (!done) throw new PipelineError('BAD_INPUT', `run ${state.runId}: a chunk result carries no chunkDone`, 'the Distributed Map must pass each chunk invocation\'s output through unchanged');
    const id = `${done.entity}#${done.index}`;
    if (results.has(id)) throw new PipelineError('BAD_INPUT', `run ${state.runId}: chunk ${done.index} of ${done.entity} reported twice`, 'start the run again');
    results.set(id, done);
  }
  const merged: MergedChunks = { clean: {} as MergedChunks['clean'], counts: {} as MergedChunks['counts'], extraColumns: {}, files: {} as MergedChunks['files'], format: plan.format };
  for (const entity of ENTITIES) {
    const { file, extraColumns, chunks } = plan.files[entity];
    const done = chunks.map((_, index) => {
      const r = results.get(`${entity}#${index}`);
      // A chunk that never reported would be rows silently lost: never merge around it.
      if (!r) throw new PipelineError('BAD_INPUT', `run ${state.runId}: chunk ${index} of ${entity} (${file}) has no result; nothing was merged`, 'redrive the execution so the map runs the missing chunk');
      return r;
    });
    for (const r of done) if (r.quarantinePart) await quarantine.writeLines(await readText(deps.quarantine, r.quarantinePart));
    merged.clean[entity] = chunks.map((c) => c.partKey);
    merged.counts[entity] = sumCounts(done.map((r) => r.counts));
    merged.files[entity] = file;
    if (extraColumns.length) merged.extraColumns[entity] = extraColumns;
  }
  if (results.size !== ENTITIES.reduce((n, e) => n + plan.files[e].chunks.length, 0)) {
    throw new PipelineError('BAD_INPUT', `run ${state.runId}: ${results.size} chunk results for a plan of fewer chunks`, 'start the run again');
  }
  return merged;
}

async function readPlan(clean: BlobStore, runId: string): Promise<FanOutPlan> {
  return JSON.parse(await readText(clean, planKey(runId))) as FanOutPlan;
}
