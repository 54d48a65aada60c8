/**
 * The WebAssembly SIMD fast path of the float32 streams that take two values from each Threefry block: normals
 * (box-muller.ts) and uniforms (`uniform32At` in samplers.ts). Threefry-2x32-20 runs on four counters at once (i32x4,
 * simd-threefry.ts); normals then take the float32 Box–Muller transform on four blocks at once (f32x4) and
 * x = mean + std·z in float64 (f64x2); uniforms take x = min(low + width·(w + ½)·2^-32, top) in float64 for each
 * word w; both round once to float32.
 *
 * Every lane performs the operations of box-muller.ts in the same order — u32→f32 conversions, f32 adds, multiplies,
 * divisions and square roots (each correctly rounded in wasm as `Math.fround` of the double result is in
 * JavaScript), integer and bit operations, no fused multiply-add — so the bits are those of the reference path
 * (test/random/kernels.test.ts). Two steps are written differently with the same result:
 *
 * - δ = (x0 + ½) − t, exact in JavaScript's doubles, is computed here in float32 as ((hi − t) + lo) + ½ with
 *   hi = (x0 >>> 16)·2^16 and lo = x0 & 0xFFFF: each operation's exact result is a float32 number (hi and t are
 *   within 2^16 + 128 of each other, multiples of t's spacing), so none rounds;
 * - the quadrant's swap and signs are bit selections and sign-bit xors instead of branches and negations.
 *
 * A call computes `count` blocks (2·count values) into the module's memory, whole iterations of {@link VECTORS}·4
 * blocks at a time; the caller copies out the values it needs.
 *
 * @module
 */
import { Code, ConstantPool, F64, HIGH_HALF, I32, instantiate, LOW_HALVES, Locals, moduleBytes, OP, SIMD, V128 } from '../wasm/assembler.ts';
import { COS_SERIES, LN2_32, LOG_SERIES, PI_2M32, SIN_SERIES, SQRT2_32 } from './box-muller.ts';
import { type NormalPlan, type UniformPlan, WASM_PARAMETER_ORDER, wasmArguments, wasmParameterIndex } from './fill-plan.ts';
import { TWO_POW_32, TWO_POW_M32 } from './threefry.ts';
import { emitCounterAdvance, emitKeySchedule, emitThreefryBlocks, threefryLocals } from './simd-threefry.ts';

/** Threefry blocks per call (2 values each). */
export const FLOAT32_BLOCK = 2048;
/** Threefry vectors per iteration: independent dependency chains the processor overlaps. */
const VECTORS = 4;
/** The outputs: room for a block plus one iteration's overshoot, 8 bytes per Threefry block. */
const OUT_BASE = 0;
const CONST_BASE = (FLOAT32_BLOCK + 4 * VECTORS) * 8;

/** The streams of this module. */
export type Float32Stream = (UniformPlan | NormalPlan)['distribution'];

/** The most f64 parameters a kernel takes (the uniform's). */
const MAX_PARAMETERS = WASM_PARAMETER_ORDER.uniform.length;

// Parameters: k0, k1, c0, c1, count (i32), then p0, p1, p2 (f64): the plan's parameters in WASM_PARAMETER_ORDER
// (fill-plan.ts; normal: mean, std; uniform: low, width, top).
const LOCALS = new Locals();
const P = LOCALS.parameters(I32, ['k0', 'k1', 'c0', 'c1', 'count']);
const PARAMETER = LOCALS.parameterList(F64, MAX_PARAMETERS);
/** i32 scratch, then v128: key-injection splats, counters, … */
const L = {
  ...LOCALS.named(I32, ['i', 'k2']),
  ...LOCALS.named(V128, ['a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4', 'a5', 'b5', 'x0Start', 'counter']),
};
/** … and the f64 parameters as splats. */
const SPLAT = LOCALS.list(V128, MAX_PARAMETERS);

/** The splat (f64x2 local) of a stream's parameter. */
function splat<D extends Float32Stream>(stream: D, name: (typeof WASM_PARAMETER_ORDER)[D][number]): number {
  return SPLAT(wasmParameterIndex(stream, name));
}
/** Per Threefry vector v, by name (V.x0(v) is vector v's x0): the words, then the transform's values (f32x4 unless noted). */
const V = LOCALS.groups(
  V128,
  ['x0', 'x1', 't', 'e', 'm', 'big', 's', 'zz', 'poly', 'lnm', 'delta', 'len', 'r', 'tq', 'phi', 'pp', 'sn', 'cs', 'swap', 'c', 'z0', 'z1', 'o0', 'o1'],
  VECTORS,
);

const THREEFRY_LOCALS = threefryLocals(P, L);

const SIGN = 0x80000000 | 0;

/** The float64 steps of the uniform stream for four words w on the stack: min(low + width·(w + ½)·2^-32, top) → f32x4. */
function uniformValues(code: Code, words: number): void {
  const half = (local: number, high: boolean): void => {
    code.get(splat('uniform', 'low')).get(splat('uniform', 'width')).get(local);
    if (high) code.get(local).shuffle(HIGH_HALF);
    code.simd(SIMD.f64x2ConvertLowI32x4U).f64x2(0.5).simd(SIMD.f64x2Add).f64x2(TWO_POW_M32).simd(SIMD.f64x2Mul);
    code.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).get(splat('uniform', 'top')).simd(SIMD.f64x2Pmin).simd(SIMD.f32x4DemoteF64x2Zero);
  };
  half(words, false);
  half(words, true);
  code.shuffle(LOW_HALVES);
}

/** x = mean + std·z in float64 for four float32 z in `local`, rounded to float32 (an f32x4 on the stack). */
function affineValues(code: Code, local: number): void {
  const mean = splat('normal', 'mean');
  const std = splat('normal', 'std');
  code.get(mean).get(std).get(local).simd(SIMD.f64x2PromoteLowF32x4).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
  code.simd(SIMD.f32x4DemoteF64x2Zero);
  code.get(mean).get(std).get(local).get(local).shuffle(HIGH_HALF).simd(SIMD.f64x2PromoteLowF32x4).simd(SIMD.f64x2Mul);
  code.simd(SIMD.f64x2Add).simd(SIMD.f32x4DemoteF64x2Zero);
  code.shuffle(LOW_HALVES);
}

/**
 * The float32 Box–Muller transform of box-muller.ts on every vector's words (x0, x1), statement by statement across
 * the vectors; leaves z0 = r·cos θ and z1 = r·sin θ in V.z0 and V.z1.
 */
function emitBoxMuller(code: Code, each: (emit: (v: number) => void) => void): void {
  // −ln u1. t = fl(fl(x0) + ½); e = (bits(t) >>> 23) − 127; m = bits (t & 0x7FFFFF) | 0x3F800000.
  each((v) => code.get(V.x0(v)).simd(SIMD.f32x4ConvertI32x4U).f32x4(0.5).simd(SIMD.f32x4Add).set(V.t(v)));
  each((v) => code.get(V.t(v)).i32(23).simd(SIMD.i32x4ShrU).i32x4([127, 127, 127, 127]).simd(SIMD.i32x4Sub).set(V.e(v)));
  each((v) =>
    code
      .get(V.t(v))
      .i32x4([0x7fffff, 0x7fffff, 0x7fffff, 0x7fffff])
      .simd(SIMD.and)
      .i32x4([0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000])
      .simd(SIMD.or)
      .set(V.m(v)),
  );
  // m ≥ √2: m·½ and e + 1 (the mask is −1 in those lanes).
  each((v) => code.get(V.m(v)).f32x4(SQRT2_32).simd(SIMD.f32x4Ge).set(V.big(v)));
  each((v) => {
    code.get(V.m(v)).f32x4(0.5).simd(SIMD.f32x4Mul).get(V.m(v)).get(V.big(v)).simd(SIMD.bitselect).set(V.m(v));
    code.get(V.e(v)).get(V.big(v)).simd(SIMD.i32x4Sub).set(V.e(v));
  });
  // s = (m − 1)/(m + 1); zz = s²; poly = (((2/9·zz + 2/7)·zz + 2/5)·zz + 2/3)·zz; ln m = (s + s) + s·poly.
  each((v) => code.get(V.m(v)).f32x4(1).simd(SIMD.f32x4Sub).get(V.m(v)).f32x4(1).simd(SIMD.f32x4Add).simd(SIMD.f32x4Div).set(V.s(v)));
  each((v) => code.get(V.s(v)).get(V.s(v)).simd(SIMD.f32x4Mul).set(V.zz(v)));
  each((v) => code.f32x4(LOG_SERIES[0]).set(V.poly(v)));
  for (const coefficient of LOG_SERIES.slice(1)) {
    each((v) => code.get(V.poly(v)).get(V.zz(v)).simd(SIMD.f32x4Mul).f32x4(coefficient).simd(SIMD.f32x4Add).set(V.poly(v)));
  }
  each((v) => code.get(V.poly(v)).get(V.zz(v)).simd(SIMD.f32x4Mul).set(V.poly(v)));
  each((v) => code.get(V.s(v)).get(V.s(v)).simd(SIMD.f32x4Add).get(V.s(v)).get(V.poly(v)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(V.lnm(v)));
  // δ = ((hi − t) + lo) + ½ with hi = (x0 >>> 16)·2^16, lo = x0 & 0xFFFF (all exact).
  each((v) => {
    code.get(V.x0(v)).i32(16).simd(SIMD.i32x4ShrU).simd(SIMD.f32x4ConvertI32x4U).f32x4(65536).simd(SIMD.f32x4Mul);
    code.get(V.t(v)).simd(SIMD.f32x4Sub);
    code.get(V.x0(v)).i32x4([0xffff, 0xffff, 0xffff, 0xffff]).simd(SIMD.and).simd(SIMD.f32x4ConvertI32x4U).simd(SIMD.f32x4Add);
    code.f32x4(0.5).simd(SIMD.f32x4Add).set(V.delta(v));
  });
  // L = ((32 − e)·ln 2 − ln m) − δ/t; r = √(L + L).
  each((v) => {
    code.i32x4([32, 32, 32, 32]).get(V.e(v)).simd(SIMD.i32x4Sub).simd(SIMD.f32x4ConvertI32x4S).f32x4(LN2_32).simd(SIMD.f32x4Mul);
    code.get(V.lnm(v)).simd(SIMD.f32x4Sub).get(V.delta(v)).get(V.t(v)).simd(SIMD.f32x4Div).simd(SIMD.f32x4Sub).set(V.len(v));
  });
  each((v) => code.get(V.len(v)).get(V.len(v)).simd(SIMD.f32x4Add).simd(SIMD.f32x4Sqrt).set(V.r(v)));

  // The angle. tq = x1 + 2^29; φ = fl(2ρ + 1)·π·2^-32 with 2ρ + 1 = (((tq & 0x3FFFFFFF) − 2^29) << 1) | 1.
  each((v) => code.get(V.x1(v)).i32x4([0x20000000, 0x20000000, 0x20000000, 0x20000000]).simd(SIMD.i32x4Add).set(V.tq(v)));
  each((v) => {
    code.get(V.tq(v)).i32x4([0x3fffffff, 0x3fffffff, 0x3fffffff, 0x3fffffff]).simd(SIMD.and);
    code.i32x4([0x20000000, 0x20000000, 0x20000000, 0x20000000]).simd(SIMD.i32x4Sub).i32(1).simd(SIMD.i32x4Shl);
    code.i32x4([1, 1, 1, 1]).simd(SIMD.or).simd(SIMD.f32x4ConvertI32x4S).f32x4(PI_2M32).simd(SIMD.f32x4Mul).set(V.phi(v));
  });
  each((v) => code.get(V.phi(v)).get(V.phi(v)).simd(SIMD.f32x4Mul).set(V.pp(v)));
  // sin φ = φ + φ·(((S0·pp + S1)·pp + S2)·pp + S3)·pp; cos φ = 1 + ((((C0·pp + C1)·pp + C2)·pp + C3)·pp + C4)·pp.
  each((v) => code.f32x4(SIN_SERIES[0]).set(V.sn(v)).f32x4(COS_SERIES[0]).set(V.cs(v)));
  for (let k = 1; k < COS_SERIES.length; k++) {
    each((v) => {
      if (k < SIN_SERIES.length) code.get(V.sn(v)).get(V.pp(v)).simd(SIMD.f32x4Mul).f32x4(SIN_SERIES[k]!).simd(SIMD.f32x4Add).set(V.sn(v));
      code.get(V.cs(v)).get(V.pp(v)).simd(SIMD.f32x4Mul).f32x4(COS_SERIES[k]!).simd(SIMD.f32x4Add).set(V.cs(v));
    });
  }
  each((v) => {
    code.get(V.phi(v)).get(V.phi(v)).get(V.sn(v)).get(V.pp(v)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(V.sn(v));
    code.f32x4(1).get(V.cs(v)).get(V.pp(v)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(V.cs(v));
  });
  // Quadrant: swap where bit 30 of tq is set; cos θ's sign bit = bit 31 ^ bit 30, sin θ's = bit 31.
  each((v) => code.get(V.tq(v)).i32(1).simd(SIMD.i32x4Shl).i32(31).simd(SIMD.i32x4ShrS).set(V.swap(v)));
  each((v) => {
    code.get(V.sn(v)).get(V.cs(v)).get(V.swap(v)).simd(SIMD.bitselect);
    code.get(V.tq(v)).get(V.tq(v)).i32(1).simd(SIMD.i32x4Shl).simd(SIMD.xor).i32x4([SIGN, SIGN, SIGN, SIGN]).simd(SIMD.and);
    code.simd(SIMD.xor).set(V.c(v));
    code.get(V.cs(v)).get(V.sn(v)).get(V.swap(v)).simd(SIMD.bitselect);
    code.get(V.tq(v)).i32x4([SIGN, SIGN, SIGN, SIGN]).simd(SIMD.and).simd(SIMD.xor).set(V.sn(v));
  });
  // z0 = r·cos θ, z1 = r·sin θ.
  each((v) => code.get(V.r(v)).get(V.c(v)).simd(SIMD.f32x4Mul).set(V.z0(v)).get(V.r(v)).get(V.sn(v)).simd(SIMD.f32x4Mul).set(V.z1(v)));
}

/** The code of one kernel: the key schedule and parameter splats, then the loop over iterations ({@link iteration}). */
function kernel(stream: Float32Stream, pool: ConstantPool): Code {
  const code = new Code(pool);
  emitKeySchedule(code, THREEFRY_LOCALS);
  for (let k = 0; k < MAX_PARAMETERS; k++) code.get(PARAMETER(k)).simd(SIMD.f64x2Splat).set(SPLAT(k));
  code.i32(0).set(L.i);
  code.loopUntil(
    () => code.get(L.i).get(P.count).op(OP.i32GeU), // i >= count (unsigned)
    () => iteration(code, stream),
  );
  return code;
}

/**
 * One iteration: Threefry on {@link VECTORS} vectors of four counters, the stream's transform, and the eight values
 * of each vector stored in stream order (x0's value, x1's value, block after block).
 */
function iteration(code: Code, stream: Float32Stream): void {
  const vectors = Array.from({ length: VECTORS }, (_, v) => v);
  /** One statement for every vector, then the next: the processor overlaps the vectors' dependency chains. */
  const each = (emit: (v: number) => void): void => vectors.forEach(emit);
  emitThreefryBlocks(
    code,
    THREEFRY_LOCALS,
    vectors.map((v) => [V.x0(v), V.x1(v)] as const),
  );
  // The stream order of each vector's eight values: o0 = blocks 0, 1 (x0, x1, x0, x1), o1 = blocks 2, 3.
  const interleave = (a: number, b: number, v: number): void => {
    code.get(a).get(b).shuffle([0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23]).set(V.o0(v));
    code.get(a).get(b).shuffle([8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31]).set(V.o1(v));
  };
  const store = (values: (local: number) => void): void => {
    each((v) => {
      for (const [k, local] of [V.o0(v), V.o1(v)].entries()) {
        code.get(L.i).i32(3).op(OP.i32Shl);
        values(local);
        code.v128Store(OUT_BASE + 32 * v + 16 * k);
      }
    });
  };
  if (stream === 'uniform') {
    each((v) => interleave(V.x0(v), V.x1(v), v));
    store((local) => uniformValues(code, local));
  } else {
    emitBoxMuller(code, each);
    each((v) => interleave(V.z0(v), V.z1(v), v));
    store((local) => affineValues(code, local));
  }
  const step = 4 * VECTORS;
  emitCounterAdvance(code, THREEFRY_LOCALS, step);
  code.get(L.i).i32(step).op(OP.i32Add).set(L.i);
}

/** The bytes of a module exporting `memory` and the kernel `run(k0, k1, c0, c1, count, p0, p1, p2)`. */
export function float32ModuleBytes(stream: Float32Stream): Uint8Array {
  const pool = new ConstantPool(CONST_BASE);
  return moduleBytes([{ name: 'run', locals: LOCALS, results: [], code: kernel(stream, pool) }], pool);
}

type RunFn = (k0: number, k1: number, c0: number, c1: number, count: number, p0: number, p1: number, p2: number) => void;

interface Float32Kernel {
  readonly run: RunFn;
  /** The values of the last call: 2·count float32 values. */
  readonly out: Float32Array;
}

const compiled = new Map<Float32Stream, Float32Kernel | null>();

/** The compiled kernel of a stream (assembled on first use), or null where compilation is refused. */
export function float32Kernel(stream: Float32Stream): Float32Kernel | null {
  let kernel = compiled.get(stream);
  if (kernel === undefined) {
    // Undefined where synchronous compilation is refused (some browsers' main threads): the TypeScript kernels run instead.
    const e = instantiate(float32ModuleBytes(stream)) as { run: RunFn; memory: { buffer: ArrayBuffer } } | undefined;
    kernel = e === undefined ? null : { run: e.run, out: new Float32Array(e.memory.buffer, OUT_BASE, 2 * FLOAT32_BLOCK) };
    compiled.set(stream, kernel);
  }
  return kernel;
}

/**
 * Fills `out` with elements offset … offset + out.length − 1 of the plan's float32 stream on the SIMD path
 * (`offset` is the stream index of `out[0]`); the plan's parameters become the kernel's f64 arguments here, in
 * WASM_PARAMETER_ORDER (fill-plan.ts). Returns false, having done nothing, where the kernel cannot be compiled. The
 * caller checks that WebAssembly SIMD is available and enabled.
 */
export function simdFloat32Fill(plan: UniformPlan | NormalPlan, out: Float32Array, offset: number): boolean {
  const kernel = float32Kernel(plan.distribution);
  if (kernel === null) return false;
  const n = out.length;
  if (n === 0) return true;
  const { run, out: values } = kernel;
  const { k0, k1 } = plan;
  const [p0 = 0, p1 = 0, p2 = 0] = wasmArguments(plan);
  // Blocks first … last hold the elements; element e lands in out[e − offset].
  const last = Math.floor((offset + n - 1) / 2);
  let block = Math.floor(offset / 2);
  while (block <= last) {
    // A call never crosses a change of the counter's high word.
    const c0 = Math.floor(block / TWO_POW_32);
    const c1 = block - c0 * TWO_POW_32;
    const count = Math.min(last - block + 1, FLOAT32_BLOCK, TWO_POW_32 - c1);
    run(k0, k1, c0, c1, count, p0, p1, p2);
    // Values 2·block … 2·(block + count) − 1 of the stream, clipped to the requested range.
    const from = Math.max(2 * block, offset);
    const to = Math.min(2 * (block + count), offset + n);
    out.set(values.subarray(from - 2 * block, to - 2 * block), from - offset);
    block += count;
  }
  return true;
}
