import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InitError } from '../../src/errors.ts';
import type { Layout } from '../../src/fans.ts';
import { deltaOrthogonal, orthogonal } from '../../src/initializers/orthogonal.ts';
import { haarInputLength, haarOrthonormal } from '../../src/linalg/qr.ts';
import { fold, keyFromSeed } from '../../src/random/key.ts';
import { fillNormal } from '../../src/random/samplers.ts';
import { orthogonalityError } from '../support/matrices.ts';

function isInitError(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof InitError, `expected an InitError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  if (a.length !== b.length || a.constructor !== b.constructor) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}

function rms(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]! * values[i]!;
  return Math.sqrt(s / values.length);
}

// shape, layout, flattened rows × cols
const CASES: readonly { shape: number[]; layout: Layout; rows: number; cols: number }[] = [
  { shape: [64, 64], layout: 'tf', rows: 64, cols: 64 },
  { shape: [64, 64], layout: 'torch', rows: 64, cols: 64 },
  { shape: [128, 32], layout: 'tf', rows: 128, cols: 32 },
  { shape: [128, 32], layout: 'torch', rows: 128, cols: 32 },
  { shape: [32, 128], layout: 'tf', rows: 32, cols: 128 },
  { shape: [32, 128], layout: 'torch', rows: 32, cols: 128 },
  { shape: [3, 3, 16, 32], layout: 'tf', rows: 144, cols: 32 },
  { shape: [32, 16, 3, 3], layout: 'torch', rows: 32, cols: 144 },
  { shape: [3, 3, 16, 32], layout: 'torch', rows: 3, cols: 1536 },
  { shape: [32, 16, 3, 3], layout: 'tf', rows: 1536, cols: 3 },
];

for (const { shape, layout, rows, cols } of CASES) {
  for (const gain of [1, 1.5]) {
    test(`orthogonal ${layout} [${shape}] gain ${gain}: ${rows}×${cols} with orthonormal ${rows >= cols ? 'columns' : 'rows'}`, () => {
      const init = orthogonal({ gain });
      const w32 = init(shape, 7, { layout });
      const w64 = init(shape, 7, { layout, dtype: 'float64' });
      assert.equal(w32.length, rows * cols);
      // WᵀW = gain²·I when rows ≥ cols, WWᵀ = gain²·I when rows < cols.
      assert.ok(orthogonalityError(w32, rows, cols, gain, rows >= cols ? 'columns' : 'rows') <= 1e-6, 'float32 orthogonality');
      assert.ok(orthogonalityError(w64, rows, cols, gain, rows >= cols ? 'columns' : 'rows') <= 1e-12, 'float64 orthogonality');
      // float32 is formed in float32 from the same reflectors: within a few float32 roundings of float64.
      assert.ok(
        w32.every((v, i) => Math.abs(v - w64[i]!) <= 1e-6 * gain),
        'float32 ≈ float64',
      );
      // Every element is gain times an entry of big unit vectors: root mean square exactly gain/√big.
      const big = Math.max(rows, cols);
      const d = init.describe(shape, layout);
      assert.equal(d.mean, 0);
      assert.ok(Math.abs(d.std - gain / Math.sqrt(big)) < 1e-15);
      assert.ok(Math.abs(rms(w64) - d.std) < 1e-12);
    });
  }
}

test('orthogonal: the reflectors come from the normal stream of the key; W = gain·Q (tall) or gain·Qᵀ (wide, square)', () => {
  const key = keyFromSeed(99);
  const qt = haarOrthonormal(fillNormal(key, new Float64Array(haarInputLength(40, 10))), 40, 10); // Qᵀ, 10 × 40
  // rows > cols: W = Q
  const w1 = orthogonal({ gain: 2 })([40, 10], key, { dtype: 'float64' });
  for (let i = 0; i < 40; i++) for (let j = 0; j < 10; j++) assert.equal(w1[i * 10 + j], 2 * qt[j * 40 + i]!);
  // rows < cols: W = Qᵀ from the same vectors
  const w2 = orthogonal({ gain: 2 })([10, 40], key, { dtype: 'float64' });
  assert.ok(w2.every((v, i) => v === 2 * qt[i]!));
  // square: W = Qᵀ
  const sq = haarOrthonormal(fillNormal(key, new Float64Array(haarInputLength(12, 12))), 12, 12);
  assert.ok(orthogonal({ gain: 2 })([12, 12], key, { dtype: 'float64' }).every((v, i) => v === 2 * sq[i]!));
});

test('orthogonal: a non-square 2-D kernel in tf [in, out] and torch [out, in] are transposes from the same key', () => {
  const tf = orthogonal()([20, 50], 3, { layout: 'tf', dtype: 'float64' });
  const torch = orthogonal()([50, 20], 3, { layout: 'torch', dtype: 'float64' });
  for (let i = 0; i < 20; i++) for (let o = 0; o < 50; o++) assert.equal(tf[i * 50 + o], torch[o * 20 + i]);
});

test('orthogonal: the same key gives identical bits, different keys differ', () => {
  const init = orthogonal({ gain: 1.5 });
  const key = fold(keyFromSeed(1), 'layer.weight');
  for (const layout of ['tf', 'torch'] as const) {
    assert.ok(sameBits(init([3, 3, 16, 32], key, { layout }), init([3, 3, 16, 32], key, { layout })));
    assert.ok(sameBits(init([64, 48], 5, { layout, dtype: 'float64' }), init([64, 48], 5n, { layout, dtype: 'float64' })));
    const other = init([3, 3, 16, 32], fold(keyFromSeed(1), 'other.weight'), { layout });
    assert.ok(!sameBits(init([3, 3, 16, 32], key, { layout }), other));
    const five = init([64, 48], 5, { layout });
    const diff = init([64, 48], 6, { layout }).filter((v, i) => v !== five[i]).length;
    assert.equal(diff, 64 * 48);
  }
});

test('orthogonal: fill with an offset equals the slice of the whole tensor', () => {
  const init = orthogonal({ gain: 1.5 });
  for (const layout of ['tf', 'torch'] as const) {
    for (const shape of [
      [128, 32],
      [32, 128],
      [3, 3, 16, 32],
    ]) {
      const whole = init(shape, 11, { layout });
      for (const [offset, length] of [
        [0, whole.length],
        [37, 100],
        [whole.length - 5, 5],
        [1000, 0],
      ] as const) {
        const out = init.fill(new Float32Array(length), shape, 11, { layout, offset });
        assert.deepEqual(out, whole.slice(offset, offset + length), `${layout} [${shape}] offset ${offset}`);
      }
      const out64 = init.fill(new Float64Array(50), shape, 11, { layout, offset: 70 });
      assert.deepEqual(out64, init(shape, 11, { layout, dtype: 'float64' }).slice(70, 120));
    }
  }
});

test('orthogonal: Haar sanity of the (0,0) entry over 200 seeds', () => {
  // For a Haar-random n×n orthogonal matrix, W[0][0] is a coordinate of a uniform unit vector in ℝⁿ:
  // E = 0, Var = 1/n, E[x²] = 1/n, Var(x²) = E[x⁴] − 1/n² = 3/(n(n+2)) − 1/n². The means over N independent seeds
  // have standard errors √(1/(nN)) and √(Var(x²)/N); we allow 4 standard errors (normal approximation, two-sided
  // p ≈ 6e-5; the seeds are fixed, so the test is deterministic). Without the sign(diag R) correction, Householder
  // QR makes W[0][0] = −|G00|/‖G₀‖ < 0 always, with mean ≈ −√(2/(πn)) = −0.2 for n = 16: far outside 4·0.018.
  const n = 16;
  const seeds = 200;
  const x = new Float64Array(seeds);
  for (let s = 0; s < seeds; s++) x[s] = orthogonal()([n, n], s, { dtype: 'float64' })[0]!;
  const mean = x.reduce((a, b) => a + b, 0) / seeds;
  const meanSquare = x.reduce((a, b) => a + b * b, 0) / seeds;
  assert.ok(Math.abs(mean) <= 4 * Math.sqrt(1 / (n * seeds)), `mean ${mean}`);
  const varSquare = 3 / (n * (n + 2)) - 1 / (n * n);
  assert.ok(Math.abs(meanSquare - 1 / n) <= 4 * Math.sqrt(varSquare / seeds), `mean square ${meanSquare}`);
  // Both signs occur.
  assert.ok(x.some((v) => v > 0) && x.some((v) => v < 0));
});

test('orthogonal: rank < 2 rejected, zero-size shapes give empty tensors', () => {
  assert.throws(() => orthogonal()([5], 1), isInitError('invalid_shape', /rank ≥ 2/));
  assert.throws(() => orthogonal()([], 1, { layout: 'torch' }), isInitError('invalid_shape'));
  assert.throws(() => orthogonal({ gain: 0 }), isInitError('invalid_option'));
  assert.throws(() => orthogonal({ gain: Number.NaN }), isInitError('invalid_option'));
  for (const shape of [
    [0, 5],
    [5, 0],
    [3, 0, 2],
    [0, 0],
  ]) {
    for (const layout of ['tf', 'torch'] as const) {
      assert.equal(orthogonal()(shape, 1, { layout }).length, 0);
      assert.equal(orthogonal().describe(shape, layout).std, 0);
    }
  }
  assert.equal(orthogonal().spec.gain, 1);
});

// ----- delta_orthogonal -----

/** Splits a delta_orthogonal result into the centre tap (as a rows×cols matrix) and checks every other tap is 0. */
function centreTap(w: Float32Array | Float64Array, shape: number[], layout: Layout, centre: number[]): { tap: Float64Array; rows: number; cols: number } {
  const rank = shape.length;
  const kernel = layout === 'torch' ? shape.slice(2) : shape.slice(0, rank - 2);
  const [rows, cols] = layout === 'torch' ? [shape[0]!, shape[1]!] : [shape[rank - 2]!, shape[rank - 1]!];
  const tap = new Float64Array(rows * cols);
  // Walk every multi-index.
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, q) => p * q, 1));
  for (let index = 0; index < w.length; index++) {
    const at = shape.map((dim, a) => Math.floor(index / strides[a]!) % dim);
    const k = layout === 'torch' ? at.slice(2) : at.slice(0, rank - 2);
    const [r, c] = layout === 'torch' ? [at[0]!, at[1]!] : [at[rank - 2]!, at[rank - 1]!];
    if (k.every((v, d) => v === centre[d])) tap[r * cols + c] = w[index]!;
    else assert.equal(w[index], 0, `tap ${k} must be 0`);
  }
  assert.equal(kernel.length, centre.length);
  return { tap, rows, cols };
}

const DELTA_CASES: readonly { shape: number[]; layout: Layout; centre: number[] }[] = [
  { shape: [3, 3, 16, 32], layout: 'tf', centre: [1, 1] },
  { shape: [32, 16, 3, 3], layout: 'torch', centre: [1, 1] },
  { shape: [5, 8, 8], layout: 'tf', centre: [2] },
  { shape: [8, 8, 5], layout: 'torch', centre: [2] },
  { shape: [4, 4, 6, 10], layout: 'tf', centre: [1, 1] }, // even k: (k − 1)//2 = 1 (JAX), not k//2
  { shape: [10, 6, 4, 2], layout: 'torch', centre: [1, 0] },
  { shape: [3, 3, 3, 4, 4], layout: 'tf', centre: [1, 1, 1] },
  { shape: [4, 4, 3, 2, 5], layout: 'torch', centre: [1, 0, 2] },
];

for (const { shape, layout, centre } of DELTA_CASES) {
  for (const gain of [1, 1.5]) {
    test(`delta_orthogonal ${layout} [${shape}] gain ${gain}: orthogonal centre tap at [${centre}], zeros elsewhere`, () => {
      const init = deltaOrthogonal({ gain });
      for (const dtype of ['float32', 'float64'] as const) {
        const w = init(shape, 21, { layout, dtype });
        const { tap, rows, cols } = centreTap(w, shape, layout, centre);
        // tf: in×out with orthonormal rows; torch: out×in with orthonormal columns (in ≤ out either way).
        const err = orthogonalityError(tap, rows, cols, gain, layout === 'torch' ? 'columns' : 'rows');
        assert.ok(err <= (dtype === 'float32' ? 1e-5 : 1e-12), `${dtype} error ${err}`);
        // The exact std of the tensor: squared sum gain²·in over numel elements.
        const inChannels = layout === 'torch' ? shape[1]! : shape[shape.length - 2]!;
        const std = init.describe(shape, layout).std;
        assert.ok(Math.abs(std - gain * Math.sqrt(inChannels / w.length)) < 1e-15);
        assert.ok(Math.abs(rms(w) - std) < 1e-6);
      }
    });
  }
}

test('delta_orthogonal: the centre tap is orthogonal() of the tap shape with the same key (JAX semantics)', () => {
  const tf = deltaOrthogonal({ gain: 1.5 })([3, 3, 16, 32], 4, { dtype: 'float64' });
  const tapTf = orthogonal({ gain: 1.5 })([16, 32], 4, { dtype: 'float64' });
  const base = (1 * 3 + 1) * 16 * 32;
  assert.deepEqual(tf.slice(base, base + 16 * 32), tapTf);
  const torch = deltaOrthogonal()([32, 16, 3, 3], 4, { layout: 'torch', dtype: 'float64' });
  const tapTorch = orthogonal()([32, 16], 4, { layout: 'torch', dtype: 'float64' });
  for (let o = 0; o < 32; o++) for (let i = 0; i < 16; i++) assert.equal(torch[(o * 16 + i) * 9 + 4], tapTorch[o * 16 + i]);
});

test('delta_orthogonal: determinism and fill with offset', () => {
  const init = deltaOrthogonal();
  for (const [shape, layout] of [
    [[3, 3, 16, 32], 'tf'],
    [[32, 16, 3, 3], 'torch'],
  ] as const) {
    const whole = init(shape, 8, { layout });
    assert.ok(sameBits(whole, init(shape, 8, { layout })));
    assert.ok(!sameBits(whole, init(shape, 9, { layout })));
    for (const [offset, length] of [
      [0, 300],
      [2000, 700],
      [whole.length - 3, 3],
    ] as const) {
      assert.deepEqual(init.fill(new Float32Array(length), shape, 8, { layout, offset }), whole.slice(offset, offset + length));
    }
  }
});

test('delta_orthogonal: in > out channels and ranks other than 3–5 rejected', () => {
  assert.throws(() => deltaOrthogonal()([3, 3, 32, 16], 1), isInitError('invalid_shape', /in channels ≤ out channels \(in = 32, out = 16\)/));
  assert.throws(() => deltaOrthogonal()([16, 32, 3, 3], 1, { layout: 'torch' }), isInitError('invalid_shape', /in = 32, out = 16/));
  // The same shape is fine in the other layout, where in and out swap places.
  assert.equal(deltaOrthogonal()([16, 32, 3, 3], 1, { layout: 'tf' }).length, 16 * 32 * 9);
  assert.throws(() => deltaOrthogonal()([16, 32], 1), isInitError('invalid_shape', /3-D, 4-D or 5-D/));
  assert.throws(() => deltaOrthogonal()([1, 1, 1, 1, 4, 8], 1), isInitError('invalid_shape', /3-D, 4-D or 5-D/));
  assert.equal(deltaOrthogonal()([3, 0, 4, 8], 1).length, 0);
});
