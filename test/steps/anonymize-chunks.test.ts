// The anonymize step's chunks: a contract CSV file split into record-aligned chunks, anonymised by 1 or
// 2 worker threads, or fanned out over the state machine's Distributed Map as the cloud runs it, gives
// clean parts whose rows, read in order, are the same bytes whatever the chunk size, thread count or
// fan-out, and the same quarantine file, with the whole file's line numbers.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_COLUMNS } from '../../lambdas/core/contract/clean-contract.js';
import { defaultConfig } from '../../lambdas/core/config.js';
import { silentLogger, silentProgress } from '../../lambdas/ports.js';
import type { ThreadChunkRunner } from '../../lambdas/adapters/workers/thread-chunk-runner.js';
import { anonymize } from '../../lambdas/steps/index.js';
import { quarantineKey } from '../../lambdas/steps/io/keys.js';
import { ENTITIES, type Entity, type RunState, type StepDeps } from '../../lambdas/steps/run-state.js';
import { runLocalStateMachine } from '../../local/harness/run.js';
import { synthesizeDefinition } from '../../local/harness/synthesize.js';
import { buildLocalDeps } from '../../local/pipeline/local-deps.js';
import { TEST_KEY } from '../helpers/run-pipeline.js';

const FIXTURES = join(import.meta.dirname, '../fixtures');
/** Whole files in one chunk; chunks of a few rows, split among threads or not. */
const SETUPS = [
  { workers: 1, rowsPerChunk: 1_000_000 },
  { workers: 1, rowsPerChunk: 3 },
  { workers: 2, rowsPerChunk: 3 },
  { workers: 2, rowsPerChunk: 7 },
  { workers: 1, rowsPerChunk: 3, fanOut: true },
] as const;

type Setup = { workers: number; rowsPerChunk: number; fanOut?: boolean };

/** The step alone, or inside the deployed definition (plan, the map's chunk items, merge) as the cloud runs it. */
async function runAnonymize(deps: StepDeps, setup: Setup, input: RunState): Promise<RunState> {
  if (!setup.fanOut) return anonymize(deps, input);
  const fanned = { ...deps, fanOut: true };
  const calls: string[] = [];
  const pass = async (s: RunState) => s;
  const result = await runLocalStateMachine(synthesizeDefinition(), {
    anonymize: (s) => (calls.push(s.chunk ? 'chunk' : s.chunkResults ? 'merge' : 'plan'), anonymize(fanned, s)),
    generate: pass, load: pass, transform: pass, privatize: pass,
  }, input);
  expect(result.status).toBe('SUCCEEDED');
  // More than one chunk per file: it really went through the map.
  expect(calls.filter((c) => c === 'chunk').length).toBeGreaterThan(3);
  expect(calls.filter((c) => c !== 'chunk')).toEqual(['plan', 'merge']);
  return result.output as RunState;
}

interface Outcome {
  parts: Record<Entity, number>;
  /** Per entity: the parts' rows in order, under one header. */
  rows: Record<Entity, string>;
  quarantine: string;
  counts: unknown;
  /** The deps' anonymize threads still running when the step has returned. */
  threadsAfter: number;
}

async function anonymizeWith(landingDir: string, setup: Setup): Promise<Outcome> {
  const workDir = await mkdtemp(join(tmpdir(), 'anonymize-chunks-'));
  const deps = buildLocalDeps({
    workDir,
    landingDir,
    // The bad batch is mostly bad on purpose: nothing here is about the reject threshold.
    config: { ...defaultConfig, maxRejectedShare: 1, rowsPerChunk: setup.rowsPerChunk },
    workers: setup.workers,
    progress: silentProgress,
    logger: silentLogger,
    pseudonymKey: TEST_KEY,
  });
  try {
    const state = await runAnonymize(deps, setup, { runId: 'chunks', batchPrefix: '', asOf: '2025-12-31' });
    const threadsAfter = deps.chunks ? (deps.chunks.runner as ThreadChunkRunner).threads : 0;
    expect(state).not.toHaveProperty('chunks');
    const out = { parts: {}, rows: {}, quarantine: await readFile(join(workDir, 'quarantine', quarantineKey('chunks')), 'utf8'), counts: state.anonymized!.counts, threadsAfter } as Outcome;
    for (const entity of ENTITIES) {
      const keys = state.anonymized!.clean[entity];
      const texts = await Promise.all(keys.map((k) => readFile(join(workDir, 'clean', k), 'utf8')));
      const header = CLEAN_COLUMNS[entity].join(',') + '\n';
      for (const t of texts) expect(t.startsWith(header)).toBe(true);
      out.parts[entity] = keys.length;
      out.rows[entity] = header + texts.map((t) => t.slice(header.length)).join('');
    }
    return out;
  } finally {
    await deps.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

describe.each(['bad-batch', 'messy-export'])('Step: anonymize in chunks (%s)', (fixture) => {
  let outcomes: Outcome[];
  beforeAll(async () => {
    outcomes = [];
    for (const setup of SETUPS) outcomes.push(await anonymizeWith(join(FIXTURES, fixture), setup));
  });

  it('has stopped its threads when it returns', () => {
    // Prepare: the setups with 2 threads ran on them (a run on one chunk would use one).
    const threaded = SETUPS.flatMap((s, i) => (s.workers > 1 ? [outcomes[i]!] : []));
    // Assess
    expect(threaded.length).toBeGreaterThan(0);
    expect(threaded.map((o) => o.threadsAfter)).toEqual(threaded.map(() => 0));
  });

  it('splits the files into parts when the chunks are small', () => {
    expect(outcomes[0]!.parts).toEqual({ providers: 1, patients: 1, visits: 1 });
    expect(outcomes[1]!.parts.visits).toBeGreaterThan(1);
    expect(outcomes[2]!.parts).toEqual(outcomes[1]!.parts);
  });

  it.each(SETUPS.slice(1).map((s, i) => [s.workers, s.rowsPerChunk, 'fanOut' in s ? ', fanned out over the Distributed Map' : '', i + 1] as const))(
    'writes the same clean rows, quarantine and counts with %i thread(s) and %i rows per chunk%s as in one chunk',
    (_workers, _rows, _fan, index) => {
      const [whole, chunked] = [outcomes[0]!, outcomes[index]!];
      expect(chunked.rows).toEqual(whole.rows);
      expect(chunked.quarantine).toBe(whole.quarantine);
      expect(chunked.counts).toEqual(whole.counts);
    },
  );
});

describe('Step: anonymize in chunks, quarantine lines', () => {
  it('names the line of the whole file, not of the chunk', async () => {
    const out = await anonymizeWith(join(FIXTURES, 'messy-export'), { workers: 2, rowsPerChunk: 1 });
    // synthetic_patients.csv line 6 (after a BOM and CRLF lines) holds the impossible date 1999-02-30.
    expect(out.quarantine).toMatch(/synthetic_patients\.csv,6,patients,date_of_birth,/);
    expect(out.parts.patients).toBe(5);
  });
});

describe('Step: anonymize in chunks, the vocabulary census', () => {
  // Twelve patients; "Zebra fever" (outside the vocabulary) on six of them, one visit in four, so its
  // patients fall in different chunks; "Rare thing" on two. With k = 5 the first is kept as written and
  // the second pooled only if the census sees every chunk before any row is anonymised.
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anonymize-census-'));
    const patients = Array.from({ length: 12 }, (_, i) => `P${i},Name ${i},1980-01-0${(i % 9) + 1},F,,,,,MA,02116`);
    const visits = Array.from({ length: 24 }, (_, i) => {
      const diagnosis = i % 4 === 0 ? 'Zebra fever' : i === 3 || i === 7 ? 'Rare thing' : 'Hypertension';
      return `V${i},P${Math.floor(i / 2)},PR1,2025-01-15,Follow-up,${diagnosis},Consultation,10.00`;
    });
    await writeFile(join(dir, 'synthetic_providers.csv'), 'provider_id,provider_name,specialty\nPR1,Dr. One,Cardiology\n');
    await writeFile(join(dir, 'synthetic_patients.csv'), ['patient_id,patient_name,date_of_birth,gender,phone,email,address,city,state,zip_code', ...patients, ''].join('\n'));
    await writeFile(join(dir, 'synthetic_visits.csv'), ['visit_id,patient_id,provider_id,visit_date,visit_type,diagnosis,procedure_performed,cost', ...visits, ''].join('\n'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps a value k patients share across chunks, pools a rarer one, as one pass does', async () => {
    const whole = await anonymizeWith(dir, { workers: 1, rowsPerChunk: 1_000_000 });
    expect(whole.rows.visits).toContain(',Zebra fever,');
    expect(whole.rows.visits).not.toContain('Rare thing');
    for (const setup of [{ workers: 1, rowsPerChunk: 2 }, { workers: 2, rowsPerChunk: 3 }]) {
      const chunked = await anonymizeWith(dir, setup);
      expect(chunked.parts.visits).toBeGreaterThan(4);
      expect(chunked.rows).toEqual(whole.rows);
    }
  });
});
