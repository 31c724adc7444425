// A step's warehouse refuses a database call its Lambda's remaining time cannot fit, before the call
// reaches the database, and the refusal rolls back the step's open transaction: nothing of it is kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_RESERVE_MS, deadlineWarehouse } from '../../lambdas/adapters/deadline-warehouse.js';
import { openPglite } from '../../lambdas/adapters/pglite/pglite-warehouse.js';
import { PipelineError } from '../../lambdas/core/errors.js';
import type { Warehouse } from '../../lambdas/ports.js';

let db: Warehouse;
beforeAll(async () => {
  db = await openPglite();
  await db.query('create table rows_kept (n int)');
});
afterAll(() => db.close());

/** Milliseconds left before each call, in order; the clock moves 1 s a call. */
const lambdaClock = (remaining: number[]) => {
  let t = 0;
  return { remainingMs: () => remaining.shift() ?? 0, now: () => (t += 1000) };
};

describe('Function: deadlineWarehouse', () => {
  it('runs every call while the time left holds one whole Data API call and a rollback', async () => {
    const wh = deadlineWarehouse(db, { step: 'transform', ...lambdaClock([DEADLINE_RESERVE_MS, DEADLINE_RESERVE_MS + 1, DEADLINE_RESERVE_MS]) });
    await wh.transaction(async (tx) => {
      await tx.query('insert into rows_kept values (1)');
      await tx.query('insert into rows_kept values (2)');
    });
    expect(await wh.query<{ n: number }>('select count(*)::int as n from rows_kept')).toEqual([{ n: 2 }]);
    await db.query('delete from rows_kept');
  });

  it('refuses the call that would outlive the Lambda, and the transaction rolls back', async () => {
    const wh = deadlineWarehouse(db, { step: 'transform', ...lambdaClock([600_000, 300_000, DEADLINE_RESERVE_MS - 1]) });
    const refused = wh.transaction(async (tx) => {
      await tx.query('insert into rows_kept values (1)');
      await tx.query('insert into rows_kept values (2)');
      await tx.query('insert into rows_kept values (3)');
    });
    await expect(refused).rejects.toBeInstanceOf(PipelineError);
    const error = (await refused.catch((e: unknown) => e)) as PipelineError;
    expect(error.code).toBe('OUT_OF_TIME');
    // Names the step, the time left, the call it did not start and what it had done.
    expect(error.message).toContain('transform stopped with 59.9 s of its Lambda\'s time left, before database call 3 (insert into rows_kept values (3))');
    expect(error.message).toContain('It had made 2 database calls');
    expect(error.hint).toMatch(/split it into smaller batches/);
    expect(await db.query<{ n: number }>('select count(*)::int as n from rows_kept')).toEqual([{ n: 0 }]);
  });

  it('guards scripts and calls outside a transaction the same way', async () => {
    const wh = deadlineWarehouse(db, { step: 'privatize', ...lambdaClock([1000, 1000]) });
    await expect(wh.script('insert into rows_kept values (1); insert into rows_kept values (2)')).rejects.toMatchObject({ code: 'OUT_OF_TIME' });
    await expect(wh.query('insert into rows_kept values (1)')).rejects.toMatchObject({ code: 'OUT_OF_TIME', message: expect.stringContaining('before database call 1') });
    expect(await db.query<{ n: number }>('select count(*)::int as n from rows_kept')).toEqual([{ n: 0 }]);
  });
});
