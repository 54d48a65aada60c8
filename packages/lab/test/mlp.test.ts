import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { batchStream, loadMnist } from '../src/data/mnist.ts';
import { setupBackend } from '../src/engine/backend.ts';
import { gaussian } from './support.ts';
import {
  accuracy,
  activate,
  createMlp,
  crossEntropy,
  disposeMlp,
  forwardAll,
  gradientNorms,
  hiddenActivations,
  oneHot,
  readKernels,
  train,
  type Activation,
  type KernelShape,
  type LabelledBatch,
} from '../src/engine/mlp.ts';

before(async () => {
  await setupBackend();
});

/** He-style weights: N(0, 2/fanIn). */
function heWeights(seed: number): (layer: number, shape: KernelShape) => Float32Array {
  const next = gaussian(seed);
  return (_layer, [fanIn, fanOut]) => Float32Array.from({ length: fanIn * fanOut }, () => next() * Math.sqrt(2 / fanIn));
}

/**
 * A learnable synthetic task: 20-dimensional Gaussian inputs, 4 classes given by the argmax of a fixed random
 * linear map.
 */
function syntheticBatch(seed: number, size: number): LabelledBatch {
  const next = gaussian(seed);
  const project = gaussian(999);
  const map = Float32Array.from({ length: 20 * 4 }, () => project());
  const images = Float32Array.from({ length: size * 20 }, () => next());
  const labels = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < 4; c++) {
      let score = 0;
      for (let p = 0; p < 20; p++) score += images[i * 20 + p]! * map[p * 4 + c]!;
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    labels[i] = best;
  }
  return { images, labels, size };
}

test('forwardAll: one activation per hidden layer with the right shapes, logits last', () => {
  const mlp = createMlp({ sizes: [20, 16, 8, 4], activation: ['tanh', 'relu'] }, heWeights(1));
  const shapes = tf.tidy(() => {
    const { hidden, logits } = forwardAll(mlp, tf.zeros([5, 20]));
    return { hidden: hidden.map((h) => h.shape), logits: logits?.shape };
  });
  assert.deepEqual(shapes, {
    hidden: [
      [5, 16],
      [5, 8],
    ],
    logits: [5, 4],
  });
  const values = hiddenActivations(mlp, syntheticBatch(2, 7).images, 7);
  assert.deepEqual(
    values.map((v) => v.length),
    [7 * 16, 7 * 8],
  );
  assert.ok(
    values[0]!.every((v) => v > -1 && v < 1),
    'tanh layer in (-1, 1)',
  );
  assert.ok(
    values[1]!.every((v) => v >= 0),
    'relu layer ≥ 0',
  );
  disposeMlp(mlp);
});

test("output 'none': every layer is hidden and activated", () => {
  const mlp = createMlp({ sizes: [10, 6, 6, 6], activation: 'sigmoid', bias: false, output: 'none' }, heWeights(3));
  assert.equal(mlp.biases, null);
  const values = hiddenActivations(mlp, new Float32Array(3 * 10).fill(0.5), 3);
  assert.deepEqual(
    values.map((v) => v.length),
    [18, 18, 18],
  );
  assert.ok(values[2]!.every((v) => v > 0 && v < 1));
  disposeMlp(mlp);
});

test('kernels use the TF.js [fanIn, fanOut] layout: a hand-computed forward pass', () => {
  // x = [1, 2]; W0 = [[1, -1, 0], [0, 1, 2]] (2×3), b0 = [0, 0, -5]; relu → h = [1, 1, 0]
  // W1 = [[1, 0], [0, 2], [3, 0]] (3×2), b1 = [0.5, 0] → logits [1.5, 2]
  const mlp = createMlp(
    { sizes: [2, 3, 2], activation: 'relu' },
    [Float32Array.of(1, -1, 0, 0, 1, 2), Float32Array.of(1, 0, 0, 2, 3, 0)],
    [Float32Array.of(0, 0, -5), Float32Array.of(0.5, 0)],
  );
  const out = tf.tidy(() => {
    const { hidden, logits } = forwardAll(mlp, tf.tensor2d([1, 2], [1, 2]));
    return { h: Array.from(hidden[0]!.dataSync()), logits: Array.from(logits!.dataSync()) };
  });
  assert.deepEqual(out, { h: [1, 1, 0], logits: [1.5, 2] });
  assert.equal(accuracy(mlp, { images: Float32Array.of(1, 2, 1, 2), labels: Uint8Array.of(1, 0), count: 2 }), 0.5);
  disposeMlp(mlp);
});

/** erf by its Maclaurin series (enough terms for |x| ≤ 3 to 1e-12), independent of TF.js's approximation. */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

test('activations match their definitions', () => {
  const x = [-2, -0.5, 0, 0.5, 2];
  const selu = (v: number): number => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (Math.exp(v) - 1));
  const expected: Record<Activation, (v: number) => number> = {
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    tanh: Math.tanh,
    relu: (v) => Math.max(0, v),
    leaky_relu: (v) => (v > 0 ? v : 0.01 * v),
    selu,
    gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
    silu: (v) => v / (1 + Math.exp(-v)),
    linear: (v) => v,
  };
  for (const [name, f] of Object.entries(expected) as [Activation, (v: number) => number][]) {
    const got = tf.tidy(() => Array.from(activate(tf.tensor2d(x, [1, 5]), name).dataSync()));
    got.forEach((v, i) => assert.ok(Math.abs(v - f(x[i]!)) < 1e-5, `${name}(${x[i]}) = ${v}, expected ${f(x[i]!)}`));
  }
});

test('createMlp rejects wrong sizes, activation counts and weight lengths without leaking', () => {
  const before = tf.memory().numTensors;
  assert.throws(() => createMlp({ sizes: [4], activation: 'relu' }, []), RangeError);
  assert.throws(() => createMlp({ sizes: [4, 3, 2], activation: ['relu', 'relu'] }, heWeights(1)), /expected 1 activations/);
  assert.throws(() => createMlp({ sizes: [4, 3, 2], activation: 'relu' }, [new Float32Array(12), new Float32Array(5)]), /kernel 1/);
  assert.equal(tf.memory().numTensors, before);
});

/** The same network with TF.js's stock ops (matMul, add, activation) and stock gradients. */
function referenceLoss(weights: tf.Variable[], biases: tf.Variable[], activations: Activation[], batch: LabelledBatch, classes: number): tf.Scalar {
  let h: tf.Tensor2D = tf.tensor2d(batch.images, [batch.size, weights[0]!.shape[0]!]);
  for (let l = 0; l < weights.length; l++) {
    const z = tf.add(tf.matMul(h, weights[l] as tf.Tensor2D), biases[l]!) as tf.Tensor2D;
    h = l < activations.length ? activate(z, activations[l]!) : z;
  }
  return crossEntropy(h, tf.tensor2d(oneHot(batch.labels, classes), [batch.size, classes]));
}

test('hand-written dense gradients equal TF.js stock gradients (norms and one SGD step)', () => {
  const sizes = [20, 12, 12, 12, 4];
  const activations: Activation[] = ['relu', 'tanh', 'leaky_relu'];
  const init = heWeights(5);
  const kernels = sizes.slice(1).map((out, l) => init(l, [sizes[l]!, out]));
  const next = gaussian(6);
  const biases = sizes.slice(1).map((out) => Float32Array.from({ length: out }, () => 0.1 * next()));
  const batch = syntheticBatch(7, 32);
  const mlp = createMlp({ sizes, activation: activations }, kernels, biases);
  const norms = gradientNorms(mlp, batch);

  const w = kernels.map((k, l) => tf.variable(tf.tensor2d(k, [sizes[l]!, sizes[l + 1]!])));
  const b = biases.map((v) => tf.variable(tf.tensor1d(v)));
  const reference = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => referenceLoss(w, b, activations, batch, 4), [...w, ...b]);
    return {
      loss: value.dataSync()[0]!,
      kernels: w.map((v) => tf.norm(grads[v.name]!).dataSync()[0]!),
      biases: b.map((v) => tf.norm(grads[v.name]!).dataSync()[0]!),
      stepped: w.map((v) => tf.sub(v, tf.mul(grads[v.name]!, 0.5)).dataSync() as Float32Array),
    };
  });
  const close = (a: number, e: number, what: string): void => assert.ok(Math.abs(a - e) <= 1e-4 * Math.max(1, Math.abs(e)), `${what}: ${a} vs ${e}`);
  close(norms.loss, reference.loss, 'loss');
  norms.kernels.forEach((n, l) => close(n, reference.kernels[l]!, `kernel ${l} gradient norm`));
  norms.biases!.forEach((n, l) => close(n, reference.biases[l]!, `bias ${l} gradient norm`));

  train(mlp, { learningRate: 0.5, iterations: 1, nextBatch: () => batch });
  readKernels(mlp).forEach((k, l) => k.forEach((v, i) => close(v, reference.stepped[l]![i]!, `kernel ${l}[${i}] after one step`)));
  for (const v of [...w, ...b]) v.dispose();
  disposeMlp(mlp);
});

test('gradientNorms without biases reports kernels only', () => {
  const mlp = createMlp({ sizes: [20, 8, 4], activation: 'sigmoid', bias: false }, heWeights(8));
  const norms = gradientNorms(mlp, syntheticBatch(9, 16));
  assert.equal(norms.kernels.length, 2);
  assert.equal(norms.biases, null);
  assert.ok(norms.kernels.every((n) => Number.isFinite(n) && n > 0));
  disposeMlp(mlp);
});

test('50 SGD steps decrease the loss, call onProgress every step and leak no tensors', () => {
  const mlp = createMlp({ sizes: [20, 32, 32, 4], activation: 'relu' }, heWeights(10));
  const before = tf.memory().numTensors;
  const progress: number[] = [];
  const result = train(mlp, {
    learningRate: 0.1,
    iterations: 50,
    nextBatch: (it) => syntheticBatch(100 + it, 64),
    onProgress: (it) => progress.push(it),
  });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(
    progress,
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.equal(result.loss.length, 50);
  const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
  const first = mean(result.loss.subarray(0, 10));
  const last = mean(result.loss.subarray(40));
  assert.ok(last < 0.7 * first, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
  const heldOut = syntheticBatch(5000, 500);
  assert.ok(accuracy(mlp, { images: heldOut.images, labels: heldOut.labels, count: 500 }) > 0.6);
  disposeMlp(mlp);
});

test('constant weights keep every hidden unit identical through training (symmetry)', () => {
  const mlp = createMlp({ sizes: [20, 6, 4], activation: 'sigmoid' }, (_l, [i, o]) => new Float32Array(i * o).fill(0.5));
  train(mlp, { learningRate: 0.5, iterations: 5, nextBatch: (it) => syntheticBatch(it, 32) });
  const [w0] = readKernels(mlp);
  for (let i = 0; i < 20; i++) for (let j = 1; j < 6; j++) assert.ok(Math.abs(w0![i * 6 + j]! - w0![i * 6]!) < 1e-6);
  disposeMlp(mlp);
});

test('MNIST: 50 SGD steps from small random weights lower the loss and beat chance on the test digits', () => {
  const { train: digits, test: testDigits } = loadMnist();
  const next = gaussian(12);
  const mlp = createMlp({ sizes: [784, 32, 10], activation: 'relu' }, (_l, [i, o]) => Float32Array.from({ length: i * o }, () => 0.05 * next()));
  const result = train(mlp, { learningRate: 0.3, iterations: 50, nextBatch: batchStream(digits, 1, 64) });
  const first = result.loss.subarray(0, 5).reduce((s, v) => s + v, 0) / 5;
  const last = result.loss.subarray(45).reduce((s, v) => s + v, 0) / 5;
  assert.ok(first > 2 && first < 2.6, `initial loss ${first} ≈ ln 10`);
  assert.ok(last < first - 1, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
  const testAccuracy = accuracy(mlp, testDigits);
  assert.ok(testAccuracy > 0.6, `test accuracy ${testAccuracy}`);
  disposeMlp(mlp);
});
