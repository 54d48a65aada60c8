/**
 * A dense multilayer perceptron on TensorFlow.js, with its weights handed in from outside (initlab's
 * initializers, or anything else), plus the few things the lab does with it: forward passes that expose every
 * hidden layer, softmax cross-entropy, plain SGD, test accuracy and per-layer gradient norms.
 *
 * Layout: layer l maps sizes[l] inputs to sizes[l + 1] outputs with a kernel of shape [fanIn, fanOut] (the TF.js /
 * Keras dense layout, row-major: entry i·fanOut + j connects input i to unit j, so unit j is column j) and an
 * optional bias of sizes[l + 1]. Call `setupBackend` (engine/backend.ts) first.
 *
 * Gradients flow to the weights only: the first layer treats its input as data, so TF.js refuses (with an error)
 * a gradient with respect to the network input.
 */
import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS } from './activation-names.ts';

import type { Activation } from './activation-names.ts';

export { ACTIVATIONS, type Activation } from './activation-names.ts';

/** Shape of a dense kernel: [fanIn, fanOut]. */
export type KernelShape = readonly [fanIn: number, fanOut: number];

/**
 * Where kernels come from: one Float32Array per layer (length fanIn·fanOut, [fanIn, fanOut] row-major), or a
 * callback asked once per layer, in order.
 */
export type WeightSource = readonly Float32Array[] | ((layer: number, shape: KernelShape) => Float32Array);

/** Where biases come from (length fanOut per layer); zeros when omitted. */
export type BiasSource = readonly Float32Array[] | ((layer: number, size: number) => Float32Array);

/** What network to build. */
export interface MlpSpec {
  /** Layer widths, input first: [784, 100, 100, 10] is two hidden layers of 100 and 10 outputs. */
  readonly sizes: readonly number[];
  /** Activation of every hidden layer, or one per hidden layer. */
  readonly activation: Activation | readonly Activation[];
  /** Whether dense layers have a bias (default true). */
  readonly bias?: boolean;
  /** Negative slope of `leaky_relu` (default 0.01, as PyTorch). */
  readonly leakyAlpha?: number;
  /**
   * `'softmax'` (default): the last layer gives logits for a softmax cross-entropy. `'none'`: no output layer,
   * every layer is hidden and uses its activation (the activation-statistics experiments).
   */
  readonly output?: 'softmax' | 'none';
}

/** A built network. Owns TF.js variables: release them with {@link disposeMlp}. */
export interface Mlp {
  readonly sizes: readonly number[];
  /** Activation of each hidden layer (one per layer when `output` is `'none'`). */
  readonly activations: readonly Activation[];
  readonly output: 'softmax' | 'none';
  readonly leakyAlpha: number;
  /** Kernel of each layer, [fanIn, fanOut]. */
  readonly kernels: readonly tf.Variable<tf.Rank.R2>[];
  /** Bias of each layer, or null when the network has no biases. */
  readonly biases: readonly tf.Variable<tf.Rank.R1>[] | null;
}

/** A labelled batch of inputs: `inputs[i * sizes[0] + p]`, `labels[i]` a class index. */
export interface LabelledBatch {
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly size: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** SGD step size. */
  readonly learningRate: number;
  /** Number of SGD steps. */
  readonly iterations: number;
  /** Batch `iteration` (0-based); its `size` may be anything ≥ 1. */
  readonly nextBatch: (iteration: number) => LabelledBatch;
  /** Called after every step with its 0-based index and loss (before the update). */
  readonly onProgress?: (iteration: number, loss: number) => void;
}

/** What {@link train} measured. */
export interface TrainResult {
  /** Mean cross-entropy of each iteration's batch, before that iteration's update (NaN/Infinity kept as is). */
  readonly loss: Float32Array;
  /** Wall-clock seconds of the loop. */
  readonly seconds: number;
}

/** Per-layer gradient norms of one backward pass. */
export interface GradientNorms {
  /** The batch's mean cross-entropy. */
  readonly loss: number;
  /** Frobenius norm of dLoss/dKernel, per layer. */
  readonly kernels: number[];
  /** L2 norm of dLoss/dBias per layer, or null without biases. */
  readonly biases: number[] | null;
}

/**
 * Builds an MLP with the given kernels (and biases, zeros by default) as TF.js variables.
 *
 * @throws RangeError on fewer than two sizes, a non-positive width, a wrong number of activations, or a weight
 *   array of the wrong length.
 */
export function createMlp(spec: MlpSpec, weights: WeightSource, biases?: BiasSource): Mlp {
  const sizes = [...spec.sizes];
  if (sizes.length < 2) throw new RangeError('an MLP needs at least an input and an output size');
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`layer sizes must be positive integers, got ${size}`);
  }
  const output = spec.output ?? 'softmax';
  const layerCount = sizes.length - 1;
  const hiddenCount = output === 'softmax' ? layerCount - 1 : layerCount;
  const activations: Activation[] = typeof spec.activation === 'string' ? new Array<Activation>(hiddenCount).fill(spec.activation) : [...spec.activation];
  if (activations.length !== hiddenCount) {
    throw new RangeError(`expected ${hiddenCount} activations (one per hidden layer), got ${activations.length}`);
  }
  for (const a of activations) if (!ACTIVATIONS.includes(a)) throw new RangeError(`unknown activation ${String(a)}`);
  const kernels: tf.Variable<tf.Rank.R2>[] = [];
  const biasVars: tf.Variable<tf.Rank.R1>[] = [];
  const withBias = spec.bias ?? true;
  try {
    for (let l = 0; l < layerCount; l++) {
      const shape: KernelShape = [sizes[l]!, sizes[l + 1]!];
      const values = typeof weights === 'function' ? weights(l, shape) : weights[l];
      checkLength(values, shape[0] * shape[1], `kernel ${l}`);
      kernels.push(toVariable(tf.tensor2d(values, [shape[0], shape[1]], 'float32')));
      if (withBias) {
        const b = biases === undefined ? new Float32Array(shape[1]) : typeof biases === 'function' ? biases(l, shape[1]) : biases[l];
        checkLength(b, shape[1], `bias ${l}`);
        biasVars.push(toVariable(tf.tensor1d(b, 'float32')));
      }
    }
  } catch (error) {
    for (const v of [...kernels, ...biasVars]) v.dispose();
    throw error;
  }
  return { sizes, activations, output, leakyAlpha: spec.leakyAlpha ?? 0.01, kernels, biases: withBias ? biasVars : null };
}

/** A trainable variable holding `initial`'s values; `initial` itself is released. */
function toVariable<R extends tf.Rank>(initial: tf.Tensor<R>): tf.Variable<R> {
  const v = tf.variable(initial, true);
  initial.dispose();
  return v;
}

/** Throws unless `values` is a Float32Array of `length` elements. */
function checkLength(values: Float32Array | undefined, length: number, what: string): asserts values is Float32Array {
  if (!(values instanceof Float32Array) || values.length !== length) {
    throw new RangeError(`${what}: expected a Float32Array of ${length} values, got ${values?.length ?? 'nothing'}`);
  }
}

/** Releases the network's variables. */
export function disposeMlp(mlp: Mlp): void {
  for (const v of mlp.kernels) v.dispose();
  for (const v of mlp.biases ?? []) v.dispose();
}

/** Applies a hidden activation (elementwise). */
export function activate(x: tf.Tensor2D, activation: Activation, leakyAlpha = 0.01): tf.Tensor2D {
  switch (activation) {
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'relu':
      return tf.relu(x);
    case 'leaky_relu':
      return tf.leakyRelu(x, leakyAlpha);
    case 'selu':
      return tf.selu(x);
    case 'gelu':
      return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
    case 'silu':
      return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
    case 'linear':
      return x;
  }
}

/**
 * Layer l of the network on x: x·W (+ b), then the activation (none for the output layer).
 *
 * The matrix product has a hand-written gradient with explicit transposes: TF.js's own matMul gradient asks the
 * wasm backend for transposed products (`transposeA`/`transposeB`), which take a slow generic path there
 * (16 ms instead of 1.6 ms for the 784×100 kernel at batch 128). ReLU is fused into the same op (its gradient is a
 * mask on the output). For layer 0 the input is data, so no input gradient is computed.
 */
function layer(mlp: Mlp, l: number, x: tf.Tensor2D, xT?: tf.Tensor2D): tf.Tensor2D {
  const activation = l < mlp.activations.length ? mlp.activations[l]! : 'linear';
  const bias = mlp.biases ? mlp.biases[l]! : null;
  const kernel = mlp.kernels[l]!;
  const fused = activation === 'relu' ? 'relu' : 'linear';
  const z = dense(x, kernel, bias, fused, l > 0, xT);
  return fused === 'relu' ? z : activate(z, activation, mlp.leakyAlpha);
}

/**
 * y = act(x·W + b) with act ∈ {linear, relu}, differentiable through tf.customGrad. When `inputGradient` is false,
 * x is treated as a constant (closed over, not an input of the op), and its transpose may be given as `xT`
 * (transposing a 128×784 batch in JS and uploading it is faster than the wasm Transpose kernel).
 */
function dense(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  activation: 'linear' | 'relu',
  inputGradient: boolean,
  xT?: tf.Tensor2D,
): tf.Tensor2D {
  const forward = (input: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null): tf.Tensor2D =>
    tf.fused.matMul({ a: input, b: w, bias: b ?? undefined, activation }) as tf.Tensor2D;
  /** dL/dz from dL/dy: the ReLU mask is y > 0. */
  const preActivation = (dy: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D => (activation === 'relu' ? tf.mul(dy, tf.step(y)) : dy);
  const weightGrads = (input: tf.Tensor2D, dz: tf.Tensor2D, b: tf.Tensor1D | null, inputT?: tf.Tensor2D): tf.Tensor[] => {
    const dw = tf.matMul(inputT ?? tf.transpose(input), dz);
    return b ? [dw, tf.sum(dz, 0)] : [dw];
  };
  if (inputGradient) {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      // customGrad passes the tensors given to `op`, then a save function.
      const [input, w, b] = args.slice(0, -1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D | undefined];
      const save = args[args.length - 1] as tf.GradSaveFunc;
      const y = forward(input, w, b ?? null);
      save([input, w, y]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sw, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
          const dz = preActivation(dy as tf.Tensor2D, sy);
          return [tf.matMul(dz, tf.transpose(sw)), ...weightGrads(sx, dz, b ?? null)];
        },
      };
    });
    return (bias ? op(x, kernel, bias) : op(x, kernel)) as tf.Tensor2D;
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, b] = args.slice(0, -1) as [tf.Tensor2D, tf.Tensor1D | undefined];
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const y = forward(x, w, b ?? null);
    save([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => weightGrads(x, preActivation(dy as tf.Tensor2D, saved[0] as tf.Tensor2D), b ?? null, xT),
    };
  });
  return (bias ? op(kernel, bias) : op(kernel)) as tf.Tensor2D;
}

/**
 * Forward pass keeping every layer: `hidden[l]` is the activation of hidden layer l ([batch, sizes[l + 1]]) and
 * `logits` the output layer's pre-softmax values (null when `output` is `'none'`). Returns new tensors: call it
 * inside `tf.tidy` or dispose them.
 */
export function forwardAll(mlp: Mlp, x: tf.Tensor2D): { hidden: tf.Tensor2D[]; logits: tf.Tensor2D | null } {
  const hidden: tf.Tensor2D[] = [];
  let h = x;
  for (let l = 0; l < mlp.activations.length; l++) {
    h = layer(mlp, l, h);
    hidden.push(h);
  }
  const logits = mlp.output === 'softmax' ? layer(mlp, mlp.kernels.length - 1, h) : null;
  return { hidden, logits };
}

/**
 * Output logits [batch, classes] of a softmax network. `xT`, the transpose of x, is optional: when given, the
 * first kernel's gradient uses it instead of transposing x. Returns a new tensor (use inside `tf.tidy`).
 */
export function logitsOf(mlp: Mlp, x: tf.Tensor2D, xT?: tf.Tensor2D): tf.Tensor2D {
  if (mlp.output !== 'softmax') throw new Error('this network has no output layer (output: "none")');
  let h = x;
  for (let l = 0; l < mlp.kernels.length; l++) h = layer(mlp, l, h, l === 0 ? xT : undefined);
  return h;
}

/**
 * The activations of every hidden layer for `count` inputs given as a row-major Float32Array
 * ([count, sizes[0]]), copied out of TF.js: result[l] has count·sizes[l + 1] values. Leaves no tensors behind.
 */
export function hiddenActivations(mlp: Mlp, inputs: Float32Array, count: number): Float32Array[] {
  const tensors = tf.tidy(() => forwardAll(mlp, tf.tensor2d(inputs, [count, mlp.sizes[0]!])).hidden);
  try {
    return tensors.map((t) => t.dataSync() as Float32Array);
  } finally {
    for (const t of tensors) t.dispose();
  }
}

/** One-hot rows for class labels: [labels.length, classes]. */
export function oneHot(labels: Uint8Array, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]!] = 1;
  return out;
}

/**
 * Mean softmax cross-entropy of `logits` against one-hot `targets` (both [batch, classes]), computed stably
 * through log-sum-exp (TF.js `losses.softmaxCrossEntropy`).
 */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(targets, logits, undefined, 0, tf.Reduction.MEAN) as tf.Scalar;
}

/** Uploads a labelled batch as an input tensor and a one-hot target tensor. */
function batchTensors(mlp: Mlp, batch: LabelledBatch): { x: tf.Tensor2D; xT: tf.Tensor2D; y: tf.Tensor2D } {
  const classes = mlp.sizes[mlp.sizes.length - 1]!;
  const inputSize = mlp.sizes[0]!;
  return {
    x: tf.tensor2d(batch.images, [batch.size, inputSize]),
    xT: tf.tensor2d(transposed(batch.images, batch.size, inputSize), [inputSize, batch.size]),
    y: tf.tensor2d(oneHot(batch.labels, classes), [batch.size, classes]),
  };
}

/** The transpose of a row-major [rows, cols] array. */
function transposed(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/** Every trainable variable of the network, kernels first. */
function variablesOf(mlp: Mlp): tf.Variable[] {
  return [...mlp.kernels, ...(mlp.biases ?? [])];
}

/**
 * Plain mini-batch SGD on the mean softmax cross-entropy: w ← w − lr·∇w, for `iterations` steps, recording each
 * step's loss. Synchronous; the number of live tensors is the same before and after.
 */
export function train(mlp: Mlp, options: TrainOptions): TrainResult {
  const { learningRate, iterations, nextBatch, onProgress } = options;
  if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`iterations must be an integer ≥ 0, got ${iterations}`);
  if (!(learningRate > 0)) throw new RangeError(`learningRate must be positive, got ${learningRate}`);
  const variables = variablesOf(mlp);
  const lr = tf.scalar(learningRate);
  const loss = new Float32Array(iterations);
  const start = performance.now();
  try {
    for (let it = 0; it < iterations; it++) {
      const batch = nextBatch(it);
      const value = tf.tidy(() => {
        const { x, xT, y } = batchTensors(mlp, batch);
        const { value, grads } = tf.variableGrads(() => crossEntropy(logitsOf(mlp, x, xT), y), variables);
        for (const v of variables) v.assign(tf.sub(v, tf.mul(grads[v.name]!, lr)));
        return value;
      });
      loss[it] = value.dataSync()[0]!;
      value.dispose();
      onProgress?.(it, loss[it]!);
    }
  } finally {
    lr.dispose();
  }
  return { loss, seconds: (performance.now() - start) / 1000 };
}

/** Index of the largest value in each row of a row-major [rows, cols] array. */
function argmaxRows(values: Float32Array | Int32Array | Uint8Array, rows: number, cols: number): Uint32Array {
  const out = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (values[r * cols + c]! > values[r * cols + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** Class predictions for `count` inputs, evaluated in chunks of `chunk` rows. */
export function predict(mlp: Mlp, images: Float32Array, count: number, chunk = 1000): Uint32Array {
  const inputSize = mlp.sizes[0]!;
  const classes = mlp.sizes[mlp.sizes.length - 1]!;
  const out = new Uint32Array(count);
  for (let start = 0; start < count; start += chunk) {
    const rows = Math.min(chunk, count - start);
    const logits = tf.tidy(() => logitsOf(mlp, tf.tensor2d(images.subarray(start * inputSize, (start + rows) * inputSize), [rows, inputSize])));
    const values = logits.dataSync() as Float32Array;
    logits.dispose();
    out.set(argmaxRows(values, rows, classes), start);
  }
  return out;
}

/**
 * Fraction of `set` classified correctly (argmax of the logits; a row of NaN logits predicts class 0).
 */
export function accuracy(mlp: Mlp, set: { readonly images: Float32Array; readonly labels: Uint8Array; readonly count: number }): number {
  if (set.count === 0) return Number.NaN;
  const predicted = predict(mlp, set.images, set.count);
  let correct = 0;
  for (let i = 0; i < set.count; i++) if (predicted[i] === set.labels[i]) correct++;
  return correct / set.count;
}

/**
 * One backward pass of the mean cross-entropy on `batch` at the current weights (no update): the norm of the
 * gradient of every kernel and bias.
 */
export function gradientNorms(mlp: Mlp, batch: LabelledBatch): GradientNorms {
  const kernelCount = mlp.kernels.length;
  const variables = variablesOf(mlp);
  const result = tf.tidy(() => {
    const { x, xT, y } = batchTensors(mlp, batch);
    const { value, grads } = tf.variableGrads(() => crossEntropy(logitsOf(mlp, x, xT), y), variables);
    const norms = tf.stack(variables.map((v) => tf.norm(grads[v.name]!)));
    return tf.concat([value.reshape([1]), norms]);
  });
  const values = Array.from(result.dataSync());
  result.dispose();
  return {
    loss: values[0]!,
    kernels: values.slice(1, 1 + kernelCount),
    biases: mlp.biases ? values.slice(1 + kernelCount) : null,
  };
}

/** Copies of the current kernels, [fanIn, fanOut] row-major each. */
export function readKernels(mlp: Mlp): Float32Array[] {
  return mlp.kernels.map((k) => k.dataSync() as Float32Array).map((a) => a.slice());
}

/** What {@link lsuvMlp} did to one layer. */
export interface MlpLsuvRecord {
  /** 0-based layer index (the last one is the output layer). */
  readonly layer: number;
  readonly iterations: number;
  readonly varianceBefore: number;
  readonly varianceAfter: number;
}

/**
 * LSUV (Mishkin & Matas 2016, Algorithm 1) on the lab's MLP, in place: layer by layer, divide the kernel by the
 * standard deviation of the layer's pre-activation x·W + b on `inputs` ([count, sizes[0]] row-major) until its
 * variance is within `tol` of 1, at most `maxIterations` times; biases untouched. The kernels should hold an
 * orthonormal pre-initialization (`orthogonal`) when this is called. Deterministic for given weights and inputs.
 */
export function lsuvMlp(mlp: Mlp, inputs: Float32Array, count: number, options: { readonly tol: number; readonly maxIterations: number }): MlpLsuvRecord[] {
  const records: MlpLsuvRecord[] = [];
  let h = tf.tensor2d(inputs, [count, mlp.sizes[0]!]);
  try {
    for (let l = 0; l < mlp.kernels.length; l++) {
      const kernel = mlp.kernels[l]!;
      const bias = mlp.biases ? mlp.biases[l]! : null;
      const input = h;
      const preActivation = (): tf.Tensor2D => tf.tidy(() => (bias ? tf.add(tf.matMul(input, kernel), bias) : tf.matMul(input, kernel)) as tf.Tensor2D);
      const varianceOf = (z: tf.Tensor2D): number => tf.tidy(() => tf.moments(z).variance.dataSync()[0]!);
      let z = preActivation();
      let variance = varianceOf(z);
      const before = variance;
      let iterations = 0;
      while (Math.abs(variance - 1) >= options.tol && iterations < options.maxIterations && variance > 0 && Number.isFinite(variance)) {
        const scale = 1 / Math.sqrt(variance);
        tf.tidy(() => kernel.assign(tf.mul(kernel, scale)));
        z.dispose();
        z = preActivation();
        variance = varianceOf(z);
        iterations++;
      }
      records.push({ layer: l, iterations, varianceBefore: before, varianceAfter: variance });
      const activation = l < mlp.activations.length ? mlp.activations[l]! : 'linear';
      h = tf.tidy(() => activate(z, activation, mlp.leakyAlpha));
      if (h !== z) z.dispose();
      input.dispose();
    }
  } finally {
    h.dispose();
  }
  return records;
}
