import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InitError } from '../../src/errors.ts';
import type { Layout } from '../../src/fans.ts';
import { findDefinition } from '../../src/initializers/registry.ts';
import { dirac, identity, sparse } from '../../src/initializers/structured.ts';
import { chiSquareCritical0001, chiSquareUniform, moments } from '../support/stats.ts';

function isInitError(code: string, pattern?: RegExp, parameter?: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof InitError, `expected an InitError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (pattern) assert.match(error.message, pattern);
    if (parameter) assert.equal(error.parameter, parameter);
    return true;
  };
}

/** Row-major strides of a shape. */
function strides(shape: readonly number[]): number[] {
  return shape.map((_, a) => shape.slice(a + 1).reduce((p, q) => p * q, 1));
}

function flatIndex(shape: readonly number[], at: readonly number[]): number {
  const s = strides(shape);
  return at.reduce((sum, v, a) => sum + v * s[a]!, 0);
}

// ----- identity -----

test('identity: exact gain·I, square and rectangular, in both layouts; exact plan moments', () => {
  assert.deepEqual(identity()([3, 3], 0), Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]));
  for (const layout of ['tf', 'torch'] as const) {
    assert.deepEqual(identity({ gain: 2.5 })([2, 4], 0, { layout }), Float32Array.from([2.5, 0, 0, 0, 0, 2.5, 0, 0]));
    assert.deepEqual(identity({ gain: 2.5 })([4, 2], 0, { layout }), Float32Array.from([2.5, 0, 0, 2.5, 0, 0, 0, 0]));
  }
  for (const [rows, cols, gain] of [
    [5, 5, 1],
    [7, 3, 0.5],
    [3, 7, 3],
  ] as const) {
    const init = identity({ gain });
    const w = init([rows, cols], 1, { dtype: 'float64' });
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) assert.equal(w[i * cols + j], i === j ? gain : 0);
    const d = init.describe([rows, cols]);
    const m = moments(w);
    assert.ok(Math.abs(d.mean - m.mean) < 1e-15 && Math.abs(d.std - m.std) < 1e-15, `${d.mean} ${d.std} vs ${m.mean} ${m.std}`);
    // Deterministic: the key does not matter; fills of any slice agree.
    assert.deepEqual(init([rows, cols], 12345, { dtype: 'float64' }), w);
    for (let offset = 0; offset < w.length; offset += 3) {
      const len = Math.min(4, w.length - offset);
      assert.deepEqual(init.fill(new Float64Array(len), [rows, cols], 0, { offset }), w.slice(offset, offset + len));
    }
  }
  assert.deepEqual(identity()([0, 3], 0).length, 0);
});

test("identity: rank ≠ 2 rejected; alias 'eye'", () => {
  for (const shape of [[4], [], [2, 2, 2], [3, 3, 1, 1]]) {
    assert.throws(() => identity()(shape, 0), isInitError('invalid_shape', /2-D/));
  }
  assert.throws(() => identity({ gain: -1 }), isInitError('invalid_option', undefined, 'gain'));
  assert.equal(findDefinition('eye').name, 'identity');
});

// ----- dirac -----

/** Reference dirac by multi-index: PyTorch's rule, mapped to the tf layout as W[c…, d, g·og + d]. */
function referenceDirac(shape: readonly number[], layout: Layout, groups: number): Float64Array {
  const rank = shape.length;
  const out = layout === 'torch' ? shape[0]! : shape[rank - 1]!;
  const inCh = layout === 'torch' ? shape[1]! : shape[rank - 2]!;
  const kernel = layout === 'torch' ? shape.slice(2) : shape.slice(0, rank - 2);
  const centre = kernel.map((k) => Math.floor(k / 2));
  const w = new Float64Array(shape.reduce((p, q) => p * q, 1));
  const og = out / groups;
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < Math.min(og, inCh); d++) {
      const at = layout === 'torch' ? [g * og + d, d, ...centre] : [...centre, d, g * og + d];
      w[flatIndex(shape, at)] = 1;
    }
  }
  return w;
}

const DIRAC_CASES: readonly { shape: number[]; layout: Layout }[] = [
  { shape: [4, 4, 3], layout: 'torch' },
  { shape: [6, 2, 5], layout: 'torch' },
  { shape: [4, 4, 3, 3], layout: 'torch' },
  { shape: [8, 3, 3, 4], layout: 'torch' }, // even kernel: centre k//2 = 2
  { shape: [2, 6, 3, 3], layout: 'torch' }, // out/groups < in
  { shape: [4, 4, 3, 3, 3], layout: 'torch' },
  { shape: [3, 4, 4], layout: 'tf' },
  { shape: [3, 3, 4, 4], layout: 'tf' },
  { shape: [3, 4, 3, 8], layout: 'tf' },
  { shape: [3, 3, 6, 2], layout: 'tf' },
  { shape: [3, 3, 3, 4, 4], layout: 'tf' },
];

for (const { shape, layout } of DIRAC_CASES) {
  for (const groups of [1, 2]) {
    test(`dirac ${layout} [${shape}] groups ${groups}: exact positions and plan moments`, () => {
      const init = dirac({ groups });
      const w = init(shape, 0, { layout, dtype: 'float64' });
      assert.deepEqual(w, referenceDirac(shape, layout, groups));
      const d = init.describe(shape, layout);
      const m = moments(w);
      assert.ok(Math.abs(d.mean - m.mean) < 1e-15 && Math.abs(d.std - m.std) < 1e-15);
      for (const offset of [0, 5, 17, w.length - 9]) {
        const len = Math.min(9, w.length - offset);
        assert.deepEqual(init.fill(new Float32Array(len), shape, 1, { layout, offset }), Float32Array.from(w.slice(offset, offset + len)));
      }
    });
  }
}

test('dirac: explicit positions of a small torch and tf kernel with groups 2', () => {
  // torch [4, 2, 3]: og = 2, min(og, in) = 2; ones at (0,0,1), (1,1,1), (2,0,1), (3,1,1).
  const torch = dirac({ groups: 2 })([4, 2, 3], 0, { layout: 'torch' });
  const ones = [...torch.keys()].filter((i) => torch[i] === 1);
  assert.deepEqual(ones, [0 * 6 + 0 * 3 + 1, 1 * 6 + 1 * 3 + 1, 2 * 6 + 0 * 3 + 1, 3 * 6 + 1 * 3 + 1]);
  assert.equal(torch.filter((v) => v !== 0).length, 4);
  // tf [3, 2, 4]: ones at (1, d, g·2 + d): (1,0,0), (1,1,1), (1,0,2), (1,1,3).
  const tf = dirac({ groups: 2 })([3, 2, 4], 0, { layout: 'tf' });
  assert.deepEqual(
    [...tf.keys()].filter((i) => tf[i] === 1),
    [8 + 0, 8 + 2, 8 + 4 + 1, 8 + 4 + 3],
  );
});

/**
 * A direct grouped N-D convolution (cross-correlation, stride 1, zero 'same' padding (k − 1)/2 for odd k), reading
 * weights through the layout: y[o, x] = Σ_i Σ_t w[o, i, t]·x[group(o)·inPerGroup + i, x + t − pad].
 */
function conv(
  input: Float64Array,
  channels: number,
  spatial: readonly number[],
  weights: ArrayLike<number>,
  shape: readonly number[],
  layout: Layout,
  groups: number,
): Float64Array {
  const rank = shape.length;
  const out = layout === 'torch' ? shape[0]! : shape[rank - 1]!;
  const inPerGroup = layout === 'torch' ? shape[1]! : shape[rank - 2]!;
  const kernel = layout === 'torch' ? shape.slice(2) : shape.slice(0, rank - 2);
  assert.equal(inPerGroup * groups, channels);
  const w = (o: number, i: number, t: number[]): number => weights[flatIndex(shape, layout === 'torch' ? [o, i, ...t] : [...t, i, o])]!;
  const points = spatial.reduce((p, q) => p * q, 1);
  const taps = kernel.reduce((p, q) => p * q, 1);
  const unflatten = (index: number, dims: readonly number[]): number[] => {
    const s = strides(dims);
    return dims.map((dim, a) => Math.floor(index / s[a]!) % dim);
  };
  const y = new Float64Array(out * points);
  const og = out / groups;
  for (let o = 0; o < out; o++) {
    const g = Math.floor(o / og);
    for (let p = 0; p < points; p++) {
      const x = unflatten(p, spatial);
      let sum = 0;
      for (let i = 0; i < inPerGroup; i++) {
        for (let tIndex = 0; tIndex < taps; tIndex++) {
          const t = unflatten(tIndex, kernel);
          const src = x.map((v, a) => v + t[a]! - (kernel[a]! - 1) / 2);
          if (src.some((v, a) => v < 0 || v >= spatial[a]!)) continue;
          sum += w(o, i, t) * input[(g * inPerGroup + i) * points + flatIndex(spatial, src)]!;
        }
      }
      y[o * points + p] = sum;
    }
  }
  return y;
}

test('dirac: the convolution with a dirac kernel preserves its input (1-D, 2-D, 3-D, groups 1 and 2, both layouts)', () => {
  const configs = [
    { spatial: [7], kernel: [3], channels: 4 },
    { spatial: [5, 6], kernel: [3, 5], channels: 4 },
    { spatial: [3, 4, 5], kernel: [3, 1, 3], channels: 2 },
  ];
  for (const { spatial, kernel, channels } of configs) {
    const points = spatial.reduce((p, q) => p * q, 1);
    const input = Float64Array.from({ length: channels * points }, (_, i) => Math.sin(1 + i * 0.7) * 3);
    for (const groups of [1, 2]) {
      for (const layout of ['torch', 'tf'] as const) {
        const inPerGroup = channels / groups;
        const shape = layout === 'torch' ? [channels, inPerGroup, ...kernel] : [...kernel, inPerGroup, channels];
        const w = dirac({ groups })(shape, 0, { layout });
        const y = conv(input, channels, spatial, w, shape, layout, groups);
        assert.deepEqual(y, input, `${layout} [${shape}] groups ${groups}`);
      }
    }
  }
});

test('dirac: out % groups ≠ 0 rejected naming groups; bad ranks and groups rejected', () => {
  assert.throws(
    () => dirac({ groups: 3 })([4, 4, 3, 3], 0, { layout: 'torch' }),
    isInitError('invalid_option', /groups must be a divisor of the out channels \(4/, 'groups'),
  );
  assert.throws(() => dirac({ groups: 3 })([3, 3, 4, 4], 0, { layout: 'tf' }), isInitError('invalid_option', /groups/, 'groups'));
  // In tf the out channels are the last dim: [3, 3, 4, 6] has 6, which 3 divides.
  assert.equal(dirac({ groups: 3 })([3, 3, 4, 6], 0).filter((v) => v === 1).length, 6);
  for (const shape of [[4, 4], [2, 2, 2, 2, 2, 2], [8]]) {
    assert.throws(() => dirac()(shape, 0), isInitError('invalid_shape', /3-D, 4-D or 5-D/));
  }
  for (const groups of [0, 1.5, -1, Number.NaN]) assert.throws(() => dirac({ groups }), isInitError('invalid_option', undefined, 'groups'));
});

// ----- sparse -----

function zerosPerColumn(w: ArrayLike<number>, rows: number, cols: number): number[] {
  const counts = new Array<number>(cols).fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (w[i * cols + j] === 0) counts[j]!++;
  return counts;
}

test('sparse: exactly ceil(sparsity·rows) zeros per column (torch) and per row (tf), as PyTorch', () => {
  // PyTorch: 10×6 with sparsity 0.25 → ceil(2.5) = 3 zeros per column.
  const torch = sparse({ sparsity: 0.25 })([10, 6], 3, { layout: 'torch' });
  assert.deepEqual(zerosPerColumn(torch, 10, 6), [3, 3, 3, 3, 3, 3]);
  // tf [in = 6, out = 10]: each row (input unit) has 3 zeros among its 10 outputs.
  const tf = sparse({ sparsity: 0.25 })([6, 10], 3, { layout: 'tf' });
  const perRow = Array.from({ length: 6 }, (_, i) => tf.slice(i * 10, i * 10 + 10).filter((v) => v === 0).length);
  assert.deepEqual(perRow, [3, 3, 3, 3, 3, 3]);
  // The same map: tf [in, out] is the transpose of torch [out, in] from the same key.
  for (let i = 0; i < 6; i++) for (let o = 0; o < 10; o++) assert.equal(tf[i * 10 + o], torch[o * 6 + i]);
  // ceil of the same double product as Python: 0.07·100 = 7.000000000000001 → 8 zeros, as torch's math.ceil.
  assert.deepEqual(new Set(zerosPerColumn(sparse({ sparsity: 0.07 })([100, 5], 1, { layout: 'torch' }), 100, 5)), new Set([8]));
  assert.deepEqual(new Set(zerosPerColumn(sparse({ sparsity: 0 })([30, 5], 1, { layout: 'torch' }), 30, 5)), new Set([0]));
  assert.ok(sparse({ sparsity: 1 })([30, 5], 1).every((v) => v === 0));
  // The zero rows differ between columns (one permutation per column).
  const wide = sparse({ sparsity: 0.5 })([10, 40], 2, { layout: 'torch' });
  const patterns = new Set(Array.from({ length: 40 }, (_, j) => Array.from({ length: 10 }, (_, i) => (wide[i * 40 + j] === 0 ? 1 : 0)).join('')));
  assert.ok(patterns.size > 30, `${patterns.size} distinct zero patterns of 40`);
});

test('sparse: the zero positions are uniform over the rows (χ² at 0.001)', () => {
  // [20, 2000] torch, sparsity 0.25: 5 zeros per column; each row is zeroed in 500 columns on average. Under
  // uniform permutations the counts per row are (dependent, multivariate hypergeometric) multinomial-like; Pearson's
  // χ² with 19 dof is conservative here (sampling without replacement in a column reduces the variance).
  const w = sparse({ sparsity: 0.25 })([20, 2000], 17, { layout: 'torch' });
  const counts = new Array<number>(20).fill(0);
  for (let i = 0; i < 20; i++) for (let j = 0; j < 2000; j++) if (w[i * 2000 + j] === 0) counts[i]!++;
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    5 * 2000,
  );
  assert.ok(chiSquareUniform(counts) < chiSquareCritical0001(19));
});

test('sparse: non-zeros ~ N(0, std²) and the plan std = std·√(1 − zeros/rows)', () => {
  for (const layout of ['tf', 'torch'] as const) {
    for (const std of [0.01, 0.5]) {
      const shape = [400, 300];
      const init = sparse({ sparsity: 0.1, std });
      const w = init(shape, 5, { layout, dtype: 'float64' });
      const nonZero = w.filter((v) => v !== 0);
      const n = nonZero.length;
      const length = layout === 'torch' ? 400 : 300;
      assert.equal(w.length - n, Math.ceil(0.1 * length) * (w.length / length));
      const m = moments(nonZero);
      // Sampling error: the sample mean has std σ/√n, the sample std ≈ σ/√(2n) (normal data); allow 4 of each.
      assert.ok(Math.abs(m.mean) <= (4 * std) / Math.sqrt(n), `mean ${m.mean}`);
      assert.ok(Math.abs(m.std - std) <= (4 * std) / Math.sqrt(2 * n), `std ${m.std}`);
      const d = init.describe(shape, layout);
      const zeros = Math.ceil(0.1 * length);
      assert.equal(d.mean, 0);
      assert.ok(Math.abs(d.std - std * Math.sqrt(1 - zeros / length)) < 1e-15);
      // The whole tensor (zeros included) has that std, within the same sampling error.
      assert.ok(Math.abs(moments(w).std - d.std) <= (4 * d.std) / Math.sqrt(2 * n));
    }
  }
});

test('sparse: determinism and fill with offset equal the slice of the whole tensor', () => {
  const init = sparse({ sparsity: 0.3, std: 0.02 });
  for (const layout of ['tf', 'torch'] as const) {
    const shape = [13, 7];
    const whole = init(shape, 9, { layout });
    assert.deepEqual(init(shape, 9, { layout }), whole);
    assert.notDeepEqual(init(shape, 10, { layout }), whole);
    for (let offset = 0; offset < whole.length; offset++) {
      for (const len of [1, 3, 7, 8, 20]) {
        if (offset + len > whole.length) continue;
        const out = init.fill(new Float32Array(len), shape, 9, { layout, offset });
        assert.deepEqual(out, whole.slice(offset, offset + len), `${layout} offset ${offset} len ${len}`);
      }
    }
  }
});

test('sparse: non-2-D shapes, sparsity outside [0, 1], missing sparsity and bad std rejected', () => {
  for (const shape of [[10], [3, 3, 3], []]) assert.throws(() => sparse({ sparsity: 0.5 })(shape, 0), isInitError('invalid_shape', /2-D/));
  for (const sparsity of [-0.1, 1.1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => sparse({ sparsity }), isInitError('invalid_option', /sparsity must be a finite number ≥ 0 and ≤ 1/, 'sparsity'));
  }
  assert.throws(() => sparse({} as { sparsity: number }), isInitError('invalid_option', undefined, 'sparsity'));
  assert.throws(() => sparse({ sparsity: 0.5, std: -1 }), isInitError('invalid_option', undefined, 'std'));
  assert.deepEqual(sparse({ sparsity: 0.5 }).spec, { name: 'sparse', sparsity: 0.5, std: 0.01 });
  assert.equal(sparse({ sparsity: 0.5 })([0, 4], 0).length, 0);
});
