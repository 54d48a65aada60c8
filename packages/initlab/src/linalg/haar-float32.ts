/**
 * The float32 path of the Haar-random orthonormal matrix ({@link haarOrthonormal} in qr.ts, Stewart 1980), for
 * float32 output: the reflectors are made in float64 from the float64 Gaussian, their vectors rounded once to
 * float32, and Q = H₀ ⋯ H_{n−1} [D; 0] is accumulated backwards in float32 by the blocked compact-WY update
 * (as LAPACK's sorgqr): per panel of {@link PANEL} reflectors, C ← C − V·(T·(VᵀC)) over the columns from the panel's
 * first on, with the two products in float32 (WebAssembly f32x4 kernels `vtc32`/`cmvy32` of wy-simd.ts, or the
 * TypeScript kernels here, which round every operation with Math.fround and give the same bits) and the small
 * triangular product T·Y in float64, rounded once.
 *
 * Each reflector is exactly orthogonal for its stored vector: τ = 2/(vᵀv) is computed in float64 from the rounded
 * float32 v, so rounding v only moves Q by about one float32 ulp and does not cost orthogonality; what remains is
 * the rounding of the float32 products, max |QᵀQ − I| ≈ 5e-7 from n = 512 to 4096 (test/linalg/haar.test.ts).
 *
 * Every column of Q goes through the same operations in the same order whichever columns it is processed with, so
 * the columns can be split between threads without changing a bit ({@link haarColumnsFloat32}).
 *
 * No dependencies, no host APIs.
 */
import { buildT, checkHaarInput, makeReflector } from './qr.ts';
import { wyKernels, type WyKernels } from './wy-simd.ts';

/** Reflectors per compact-WY panel. */
export const PANEL = 32;
/** Matrices with at least this many columns take the WebAssembly SIMD kernels (where they exist). */
const SIMD_MIN_COLS = 64;

const f = Math.fround;

/**
 * Leading dimension (floats) of the column-major working matrix with `m` rows: a multiple of 4 (16-byte aligned
 * columns for the f32x4 kernels, and whole row quads), plus 16 floats when a column would be a multiple of 512
 * bytes, so that neighbouring columns do not fall into the same cache sets.
 */
export function leadingDimension(m: number): number {
  const ld = (m + 3) & ~3;
  return ld % 128 === 0 ? ld + 16 : ld;
}

/** The float32 working state of one matrix: Q is formed in `w` (column-major, `ld` floats per column). */
export interface Haar32 {
  readonly m: number;
  readonly n: number;
  readonly ld: number;
  /** The working matrix, column-major m × n with leading dimension ld (padding rows kept at zero). */
  readonly w: Float32Array;
  /** τ of every reflector (float64). */
  readonly tau: Float64Array;
  /** sign(β) of every reflector: the diagonal D. */
  readonly d: Float64Array;
}

/** The buffers of one panel's update: V interleaved (float32 and float64), V in row quads (SIMD), T, Y and Z. */
export interface Panel32 {
  readonly k0: number;
  readonly b: number;
  readonly bp: number;
  /** Entry i of vector p at ⌊p/4⌋·4L + 4i + p mod 4 (L = m − k0). */
  readonly v: Float32Array;
  readonly v64: Float64Array;
  /** Row quads for `cmvy32` (SIMD path only, else empty). */
  readonly quads: Float32Array;
  /** Upper-triangular b × b T, row-major. */
  readonly t: Float64Array;
  /** T column by column for the kernel `tz32` (T[r][q] at q·bp + r, zero elsewhere; SIMD path only). */
  readonly tc: Float64Array;
  /** Y = VᵀC and Z = TY, bp floats per column. */
  readonly y: Float32Array;
  readonly z: Float32Array;
}

/** Where the buffers live: the kernels' memory (SIMD path) or plain arrays. */
interface Space {
  readonly kernels: WyKernels | undefined;
  readonly state: Haar32;
  readonly panel: (k0: number, b: number) => Panel32;
}

/**
 * Allocates the working state (in the kernels' memory when they are used) and makes the reflectors of the Gaussian
 * vectors in `x` (as {@link haarOrthonormal}), storing their vectors below the diagonal of `w`.
 */
function prepare(x: Float64Array, m: number, n: number, used: number): Space {
  const ld = leadingDimension(m);
  const bpMax = (Math.min(n, PANEL) + 3) & ~3;
  const kernels = n >= SIMD_MIN_COLS ? wyKernels() : undefined;
  const sizes = [ld * n, bpMax * m, 2 * bpMax * m, bpMax * (ld + 4), bpMax * n, bpMax * n, 2 * bpMax * bpMax].map((k) => (k + 3) & ~3);
  let memory: Float32Array | undefined;
  let kernelsUsed: WyKernels | undefined;
  if (kernels !== undefined) {
    const total = sizes.reduce((a, b) => a + b, 0);
    const heap = kernels.heap(Math.ceil(total / 2));
    if (heap !== undefined) {
      memory = new Float32Array(heap.buffer, heap.byteOffset, total);
      kernelsUsed = kernels;
    }
  }
  const regions: Float32Array[] = [];
  let at = 0;
  for (const size of sizes) {
    regions.push(memory === undefined ? new Float32Array(size) : memory.subarray(at, at + size));
    at += size;
  }
  const [w, v, v64Space, quads, y, z, tcSpace] = regions as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const v64 = new Float64Array(v64Space.buffer, v64Space.byteOffset, v64Space.length >> 1);
  const tc = new Float64Array(tcSpace.buffer, tcSpace.byteOffset, tcSpace.length >> 1);
  const t = new Float64Array(PANEL * PANEL);
  const tau = new Float64Array(n);
  const d = new Float64Array(n);
  // Reflectors in float64 from the vectors of x, their vectors rounded to float32 below the diagonal of w.
  const col = new Float64Array(m);
  for (let j = 0, o = 0; j < used; o += m - j, j++) {
    const len = m - j;
    col.set(x.subarray(o, o + len));
    const t0 = makeReflector(col, 0, len);
    d[j] = col[0]! < 0 ? -1 : 1;
    const co = j * ld + j;
    if (t0 === 0) {
      tau[j] = 0;
      for (let i = 1; i < len; i++) w[co + i] = 0;
      continue;
    }
    let s = 1;
    for (let i = 1; i < len; i++) {
      const e = f(col[i]!);
      w[co + i] = e;
      s += e * e;
    }
    tau[j] = 2 / s;
  }
  const state: Haar32 = { m, n, ld, w, tau, d };
  const panel = (k0: number, b: number): Panel32 => {
    const bp = (b + 3) & ~3;
    const L = m - k0;
    const size = bp * L;
    return {
      k0,
      b,
      bp,
      v: v.subarray(0, size),
      v64: v64.subarray(0, size),
      quads: kernelsUsed === undefined ? quads.subarray(0, 0) : quads.subarray(0, bp * 4 * ((L + 3) >> 2)),
      t,
      tc: tc.subarray(0, bp * bp),
      y,
      z,
    };
  };
  return { kernels: kernelsUsed, state, panel };
}

/**
 * Loads the vectors of reflectors k0 … k0+b−1 from below the diagonal of `w` into the panel's buffers (explicit
 * vectors of length L = m − k0: 0 above their row, 1 on it; zero vectors pad the last group of four) and builds T.
 */
export function loadPanel32(s: Haar32, p: Panel32, simd: boolean): void {
  const { m, ld, w } = s;
  const { k0, b, bp, v, v64, quads } = p;
  const L = m - k0;
  const R = (L + 3) >> 2;
  for (let q = 0; q < bp; q++) {
    const vo = (q >> 2) * 4 * L + (q & 3);
    const wo = (k0 + q) * ld + k0;
    for (let i = 0; i < L; i++) {
      const e = q >= b || i < q ? 0 : i === q ? 1 : w[wo + i]!;
      v[vo + 4 * i] = e;
      v64[vo + 4 * i] = e;
    }
    if (simd) {
      // Quad r of group g, vector k, row 4r + l at ((g·R + r)·4 + k)·4 + l, from the group's first quad (r = g).
      const g = q >> 2;
      const base = g * R * 16 + (q & 3) * 4;
      for (let i = 4 * g; i < 4 * R; i++) quads[base + (i >> 2) * 16 + (i & 3)] = i < L ? v[vo + 4 * i]! : 0;
    }
  }
  buildT(v64, L, b, s.tau, k0, p.t, 0);
  if (simd) {
    const { t, tc } = p;
    tc.fill(0);
    for (let r = 0; r < b; r++) for (let q = r; q < b; q++) tc[q * bp + r] = t[r * b + q]!;
  }
}

/**
 * Applies the panel's I − V T Vᵀ to the columns cStart … cEnd−1 of `w` (rows k0 …): Y = VᵀC, Z = TY, C ← C − VZ.
 * Each column's result depends only on that column, V and T: splitting the range gives the same bits.
 */
export function applyPanel32(s: Haar32, p: Panel32, kernels: WyKernels | undefined, cStart: number, cEnd: number): void {
  const { m, ld, w } = s;
  const { k0, b, bp, v, t, y, z } = p;
  const L = m - k0;
  const nc = cEnd - cStart;
  if (nc <= 0) return;
  const wo = cStart * ld + k0;
  const yo = cStart * bp;
  if (kernels !== undefined) {
    kernels.vtc32(w.byteOffset + wo * 4, ld * 4, L, bp, v.byteOffset, y.byteOffset + yo * 4, nc);
  } else {
    vtc32(w, wo, ld, L, bp, v, y, yo, nc);
  }
  // Z = T·Y per column, in float64, rounded once to float32.
  if (kernels !== undefined) {
    kernels.tz32(p.tc.byteOffset, 0, b, bp, y.byteOffset + yo * 4, z.byteOffset + yo * 4, nc);
  } else {
    triangular32(t, b, bp, y, z, yo, nc);
  }
  if (kernels !== undefined) {
    kernels.cmvy32(w.byteOffset + wo * 4, ld * 4, L, bp, p.quads.byteOffset, z.byteOffset + yo * 4, nc);
  } else {
    cmvy32(w, wo, ld, L, bp, v, z, yo, nc);
  }
}

/** TypeScript twin of the kernel `tz32`: z[o + r] = float32(Σ_{q ≥ r} T[r][q]·y[o + q]) in float64, o = yo + c·bp. */
function triangular32(t: Float64Array, b: number, bp: number, y: Float32Array, z: Float32Array, yo: number, nc: number): void {
  for (let c = 0; c < nc; c++) {
    const o = yo + c * bp;
    for (let r = 0; r < b; r++) {
      let sum = 0;
      for (let q = r; q < b; q++) sum += t[r * b + q]! * y[o + q]!;
      z[o + r] = sum;
    }
    for (let r = b; r < bp; r++) z[o + r] = 0;
  }
}

/** TypeScript twin of the kernel `vtc32`: y[yo + c·bp + p] = Σ_{i ≥ 4⌊p/4⌋} v_p[i]·C[i][c], rounded as float32. */
function vtc32(w: Float32Array, wo: number, ld: number, L: number, bp: number, v: Float32Array, y: Float32Array, yo: number, nc: number): void {
  for (let c = 0; c < nc; c++) {
    const co = wo + c * ld;
    for (let g4 = 0; g4 < bp; g4 += 4) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let i = g4, k = g4 * L + 4 * g4; i < L; i++, k += 4) {
        const e = w[co + i]!;
        a0 = f(a0 + f(v[k]! * e));
        a1 = f(a1 + f(v[k + 1]! * e));
        a2 = f(a2 + f(v[k + 2]! * e));
        a3 = f(a3 + f(v[k + 3]! * e));
      }
      const o = yo + c * bp + g4;
      y[o] = a0;
      y[o + 1] = a1;
      y[o + 2] = a2;
      y[o + 3] = a3;
    }
  }
}

/** TypeScript twin of the kernel `cmvy32`: C[i][c] ← C[i][c] − (((v₀z₀ + v₁z₁) + v₂z₂) + v₃z₃) per group, as float32. */
function cmvy32(w: Float32Array, wo: number, ld: number, L: number, bp: number, v: Float32Array, z: Float32Array, zo: number, nc: number): void {
  for (let c = 0; c < nc; c++) {
    const co = wo + c * ld;
    for (let g4 = 0; g4 < bp; g4 += 4) {
      const o = zo + c * bp + g4;
      const z0 = z[o]!;
      const z1 = z[o + 1]!;
      const z2 = z[o + 2]!;
      const z3 = z[o + 3]!;
      for (let i = g4, k = g4 * L + 4 * g4; i < L; i++, k += 4) {
        let s = f(v[k]! * z0);
        s = f(s + f(v[k + 1]! * z1));
        s = f(s + f(v[k + 2]! * z2));
        s = f(s + f(v[k + 3]! * z3));
        w[co + i] = w[co + i]! - s;
      }
    }
  }
}

/**
 * Resets columns k0 … k0+b−1 of `w` to those of [D; 0] (every row, padding included), once their vectors are
 * loaded.
 */
export function identityColumns32(s: Haar32, k0: number, b: number): void {
  for (let j = k0; j < k0 + b; j++) {
    s.w.fill(0, j * s.ld, (j + 1) * s.ld);
    s.w[j * s.ld + j] = s.d[j]!;
  }
}

/**
 * The float32 Haar-random matrix with orthonormal columns: {@link haarOrthonormal}'s construction (Stewart 1980)
 * with the accumulation of Q in float32 (see the module comment).
 *
 * @param x - The cols Gaussian vectors of lengths rows, rows − 1, …, concatenated (float64, length
 *   haarInputLength(rows, cols)). Not modified.
 * @returns Q column by column: the row-major cols × rows float32 matrix Qᵀ, QᵀQ = I up to float32 rounding.
 * @throws InitError `invalid_shape` if rows or cols is not a non-negative integer, rows < cols, or x has another
 *   length.
 * @example
 * const q = haarOrthonormalFloat32(fillNormal(keyFromSeed(1), new Float64Array(haarInputLength(512, 512))), 512, 512);
 */
export function haarOrthonormalFloat32(x: Float64Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  haarColumnsFloat32(x, rows, cols, 0, cols, out);
  return out;
}

/**
 * Columns c0 … c1−1 of {@link haarOrthonormalFloat32}'s Q, written to out[j·rows …] (row j of Qᵀ), the rest of
 * `out` untouched. Column j of Q is H₀ ⋯ H_{cols−1}·d_j e_j: the same operations in the same order whichever range it
 * is computed in, so ranges computed separately (by different threads, initlab/node) give the bits of the whole.
 * Work grows with the column index (column j meets the panels up to j's); {@link haarColumnCost} balances ranges.
 *
 * @throws InitError `invalid_shape` as {@link haarOrthonormalFloat32}; RangeError for a bad range or a short `out`.
 */
export function haarColumnsFloat32(x: Float64Array, rows: number, cols: number, c0: number, c1: number, out: Float32Array): void {
  checkHaarInput('haarColumnsFloat32', x, rows, cols);
  if (!(Number.isSafeInteger(c0) && Number.isSafeInteger(c1) && 0 <= c0 && c0 <= c1 && c1 <= cols) || out.length < rows * cols) {
    throw new RangeError(`bad column range [${c0}, ${c1}) of ${cols} or output length ${out.length}`);
  }
  const m = rows;
  const n = cols;
  if (c0 === c1) return;
  // The panels that reach columns below c1: reflectors 0 … used−1.
  const used = Math.min(n, Math.ceil(c1 / PANEL) * PANEL);
  const { kernels, state, panel } = prepare(x, m, n, used);
  for (let k0 = Math.floor((c1 - 1) / PANEL) * PANEL; k0 >= 0; k0 -= PANEL) {
    const b = n - k0 < PANEL ? n - k0 : PANEL;
    const p = panel(k0, b);
    loadPanel32(state, p, kernels !== undefined);
    const j0 = Math.max(k0, c0);
    const j1 = Math.min(k0 + b, c1);
    if (j1 > j0) identityColumns32(state, j0, j1 - j0);
    applyPanel32(state, p, kernels, j0, c1);
  }
  const { w, ld } = state;
  for (let j = c0; j < c1; j++) out.set(w.subarray(j * ld, j * ld + m), j * m);
}

/**
 * Relative work of columns 0 … c−1 in {@link haarColumnsFloat32} for a rows × cols matrix: Σ_{j<c} Σ_{panels k0 ≤ j}
 * (rows − k0), the rows each column's updates touch. For splitting the columns into ranges of equal work.
 */
export function haarColumnCost(rows: number, cols: number, c: number): number {
  let cost = 0;
  for (let k0 = 0; k0 < Math.min(c, cols); k0 += PANEL) cost += (rows - k0) * (c - k0);
  return cost;
}
