/**
 * The float32 normal stream: the Box–Muller transform (Box & Muller, "A note on the generation of random normal
 * deviates", Ann. Math. Statist. 29, 1958) in IEEE single precision, two normals per Threefry block.
 *
 * Stream elements 2j and 2j + 1 come from the two output words (x0, x1) of block j (counter (⌊j / 2^32⌋, j mod 2^32)):
 *
 *   u1 = (x0 + ½)·2^-32 ∈ (0, 1),   θ = 2π·(x1 + ½)·2^-32,   r = √(−2 ln u1),
 *   z_2j = r·cos θ,   z_2j+1 = r·sin θ,
 *
 * and the output is x = mean + std·z, computed in float64 from the float32 z and rounded once to float32. Every step
 * is an IEEE-754 single-precision operation (+ − × ÷ √, integer-to-float conversion, bit manipulation), each
 * correctly rounded, so the bits are the same in every engine and in WebAssembly (JavaScript emulates each float32
 * operation exactly with `Math.fround` of the double result: a double has more than 2·24 + 2 bits, so the double
 * rounding is innocuous for + − × ÷ √; Figueroa, "When is double rounding innocuous?", SIGNUM 1995).
 *
 * - **ln u1** ({@link minusLogUniform32}): t = fl(fl(x0) + ½) and its exact rounding error δ = (x0 + ½) − t
 *   (|δ| ≤ 128); t = 2^e·m from t's bits, with m ∈ [√½, √2); then −ln u1 = ((32 − e)·ln 2 − ln m) − δ/t, where
 *   ln m = 2·atanh(s) = 2s + s·s²·(2/3 + s²·(2/5 + s²·(2/7 + s²·2/9))) with s = (m − 1)/(m + 1), |s| ≤ 0.1716
 *   (series truncation below 1e-9 relative), and δ/t is ln(1 + δ/t) to first order (the rest is below 2^-49). The
 *   δ/t term keeps the full 32 bits of x0 near u1 = 1, where t alone would quantize −ln u1 to steps of 2^-24.
 * - **cos θ, sin θ** ({@link cosSin32}): θ = q·π/2 + φ with the quadrant q and φ = (2ρ + 1)·π·2^-32 ∈ (−π/4, π/4)
 *   read exactly from the bits of x1 + 2^29 (q = its top two bits, ρ the rest, centered); Taylor polynomials of
 *   degree 9 (sin) and 10 (cos) on |φ| ≤ π/4 (truncation below 3e-9); then the quadrant's swap and signs.
 *
 * Accuracy (test/random/box-muller.test.ts): |z − z_exact| within a few float32 ulps of |z|. The largest |z| is
 * √(2·33·ln 2) ≈ 6.76 (x0 = 0). This stream is used for Float32Array outputs only; Float64Array outputs keep the
 * float64 inversion stream (AS 241, samplers.ts), so a float32 normal is not the float64 normal rounded.
 *
 * @module
 */
import { threefry2x32, TWO_POW_32, TWO_POW_M32 } from './threefry.ts';

const fround = Math.fround;

/** fl32(ln 2). */
export const LN2_32 = fround(Math.LN2);
/** fl32(√2): mantissas at or above it are halved (exponent + 1). */
export const SQRT2_32 = fround(Math.SQRT2);
/** fl32(π)·2^-32 (exact scaling of fl32(π)): φ = (2ρ + 1)·PI_2M32. */
export const PI_2M32 = fround(Math.PI) * TWO_POW_M32;
/** 2/3, 2/5, 2/7, 2/9 in float32: the atanh series of ln m, innermost last. */
export const LOG_SERIES = [fround(2 / 9), fround(2 / 7), fround(2 / 5), fround(2 / 3)] as const;
/** −1/3!, 1/5!, −1/7!, 1/9! in float32, innermost (1/9!) first. */
export const SIN_SERIES = [fround(1 / 362880), fround(-1 / 5040), fround(1 / 120), fround(-1 / 6)] as const;
/** −1/2!, 1/4!, −1/6!, 1/8!, −1/10! in float32, innermost (−1/10!) first. */
export const COS_SERIES = [fround(-1 / 3628800), fround(1 / 40320), fround(-1 / 720), fround(1 / 24), fround(-1 / 2)] as const;

const bitsF32 = new Float32Array(1);
const bitsI32 = new Int32Array(bitsF32.buffer);

/**
 * −ln u1 for u1 = (x0 + ½)·2^-32 (x0 an unsigned 32-bit word), in float32 arithmetic as described in the module
 * comment. The result is positive for every x0, from 0.5·2^-32 (x0 = 2^32 − 1) to 33·ln 2 (x0 = 0).
 */
export function minusLogUniform32(x0: number): number {
  const t = fround(fround(x0 >>> 0) + 0.5);
  bitsF32[0] = t;
  const bits = bitsI32[0]!;
  let e = (bits >>> 23) - 127;
  bitsI32[0] = (bits & 0x7fffff) | 0x3f800000;
  let m = bitsF32[0]!;
  if (m >= SQRT2_32) {
    m *= 0.5;
    e += 1;
  }
  const s = fround((m - 1) / fround(m + 1));
  const z = fround(s * s);
  let p = LOG_SERIES[0];
  p = fround(fround(p * z) + LOG_SERIES[1]);
  p = fround(fround(p * z) + LOG_SERIES[2]);
  p = fround(fround(p * z) + LOG_SERIES[3]);
  p = fround(p * z);
  const lnM = fround(2 * s + fround(s * p));
  // t differs from x0 + ½ by the rounding error δ (exact: |δ| ≤ 128): ln(x0 + ½) = ln t + δ/t to within (δ/t)²/2.
  const delta = (x0 >>> 0) + 0.5 - t;
  return fround(fround(fround((32 - e) * LN2_32) - lnM) - fround(delta / t));
}

/** The float32 pair (cos θ, sin θ) for θ = 2π·(x1 + ½)·2^-32 (x1 an unsigned 32-bit word), written to `out[0…1]`. */
export function cosSin32(x1: number, out: Float32Array | Float64Array): void {
  const t = (x1 + 0x20000000) | 0;
  const twoRhoPlusOne = (((t & 0x3fffffff) - 0x20000000) << 1) | 1;
  const phi = fround(fround(twoRhoPlusOne) * PI_2M32);
  const p = fround(phi * phi);
  let sn = SIN_SERIES[0];
  sn = fround(fround(sn * p) + SIN_SERIES[1]);
  sn = fround(fround(sn * p) + SIN_SERIES[2]);
  sn = fround(fround(sn * p) + SIN_SERIES[3]);
  sn = fround(phi + fround(phi * fround(sn * p)));
  let cs = COS_SERIES[0];
  cs = fround(fround(cs * p) + COS_SERIES[1]);
  cs = fround(fround(cs * p) + COS_SERIES[2]);
  cs = fround(fround(cs * p) + COS_SERIES[3]);
  cs = fround(fround(cs * p) + COS_SERIES[4]);
  cs = fround(1 + fround(cs * p));
  // Quadrant q = t >>> 30: odd q swaps cos and sin; cos θ < 0 for q = 1, 2 (bit 31 ≠ bit 30); sin θ < 0 for q = 2, 3.
  const swap = (t & 0x40000000) !== 0;
  const c = swap ? sn : cs;
  const s = swap ? cs : sn;
  out[0] = (t ^ (t << 1)) < 0 ? -c : c;
  out[1] = t < 0 ? -s : s;
}

const pair = new Float64Array(2);
const words = new Uint32Array(2);

/**
 * The standard normal pair (z_2j, z_2j+1) of block j from its output words, in float32 arithmetic; written to
 * `out[at]`, `out[at + 1]`.
 */
export function boxMuller32(x0: number, x1: number, out: Float32Array | Float64Array, at: number): void {
  const r = fround(Math.sqrt(2 * minusLogUniform32(x0)));
  cosSin32(x1, pair);
  out[at] = fround(r * pair[0]!);
  out[at + 1] = fround(r * pair[1]!);
}

/**
 * The float32 standard normal z of stream element `index` (the reference path: one Threefry block per call).
 */
export function normal32At(k0: number, k1: number, index: number): number {
  const block = Math.floor(index / 2);
  threefry2x32(k0, k1, Math.floor(block / TWO_POW_32), block >>> 0, words, 0);
  boxMuller32(words[0]!, words[1]!, pair, 0);
  return pair[index - 2 * block]!;
}
