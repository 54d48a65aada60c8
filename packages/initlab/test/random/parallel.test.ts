import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  closeWorkers,
  fillNormal,
  fillTruncatedNormal,
  fillUniform,
  MIN_PARALLEL_LENGTH,
  sharedFloat32Array,
  sharedFloat64Array,
  TASK_SIZE,
  workerCount,
} from '../../src/node/parallel.ts';
import { fold, keyFromSeed } from '../../src/random/key.ts';
import * as core from '../../src/random/samplers.ts';

after(() => closeWorkers());

const key = fold(keyFromSeed(42), 'parallel');
// Not a multiple of the task size, so the last task is partial; crosses a 2^32 counter boundary with this offset.
const LENGTH = 3 * TASK_SIZE + 12_345;
const OFFSET = 2 ** 32 - 100_000;

function sameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let j = 0; j < actual.length; j++) {
    if (!Object.is(actual[j], expected[j])) assert.fail(`${what}: element ${j}: ${actual[j]} ≠ ${expected[j]}`);
  }
}

test('1 thread = N threads, bit for bit, for every sampler and output type', () => {
  assert.ok(LENGTH >= MIN_PARALLEL_LENGTH);
  const fills = [
    ['uniform', (out: Float32Array | Float64Array, threads: number) => fillUniform(key, out, { low: -2, high: 3, offset: OFFSET, threads })],
    ['normal', (out: Float32Array | Float64Array, threads: number) => fillNormal(key, out, { mean: 1, std: 0.5, offset: OFFSET, threads })],
    ['truncated', (out: Float32Array | Float64Array, threads: number) => fillTruncatedNormal(key, out, { low: -1, high: 2.5, offset: OFFSET, threads })],
  ] as const;
  for (const [name, fill] of fills) {
    for (const make of [sharedFloat32Array, sharedFloat64Array]) {
      const one = fill(make(LENGTH), 1);
      for (const threads of [2, 3, 4]) sameBits(fill(make(LENGTH), threads), one, `${name} ${make.name} ${threads} threads`);
    }
  }
  assert.ok(workerCount() >= 1, 'workers were used');
});

test("parallel fills give the core samplers' bits, and unshared or short arrays still work", () => {
  const reference = core.fillNormal(key, new Float32Array(LENGTH), { offset: 7 });
  sameBits(fillNormal(key, sharedFloat32Array(LENGTH), { offset: 7, threads: 2 }), reference, 'shared');
  sameBits(fillNormal(key, new Float32Array(LENGTH), { offset: 7, threads: 2 }), reference, 'unshared');
  sameBits(fillNormal(key, sharedFloat32Array(1000), { offset: 7, threads: 2 }), reference.subarray(0, 1000), 'short');
  sameBits(fillNormal(key, sharedFloat32Array(0), { threads: 2 }), [], 'empty');
});

test('invalid options are rejected as in the core', () => {
  assert.throws(() => fillNormal(key, sharedFloat32Array(10), { threads: 0 }), RangeError);
  assert.throws(() => fillNormal(key, sharedFloat32Array(10), { threads: 1.5 }), RangeError);
  assert.throws(() => fillNormal(key, sharedFloat32Array(10), { std: -1 }), /std/);
  assert.throws(() => fillUniform(key, sharedFloat32Array(10), { low: 1, high: 0 }), /low/);
});
