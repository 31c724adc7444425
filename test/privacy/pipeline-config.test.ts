// Issue 11, item 6: noNoise exists for tests; a deployment's PIPELINE_CONFIG_JSON can never set it.
import { describe, expect, it } from 'vitest';
import { readPipelineConfig } from '../../lambdas/config.js';

describe('Function: readPipelineConfig', () => {
  it.each(['{"privacy":{"noNoise":true}}', '{"privacy":{"noNoise":false}}'])('refuses %s', (json) => {
    expect(() => readPipelineConfig(json)).toThrow(/privacy\.noNoise' is for tests only and cannot be set in a deployment/);
  });

  it('takes the documented settings, a null cost clamp included', () => {
    const cfg = readPipelineConfig('{"privacy":{"epsilonPerRelease":0.5,"costClamp":3000,"deltaPerRelease":1e-7}}');
    expect(cfg.privacy).toMatchObject({ epsilonPerRelease: 0.5, costClamp: 3000, deltaPerRelease: 1e-7, noNoise: false });
    expect(readPipelineConfig('{"privacy":{"costClamp":null}}').privacy.costClamp).toBeNull();
    expect(readPipelineConfig(undefined).privacy).toMatchObject({ costClamp: null, noNoise: false });
  });

  it('refuses a cost clamp that is neither a number nor null', () => {
    expect(() => readPipelineConfig('{"privacy":{"costClamp":"2000"}}')).toThrow(/'privacy\.costClamp' must be a number or null/);
  });
});
