import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InitError } from '../../src/errors.ts';
import { fold, keyFromSeed } from '../../src/random/key.ts';
import { fillNormal, fillTruncatedNormal, fillUniform, permutation, uniform32At, uniformAt } from '../../src/random/samplers.ts';
import { normalCdf } from '../../src/random/special.ts';
import { chiSquareCritical0001, chiSquareUniform, correlation, KS_CRITICAL_0_001, ksStatistic, moments } from '../support/stats.ts';

const N = 200_000;
const key = keyFromSeed(20261129);

test('uniformAt lies in the open interval (0, 1) on a symmetric 2^-52 grid', () => {
  for (let i = 0; i < 10_000; i++) {
    const u = uniformAt(key.k0, key.k1, i);
    assert.ok(u > 0 && u < 1);
    const m = u * 2 ** 52 - 0.5;
    assert.equal(m, Math.floor(m));
  }
});

test('element i depends only on (key, i): chunks and offsets give the same bits as one pass', () => {
  const whole = fillNormal(key, new Float64Array(10_007));
  const pieces = new Float64Array(10_007);
  let start = 0;
  for (const size of [1, 0, 17, 1000, 4096, 3, 4890]) {
    fillNormal(key, pieces.subarray(start, start + size), { offset: start });
    start += size;
  }
  assert.equal(start, whole.length);
  assert.deepEqual(pieces, whole);
  // Any order works too: fill back to front.
  const backwards = new Float64Array(10_007);
  for (let s = 10_000; s >= 0; s -= 1000) fillNormal(key, backwards.subarray(s, s + 1000), { offset: s });
  assert.deepEqual(backwards, whole);
});

test('float32 truncated normals are the float64 fill rounded once; float32 uniforms and normals are their own streams', () => {
  const wide = fillTruncatedNormal(key, new Float64Array(5000), { mean: 1, std: 2 });
  const narrow = fillTruncatedNormal(key, new Float32Array(5000), { mean: 1, std: 2 });
  assert.deepEqual(narrow, Float32Array.from(wide));
  // Float32 uniforms: two 32-bit words per block; normals: Box–Muller in float32 (box-muller.test.ts).
  for (const fill of [fillUniform, fillNormal]) {
    const f64 = fill(key, new Float64Array(100));
    const f32 = fill(key, new Float32Array(100));
    assert.ok(f32.some((v, i) => v !== Math.fround(f64[i]!)));
  }
  // Element 2j of the float32 uniform stream is the first word of block j, element 2j + 1 the second.
  const u = fillUniform(key, new Float32Array(6));
  for (let i = 0; i < 6; i++) assert.equal(u[i], Math.fround(uniform32At(key.k0, key.k1, i)));
});

test('float32 uniform: KS against 𝒰[low, high), χ² of 1,000 bins, and values stay below high', () => {
  const x = fillUniform(fold(key, 'u32'), new Float32Array(N), { low: -2, high: 3 });
  const d = ksStatistic(x, (v) => Math.min(1, Math.max(0, (v + 2) / 5)));
  assert.ok(Math.sqrt(N) * d < KS_CRITICAL_0_001, `√n·D = ${Math.sqrt(N) * d}`);
  const counts = new Float64Array(1000);
  const y = fillUniform(fold(key, 'chi32'), new Float32Array(1_000_000));
  for (const v of y) counts[Math.floor(v * 1000)]!++;
  const chi = chiSquareUniform(counts);
  assert.ok(chi < chiSquareCritical0001(999), `χ² = ${chi}`);
  assert.ok(chi > 999 - 6 * Math.sqrt(2 * 999), `χ² = ${chi} suspiciously small`);
  // [0, 1e-7): most values round to the float32 grid near 1e-7; none may reach it.
  assert.ok(fillUniform(key, new Float32Array(100_000), { low: 0, high: 1e-7 }).every((v) => v >= 0 && v < 1e-7));
});

test('same key → same bits; different keys → different streams', () => {
  assert.deepEqual(fillUniform(key, new Float64Array(100)), fillUniform(keyFromSeed(20261129), new Float64Array(100)));
  assert.notDeepEqual(fillUniform(key, new Float64Array(100)), fillUniform(keyFromSeed(20261130), new Float64Array(100)));
});

// KS tests: with a fixed key each test is deterministic; √n·D > 1.9495 has probability 0.001 under the null,
// and a wrong formula (e.g. std off by 1%, a bound off by a few %) pushes √n·D far beyond it at n = 200,000.
test('uniform: KS against the exact CDF of 𝒰[low, high)', () => {
  const x = fillUniform(key, new Float64Array(N), { low: -2, high: 3 });
  const d = ksStatistic(x, (v) => Math.min(1, Math.max(0, (v + 2) / 5)));
  assert.ok(Math.sqrt(N) * d < KS_CRITICAL_0_001, `√n·D = ${Math.sqrt(N) * d}`);
  assert.ok(x.every((v) => v >= -2 && v < 3));
});

test('uniform: χ² of 1,000 equal bins of the 53-bit uniform', () => {
  const counts = new Float64Array(1000);
  const x = fillUniform(fold(key, 'chi'), new Float64Array(1_000_000));
  for (const v of x) counts[Math.floor(v * 1000)]!++;
  const chi = chiSquareUniform(counts);
  assert.ok(chi < chiSquareCritical0001(999), `χ² = ${chi}`);
  assert.ok(chi > 999 - 6 * Math.sqrt(2 * 999), `χ² = ${chi} suspiciously small`); // χ² has mean 999, sd √1998
});

test('normal: KS against Φ, and moments within sampling error', () => {
  const x = fillNormal(key, new Float64Array(N), { mean: 0.5, std: 2 });
  const d = ksStatistic(x, (v) => normalCdf((v - 0.5) / 2));
  assert.ok(Math.sqrt(N) * d < KS_CRITICAL_0_001, `√n·D = ${Math.sqrt(N) * d}`);
  const m = moments(x);
  // Standard errors: mean σ/√n, sample std σ/√(2n); 4 standard errors.
  assert.ok(Math.abs(m.mean - 0.5) < (4 * 2) / Math.sqrt(N));
  assert.ok(Math.abs(m.std - 2) < (4 * 2) / Math.sqrt(2 * N));
});

test('truncated normal: exact distribution for central, one-sided and far-tail bounds', () => {
  const cases = [
    { mean: 0, std: 1, low: -2, high: 2 },
    { mean: 1, std: 0.5, low: 0, high: 1.25 },
    { mean: 0, std: 1, low: 3, high: 6 },
    { mean: 0, std: 1, low: -9, high: -8 },
    { mean: 0, std: 1, low: 10, high: 10.5 },
  ];
  for (const [index, c] of cases.entries()) {
    const x = fillTruncatedNormal(fold(key, index), new Float64Array(N), c);
    const a = (c.low - c.mean) / c.std;
    const b = (c.high - c.mean) / c.std;
    // Exact CDF of the truncated normal, computed on the side of the mean where it keeps precision.
    const cdf = (v: number): number => {
      const z = Math.min(Math.max((v - c.mean) / c.std, a), b);
      return a >= 0 ? (normalCdf(-a) - normalCdf(-z)) / (normalCdf(-a) - normalCdf(-b)) : (normalCdf(z) - normalCdf(a)) / (normalCdf(b) - normalCdf(a));
    };
    const d = ksStatistic(x, cdf);
    assert.ok(Math.sqrt(N) * d < KS_CRITICAL_0_001, `case ${index}: √n·D = ${Math.sqrt(N) * d}`);
    assert.ok(
      x.every((v) => v >= c.low && v <= c.high),
      `case ${index}: a value outside the bounds`,
    );
  }
});

test('truncated normal in float32 stays inside bounds that are not float32 numbers', () => {
  const x = fillTruncatedNormal(key, new Float32Array(50_000), { mean: 0, std: 1, low: -0.1, high: 0.1 });
  assert.ok(x.every((v) => v >= -0.1 && v <= 0.1));
  const u = fillUniform(key, new Float32Array(50_000), { low: 0, high: 1e-7 });
  assert.ok(u.every((v) => v >= 0 && v < 1e-7));
});

test('sibling streams fold(key, "a") and fold(key, "b") are uncorrelated', () => {
  // |r| of independent samples has sd 1/√n; 4/√n leaves a 6e-5 false-alarm rate.
  const a = fillNormal(fold(key, 'a'), new Float64Array(N));
  const b = fillNormal(fold(key, 'b'), new Float64Array(N));
  assert.ok(Math.abs(correlation(a, b)) < 4 / Math.sqrt(N));
  // Neighbouring elements of one stream too (lag-1 autocorrelation).
  assert.ok(Math.abs(correlation(a.subarray(1), a.subarray(0, N - 1))) < 4 / Math.sqrt(N));
  // And neighbouring integer seeds.
  const c = fillNormal(keyFromSeed(1), new Float64Array(N));
  const d = fillNormal(keyFromSeed(2), new Float64Array(N));
  assert.ok(Math.abs(correlation(c, d)) < 4 / Math.sqrt(N));
});

test('permutation is a seeded permutation with uniform positions', () => {
  const p = permutation(key, 1000);
  assert.deepEqual(
    [...p].sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.deepEqual(permutation(key, 1000), p);
  // Where element 0 lands over 20,000 keys of a 10-permutation: χ² on 10 cells (dof 9, critical 27.9 at 0.001).
  const counts = new Float64Array(10);
  for (let s = 0; s < 20_000; s++) counts[permutation(fold(key, s), 10).indexOf(0)]!++;
  assert.ok(chiSquareUniform(counts) < 27.88, `χ² = ${chiSquareUniform(counts)}`);
  assert.deepEqual(permutation(key, 0), new Uint32Array(0));
});

test('invalid parameters get one-line errors that name the parameter', () => {
  const cases: [() => unknown, string][] = [
    [() => fillUniform(key, new Float32Array(1), { low: 1, high: 1 }), 'low'],
    [() => fillUniform(key, new Float32Array(1), { low: Number.NaN }), 'low'],
    [() => fillNormal(key, new Float32Array(1), { std: -1 }), 'std'],
    [() => fillNormal(key, new Float32Array(1), { std: Number.NaN }), 'std'],
    [() => fillNormal(key, new Float32Array(1), { offset: -1 }), 'offset'],
    [() => fillNormal(key, new Float32Array(1), { offset: 0.5 }), 'offset'],
    [() => fillTruncatedNormal(key, new Float32Array(1), { low: 2, high: 1 }), 'low'],
    [() => fillTruncatedNormal(key, new Float32Array(1), { std: 0 }), 'std'],
    [() => fillTruncatedNormal(key, new Float32Array(1), { low: 40, high: 41 }), 'low'],
    [() => fillTruncatedNormal(key, new Float32Array(1), { low: -41, high: -40 }), 'high'],
    [() => permutation(key, -3), 'n'],
  ];
  for (const [run, parameter] of cases) {
    assert.throws(run, (e: unknown) => e instanceof InitError && e.parameter === parameter && !e.message.includes('\n'));
  }
});

// Golden values (docs/rng.md): the first elements of the streams for fixed keys are a compatibility promise.
test('golden: first values of each sampler for seed 0 are pinned', () => {
  assert.deepEqual([...fillUniform(0, new Float64Array(3))], GOLDEN.uniform);
  assert.deepEqual([...fillNormal(0, new Float64Array(3))], GOLDEN.normal);
  assert.deepEqual([...fillNormal(fold(0, 'w'), new Float64Array(2), { offset: 1_000_000_000_000 })], GOLDEN.normalFar);
  assert.deepEqual([...fillTruncatedNormal(0, new Float64Array(3), { low: 3, high: 6 })], GOLDEN.tail);
  assert.deepEqual([...fillUniform(0, new Float32Array(4))], GOLDEN.uniform32);
  assert.deepEqual([...fillUniform(fold(0, 'w'), new Float32Array(2), { offset: 1_000_000_000_001, low: -1, high: 1 })], GOLDEN.uniform32Far);
});

const GOLDEN = {
  uniform: [0.41845711470393965, 0.2162954629082111, 0.9653214608584341],
  normal: [-0.2058421318306143, -0.7847657481301493, 1.8160866692702273],
  normalFar: [0.6965221197493949, 0.40631715208789926],
  tail: [3.2560471173798895, 3.4389592231952286, 3.010733925556988],
  uniform32: [0.41845712065696716, 0.6004990935325623, 0.21629545092582703, 0.8041241765022278],
  uniform32Far: [-0.5149750709533691, 0.08860170841217041],
};
