// One error class for the whole pipeline: a code for machines, a message that says what and where,
// and a hint that says what to do. Caught only at the top (CLI, Lambda handler).
export type ErrorCode =
  | 'BLOB_NOT_FOUND'
  | 'BAD_HEADER'
  | 'BAD_INPUT'
  | 'DB_UNREACHABLE'
  | 'DB_FAILED'
  | 'REJECT_THRESHOLD'
  | 'DATA_TEST_FAILED'
  | 'BUDGET_EXCEEDED'
  | 'BAD_CONFIG'
  | 'DUPLICATE_BATCH'
  | 'COUNTS_DO_NOT_RECONCILE'
  | 'EMPTY_BATCH'
  | 'WAREHOUSE_BUSY'
  | 'AUDIT_CHAIN_BROKEN'
  | 'OUT_OF_TIME';

export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** One paragraph for a person: what went wrong, then what to do. */
  describe(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

export const isPipelineError = (e: unknown): e is PipelineError => e instanceof PipelineError;
