import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxMuller32, cosSin32, minusLogUniform32, normal32At } from '../../src/random/box-muller.ts';
import { fold, keyFromSeed } from '../../src/random/key.ts';
import { fillNormal } from '../../src/random/samplers.ts';
import { normalCdf } from '../../src/random/special.ts';
import { correlation, ksStatistic, moments } from '../support/stats.ts';

// The float32 normal stream (src/random/box-muller.ts): accuracy of its float32 arithmetic against float64 oracles,
// its distribution, and pinned values.

/** The spacing of float32 numbers at |x| (the unit in the last place). */
function ulp32(x: number): number {
  const a = Math.abs(x);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** −ln((x0 + ½)·2^-32) in float64, through log1p near u1 = 1 so that it keeps full relative precision. */
function minusLogOracle(x0: number): number {
  return x0 >= 2 ** 31 ? -Math.log1p(-(2 ** 32 - x0 - 0.5) / 2 ** 32) : -Math.log((x0 + 0.5) / 2 ** 32);
}

/** (cos θ, sin θ) for θ = 2π·(x1 + ½)·2^-32 in float64, reduced exactly to the quadrant first. */
function cosSinOracle(x1: number): [number, number] {
  const t = (x1 + 0x20000000) | 0;
  const phi = ((((t & 0x3fffffff) - 0x20000000) << 1) | 1) * Math.PI * 2 ** -32;
  const c = Math.cos(phi);
  const s = Math.sin(phi);
  return [
    [c, s],
    [-s, c],
    [-c, -s],
    [s, -c],
  ][t >>> 30] as [number, number];
}

/** Words that hit the edges: 0, 1, 2^23 ± 1, 2^24 ± 1, quadrant boundaries, 2^31 ± 1, 2^32 − 128 ± 1, 2^32 − 1. */
const EDGES = [
  0, 1, 2, 0x7fffff, 0x800000, 0x800001, 0xffffff, 0x1000000, 0x1000001, 0x1fffffff, 0x20000000, 0x3fffffff, 0x40000000, 0x5fffffff, 0x60000000, 0x7fffffff,
  0x80000000, 0x80000001, 0x9fffffff, 0xa0000000, 0xdfffffff, 0xe0000000, 0xffffff7f, 0xffffff80, 0xffffff81, 0xfffffffe, 0xffffffff,
];

/** Deterministic test words: the edges, then a linear congruential sequence, then the same shifted right (small x0). */
function* words(count: number): Generator<number> {
  yield* EDGES;
  let state = 20261129;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    yield i % 3 === 0 ? state >>> (i % 32) : state;
  }
}

test('−ln u1 in float32 is within 3 ulps of the float64 value for every kind of word', () => {
  // Error budget: the series truncation is below 1e-9 relative; s, s², the Horner steps, (32 − e)·ln 2 and the
  // two subtractions each round once (≤ ½ ulp), and the cancellation in (32 − e)·ln 2 − ln m is at most 2×: 3 ulps.
  let worst = 0;
  for (const x0 of words(300_000)) {
    const error = Math.abs(minusLogUniform32(x0) - minusLogOracle(x0)) / ulp32(minusLogOracle(x0));
    worst = Math.max(worst, error);
  }
  assert.ok(worst <= 3, `worst error ${worst} ulps`);
  // The extremes: x0 = 0 gives 33·ln 2 (the largest radius, √(66·ln 2) ≈ 6.76); x0 = 2^32 − 1 gives 2^-33.
  assert.ok(Math.abs(minusLogUniform32(0) - 33 * Math.LN2) <= ulp32(33 * Math.LN2));
  assert.equal(minusLogUniform32(0xffffffff), 2 ** -33);
});

test('cos θ and sin θ in float32 are within 3 ulps of the float64 values', () => {
  // φ rounds twice (the conversion of 2ρ + 1, the product with π·2^-32), the Taylor truncation is below 3e-9, and
  // the Horner steps each round once: 2.3 ulps at most over the edges and 300,000 words; 3 allowed.
  const pair = new Float64Array(2);
  let worst = 0;
  for (const x1 of words(300_000)) {
    cosSin32(x1, pair);
    const [c, s] = cosSinOracle(x1);
    worst = Math.max(worst, Math.abs(pair[0]! - c) / ulp32(c), Math.abs(pair[1]! - s) / ulp32(s));
  }
  assert.ok(worst <= 3, `worst error ${worst} ulps`);
});

test('each Box–Muller normal is within 5 ulps of r·cos θ and r·sin θ computed in float64', () => {
  // r = √(2·L) halves L's relative error (≤ 3 ulps → 1.5) and rounds once; the product adds the factor's error
  // (≤ 2 ulps) and one rounding: at most about 5 ulps.
  const pair = new Float64Array(2);
  let worst = 0;
  const x0s = [...words(200_000)];
  const x1s = [...words(200_000 + EDGES.length)].slice(EDGES.length).concat(EDGES);
  for (let i = 0; i < x0s.length; i++) {
    boxMuller32(x0s[i]!, x1s[i]!, pair, 0);
    const r = Math.sqrt(2 * minusLogOracle(x0s[i]!));
    const [c, s] = cosSinOracle(x1s[i]!);
    for (const [value, exact] of [
      [pair[0]!, r * c],
      [pair[1]!, r * s],
    ] as const) {
      if (exact !== 0) worst = Math.max(worst, Math.abs(value - exact) / ulp32(exact));
    }
  }
  assert.ok(worst <= 5, `worst error ${worst} ulps`);
});

const N = 200_000;
const key = keyFromSeed(20261129);

test('float32 normal: KS against Φ, moments and tail mass within sampling error', () => {
  const x = fillNormal(key, new Float32Array(N), { mean: 0.5, std: 2 });
  // √n·D > 1.9495 has probability 0.001 under the null; a std off by 1% gives √n·D ≈ 1.7 at this n, 2% ≈ 3.4.
  const d = ksStatistic(x, (v) => normalCdf((v - 0.5) / 2));
  assert.ok(Math.sqrt(N) * d < 1.9495, `√n·D = ${Math.sqrt(N) * d}`);
  const m = moments(x);
  // Standard errors: mean σ/√n, sample std σ/√(2n); 4 standard errors.
  assert.ok(Math.abs(m.mean - 0.5) < (4 * 2) / Math.sqrt(N));
  assert.ok(Math.abs(m.std - 2) < (4 * 2) / Math.sqrt(2 * N));
  // Beyond 3σ: binomial count with p = 2Φ(−3) = 0.0027; 5 standard deviations of the count.
  const p = 2 * normalCdf(-3);
  const beyond = x.reduce((count, v) => count + (Math.abs(v - 0.5) > 6 ? 1 : 0), 0);
  assert.ok(Math.abs(beyond - N * p) < 5 * Math.sqrt(N * p * (1 - p)), `${beyond} beyond 3σ, expected ${N * p}`);
});

test('float32 normal pairs: the two values of a block are uncorrelated, and z0² + z1² is exponential with mean 2', () => {
  const z = fillNormal(fold(key, 'pairs'), new Float32Array(N));
  const even = z.filter((_, i) => i % 2 === 0);
  const odd = z.filter((_, i) => i % 2 === 1);
  // |r| of independent samples has sd 1/√n; 4/√n. Also neighbouring pairs (odd → next even) and squares.
  assert.ok(Math.abs(correlation(even, odd)) < 4 / Math.sqrt(N / 2));
  assert.ok(Math.abs(correlation(odd.subarray(0, -1), even.subarray(1))) < 4 / Math.sqrt(N / 2));
  assert.ok(
    Math.abs(
      correlation(
        even.map((v) => v * v),
        odd.map((v) => v * v),
      ),
    ) <
      4 / Math.sqrt(N / 2),
  );
  // r² = −2 ln u1 ~ Exp(mean 2): a wrong radius (e.g. √(−ln u1)) or a shared angle fails this KS test.
  const r2 = even.map((v, i) => v * v + odd[i]! * odd[i]!);
  const d = ksStatistic(r2, (v) => 1 - Math.exp(-v / 2));
  assert.ok(Math.sqrt(N / 2) * d < 1.9495, `√n·D = ${Math.sqrt(N / 2) * d}`);
});

test('float32 normal: the largest value is √(66·ln 2), reached at x0 = 0', () => {
  const pair = new Float32Array(2);
  boxMuller32(0, 0, pair, 0); // x1 = 0: θ = π·2^-32, cos θ = 1 in float32
  assert.ok(Math.abs(pair[0]! - Math.sqrt(66 * Math.LN2)) <= 2 * ulp32(6.76));
  const x = fillNormal(key, new Float32Array(1_000_000));
  assert.ok(x.every((v) => Math.abs(v) <= Math.sqrt(66 * Math.LN2) + 4 * ulp32(6.76)));
});

test('a float32 fill is mean + std·z rounded once, z the standard stream, at any offset', () => {
  const z = fillNormal(key, new Float32Array(1001), { offset: 7 });
  const x = fillNormal(key, new Float32Array(1001), { mean: -0.25, std: 0.0123, offset: 7 });
  for (let i = 0; i < z.length; i++) assert.equal(x[i], Math.fround(-0.25 + 0.0123 * z[i]!));
  for (let i = 0; i < 9; i++) assert.equal(z[i], normal32At(key.k0, key.k1, 7 + i));
});

// Golden values (docs/rng.md): the float32 normal stream is a compatibility promise like the others.
test('golden: the first float32 normals for seed 0, and a pair far along fold(0, "w")', () => {
  assert.deepEqual([...fillNormal(0, new Float32Array(4))], GOLDEN.normal32);
  assert.deepEqual([...fillNormal(fold(0, 'w'), new Float32Array(2), { offset: 1_000_000_000_001 })], GOLDEN.normal32Far);
});

const GOLDEN = {
  normal32: [-1.0654524564743042, -0.7792130708694458, 0.5836949348449707, -1.649703025817871],
  normal32Far: [0.3864869177341461, 0.968680202960968],
};
