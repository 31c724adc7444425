// Wraps a warehouse so every database call is timed: the bench reports the slowest single call (the
// cloud cancels a Data API call after 45 s) and how many calls each step made. Times only; no rows.
import { aroundEachCall } from '../../lambdas/adapters/around-each-call.js';
import type { Warehouse } from '../../lambdas/ports.js';

export interface CallRecord {
  what: string;
  ms: number;
}

export interface CallLog {
  calls: number;
  slowest: CallRecord | undefined;
  reset(): void;
}

export function timedWarehouse(inner: Warehouse, now: () => number = () => performance.now()): { warehouse: Warehouse; log: CallLog } {
  const log: CallLog = {
    calls: 0,
    slowest: undefined,
    reset() {
      this.calls = 0;
      this.slowest = undefined;
    },
  };
  const warehouse = aroundEachCall(inner, async (what, call) => {
    const started = now();
    try {
      return await call();
    } finally {
      const ms = now() - started;
      log.calls++;
      if (!log.slowest || ms > log.slowest.ms) log.slowest = { what, ms };
    }
  });
  return { warehouse, log };
}
