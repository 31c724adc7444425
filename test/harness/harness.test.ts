// The offline harness runs the definition the CDK app synthesizes, so changing the app changes the run.
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../lambdas/core/errors.js';
import { memoryBatchLedger } from '../../lambdas/steps/batch-ledger.js';
import type { RunInput, RunState } from '../../lambdas/steps/run-state.js';
import { runLocalStateMachine, runPipelineLocally, type LocalSteps } from '../../local/harness/index.js';
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
  it('returns the deployed ASL with local Lambda ARNs, quickly and cached', () => {
    const started = Date.now();
    const definition = synthesizeDefinition();
    const first = Date.now() - started;
    const again = Date.now();
    synthesizeDefinition();
    expect(Date.now() - again).toBeLessThan(50);
    expect(first).toBeLessThan(15_000);
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

  it('records a failed run, then fails with the step error', async () => {
    const ledger = memoryBatchLedger();
    const steps = { ...recordingSteps(), transform: async () => Promise.reject(new PipelineError('DATA_TEST_FAILED', 'fact_visits_unique_visit_id: 3 rows')) };
    const result = await runPipelineLocally(steps, input, { ledger });
    expect(result.status).toBe('FAILED');
    expect(result.entered.slice(-2)).toEqual(['RecordFailure', 'RunFailed']);
    expect(result.error).toMatchObject({ Error: 'PipelineError', original: expect.any(PipelineError) });
    expect(ledger.entries.get('batches/b1/')).toEqual({ runId: 'run-1', status: 'failed' });
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

  it('runs the large-input Distributed Map as an inline Map offline', async () => {
    const calls: string[] = [];
    const definition = synthesizeDefinition({ largeInputs: { maxConcurrency: 4 } });
    expect(definition.States.AnonymizeChunks).toMatchObject({ Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } } });
    const result = await runLocalStateMachine(definition, recordingSteps(calls), { ...input, chunks: [{ key: 'a', start: 0, end: 10 }, { key: 'a', start: 10, end: 20 }] });
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['anonymize', 'anonymize', 'anonymize', 'load', 'transform', 'privatize']);
  });
});
