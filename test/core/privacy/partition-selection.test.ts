import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../lambdas/core/privacy/index.js';
import { selectPartitions, selectionThreshold } from '../../../lambdas/core/privacy/partition-selection.js';

describe('Function: selectionThreshold', () => {
  it.each([
    [0.1, 1e-6],
    [0.0655, 7.27e-7],
    [1, 1e-9],
  ])('at epsilon %s and delta %s is the smallest tau with q^(tau-1)/(1+q) <= delta', (epsilon, delta) => {
    const tau = selectionThreshold({ epsilon, delta });
    const q = Math.exp(-epsilon);
    const deltaAt = (t: number) => q ** (t - 1) / (1 + q);
    expect(deltaAt(tau)).toBeLessThanOrEqual(delta);
    expect(deltaAt(tau - 1)).toBeGreaterThan(delta);
  });

  it('is 133 patients at epsilon 0.1 and delta 1e-6 (1 + ln(1 / (delta (1+q))) / epsilon, rounded up)', () => {
    expect(selectionThreshold({ epsilon: 0.1, delta: 1e-6 })).toBe(133);
  });

  it('refuses a delta outside (0, 1)', () => {
    expect(() => selectionThreshold({ epsilon: 1, delta: 0 })).toThrow(/delta/);
  });
});

describe('Function: selectPartitions', () => {
  it('releases keys well above the threshold and never a key of one patient', () => {
    const bits = createSeededRandom('select');
    const params = { epsilon: 0.1, delta: 1e-6 };
    for (let i = 0; i < 200; i++) {
      const released = selectPartitions([{ key: 'frequent', patients: 400 }, { key: 'single', patients: 1 }, { key: 'few', patients: 20 }], params, bits);
      expect(released).toEqual(['frequent']);
    }
  });

  it('without noise releases exactly the keys at or above the threshold', () => {
    const tau = selectionThreshold({ epsilon: 0.1, delta: 1e-6 });
    const released = selectPartitions(
      [{ key: 'b', patients: tau }, { key: 'a', patients: tau + 5 }, { key: 'c', patients: tau - 1 }],
      { epsilon: 0.1, delta: 1e-6 },
      createSeededRandom(1),
      { noNoise: true },
    );
    expect(released).toEqual(['a', 'b']);
  });
});
