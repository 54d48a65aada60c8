/**
 * One backward pass through a plain dense net at given weights, measuring the gradient that reaches every kernel
 * and every hidden layer's output (the `gradients` experiment, and the explorer page's gradient view). No Node
 * import; the TF.js backend must be ready.
 */
import * as tf from '@tensorflow/tfjs';
import { norm2 } from '../analysis/statistics.ts';
import { activate, crossEntropy, oneHot, type Activation } from './mlp.ts';

/**
 * One backward pass through a plain net with the given kernels: the loss, every kernel's gradient norm and every
 * hidden output's gradient norm (float64 norms of the downloaded float32 gradients). Leaves no tensors behind.
 *
 * `sizes` = [input, hidden…, classes]; `kernels[l]` is [sizes[l], sizes[l + 1]] row-major, no biases; the loss is
 * the mean softmax cross-entropy against `labels`. The hidden outputs' gradients come from zero "probe" tensors
 * added to each hidden output.
 *
 * @example
 * const { loss, weight, activation } = backwardNorms(kernels, [100, 100, 100, 10], 'tanh', inputs, labels);
 */
export function backwardNorms(
  kernels: readonly Float32Array[],
  sizes: readonly number[],
  activation: Activation,
  inputs: Float32Array,
  labels: Uint8Array,
): { loss: number; weight: number[]; activation: number[] } {
  const batch = labels.length;
  const hiddenCount = sizes.length - 2;
  const classes = sizes[sizes.length - 1]!;
  const tensors = tf.tidy(() => {
    const x = tf.tensor2d(inputs, [batch, sizes[0]!]);
    const y = tf.tensor2d(oneHot(labels, classes), [batch, classes]);
    const ks = kernels.map((k, l) => tf.tensor2d(k, [sizes[l]!, sizes[l + 1]!]));
    const probes = Array.from({ length: hiddenCount }, (_, l) => tf.zeros([batch, sizes[l + 1]!]) as tf.Tensor2D);
    const f = (...args: tf.Tensor[]): tf.Scalar => {
      let h: tf.Tensor2D = x;
      for (let l = 0; l < hiddenCount; l++) {
        h = tf.add(activate(tf.matMul(h, args[l] as tf.Tensor2D), activation), args[hiddenCount + 1 + l] as tf.Tensor2D);
      }
      return crossEntropy(tf.matMul(h, args[hiddenCount] as tf.Tensor2D), y);
    };
    const { value, grads } = tf.valueAndGrads(f)([...ks, ...probes]);
    return [value, ...grads];
  });
  try {
    const [value, ...grads] = tensors;
    const norms = grads.map((g) => norm2(g.dataSync() as Float32Array));
    return { loss: value!.dataSync()[0]!, weight: norms.slice(0, hiddenCount + 1), activation: norms.slice(hiddenCount + 1) };
  } finally {
    for (const t of tensors) t.dispose();
  }
}
