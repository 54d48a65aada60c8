import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orthogonal } from '../../src/initializers/orthogonal.ts';
import { haarOrthonormalFloat32, leadingDimension } from '../../src/linalg/haar-float32.ts';
import { haarInputLength, orthonormalize } from '../../src/linalg/qr.ts';
import { keyFromSeed } from '../../src/random/key.ts';
import { fillNormal } from '../../src/random/samplers.ts';

// The direct Haar construction (Stewart 1980): its distribution and its orthogonality in float32.

/**
 * max |QᵀQ − I| over the columns `columns` of Q (all pairs among them), in float64, from Qᵀ row-major (Q column by
 * column, `length` entries each): dot products of the selected rows of Qᵀ.
 */
function gramError(qt: ArrayLike<number>, length: number, columns: readonly number[]): number {
  let worst = 0;
  for (let a = 0; a < columns.length; a++) {
    const oa = columns[a]! * length;
    for (let b = a; b < columns.length; b++) {
      const ob = columns[b]! * length;
      let dot = 0;
      for (let t = 0; t < length; t++) dot += qt[oa + t]! * qt[ob + t]!;
      worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// SIMD = TypeScript bit for bit for haarOrthonormal and the float32 path: test/linalg/qr-simd.test.ts.

test('leading dimension: a multiple of 4, never a multiple of 128 floats', () => {
  for (const m of [1, 5, 64, 127, 128, 512, 1000, 1024, 2048, 4096]) {
    const ld = leadingDimension(m);
    assert.ok(ld >= m && ld % 4 === 0 && ld % 128 !== 0, `${m} → ${ld}`);
  }
});

test('float32 path: max |QᵀQ − I| (float64) ≤ 1e-6 at 512 and 2048 (every pair of columns)', () => {
  for (const n of [512, 2048]) {
    const q = haarOrthonormalFloat32(fillNormal(keyFromSeed(n), new Float64Array(haarInputLength(n, n))), n, n);
    const error = gramError(q, n, all(n));
    assert.ok(error <= 1e-6, `n = ${n}: ${error}`);
  }
});

test('float32 path: max |QᵀQ − I| (float64) ≤ 1e-6 at 4096, over the first and last 128 columns and 256 others', () => {
  // All 4096² pairs would take a minute in JavaScript; the first columns are formed last (after the most updates)
  // and the last ones first.
  const n = 4096;
  const q = orthogonal()([n, n], 4096);
  const columns = [...all(128), ...all(128).map((k) => n - 128 + k), ...all(256).map((k) => 128 + k * 15)];
  const error = gramError(q, n, columns);
  assert.ok(error <= 1e-6, `n = 4096: ${error}`);
});

/** Mean and mean square of a list. */
function moments(x: readonly number[]): { mean: number; meanSquare: number } {
  return { mean: x.reduce((a, b) => a + b, 0) / x.length, meanSquare: x.reduce((a, b) => a + b * b, 0) / x.length };
}

// Haar moments (square and both rectangular cases), for the initializer in float64 and float32 and for the
// sign-corrected QR of the same Gaussians, the construction it replaces. An entry of a Haar matrix with orthonormal
// columns of length big is a coordinate of a uniform unit vector: E = 0, E[x²] = 1/big, Var(x²) = 3/(big(big+2)) −
// 1/big². The trace of a Haar n × n orthogonal matrix (n ≥ 4) has E = 0, E[tr²] = 1, Var(tr²) = E[tr⁴] − 1 = 2.
// Tolerance: 4 standard errors over the fixed seeds (deterministic). Without the signs D, W[0][0] = −|G₀₀|/‖G₀‖ < 0
// always (mean ≈ −0.2 at big = 16), far outside.
const SEEDS = 400;
for (const [rows, cols] of [
  [16, 16],
  [24, 10],
  [10, 24],
] as const) {
  test(`orthogonal [${rows}, ${cols}]: Haar moments of W[0][0], W[last][last]${rows === cols ? ' and the trace' : ''}, as QR of a Gaussian`, () => {
    const big = Math.max(rows, cols);
    const small = Math.min(rows, cols);
    const samples: Record<string, { first: number[]; last: number[]; trace: number[] }> = {};
    const add = (name: string, w: ArrayLike<number>): void => {
      samples[name] ??= { first: [], last: [], trace: [] };
      const s = samples[name];
      s.first.push(w[0]!);
      s.last.push(w[rows * cols - 1]!);
      let trace = 0;
      for (let i = 0; i < small; i++) trace += w[i * cols + i]!;
      s.trace.push(trace);
    };
    for (let seed = 0; seed < SEEDS; seed++) {
      add('float64', orthogonal()([rows, cols], seed, { dtype: 'float64' }));
      add('float32', orthogonal()([rows, cols], seed));
      // The reference: Q·diag(sign(diag R)) of the QR of the same big × small Gaussian, transposed when rows < cols.
      const q = orthonormalize(fillNormal(keyFromSeed(seed), new Float64Array(big * small)), big, small);
      const w = rows >= cols ? q : Float64Array.from({ length: rows * cols }, (_, k) => q[(k % cols) * small + Math.floor(k / cols)]!);
      add('QR', w);
    }
    const varSquare = 3 / (big * (big + 2)) - 1 / (big * big);
    for (const [name, s] of Object.entries(samples)) {
      for (const [which, x] of [
        ['W[0][0]', s.first],
        ['W[last][last]', s.last],
      ] as const) {
        const { mean, meanSquare } = moments(x);
        assert.ok(Math.abs(mean) <= 4 * Math.sqrt(1 / (big * SEEDS)), `${name} ${which} mean ${mean}`);
        assert.ok(Math.abs(meanSquare - 1 / big) <= 4 * Math.sqrt(varSquare / SEEDS), `${name} ${which} mean square ${meanSquare}`);
      }
      if (rows === cols) {
        const { mean, meanSquare } = moments(s.trace);
        assert.ok(Math.abs(mean) <= 4 * Math.sqrt(1 / SEEDS), `${name} trace mean ${mean}`);
        assert.ok(Math.abs(meanSquare - 1) <= 4 * Math.sqrt(2 / SEEDS), `${name} trace mean square ${meanSquare}`);
      }
    }
  });
}
