import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { glorotUniform, heNormal, varianceScaling } from '../../src/initializers/variance-scaling.ts';
import { orthogonal } from '../../src/initializers/orthogonal.ts';
import { truncatedNormal } from '../../src/initializers/basic.ts';
import { createInitializer } from '../../src/initializers/initializer.ts';
import { heNormalDefinition } from '../../src/initializers/variance-scaling.ts';
import { closeWorkers, fillInitializer, initialize, MIN_PARALLEL_LENGTH, sharedUint16Array, TASK_SIZE, workerCount } from '../../src/node/parallel.ts';
import { fold, keyFromSeed } from '../../src/random/key.ts';

after(() => closeWorkers());

const key = fold(keyFromSeed(7), 'initialize');
// A 4-D kernel of 254 466 elements: not a multiple of the task size (last task partial); fans differ by layout.
const SHAPE = [3, 3, 67, 422] as const;
const SIZE = 3 * 3 * 67 * 422;

function sameBits(actual: Float32Array | Float64Array | Uint16Array, expected: Float32Array | Float64Array | Uint16Array, what: string): void {
  assert.equal(actual.constructor, expected.constructor, `${what}: type`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let j = 0; j < actual.length; j++) {
    if (!Object.is(actual[j], expected[j])) assert.fail(`${what}: element ${j}: ${actual[j]} ≠ ${expected[j]}`);
  }
}

test('initialize on 1, 2 or 3 threads gives the bits of the core call, for element-wise initializers', () => {
  assert.ok(SIZE >= MIN_PARALLEL_LENGTH && SIZE % TASK_SIZE !== 0);
  const inits = [
    heNormal(),
    glorotUniform(),
    truncatedNormal({ mean: 0.5, std: 2, low: -1, high: 3 }),
    varianceScaling({ scale: 2, mode: 'fan_avg', distribution: 'truncated_normal' }),
  ];
  for (const init of inits) {
    for (const layout of ['tf', 'torch'] as const) {
      for (const dtype of ['float32', 'float64', 'bfloat16', 'float16'] as const) {
        const expected = init(SHAPE, key, { layout, dtype });
        for (const threads of [1, 2, 3]) {
          const actual = initialize(init, SHAPE, key, { layout, dtype, threads });
          assert.ok(actual.buffer instanceof SharedArrayBuffer, 'shared output');
          sameBits(actual, expected, `${init.spec.name} ${layout} ${dtype} ${threads} threads`);
        }
      }
    }
  }
  assert.ok(workerCount() >= 1, 'workers were used');
});

test('fillInitializer into 16-bit bits at an offset: the same slice of the core call on 1, 2 and 3 threads', () => {
  // A chunk that starts inside the tensor and is not a multiple of the task size: the checkpoint writer's case.
  const offset = 12_345;
  const length = MIN_PARALLEL_LENGTH + 777;
  for (const init of [heNormal(), truncatedNormal({ std: 0.02, low: -0.04, high: 0.04 })]) {
    for (const dtype of ['bfloat16', 'float16'] as const) {
      const whole = init(SHAPE, key, { layout: 'torch', dtype });
      const expected = whole.slice(offset, offset + length);
      for (const threads of [1, 2, 3]) {
        const actual = fillInitializer(init, sharedUint16Array(length), SHAPE, key, { layout: 'torch', offset, dtype, threads });
        sameBits(actual, expected, `${init.spec.name} ${dtype} offset ${offset} on ${threads} threads`);
      }
    }
  }
  assert.throws(() => fillInitializer(heNormal(), sharedUint16Array(length), SHAPE, key, { threads: 2 }), /dtype must be 'bfloat16' or 'float16'/);
});

test('structured, custom and small initializations run on the calling thread with the same bits', () => {
  const orth = orthogonal({ gain: 1.5 });
  for (const dtype of ['float32', 'float64'] as const) {
    for (const layout of ['tf', 'torch'] as const) {
      const shape = [3, 3, 8, 16];
      sameBits(initialize(orth, shape, key, { layout, dtype, threads: 2 }), orth(shape, key, { layout, dtype }), `orthogonal ${layout} ${dtype}`);
    }
  }
  const big = [512, 300];
  sameBits(initialize(orth, big, key, { threads: 3 }), orth(big, key), 'orthogonal 512x300');
  const custom = createInitializer({ ...heNormalDefinition, name: 'my_he' });
  sameBits(initialize(custom, SHAPE, key, { threads: 2 }), heNormal()(SHAPE, key), 'custom definition');
  sameBits(initialize(heNormal(), [10, 20], 3, { threads: 2 }), heNormal()([10, 20], 3), 'small');
  sameBits(initialize(heNormal(), [20, 0], 3), heNormal()([20, 0], 3), 'empty');
});

test('invalid arguments are rejected as in the core call', () => {
  const init = heNormal();
  assert.throws(() => initialize(init, [600, 600], key, { threads: 0 }), RangeError);
  assert.throws(() => initialize(init, [600, -1], key, { threads: 2 }), /shape/);
  assert.throws(() => initialize(init, [600, 600], key, { layout: 'jax' as 'tf', threads: 2 }), /layout/);
  assert.throws(() => initialize(init, [600, 600], key, { dtype: 'int8' as 'float32', threads: 2 }), /dtype/);
  assert.throws(
    () => initialize(init, [0, 20], key, { threads: 2 }),
    (e: Error) => {
      assert.throws(() => init([0, 20], key), { message: e.message });
      return true;
    },
  );
});
