import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fold, keyFromSeed, keyFromWords } from '../../src/random/key.ts';
import { referenceFill } from '../support/reference.ts';
import { type FillPlan, type FloatArray, planNormal, planTruncatedNormal, planUniform, runFill } from '../../src/random/samplers.ts';
import { threefryBlocks } from '../../src/random/kernels.ts';
import { float32Kernel } from '../../src/random/simd-float32.ts';
import { setSimdEnabled, simdAvailable, simdKernel } from '../../src/random/simd.ts';

// Both fast paths, the WebAssembly SIMD kernels (src/random/simd.ts, simd-float32.ts) and the TypeScript kernels
// (src/random/kernels.ts), must give exactly the bits of the reference path (bench/reference.ts): one threefry2x32
// call per element, through uniformAt, then normalQuantile; for float32 normals and uniforms, one normal32At or
// uniform32At call per element.
function sameBits(actual: FloatArray, expected: FloatArray, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let j = 0; j < actual.length; j++) {
    if (!Object.is(actual[j], expected[j])) assert.fail(`${what}: element ${j}: ${actual[j]} ≠ ${expected[j]}`);
  }
}

const keys = [keyFromSeed(0), keyFromSeed(-1), keyFromWords(0xffffffff, 0), keyFromWords(0x80000000, 0x7fffffff), fold(keyFromSeed(7), 'w')];
// Offsets that start a fill at 0, just before the counter's low word wraps (c1 = 2^32 − 5 → the high word changes
// inside the fill; for float32 normals, two elements per counter, at 2^33 − 5), at a high word far from 0, at an odd
// element (the second of a float32 normal pair), and next to 2^53.
const offsets = [0, 2 ** 32 - 5, 2 ** 33 - 5, 3 * 2 ** 32 + 123_457, 2 ** 53 - 40_000];
const plans: [string, (key: (typeof keys)[number], float32: boolean, length: number, offset: number) => FillPlan][] = [
  ['uniform', (k, f, n, offset) => planUniform(k, f, n, { offset })],
  ['uniform[-3, 1e-7)', (k, f, n, offset) => planUniform(k, f, n, { low: -3, high: 1e-7, offset })],
  ['normal', (k, f, n, offset) => planNormal(k, f, n, { offset })],
  ['normal(0.5, 3)', (k, f, n, offset) => planNormal(k, f, n, { mean: 0.5, std: 3, offset })],
  ['truncated ±2', (k, f, n, offset) => planTruncatedNormal(k, f, n, { offset })],
  ['truncated [3, 6]', (k, f, n, offset) => planTruncatedNormal(k, f, n, { low: 3, high: 6, offset })],
  ['truncated [-9, -8]', (k, f, n, offset) => planTruncatedNormal(k, f, n, { low: -9, high: -8, offset })],
  // r = √(−ln p) on both sides of 5: AS 241's intermediate and far tails in neighbouring lanes.
  ['truncated [-7.5, -6]', (k, f, n, offset) => planTruncatedNormal(k, f, n, { low: -7.5, high: -6, offset })],
  ['truncated (1, 0.5) [0, 1.25]', (k, f, n, offset) => planTruncatedNormal(k, f, n, { mean: 1, std: 0.5, low: 0, high: 1.25, offset })],
];

const paths = [
  ['simd', true],
  ['typescript', false],
] as const;

test('Node has WebAssembly SIMD, so the SIMD path is the one runFill takes here', () => {
  assert.ok(simdAvailable());
  // simd.ts serves float64 uniforms and normals and truncated normals of both types; simd-float32.ts the float32 pairs.
  for (const [distribution, float32] of [
    ['uniform', false],
    ['normal', false],
    ['truncated_normal', false],
    ['truncated_normal', true],
  ] as const) {
    assert.ok(simdKernel(distribution, float32), `${distribution} ${float32}`);
  }
  for (const stream of ['uniform', 'normal'] as const) assert.ok(float32Kernel(stream), stream);
  setSimdEnabled(false);
  assert.equal(simdAvailable(), false);
  assert.equal(simdKernel('normal', false), undefined);
  setSimdEnabled(true);
});

function compareWithReference(path: string): void {
  for (const [name, plan] of plans) {
    for (const float32 of [true, false]) {
      for (const [ki, key] of keys.entries()) {
        for (const offset of offsets) {
          const n = offset === 0 && ki === 0 ? 100_000 : 20_000; // one long run per case reaches the far tails
          const p = plan(key, float32, n, offset);
          const fast = float32 ? new Float32Array(n) : new Float64Array(n);
          const slow = float32 ? new Float32Array(n) : new Float64Array(n);
          runFill(p, fast);
          referenceFill(p, slow);
          sameBits(fast, slow, `${path}: ${name} ${float32 ? 'f32' : 'f64'} key ${ki} offset ${offset}`);
        }
      }
    }
  }
}

for (const [path, simd] of paths) {
  test(`${path} path = reference path, bit for bit, for every distribution, output type, key and offset`, () => {
    setSimdEnabled(simd);
    try {
      compareWithReference(path);
    } finally {
      setSimdEnabled(true);
    }
  });
}

test('tail probabilities below the smallest normal double (left to JavaScript on the SIMD path) keep their bits', () => {
  // No validated plan reaches them; this one maps u to p = 1e-306·u, subnormal for u < 0.022 (about 110 of these 5000).
  for (const [path, simd] of paths) {
    setSimdEnabled(simd);
    try {
      for (const float32 of [true, false]) {
        const p: FillPlan = {
          distribution: 'truncated_normal',
          float32,
          k0: 5,
          k1: 6,
          offset: 0,
          base: 0,
          mass: 1e-306,
          sign: 1,
          mean: 0,
          std: 1,
          bottom: -1e300,
          top: 1e300,
        };
        const fast = float32 ? new Float32Array(5000) : new Float64Array(5000);
        const slow = float32 ? new Float32Array(5000) : new Float64Array(5000);
        runFill(p, fast);
        referenceFill(p, slow);
        sameBits(fast, slow, `${path} subnormal p ${float32 ? 'f32' : 'f64'}`);
      }
    } finally {
      setSimdEnabled(true);
    }
  }
});

test('float32 normals from extreme words keep their bits on both paths (x0 near 0 and near 2^32)', () => {
  // The Box–Muller steps with special cases: x0 < 2^8 (the largest radii, exact t), x0 ≥ 2^32 − 256 (t rounds up to
  // 2^32, where the δ/t correction carries −ln u1 alone). Each has probability 2^-24 per block: scan 2^26 blocks.
  const key = keyFromSeed(11);
  const found = { small: [] as number[], large: [] as number[] };
  for (let first = 0; first < 2 ** 26; first += 1024) {
    const [words0] = threefryBlocks(key.k0, key.k1, first, 1024);
    for (let i = 0; i < 1024; i++) {
      const x0 = words0[i]! >>> 0;
      if (x0 < 2 ** 8) found.small.push(first + i);
      else if (x0 >= 2 ** 32 - 256) found.large.push(first + i);
    }
  }
  assert.ok(found.small.length > 0 && found.large.length > 0, JSON.stringify(found));
  for (const [path, simd] of paths) {
    setSimdEnabled(simd);
    try {
      for (const block of [...found.small, ...found.large]) {
        for (const options of [{}, { mean: 0.5, std: 3 }]) {
          const p = planNormal(key, true, 2, { ...options, offset: 2 * block });
          const fast = new Float32Array(2);
          const slow = new Float32Array(2);
          runFill(p, fast);
          referenceFill(p, slow);
          sameBits(fast, slow, `${path}: block ${block}`);
        }
      }
    } finally {
      setSimdEnabled(true);
    }
  }
});

test('runFill on slices, in any order and on either path, gives the bits of one call', () => {
  const p = planNormal(keyFromSeed(3), true, 10_000, { offset: 2 ** 32 - 4_000 });
  const whole = new Float32Array(10_000);
  runFill(p, whole);
  const pieces = new Float32Array(10_000);
  const slices = [
    [9_000, 10_000],
    [0, 1],
    [1, 3_999],
    [3_999, 4_001],
    [4_001, 9_000],
  ] as const;
  for (const [k, [start, end]] of slices.entries()) {
    setSimdEnabled(k % 2 === 0);
    runFill(p, pieces, start, end);
  }
  setSimdEnabled(true);
  sameBits(pieces, whole, 'slices');
  assert.throws(() => runFill(p, new Float64Array(10_000)), TypeError);
});
