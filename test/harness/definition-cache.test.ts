import { describe, expect, it } from 'vitest';
import { cachedDefinition } from '../../local/harness/index.js';
import { synthesizeDefinition } from '../../local/harness/synthesize.js';

describe('Function: cachedDefinition', () => {
  it('is the synthesized definition, whether read from the cache or not', async () => {
    const first = await cachedDefinition();
    const second = await cachedDefinition();
    expect(first).toEqual(synthesizeDefinition());
    expect(second).toEqual(first);
  });

  it('keys the cache by the app props, so a changed app is synthesized afresh', async () => {
    const reordered = await cachedDefinition({ steps: ['anonymize', 'transform', 'load'] });
    expect(reordered).toEqual(synthesizeDefinition({ steps: ['anonymize', 'transform', 'load'] }));
    expect(reordered).not.toEqual(await cachedDefinition());
  });
});
