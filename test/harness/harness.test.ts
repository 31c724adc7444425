// The offline harness runs the definition the CDK app synthesizes, so changing the app changes the run.
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../lambdas/core/errors.js';
import { memoryBatchLedger } from '../../lambdas/steps/batch-ledger.js';
import type { RunInput, RunState } from '../../lambdas/steps/run-state.js';
import { redrivePipelineLocally, runLocalStateMachine, runPipelineLocally, type LocalSteps } from '../../local/harness/index.js';
import { synthesizeDefinition } from '../../local/harness/synthesize.js';

const input: RunInput = { runId: 'run-1', batchPrefix: 'batches/b1/', asOf: '2025-06-30' };
const recordingSteps = (calls: string[] = []): LocalSteps => {
  const step = (name: string) => async (state: RunState) => {
    calls.push(name);
    return { ...state, [`${name}Done`]: true } as RunState;
  };
  return { generate: step('generate'), anonymize: step('anonymize'), load: step('load'), transform: step('transform'), privatize: step('privatize') };
};

describe('Function: synthesizeDefinition', () => {
  it('returns the deployed ASL with local Lambda ARNs, cached per props', () => {
    const definition = synthesizeDefinition();
    expect(synthesizeDefinition()).toEqual(definition);
    expect(definition.StartAt).toBe('FromS3Event');
    expect(definition.States.Anonymize).toMatchObject({ Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:anonymize' });
  });
});

describe('Function: runPipelineLocally', () => {
  it('runs register, the five steps in order and completes when asked to generate', async () => {
    const calls: string[] = [];
    const result = await runPipelineLocally(recordingSteps(calls), { ...input, generate: { patients: 5, providers: 2, seed: 1 } });
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['generate', 'anonymize', 'load', 'transform', 'privatize']);
    expect(result.invoked).toEqual(['ledger:register', 'generate', 'anonymize', 'load', 'transform', 'privatize', 'ledger:complete']);
    expect(result.output).toMatchObject({ runId: 'run-1', privatizeDone: true });
  });

  it('skips generate for a real drop', async () => {
    const calls: string[] = [];
    await runPipelineLocally(recordingSteps(calls), input);
    expect(calls).toEqual(['anonymize', 'load', 'transform', 'privatize']);
  });

  it('turns an S3 manifest event into runId, batchPrefix and asOf', async () => {
    const seen: RunState[] = [];
    const steps = { ...recordingSteps(), anonymize: async (s: RunState) => (seen.push(s), s) };
    await runLocalStateMachine(synthesizeDefinition(), steps, { runId: 'event-id', manifestKey: 'batches/2025-06-30-001/manifest.json', eventTime: '2025-06-30T08:00:00Z' }, { executionName: 'exec-42' });
    expect(seen[0]).toEqual({ runId: 'exec-42', batchPrefix: 'batches/2025-06-30-001/', asOf: '2025-06-30' });
  });

  it('retries a TransientError and carries on', async () => {
    let attempts = 0;
    const steps = {
      ...recordingSteps(),
      load: async (s: RunState) => {
        attempts += 1;
        if (attempts === 1) throw new PipelineError('DB_UNREACHABLE', 'resuming');
        return s;
      },
    };
    const result = await runPipelineLocally(steps, input);
    expect(result.status).toBe('SUCCEEDED');
    expect(attempts).toBe(2);
  });

  it('fails the execution at the failing step, and records the failure from its status change', async () => {
    const ledger = memoryBatchLedger();
    const steps = { ...recordingSteps(), transform: async () => Promise.reject(new PipelineError('DATA_TEST_FAILED', 'fact_visits_unique_visit_id: 3 rows')) };
    const result = await runPipelineLocally(steps, input, { ledger });
    expect(result.status).toBe('FAILED');
    expect(result.entered.at(-1)).toBe('Transform');
    expect(result.failedState).toEqual({ name: 'Transform', input: expect.objectContaining({ runId: 'run-1', anonymizeDone: true, loadDone: true }) });
    expect(result.error).toMatchObject({ Error: 'PipelineError', original: expect.any(PipelineError) });
    expect(result.invoked).toEqual(['ledger:register', 'anonymize', 'load', 'transform']);
    expect(ledger.entries.get('batches/b1/')).toMatchObject({ runId: 'run-1', status: 'failed' });
  });

  it('runs a batch once: a second run of the same batch ends as a duplicate', async () => {
    const ledger = memoryBatchLedger();
    const calls: string[] = [];
    await runPipelineLocally(recordingSteps(calls), input, { ledger });
    const second = await runPipelineLocally(recordingSteps(calls), { ...input, runId: 'run-2' }, { ledger });
    expect(second.status).toBe('SUCCEEDED');
    expect(second.entered).toContain('DuplicateBatchIgnored');
    expect(calls).toEqual(['anonymize', 'load', 'transform', 'privatize']);
  });
});

describe('Function: redrivePipelineLocally', () => {
  it('reruns only the failed step, with the input it had, then carries on to the end', async () => {
    const ledger = memoryBatchLedger();
    const calls: string[] = [];
    let failOnce = true;
    const steps = {
      ...recordingSteps(calls),
      transform: async (s: RunState) => {
        calls.push('transform');
        if (failOnce) {
          failOnce = false;
          throw new PipelineError('DB_FAILED', 'the transform Lambda died');
        }
        return { ...s, transformDone: true } as RunState;
      },
    };
    const failed = await runPipelineLocally(steps, input, { ledger });
    expect(failed.status).toBe('FAILED');
    const redriven = await redrivePipelineLocally(steps, failed, { ledger });
    expect(redriven.status).toBe('SUCCEEDED');
    expect(redriven.execution).toEqual({ name: 'run-1', input, redriveCount: 1 });
    expect(redriven.entered).toEqual(['Transform', 'Privatize', 'CompleteRun', 'RunSucceeded']);
    expect(calls).toEqual(['anonymize', 'load', 'transform', 'transform', 'privatize']);
    expect(redriven.output).toMatchObject({ runId: 'run-1', anonymizeDone: true, loadDone: true, transformDone: true, privatizeDone: true });
    expect(ledger.entries.get('batches/b1/')).toMatchObject({ runId: 'run-1', status: 'succeeded' });
  });

  it('holds the batch again while the redriven execution runs', async () => {
    const ledger = memoryBatchLedger();
    let seen: string | undefined;
    const steps = { ...recordingSteps(), load: async () => Promise.reject(new PipelineError('DB_FAILED', 'load failed')) };
    const failed = await runPipelineLocally(steps, input, { ledger });
    expect(ledger.entries.get('batches/b1/')?.status).toBe('failed');
    const resumed = { ...recordingSteps(), load: async (s: RunState) => ((seen = ledger.entries.get('batches/b1/')?.status), s) };
    await redrivePipelineLocally(resumed, failed, { ledger });
    expect(seen).toBe('running');
  });

  it('refuses to redrive an execution that succeeded', async () => {
    const done = await runPipelineLocally(recordingSteps(), input);
    await expect(redrivePipelineLocally(recordingSteps(), done)).rejects.toThrow(/only a failed, timed-out or aborted execution can be redriven/);
  });
});

describe('Executions that end without a word from their steps', () => {
  const slowLoad = (signal?: AbortSignal): LocalSteps => ({
    ...recordingSteps(),
    load: (s: RunState) => new Promise((resolve) => {
      const timer = setTimeout(() => resolve(s), 3_000);
      signal?.addEventListener('abort', () => clearTimeout(timer));
    }),
  });

  it('records a timed-out execution as failed, so the re-dropped batch runs again', async () => {
    const ledger = memoryBatchLedger();
    const definition = { ...synthesizeDefinition(), TimeoutSeconds: 1 };
    const result = await runLocalStateMachine(definition, slowLoad(), input, { ledger });
    expect(result.status).toBe('TIMED_OUT');
    expect(result.failedState?.name).toBe('Load');
    expect(ledger.entries.get('batches/b1/')).toMatchObject({ runId: 'run-1', status: 'failed' });
    const again = await runPipelineLocally(recordingSteps(), { ...input, runId: 'run-2' }, { ledger });
    expect(again.status).toBe('SUCCEEDED');
    expect(again.entered).not.toContain('DuplicateBatchIgnored');
  });

  it('records a stopped (aborted) execution as failed', async () => {
    const ledger = memoryBatchLedger();
    const stop = new AbortController();
    const steps = { ...slowLoad(stop.signal), anonymize: async (s: RunState) => (setTimeout(() => stop.abort(), 10), s) };
    const result = await runPipelineLocally(steps, input, { ledger, signal: stop.signal });
    expect(result.status).toBe('ABORTED');
    expect(ledger.entries.get('batches/b1/')).toMatchObject({ runId: 'run-1', status: 'failed' });
  });

  it('lets a new run reclaim a batch whose run died silently, once its lease has expired', async () => {
    let clock = 0;
    const ledger = memoryBatchLedger(() => clock);
    const definition = synthesizeDefinition();
    // The first run's process dies inside a step: no status change ever reaches the ledger.
    await ledger.register(input, definition.TimeoutSeconds ?? 0);
    const early = await runLocalStateMachine(definition, recordingSteps(), { ...input, runId: 'run-2' }, { ledger });
    expect(early.entered).toContain('DuplicateBatchIgnored');
    clock += (definition.TimeoutSeconds ?? 0) * 1000 + 1;
    const late = await runLocalStateMachine(definition, recordingSteps(), { ...input, runId: 'run-3' }, { ledger });
    expect(late.entered).not.toContain('DuplicateBatchIgnored');
    expect(ledger.entries.get('batches/b1/')).toMatchObject({ runId: 'run-3', status: 'succeeded' });
  });

  it('leases the batch for exactly as long as an execution may run', () => {
    const definition = synthesizeDefinition();
    expect(definition.TimeoutSeconds).toBe(6 * 3600);
    expect(definition.States.RegisterBatch).toMatchObject({ Parameters: { action: 'register', leaseSeconds: definition.TimeoutSeconds } });
  });
});

describe('The local run follows the synthesized definition', () => {
  it('executes what a changed app chains: a step removed and two reordered', async () => {
    const calls: string[] = [];
    const definition = synthesizeDefinition({ steps: ['anonymize', 'transform', 'load'] });
    const result = await runLocalStateMachine(definition, recordingSteps(calls), input);
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['anonymize', 'transform', 'load']);
    expect(definition.States).not.toHaveProperty('Privatize');
  });

  it('refuses to run a definition whose step has no local function', async () => {
    const { privatize: _dropped, ...steps } = recordingSteps();
    await expect(runPipelineLocally(steps, input)).rejects.toThrow(/no local function was given for it/);
  });

  it('runs the Distributed Map offline: anonymize plans, the map runs each chunk, anonymize merges, then load', async () => {
    const calls: string[] = [];
    const definition = synthesizeDefinition({ largeInputs: { maxConcurrency: 4 } });
    expect(definition.States.AnonymizeChunks).toMatchObject({ Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } }, MaxConcurrency: 4, Next: 'Anonymize' });
    const steps = recordingSteps(calls);
    // Plan (two chunks), one call per chunk, then the merge that clears the plan.
    steps.anonymize = async (state) => {
      if (state.chunk) {
        calls.push(`chunk ${state.chunk.entity}#${state.chunk.index}`);
        return { runId: state.runId, batchPrefix: state.batchPrefix, asOf: state.asOf, chunkDone: { ...state.chunk, counts: { read: 1, clean: 1, quarantined: 0 } } };
      }
      if (state.chunkResults) {
        calls.push(`merge ${state.chunkResults.map((r) => `${r.chunkDone?.entity}#${r.chunkDone?.index}`).join(',')}`);
        const { chunks: _c, chunkResults: _r, ...rest } = state;
        return rest;
      }
      calls.push('plan');
      return { ...state, chunks: [{ entity: 'visits', index: 0 }, { entity: 'visits', index: 1 }] };
    };
    const result = await runLocalStateMachine(definition, steps, input);
    expect(result.status).toBe('SUCCEEDED');
    expect(calls.slice(0, 1)).toEqual(['plan']);
    expect(calls.slice(1, 3).sort()).toEqual(['chunk visits#0', 'chunk visits#1']);
    expect(calls.slice(3)).toEqual(['merge visits#0,visits#1', 'load', 'transform', 'privatize']);
  });

  it('leaves the map out when largeInputs is false, and a batch without chunks never enters it', async () => {
    expect(synthesizeDefinition({ largeInputs: false }).States).not.toHaveProperty('AnonymizeChunks');
    const calls: string[] = [];
    const result = await runLocalStateMachine(synthesizeDefinition(), recordingSteps(calls), input);
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['anonymize', 'load', 'transform', 'privatize']);
  });
});
