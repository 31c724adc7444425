// A step Lambda emits its operational metrics from the state its step returned, and none when the
// step failed (the AWS/Lambda Errors metric and the execution's status say that).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PipelineError } from '../../lambdas/core/errors.js';
import { stepHandler } from '../../lambdas/handlers/step-handler.js';
import type { RunState } from '../../lambdas/steps/run-state.js';

const state: RunState = { runId: 'run-1', batchPrefix: 'batches/b1/', asOf: '2025-06-30' };
const emf = (lines: string[]) =>
  lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
const capture = () => {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
  return lines;
};
afterEach(() => vi.restoreAllMocks());

describe('Function: stepHandler', () => {
  it('emits the step duration and the rows it loaded, from the returned state', async () => {
    const lines = capture();
    const out = await stepHandler('load', async (_deps, s) => ({ ...s, loaded: { staged: { patients: 2, providers: 1, visits: 5 }, ms: 3 } }))(state);
    vi.restoreAllMocks();
    expect(out.loaded?.staged.visits).toBe(5);
    const docs = emf(lines);
    expect(docs).toContainEqual(expect.objectContaining({ Step: 'load', StepDuration: expect.any(Number) }));
    expect(docs).toContainEqual(expect.objectContaining({ Entity: 'visits', RowsLoaded: 5 }));
  });

  it('emits nothing for a step that failed, and names the error for the state machine', async () => {
    const lines = capture();
    const failing = stepHandler('transform', async () => Promise.reject(new PipelineError('DATA_TEST_FAILED', '3 rows')));
    await expect(failing(state)).rejects.toMatchObject({ name: 'PipelineError' });
    vi.restoreAllMocks();
    expect(emf(lines)).toEqual([]);
  });
});
