/**
 * The TypeScript fill loops of the samplers: the path where WebAssembly SIMD is missing (simd.ts is the fast path;
 * `setSimdEnabled(false)` selects these). Each kernel performs exactly the operations of the reference path (one
 * `threefry2x32` call per element, `uniformAt`, then `normalQuantile`; see samplers.ts and special.ts) in the
 * same order, so its output is identical bit for bit; test/random/kernels.test.ts checks this against the reference
 * path. What changes is how the work is scheduled, in blocks of {@link BLOCK} elements:
 *
 * 1. {@link uniformBlock}: Threefry-2x32-20 with the rounds inlined (no call, no scratch words), the key schedule
 *    hoisted out of the loop and the counter incremented in place, writing the open-interval uniforms u to a scratch
 *    block. The twenty rounds are written out on purpose: V8 does not inline a block function of this size into a
 *    per-element loop, and a call per element costs 3-4× the time of the inlined loop.
 * 2. A branch-free pass evaluates the AS 241 central rational function for every element of the block (85% of them
 *    need nothing else) and lists the elements outside the central region.
 * 3. Those (15%) are recomputed with `normalQuantile`.
 *
 * The float32 uniform and normal streams take two values per block ({@link uniform32Kernel}, {@link normal32Kernel}):
 * {@link threefryBlocks} writes a block of output words, then each pair of values is computed from one block's words
 * (box-muller.ts for normals).
 *
 * Short, separate loops run about 1.4× faster than one loop with a data-dependent branch per element. One kernel
 * serves Float32Array and Float64Array: separate copies per type measured the same (within 5%, 4M values). Kernels take
 * validated arguments: `offset` is the stream index of `out[0]`, an integer with offset + out.length ≤ 2^53.
 * They allocate nothing (the scratch blocks are allocated once) and are not reentrant, which synchronous code never
 * needs.
 *
 * @module
 */
import { boxMuller32 } from './box-muller.ts';
import { AS241, CENTRAL_HALF_WIDTH, CENTRAL_OFFSET, normalQuantile } from './special.ts';
import { THREEFRY_PARITY, TWO_POW_26, TWO_POW_32, TWO_POW_M32, TWO_POW_M52 } from './threefry.ts';

/** Elements per block: the scratch (12 KiB) stays in the L1 cache. */
const BLOCK = 1024;
/** The uniforms of the current block. */
const UNIFORMS = new Float64Array(BLOCK);
/** The Threefry output words of the current block of counters. */
const WORDS0 = new Int32Array(BLOCK);
const WORDS1 = new Int32Array(BLOCK);
/** One Box–Muller pair. */
const PAIR = new Float64Array(2);
/** Block positions of the elements outside the central region of AS 241. */
const TAILS = new Int32Array(BLOCK);

// AS 241 central region (Wichura 1988): special.ts's coefficients, as named constants for the unrolled loops below.
const [A7, A6, A5, A4, A3, A2, A1, A0] = AS241.A;
const [B7, B6, B5, B4, B3, B2, B1] = AS241.B;

/**
 * (WORDS0[i], WORDS1[i]) = Threefry-2x32-20(key, counter(first + i)) for i < count (≤ BLOCK), the counter of block
 * index b being (⌊b / 2^32⌋, b mod 2^32). Returns the two word arrays (scratch: valid until the next call).
 */
export function threefryBlocks(k0: number, k1: number, first: number, count: number): readonly [Int32Array, Int32Array] {
  const k2 = (k0 ^ k1 ^ THREEFRY_PARITY) | 0;
  // Key injection s adds (a_s, b_s) to (x0, x1): key words rotate through k0, k1, k2, plus s on the second word.
  const a1 = k1 | 0,
    b1 = (k2 + 1) | 0,
    a2 = k2,
    b2 = (k0 + 2) | 0,
    a3 = k0 | 0;
  const b3 = (k1 + 3) | 0,
    a4 = k1 | 0,
    b4 = (k2 + 4) | 0,
    a5 = k2,
    b5 = (k0 + 5) | 0;
  let i = 0;
  while (i < count) {
    // A run of elements whose counters (c0, c1) share the high word c0 = ⌊index / 2^32⌋.
    const index = first + i;
    const c0 = Math.floor(index / TWO_POW_32);
    const c1 = index - c0 * TWO_POW_32;
    const room = TWO_POW_32 - c1;
    const end = count - i < room ? count : i + room;
    const x0Start = (c0 + k0) | 0;
    const x1Base = (c1 + k1 - i) | 0;
    for (; i < end; i++) {
      let x0 = x0Start;
      let x1 = (x1Base + i) | 0;
      // Rounds 0-3, then key injection 1.
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
      x0 = (x0 + a1) | 0;
      x1 = (x1 + b1) | 0;
      // Rounds 4-7, then key injection 2.
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
      x0 = (x0 + a2) | 0;
      x1 = (x1 + b2) | 0;
      // Rounds 8-11, then key injection 3.
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
      x0 = (x0 + a3) | 0;
      x1 = (x1 + b3) | 0;
      // Rounds 12-15, then key injection 4.
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
      x0 = (x0 + a4) | 0;
      x1 = (x1 + b4) | 0;
      // Rounds 16-19, then key injection 5.
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
      x0 = (x0 + a5) | 0;
      x1 = (x1 + b5) | 0;
      WORDS0[i] = x0;
      WORDS1[i] = x1;
    }
  }
  return [WORDS0, WORDS1];
}

/**
 * UNIFORMS[i] = uniformAt(k0, k1, offset + i) for i < count (≤ BLOCK): u = (m + ½)·2^-52 with m the top 26 bits of
 * each output word of Threefry-2x32-20(key, counter(offset + i)).
 */
export function uniformBlock(k0: number, k1: number, offset: number, count: number): Float64Array {
  threefryBlocks(k0, k1, offset, count);
  for (let i = 0; i < count; i++) {
    UNIFORMS[i] = ((WORDS0[i]! >>> 6) * TWO_POW_26 + (WORDS1[i]! >>> 6) + 0.5) * TWO_POW_M52;
  }
  return UNIFORMS;
}

/** out[j] = min(low + width·u, top), u the uniform of stream element offset + j (see fillUniform). */
export function uniformKernel(k0: number, k1: number, out: Float32Array | Float64Array, offset: number, low: number, width: number, top: number): void {
  const n = out.length;
  for (let start = 0; start < n; start += BLOCK) {
    const count = n - start < BLOCK ? n - start : BLOCK;
    uniformBlock(k0, k1, offset + start, count);
    for (let i = 0; i < count; i++) {
      const x = low + width * UNIFORMS[i]!;
      out[start + i] = x < top ? x : top;
    }
  }
}

/** out[j] = mean + std·Φ⁻¹(u), u the uniform of stream element offset + j (see fillNormal). */
export function normalKernel(k0: number, k1: number, out: Float32Array | Float64Array, offset: number, mean: number, std: number): void {
  const n = out.length;
  for (let start = 0; start < n; start += BLOCK) {
    const count = n - start < BLOCK ? n - start : BLOCK;
    uniformBlock(k0, k1, offset + start, count);
    let tails = 0;
    for (let i = 0; i < count; i++) {
      const p = UNIFORMS[i]!;
      const q = p - 0.5;
      // AS 241 central region, the operations of special.ts's centralRational in the same order.
      const r = CENTRAL_OFFSET - q * q;
      const numerator = ((((((A7 * r + A6) * r + A5) * r + A4) * r + A3) * r + A2) * r + A1) * r + A0;
      const denominator = ((((((B7 * r + B6) * r + B5) * r + B4) * r + B3) * r + B2) * r + B1) * r + 1;
      const z = (q * numerator) / denominator;
      out[start + i] = mean + std * z;
      // Outside the central region the value above is wrong: remember the element (branch-free) and redo it below.
      TAILS[tails] = i;
      tails += Math.abs(q) <= CENTRAL_HALF_WIDTH ? 0 : 1;
    }
    for (let t = 0; t < tails; t++) {
      const i = TAILS[t]!;
      out[start + i] = mean + std * normalQuantile(UNIFORMS[i]!);
    }
  }
}

/**
 * out[j] = clamp(mean + std·z, bottom, top) with z = sign·Φ⁻¹(base + mass·u), u the uniform of stream element
 * offset + j (see fillTruncatedNormal); into a Float32Array, mean + std·z is rounded to float32 before the clamp.
 */
export function truncatedNormalKernel(
  k0: number,
  k1: number,
  out: Float32Array | Float64Array,
  offset: number,
  base: number,
  mass: number,
  sign: number,
  mean: number,
  std: number,
  bottom: number,
  top: number,
): void {
  const float32 = out instanceof Float32Array;
  const n = out.length;
  for (let start = 0; start < n; start += BLOCK) {
    const count = n - start < BLOCK ? n - start : BLOCK;
    uniformBlock(k0, k1, offset + start, count);
    let tails = 0;
    for (let i = 0; i < count; i++) {
      const p = base + mass * UNIFORMS[i]!;
      const q = p - 0.5;
      // AS 241 central region, the operations of special.ts's centralRational in the same order.
      const r = CENTRAL_OFFSET - q * q;
      const numerator = ((((((A7 * r + A6) * r + A5) * r + A4) * r + A3) * r + A2) * r + A1) * r + A0;
      const denominator = ((((((B7 * r + B6) * r + B5) * r + B4) * r + B3) * r + B2) * r + B1) * r + 1;
      const z = (q * numerator) / denominator;
      const x = float32 ? Math.fround(mean + std * (sign * z)) : mean + std * (sign * z);
      out[start + i] = x < bottom ? bottom : x > top ? top : x;
      // Outside the central region the value above is wrong: remember the element (branch-free) and redo it below.
      TAILS[tails] = i;
      tails += Math.abs(q) <= CENTRAL_HALF_WIDTH ? 0 : 1;
    }
    for (let t = 0; t < tails; t++) {
      const i = TAILS[t]!;
      const z = sign * normalQuantile(base + mass * UNIFORMS[i]!);
      const x = float32 ? Math.fround(mean + std * z) : mean + std * z;
      out[start + i] = x < bottom ? bottom : x > top ? top : x;
    }
  }
}

/**
 * Float32 outputs: out[j] = fl32(mean + std·z), z the float32 Box–Muller normal of stream element offset + j
 * (box-muller.ts: elements 2b and 2b + 1 from the words of Threefry block b).
 */
export function normal32Kernel(k0: number, k1: number, out: Float32Array, offset: number, mean: number, std: number): void {
  const n = out.length;
  if (n === 0) return;
  // Blocks first … last hold the elements; element e sits at out[e − offset].
  const last = Math.floor((offset + n - 1) / 2);
  for (let first = Math.floor(offset / 2); first <= last; first += BLOCK) {
    const count = last - first + 1 < BLOCK ? last - first + 1 : BLOCK;
    threefryBlocks(k0, k1, first, count);
    for (let i = 0; i < count; i++) {
      boxMuller32(WORDS0[i]!, WORDS1[i]!, PAIR, 0);
      const at = 2 * (first + i) - offset;
      if (at >= 0) out[at] = mean + std * PAIR[0]!;
      if (at + 1 < n) out[at + 1] = mean + std * PAIR[1]!;
    }
  }
}

/**
 * Float32 outputs: out[j] = min(low + width·u, top), u = (w + ½)·2^-32 with w the word of stream element
 * offset + j (elements 2b and 2b + 1 from the two words of Threefry block b; see uniform32At in samplers.ts).
 */
export function uniform32Kernel(k0: number, k1: number, out: Float32Array, offset: number, low: number, width: number, top: number): void {
  const n = out.length;
  if (n === 0) return;
  const last = Math.floor((offset + n - 1) / 2);
  for (let first = Math.floor(offset / 2); first <= last; first += BLOCK) {
    const count = last - first + 1 < BLOCK ? last - first + 1 : BLOCK;
    threefryBlocks(k0, k1, first, count);
    for (let i = 0; i < count; i++) {
      const at = 2 * (first + i) - offset;
      if (at >= 0) {
        const x = low + width * (((WORDS0[i]! >>> 0) + 0.5) * TWO_POW_M32);
        out[at] = x < top ? x : top;
      }
      if (at + 1 < n) {
        const x = low + width * (((WORDS1[i]! >>> 0) + 0.5) * TWO_POW_M32);
        out[at + 1] = x < top ? x : top;
      }
    }
  }
}
