/**
 * Dense float64 linear algebra for the lab's analyses of square n × n matrices (row-major Float64Array): products,
 * the spectral norm by power iteration, and the singular values of a long product of matrices by orthogonal
 * iteration with QR re-orthonormalization at every factor, accumulated in logarithms so that nothing overflows or
 * underflows (the method behind Lyapunov exponents: Benettin et al. 1980; Eckmann & Ruelle 1985).
 */
import { householderQr } from 'initlab';
import { norm2 } from './statistics.ts';

/** C = A·B for n × n row-major matrices (C must not alias A or B). */
export function matmul(a: Float64Array, b: Float64Array, n: number, c: Float64Array = new Float64Array(n * n)): Float64Array {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    const ci = i * n;
    for (let j = 0; j < n; j++) {
      const aij = a[ci + j]!;
      if (aij === 0) continue;
      const bj = j * n;
      for (let k = 0; k < n; k++) c[ci + k]! += aij * b[bj + k]!;
    }
  }
  return c;
}

/** The transpose of an n × n row-major matrix. */
export function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j]!;
  return t;
}

/** The n × n identity. */
export function identityMatrix(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

/** y = A·x for an n × n row-major A. */
export function matvec(a: Float64Array, x: Float64Array, n: number, y: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const ai = i * n;
    for (let j = 0; j < n; j++) s += a[ai + j]! * x[j]!;
    y[i] = s;
  }
  return y;
}

/** y = Aᵀ·x for an n × n row-major A. */
export function matvecT(a: Float64Array, x: Float64Array, n: number, y: Float64Array = new Float64Array(n)): Float64Array {
  y.fill(0);
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const ai = i * n;
    for (let j = 0; j < n; j++) y[j]! += a[ai + j]! * xi;
  }
  return y;
}

/** Euclidean norm of a vector (plain sum of squares: callers keep entries well scaled). */
export function vectorNorm(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

/** Largest absolute entry. */
export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
}

/** Options of {@link spectralNorm}. */
export interface PowerIterationOptions {
  /** Stop when the estimate changes by less than this relative amount (default 1e-13). */
  readonly tolerance?: number;
  /** At most this many iterations (default 200). */
  readonly maxIterations?: number;
}

/**
 * The spectral norm ‖A‖₂ = σ_max(A) of an n × n matrix by power iteration on AᵀA, starting from (and updating in
 * place) the unit vector `v`, so that a sequence of slowly changing matrices can warm-start each other. The
 * estimate ‖A v‖ never exceeds σ_max and increases monotonically; it is exact when σ_max is reached by every
 * vector (orthogonal matrices, projections). Returns 0 for a zero matrix.
 */
export function spectralNorm(a: Float64Array, n: number, v: Float64Array, options: PowerIterationOptions = {}): number {
  const tolerance = options.tolerance ?? 1e-13;
  const maxIterations = options.maxIterations ?? 200;
  const u = new Float64Array(n);
  let sigma = 0;
  let norm = vectorNorm(v);
  if (norm === 0) {
    v.fill(1);
    norm = Math.sqrt(n);
  }
  for (let i = 0; i < n; i++) v[i] = v[i]! / norm;
  for (let it = 0; it < maxIterations; it++) {
    matvec(a, v, n, u);
    const next = vectorNorm(u);
    if (next === 0) {
      // v is in the null space: restart from another direction unless A is zero.
      if (maxAbs(a) === 0) return 0;
      for (let i = 0; i < n; i++) v[i] = ((i * 7919) % n) / n + 0.5;
      const r = vectorNorm(v);
      for (let i = 0; i < n; i++) v[i] = v[i]! / r;
      continue;
    }
    matvecT(a, u, n, v);
    const r = vectorNorm(v);
    for (let i = 0; i < n; i++) v[i] = v[i]! / r;
    const converged = Math.abs(next - sigma) <= tolerance * next;
    sigma = Math.max(sigma, next);
    if (converged) break;
  }
  return sigma;
}

/** Singular values and right singular vectors of a square matrix. */
export interface Svd {
  /** Singular values, descending. */
  readonly values: number[];
  /** Right singular vectors as the columns of an n × n row-major matrix, in the order of `values`. */
  readonly vectors: Float64Array;
}

/**
 * Singular value decomposition of an n × n matrix by one-sided Jacobi rotations (Hestenes 1958; Demmel & Veselić
 * 1992): plane rotations orthogonalize the columns of A·V until every pair is orthogonal to working precision;
 * the singular values are then the column norms. Accurate to about ε·σ_max in absolute terms (singular values
 * below that are noise), which is why long products use {@link productSingularValues} instead, with this as its
 * starting basis.
 */
export function jacobiSvd(a: Float64Array, n: number, maxSweeps = 60): Svd {
  // Rows of b are the columns of A; rows of vt are the columns of V: both rotate as contiguous rows.
  const b = transpose(a, n);
  const vt = identityMatrix(n);
  const rotate = (m: Float64Array, i: number, j: number, c: number, s: number): void => {
    const ri = i * n;
    const rj = j * n;
    for (let k = 0; k < n; k++) {
      const x = m[ri + k]!;
      const y = m[rj + k]!;
      m[ri + k] = c * x - s * y;
      m[rj + k] = s * x + c * y;
    }
  };
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        const ri = i * n;
        const rj = j * n;
        for (let k = 0; k < n; k++) {
          const x = b[ri + k]!;
          const y = b[rj + k]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= Number.EPSILON * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(b, i, j, c, s);
        rotate(vt, i, j, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, i) => vectorNorm(b.subarray(i * n, (i + 1) * n)));
  const order = norms.map((_, i) => i).sort((x, y) => norms[y]! - norms[x]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = vt[src * n + k]!;
  });
  return { values: order.map((i) => norms[i]!), vectors };
}

/** A product of T square factors J_T ⋯ J_1, given by how each factor and its transpose act on an n × n matrix. */
export interface MatrixProduct {
  readonly n: number;
  readonly steps: number;
  /** Y = J_t·X (t = 1 … steps). */
  apply(t: number, x: Float64Array): Float64Array;
  /** Y = J_tᵀ·X. */
  applyTranspose(t: number, x: Float64Array): Float64Array;
}

/** What {@link productSingularValues} found. */
export interface ProductSpectrum {
  /** Natural logarithms of the singular values of J_T ⋯ J_1, descending (−Infinity for exact zeros). */
  readonly logSingularValues: number[];
  /** Orthogonal-iteration sweeps used (a sweep = a pass forward through the product, then one back unless it was the last). */
  readonly sweeps: number;
  /**
   * Largest change of a finite log singular value in the last sweep (natural log): the convergence residual;
   * +Infinity after a single sweep or when the set of exact zeros changed in the last sweep.
   */
  readonly residual: number;
}

/**
 * Singular values of a long product P = J_T ⋯ J_1 without forming it: orthogonal iteration on PᵀP, where every
 * pass through the product re-orthonormalizes after each factor by a Householder QR and accumulates log|R_ii|.
 *
 * A forward pass maps an orthonormal basis V through the factors, J_t Q_{t−1} = Q_t R_t, so that
 * P V = Q_T (R_T ⋯ R_1); the diagonal of the triangular product is ∏_t R_t,ii, whose logarithm is the sum of the
 * log|R_t,ii| (no overflow however large or small P is). A backward pass does the same through Pᵀ and gives the
 * next V. When V has converged to the right singular vectors, P V = U Σ, the triangular product is Σ and its
 * diagonal holds the singular values in descending order. Each sweep multiplies the error in direction i by
 * (σ_{i+1}/σ_i)², so strongly graded spectra (long products) converge in one or two sweeps; equal singular values
 * (orthogonal factors) need none; nearly equal pairs converge slowly, which is what `residual` reports. Iterates
 * until every finite log singular value changes by less than `tolerance` (natural log) or `maxSweeps` sweeps were
 * done. A per-step stretch factor at the rounding level of that step (≤ n·ε·‖J_t Q‖_F) counts as an exact 0
 * (log −∞): such directions are annihilated by the factor (e.g. ReLU units that are off) up to rounding.
 *
 * `start` (an orthogonal n × n matrix, row-major) replaces the identity as the first basis: the right singular
 * vectors of an explicitly formed (rescaled) product from {@link jacobiSvd} make the large, possibly nearly equal,
 * singular values exact from the first sweep, leaving the iteration only the graded tail.
 */
export function productSingularValues(product: MatrixProduct, tolerance = 1e-6, maxSweeps = 3, start?: Float64Array): ProductSpectrum {
  const { n, steps } = product;
  let v = start ? Float64Array.from(start) : identityMatrix(n);
  let previous: number[] | null = null;
  let residual = Number.POSITIVE_INFINITY;
  let sweeps = 0;
  let logs: number[] = [];
  for (;;) {
    sweeps++;
    const forward = propagate(v, n, steps, (t, x) => product.apply(t, x), 1);
    logs = forward.logs;
    if (previous !== null) {
      residual = 0;
      for (let i = 0; i < n; i++) {
        const a = logs[i]!;
        const b = previous[i]!;
        if (Number.isFinite(a) && Number.isFinite(b)) residual = Math.max(residual, Math.abs(a - b));
        else if (a !== b) residual = Number.POSITIVE_INFINITY;
      }
      if (residual < tolerance) break;
    }
    previous = logs;
    if (sweeps >= maxSweeps) break;
    // The backward pass gives the next basis; the last sweep needs none.
    v = propagate(forward.q, n, steps, (t, x) => product.applyTranspose(t, x), -1).q;
  }
  return { logSingularValues: [...logs].sort((a, b) => b - a), sweeps, residual };
}

/** Propagates an orthonormal basis through factors t = 1 … T (direction 1) or T … 1 (−1), accumulating log|R_ii|. */
function propagate(
  start: Float64Array,
  n: number,
  steps: number,
  apply: (t: number, x: Float64Array) => Float64Array,
  direction: 1 | -1,
): { q: Float64Array; logs: number[] } {
  let q = start;
  const logs = new Array<number>(n).fill(0);
  for (let s = 1; s <= steps; s++) {
    const t = direction === 1 ? s : steps + 1 - s;
    const y = apply(t, q);
    // Rounding level of this step: entries of J_t·Q carry errors of about ε·‖J_t·Q‖_F, so a stretch factor below
    // n·ε·‖J_t·Q‖_F cannot be told from 0 (it comes from the null space of J_t, e.g. ReLU units that are off).
    const floor = n * Number.EPSILON * norm2(y);
    const qr = householderQr(y, n, n);
    q = qr.q;
    for (let i = 0; i < n; i++) {
      const r = Math.abs(qr.r[i * n + i]!);
      logs[i]! += r <= floor ? Number.NEGATIVE_INFINITY : Math.log(r);
    }
  }
  return { q, logs };
}
