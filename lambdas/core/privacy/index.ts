// Differential privacy and k-anonymity for the published layer. Pure: no I/O, no clock, no Math.random;
// randomness arrives as a BitSource (crypto in production, seeded in tests).
export * from './randomness.js';
export * from './seeded-random.js';
export * from './epsilon.js';
export * from './hmac-sha256.js';
export * from './mechanisms.js';
export * from './budget.js';
export * from './k-anonymity.js';
