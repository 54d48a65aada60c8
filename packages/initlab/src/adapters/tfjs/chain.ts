/**
 * What LSUV and the diagnostics share: a TF.js model walked as a chain of layers (each applied to the previous
 * one's output), a layer's kernel, its pre-activation output, and the checks of a model and a batch.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { LayersModel, type layers } from '@tensorflow/tfjs-layers';
import { fail } from '../../errors.ts';

/** Checks that `model` is a TF.js LayersModel; a Promise (an `await` forgotten on `loadLayersModel`) is named as such. */
export function checkLayersModel(model: unknown, where: string): asserts model is LayersModel {
  if (model instanceof LayersModel) return;
  const thenable = model !== null && (typeof model === 'object' || typeof model === 'function') && typeof (model as { then?: unknown }).then === 'function';
  if (thenable) fail('invalid_argument', where, 'model', 'a TF.js LayersModel (did you forget await?)', model);
  fail('invalid_argument', where, 'model', 'a TF.js LayersModel (tf.sequential, tf.model or a loaded model)', model);
}

/** The layers of a model in order, without input layers; nested models are not expanded (they count as one layer). */
export function chainLayers(model: LayersModel): layers.Layer[] {
  return model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
}

/** Checks a batch: a float tensor with at least one example and the model's input size. */
export function checkBatch(model: LayersModel, batch: unknown, where: string): asserts batch is Tensor {
  const isTensor =
    batch !== null && typeof batch === 'object' && typeof (batch as { dataSync?: unknown }).dataSync === 'function' && Array.isArray((batch as Tensor).shape);
  if (!isTensor) fail('invalid_argument', where, 'batch', 'a TF.js tensor [examples, ...inputShape]', batch);
  const tensor = batch as Tensor;
  if (tensor.isDisposed) fail('invalid_argument', where, 'batch', 'a tensor that is not disposed', 'a disposed tensor');
  if (tensor.shape.length === 0 || tensor.shape[0] === 0) fail('invalid_argument', where, 'batch', 'a non-empty batch (at least one example)', tensor.shape);
  const expected = model.inputs[0]?.shape.slice(1) ?? [];
  const actual = tensor.shape.slice(1);
  const matches = expected.length === actual.length && expected.every((d, i) => d === null || d === actual[i]);
  if (!matches) fail('invalid_argument', where, 'batch', `a batch of shape [examples, ${expected.map((d) => d ?? 'any').join(', ')}]`, tensor.shape);
}

/** The kernel of a layer: its first trainable weight of rank ≥ 2 (Dense, Conv*, …), or null. */
export function kernelOf(layer: layers.Layer): { index: number; value: Tensor } | null {
  const weights = layer.weights;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w.shape.length >= 2 && w.trainable && !/recurrent|depthwise|pointwise/.test(w.originalName)) return { index: i, value: w.read() };
  }
  return null;
}

/** The layer's activation name from its config (`'relu'`, `'gelu'`, …), or `'linear'` when it has none. */
export function activationOf(layer: layers.Layer): string {
  const config = layer.getConfig() as { activation?: unknown };
  return typeof config.activation === 'string' ? config.activation : 'linear';
}

/** TF.js activation names → initlab's (TF.js `gelu` is the erf form, `gelu_new` the tanh form, `swish` is SiLU). */
export const TFJS_ACTIVATIONS: Readonly<Record<string, string>> = {
  linear: 'linear',
  relu: 'relu',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  gelu_new: 'gelu_tanh',
  swish: 'silu',
  mish: 'mish',
  softplus: 'softplus',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
};

/** The pre-activation output of a layer with a fused activation (Dense, Conv*): its output with the activation off. */
export function preActivation(layer: layers.Layer, input: Tensor): Tensor {
  const holder = layer as unknown as { activation?: { apply(x: Tensor): Tensor } };
  const original = holder.activation;
  if (original === undefined || original === null || typeof original.apply !== 'function') return layer.apply(input) as Tensor;
  // getClassName too: Dense fuses relu into its matMul by the activation's class name, bypassing apply.
  holder.activation = Object.assign(Object.create(original) as typeof original, { apply: (x: Tensor) => x, getClassName: () => 'linear' });
  try {
    return layer.apply(input) as Tensor;
  } finally {
    holder.activation = original;
  }
}

/** Mean and population variance of all elements of a tensor (float64 accumulation of the float32 values). */
export function tensorMoments(t: Tensor): { mean: number; variance: number; meanSquare: number } {
  const values = t.dataSync();
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let squares = 0;
  let centered = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    squares += v * v;
    centered += (v - mean) * (v - mean);
  }
  return { mean, variance: centered / n, meanSquare: squares / n };
}
