// Messages between the chunk runner and its worker threads, and errors made fit to cross: the
// structured clone keeps an Error's message but not its class, code or hint, so they are sent as data
// and rebuilt on the other side.
import { PipelineError, isPipelineError, type ErrorCode } from '../../core/errors.js';

/** Runner to worker: run job `job` on `input`; `id` matches the answer to the task. */
export interface TaskMessage {
  id: number;
  job: string;
  input: unknown;
}

/** Worker to runner. */
export type AnswerMessage = { id: number; ok: true; output: unknown } | { id: number; ok: false; error: SentError };

export interface SentError {
  name: string;
  message: string;
  stack?: string;
  /** Set for a PipelineError. */
  code?: ErrorCode;
  hint?: string;
}

export function sendableError(e: unknown): SentError {
  if (isPipelineError(e)) return { name: e.name, message: e.message, stack: e.stack, code: e.code, hint: e.hint };
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

export function receivedError(sent: SentError): Error {
  const e = sent.code ? new PipelineError(sent.code, sent.message, sent.hint) : Object.assign(new Error(sent.message), { name: sent.name });
  if (sent.stack) e.stack = sent.stack;
  return e;
}
