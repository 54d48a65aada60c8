/**
 * initlab core: counter-based random streams, samplers, fans and gains, initializers and linear algebra.
 * Zero runtime dependencies; the same key and shape give the same bits on every platform.
 */
export { InitError, type InitErrorCode } from './errors.ts';
export { threefry2x32 } from './random/threefry.ts';
export { type Key, type KeyLike, keyFromSeed, keyFromWords, toKey, fold, split } from './random/key.ts';
