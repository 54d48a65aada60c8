/**
 * The WebAssembly SIMD fast path of the compact-WY block update of the QR factorization (see qr.ts): the two
 * matrix products of x ← x − V T' Vᵀ x over many columns x, in a module assembled here byte by byte (f64x2, no
 * toolchain, no binary file), working on a matrix that lives in the module's memory for a whole factorization.
 *
 * - {@link WyKernels.vtc} computes Y = VᵀC: per column c and Householder vector p the sum Σᵢ v_p[i]·c[i], one
 *   running sum per (p, c) in increasing i, starting at the first row of p's group of four; two vectors share one
 *   f64x2 (lanes p, p + 1), so a row costs two loads of V and one splat of c[i] per column (4 vectors × 4 columns
 *   per step: 8 accumulators).
 * - {@link WyKernels.cmvy} computes C ← C − V Z, group of four vectors by group, two rows per f64x2: per element
 *   c[i] ← c[i] − (((v₀[i]z₀ + v₁[i]z₁) + v₂[i]z₂) + v₃[i]z₃), for the groups whose first row is at most i (2 columns
 *   per step, their 8 coefficients held in registers; an odd last row in scalar f64).
 *
 * Every element goes through exactly the IEEE operations of the TypeScript kernel `applyBlock` in qr.ts, in the
 * same order — f64 multiplications and additions, each correctly rounded in wasm as in JavaScript, no fused
 * multiply-add — so the bits are those of the TypeScript path (test/linalg/qr-simd.test.ts checks this). The small
 * triangular product Z = T'Y between the two stays in TypeScript.
 *
 * The module needs WebAssembly with SIMD (Node ≥ 16.4, current browsers); {@link wyKernels} returns undefined where
 * it cannot be compiled or the path is turned off ({@link setQrSimdEnabled}), and the TypeScript path runs instead.
 * Its memory grows as needed and is kept between calls (it never shrinks).
 *
 * @module
 */
import { Code, concatBytes, ConstantPool, I32, MODULE_HEADER, name, section, SIMD, uleb, V128, vector, wasmApi, wasmSimdSupported } from '../wasm/assembler.ts';

/** Parameters of both kernels: (w, ld8, L, bp, v, y, nc), byte offsets and byte strides (see {@link WyKernels}). */
const P = { w: 0, ld8: 1, len: 2, bp: 3, v: 4, y: 5, nc: 6 } as const;

// Control and i32 opcodes.
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const IF = [0x04, 0x40];
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_MUL = 0x6c;
const I32_SHL = 0x74;
const I32_SHR_U = 0x76;
const I32_LT_S = 0x48;
const I32_GE_S = 0x4e;
const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const F64_ADD = 0xa0;
const F64_SUB = 0xa1;
const F64_MUL = 0xa2;

/** Allocates locals after the 7 i32 parameters: i32 ones first, then v128 ones. */
class Locals {
  private nextI32 = 7;
  private readonly v128: string[] = [];
  private readonly i32Names = new Map<string, number>();
  constructor(i32Names: readonly string[], v128Names: readonly string[]) {
    for (const n of i32Names) this.i32Names.set(n, this.nextI32++);
    this.v128.push(...v128Names);
  }
  i(n: string): number {
    const k = this.i32Names.get(n);
    if (k === undefined) throw new Error(`no i32 local ${n}`);
    return k;
  }
  v(n: string): number {
    const k = this.v128.indexOf(n);
    if (k < 0) throw new Error(`no v128 local ${n}`);
    return this.nextI32 + k;
  }
  declarations(): [number, number][] {
    return [
      [this.nextI32 - 7, I32],
      [this.v128.length, V128],
    ];
  }
}

/** `while (!(exit condition)) body`: the condition code leaves an i32 on the stack, nonzero to leave the loop. */
function loopUntil(code: Code, exit: () => void, body: () => void): void {
  code.op(...BLOCK).op(...LOOP);
  exit();
  code.op(BR_IF, 1);
  body();
  code.op(BR, 0).op(END).op(END);
}

function loadSplat(code: Code, offset: number): Code {
  return code.simd(SIMD.load64Splat, 3).op(...uleb(offset));
}

/** local += (local a · local b) for f64x2 locals. */
function accumulate(code: Code, acc: number, a: number, b: number): void {
  code.get(acc).get(a).get(b).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(acc);
}

/** The bytes of a function body: local declarations then code. */
function functionBodyBytes(l: Locals, code: Code): number[] {
  const declarations = vector(l.declarations().map(([count, type]) => [...uleb(count), type]));
  const body = declarations.concat(code.bytes);
  return uleb(body.length).concat(body);
}

/**
 * Body of `vtc(w, ld8, L, bp, v, y, nc)`: for columns c < nc at w + c·ld8 (L rows each) and the bp vectors of V
 * interleaved in groups of four (entry i of vector p at v[⌊p/4⌋·4L + 4i + p mod 4], doubles), writes
 * y[c·bp + p] = Σ_{i ≥ 4⌊p/4⌋} v_p[i]·c[i], summed in increasing i from +0. Four columns per step, then one.
 */
function vtcBody(pool: ConstantPool): number[] {
  const l = new Locals(
    ['c', 'g4', 'i8', 'len8', 'vp', 'yp', 'bp8', 'cp0', 'cp1', 'cp2', 'cp3'],
    ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'va', 'vb', 'x'],
  );
  const code = new Code(pool);
  code.get(P.len).i32(3).op(I32_SHL).set(l.i('len8'));
  code.get(P.bp).i32(3).op(I32_SHL).set(l.i('bp8'));
  code.i32(0).set(l.i('c'));
  for (const step of [4, 1]) {
    // while (nc − c ≥ step)
    loopUntil(
      code,
      () => code.get(P.nc).get(l.i('c')).op(I32_SUB).i32(step).op(I32_LT_S),
      () => {
        code.get(P.w).get(l.i('c')).get(P.ld8).op(I32_MUL).op(I32_ADD).set(l.i('cp0'));
        for (let j = 1; j < step; j++) code.get(l.i(`cp${j - 1}`)).get(P.ld8).op(I32_ADD).set(l.i(`cp${j}`));
        code.i32(0).set(l.i('g4'));
        loopUntil(
          code,
          () => code.get(l.i('g4')).get(P.bp).op(I32_GE_S),
          () => {
            for (let k = 0; k < 2 * step; k++) code.i32(0).simd(SIMD.i32x4Splat).set(l.v(`a${k}`));
            // i8 = 8·g4; vp = v + 8·g4·(L + 4)
            code.get(l.i('g4')).i32(3).op(I32_SHL).set(l.i('i8'));
            code.get(P.v).get(l.i('g4')).get(P.len).i32(4).op(I32_ADD).op(I32_MUL).i32(3).op(I32_SHL).op(I32_ADD);
            code.set(l.i('vp'));
            loopUntil(
              code,
              () => code.get(l.i('i8')).get(l.i('len8')).op(I32_GE_S),
              () => {
                code.get(l.i('vp')).load(0).set(l.v('va'));
                code.get(l.i('vp')).load(16).set(l.v('vb'));
                for (let j = 0; j < step; j++) {
                  loadSplat(code.get(l.i(`cp${j}`)).get(l.i('i8')).op(I32_ADD), 0).set(l.v('x'));
                  accumulate(code, l.v(`a${2 * j}`), l.v('va'), l.v('x'));
                  accumulate(code, l.v(`a${2 * j + 1}`), l.v('vb'), l.v('x'));
                }
                code.get(l.i('vp')).i32(32).op(I32_ADD).set(l.i('vp'));
                code.get(l.i('i8')).i32(8).op(I32_ADD).set(l.i('i8'));
              },
            );
            // yp = y + 8·(c·bp + g4)
            code.get(P.y).get(l.i('c')).get(l.i('bp8')).op(I32_MUL).op(I32_ADD).get(l.i('g4')).i32(3).op(I32_SHL);
            code.op(I32_ADD).set(l.i('yp'));
            for (let j = 0; j < step; j++) {
              if (j > 0) code.get(l.i('yp')).get(l.i('bp8')).op(I32_ADD).set(l.i('yp'));
              code.get(l.i('yp')).get(l.v(`a${2 * j}`)).store(0);
              code.get(l.i('yp')).get(l.v(`a${2 * j + 1}`)).store(16);
            }
            code.get(l.i('g4')).i32(4).op(I32_ADD).set(l.i('g4'));
          },
        );
        code.get(l.i('c')).i32(step).op(I32_ADD).set(l.i('c'));
      },
    );
  }
  code.op(END);
  return functionBodyBytes(l, code);
}

/**
 * Body of `cmvy(w, ld8, L, bp, v, z, nc)`: for columns c < nc at w + c·ld8 (L rows each), the bp vectors of V in
 * row pairs (entries i, i + 1 of vector 4g + q, i even, at v[((g·R + i/2)·4 + q)·2 …], R = ⌈L/2⌉, doubles) and the
 * coefficients z[c·bp + p]: for g = 0, 1, … and rows i ≥ 4g, c[i] ← c[i] − (((v₀z₀ + v₁z₁) + v₂z₂) + v₃z₃). Two
 * columns per step, then one.
 */
function cmvyBody(pool: ConstantPool): number[] {
  const l = new Locals(
    ['c', 'g4', 'i8', 'len8', 'vp', 'r64', 'bp8', 'ap', 'yp0', 'yp1', 'cp0', 'cp1'],
    ['y00', 'y01', 'y02', 'y03', 'y10', 'y11', 'y12', 'y13', 't0', 't1', 'vq'],
  );
  const code = new Code(pool);
  code.get(P.len).i32(3).op(I32_SHL).set(l.i('len8'));
  code.get(P.bp).i32(3).op(I32_SHL).set(l.i('bp8'));
  // r64 = 64·⌈L/2⌉: the bytes of one group of four vectors
  code.get(P.len).i32(1).op(I32_ADD).i32(1).op(I32_SHR_U).i32(6).op(I32_SHL).set(l.i('r64'));
  code.i32(0).set(l.i('c'));
  for (const step of [2, 1]) {
    loopUntil(
      code,
      () => code.get(P.nc).get(l.i('c')).op(I32_SUB).i32(step).op(I32_LT_S),
      () => {
        code.get(P.w).get(l.i('c')).get(P.ld8).op(I32_MUL).op(I32_ADD).set(l.i('cp0'));
        code.get(P.y).get(l.i('c')).get(l.i('bp8')).op(I32_MUL).op(I32_ADD).set(l.i('yp0'));
        for (let j = 1; j < step; j++) {
          code.get(l.i(`cp${j - 1}`)).get(P.ld8).op(I32_ADD).set(l.i(`cp${j}`));
          code.get(l.i(`yp${j - 1}`)).get(l.i('bp8')).op(I32_ADD).set(l.i(`yp${j}`));
        }
        code.i32(0).set(l.i('g4'));
        loopUntil(
          code,
          () => code.get(l.i('g4')).get(P.bp).op(I32_GE_S),
          () => {
            for (let j = 0; j < step; j++) {
              for (let q = 0; q < 4; q++) {
                loadSplat(code.get(l.i(`yp${j}`)).get(l.i('g4')).i32(3).op(I32_SHL).op(I32_ADD), 8 * q);
                code.set(l.v(`y${j}${q}`));
              }
            }
            // i8 = 8·g4; vp = v + (g4/4)·r64 + (g4/2)·64
            code.get(l.i('g4')).i32(3).op(I32_SHL).set(l.i('i8'));
            code.get(P.v).get(l.i('g4')).i32(2).op(I32_SHR_U).get(l.i('r64')).op(I32_MUL).op(I32_ADD);
            code.get(l.i('g4')).i32(5).op(I32_SHL).op(I32_ADD).set(l.i('vp'));
            // Whole row pairs: while (len8 − i8 ≥ 16)
            loopUntil(
              code,
              () => code.get(l.i('len8')).get(l.i('i8')).op(I32_SUB).i32(16).op(I32_LT_S),
              () => {
                for (let q = 0; q < 4; q++) {
                  code.get(l.i('vp')).load(16 * q).set(l.v('vq'));
                  for (let j = 0; j < step; j++) {
                    const t = l.v(`t${j}`);
                    if (q === 0) code.get(l.v('vq')).get(l.v(`y${j}0`)).simd(SIMD.f64x2Mul).set(t);
                    else accumulate(code, t, l.v('vq'), l.v(`y${j}${q}`));
                  }
                }
                for (let j = 0; j < step; j++) {
                  code.get(l.i(`cp${j}`)).get(l.i('i8')).op(I32_ADD).set(l.i('ap'));
                  code.get(l.i('ap')).get(l.i('ap')).load(0).get(l.v(`t${j}`)).simd(SIMD.f64x2Sub).store(0);
                }
                code.get(l.i('vp')).i32(64).op(I32_ADD).set(l.i('vp'));
                code.get(l.i('i8')).i32(16).op(I32_ADD).set(l.i('i8'));
              },
            );
            // An odd last row: lane 0 of the last pair, in scalar f64.
            code.get(l.i('i8')).get(l.i('len8')).op(I32_LT_S).op(...IF);
            for (let j = 0; j < step; j++) {
              code.get(l.i(`cp${j}`)).get(l.i('i8')).op(I32_ADD).set(l.i('ap'));
              code.get(l.i('ap')).get(l.i('ap')).op(F64_LOAD, 3, 0);
              for (let q = 0; q < 4; q++) {
                code.get(l.i('vp')).op(F64_LOAD, 3, ...uleb(16 * q));
                code.get(l.v(`y${j}${q}`)).simd(SIMD.f64x2ExtractLane, 0).op(F64_MUL);
                if (q > 0) code.op(F64_ADD);
              }
              code.op(F64_SUB).op(F64_STORE, 3, 0);
            }
            code.op(END);
            code.get(l.i('g4')).i32(4).op(I32_ADD).set(l.i('g4'));
          },
        );
        code.get(l.i('c')).i32(step).op(I32_ADD).set(l.i('c'));
      },
    );
  }
  code.op(END);
  return functionBodyBytes(l, code);
}

/** The bytes of a module exporting `memory` (1 page to start, no maximum) and the kernels `vtc` and `cmvy`. */
export function wyModuleBytes(): Uint8Array {
  const type = [0x60, ...vector([[I32], [I32], [I32], [I32], [I32], [I32], [I32]]), ...vector([])];
  const pool = new ConstantPool(0);
  const code = section(10, vector([vtcBody(pool), cmvyBody(pool)]));
  return concatBytes([
    MODULE_HEADER,
    section(1, vector([type])),
    section(3, vector([[0], [0]])),
    section(5, vector([[0x00, 1]])),
    section(7, vector([[...name('memory'), 0x02, 0], [...name('vtc'), 0x00, 0], [...name('cmvy'), 0x00, 1]])),
    code,
  ]);
}

/** A kernel call: (w, ld8, L, bp, v, y, nc), byte offsets into the module's memory and a byte stride. */
type KernelFn = (w: number, ld8: number, len: number, bp: number, v: number, y: number, nc: number) => void;

/** The compiled kernels and their module's memory. */
export interface WyKernels {
  /**
   * Y = VᵀC: writes y[c·bp + p] (doubles from byte `y`) = Σ_{i ≥ 4⌊p/4⌋} v_p[i]·C[i][c], in increasing i from +0,
   * for the nc columns of L rows at byte `w` + c·ld8 and V interleaved in groups of four at byte `v`
   * (entry i of vector p at double ⌊p/4⌋·4L + 4i + p mod 4).
   */
  readonly vtc: KernelFn;
  /**
   * C ← C − V Z: for each group g and row i ≥ 4g, C[i][c] ← C[i][c] − (((v₀z₀ + v₁z₁) + v₂z₂) + v₃z₃) with
   * v_q = v_{4g+q}[i], z_q = z[c·bp + 4g + q]; V in row pairs at byte `v` (entries i, i + 1 of vector 4g + q,
   * i even, at double ((g·⌈L/2⌉ + i/2)·4 + q)·2).
   */
  readonly cmvy: KernelFn;
  /**
   * A view of the module's memory with at least `doubles` entries, growing the memory if needed (earlier views
   * are then detached); undefined if it cannot grow that far.
   */
  heap(doubles: number): Float64Array | undefined;
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

let enabled = true;
let compiled: WyKernels | null | undefined;

/** Turns the SIMD path of the QR factorization off (false) or back on: for tests and benchmarks of the TypeScript path. */
export function setQrSimdEnabled(on: boolean): void {
  enabled = on;
}

/**
 * The compiled kernels, assembled on first use; undefined where WebAssembly SIMD is missing, compilation is
 * refused, or the path was turned off with {@link setQrSimdEnabled}.
 */
export function wyKernels(): WyKernels | undefined {
  if (!enabled || !wasmSimdSupported()) return undefined;
  if (compiled === undefined) compiled = compile();
  return compiled ?? undefined;
}

const PAGE = 65536;
/** wasm32 addresses: keep every byte offset below 2³¹ (the kernels compare offsets as signed i32). */
const MAX_BYTES = 2 ** 31 - PAGE;

function compile(): WyKernels | null {
  const wasm = wasmApi();
  if (!wasm) return null;
  try {
    const instance = new wasm.Instance(new wasm.Module(wyModuleBytes()), {});
    const e = instance.exports as { vtc: KernelFn; cmvy: KernelFn; memory: WasmMemory };
    let view = new Float64Array(e.memory.buffer);
    return {
      vtc: e.vtc,
      cmvy: e.cmvy,
      heap(doubles: number): Float64Array | undefined {
        const bytes = doubles * 8;
        if (bytes > MAX_BYTES) return undefined;
        const have = e.memory.buffer.byteLength;
        if (bytes > have) {
          try {
            e.memory.grow(Math.ceil((bytes - have) / PAGE));
          } catch {
            return undefined;
          }
        }
        if (view.buffer !== e.memory.buffer || view.length === 0) view = new Float64Array(e.memory.buffer);
        return view;
      },
    };
  } catch {
    return null;
  }
}
