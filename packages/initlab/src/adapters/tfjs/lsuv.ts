/**
 * Layer-sequential unit-variance initialization (LSUV; Mishkin & Matas, "All you need is a good init", ICLR 2016,
 * arXiv:1511.06422) for TF.js models.
 */
import { gather, mul, tensor, tidy, type Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { fail } from '../../errors.ts';
import { fold, orthogonal, permutation, type Key } from '../../index.ts';
import { chainLayers, checkBatch, checkLayersModel, kernelOf, preActivation, tensorMoments } from './chain.ts';
import { checkOptions, resolveRoot, type RootOptions } from './initializer.ts';

/** Options of {@link lsuv}. */
export interface LsuvOptions extends RootOptions {
  /** Stop when |Var − 1| < tol (default 0.1, the authors' PyTorch code; their Caffe code uses 0.02). */
  readonly tol?: number;
  /** At most this many rescalings per layer (default 10, as the authors' PyTorch code). */
  readonly maxIterations?: number;
  /**
   * Use this many examples of `batch`, chosen by a permutation keyed by `fold(root, 'batch')` (default: all of
   * them, in order).
   */
  readonly batchSize?: number;
}

/** What LSUV did to one layer. */
export interface LsuvRecord {
  /** The layer's name. */
  readonly layer: string;
  /** Rescalings done (0 when the orthonormal kernel already gave a variance within tol). */
  readonly iterations: number;
  /** Variance of the layer's pre-activation output after the orthonormal pre-init, before any rescaling. */
  readonly varianceBefore: number;
  /** Variance after the last rescaling. */
  readonly varianceAfter: number;
}

/**
 * LSUV (Mishkin & Matas 2016, Algorithm 1): every kernel (Dense, Conv*) is first set to an orthonormal matrix
 * (initlab's `orthogonal`, keyed by `fold(root, layerName)`), then layer by layer, in order, the kernel is divided
 * by √Var(B) until the variance of the layer's output B on the batch is within `tol` of 1:
 * W ← W/√Var(B) while |Var(B) − 1| ≥ tol and t < maxIterations. Biases are not touched, as in the paper.
 *
 * B is the layer's pre-activation output (for a layer with a fused activation, its output with the activation
 * off), as in the paper's Caffe networks, where activations are separate layers. The model is walked as a chain:
 * each layer is applied to the previous layer's output (a Sequential model, or a functional model whose layers
 * form a chain). Deterministic: the same root, model and batch give the same weights.
 *
 * @param model - A built TF.js LayersModel.
 * @param batch - Inputs [examples, ...inputShape]; at least one example.
 * @returns One record per layer with a kernel, in order.
 * @throws InitError `invalid_argument` for a model that is not a LayersModel or has no kernel, or an empty or
 *   misshapen batch; `invalid_option` for bad tol, maxIterations, batchSize or root.
 * @see Mishkin, D. & Matas, J. (2016). All you need is a good init. ICLR. arXiv:1511.06422.
 * @example
 * ```ts
 * const records = lsuv(model, tf.randomNormal([256, 784]), { seed: 1, tol: 0.05 });
 * records.every((r) => Math.abs(r.varianceAfter - 1) < 0.05); // true
 * ```
 */
export function lsuv(model: LayersModel, batch: Tensor, options: LsuvOptions = {}): LsuvRecord[] {
  const where = 'lsuv';
  checkLayersModel(model, where);
  checkOptions(options, where, ['seed', 'key', 'tol', 'maxIterations', 'batchSize'], '{seed | key, tol?, maxIterations?, batchSize?}');
  checkBatch(model, batch, where);
  const root: Key = options.seed === undefined && options.key === undefined ? resolveRoot({ seed: 0 }, where) : resolveRoot(options, where);
  const tol = options.tol ?? 0.1;
  if (typeof tol !== 'number' || !(tol > 0 && tol < 1)) fail('invalid_option', where, 'options.tol', 'a number in (0, 1)', tol);
  const maxIterations = options.maxIterations ?? 10;
  if (typeof maxIterations !== 'number' || !Number.isInteger(maxIterations) || maxIterations < 1 || maxIterations > 1000) {
    fail('invalid_option', where, 'options.maxIterations', 'an integer in [1, 1000]', maxIterations);
  }
  const examples = batch.shape[0]!;
  const batchSize = options.batchSize ?? examples;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > examples) {
    fail('invalid_option', where, 'options.batchSize', `an integer in [1, ${examples}] (the batch's examples)`, batchSize);
  }
  const layers = chainLayers(model);
  if (!layers.some((layer) => kernelOf(layer) !== null)) fail('invalid_argument', where, 'model', 'a model with at least one kernel (Dense, Conv)', model.name);

  // Orthonormal pre-initialization of every kernel.
  for (const layer of layers) {
    const kernel = kernelOf(layer);
    if (kernel === null) continue;
    const shape = kernel.value.shape;
    const values = orthogonal()(shape, fold(root, layer.name), { layout: 'tf' }) as Float32Array;
    setWeight(layer, kernel.index, tensor(values, shape, 'float32'));
  }

  const records: LsuvRecord[] = [];
  let h: Tensor =
    batchSize === examples ? batch.clone() : tidy(() => gather(batch, Array.from(permutation(fold(root, 'batch'), examples).subarray(0, batchSize)), 0));
  try {
    for (const layer of layers) {
      const kernel = kernelOf(layer);
      if (kernel !== null) {
        let variance = measure(layer, h);
        const before = variance;
        let iterations = 0;
        while (Math.abs(variance - 1) >= tol && iterations < maxIterations && variance > 0 && Number.isFinite(variance)) {
          const current = layer.weights[kernel.index]!.read();
          const scale = 1 / Math.sqrt(variance);
          setWeight(
            layer,
            kernel.index,
            tidy(() => mul(current, scale)),
          );
          iterations++;
          variance = measure(layer, h);
        }
        records.push({ layer: layer.name, iterations, varianceBefore: before, varianceAfter: variance });
      }
      const next = tidy(() => layer.apply(h) as Tensor);
      h.dispose();
      h = next;
    }
  } finally {
    h.dispose();
  }
  return records;
}

/** Variance of the layer's pre-activation output on h. */
function measure(layer: ReturnType<typeof chainLayers>[number], h: Tensor): number {
  const z = tidy(() => preActivation(layer, h));
  try {
    return tensorMoments(z).variance;
  } finally {
    z.dispose();
  }
}

/** Replaces weight `index` of a layer (the new tensor is disposed after the copy). */
function setWeight(layer: ReturnType<typeof chainLayers>[number], index: number, value: Tensor): void {
  const current = layer.weights.map((w) => w.read());
  current[index] = value;
  layer.setWeights(current);
  value.dispose();
}
