// A look at the warehouse in a state a test builds and then throws away.
import type { Warehouse, WarehouseTx } from '../../lambdas/ports.js';

const ROLLBACK = new Error('rollback');

/** Runs fn in a transaction that is always rolled back, returning what fn returned. */
export async function inRolledBack<T>(wh: Warehouse, fn: (tx: WarehouseTx) => Promise<T>): Promise<T> {
  let out!: T;
  await wh
    .transaction(async (tx) => {
      out = await fn(tx);
      throw ROLLBACK;
    })
    .catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
  return out;
}
