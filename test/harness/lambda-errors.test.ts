// The error names the Lambda handlers (and the harness) hand to Step Functions decide Retry and Catch.
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../lambdas/core/errors.js';
import { toStateMachineError } from '../../lambdas/handlers/lambda-errors.js';

describe('Function: toStateMachineError', () => {
  it.each([
    [new PipelineError('DB_UNREACHABLE', 'resuming'), 'TransientError'],
    [new PipelineError('DUPLICATE_BATCH', 'claimed'), 'DuplicateBatch'],
    [new PipelineError('BAD_INPUT', 'bad row', 'fix the file'), 'PipelineError'],
    [Object.assign(new Error('slow'), { name: 'SlowDown' }), 'TransientError'],
    [Object.assign(new Error('throttled'), { name: 'Whatever', $retryable: { throttling: true } }), 'TransientError'],
    [new TypeError('bug'), 'TypeError'],
  ])('%s -> %s', (error, name) => {
    expect(toStateMachineError(error).name).toBe(name);
  });

  it('keeps the code and hint in the message', () => {
    expect(toStateMachineError(new PipelineError('BAD_INPUT', 'bad row', 'fix the file')).message).toBe('BAD_INPUT: bad row\n  hint: fix the file');
  });
});
