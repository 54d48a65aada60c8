/**
 * Initialization diagnostics for TF.js models: per layer, what the signal looks like on a batch, what the
 * mean-field theory predicts for it, the gradient, and flags for layers where the signal vanishes or explodes.
 */
import { alignColumns } from './text-table.ts';
import { mean, mul, square, sub, tidy, variableGrads, type Scalar, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import type { LayersModel, layers } from '@tensorflow/tfjs-layers';
import { describeValue, fail } from '../../errors.ts';
import { activationMoments, formatNumber } from '../../index.ts';
import { activationOf, chainLayers, checkBatch, checkLayersModel, kernelOf, tensorMoments, TFJS_ACTIVATIONS } from './chain.ts';
import { checkOptions } from './initializer.ts';

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /** Learning rate of the update-to-data ratio lr·‖∇W‖/‖W‖ (default 0.01). */
  readonly learningRate?: number;
  /**
   * Targets with the model's output shape. With them the loss is ½·mean((y − labels)²); without, ½·mean(y²) (the
   * gradient then measures how the output's scale responds to each kernel, which is what an init check needs).
   */
  readonly labels?: Tensor;
}

/** What can be wrong with a layer; see {@link diagnose} for the thresholds. */
export type DiagnosisFlag = 'vanishing' | 'exploding' | 'dead' | 'saturated' | 'off-theory';

/** The diagnosis of one layer. */
export interface LayerDiagnosis {
  readonly layer: string;
  readonly className: string;
  /** The layer's activation (TF.js name), `linear` when it has none. */
  readonly activation: string;
  /** Mean and population std of the layer's output over the batch (all elements). */
  readonly mean: number;
  readonly std: number;
  /** Root mean square of the layer's output and input: the ratio is the layer's gain on this batch. */
  readonly rms: number;
  readonly inputRms: number;
  /** ReLU-family layers: fraction of units that are ≤ 0 for every example of the batch; NaN for other activations. */
  readonly dead: number;
  /** tanh and sigmoid layers: fraction of outputs within 0.03 of a bound (|tanh| > 0.97, sigmoid < 0.03 or > 0.97); NaN otherwise. */
  readonly saturated: number;
  /** Frobenius norm of the loss's gradient with respect to the kernel; NaN for layers without one. */
  readonly gradientNorm: number;
  /** lr·‖∇W‖/‖W‖ of the kernel (Karpathy's rule of thumb: about 1e-3); NaN without a kernel. */
  readonly updateRatio: number;
  /** The output std that the mean-field recursion predicts (see {@link diagnose}); NaN where it cannot. */
  readonly predictedStd: number;
  readonly flags: readonly DiagnosisFlag[];
}

/** The result of {@link diagnose}. */
export interface Diagnosis {
  readonly layers: readonly LayerDiagnosis[];
  /** The loss whose gradient was measured. */
  readonly loss: number;
  readonly lossDefinition: string;
  readonly learningRate: number;
  /** Examples in the batch. */
  readonly examples: number;
}

/** A layer shrinks the signal's rms by more than this factor: vanishing (and the inverse: exploding). */
export const LAYER_GAIN_LIMIT = 10;
/** The signal's rms is this many times smaller (larger) than the network input's: vanishing (exploding). */
export const CUMULATIVE_LIMIT = 100;
/** Dead or saturated: more than this fraction. */
export const FRACTION_LIMIT = 0.5;
/** Off theory: measured std differs from the predicted std by more than this relative amount. */
export const THEORY_LIMIT = 0.5;

/**
 * Diagnoses a model's initialization on a batch: per layer (walked as a chain, each applied to the previous output),
 * the output's mean and std, the fraction of dead ReLU units or saturated tanh/sigmoid outputs, the gradient norm of
 * each kernel, the update-to-data ratio lr·‖∇W‖/‖W‖, and the output std that mean-field theory predicts.
 *
 * Prediction (Poole et al. 2016, eq. 3, with the weights' actual statistics): starting from the batch's mean square
 * m, a layer with a kernel W (fan-in n = all kernel dimensions but the last) and bias b gives the pre-activation
 * variance q = n·mean(W²)·m + mean(b²); its activation φ then gives the output mean E[φ(√q·z)] and mean square
 * m′ = E[φ(√q·z)²], so the predicted std is √(m′ − E[φ]²). `Activation` layers apply φ to q = m; shape-only layers
 * (Flatten, Reshape, Dropout at inference) pass the moments on; after any other layer (normalization, pooling,
 * softmax, an activation initlab does not know) the prediction restarts from the measured moments.
 *
 * Flags: `vanishing` when a layer's output rms is below 1/10 of its input rms or below 1/100 of the network input's;
 * `exploding` for the reverse (×10, ×100); `dead` / `saturated` when more than half of the units are; `off-theory`
 * when the measured std differs from the predicted one by more than 50%.
 *
 * @param model - A built TF.js LayersModel with weights.
 * @param batch - Inputs [examples, ...inputShape].
 * @throws InitError `invalid_argument` for a model that is not a LayersModel or has no weights, an empty or
 *   misshapen batch, or labels of the wrong shape; `invalid_option` for a bad learning rate.
 * @see Poole et al. (2016), arXiv:1606.05340; Karpathy, "Building makemore part 3" (update:data ratio).
 * @example
 * ```ts
 * const d = diagnose(model, tf.randomNormal([128, 784]), { learningRate: 0.01 });
 * console.log(formatDiagnosis(d));
 * d.layers.filter((l) => l.flags.includes('vanishing')).map((l) => l.layer); // e.g. ['fc7']
 * ```
 */
export function diagnose(model: LayersModel, batch: Tensor, options: DiagnoseOptions = {}): Diagnosis {
  const where = 'diagnose';
  checkLayersModel(model, where);
  checkOptions(options, where, ['learningRate', 'labels'], '{learningRate?, labels?}');
  checkBatch(model, batch, where);
  const learningRate = options.learningRate ?? 0.01;
  if (typeof learningRate !== 'number' || !(learningRate > 0) || !Number.isFinite(learningRate)) {
    fail('invalid_option', where, 'options.learningRate', 'a positive finite number', learningRate);
  }
  if (model.weights.length === 0) fail('invalid_argument', where, 'model', 'a model with weights (this one has none)', model.name);
  const chain = chainLayers(model);
  const labels = options.labels;

  // Forward, layer by layer, keeping every output.
  const outputs: Tensor[] = [];
  let h: Tensor = batch;
  try {
    for (const layer of chain) {
      h = tidy(() => layer.apply(h) as Tensor);
      outputs.push(h);
    }
    const output = outputs[outputs.length - 1] ?? batch;
    if (labels !== undefined) {
      const shapeOk = labels !== null && typeof labels === 'object' && Array.isArray((labels as Tensor).shape);
      if (!shapeOk || (labels as Tensor).shape.join() !== output.shape.join()) {
        fail(
          'invalid_argument',
          where,
          'options.labels',
          `a tensor of the model's output shape [${output.shape.join(', ')}]`,
          shapeOk ? (labels as Tensor).shape : labels,
        );
      }
    }
    const kernels = chain.map((layer) => kernelOf(layer));
    const variables = kernels.flatMap((k) => (k === null ? [] : [k.value as Variable]));
    const { value, grads } = variableGrads(() => {
      const y = model.apply(batch) as Tensor;
      const error = labels === undefined ? y : sub(y, labels as Tensor);
      return mul(mean(square(error)), 0.5) as Scalar;
    }, variables);
    const loss = value.dataSync()[0]!;
    value.dispose();
    const gradientNorms = new Map<string, number>();
    for (const [name, g] of Object.entries(grads)) {
      gradientNorms.set(name, tensorMoments(g).meanSquare * g.size);
      g.dispose();
    }

    const input = tensorMoments(batch);
    const inputRms = Math.sqrt(input.meanSquare);
    let previousRms = inputRms;
    // Predicted mean and mean square of the current signal.
    let predicted = { mean: input.mean, meanSquare: input.meanSquare };
    let previousMeasured = { mean: input.mean, meanSquare: input.meanSquare };
    const diagnoses: LayerDiagnosis[] = chain.map((layer, i) => {
      const out = outputs[i]!;
      const measured = tensorMoments(out);
      const activation = activationOf(layer);
      const kernel = kernels[i] ?? null;
      // Where the prediction was lost (an unknown layer or activation), restart from the measured input.
      predicted = predictLayer(layer, kernel, activation, Number.isFinite(predicted.meanSquare) ? predicted : previousMeasured, measured);
      previousMeasured = { mean: measured.mean, meanSquare: measured.meanSquare };
      const rms = Math.sqrt(measured.meanSquare);
      const std = Math.sqrt(measured.variance);
      const predictedStd = Math.sqrt(Math.max(0, predicted.meanSquare - predicted.mean * predicted.mean));
      let gradientNorm = Number.NaN;
      let updateRatio = Number.NaN;
      if (kernel !== null) {
        gradientNorm = Math.sqrt(gradientNorms.get((kernel.value as Variable).name) ?? Number.NaN);
        const weightNorm = Math.sqrt(tensorMoments(kernel.value).meanSquare * kernel.value.size);
        updateRatio = (learningRate * gradientNorm) / weightNorm;
      }
      const dead = activation === 'relu' || activation === 'relu6' ? deadFraction(out) : Number.NaN;
      const saturated = activation === 'tanh' || activation === 'sigmoid' ? saturatedFraction(out, activation) : Number.NaN;
      const flags: DiagnosisFlag[] = [];
      if (rms < previousRms / LAYER_GAIN_LIMIT || rms < inputRms / CUMULATIVE_LIMIT) flags.push('vanishing');
      if (rms > previousRms * LAYER_GAIN_LIMIT || rms > inputRms * CUMULATIVE_LIMIT) flags.push('exploding');
      if (dead > FRACTION_LIMIT) flags.push('dead');
      if (saturated > FRACTION_LIMIT) flags.push('saturated');
      if (Number.isFinite(predictedStd) && predictedStd > 0 && Math.abs(std / predictedStd - 1) > THEORY_LIMIT) flags.push('off-theory');
      const row: LayerDiagnosis = {
        layer: layer.name,
        className: layer.getClassName(),
        activation,
        mean: measured.mean,
        std,
        rms,
        inputRms: previousRms,
        dead,
        saturated,
        gradientNorm,
        updateRatio,
        predictedStd: Number.isFinite(predicted.meanSquare) ? predictedStd : Number.NaN,
        flags,
      };
      previousRms = rms;
      return row;
    });
    return {
      layers: diagnoses,
      loss,
      lossDefinition: labels === undefined ? '½·mean(y²)' : '½·mean((y − labels)²)',
      learningRate,
      examples: batch.shape[0]!,
    };
  } finally {
    for (const t of outputs) t.dispose();
  }
}

/** Layers that only move values around: the moments pass through. */
const SHAPE_ONLY = new Set(['Flatten', 'Reshape', 'Dropout', 'Permute', 'SpatialDropout1D', 'GaussianDropout', 'AlphaDropout', 'GaussianNoise']);

/** The mean-field prediction for one layer's output, from the predicted moments of its input. */
function predictLayer(
  layer: layers.Layer,
  kernel: { index: number; value: Tensor } | null,
  activation: string,
  input: { mean: number; meanSquare: number },
  measured: { mean: number; meanSquare: number },
): { mean: number; meanSquare: number } {
  const className = layer.getClassName();
  if (SHAPE_ONLY.has(className)) return input;
  let q: number;
  if (kernel !== null) {
    const shape = kernel.value.shape;
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const weights = tensorMoments(kernel.value).meanSquare;
    const biasWeight = layer.weights.find((w, i) => i !== kernel.index && w.shape.length === 1 && /bias/.test(w.originalName));
    const bias = biasWeight ? tensorMoments(biasWeight.read()).meanSquare : 0;
    q = fanIn * weights * input.meanSquare + bias;
  } else if (className === 'Activation') {
    q = input.meanSquare;
  } else {
    return { mean: measured.mean, meanSquare: measured.meanSquare };
  }
  const name = TFJS_ACTIVATIONS[activation];
  if (name === undefined || !Number.isFinite(q)) return { mean: measured.mean, meanSquare: Number.NaN };
  if (name === 'linear') return { mean: 0, meanSquare: q };
  if (!(q > 0)) return { mean: 0, meanSquare: 0 };
  const m = activationMoments(name, { q: Math.min(q, 1e6) });
  return { mean: m.mean, meanSquare: m.secondMoment };
}

/** Fraction of units (all non-batch positions) that are ≤ 0 for every example. */
function deadFraction(out: Tensor): number {
  const values = out.dataSync();
  const examples = out.shape[0]!;
  const units = values.length / examples;
  let dead = 0;
  for (let u = 0; u < units; u++) {
    let alive = false;
    for (let e = 0; e < examples && !alive; e++) if (values[e * units + u]! > 0) alive = true;
    if (!alive) dead++;
  }
  return dead / units;
}

/** Fraction of outputs within 0.03 of the activation's bounds. */
function saturatedFraction(out: Tensor, activation: 'tanh' | 'sigmoid'): number {
  const values = out.dataSync();
  let count = 0;
  for (const v of values) if (activation === 'tanh' ? Math.abs(v) > 0.97 : v < 0.03 || v > 0.97) count++;
  return count / values.length;
}

/**
 * Formats a {@link Diagnosis} as an aligned text table, one row per layer: name, activation, output mean and std,
 * predicted std, dead or saturated fraction, gradient norm, update ratio and flags; numbers through the core's
 * `formatNumber` (`–` for NaN). The last line names the loss and learning rate.
 *
 * @throws InitError `invalid_argument` when `diagnosis` is not a {@link Diagnosis}.
 * @example
 * ```ts
 * console.log(formatDiagnosis(diagnose(model, batch)));
 * // layer  activation  mean  std  predicted std  dead/sat.  grad norm  lr·|g|/|W|  flags
 * // fc1    relu        0.56  0.82 0.83           0          0.0123     1.2e-5
 * ```
 */
export function formatDiagnosis(diagnosis: Diagnosis): string {
  const where = 'formatDiagnosis';
  if (diagnosis === null || typeof diagnosis !== 'object' || !Array.isArray((diagnosis as { layers?: unknown }).layers)) {
    fail('invalid_argument', where, 'diagnosis', 'a Diagnosis {layers, loss, ...} from diagnose', diagnosis);
  }
  const n = (x: number): string => formatNumber(x);
  const header = ['layer', 'activation', 'mean', 'std', 'predicted std', 'dead/sat.', 'grad norm', 'lr·|g|/|W|', 'flags'];
  const rows = diagnosis.layers.map((l) => {
    if (l === null || typeof l !== 'object' || typeof l.layer !== 'string')
      fail('invalid_argument', where, 'diagnosis.layers[]', 'a LayerDiagnosis', describeValue(l));
    return [
      l.layer,
      l.activation,
      n(l.mean),
      n(l.std),
      n(l.predictedStd),
      Number.isNaN(l.dead) ? n(l.saturated) : n(l.dead),
      n(l.gradientNorm),
      n(l.updateRatio),
      l.flags.join(', '),
    ];
  });
  return [
    ...alignColumns([header, ...rows]),
    `loss ${diagnosis.lossDefinition} = ${n(diagnosis.loss)} on ${diagnosis.examples} examples; update ratio at lr ${diagnosis.learningRate}`,
  ].join('\n');
}
