/**
 * Samplers: fill a Float32Array or Float64Array with uniform, normal or truncated-normal values.
 *
 * Element i of a stream depends only on (key, i): it is made from the 64 bits of the Threefry-2x32-20 block
 * with counter (⌊i / 2^32⌋, i mod 2^32), or, for float32 normals and uniforms, from the words of block ⌊i / 2⌋. A
 * sampler's `offset` is the stream index of `out[0]`, so any slice of a tensor can be generated alone, in chunks
 * or on several threads, bit-identical to one pass. No sampler rejects draws: the transforms are inverse CDFs and
 * (float32 normals) the Box–Muller transform, built from IEEE-exact operations only (see special.ts and
 * box-muller.ts), so the same key gives the same bits in every engine.
 *
 * The fills run on WebAssembly SIMD kernels where the engine has them (simd.ts, simd-float32.ts), else on
 * TypeScript kernels (kernels.ts); both give exactly the bits of the reference path, one {@link uniformAt} and one
 * `normalQuantile`, or one `normal32At` or {@link uniform32At}, per element (test/random/kernels.test.ts).
 */
import { fail } from '../errors.ts';
import type { FillPlan, NormalPlan, TruncatedNormalPlan, UniformPlan } from './fill-plan.ts';
import { toKey, type KeyLike } from './key.ts';
import { normal32Kernel, normalKernel, truncatedNormalKernel, uniform32Kernel, uniformKernel } from './kernels.ts';
import { simdFill } from './simd.ts';
import { normalCdf } from './special.ts';
import { threefry2x32, TWO_POW_26, TWO_POW_32, TWO_POW_M32, TWO_POW_M52 } from './threefry.ts';

/** The typed arrays samplers write into. */
export type FloatArray = Float32Array | Float64Array;

/** Where in the stream a fill starts. */
export interface StreamOptions {
  /** Stream index of `out[0]` (default 0): element `offset + j` of the stream lands in `out[j]`. */
  readonly offset?: number;
}

/** Options of {@link fillUniform}. */
export interface UniformOptions extends StreamOptions {
  /** Inclusive lower bound (default 0). */
  readonly low?: number;
  /** Exclusive upper bound (default 1). */
  readonly high?: number;
}

/** Options of {@link fillNormal}. */
export interface NormalOptions extends StreamOptions {
  /** Mean (default 0). */
  readonly mean?: number;
  /** Standard deviation, ≥ 0 (default 1). */
  readonly std?: number;
}

/** Options of {@link fillTruncatedNormal}. */
export interface TruncatedNormalOptions extends NormalOptions {
  /** Absolute lower bound of the draw (default mean − 2·std), as in PyTorch's `trunc_normal_`. */
  readonly low?: number;
  /** Absolute upper bound of the draw (default mean + 2·std). */
  readonly high?: number;
}

/**
 * The standardized bounds of a truncated normal may not start further than this from the mean on their near
 * side: Φ(−37.5) ≈ 4.6e−308 is the last tail mass a double holds with full precision.
 */
export const MAX_TRUNCATION_SIGMAS = 37.5;

const words = new Uint32Array(2);

/**
 * The open-interval uniform of stream element `index`: u = (m + ½)·2^-52 ∈ (0, 1), where m is the top 26 bits of
 * each output word of Threefry(key, counter(index)). u and 1 − u have the same form, so the grid is symmetric.
 */
export function uniformAt(k0: number, k1: number, index: number): number {
  threefry2x32(k0, k1, Math.floor(index / TWO_POW_32), index >>> 0, words, 0);
  return ((words[0]! >>> 6) * TWO_POW_26 + (words[1]! >>> 6) + 0.5) * TWO_POW_M52;
}

/**
 * The uniform of float32 stream element `index`: u = (w + ½)·2^-32 ∈ (0, 1), w the 32-bit word of the element —
 * word index mod 2 of Threefry(key, counter(⌊index / 2⌋)) — so one block gives two elements.
 */
export function uniform32At(k0: number, k1: number, index: number): number {
  const block = Math.floor(index / 2);
  threefry2x32(k0, k1, Math.floor(block / TWO_POW_32), block >>> 0, words, 0);
  return (words[index - 2 * block]! + 0.5) * TWO_POW_M32;
}

/**
 * A validated fill, everything but the output array (fill-plan.ts): the distribution and its parameters by name
 * (already specialized to the output type), the key words and the stream index of `out[0]`. {@link runFill} executes
 * it on the whole output or on any slice, which is how `initlab/node` splits a fill across threads with identical bits.
 */
export type { FillPlan, NormalPlan, SamplerDistribution, TruncatedNormalPlan, UniformPlan } from './fill-plan.ts';

/**
 * Writes elements [start, end) of the planned output into `out[start … end)` (`out` is the whole output, of the
 * planned element type). Element j is stream element plan.offset + j, so slices filled separately, in any order or
 * on any thread, give the same bits as one call.
 */
export function runFill(plan: FillPlan, out: FloatArray, start = 0, end = out.length): void {
  const part = start === 0 && end === out.length ? out : out.subarray(start, end);
  const offset = plan.offset + start;
  const { k0, k1 } = plan;
  if (plan.float32 !== part instanceof Float32Array) throw new TypeError('runFill: the output type differs from the plan');
  // The WebAssembly SIMD path where it exists; the TypeScript kernels otherwise. Same bits (kernels.test.ts).
  if (simdFill(plan, part, offset)) return;
  switch (plan.distribution) {
    case 'uniform':
      // min(low + width·u, top), u = uniform32At(k0, k1, offset + j) for float32, uniformAt(…) for float64.
      if (part instanceof Float32Array) uniform32Kernel(k0, k1, part, offset, plan.low, plan.width, plan.top);
      else uniformKernel(k0, k1, part, offset, plan.low, plan.width, plan.top);
      return;
    case 'normal':
      // Float32: mean + std·normal32At(k0, k1, offset + j) (Box–Muller in float32, box-muller.ts); float64:
      // mean + std·normalQuantile(uniformAt(k0, k1, offset + j)).
      if (part instanceof Float32Array) normal32Kernel(k0, k1, part, offset, plan.mean, plan.std);
      else normalKernel(k0, k1, part, offset, plan.mean, plan.std);
      return;
    case 'truncated_normal': {
      // z = sign·normalQuantile(base + mass·uniformAt(k0, k1, offset + j)), x = mean + std·z (rounded to float32
      // for a Float32Array), clamped to [bottom, top].
      const { base, mass, sign, mean, std, bottom, top } = plan;
      truncatedNormalKernel(k0, k1, part, offset, base, mass, sign, mean, std, bottom, top);
      return;
    }
  }
}

/** Validates the options of {@link fillUniform} for an output of `length` elements and plans the fill. */
export function planUniform(key: KeyLike, float32: boolean, length: number, options: UniformOptions = {}): UniformPlan {
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  checkFinite('uniform', 'low', low);
  checkFinite('uniform', 'high', high);
  if (!(low < high)) fail('invalid_option', 'uniform', 'low', `less than high (${high})`, low);
  const offset = checkOffset('uniform', options.offset, length);
  const k = toKey(key);
  return { distribution: 'uniform', float32, k0: k.k0, k1: k.k1, offset, low, width: high - low, top: largestBelow(high, float32) };
}

/** Validates the options of {@link fillNormal} for an output of `length` elements and plans the fill. */
export function planNormal(key: KeyLike, float32: boolean, length: number, options: NormalOptions = {}): NormalPlan {
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  checkFinite('normal', 'mean', mean);
  checkStd('normal', std);
  const offset = checkOffset('normal', options.offset, length);
  const k = toKey(key);
  return { distribution: 'normal', float32, k0: k.k0, k1: k.k1, offset, mean, std };
}

/**
 * Checks the bounds of a truncated normal: low < high, and the bound nearer the mean (when both lie on one side of
 * it) at most {@link MAX_TRUNCATION_SIGMAS} standard deviations away, beyond which the tail mass underflows.
 *
 * @throws InitError `invalid_option` naming `low` or `high`.
 */
export function checkTruncationBounds(mean: number, std: number, low: number, high: number): void {
  if (!(low < high)) fail('invalid_option', 'truncated_normal', 'low', `less than high (${high})`, low);
  const limit = `within ${MAX_TRUNCATION_SIGMAS} std of the mean when both bounds are on one side of it`;
  if ((low - mean) / std > MAX_TRUNCATION_SIGMAS) fail('invalid_option', 'truncated_normal', 'low', limit, low);
  if ((mean - high) / std > MAX_TRUNCATION_SIGMAS) fail('invalid_option', 'truncated_normal', 'high', limit, high);
}

/** Validates the options of {@link fillTruncatedNormal} for an output of `length` elements and plans the fill. */
export function planTruncatedNormal(key: KeyLike, float32: boolean, length: number, options: TruncatedNormalOptions = {}): TruncatedNormalPlan {
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  checkFinite('truncated_normal', 'mean', mean);
  checkStd('truncated_normal', std);
  if (std === 0) fail('invalid_option', 'truncated_normal', 'std', 'a positive number', std);
  const low = options.low ?? mean - 2 * std;
  const high = options.high ?? mean + 2 * std;
  checkFinite('truncated_normal', 'low', low);
  checkFinite('truncated_normal', 'high', high);
  checkTruncationBounds(mean, std, low, high);
  const alpha = (low - mean) / std;
  const beta = (high - mean) / std;
  const offset = checkOffset('truncated_normal', options.offset, length);
  const k = toKey(key);
  const mirrored = alpha >= 0;
  const base = mirrored ? normalCdf(-beta) : normalCdf(alpha);
  const mass = mirrored ? normalCdf(-alpha) - base : normalCdf(beta) - base;
  const sign = mirrored ? -1 : 1;
  const bottom = float32 ? smallestAtLeast32(low) : low;
  const top = float32 ? largestAtMost32(high) : high;
  return { distribution: 'truncated_normal', float32, k0: k.k0, k1: k.k1, offset, base, mass, sign, mean, std, bottom, top };
}

/**
 * Fills `out` with 𝒰[low, high): x = low + (high − low)·u in float64, rounded once to the output type. For a
 * Float64Array, u comes from {@link uniformAt} (52 bits, one Threefry block per value); for a Float32Array, from
 * {@link uniform32At} (32 bits, one word, two values per block). Values that round up to `high` in the output
 * precision are replaced by the largest representable value below `high`.
 *
 * @returns `out`.
 * @throws InitError `invalid_option` when a bound is not finite or low ≥ high, or the offset is invalid.
 * @example
 * fillUniform(keyFromSeed(0), new Float32Array(4), { low: -1, high: 1 }); // Float32Array [-0.1630…, 0.2009…, -0.5674…, 0.6082…]
 */
export function fillUniform<T extends FloatArray>(key: KeyLike, out: T, options: UniformOptions = {}): T {
  runFill(planUniform(key, out instanceof Float32Array, out.length, options), out);
  return out;
}

/**
 * Fills `out` with 𝒩(mean, std²): x = mean + std·z, untruncated, with z from one of two streams:
 *
 * - Float32Array: z is the float32 Box–Muller normal (Box & Muller 1958; box-muller.ts), elements 2j and 2j + 1 from
 *   Threefry block j, computed in IEEE single precision; x = fl32(mean + std·z). The largest |z| is about 6.76.
 * - Float64Array: z = Φ⁻¹(u) by inversion (Wichura's AS 241, 1988), u from {@link uniformAt}; the largest |z| is
 *   about 8.2 (u = 2^-53).
 *
 * The float32 stream is therefore not the float64 stream rounded (as in PyTorch and JAX, where float32 and float64
 * normals also differ); each is the same on every platform and path.
 *
 * @returns `out`.
 * @throws InitError `invalid_option` when mean is not finite, std is NaN, negative or infinite.
 * @example
 * fillNormal(keyFromSeed(0), new Float64Array(3), { std: 0.02 }); // Float64Array [-0.004116…, -0.015695…, 0.036321…]
 */
export function fillNormal<T extends FloatArray>(key: KeyLike, out: T, options: NormalOptions = {}): T {
  runFill(planNormal(key, out instanceof Float32Array, out.length, options), out);
  return out;
}

/**
 * Fills `out` with 𝒩(mean, std²) restricted to the absolute bounds [low, high] (PyTorch `trunc_normal_`
 * semantics, no variance correction), exactly, by inversion: with α = (low − mean)/std and β = (high − mean)/std,
 * z = Φ⁻¹(Φ(α) + (Φ(β) − Φ(α))·u), computed on the mirrored side z = −Φ⁻¹(Φ(−β) + (Φ(−α) − Φ(−β))·u) when α ≥ 0
 * so that far upper tails such as [3, 6] keep full precision; x = mean + std·z, clamped to [low, high].
 *
 * @returns `out`.
 * @throws InitError `invalid_option` for non-finite or unordered bounds, a bad std, or bounds whose near side is
 *   more than {@link MAX_TRUNCATION_SIGMAS} standard deviations from the mean.
 * @example
 * fillTruncatedNormal(keyFromSeed(0), new Float32Array(768 * 768), { std: 0.02 }); // every value in [-0.04, 0.04]
 * fillTruncatedNormal(keyFromSeed(0), new Float64Array(1000), { low: 3, high: 6 }); // the far upper tail, every value in [3, 6]
 */
export function fillTruncatedNormal<T extends FloatArray>(key: KeyLike, out: T, options: TruncatedNormalOptions = {}): T {
  runFill(planTruncatedNormal(key, out instanceof Float32Array, out.length, options), out);
  return out;
}

/**
 * A uniformly random permutation of 0 … n−1 by Fisher–Yates (Durstenfeld 1964): for i = n−1 … 1, swap entries i and
 * ⌊u_i·(i + 1)⌋, where u_i is stream element i. The bias of ⌊u·(i+1)⌋ is at most n·2^-52 and is ignored.
 *
 * @example
 * permutation(keyFromSeed(0), 5); // Uint32Array [1, 0, 3, 4, 2]
 */
export function permutation(key: KeyLike, n: number): Uint32Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) {
    fail('invalid_option', 'permutation', 'n', 'an integer in [0, 2^32)', n);
  }
  const k = toKey(key);
  const result = new Uint32Array(n);
  for (let i = 0; i < n; i++) result[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniformAt(k.k0, k.k1, i) * (i + 1));
    const t = result[i]!;
    result[i] = result[j]!;
    result[j] = t;
  }
  return result;
}

function checkFinite(where: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail('invalid_option', where, name, 'a finite number', value);
}

function checkStd(where: string, std: number): void {
  if (typeof std !== 'number' || !Number.isFinite(std) || std < 0) {
    fail('invalid_option', where, 'std', 'a finite number ≥ 0', std);
  }
}

function checkOffset(where: string, offset: number | undefined, length: number): number {
  const value = offset ?? 0;
  if (!Number.isSafeInteger(value) || value < 0 || value + length > Number.MAX_SAFE_INTEGER) {
    fail('invalid_option', where, 'offset', 'an integer ≥ 0 with offset + length < 2^53', value);
  }
  return value;
}

const f64 = new Float64Array(1);
const u64 = new BigInt64Array(f64.buffer);

/** The largest value below `high` in the output precision (float32 or float64). */
function largestBelow(high: number, float32: boolean): number {
  if (float32) {
    const h = largestAtMost32(high);
    return h < high ? h : nextDown32(h);
  }
  return nextDown64(high);
}

function nextDown64(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  f64[0] = x;
  u64[0] = x > 0 ? u64[0]! - 1n : u64[0]! + 1n;
  return f64[0]!;
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

function nextDown32(x: number): number {
  f32[0] = x;
  if (x === 0) return -1.401298464324817e-45;
  i32[0] = x > 0 ? i32[0]! - 1 : i32[0]! + 1;
  return f32[0]!;
}

function nextUp32(x: number): number {
  return -nextDown32(-x);
}

/** The largest float32 value ≤ x. */
function largestAtMost32(x: number): number {
  const r = Math.fround(x);
  return r <= x ? r : nextDown32(r);
}

/** The smallest float32 value ≥ x. */
function smallestAtLeast32(x: number): number {
  const r = Math.fround(x);
  return r >= x ? r : nextUp32(r);
}
