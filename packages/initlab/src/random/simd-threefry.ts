/**
 * Threefry-2x32-20 in WebAssembly SIMD, shared by the sampler kernels (simd.ts, simd-float32.ts): the key schedule
 * as i32x4 splats, and the twenty rounds on several vectors of four counters at once, interleaved round by round so
 * that the processor overlaps their dependency chains. The operations are those of threefry.ts (32-bit adds,
 * rotations, xors), lane by lane, so every lane equals one `threefry2x32` call.
 *
 * @module
 */
import { type Code, OP, SIMD } from '../wasm/assembler.ts';
import { THREEFRY_PARITY } from './threefry.ts';

/** Rotation constants of Threefry-2x32 (Random123 `R_32x2`). */
const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24];

/** The locals the Threefry code uses: i32 parameters and scratch, and v128 key and counter splats. */
export interface ThreefryLocals {
  /** i32 parameters: key words and the counter of the first lane (c0 high word, c1 low word). */
  readonly k0: number;
  readonly k1: number;
  readonly c0: number;
  readonly c1: number;
  /** i32 scratch: k2. */
  readonly k2: number;
  /** v128: the injected key words (a_s, b_s), s = 1 … 5, as splats. */
  readonly injections: readonly (readonly [a: number, b: number])[];
  /** v128: c0 + k0 in every lane. */
  readonly x0Start: number;
  /** v128: c1 + k1 + lane (the first vector's x1 before the rounds), advanced after each iteration. */
  readonly counter: number;
}

/** A kernel's parameter and local indices by name, as simd.ts and simd-float32.ts declare them. */
interface KernelSlots {
  readonly k0: number;
  readonly k1: number;
  readonly c0: number;
  readonly c1: number;
}
type InjectionName = 'a1' | 'b1' | 'a2' | 'b2' | 'a3' | 'b3' | 'a4' | 'b4' | 'a5' | 'b5';
type KernelLocals = Readonly<Record<InjectionName | 'k2' | 'x0Start' | 'counter', number>>;

/** The {@link ThreefryLocals} of a kernel whose parameters are `p` and whose locals are `l`. */
export function threefryLocals(p: KernelSlots, l: KernelLocals): ThreefryLocals {
  return {
    k0: p.k0,
    k1: p.k1,
    c0: p.c0,
    c1: p.c1,
    k2: l.k2,
    injections: [
      [l.a1, l.b1],
      [l.a2, l.b2],
      [l.a3, l.b3],
      [l.a4, l.b4],
      [l.a5, l.b5],
    ],
    x0Start: l.x0Start,
    counter: l.counter,
  };
}

/** The i8x16.shuffle lanes that rotate each 32-bit lane left by 8·bytes bits (little-endian lanes). */
function rotateBytes(bytes: number): number[] {
  return Array.from({ length: 16 }, (_, k) => (k & ~3) + (((k & 3) - bytes + 4) & 3));
}

/** Emits the key schedule: k2 = k0 ^ k1 ^ parity, the five injections, x0Start and the first counter vector. */
export function emitKeySchedule(code: Code, l: ThreefryLocals): void {
  code.get(l.k0).get(l.k1).op(OP.i32Xor).i32(THREEFRY_PARITY).op(OP.i32Xor).set(l.k2);
  // Injection s adds (a_s, b_s) to (x0, x1): the key words rotate through k0, k1, k2, plus s on the second word.
  const words = [l.k0, l.k1, l.k2];
  for (let s = 1; s <= 5; s++) {
    const [a, b] = l.injections[s - 1]!;
    code
      .get(words[s % 3]!)
      .simd(SIMD.i32x4Splat)
      .set(a);
    code
      .get(words[(s + 1) % 3]!)
      .i32(s)
      .op(OP.i32Add)
      .simd(SIMD.i32x4Splat)
      .set(b);
  }
  code.get(l.c0).get(l.k0).op(OP.i32Add).simd(SIMD.i32x4Splat).set(l.x0Start);
  code.get(l.c1).get(l.k1).op(OP.i32Add).simd(SIMD.i32x4Splat).i32x4([0, 1, 2, 3]).simd(SIMD.i32x4Add).set(l.counter);
}

/**
 * Emits one iteration's Threefry blocks: vector v gets the counters counter + 4v (x0 = x0Start, x1 = counter + 4v),
 * then the twenty rounds with the key injections, on all vectors, round by round. Leaves the output words in the
 * vectors' (x0, x1) locals.
 */
export function emitThreefryBlocks(code: Code, l: ThreefryLocals, vectors: readonly (readonly [x0: number, x1: number])[]): void {
  for (const [v, [x0, x1]] of vectors.entries()) {
    code
      .get(l.x0Start)
      .set(x0)
      .get(l.counter)
      .i32x4([4 * v, 4 * v, 4 * v, 4 * v])
      .simd(SIMD.i32x4Add)
      .set(x1);
  }
  for (let group = 0; group < 5; group++) {
    for (let round = 0; round < 4; round++) {
      const rotation = ROTATIONS[(group % 2) * 4 + round]!;
      for (const [x0, x1] of vectors) {
        // x0 += x1; x1 = rotl(x1, R) ^ x0 (a byte shuffle when R is a multiple of 8: one instruction instead of three)
        code.get(x0).get(x1).simd(SIMD.i32x4Add).set(x0);
        if (rotation % 8 === 0)
          code
            .get(x1)
            .get(x1)
            .shuffle(rotateBytes(rotation / 8));
        else
          code
            .get(x1)
            .i32(rotation)
            .simd(SIMD.i32x4Shl)
            .get(x1)
            .i32(32 - rotation)
            .simd(SIMD.i32x4ShrU)
            .simd(SIMD.or);
        code.get(x0).simd(SIMD.xor).set(x1);
      }
    }
    const [a, b] = l.injections[group]!;
    for (const [x0, x1] of vectors) {
      code.get(x0).get(a).simd(SIMD.i32x4Add).set(x0);
      code.get(x1).get(b).simd(SIMD.i32x4Add).set(x1);
    }
  }
}

/** Emits counter += step in every lane (after an iteration of `step` counters). */
export function emitCounterAdvance(code: Code, l: ThreefryLocals, step: number): void {
  code.get(l.counter).i32x4([step, step, step, step]).simd(SIMD.i32x4Add).set(l.counter);
}
