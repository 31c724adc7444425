// The port a step runs chunk work through: a pure job applied to every chunk of an input, in parallel
// where the runner can (worker threads offline: adapters/workers; one Distributed Map item per chunk in
// the cloud), with the outputs handed back in chunk order whatever order they finish in. The step does
// not know which runner it has. (Proposed for lambdas/ports.ts; it lives here until that file moves.)
import { PipelineError, isPipelineError } from '../core/errors.js';

/**
 * A job both sides know by name: the step passes it to the runner, a worker looks it up by `name`
 * in the jobs it serves. Inputs and outputs cross thread boundaries, so they must be plain data
 * (structured-cloneable): numbers, strings, arrays, plain objects.
 */
export interface ChunkJob<I, O> {
  readonly name: string;
  run(input: I): O | Promise<O>;
}

export interface ChunkRunner {
  /**
   * Runs `job` once per input; resolves with the outputs in input order. When a chunk fails, rejects
   * with an error that names it (see `chunkFailure`) and starts no further chunks.
   * `describe` names a chunk in that error. @default `chunk <index>`
   */
  run<I, O>(job: ChunkJob<I, O>, inputs: readonly I[], describe?: (input: I, index: number) => string): Promise<O[]>;
  /** Stops the runner's threads, if it has any. */
  close(): Promise<void>;
}

/** A chunk's job failed with an error that is not a PipelineError (a bug, a crash). */
export class ChunkFailedError extends Error {
  override readonly name = 'ChunkFailedError';
  constructor(
    readonly chunk: string,
    cause: unknown,
  ) {
    super(`${chunk} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The error a runner rejects with: a PipelineError keeps its code and hint, with the chunk named first. */
export function chunkFailure(chunk: string, cause: unknown): Error {
  if (isPipelineError(cause)) return new PipelineError(cause.code, `${chunk}: ${cause.message}`, cause.hint, { cause });
  return new ChunkFailedError(chunk, cause);
}

export const chunkName = (index: number): string => `chunk ${index}`;

/** Runs chunks one after another in this thread: for a Lambda (one chunk per invocation) and for tests. */
export const inThreadRunner: ChunkRunner = {
  async run(job, inputs, describe) {
    const outputs = [];
    for (const [i, input] of inputs.entries()) {
      try {
        outputs.push(await job.run(input));
      } catch (e) {
        throw chunkFailure(describe?.(input, i) ?? chunkName(i), e);
      }
    }
    return outputs;
  },
  async close() {},
};
