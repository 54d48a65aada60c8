import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InitError } from '../src/errors.ts';
import { computeFans } from '../src/fans.ts';
import { gain, NONLINEARITIES, varianceGain } from '../src/gain.ts';

test('fans of dense and conv kernels in the tf layout [...kernel, in, out]', () => {
  assert.deepEqual(computeFans([784, 256]), { fanIn: 784, fanOut: 256, receptiveField: 1 });
  assert.deepEqual(computeFans([5, 16, 32]), { fanIn: 80, fanOut: 160, receptiveField: 5 }); // Conv1D
  assert.deepEqual(computeFans([3, 3, 16, 32]), { fanIn: 144, fanOut: 288, receptiveField: 9 }); // Conv2D
  assert.deepEqual(computeFans([3, 3, 3, 8, 4]), { fanIn: 216, fanOut: 108, receptiveField: 27 }); // Conv3D
  assert.deepEqual(computeFans([10]), { fanIn: 10, fanOut: 10, receptiveField: 1 }); // 1-D as Keras
  assert.deepEqual(computeFans([]), { fanIn: 1, fanOut: 1, receptiveField: 1 }); // scalar as Keras
});

test('fans of dense and conv kernels in the torch layout [out, in, ...kernel], as PyTorch', () => {
  // PyTorch's own examples: (3, 5) → (5, 3); (8, 4, 3, 3) → (36, 72).
  assert.deepEqual(computeFans([3, 5], 'torch'), { fanIn: 5, fanOut: 3, receptiveField: 1 });
  assert.deepEqual(computeFans([8, 4, 3, 3], 'torch'), { fanIn: 36, fanOut: 72, receptiveField: 9 });
  assert.deepEqual(computeFans([32, 16, 5], 'torch'), { fanIn: 80, fanOut: 160, receptiveField: 5 });
  assert.deepEqual(computeFans([4, 8, 3, 3, 3], 'torch'), { fanIn: 216, fanOut: 108, receptiveField: 27 });
});

test('fans: the two layouts agree on the same kernel stored both ways', () => {
  assert.deepEqual(computeFans([3, 3, 16, 32], 'tf'), computeFans([32, 16, 3, 3], 'torch'));
});

test('fans reject rank < 2 in torch layout, bad dimensions and unknown layouts', () => {
  assert.throws(
    () => computeFans([10], 'torch'),
    (e: unknown) => e instanceof InitError && e.code === 'invalid_shape',
  );
  assert.throws(() => computeFans([3, -1]), /shape\[1\] must be a non-negative integer; got -1/);
  assert.throws(() => computeFans([3, 2.5]), /shape\[1\]/);
  assert.throws(() => computeFans([3, 3], 'nchw' as 'tf'), /layout must be one of 'tf', 'torch'; got 'nchw'/);
});

test('gain: the PyTorch calculate_gain table', () => {
  for (const name of ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid']) {
    assert.equal(gain(name), 1);
  }
  assert.equal(gain('tanh'), 5 / 3);
  assert.equal(gain('relu'), Math.sqrt(2));
  assert.equal(gain('selu'), 0.75);
  // Values printed by torch.nn.init.calculate_gain (shared/reference/initializer-semantics.md §1.3).
  assert.equal(gain('leaky_relu'), 1.4141428569978354);
  assert.equal(gain('leaky_relu', 0.2), 1.3867504905630728);
  assert.equal(gain('leaky_relu', Math.sqrt(5)), 0.5773502691896257);
});

test('gain rejects unknown names with a suggestion', () => {
  assert.throws(
    () => gain('rleu'),
    (e: unknown) => e instanceof InitError && e.code === 'unknown_name' && /did you mean 'relu'/.test(e.message),
  );
  assert.throws(() => gain('gelux'), /nonlinearity must be one of linear.*did you mean 'gelu'/);
  assert.throws(() => gain('leaky_relu', Number.NaN), /param/);
});

test('varianceGain: the squares of the gain table as exact fractions, not gain(…)²', () => {
  for (const name of ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid']) {
    assert.equal(varianceGain(name), 1);
  }
  assert.equal(varianceGain('relu'), 2);
  assert.equal(varianceGain('tanh'), 25 / 9);
  assert.equal(varianceGain('selu'), 9 / 16);
  assert.equal(varianceGain('leaky_relu'), 2 / (1 + 0.01 * 0.01));
  assert.equal(varianceGain('leaky_relu', 0.2), 2 / 1.04);
  assert.equal(varianceGain('leaky_relu', Math.sqrt(5)), 2 / (1 + 5.000000000000001)); // (√5)² rounds up
  // Why a table of its own: squaring the gain is off in the last bit for relu and tanh.
  assert.notEqual(gain('relu') ** 2, 2);
  assert.notEqual(gain('tanh') ** 2, 25 / 9);
  for (const name of NONLINEARITIES) {
    for (const slope of [undefined, 0, 0.2, 3]) {
      const relative = Math.abs(gain(name, slope) ** 2 / varianceGain(name, slope) - 1);
      assert.ok(relative < 4 * Number.EPSILON, `${name} ${slope}: gain² ${gain(name, slope) ** 2}, varianceGain ${varianceGain(name, slope)}`);
    }
  }
  assert.throws(
    () => varianceGain('gelus'),
    (e: unknown) => e instanceof InitError && e.code === 'unknown_name' && /varianceGain: nonlinearity/.test(e.message),
  );
  assert.throws(() => varianceGain('leaky_relu', Number.POSITIVE_INFINITY), /varianceGain: param/);
});
