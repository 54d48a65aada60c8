/**
 * The WebAssembly SIMD fast path of the samplers that take one Threefry block per value — float64 uniforms and
 * normals, and truncated normals of both types: Threefry-2x32-20 on four counters at once (i32x4, simd-threefry.ts)
 * and the transforms on two doubles at once (f64x2), in a module assembled byte by byte (src/wasm/assembler.ts; no
 * toolchain, no binary file). Float32 uniforms and normals, two values per block, are simd-float32.ts's; {@link
 * simdFill} sends them there.
 *
 * Every lane performs exactly the IEEE operations of the reference path, in the same order — 32-bit adds, shifts
 * and xors; f64 conversions of 26-bit integers, adds, multiplies and divisions, each correctly rounded in wasm as in
 * JavaScript, and no fused multiply-add — so the bits are those of kernels.ts and of the reference path
 * (test/random/kernels.test.ts checks all three). Work goes in blocks of at most {@link SIMD_BLOCK} elements:
 *
 * - uniform: x = min(low + width·u, top) (`f64x2.pmin` returns the same value as `x < top ? x : top`);
 * - normal: the AS 241 central rational function for every element, x = mean + std·z, and a list of the elements
 *   outside the central region (|q| > 0.425, 15% of them), which a second loop recomputes with AS 241's tail branch
 *   (special.ts's log, √, the intermediate and far rational functions, selected per lane);
 * - truncated normal: the same with p = base + mass·u and the clamp to [bottom, top] (`f64x2.pmax`/`pmin`).
 *
 * Latency, not the number of operations, limits these loops: the main loop runs {@link VECTORS} independent Threefry
 * vectors and the tail loop {@link TAIL_PAIRS} pairs of elements, statement by statement, so that the processor
 * overlaps their dependency chains (about 1.8–2× faster than one chain at a time here). Constants come from a pool in the
 * module's memory: V8 builds an inline `v128.const` with several instructions each time.
 *
 * Float32 outputs (truncated normals) are rounded once with `f32x4.demote_f64x2_zero`, like a Float32Array store. The few elements whose
 * min(p, 1 − p) is below the smallest normal double (p rounded to 0 or 1: only truncated normals can) are left to
 * `normalQuantile` in JavaScript, whose logarithm handles subnormals. The module needs
 * WebAssembly with SIMD (Node ≥ 16.4, current browsers); {@link simdKernel} returns undefined where it cannot be
 * compiled (no WebAssembly, no SIMD, or synchronous compilation refused), and the pure TypeScript kernels are used.
 *
 * @module
 */
import { Code, ConstantPool, F64, HIGH_HALF, I32, instantiate, LOW_HALVES, Locals, moduleBytes, OP, SIMD, V128, wasmSimdSupported } from '../wasm/assembler.ts';
import { type FillPlan, type SamplerDistribution, WASM_PARAMETER_ORDER, wasmArguments, wasmParameterIndex } from './fill-plan.ts';
import { emitCounterAdvance, emitKeySchedule, emitThreefryBlocks, threefryLocals } from './simd-threefry.ts';
import { simdFloat32Fill } from './simd-float32.ts';
import { TWO_POW_26, TWO_POW_32, TWO_POW_M52 } from './threefry.ts';
import {
  AS241,
  ATANH_SERIES,
  CENTRAL_HALF_WIDTH,
  CENTRAL_OFFSET,
  FAR_TAIL_START,
  INTERMEDIATE_OFFSET,
  LN2_HI,
  LN2_LO,
  MIN_NORMAL,
  normalQuantile,
} from './special.ts';

/** Elements per call: the module's memory holds the uniforms, the outputs and the tail list of one block. */
export const SIMD_BLOCK = 2048;
/**
 * Byte offsets in the module's memory. A call computes whole iterations of up to 16 elements, up to 15 past `count`,
 * so each region has room for 16 more elements than a block.
 */
const ROOM = SIMD_BLOCK + 16;
const U_BASE = 0;
const OUT_BASE = ROOM * 8;
const TAILS_BASE = ROOM * 16;
const SLOW_BASE = ROOM * 20;
/** The constant pool (a data segment), after the slow list (which may count a duplicated last entry up to 7 times). */
const CONST_BASE = ROOM * 24 + 64;

/** One kernel call: (k0, k1, c0, c1, count, p0 … p6) → number of slow elements listed. */
type KernelFn = (k0: number, k1: number, c0: number, c1: number, count: number, ...params: number[]) => number;

/**
 * Threefry vectors per main-loop iteration: independent dependency chains that the processor overlaps (at most 7: the
 * iteration's 4·VECTORS tail flags go in one i32).
 */
const VECTORS = 4;
/** Pairs of tail elements per iteration of the tail loop. */
const TAIL_PAIRS = 4;

/** The most f64 parameters a kernel takes (the truncated normal's). */
const MAX_PARAMETERS = WASM_PARAMETER_ORDER.truncated_normal.length;

// Parameters and locals of every kernel (the same for all, so one layout): 5 i32 and 7 f64 parameters, then i32
// locals, then v128 locals, then the i32 locals of the tail list.
const LOCALS = new Locals();
const P = LOCALS.parameters(I32, ['k0', 'k1', 'c0', 'c1', 'count']);
/** The f64 parameters p0 … p6: the plan's parameters in WASM_PARAMETER_ORDER (fill-plan.ts). */
const PARAMETER = LOCALS.parameterList(F64, MAX_PARAMETERS);
/** i32 scratch, and v128: counters and key-injection splats, … */
const L = {
  ...LOCALS.named(I32, ['i', 'n', 'bits', 'k2', 't', 'idxA', 'slow']),
  ...LOCALS.named(V128, ['counter', 'x0Start', 'a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4', 'a5', 'b5']),
};
/** … the f64 parameters as splats, … */
const SPLAT = LOCALS.list(V128, MAX_PARAMETERS);
/** … and a scratch value. */
const X = LOCALS.named(V128, ['x']).x;

/** The splat (f64x2 local) of a distribution's parameter. */
function splat<D extends SamplerDistribution>(distribution: D, name: (typeof WASM_PARAMETER_ORDER)[D][number]): number {
  return SPLAT(wasmParameterIndex(distribution, name));
}
/** Per Threefry vector v: x0, x1, x0 >>> 6, x1 >>> 6. */
const V = LOCALS.groups(V128, ['x0', 'x1', 'hi', 'lo'], VECTORS);
/** Per pair of lanes h (0 … 2·VECTORS − 1): u, q, r, numerator, denominator, value. */
const PAIR = LOCALS.groups(V128, ['u', 'q', 'r', 'n', 'd', 'y'], 2 * VECTORS);
/** Per pair of tail elements g: the v128 locals of the tail loop. */
const TAIL = LOCALS.groups(V128, ['p', 'q', 'lower', 'x', 'hi', 'e', 'f', 'k', 's', 'half', 'zz', 'r', 'ti', 'tf', 'c', 'd', 'mag'], TAIL_PAIRS);
/** i32 locals holding the tail-list entries 1 … 2·TAIL_PAIRS − 1 of an iteration (entry 0 is idxA): entry j at TAIL_INDEX(j − 1). */
const TAIL_INDEX = LOCALS.list(I32, 2 * TAIL_PAIRS - 1);

/** Where the shared Threefry code (simd-threefry.ts) finds its parameters and locals. */
const THREEFRY_LOCALS = threefryLocals(P, L);

// AS 241 (special.ts's coefficients, highest degree first) and special.ts's log constants.
const { A, B, C, D, E, F } = AS241;
const ATANH = ATANH_SERIES;

/** Replaces z (f64x2 on the stack) by the output value x. */
function output(code: Code, distribution: SamplerDistribution, float32: boolean): void {
  if (distribution === 'normal') {
    // x = mean + std·z
    code.set(X).get(splat('normal', 'mean')).get(splat('normal', 'std')).get(X).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
  } else {
    // x = mean + std·(sign·z), rounded to float32 first for a float32 output, then clamped to [bottom, top].
    const truncated = (name: (typeof WASM_PARAMETER_ORDER.truncated_normal)[number]): number => splat('truncated_normal', name);
    code.set(X).get(truncated('mean')).get(truncated('std')).get(truncated('sign')).get(X);
    code.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
    if (float32) code.simd(SIMD.f32x4DemoteF64x2Zero).simd(SIMD.f64x2PromoteLowF32x4);
    code.get(truncated('bottom')).simd(SIMD.f64x2Pmax).get(truncated('top')).simd(SIMD.f64x2Pmin);
  }
}

/**
 * The elements outside the central region, from the tail list, {@link TAIL_PAIRS} pairs per iteration (statement by
 * statement across the pairs, to overlap their dependency chains): normalQuantile's tail branch,
 * r = √(−log(min(p, 1 − p))) with special.ts's log, then AS 241's intermediate (r ≤ 5) or far (r > 5) rational
 * function, selected per lane (the far one is only evaluated when a lane of the iteration needs it). Elements whose min(p, 1 − p) is below the smallest normal double
 * (p = 0 or 1 included: only truncated normals reach them) go to the slow list, for normalQuantile in JavaScript.
 * Leaves the number of slow elements in local `slow`.
 */
function tails(code: Code, distribution: SamplerDistribution, float32: boolean): void {
  code.i32(0).set(L.t).i32(0).set(L.slow);
  code.loopUntil(
    () => code.get(L.t).get(L.n).op(OP.i32GeU),
    () => tailIteration(code, distribution, float32),
  );
}

/** One iteration of the tail loop: entries t … t + 2·TAIL_PAIRS − 1 of the tail list. */
function tailIteration(code: Code, distribution: SamplerDistribution, float32: boolean): void {
  const pairs = Array.from({ length: TAIL_PAIRS }, (_, g) => g);
  const t = (name: keyof typeof TAIL, g: number): number => TAIL[name](g);
  /** Runs `emit` for every pair: one statement for all pairs, then the next. */
  const each = (emit: (g: number) => void): void => pairs.forEach(emit);
  // Element j of this iteration: TAILS[t + j] if t + j < n, else TAILS[t] again (computed twice, stored twice).
  code.get(L.t).i32(2).op(OP.i32Shl).i32Load(TAILS_BASE).set(L.idxA);
  const index = (j: number): number => (j === 0 ? L.idxA : TAIL_INDEX(j - 1));
  for (let j = 1; j < 2 * TAIL_PAIRS; j++) {
    code
      .get(L.t)
      .i32(2)
      .op(OP.i32Shl)
      .i32Load(TAILS_BASE + 4 * j)
      .get(L.idxA);
    code.get(L.t).i32(j).op(OP.i32Add).get(L.n).op(OP.i32LtU, OP.select).set(index(j));
  }
  // u = [U[index 2g], U[index 2g + 1]]; p = u or base + mass·u; q = p − ½; lower = q < 0; x = lower ? p : 1 − p.
  each((g) => {
    code
      .get(index(2 * g))
      .i32(3)
      .op(OP.i32Shl)
      .f64Load(U_BASE)
      .simd(SIMD.f64x2Splat);
    code
      .get(index(2 * g + 1))
      .i32(3)
      .op(OP.i32Shl)
      .f64Load(U_BASE)
      .simd(SIMD.f64x2ReplaceLane, 1);
    if (distribution === 'truncated_normal') {
      code.set(t('p', g)).get(splat('truncated_normal', 'base')).get(splat('truncated_normal', 'mass')).get(t('p', g));
      code.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
    }
    code.set(t('p', g));
  });
  each((g) => code.get(t('p', g)).f64x2(0.5).simd(SIMD.f64x2Sub).set(t('q', g)));
  each((g) => code.get(t('q', g)).f64x2(0).simd(SIMD.f64x2Lt).set(t('lower', g)));
  each((g) => code.get(t('p', g)).f64x2(1).get(t('p', g)).simd(SIMD.f64x2Sub).get(t('lower', g)).simd(SIMD.bitselect).set(t('x', g)));
  // Slow lanes (x < MIN_NORMAL): listed, and computed on x = ½ meanwhile (their value is replaced in JavaScript).
  each((g) => {
    code.get(t('x', g)).f64x2(MIN_NORMAL).simd(SIMD.f64x2Lt).set(t('r', g));
    code.get(t('r', g)).simd(SIMD.i64x2Bitmask).set(L.bits);
    code
      .get(L.slow)
      .i32(2)
      .op(OP.i32Shl)
      .get(index(2 * g))
      .i32Store(SLOW_BASE);
    code.get(L.slow).get(L.bits).i32(1).op(OP.i32And, OP.i32Add).set(L.slow);
    code
      .get(L.slow)
      .i32(2)
      .op(OP.i32Shl)
      .get(index(2 * g + 1))
      .i32Store(SLOW_BASE);
    code.get(L.slow).get(L.bits).i32(1).op(OP.i32ShrU, OP.i32Add).set(L.slow);
    code.f64x2(0.5).get(t('x', g)).get(t('r', g)).simd(SIMD.bitselect).set(t('x', g));
  });
  // log(x): the binary exponent e from the high word, moved by one when the mantissa is at least √2's top bits.
  each((g) => code.get(t('x', g)).i32(32).simd(SIMD.i64x2ShrU).set(t('hi', g)));
  each((g) => {
    code.get(t('hi', g)).i32(20).simd(SIMD.i64x2ShrU).i64x2(1023).simd(SIMD.i64x2Sub);
    code.get(t('hi', g)).i64x2(0xfffff).simd(SIMD.and).i64x2(0x6a09e).simd(SIMD.i64x2GeS).simd(SIMD.i64x2Sub).set(t('e', g));
  });
  // f = x·2^-e − 1 (2^-e built from its bits); k = e as a double.
  each((g) => {
    code.get(t('x', g)).i64x2(1023).get(t('e', g)).simd(SIMD.i64x2Sub).i32(52).simd(SIMD.i64x2Shl).simd(SIMD.f64x2Mul);
    code.f64x2(1).simd(SIMD.f64x2Sub).set(t('f', g));
  });
  each((g) => {
    code.get(t('e', g)).get(t('e', g)).shuffle([0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11]);
    code.simd(SIMD.f64x2ConvertLowI32x4S).set(t('k', g));
  });
  // s = f/(2 + f); half = ½·f·f; zz = s²; R = zz·(2/3 + zz·(2/5 + … + zz·(2/21)))
  each((g) => code.get(t('f', g)).f64x2(2).get(t('f', g)).simd(SIMD.f64x2Add).simd(SIMD.f64x2Div).set(t('s', g)));
  each((g) => code.f64x2(0.5).get(t('f', g)).simd(SIMD.f64x2Mul).get(t('f', g)).simd(SIMD.f64x2Mul).set(t('half', g)));
  each((g) => code.get(t('s', g)).get(t('s', g)).simd(SIMD.f64x2Mul).set(t('zz', g)));
  each((g) => code.f64x2(ATANH[0]!).set(t('r', g)));
  for (const c of ATANH.slice(1)) each((g) => code.get(t('r', g)).get(t('zz', g)).simd(SIMD.f64x2Mul).f64x2(c).simd(SIMD.f64x2Add).set(t('r', g)));
  each((g) => code.get(t('r', g)).get(t('zz', g)).simd(SIMD.f64x2Mul).set(t('r', g)));
  // correction = half − (s·(half + R) + k·LN2_LO); log = k·LN2_HI − (correction − f); r = √(−log)
  each((g) => {
    code.get(t('half', g)).get(t('s', g)).get(t('half', g)).get(t('r', g)).simd(SIMD.f64x2Add).simd(SIMD.f64x2Mul);
    code.get(t('k', g)).f64x2(LN2_LO).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).simd(SIMD.f64x2Sub).set(t('r', g));
  });
  each((g) => {
    code.get(t('k', g)).f64x2(LN2_HI).simd(SIMD.f64x2Mul).get(t('r', g)).get(t('f', g)).simd(SIMD.f64x2Sub).simd(SIMD.f64x2Sub);
    code.simd(SIMD.f64x2Neg).simd(SIMD.f64x2Sqrt).set(t('r', g));
  });
  // mag = r ≤ 5 ? C(r − 1.6)/D(r − 1.6) : E(r − 5)/F(r − 5), the four polynomials by Horner's rule side by side.
  each((g) => {
    code.get(t('r', g)).f64x2(INTERMEDIATE_OFFSET).simd(SIMD.f64x2Sub).set(t('ti', g));
    code.get(t('r', g)).f64x2(FAR_TAIL_START).simd(SIMD.f64x2Sub).set(t('tf', g));
  });
  const polynomials = [
    [C, 'c', 'ti'],
    [D, 'd', 'ti'],
    [E, 'e', 'tf'],
    [F, 'f', 'tf'],
  ] as const;
  // (e and f are free again: reused as the accumulators of E and F.)
  const evaluate = (chosen: readonly (typeof polynomials)[number][]): void => {
    each((g) => chosen.forEach(([coefficients, acc]) => code.f64x2(coefficients[0]!).set(t(acc, g))));
    for (let step = 1; step < C.length; step++) {
      each((g) =>
        chosen.forEach(([coefficients, acc, variable]) =>
          code.get(t(acc, g)).get(t(variable, g)).simd(SIMD.f64x2Mul).f64x2(coefficients[step]!).simd(SIMD.f64x2Add).set(t(acc, g)),
        ),
      );
    }
  };
  // The far tail (r > 5, tail probability below e^-25) is rare: skip E and F when no lane of the iteration needs them.
  code.i32(0);
  each((g) => code.get(t('r', g)).f64x2(FAR_TAIL_START).simd(SIMD.f64x2Gt).simd(SIMD.anyTrue).op(OP.i32Or));
  code.if(); // any lane in the far tail
  evaluate(polynomials);
  each((g) => {
    code.get(t('c', g)).get(t('d', g)).simd(SIMD.f64x2Div).get(t('e', g)).get(t('f', g)).simd(SIMD.f64x2Div);
    code.get(t('r', g)).f64x2(FAR_TAIL_START).simd(SIMD.f64x2Le).simd(SIMD.bitselect).set(t('mag', g));
  });
  code.else();
  evaluate(polynomials.slice(0, 2));
  each((g) => code.get(t('c', g)).get(t('d', g)).simd(SIMD.f64x2Div).set(t('mag', g)));
  code.end();
  // z = lower ? −mag : mag, then the output value; store lane 0 and lane 1 at their elements.
  each((g) => {
    code.get(t('mag', g)).simd(SIMD.f64x2Neg).get(t('mag', g)).get(t('lower', g)).simd(SIMD.bitselect);
    output(code, distribution, float32);
    code.set(t('x', g));
    for (const lane of [0, 1]) {
      const element = index(2 * g + lane);
      if (float32) {
        code.get(element).i32(2).op(OP.i32Shl).get(t('x', g)).simd(SIMD.f64x2ExtractLane, lane).op(OP.f32DemoteF64).f32Store(OUT_BASE);
      } else {
        code.get(element).i32(3).op(OP.i32Shl).get(t('x', g)).simd(SIMD.f64x2ExtractLane, lane).f64Store(OUT_BASE);
      }
    }
  });
  code
    .get(L.t)
    .i32(2 * TAIL_PAIRS)
    .op(OP.i32Add)
    .set(L.t);
}

/**
 * The transforms of the uniforms of one iteration, as pairs (locals u) evaluated statement by statement across the
 * pairs, so that the processor overlaps their long dependency chains (Horner's rule, the division). Leaves the values
 * in the locals y and appends the elements outside the central region to the tail list.
 */
function transforms(code: Code, distribution: SamplerDistribution, float32: boolean): void {
  const pairs = Array.from({ length: 2 * VECTORS }, (_, h) => h);
  if (distribution === 'uniform') {
    // x = low + width·u; min with top.
    for (const h of pairs) {
      code.get(splat('uniform', 'low')).get(splat('uniform', 'width')).get(PAIR.u(h)).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
      code.get(splat('uniform', 'top')).simd(SIMD.f64x2Pmin);
      code.set(PAIR.y(h));
    }
    return;
  }
  // q = p − ½, with p = u (normal) or base + mass·u (truncated); r = 0.180625 − q².
  for (const h of pairs) {
    if (distribution === 'normal') code.get(PAIR.u(h));
    else code.get(splat('truncated_normal', 'base')).get(splat('truncated_normal', 'mass')).get(PAIR.u(h)).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
    code.f64x2(0.5).simd(SIMD.f64x2Sub).set(PAIR.q(h));
  }
  for (const h of pairs) {
    code.f64x2(CENTRAL_OFFSET).get(PAIR.q(h)).get(PAIR.q(h)).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Sub).set(PAIR.r(h));
  }
  // Numerators A(r) and denominators B(r) by Horner's rule, one step at a time for all pairs.
  for (const h of pairs) code.f64x2(A[0]!).set(PAIR.n(h)).f64x2(B[0]!).set(PAIR.d(h));
  for (let step = 1; step < A.length; step++) {
    for (const h of pairs) {
      code.get(PAIR.n(h)).get(PAIR.r(h)).simd(SIMD.f64x2Mul).f64x2(A[step]!).simd(SIMD.f64x2Add).set(PAIR.n(h));
      code.get(PAIR.d(h)).get(PAIR.r(h)).simd(SIMD.f64x2Mul).f64x2(B[step]!).simd(SIMD.f64x2Add).set(PAIR.d(h));
    }
  }
  // z = (q·A(r)) / B(r), then the output value.
  for (const h of pairs) {
    code.get(PAIR.q(h)).get(PAIR.n(h)).simd(SIMD.f64x2Mul).get(PAIR.d(h)).simd(SIMD.f64x2Div);
    output(code, distribution, float32);
    code.set(PAIR.y(h));
  }
  // bits = one bit per element outside the central region (|q| > 0.425), then TAILS[n++] = i + position of each.
  code.i32(0).set(L.bits);
  for (const h of pairs) {
    code.get(L.bits).get(PAIR.q(h)).simd(SIMD.f64x2Abs).f64x2(CENTRAL_HALF_WIDTH).simd(SIMD.f64x2Le).simd(SIMD.i64x2Bitmask);
    code
      .i32(2 * h)
      .op(OP.i32Shl, OP.i32Or)
      .set(L.bits); // bits |= central << 2h
  }
  code
    .get(L.bits)
    .i32((1 << (2 * pairs.length)) - 1)
    .op(OP.i32Xor)
    .set(L.bits); // flip: 1 = tail
  code.loopUntil(
    () => code.get(L.bits).op(OP.i32Eqz), // no bit left
    () => {
      code.get(L.n).i32(2).op(OP.i32Shl).get(L.i).get(L.bits).op(OP.i32Ctz, OP.i32Add).i32Store(TAILS_BASE); // i + ctz
      code.get(L.n).i32(1).op(OP.i32Add).set(L.n);
      code.get(L.bits).get(L.bits).i32(1).op(OP.i32Sub, OP.i32And).set(L.bits); // clear the lowest bit
    },
  );
}

/**
 * The code of one kernel: the key schedule and parameter splats, the main loop ({@link mainIteration}), then the
 * tail loop ({@link tails}); it leaves the number of slow elements on the stack.
 */
function kernel(distribution: SamplerDistribution, float32: boolean, pool: ConstantPool): Code {
  const code = new Code(pool);
  emitKeySchedule(code, THREEFRY_LOCALS);
  for (let k = 0; k < MAX_PARAMETERS; k++) code.get(PARAMETER(k)).simd(SIMD.f64x2Splat).set(SPLAT(k));
  code.i32(0).set(L.i).i32(0).set(L.n);
  code.loopUntil(
    () => code.get(L.i).get(P.count).op(OP.i32GeU), // i >= count (unsigned)
    () => mainIteration(code, distribution, float32),
  );
  if (distribution === 'uniform') code.i32(0);
  else {
    tails(code, distribution, float32);
    code.get(L.slow);
  }
  return code;
}

/**
 * One iteration of the main loop: Threefry on VECTORS vectors of four counters (4·VECTORS elements, the dependency
 * chains interleaved round by round), the uniforms (stored for the tail loop), the transforms and the outputs.
 */
function mainIteration(code: Code, distribution: SamplerDistribution, float32: boolean): void {
  const vectors = Array.from({ length: VECTORS }, (_, v) => [V.x0(v), V.x1(v), V.hi(v), V.lo(v)] as const);
  emitThreefryBlocks(
    code,
    THREEFRY_LOCALS,
    vectors.map(([x0, x1]) => [x0, x1] as const),
  );
  for (const [v, [x0, x1, hi, lo]] of vectors.entries()) {
    code.get(x0).i32(6).simd(SIMD.i32x4ShrU).set(hi);
    code.get(x1).i32(6).simd(SIMD.i32x4ShrU).set(lo);
    for (let half = 0; half < 2; half++) {
      // u = ((x0 >>> 6)·2^26 + (x1 >>> 6) + ½)·2^-52 for lanes 2·half, 2·half + 1 of this vector.
      const h = 2 * v + half;
      code.get(hi);
      if (half === 1) code.get(hi).shuffle(HIGH_HALF);
      code.simd(SIMD.f64x2ConvertLowI32x4U).f64x2(TWO_POW_26).simd(SIMD.f64x2Mul);
      code.get(lo);
      if (half === 1) code.get(lo).shuffle(HIGH_HALF);
      code.simd(SIMD.f64x2ConvertLowI32x4U).simd(SIMD.f64x2Add).f64x2(0.5).simd(SIMD.f64x2Add).f64x2(TWO_POW_M52);
      code.simd(SIMD.f64x2Mul).set(PAIR.u(h));
      // U[i + 2h …] = u
      code
        .get(L.i)
        .i32(3)
        .op(OP.i32Shl)
        .get(PAIR.u(h))
        .v128Store(U_BASE + 16 * h);
    }
  }
  transforms(code, distribution, float32);
  for (let h = 0; h < 2 * VECTORS; h++) {
    if (float32) {
      if (h % 2 === 1) {
        // Round two pairs to float32 and store the four values together.
        code.get(L.i).i32(2).op(OP.i32Shl);
        code
          .get(PAIR.y(h - 1))
          .simd(SIMD.f32x4DemoteF64x2Zero)
          .get(PAIR.y(h))
          .simd(SIMD.f32x4DemoteF64x2Zero);
        code.shuffle(LOW_HALVES).v128Store(OUT_BASE + 8 * (h - 1));
      }
    } else {
      code
        .get(L.i)
        .i32(3)
        .op(OP.i32Shl)
        .get(PAIR.y(h))
        .v128Store(OUT_BASE + 16 * h);
    }
  }
  const step = 4 * VECTORS;
  emitCounterAdvance(code, THREEFRY_LOCALS, step);
  code.get(L.i).i32(step).op(OP.i32Add).set(L.i);
}

/** The bytes of a module exporting `memory` and one kernel, `run(k0, k1, c0, c1, count, p0 … p6)`. */
export function simdModuleBytes(distribution: SamplerDistribution, float32: boolean): Uint8Array {
  const pool = new ConstantPool(CONST_BASE);
  return moduleBytes([{ name: 'run', locals: LOCALS, results: [I32], code: kernel(distribution, float32, pool) }], pool);
}

/** One compiled kernel and views of its module's memory. */
export interface SimdKernel {
  /** (k0, k1, c0, c1, count, p0 … p6) → number of slow elements listed. */
  readonly run: KernelFn;
  /** The uniforms of the last block. */
  readonly u: Float64Array;
  /** The outputs of the last block. */
  readonly out: Float32Array | Float64Array;
  /** Block indices of the elements left to JavaScript (min(p, 1 − p) below the smallest normal double). */
  readonly slow: Int32Array;
}

let enabled = true;
const compiled = new Map<string, SimdKernel | null>();

/** Turns the SIMD path off (false) or back on: for tests and benchmarks of the pure TypeScript path. */
export function setSimdEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Whether the SIMD path is in use: WebAssembly with SIMD exists here (checked once with a tiny module) and the path
 * was not turned off.
 */
export function simdAvailable(): boolean {
  return enabled && wasmSimdSupported();
}

/**
 * The SIMD kernel for a distribution and output type, assembled and compiled on first use (each in a module of its
 * own, so a program pays only for the kernels it uses); undefined where the SIMD path is not available. Fills use it
 * for float64 uniforms and normals and for truncated normals; float32 uniforms and normals are other streams
 * (simd-float32.ts).
 */
export function simdKernel(distribution: SamplerDistribution, float32: boolean): SimdKernel | undefined {
  if (!simdAvailable()) return undefined;
  const key = `${distribution}${float32 ? 32 : 64}`;
  let kernel = compiled.get(key);
  if (kernel === undefined) {
    kernel = compile(distribution, float32);
    compiled.set(key, kernel);
  }
  return kernel ?? undefined;
}

function compile(distribution: SamplerDistribution, float32: boolean): SimdKernel | null {
  // Undefined where synchronous compilation is refused (some browsers' main threads) or the like: the TypeScript
  // kernels run instead.
  const e = instantiate(simdModuleBytes(distribution, float32)) as { run: KernelFn; memory: { buffer: ArrayBuffer } } | undefined;
  if (e === undefined) return null;
  const buffer = e.memory.buffer;
  return {
    run: e.run,
    u: new Float64Array(buffer, U_BASE, SIMD_BLOCK),
    out: float32 ? new Float32Array(buffer, OUT_BASE, SIMD_BLOCK) : new Float64Array(buffer, OUT_BASE, SIMD_BLOCK),
    slow: new Int32Array(buffer, SLOW_BASE, SIMD_BLOCK),
  };
}

/**
 * Fills `out` with stream elements offset … offset + out.length − 1 of the plan's distribution on the SIMD path,
 * with the bits of the kernels of kernels.ts (`offset` is the stream index of `out[0]`, which for a slice of the
 * planned output differs from `plan.offset`). The plan's parameters become the kernel's f64 arguments here, in
 * WASM_PARAMETER_ORDER (fill-plan.ts). Returns false, having done nothing, where the SIMD path is not available.
 */
export function simdFill(plan: FillPlan, out: Float32Array | Float64Array, offset: number): boolean {
  const float32 = out instanceof Float32Array;
  // Float32 normals and uniforms are streams of their own, two values per block (simd-float32.ts).
  if (plan.distribution !== 'truncated_normal' && out instanceof Float32Array) {
    return simdAvailable() && simdFloat32Fill(plan, out, offset);
  }
  const kernel = simdKernel(plan.distribution, float32);
  if (kernel === undefined) return false;
  const { run, u, slow, out: values } = kernel;
  const { k0, k1 } = plan;
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0] = wasmArguments(plan);
  const n = out.length;
  for (let j = 0; j < n; ) {
    // A block never crosses a change of the counter's high word.
    const index = offset + j;
    const c0 = Math.floor(index / TWO_POW_32);
    const c1 = index - c0 * TWO_POW_32;
    const count = Math.min(n - j, SIMD_BLOCK, TWO_POW_32 - c1);
    const listed = run(k0, k1, c0, c1, count, p0, p1, p2, p3, p4, p5, p6);
    out.set(values.subarray(0, count), j);
    // Elements whose tail probability is subnormal or 0 (none for uniforms): normalQuantile in JavaScript
    // (subnormal logarithms).
    for (let t = 0; t < listed; t++) {
      const i = slow[t]!;
      if (i >= count) continue;
      if (plan.distribution === 'normal') {
        out[j + i] = plan.mean + plan.std * normalQuantile(u[i]!);
      } else if (plan.distribution === 'truncated_normal') {
        const { base, mass, sign, mean, std, bottom, top } = plan;
        const z = sign * normalQuantile(base + mass * u[i]!);
        const x = float32 ? Math.fround(mean + std * z) : mean + std * z;
        out[j + i] = x < bottom ? bottom : x > top ? top : x;
      }
    }
    j += count;
  }
  return true;
}
