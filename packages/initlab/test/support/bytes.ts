/** Test bytes for the writers: deterministic, independent of the library, different at every offset. */

/**
 * `length` bytes from a 32-bit LCG (Numerical Recipes constants), the top byte of each state: a writer that drops,
 * repeats or moves a byte gives other bytes.
 */
export function bytePattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}
