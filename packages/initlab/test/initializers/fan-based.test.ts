import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InitError } from '../../src/errors.ts';
import type { Layout } from '../../src/fans.ts';
import { normal, truncatedNormal, uniform, constant, zeros, ones } from '../../src/initializers/basic.ts';
import type { Initializer } from '../../src/initializers/initializer.ts';
import { fromSpec } from '../../src/initializers/registry.ts';
import {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  TRUNCATED_NORMAL_STD_AT_2,
  varianceScaling,
} from '../../src/initializers/variance-scaling.ts';
import { moments } from '../support/stats.ts';

// Shapes chosen so that fanIn ≠ fanOut and the layouts differ: [...kernel, in, out] vs [out, in, ...kernel].
const SHAPES: Record<Layout, readonly number[]> = { tf: [3, 3, 64, 128], torch: [128, 64, 3, 3] };
const FAN_IN = 9 * 64;
const FAN_OUT = 9 * 128;

interface Expectation {
  readonly init: Initializer;
  readonly std: number;
  /** Half-width of a uniform, if uniform. */
  readonly limit?: number;
  /** Truncation bound, if truncated. */
  readonly bound?: number;
}

const expectations: Record<string, Expectation> = {
  glorot_uniform: { init: glorotUniform(), std: Math.sqrt(2 / (FAN_IN + FAN_OUT)), limit: Math.sqrt(6 / (FAN_IN + FAN_OUT)) },
  'glorot_uniform gain 2': { init: glorotUniform({ gain: 2 }), std: 2 * Math.sqrt(2 / (FAN_IN + FAN_OUT)), limit: 2 * Math.sqrt(6 / (FAN_IN + FAN_OUT)) },
  glorot_normal: { init: glorotNormal(), std: Math.sqrt(2 / (FAN_IN + FAN_OUT)) },
  he_normal: { init: heNormal(), std: Math.sqrt(2 / FAN_IN) },
  'he_normal fan_out': { init: heNormal({ mode: 'fan_out' }), std: Math.sqrt(2 / FAN_OUT) },
  'he_normal leaky 0.2': { init: heNormal({ nonlinearity: 'leaky_relu', negativeSlope: 0.2 }), std: Math.sqrt(2 / (1.04 * FAN_IN)) },
  'he_normal tanh': { init: heNormal({ nonlinearity: 'tanh' }), std: 5 / 3 / Math.sqrt(FAN_IN) },
  he_uniform: { init: heUniform(), std: Math.sqrt(2 / FAN_IN), limit: Math.sqrt(6 / FAN_IN) },
  lecun_normal: { init: lecunNormal(), std: Math.sqrt(1 / FAN_IN) },
  lecun_uniform: { init: lecunUniform(), std: Math.sqrt(1 / FAN_IN), limit: Math.sqrt(3 / FAN_IN) },
  'variance_scaling default (Keras: corrected truncated normal)': {
    init: varianceScaling(),
    std: Math.sqrt(1 / FAN_IN),
    bound: (2 * Math.sqrt(1 / FAN_IN)) / TRUNCATED_NORMAL_STD_AT_2,
  },
  'variance_scaling scale 2 fan_avg normal': {
    init: varianceScaling({ scale: 2, mode: 'fan_avg', distribution: 'normal' }),
    std: Math.sqrt(4 / (FAN_IN + FAN_OUT)),
  },
  'variance_scaling fan_out uniform': {
    init: varianceScaling({ mode: 'fan_out', distribution: 'uniform' }),
    std: Math.sqrt(1 / FAN_OUT),
    limit: Math.sqrt(3 / FAN_OUT),
  },
};

// n = 73,728 weights. The sample std of n independent draws has relative standard error √((κ − 1)/(4n)), with
// kurtosis κ = 3 (normal), 1.8 (uniform), about 2.4 (normal truncated at 2σ): at most 0.0026. A 1.5% tolerance is
// over 5 standard errors, yet catches any formula slip (a wrong fan or a missing gain is off by ≥ 20%; a
// truncated normal left uncorrected is off by 12%). The mean has standard error std/√n; allow 5 of those.
for (const [name, e] of Object.entries(expectations)) {
  for (const layout of ['tf', 'torch'] as const) {
    test(`${name} (${layout} layout): std matches the formula`, () => {
      const shape = SHAPES[layout];
      const w = e.init(shape, 11, { layout, dtype: 'float64' });
      const m = moments(w);
      assert.ok(Math.abs(m.std / e.std - 1) < 0.015, `std ${m.std}, expected ${e.std}`);
      assert.ok(Math.abs(m.mean) < (5 * e.std) / Math.sqrt(w.length), `mean ${m.mean}`);
      const description = e.init.describe(shape, layout);
      assert.deepEqual(description.fans, { fanIn: FAN_IN, fanOut: FAN_OUT, receptiveField: 9 });
      assert.ok(Math.abs(description.std / e.std - 1) < 1e-12, `described std ${description.std}`);
      let maxAbs = 0;
      for (const v of w) maxAbs = Math.max(maxAbs, Math.abs(v));
      if (e.limit !== undefined) {
        assert.ok(maxAbs < e.limit && maxAbs > e.limit * 0.999, `max |w| ${maxAbs}, limit ${e.limit}`);
      } else if (e.bound !== undefined) {
        assert.ok(maxAbs <= e.bound && maxAbs > e.bound * 0.999, `max |w| ${maxAbs}, bound ${e.bound}`);
      } else {
        // Untruncated: some |w| beyond 3.5 std (expected count n·4.7e-4 ≈ 34).
        assert.ok(maxAbs > 3.5 * e.std, `max |w| ${maxAbs} looks truncated`);
      }
    });
  }
}

test('the layout changes which dimension is fanIn: a dense kernel [256, 64]', () => {
  const tf = heNormal().describe([256, 64], 'tf');
  const torch = heNormal().describe([256, 64], 'torch');
  assert.equal(tf.std, Math.sqrt(2 / 256));
  assert.equal(torch.std, Math.sqrt(2 / 64));
});

test('he_normal is the untruncated normal of PyTorch, not TF.js’s uncorrected truncated normal', () => {
  // TF.js heNormal truncates at 2σ without correction: std 0.8796·√(2/fanIn). Ours must not.
  const w = heNormal()([1000, 200], 3, { dtype: 'float64' });
  assert.ok(moments(w).std > 0.97 * Math.sqrt(2 / 1000));
});

test('fixed-parameter initializers: constant values and moments', () => {
  assert.ok(zeros()([4, 5], 0).every((v) => v === 0));
  assert.ok(ones()([4, 5], 0).every((v) => v === 1));
  assert.ok(constant({ value: 0.5 })([7], 0).every((v) => v === 0.5));
  const n = 100_000;
  const u = uniform({ low: -0.01, high: 0.03 })([n], 5, { dtype: 'float64' });
  assert.ok(u.every((v) => v >= -0.01 && v < 0.03));
  // Mean of 𝒰(a, b) has standard error (b − a)/√(12n); 5 of them.
  assert.ok(Math.abs(moments(u).mean - 0.01) < (5 * 0.04) / Math.sqrt(12 * n));
  const g = normal({ std: 0.01 })([n], 5, { dtype: 'float64' });
  assert.ok(Math.abs(moments(g).std / 0.01 - 1) < 5 / Math.sqrt(2 * n));
  // PyTorch trunc_normal_ defaults: absolute [-2, 2] on N(0, 1), no correction: std 0.8796.
  const t = truncatedNormal()([n], 5, { dtype: 'float64' });
  assert.ok(t.every((v) => v >= -2 && v <= 2));
  // Sample std of a normal truncated at ±2σ (kurtosis ≈ 2.4): standard error 0.88·√(1.4/(4n)); 5 of them.
  assert.ok(Math.abs(moments(t).std - TRUNCATED_NORMAL_STD_AT_2) < 5 * 0.88 * Math.sqrt(1.4 / (4 * n)));
  assert.ok(Math.abs(truncatedNormal().describe([1]).std - TRUNCATED_NORMAL_STD_AT_2) < 1e-12);
});

test('determinism: same key and shape give the same bits; fill with an offset gives the slice', () => {
  const init = heNormal();
  const a = init([64, 32], 99);
  assert.deepEqual(init([64, 32], 99), a);
  assert.deepEqual(fromSpec(init.spec)([64, 32], 99), a);
  assert.notDeepEqual(init([64, 32], 100), a);
  const shard = init.fill(new Float32Array(500), [64, 32], 99, { offset: 1000 });
  assert.deepEqual(shard, a.subarray(1000, 1500));
});

test('specs: canonical names, aliases, defaults filled in, JSON round trip', () => {
  assert.deepEqual(heNormal().spec, { name: 'he_normal', mode: 'fan_in', nonlinearity: 'relu', negativeSlope: 0 });
  assert.deepEqual(fromSpec({ name: 'kaiming_normal', mode: 'fan_out' }).spec, { name: 'he_normal', mode: 'fan_out', nonlinearity: 'relu', negativeSlope: 0 });
  assert.equal(fromSpec({ name: 'xavier_uniform' }).spec.name, 'glorot_uniform');
  assert.deepEqual(truncatedNormal({ mean: 1, std: 0.5 }).spec, { name: 'truncated_normal', mean: 1, std: 0.5, low: 0, high: 2 });
  assert.deepEqual(fromSpec(JSON.parse(JSON.stringify(varianceScaling({ scale: 2 }).spec))).spec, varianceScaling({ scale: 2 }).spec);
  assert.equal(fromSpec({ name: 'variance_scaling', mode: 'fanAvg' }).spec['mode'], 'fan_avg');
  assert.equal(fromSpec({ name: 'he_uniform', mode: 'fanOut' }).spec['mode'], 'fan_out');
});

test('validation: each bad input gets a one-line error naming the parameter and the accepted values', () => {
  const cases: [() => unknown, string, RegExp][] = [
    [() => fromSpec({ name: 'he_normall' }), 'name', /did you mean 'he_normal'/],
    [() => fromSpec({ name: 'foo' }), 'name', /name must be one of zeros, ones/],
    [() => fromSpec('he_normal'), 'spec', /spec must be an object/],
    [() => heNormal({ mode: 'fan_avg' as 'fan_in' }), 'mode', /mode must be one of 'fan_in', 'fan_out'; got 'fan_avg'/],
    [() => heNormal({ mode: 'fanAvg' as 'fan_in' }), 'mode', /mode must be one of 'fan_in', 'fan_out'; got 'fanAvg'/],
    [() => heNormal({ nonlinearity: 'gelux' as 'relu' }), 'nonlinearity', /nonlinearity must be one of/],
    [() => fromSpec({ name: 'he_normal', gain: 2 }), 'option', /option must be one of mode, nonlinearity, negativeSlope; got 'gain'/],
    [() => normal({ std: Number.NaN }), 'std', /std must be a finite number ≥ 0; got NaN/],
    [() => normal({ std: -1 }), 'std', /got -1/],
    [() => fromSpec({ name: 'normal' }), 'std', /std must be given/],
    [() => uniform({ low: 1, high: 0 }), 'low', /low must be less than high/],
    [() => truncatedNormal({ low: 3, high: 2 }), 'low', /less than high/],
    [() => truncatedNormal({ low: -50, high: -45 }), 'high', /within 37.5 std of the mean/],
    [() => varianceScaling({ scale: 0 }), 'scale', /scale must be a finite number > 0/],
    [() => varianceScaling({ distribution: 'gamma' as 'normal' }), 'distribution', /one of 'truncated_normal', 'normal', 'uniform'/],
    [() => glorotUniform({ gain: Number.POSITIVE_INFINITY }), 'gain', /gain must be/],
    [() => heNormal()([3, -1], 0), 'shape[1]', /shape\[1\] must be a non-negative integer; got -1/],
    [() => heNormal()([0, 5], 0), 'shape', /fanIn > 0/],
    [() => heNormal()([5], 0, { layout: 'torch' }), 'shape', /rank ≥ 2/],
    [() => heNormal()([5, 5], 0, { layout: 'nchw' as 'tf' }), 'layout', /layout must be one of 'tf', 'torch'/],
    [() => heNormal()([5, 5], 0, { dtype: 'int8' as 'float32' }), 'dtype', /dtype must be one of 'float32', 'float64', 'bfloat16', 'float16'; got 'int8'/],
    [() => heNormal()([5, 5], 1.5), 'seed', /seed must be a safe integer/],
    [() => heNormal().fill(new Float32Array(10), [2, 2], 0), 'offset', /offset must be/],
  ];
  for (const [run, parameter, message] of cases) {
    assert.throws(run, (e: unknown) => {
      assert.ok(e instanceof InitError, String(e));
      assert.equal(e.parameter, parameter);
      assert.match(e.message, message);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  }
});
