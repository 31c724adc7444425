// Differential privacy and k-anonymity for the published layer, the keyed per-row noise and the key
// derivation. Pure: no I/O, no clock, no Math.random; randomness arrives as a BitSource (crypto in
// production, seeded in tests, keyed for the per-row noise).
export * from './randomness.js';
export * from './seeded-random.js';
export * from './keyed-bits.js';
export * from './epsilon.js';
export * from './hmac-sha256.js';
export * from './hkdf.js';
export * from './mechanisms.js';
export * from './row-noise.js';
export * from './intervals.js';
export * from './dp-quantile.js';
export * from './partition-selection.js';
export * from './budget.js';
export * from './k-anonymity.js';
