/**
 * Thin QR decomposition by Householder reflections, and the sign-corrected orthonormal factor that the
 * `orthogonal` initializer uses.
 *
 * Algorithm (Householder 1958; Golub & Van Loan, "Matrix Computations", 4th ed., §5.1–5.2): for k = 0 … n−1 a
 * reflector H_k = I − τ_k v_k v_kᵀ (v_k[k] = 1, v_k[i] = 0 for i < k) maps column k of the partly reduced
 * matrix onto β_k e_k with β_k = −sign(α_k)·‖x_k‖, so Hₙ₋₁ ⋯ H₀ A = R and Q = H₀ H₁ ⋯ Hₙ₋₁ [I_n; 0].
 * Reflectors are grouped into panels of {@link PANEL} columns and applied in the compact WY form
 * H_k ⋯ H_{k+b−1} = I − V T Vᵀ (Schreiber & Van Loan 1989; Golub & Van Loan §5.1.7), which turns the
 * rank-1 updates into cache-friendly rank-b updates. The working matrix is stored column-major (the transpose
 * of the row-major input), so every Householder vector and every column that a reflector updates is one
 * contiguous run of a Float64Array.
 *
 * The block updates (almost all the arithmetic) have a WebAssembly SIMD fast path (wy-simd.ts), used for matrices
 * of at least {@link SIMD_MIN_COLS} columns where the engine has WebAssembly SIMD: the working matrix then lives in
 * the kernels' memory for the whole factorization. It performs the same IEEE operations in the same order as the
 * TypeScript kernels here, so both paths give the same bits (`setQrSimdEnabled(false)` forces the TypeScript path).
 *
 * No dependencies, no host APIs.
 */
import { fail } from '../errors.ts';
import { wyKernels, type WyKernels } from './wy-simd.ts';

export { setQrSimdEnabled } from './wy-simd.ts';

/** Columns per compact-WY panel. */
const PANEL = 32;
/** Panels of at most this many columns are factored column by column (see {@link factorPanel}). */
const LEAF = 8;
/**
 * Matrices with fewer columns skip the compact WY form: its groups of four would pad the explicit panel to
 * more memory than the matrix itself.
 */
const MIN_BLOCKED = 4;
/**
 * Matrices with at least this many columns take the WebAssembly SIMD path where it exists (its panel buffers
 * then take at most the matrix's size).
 */
const SIMD_MIN_COLS = 96;

/** Below this, a sum of squares may have lost precision to underflow; above {@link HUGE_SQ}, to overflow. */
const TINY_SQ = 2 ** -900;
const HUGE_SQ = 2 ** 900;

/**
 * √(x² + y²) without overflow or underflow: with m = max(|x|, |y|), m·√((|x|/m)² + (|y|/m)²), 0 when m = 0. ECMAScript
 * leaves the rounding of the built-in hypot to the engine, so the core spells out these IEEE operations; they are the
 * ones V8's built-in performs for two arguments (its compensated sum is exact for two terms), so the bits are those
 * that V8 gave before, now in every engine (test/linalg/qr.test.ts compares them on a million pairs).
 */
export function hypot(x: number, y: number): number {
  const a = Math.abs(x);
  const b = Math.abs(y);
  const m = a < b ? b : a;
  if (m === 0 || m === Infinity) return m;
  const p = a / m;
  const q = b / m;
  return Math.sqrt(p * p + q * q) * m;
}

/** Checks `rows`, `cols` and the length of `a`. */
function checkInput(where: string, a: Float64Array, rows: number, cols: number): void {
  if (!Number.isSafeInteger(rows) || rows < 0) fail('invalid_shape', where, 'rows', 'a non-negative integer', rows);
  if (!Number.isSafeInteger(cols) || cols < 0) fail('invalid_shape', where, 'cols', 'a non-negative integer', cols);
  if (rows < cols) fail('invalid_shape', where, 'rows', `at least cols (${cols})`, rows);
  if (a.length !== rows * cols) {
    fail('invalid_shape', where, 'a.length', `rows * cols (${rows * cols})`, a.length);
  }
}

/**
 * Transposes the row-major `r × c` matrix `src` into the row-major `c × r` matrix `dst`
 * (equivalently: row-major ↔ column-major). Tiled, writing `dst` contiguously within a tile: writing with a
 * large power-of-two stride instead thrashes the cache sets.
 */
function transpose(src: Float64Array, r: number, c: number, dst: Float64Array): void {
  const TILE = 32;
  for (let j0 = 0; j0 < c; j0 += TILE) {
    const j1 = j0 + TILE < c ? j0 + TILE : c;
    for (let i0 = 0; i0 < r; i0 += TILE) {
      const i1 = i0 + TILE < r ? i0 + TILE : r;
      for (let j = j0; j < j1; j++) {
        const o = j * r;
        for (let i = i0; i < i1; i++) dst[o + i] = src[i * c + j]!;
      }
    }
  }
}

/**
 * Generates the reflector for the column run x = w[off … off+len): afterwards w[off] = β, w[off+1 …] holds
 * v[1 …] (v[0] = 1 is implicit) and the return value is τ, so that (I − τ v vᵀ) x = β e₀.
 * If x[1 …] is exactly zero, τ = 0 (H = I) and β = x[0] is left in place.
 */
export function makeReflector(w: Float64Array, off: number, len: number): number {
  const alpha = w[off]!;
  const end = off + len;
  let sigma = 0;
  for (let i = off + 1; i < end; i++) {
    const x = w[i]!;
    sigma += x * x;
  }
  let tailNorm: number;
  if (sigma > TINY_SQ && sigma < HUGE_SQ) {
    tailNorm = Math.sqrt(sigma);
  } else {
    // Rare: recompute with scaling so that tiny or huge entries neither underflow nor overflow.
    let scale = 0;
    for (let i = off + 1; i < end; i++) {
      const x = Math.abs(w[i]!);
      if (x > scale) scale = x;
    }
    if (scale === 0) return 0;
    const inv = 1 / scale;
    let ssq = 0;
    for (let i = off + 1; i < end; i++) {
      const x = w[i]! * inv;
      ssq += x * x;
    }
    tailNorm = scale * Math.sqrt(ssq);
  }
  const norm = hypot(alpha, tailNorm);
  const beta = alpha >= 0 ? -norm : norm;
  const tau = (beta - alpha) / beta;
  const denom = alpha - beta; // |denom| ≥ norm: no cancellation
  for (let i = off + 1; i < end; i++) w[i] = w[i]! / denom;
  w[off] = beta;
  return tau;
}

/**
 * Factors panel columns k0 … k0+b−1 (rows k0 … m−1), writing τ into `tau`. Recursive (Elmroth & Gustavson
 * 2000): the left half is factored, its block reflector is applied to the right half with {@link applyBlock},
 * then the right half is factored; panels of at most {@link LEAF} columns go column by column, each
 * reflector applied to the remaining columns of the leaf with a dot product and an axpy.
 */
function factorPanel(w: Float64Array, m: number, k0: number, b: number, tau: Float64Array, s: Scratch): void {
  if (b > LEAF) {
    const b1 = ((b + 7) >> 3) << 2; // about half, a multiple of 4, less than b
    factorPanel(w, m, k0, b1, tau, s);
    // s.v is free while a panel is being factored.
    loadPanel(w, m, k0, b1, s);
    buildT(s.v, m - k0, b1, tau, k0, s.tHalf, 0);
    applyBlock(w, m, k0, b1, s, s.tHalf, 0, true, k0 + b1, k0 + b);
    factorPanel(w, m, k0 + b1, b - b1, tau, s);
    return;
  }
  const kEnd = k0 + b;
  for (let j = k0; j < kEnd; j++) {
    const vo = j * m + j;
    const len = m - j;
    const t = makeReflector(w, vo, len);
    tau[j] = t;
    if (t === 0) continue;
    const beta = w[vo]!;
    w[vo] = 1;
    for (let c = j + 1; c < kEnd; c++) {
      const co = c * m + j;
      let d = 0;
      for (let i = 0; i < len; i++) d += w[vo + i]! * w[co + i]!;
      d *= t;
      for (let i = 0; i < len; i++) w[co + i]! -= d * w[vo + i]!;
    }
    w[vo] = beta;
  }
}

/**
 * Copies the Householder vectors of panel k0 … k0+b−1 into `s.v` as explicit vectors of length L = m − k0
 * (entry i of vector p: 0 for i < p, 1 for i = p, the entry stored in w below the diagonal for i > p),
 * interleaved in groups of four: entry i of vector p is at v[⌊p/4⌋·4L + 4i + p mod 4], so that the four
 * entries a kernel step needs are adjacent. The last group is padded with zero vectors. On the SIMD path, also
 * into `s.simd.pairs` (see {@link loadPanelPairs}).
 */
function loadPanel(w: Float64Array, m: number, k0: number, b: number, s: Scratch): void {
  const v = s.v;
  if (s.simd !== null) loadPanelPairs(w, m, k0, b, s.simd.pairs);
  const L = m - k0;
  const bp = (b + 3) & ~3;
  for (let p = 0; p < bp; p++) {
    const vo = (p >> 2) * 4 * L + (p & 3);
    if (p >= b) {
      for (let i = 0; i < L; i++) v[vo + 4 * i] = 0;
      continue;
    }
    const wo = (k0 + p) * m + k0;
    for (let i = 0; i < p; i++) v[vo + 4 * i] = 0;
    v[vo + 4 * p] = 1;
    for (let i = p + 1; i < L; i++) v[vo + 4 * i] = w[wo + i]!;
  }
}

/**
 * The layout of the SIMD kernel `cmvy` (wy-simd.ts): the entries i, i + 1 (i even) of vector 4g + q of the
 * panel k0 … k0+b−1 (explicit as in {@link loadPanel}, zero vectors padding the last group) at
 * pairs[((g·R + i/2)·4 + q)·2 …], R = ⌈L/2⌉, for the rows i ≥ 4g that the kernel reads.
 */
function loadPanelPairs(w: Float64Array, m: number, k0: number, b: number, pairs: Float64Array): void {
  const L = m - k0;
  const R = (L + 1) >> 1;
  const bp = (b + 3) & ~3;
  for (let p = 0; p < bp; p++) {
    const g4 = p & ~3;
    const base = g4 * 2 * R + (p & 3) * 2; // (g·R·4 + q)·2 with g·R·8 = g4·2R
    if (p >= b) {
      for (let i = g4; i < L; i++) pairs[base + (i >> 1) * 8 + (i & 1)] = 0;
      continue;
    }
    const wo = (k0 + p) * m + k0;
    for (let i = g4; i < p; i++) pairs[base + (i >> 1) * 8 + (i & 1)] = 0;
    pairs[base + (p >> 1) * 8 + (p & 1)] = 1;
    for (let i = p + 1; i < L; i++) pairs[base + (i >> 1) * 8 + (i & 1)] = w[wo + i]!;
  }
}

/**
 * Builds the upper-triangular b × b matrix T (row-major, at t[to …]) of the compact WY form
 * H_{k0} ⋯ H_{k0+b−1} = I − V T Vᵀ of the panel loaded in `v` (Schreiber & Van Loan 1989):
 * T_qq = τ_q, T[0:q, q] = −τ_q T[0:q, 0:q] V[:, 0:q]ᵀ v_q.
 */
export function buildT(v: Float64Array, L: number, b: number, tau: Float64Array, k0: number, t: Float64Array, to: number): void {
  t.fill(0, to, to + b * b);
  for (let q = 0; q < b; q++) {
    const tq = tau[k0 + q]!;
    t[to + q * b + q] = tq;
    const qo = (q >> 2) * 4 * L + (q & 3);
    // z_p = v_p · v_q (v_q vanishes above row q), stored temporarily in T[p][q]; whole groups of four first.
    let p = 0;
    for (; p + 4 <= q; p += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = q, k = p * L + 4 * q; i < L; i++, k += 4) {
        const e = v[qo + 4 * i]!;
        s0 += v[k]! * e;
        s1 += v[k + 1]! * e;
        s2 += v[k + 2]! * e;
        s3 += v[k + 3]! * e;
      }
      t[to + p * b + q] = s0;
      t[to + (p + 1) * b + q] = s1;
      t[to + (p + 2) * b + q] = s2;
      t[to + (p + 3) * b + q] = s3;
    }
    for (; p < q; p++) {
      const po = (p >> 2) * 4 * L + (p & 3);
      let s0 = 0;
      for (let i = q; i < L; i++) s0 += v[po + 4 * i]! * v[qo + 4 * i]!;
      t[to + p * b + q] = s0;
    }
    // T[p][q] = −τ_q Σ_{r=p}^{q−1} T[p][r] z_r, in increasing p so that z_r (r ≥ p) is still unread.
    for (p = 0; p < q; p++) {
      let s0 = 0;
      for (let r = p; r < q; r++) s0 += t[to + p * b + r]! * t[to + r * b + q]!;
      t[to + p * b + q] = -tq * s0;
    }
  }
}

/**
 * Applies I − V Tᵀ Vᵀ (`transposeT`, i.e. the panel's Qᵀ) or I − V T Vᵀ (the panel's Q) to the columns
 * cStart … cEnd−1 of w restricted to rows k0 … m−1: per column x, y = Vᵀx, y ← Tᵀy (or Ty), x ← x − V y.
 * Columns go in threes and reflectors in fours (12 running sums; `v` as laid out by {@link loadPanel}), so
 * that every load of a Householder entry feeds three columns and every load of a column entry feeds four
 * reflectors; that register blocking is what makes the kernel fast. `work` needs 6·PANEL entries.
 */
function applyBlock(
  w: Float64Array,
  m: number,
  k0: number,
  b: number,
  s: Scratch,
  t: Float64Array,
  to: number,
  transposeT: boolean,
  cStart: number,
  cEnd: number,
): void {
  if (s.simd !== null) {
    applyBlockSimd(w, m, k0, b, s.v, s.simd, t, to, transposeT, cStart, cEnd);
    return;
  }
  const v = s.v;
  const work = s.work;
  const L = m - k0;
  const bp = (b + 3) & ~3; // the zero vectors that pad the last group get y = 0 and change nothing
  const b2 = 2 * bp;
  const b3 = 3 * bp;
  const b4 = 4 * bp;
  const b5 = 5 * bp;
  let c = cStart;
  for (; c + 3 <= cEnd; c += 3) {
    const xo = c * m + k0;
    const yo = xo + m;
    const zo = yo + m;
    // work[p], work[bp + p], work[2bp + p] = v_p · x, v_p · y, v_p · z (v_p vanishes above row p)
    for (let p = 0; p < bp; p += 4) {
      let x0 = 0;
      let x1 = 0;
      let x2 = 0;
      let x3 = 0;
      let y0 = 0;
      let y1 = 0;
      let y2 = 0;
      let y3 = 0;
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      let z3 = 0;
      for (let i = p, k = p * L + 4 * p; i < L; i++, k += 4) {
        const v0 = v[k]!;
        const v1 = v[k + 1]!;
        const v2 = v[k + 2]!;
        const v3 = v[k + 3]!;
        let e = w[xo + i]!;
        x0 += v0 * e;
        x1 += v1 * e;
        x2 += v2 * e;
        x3 += v3 * e;
        e = w[yo + i]!;
        y0 += v0 * e;
        y1 += v1 * e;
        y2 += v2 * e;
        y3 += v3 * e;
        e = w[zo + i]!;
        z0 += v0 * e;
        z1 += v1 * e;
        z2 += v2 * e;
        z3 += v3 * e;
      }
      work[p] = x0;
      work[p + 1] = x1;
      work[p + 2] = x2;
      work[p + 3] = x3;
      work[bp + p] = y0;
      work[bp + p + 1] = y1;
      work[bp + p + 2] = y2;
      work[bp + p + 3] = y3;
      work[b2 + p] = z0;
      work[b2 + p + 1] = z1;
      work[b2 + p + 2] = z2;
      work[b2 + p + 3] = z3;
    }
    triangularTimes(t, to, b, bp, transposeT, work, 0, b3);
    triangularTimes(t, to, b, bp, transposeT, work, bp, b4);
    triangularTimes(t, to, b, bp, transposeT, work, b2, b5);
    // x −= V work[3bp …], y −= V work[4bp …], z −= V work[5bp …]
    for (let p = 0; p < bp; p += 4) {
      const x0 = work[b3 + p]!;
      const x1 = work[b3 + p + 1]!;
      const x2 = work[b3 + p + 2]!;
      const x3 = work[b3 + p + 3]!;
      const y0 = work[b4 + p]!;
      const y1 = work[b4 + p + 1]!;
      const y2 = work[b4 + p + 2]!;
      const y3 = work[b4 + p + 3]!;
      const z0 = work[b5 + p]!;
      const z1 = work[b5 + p + 1]!;
      const z2 = work[b5 + p + 2]!;
      const z3 = work[b5 + p + 3]!;
      for (let i = p, k = p * L + 4 * p; i < L; i++, k += 4) {
        const v0 = v[k]!;
        const v1 = v[k + 1]!;
        const v2 = v[k + 2]!;
        const v3 = v[k + 3]!;
        w[xo + i]! -= v0 * x0 + v1 * x1 + v2 * x2 + v3 * x3;
        w[yo + i]! -= v0 * y0 + v1 * y1 + v2 * y2 + v3 * y3;
        w[zo + i]! -= v0 * z0 + v1 * z1 + v2 * z2 + v3 * z3;
      }
    }
  }
  // The last one or two columns, one at a time.
  for (; c < cEnd; c++) {
    const xo = c * m + k0;
    for (let p = 0; p < bp; p += 4) {
      let x0 = 0;
      let x1 = 0;
      let x2 = 0;
      let x3 = 0;
      for (let i = p, k = p * L + 4 * p; i < L; i++, k += 4) {
        const e = w[xo + i]!;
        x0 += v[k]! * e;
        x1 += v[k + 1]! * e;
        x2 += v[k + 2]! * e;
        x3 += v[k + 3]! * e;
      }
      work[p] = x0;
      work[p + 1] = x1;
      work[p + 2] = x2;
      work[p + 3] = x3;
    }
    triangularTimes(t, to, b, bp, transposeT, work, 0, b3);
    for (let p = 0; p < bp; p += 4) {
      const x0 = work[b3 + p]!;
      const x1 = work[b3 + p + 1]!;
      const x2 = work[b3 + p + 2]!;
      const x3 = work[b3 + p + 3]!;
      for (let i = p, k = p * L + 4 * p; i < L; i++, k += 4) {
        w[xo + i]! -= v[k]! * x0 + v[k + 1]! * x1 + v[k + 2]! * x2 + v[k + 3]! * x3;
      }
    }
  }
}

/**
 * {@link applyBlock} on the SIMD path: the same three steps, each over all the columns at once — Y = VᵀC (kernel
 * `vtc`), Z = TᵀY or TY column by column ({@link triangularTimes}, in TypeScript), C ← C − VZ (kernel `cmvy`) —
 * with the same IEEE operations in the same order for every element, hence the same bits. `w`, `v` and the
 * scratch are views of the kernels' memory.
 */
function applyBlockSimd(
  w: Float64Array,
  m: number,
  k0: number,
  b: number,
  v: Float64Array,
  simd: SimdScratch,
  t: Float64Array,
  to: number,
  transposeT: boolean,
  cStart: number,
  cEnd: number,
): void {
  const L = m - k0;
  const bp = (b + 3) & ~3;
  const nc = cEnd - cStart;
  const { kernels, heap, y, z } = simd;
  const wByte = w.byteOffset + (cStart * m + k0) * 8;
  kernels.vtc(wByte, m * 8, L, bp, v.byteOffset, y * 8, nc);
  let c = 0;
  for (; c + 4 <= nc; c += 4) triangularTimes4(t, to, b, bp, transposeT, heap, y + c * bp, z + c * bp);
  for (; c < nc; c++) triangularTimes(t, to, b, bp, transposeT, heap, y + c * bp, z + c * bp);
  kernels.cmvy(wByte, m * 8, L, bp, simd.pairs.byteOffset, z * 8, nc);
}

/**
 * work[dst …] = Tᵀ work[src …] (`transposeT`) or T work[src …], for the upper-triangular b × b T stored
 * row-major at t[to …]; work[dst + b … dst + bp) is set to zero (the padding of {@link loadPanel}).
 */
function triangularTimes(t: Float64Array, to: number, b: number, bp: number, transposeT: boolean, work: Float64Array, src: number, dst: number): void {
  if (transposeT) {
    for (let q = 0; q < b; q++) {
      let s = 0;
      for (let r = 0; r <= q; r++) s += t[to + r * b + q]! * work[src + r]!;
      work[dst + q] = s;
    }
  } else {
    for (let r = 0; r < b; r++) {
      let s = 0;
      for (let q = r; q < b; q++) s += t[to + r * b + q]! * work[src + q]!;
      work[dst + r] = s;
    }
  }
  for (let p = b; p < bp; p++) work[dst + p] = 0;
}

/**
 * {@link triangularTimes} for four columns at once, the vectors at work[src + k·bp …] → work[dst + k·bp …],
 * k = 0 … 3: the same sums in the same order, with every entry of T loaded once for the four.
 */
function triangularTimes4(t: Float64Array, to: number, b: number, bp: number, transposeT: boolean, work: Float64Array, src: number, dst: number): void {
  const s1 = src + bp;
  const s2 = s1 + bp;
  const s3 = s2 + bp;
  if (transposeT) {
    for (let q = 0; q < b; q++) {
      let x0 = 0;
      let x1 = 0;
      let x2 = 0;
      let x3 = 0;
      for (let r = 0, k = to + q; r <= q; r++, k += b) {
        const e = t[k]!;
        x0 += e * work[src + r]!;
        x1 += e * work[s1 + r]!;
        x2 += e * work[s2 + r]!;
        x3 += e * work[s3 + r]!;
      }
      work[dst + q] = x0;
      work[dst + bp + q] = x1;
      work[dst + 2 * bp + q] = x2;
      work[dst + 3 * bp + q] = x3;
    }
  } else {
    for (let r = 0; r < b; r++) {
      let x0 = 0;
      let x1 = 0;
      let x2 = 0;
      let x3 = 0;
      for (let q = r, k = to + r * b + r; q < b; q++, k++) {
        const e = t[k]!;
        x0 += e * work[src + q]!;
        x1 += e * work[s1 + q]!;
        x2 += e * work[s2 + q]!;
        x3 += e * work[s3 + q]!;
      }
      work[dst + r] = x0;
      work[dst + bp + r] = x1;
      work[dst + 2 * bp + r] = x2;
      work[dst + 3 * bp + r] = x3;
    }
  }
  for (let k = 0; k < 4; k++) for (let p = b; p < bp; p++) work[dst + k * bp + p] = 0;
}

/**
 * Scratch shared by {@link factor}, {@link factorPanel} and {@link formQ}: the explicit panel, every panel's
 * T, the T of a half panel, and a small vector. m·4⌈min(n, 32)/4⌉ + 32·n + 1000 doubles at most, none for
 * n < {@link MIN_BLOCKED}.
 */
interface Scratch {
  readonly v: Float64Array;
  readonly t: Float64Array;
  readonly tHalf: Float64Array;
  readonly work: Float64Array;
  /** The SIMD path's buffers, or null on the TypeScript path. */
  readonly simd: SimdScratch | null;
}

/** Buffers of the SIMD path, in the kernels' memory: the panel in row pairs, and Y = VᵀC and Z at heap[y …], heap[z …]. */
interface SimdScratch {
  readonly kernels: WyKernels;
  readonly heap: Float64Array;
  readonly pairs: Float64Array;
  readonly y: number;
  readonly z: number;
}

/**
 * The working m × n matrix and the scratch: on the SIMD path (n ≥ {@link SIMD_MIN_COLS} and WebAssembly SIMD
 * available) all views of the kernels' memory, otherwise fresh arrays.
 */
function makeWorkspace(m: number, n: number): { w: Float64Array; s: Scratch } {
  const blocked = n >= MIN_BLOCKED;
  const half = PANEL / 2;
  const bpMax = (Math.min(n, PANEL) + 3) & ~3;
  const t = new Float64Array(!blocked ? 0 : n <= PANEL ? n * n : Math.ceil(n / PANEL) * PANEL * PANEL);
  const tHalf = new Float64Array(blocked ? half * half : 0);
  const kernels = n >= SIMD_MIN_COLS ? wyKernels() : undefined;
  if (kernels !== undefined) {
    // Regions of even length, so that every one starts on 16 bytes.
    const even = (k: number): number => k + (k & 1);
    const sizes = [even(m * n), even(m * bpMax), bpMax * 2 * ((m + 1) >> 1), even(bpMax * n), even(bpMax * n)];
    const starts: number[] = [];
    let total = 0;
    for (const size of sizes) {
      starts.push(total);
      total += size;
    }
    const heap = kernels.heap(total);
    if (heap !== undefined) {
      const region = (k: number): Float64Array => heap.subarray(starts[k]!, starts[k]! + sizes[k]!);
      const simd: SimdScratch = { kernels, heap, pairs: region(2), y: starts[3]!, z: starts[4]! };
      return { w: region(0).subarray(0, m * n), s: { v: region(1), t, tHalf, work: new Float64Array(0), simd } };
    }
  }
  return {
    w: new Float64Array(m * n),
    s: {
      v: new Float64Array(blocked ? m * bpMax : 0),
      t,
      tHalf,
      work: new Float64Array(blocked ? 6 * PANEL : 0),
      simd: null,
    },
  };
}

/**
 * Blocked Householder factorization of the column-major m × n matrix w (m ≥ n), in place: R on and above the
 * diagonal, the Householder vectors (without their unit leading entry) below it, τ in `tau`, and each
 * panel's T in the scratch (kept for {@link formQ}).
 */
function factor(w: Float64Array, m: number, n: number, tau: Float64Array, s: Scratch): void {
  if (n < MIN_BLOCKED) {
    factorPanel(w, m, 0, n, tau, s); // n ≤ LEAF: column by column
    return;
  }
  for (let k0 = 0; k0 < n; k0 += PANEL) {
    const b = n - k0 < PANEL ? n - k0 : PANEL;
    const to = (k0 / PANEL) * PANEL * PANEL;
    factorPanel(w, m, k0, b, tau, s);
    loadPanel(w, m, k0, b, s);
    buildT(s.v, m - k0, b, tau, k0, s.t, to);
    if (k0 + b < n) applyBlock(w, m, k0, b, s, s.t, to, true, k0 + b, n);
  }
}

/**
 * Overwrites the factored w (from {@link factor}) with the thin Q·D, column-major m × n, where D = diag(d)
 * (d = all ones when `d` is null), by backward accumulation: Q·D = H₀ ⋯ Hₙ₋₁ [D; 0], one panel at a time
 * from the last, each applied to the columns from its own first column on (the others are still [D; 0]
 * there). Exact ±1 entries in D commute with the reflections, so the result is exactly (Q·[I;0])·D.
 */
function formQ(w: Float64Array, m: number, n: number, tau: Float64Array, d: Float64Array | null, s: Scratch): void {
  if (n < MIN_BLOCKED) {
    formQUnblocked(w, m, n, tau, d);
    return;
  }
  for (let k0 = Math.floor((n - 1) / PANEL) * PANEL; k0 >= 0; k0 -= PANEL) {
    const b = n - k0 < PANEL ? n - k0 : PANEL;
    loadPanel(w, m, k0, b, s);
    for (let j = k0; j < k0 + b; j++) {
      const co = j * m;
      w.fill(0, co, co + m);
      w[co + j] = d === null ? 1 : d[j]!;
    }
    applyBlock(w, m, k0, b, s, s.t, (k0 / PANEL) * PANEL * PANEL, false, k0, n);
  }
}

/**
 * {@link formQ} for n < {@link MIN_BLOCKED}, one reflector at a time from the last: H_j is applied to the
 * columns after j (dot product and axpy), and column j becomes H_j (d_j e_j) = d_j (e_j − τ_j v_j).
 */
function formQUnblocked(w: Float64Array, m: number, n: number, tau: Float64Array, d: Float64Array | null): void {
  for (let j = n - 1; j >= 0; j--) {
    const vo = j * m + j;
    const len = m - j;
    const t = tau[j]!;
    w[vo] = 1;
    for (let c = j + 1; c < n; c++) {
      const co = c * m + j;
      let dot = 0;
      for (let i = 0; i < len; i++) dot += w[vo + i]! * w[co + i]!;
      dot *= t;
      for (let i = 0; i < len; i++) w[co + i]! -= dot * w[vo + i]!;
    }
    const dj = d === null ? 1 : d[j]!;
    w.fill(0, j * m, vo);
    w[vo] = dj * (1 - t);
    if (t === 0) {
      w.fill(0, vo + 1, vo + len); // H_j = I
    } else {
      const f = -dj * t;
      for (let i = vo + 1; i < vo + len; i++) w[i]! *= f;
    }
  }
}

/**
 * Thin QR decomposition A = Q R of a row-major `rows × cols` matrix with rows ≥ cols, by Householder
 * reflections (Householder 1958; Golub & Van Loan, "Matrix Computations", §5.2) in blocked compact-WY form.
 *
 * Householder vectors are chosen with β = −sign(α)‖x‖ (no cancellation), so the diagonal of R may have either
 * sign; a column that is already zero below the diagonal gets no reflection (R_kk = that column's diagonal
 * entry). QᵀQ = I and ‖QR − A‖ = O(ε‖A‖) hold for any finite input, including rank-deficient ones (entries
 * are not checked for NaN or ±Infinity).
 *
 * @param a - The matrix, row-major, length rows·cols. Not modified.
 * @returns `q`: the thin Q, row-major rows × cols, with orthonormal columns; `r`: R, row-major cols × cols,
 *   upper triangular (entries below the diagonal are exact zeros).
 * @throws InitError `invalid_shape` if rows or cols is not a non-negative integer, rows < cols, or
 *   a.length ≠ rows·cols.
 * @example
 * const { q, r } = householderQr(new Float64Array([1, 2, 3, 4, 5, 6]), 3, 2); // q is 3 × 2, r is 2 × 2
 * r; // Float64Array [-5.9160…, -7.4373…, 0, 0.8280…]
 */
export function householderQr(a: Float64Array, rows: number, cols: number): { q: Float64Array; r: Float64Array } {
  checkInput('householderQr', a, rows, cols);
  const m = rows;
  const n = cols;
  const { w, s } = makeWorkspace(m, n);
  transpose(a, m, n, w);
  const tau = new Float64Array(n);
  factor(w, m, n, tau, s);
  const r = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const co = j * m;
    for (let i = 0; i <= j; i++) r[i * n + j] = w[co + i]!;
  }
  formQ(w, m, n, tau, null, s);
  const q = new Float64Array(m * n);
  transpose(w, n, m, q);
  return { q, r };
}

/**
 * The orthonormal factor of the `orthogonal` initializer: Q·diag(sign(diag R)) for the thin Householder QR
 * A = Q R of a row-major `rows × cols` matrix, rows ≥ cols, with sign(0) taken as +1.
 *
 * The sign correction makes the factorization unique (it is the QR with non-negative diagonal of R), and
 * for a Gaussian A it makes the result Haar-distributed on the Stiefel manifold (Mezzadri 2007, "How to
 * generate random matrices from the classical compact groups", arXiv:math-ph/0609050; Saxe et al. 2014). It
 * computes exactly the same numbers as `householderQr(a, rows, cols).q` with each column j multiplied by the
 * sign of R_jj (the signs are folded into the accumulation of Q: Q·D = H₀ ⋯ Hₙ₋₁ [D; 0]), but writes the
 * result over its input instead of allocating Q and R.
 *
 * Extra memory: one rows × cols working copy (the transpose, column-major) plus at most
 * rows·4⌈min(cols, 32)/4⌉ + 32·cols + 1000 doubles of scratch (none below 4 columns): in total at most
 * 2.6× the matrix, and about 1.03× for a square 1024 × 1024 one. On the SIMD path (cols ≥ 96) the copy and
 * the scratch (another rows·32 + 64·cols doubles) are in the kernels' WebAssembly memory: at most 2.8× the
 * matrix, about 1.1× for a square 1024 × 1024 one; that memory is kept for later calls and never shrinks.
 *
 * @param a - The matrix, row-major, length rows·cols. Consumed: it is overwritten with the result.
 * @returns `a` itself, now holding the row-major rows × cols matrix Q·diag(sign(diag R)), whose columns are
 *   orthonormal.
 * @throws InitError `invalid_shape` if rows or cols is not a non-negative integer, rows < cols, or
 *   a.length ≠ rows·cols.
 * @example
 * const a = fillNormal(keyFromSeed(0), new Float64Array(256 * 128));
 * orthonormalize(a, 256, 128); // a now holds a Haar-distributed 256 × 128 matrix with orthonormal columns
 */
export function orthonormalize(a: Float64Array, rows: number, cols: number): Float64Array {
  checkInput('orthonormalize', a, rows, cols);
  const m = rows;
  const n = cols;
  if (n === 0) return a;
  const { w, s } = makeWorkspace(m, n);
  transpose(a, m, n, w);
  const tau = new Float64Array(n);
  factor(w, m, n, tau, s);
  const d = new Float64Array(n);
  for (let j = 0; j < n; j++) d[j] = w[j * m + j]! < 0 ? -1 : 1;
  formQ(w, m, n, tau, d, s);
  transpose(w, n, m, a);
  return a;
}

/**
 * The number of standard normal values that {@link haarOrthonormal} consumes for a rows × cols result: one vector
 * of each length rows, rows − 1, …, rows − cols + 1, that is rows·cols − cols·(cols − 1)/2.
 *
 * @example
 * haarInputLength(4, 3); // 9 = 4 + 3 + 2
 * haarInputLength(768, 768); // 295296
 */
export function haarInputLength(rows: number, cols: number): number {
  return rows * cols - (cols * (cols - 1)) / 2;
}

/** Checks `rows`, `cols` and the length of the reflector input `x` of the Haar constructions. */
export function checkHaarInput(where: string, x: Float64Array, rows: number, cols: number): void {
  if (!Number.isSafeInteger(rows) || rows < 0) fail('invalid_shape', where, 'rows', 'a non-negative integer', rows);
  if (!Number.isSafeInteger(cols) || cols < 0) fail('invalid_shape', where, 'cols', 'a non-negative integer', cols);
  if (rows < cols) fail('invalid_shape', where, 'rows', `at least cols (${cols})`, rows);
  const length = haarInputLength(rows, cols);
  if (x.length !== length) fail('invalid_shape', where, 'x.length', `rows·cols − cols·(cols − 1)/2 (${length})`, x.length);
}

/**
 * A Haar-random matrix with orthonormal columns, built directly from Gaussian reflectors (Stewart 1980, "The
 * efficient generation of random orthogonal matrices with an application to condition estimators", SIAM J. Numer.
 * Anal. 17(3)). `x` holds cols standard normal vectors one after the other, x_k of length rows − k (k = 0 … cols−1);
 * the reflector H_k = I − τ_k v_k v_kᵀ (acting on rows k …) maps x_k onto β_k e_k, β_k = −sign(x_k[0])·‖x_k‖ as in
 * {@link householderQr}, and
 *
 *   Q = H₀ H₁ ⋯ H_{cols−1} [D; 0],  D = diag(sign β_k)  (sign(0) = +1; for a square matrix the last vector has
 *   length 1, its reflector is I and β = x[0]).
 *
 * Why this is Haar: in the Householder QR of a Gaussian G, once H₀ is applied the trailing block is again an
 * independent Gaussian matrix (an orthogonal map of independent standard normal columns), so the reflectors of the
 * QR are distributed as those of independent Gaussian vectors of lengths rows, rows − 1, …, and Q·diag(sign diag R)
 * of the QR, which is Haar (Mezzadri 2007), is the product above. Without the factorization's trailing updates only
 * the accumulation of Q is left (as LAPACK's dorgqr: blocked reflectors applied backwards to [D; 0]), about half
 * the work of {@link orthonormalize}: 2·rows·cols² − ⅔·cols³ flops instead of twice that.
 *
 * Same bits on the SIMD and TypeScript paths and on every engine (only + − × ÷ √).
 *
 * @param x - The cols Gaussian vectors, concatenated: length {@link haarInputLength}(rows, cols). Not modified.
 * @returns Q column by column: the row-major cols × rows matrix Qᵀ, whose rows (Q's columns) are orthonormal.
 * @throws InitError `invalid_shape` if rows or cols is not a non-negative integer, rows < cols, or x has another
 *   length.
 * @example
 * const x = fillNormal(keyFromSeed(1), new Float64Array(haarInputLength(6, 4)));
 * const qt = haarOrthonormal(x, 6, 4); // Qᵀ, 4 × 6: its rows are orthonormal
 */
export function haarOrthonormal(x: Float64Array, rows: number, cols: number): Float64Array {
  checkHaarInput('haarOrthonormal', x, rows, cols);
  const m = rows;
  const n = cols;
  const q = new Float64Array(m * n);
  if (n === 0) return q;
  const { w, s } = makeWorkspace(m, n);
  const tau = new Float64Array(n);
  const d = new Float64Array(n);
  for (let j = 0, o = 0; j < n; o += m - j, j++) {
    const vo = j * m + j;
    w.set(x.subarray(o, o + m - j), vo);
    tau[j] = makeReflector(w, vo, m - j);
    d[j] = w[vo]! < 0 ? -1 : 1;
  }
  if (n < MIN_BLOCKED) {
    formQUnblocked(w, m, n, tau, d);
  } else {
    for (let k0 = Math.floor((n - 1) / PANEL) * PANEL; k0 >= 0; k0 -= PANEL) {
      const b = n - k0 < PANEL ? n - k0 : PANEL;
      loadPanel(w, m, k0, b, s);
      buildT(s.v, m - k0, b, tau, k0, s.t, 0);
      for (let j = k0; j < k0 + b; j++) {
        const co = j * m;
        w.fill(0, co, co + m);
        w[co + j] = d[j]!;
      }
      applyBlock(w, m, k0, b, s, s.t, 0, false, k0, n);
    }
  }
  q.set(w);
  return q;
}
