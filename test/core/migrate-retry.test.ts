// A migration that collides with another database's in a catalog the whole server shares (role
// settings) is rolled back and run again; any other failure is not retried.
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../lambdas/core/errors.js';
import { againOnSharedCatalogRace, MIGRATION_ATTEMPTS } from '../../lambdas/steps/migrate.js';

const race = () => new PipelineError('DB_FAILED', 'database error: tuple concurrently updated\n  in: alter role hw_bi set statement_timeout');
const noPause = async () => undefined;

describe('againOnSharedCatalogRace', () => {
  it('runs the migration again after a collision, until it succeeds', async () => {
    let calls = 0;
    const out = await againOnSharedCatalogRace(async () => {
      calls++;
      if (calls < 3) throw race();
      return 'applied';
    }, noPause);
    expect({ out, calls }).toEqual({ out: 'applied', calls: 3 });
  });

  it('gives up after its attempts, with the collision', async () => {
    let calls = 0;
    const run = againOnSharedCatalogRace(async () => {
      calls++;
      throw race();
    }, noPause);
    await expect(run).rejects.toThrow('tuple concurrently updated');
    expect(calls).toBe(MIGRATION_ATTEMPTS);
  });

  it('does not retry any other failure', async () => {
    let calls = 0;
    const run = againOnSharedCatalogRace(async () => {
      calls++;
      throw new PipelineError('DB_FAILED', 'database error: syntax error at or near "selct"');
    }, noPause);
    await expect(run).rejects.toThrow('syntax error');
    expect(calls).toBe(1);
  });
});
