import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyedObject } from '../../lambdas/core/keyed-object.js';

/** What the builder stands in for: the keys set one by one. */
function assigned(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let n = 0; n < keys.length; n++) o[keys[n]!] = values[n];
  return o;
}

/** Own keys in order with their values, and the prototype: what two objects must share to be the same. */
const shape = (o: object) => ({ entries: Reflect.ownKeys(o).map((k) => [k, (o as Record<string | symbol, unknown>)[k]]), proto: Object.getPrototypeOf(o) });

describe('Function: keyedObject', () => {
  it('builds what setting the keys in order builds, for 0-14 keys, repeated keys, short and long value lists', () => {
    // Keys from a small alphabet so that repeats and integer-like keys ("1") come up.
    const key = fc.oneof(fc.constantFrom('a', 'b', 'cost', '1', '10', 'constructor', 'toString', ''), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 14 }), fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), { maxLength: 16 }), (keys, values) => {
        // Act
        const built = keyedObject(keys)(values);
        // Assess
        expect(shape(built)).toEqual(shape(assigned(keys, values)));
      }),
      { numRuns: 3000 },
    );
  });

  it("sets '__proto__' as assignment does (the prototype, not an own key)", () => {
    // Prepare
    const keys = ['a', '__proto__'];
    const values = ['1', { polluted: true }];
    // Act
    const built = keyedObject(keys)(values);
    // Assess
    expect(shape(built)).toEqual(shape(assigned(keys, values)));
    expect(Object.keys(built)).toEqual(['a']);
  });
});
