// readTextInParts returns a value read in byte ranges exactly, on every database, even when a range
// ends inside a multi-byte character.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextInParts } from '../../lambdas/steps/io/read-in-parts.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { withTestWarehouse } from '../helpers/run-pipeline.js';

describe.each(DATABASES)('Function: readTextInParts on $name', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await kind.create();
  });
  afterAll(() => db.drop());

  it('joins parts cut inside multi-byte characters back into the same text', async () => {
    const text = '{"k": "héllo wörld – ✓ 𝄞"}'.repeat(7);
    const read = await withTestWarehouse(db, (wh) => readTextInParts(wh, 'select $1::text', [text], 5));
    expect(read).toBe(text);
  });

  it('is undefined when the query has no row, and empty for an empty value', async () => {
    await withTestWarehouse(db, async (wh) => {
      expect(await readTextInParts(wh, 'select $1::text where false', ['x'])).toBeUndefined();
      expect(await readTextInParts(wh, "select ''::text", [])).toBe('');
    });
  });
});
