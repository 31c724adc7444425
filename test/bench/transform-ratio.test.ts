import { describe, expect, it } from 'vitest';
import { median, transformRatio } from '../../local/bench/transform-ratio.js';

describe('bench:scale ratio', () => {
  it('takes the middle value, and the mean of the middle two for an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('reports the median ratio beside the best one, which luck can put under 2x', () => {
    // Assess: one lucky preloaded run makes the best ratio 1.9x; the usual run is 2.2x.
    const r = transformRatio({ preloaded: [1.14, 1.32, 1.35, 1.3, 1.5], empty: [0.6, 0.61, 0.59, 0.62, 0.6] });
    expect(r.best).toEqual({ preloaded: 1.14, empty: 0.59, ratio: 1.14 / 0.59 });
    expect(r.median).toEqual({ preloaded: 1.32, empty: 0.6, ratio: 1.32 / 0.6 });
    expect(r.best.ratio).toBeLessThan(2);
    expect(r.median.ratio).toBeGreaterThan(2);
  });
});
