/**
 * Threefry-2x32 with 20 rounds, the counter-based block function of Salmon, Moraes, Dror & Shaw,
 * "Parallel random numbers: as easy as 1, 2, 3" (SC 2011), as used by JAX.
 *
 * A block maps a 64-bit key (k0, k1) and a 64-bit counter (c0, c1) to 64 random bits. It uses only
 * 32-bit addition, rotation and xor, so it gives the same bits in every JavaScript engine and in WebAssembly.
 */

/** Key-schedule parity constant of Threefish/Threefry for 32-bit words (Random123 `SKEIN_KS_PARITY32`). */
export const THREEFRY_PARITY = 0x1bd11bda;

// The powers of two of the streams' word arithmetic (exact doubles), defined once for every sampler module.
/** 2^32: stream index i has the counter (⌊i / 2^32⌋, i mod 2^32). */
export const TWO_POW_32 = 4294967296;
/** 2^26: the weight of the first word's top 26 bits in a 52-bit uniform. */
export const TWO_POW_26 = 67108864;
/** 2^-52: the spacing of the 52-bit open-interval uniforms. */
export const TWO_POW_M52 = 2.220446049250313e-16;
/** 2^-32: the spacing of the float32 streams' 32-bit uniforms. */
export const TWO_POW_M32 = 2.3283064365386963e-10;

/**
 * Computes one Threefry-2x32-20 block and writes its two 32-bit output words to `out[at]` and `out[at + 1]`.
 *
 * Twenty rounds of x0 += x1; x1 = rotl(x1, R[r mod 8]) ^ x0, with R = 13, 15, 26, 6, 17, 29, 16, 24 (Random123
 * `R_32x2`) and the key injected before round 0 and after
 * every fourth round (key words k0, k1, k2 = k0 ^ k1 ^ 0x1BD11BDA, rotating, plus the injection index).
 *
 * @param k0 - First key word (unsigned 32-bit).
 * @param k1 - Second key word.
 * @param c0 - First counter word.
 * @param c1 - Second counter word.
 * @param out - Destination for the two output words.
 * @param at - Index in `out` of the first word.
 * @example
 * const out = new Uint32Array(2);
 * threefry2x32(0, 0, 0, 0, out, 0); // out = [0x6b200159, 0x99ba4efe], Random123's known-answer vector
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array | Int32Array, at: number): void {
  const k2 = (k0 ^ k1 ^ THREEFRY_PARITY) | 0;
  let x0 = (c0 + k0) | 0;
  let x1 = (c1 + k1) | 0;
  // Rounds 0-3.
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 13) | (x1 >>> 19);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 15) | (x1 >>> 17);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 26) | (x1 >>> 6);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 6) | (x1 >>> 26);
  x1 ^= x0;
  x0 = (x0 + k1) | 0;
  x1 = (x1 + k2 + 1) | 0;
  // Rounds 4-7.
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 17) | (x1 >>> 15);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 29) | (x1 >>> 3);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 16) | (x1 >>> 16);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 24) | (x1 >>> 8);
  x1 ^= x0;
  x0 = (x0 + k2) | 0;
  x1 = (x1 + k0 + 2) | 0;
  // Rounds 8-11.
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 13) | (x1 >>> 19);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 15) | (x1 >>> 17);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 26) | (x1 >>> 6);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 6) | (x1 >>> 26);
  x1 ^= x0;
  x0 = (x0 + k0) | 0;
  x1 = (x1 + k1 + 3) | 0;
  // Rounds 12-15.
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 17) | (x1 >>> 15);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 29) | (x1 >>> 3);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 16) | (x1 >>> 16);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 24) | (x1 >>> 8);
  x1 ^= x0;
  x0 = (x0 + k1) | 0;
  x1 = (x1 + k2 + 4) | 0;
  // Rounds 16-19.
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 13) | (x1 >>> 19);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 15) | (x1 >>> 17);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 26) | (x1 >>> 6);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 6) | (x1 >>> 26);
  x1 ^= x0;
  x0 = (x0 + k2) | 0;
  x1 = (x1 + k0 + 5) | 0;
  out[at] = x0;
  out[at + 1] = x1;
}
