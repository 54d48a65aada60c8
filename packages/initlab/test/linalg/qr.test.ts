import { test } from 'node:test';
import assert from 'node:assert/strict';
import { householderQr, hypot, orthonormalize } from '../../src/linalg/qr.ts';
import { InitError } from '../../src/errors.ts';
import { gaussianMatrix } from '../support/matrices.ts';

// ---------------------------------------------------------------------------------------------------------
// Test-local helpers: dense reference operations (row-major); Gaussian inputs come from test/support.
// ---------------------------------------------------------------------------------------------------------

/** C = A·B for row-major A (p × k) and B (k × q). */
function matmul(a: Float64Array, b: Float64Array, p: number, k: number, q: number): Float64Array {
  const c = new Float64Array(p * q);
  for (let i = 0; i < p; i++) {
    for (let l = 0; l < k; l++) {
      const ail = a[i * k + l]!;
      for (let j = 0; j < q; j++) c[i * q + j]! += ail * b[l * q + j]!;
    }
  }
  return c;
}

/** Aᵀ for row-major A (p × q). */
function transposed(a: Float64Array, p: number, q: number): Float64Array {
  const t = new Float64Array(p * q);
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) t[j * p + i] = a[i * q + j]!;
  return t;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const x of a) m = Math.max(m, Math.abs(x));
  return m;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** ‖QᵀQ − I‖_max for row-major Q (rows × cols). */
function orthogonalityError(q: Float64Array, rows: number, cols: number): number {
  const g = matmul(transposed(q, rows, cols), q, cols, rows, cols);
  for (let j = 0; j < cols; j++) g[j * cols + j]! -= 1;
  return maxAbs(g);
}

/** Q·diag(sign(diag R)) with sign(0) = +1. */
function signCorrected(q: Float64Array, r: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(q);
  for (let j = 0; j < cols; j++) {
    if (r[j * cols + j]! < 0) for (let i = 0; i < rows; i++) out[i * cols + j] = -out[i * cols + j]!;
  }
  return out;
}

/** Modified Gram–Schmidt: the Q of the unique QR with positive diagonal of a full-rank A. */
function gramSchmidt(a: Float64Array, rows: number, cols: number): Float64Array {
  const q = new Float64Array(a);
  for (let j = 0; j < cols; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += q[i * cols + k]! * q[i * cols + j]!;
      for (let i = 0; i < rows; i++) q[i * cols + j]! -= dot * q[i * cols + k]!;
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += q[i * cols + j]! ** 2;
    norm = Math.sqrt(norm);
    assert.ok(norm > 0, 'gramSchmidt needs a full-rank input');
    for (let i = 0; i < rows; i++) q[i * cols + j]! /= norm;
  }
  return q;
}

/** A with column `to` replaced by a copy of column `from`: rank-deficient. */
function withDuplicatedColumn(a: Float64Array, rows: number, cols: number, from: number, to: number): Float64Array {
  const out = new Float64Array(a);
  for (let i = 0; i < rows; i++) out[i * cols + to] = out[i * cols + from]!;
  return out;
}

interface Case {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly a: Float64Array;
  readonly fullRank: boolean;
}

const cases: Case[] = [
  { name: '1×1', rows: 1, cols: 1, a: new Float64Array([-2.5]), fullRank: true },
  { name: '5×3', rows: 5, cols: 3, a: gaussianMatrix(5, 3, 1), fullRank: true },
  { name: '7×4', rows: 7, cols: 4, a: gaussianMatrix(7, 4, 7), fullRank: true }, // the fewest columns for blocking
  { name: '64×64', rows: 64, cols: 64, a: gaussianMatrix(64, 64, 2), fullRank: true },
  { name: '100×37', rows: 100, cols: 37, a: gaussianMatrix(100, 37, 3), fullRank: true },
  { name: '257×256', rows: 257, cols: 256, a: gaussianMatrix(257, 256, 4), fullRank: true },
  // A last panel of 13 columns: an uneven split inside the panel and a reflector count that is not a multiple of 4.
  { name: '61×45', rows: 61, cols: 45, a: gaussianMatrix(61, 45, 6), fullRank: true },
  // Duplicates inside one panel, across panels, and the last column; plus an exactly zero column.
  {
    name: '90×70 rank-deficient',
    rows: 90,
    cols: 70,
    a: (() => {
      let a = gaussianMatrix(90, 70, 5);
      a = withDuplicatedColumn(a, 90, 70, 2, 5);
      a = withDuplicatedColumn(a, 90, 70, 3, 40);
      a = withDuplicatedColumn(a, 90, 70, 10, 69);
      for (let i = 0; i < 90; i++) a[i * 70 + 20] = 0;
      return a;
    })(),
    fullRank: false,
  },
];

// ---------------------------------------------------------------------------------------------------------

for (const { name, rows, cols, a, fullRank } of cases) {
  test(`householderQr ${name}: QᵀQ = I, QR = A, R upper triangular, input untouched`, () => {
    const copy = new Float64Array(a);
    const { q, r } = householderQr(a, rows, cols);
    assert.deepEqual(a, copy, 'householderQr must not modify its input');
    assert.equal(q.length, rows * cols);
    assert.equal(r.length, cols * cols);
    assert.ok(orthogonalityError(q, rows, cols) <= 1e-12, `‖QᵀQ − I‖ = ${orthogonalityError(q, rows, cols)}`);
    const residual = maxAbsDiff(matmul(q, r, rows, cols, cols), a);
    assert.ok(residual <= 1e-12 * maxAbs(a), `‖QR − A‖ = ${residual}`);
    for (let i = 0; i < cols; i++) {
      for (let j = 0; j < i; j++) assert.equal(r[i * cols + j], 0, `R[${i}][${j}] below the diagonal`);
    }
    if (fullRank) {
      for (let j = 0; j < cols; j++) assert.ok(r[j * cols + j] !== 0, `R[${j}][${j}] of a full-rank A`);
    }
  });

  test(`orthonormalize ${name}: equals Q·diag(sign(diag R)), orthonormal, non-negative diag(resultᵀA)`, () => {
    const { q, r } = householderQr(a, rows, cols);
    const expected = signCorrected(q, r, rows, cols);
    const input = new Float64Array(a);
    const result = orthonormalize(input, rows, cols);
    assert.equal(result.length, rows * cols);
    const diff = maxAbsDiff(result, expected);
    assert.ok(diff <= 1e-12, `differs from Q·diag(sign(diag R)) by ${diff}`);
    assert.ok(orthogonalityError(result, rows, cols) <= 1e-12);
    // diag(resultᵀA) = diag(D R) = |diag R| ≥ 0 (up to rounding when R_jj is zero in exact arithmetic).
    const projected = matmul(transposed(result, rows, cols), a, cols, rows, cols);
    for (let j = 0; j < cols; j++) {
      const djj = projected[j * cols + j]!;
      const rjj = Math.abs(r[j * cols + j]!);
      assert.ok(djj >= (fullRank ? 0 : -1e-12 * maxAbs(a)), `diag(resultᵀA)[${j}] = ${djj}`);
      assert.ok(Math.abs(djj - rjj) <= 1e-12 * maxAbs(a) * rows, `diag(resultᵀA)[${j}] = ${djj} vs |R_jj| = ${rjj}`);
    }
  });

  if (fullRank) {
    test(`orthonormalize ${name}: equals the Gram–Schmidt Q (unique QR with positive diagonal)`, () => {
      const expected = gramSchmidt(a, rows, cols);
      const result = orthonormalize(new Float64Array(a), rows, cols);
      assert.ok(maxAbsDiff(result, expected) <= 1e-9, `differs from Gram–Schmidt by ${maxAbsDiff(result, expected)}`);
    });
  }
}

test('orthonormalize writes the result into its input and returns it', () => {
  const input = gaussianMatrix(6, 4, 9);
  const result = orthonormalize(input, 6, 4);
  assert.equal(result, input);
});

test('1×1: Q = [1], R = [a]; orthonormalize gives sign(a), with sign(0) = +1', () => {
  const { q, r } = householderQr(new Float64Array([-2.5]), 1, 1);
  assert.deepEqual([...q], [1]);
  assert.deepEqual([...r], [-2.5]);
  assert.deepEqual([...orthonormalize(new Float64Array([-2.5]), 1, 1)], [-1]);
  assert.deepEqual([...orthonormalize(new Float64Array([3]), 1, 1)], [1]);
  assert.deepEqual([...orthonormalize(new Float64Array([0]), 1, 1)], [1]);
});

test('an all-zero matrix gives Q = [I; 0] (no reflections, sign(0) = +1)', () => {
  for (const [rows, cols] of [
    [5, 3],
    [40, 36],
  ] as const) {
    const expected = new Float64Array(rows * cols);
    for (let j = 0; j < cols; j++) expected[j * cols + j] = 1;
    const { q, r } = householderQr(new Float64Array(rows * cols), rows, cols);
    assert.deepEqual(q, expected);
    assert.deepEqual(r, new Float64Array(cols * cols));
    assert.deepEqual(orthonormalize(new Float64Array(rows * cols), rows, cols), expected);
  }
});

test('tiny and huge entries neither underflow nor overflow', () => {
  for (const scale of [1e-300, 1e300]) {
    const a = gaussianMatrix(40, 20, 11).map((x) => x * scale);
    const { q, r } = householderQr(a, 40, 20);
    assert.ok(orthogonalityError(q, 40, 20) <= 1e-12, `scale ${scale}`);
    const residual = maxAbsDiff(matmul(q, r, 40, 20, 20), a);
    assert.ok(residual <= 1e-12 * maxAbs(a), `scale ${scale}: ‖QR − A‖ = ${residual}`);
    const expected = gramSchmidt(gaussianMatrix(40, 20, 11), 40, 20);
    assert.ok(maxAbsDiff(orthonormalize(a, 40, 20), expected) <= 1e-9, `scale ${scale}`);
  }
});

test('empty shapes: 0 columns give empty factors', () => {
  const { q, r } = householderQr(new Float64Array(0), 4, 0);
  assert.equal(q.length, 0);
  assert.equal(r.length, 0);
  assert.equal(orthonormalize(new Float64Array(0), 0, 0).length, 0);
});

test('rows < cols is rejected with an InitError naming rows', () => {
  for (const fn of [householderQr, orthonormalize]) {
    assert.throws(
      () => fn(new Float64Array(6), 2, 3),
      (e: unknown) =>
        e instanceof InitError && e.code === 'invalid_shape' && e.parameter === 'rows' && /\brows must be at least cols \(3\); got 2\./.test(e.message),
    );
  }
});

test('a length that does not match rows·cols, and non-integer dimensions, are rejected', () => {
  const names = (parameter: string) => (e: unknown) => e instanceof InitError && e.parameter === parameter;
  assert.throws(() => householderQr(new Float64Array(5), 3, 2), names('a.length'));
  assert.throws(() => orthonormalize(new Float64Array(6), 3.5, 2), names('rows'));
  assert.throws(() => orthonormalize(new Float64Array(6), 3, -1), names('cols'));
});

test("hypot: the IEEE operations of V8's Math.hypot for two arguments, bit for bit, and no overflow or underflow", () => {
  // Deterministic pairs over the whole exponent range, both signs, equal magnitudes and zeros.
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  for (let i = 0; i < 1_000_000; i++) {
    const x = (next() - 0.5) * 2 ** Math.round(next() * 200 - 100);
    const y = i % 7 === 0 ? x : i % 11 === 0 ? 0 : (next() - 0.5) * 2 ** Math.round(next() * 200 - 100);
    if (!Object.is(hypot(x, y), Math.hypot(x, y))) assert.fail(`hypot(${x}, ${y}) = ${hypot(x, y)}, Math.hypot ${Math.hypot(x, y)}`);
  }
  assert.equal(hypot(3e300, 4e300), 5e300);
  assert.equal(hypot(3e-300, 4e-300), 5e-300);
  assert.equal(hypot(0, -0), 0);
  assert.equal(hypot(-Infinity, 1), Infinity);
});
