/**
 * Experiment 2, `gradients`: at initialization, one backward pass of the softmax cross-entropy through deep plain
 * nets, for every (activation, initializer, depth) of the grid.
 *
 * Setup: `batch` inputs drawn from 𝒩(0, 1) in `width` dimensions with labels drawn uniformly from `classes`
 * classes (a random task: at initialization only the scales matter, and random data keeps the experiment free of
 * any dataset); `depth` hidden dense layers of `width` units without bias, then a dense output layer of `classes`
 * logits, every kernel (output layer included) drawn by the same initializer from
 * `fold(keyFromSeed(seed), ['gradients', initKey(init), layer])` (the canonical JSON of the spec).
 *
 * Measured, in float64 from the float32 gradients that TF.js computes:
 * - `weightGradNorms[l]`: Frobenius norm of ∂L/∂W for every kernel l = 0 … depth (the last is the output layer);
 * - `activationGradNorms[l]`: Frobenius norm (over the batch) of ∂L/∂h for the output h of hidden layer
 *   l = 0 … depth − 1, the signal that backpropagation carries down (obtained with zero "probe" tensors added to
 *   each hidden output);
 * - `ratio` = first kernel / last kernel and `activationRatio` = first hidden / last hidden layer.
 * Norms that are not finite (float32 overflow) are null; ratios are null unless both norms are positive and finite
 * (a norm can be exactly 0 when float32 underflows).
 */
import type { InitializerSpec } from 'initlab';
import { setupBackend } from '../engine/backend.ts';
import { ACTIVATIONS, type Activation } from '../engine/mlp.ts';
import { backwardNorms } from '../engine/backward.ts';

export { backwardNorms } from '../engine/backward.ts';
import { initializerOf, initLabel, initSpec, sameInit } from '../init-arg.ts';
import { distinct, withDefaults } from '../analysis/figures.ts';
import { finiteOrNull, formatValue, log10OrNull, ratioOrNull } from '../analysis/statistics.ts';
import { denseKernels, normalData, uniformLabels } from '../analysis/streams.ts';
import { cell } from '../analysis/cells.ts';
import type { Claim, Experiment, Figure, NumbersTable, ProgressCallback } from './experiment.ts';

/** Configuration of {@link gradientsExperiment}: the grid is activations × inits × depths. */
export interface GradientsConfig {
  readonly activations: readonly Activation[];
  readonly inits: readonly InitializerSpec[];
  /** Numbers of hidden layers. */
  readonly depths: readonly number[];
  /** Units per hidden layer, and input dimension. */
  readonly width: number;
  /** Number of inputs in the batch. */
  readonly batch: number;
  /** Number of classes (output logits). */
  readonly classes: number;
  readonly seed: number;
}

/** One (activation, init, depth) of the grid. */
export interface GradientsRun {
  readonly activation: Activation;
  readonly init: InitializerSpec;
  readonly depth: number;
  /** Mean cross-entropy of the batch (null if not finite). */
  readonly loss: number | null;
  /** ‖∂L/∂W_l‖ for l = 0 … depth (the last is the output layer); null where not finite. */
  readonly weightGradNorms: (number | null)[];
  /** ‖∂L/∂h_l‖ for the hidden outputs l = 0 … depth − 1; null where not finite. */
  readonly activationGradNorms: (number | null)[];
  /** weightGradNorms[0] / weightGradNorms[depth], or null. */
  readonly ratio: number | null;
  /** activationGradNorms[0] / activationGradNorms[depth − 1], or null. */
  readonly activationRatio: number | null;
}

export interface GradientsResult {
  readonly config: GradientsConfig;
  readonly runs: GradientsRun[];
}

const NAME = 'gradients';

/** Small, "large" and the two matched initializers. */
export const DEFAULT_INITS: readonly InitializerSpec[] = ['normal:std=0.01', 'normal:std=0.3', 'glorot_normal', 'he_normal'].map(initSpec);

function checkConfig(config: GradientsConfig): void {
  for (const key of ['width', 'batch', 'classes'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${config[key]}`);
  }
  if (config.classes > 255) throw new RangeError(`classes must be at most 255, got ${config.classes}`);
  for (const depth of config.depths) if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`depths must be positive integers, got ${depth}`);
  for (const a of config.activations)
    if (!ACTIVATIONS.includes(a)) throw new RangeError(`unknown activation ${String(a)}; expected one of ${ACTIVATIONS.join(', ')}`);
  for (const init of config.inits) initializerOf(init);
  if (!Number.isSafeInteger(config.seed)) throw new RangeError(`seed must be a safe integer, got ${config.seed}`);
}

async function run(config: GradientsConfig, onProgress?: ProgressCallback): Promise<GradientsResult> {
  checkConfig(config);
  await setupBackend();
  const { width, batch, classes, seed } = config;
  const inputs = normalData(seed, NAME, 'inputs', batch * width);
  const labels = uniformLabels(seed, NAME, 'labels', batch, classes);
  const total = config.activations.length * config.inits.length * config.depths.length;
  const runs: GradientsRun[] = [];
  for (const activation of config.activations) {
    for (const init of config.inits) {
      for (const depth of config.depths) {
        const sizes = [...new Array<number>(depth + 1).fill(width), classes];
        const norms = backwardNorms(denseKernels(init, seed, NAME, sizes), sizes, activation, inputs, labels);
        const weight = norms.weight.map(finiteOrNull);
        const act = norms.activation.map(finiteOrNull);
        runs.push({
          activation,
          init,
          depth,
          loss: finiteOrNull(norms.loss),
          weightGradNorms: weight,
          activationGradNorms: act,
          ratio: ratioOrNull(norms.weight[0]!, norms.weight[depth]!),
          activationRatio: ratioOrNull(norms.activation[0]!, norms.activation[depth - 1]!),
        });
        onProgress?.(runs.length, total);
      }
    }
  }
  return { config, runs };
}

function lineFigure(result: GradientsResult, which: 'weight' | 'activation'): Figure {
  const values: Record<string, unknown>[] = [];
  let missing = 0;
  for (const r of result.runs) {
    const norms = which === 'weight' ? r.weightGradNorms : r.activationGradNorms;
    norms.forEach((n, l) => {
      const log = n === null ? null : log10OrNull(n);
      if (log === null) missing++;
      else values.push({ activation: r.activation, init: initLabel(r.init), depth: `depth ${r.depth}`, layer: l + 1, log10: log });
    });
  }
  const inits = result.config.inits.map(initLabel);
  const depths = distinct(values as { depth: string }[], 'depth');
  const what = which === 'weight' ? '‖∂L/∂W‖ per kernel (the last is the output layer)' : '‖∂L/∂h‖ per hidden layer';
  return {
    name: which === 'weight' ? 'gradients-weights' : 'gradients-backprop',
    caption:
      `At initialization, log10 of ${what} for one batch of ${result.config.batch} random inputs, one line per initializer; columns: activation, rows: depth.` +
      (missing > 0 ? ` ${missing} values that are exactly 0 (float32 underflow) or not finite are not drawn.` : ''),
    spec: withDefaults({
      title: which === 'weight' ? 'Weight-gradient norm per layer at initialization' : 'Backpropagated gradient norm per layer at initialization',
      data: { values },
      facet: {
        column: { field: 'activation', type: 'nominal', sort: [...result.config.activations], title: null },
        row: { field: 'depth', type: 'nominal', sort: depths, title: null },
      },
      spec: {
        width: 260,
        height: 150,
        mark: { type: 'line', point: { size: 12 }, strokeWidth: 1.5 },
        encoding: {
          x: { field: 'layer', type: 'quantitative', title: 'layer (input side → output side)' },
          y: { field: 'log10', type: 'quantitative', title: which === 'weight' ? 'log10 ‖∂L/∂W‖' : 'log10 ‖∂L/∂h‖' },
          color: { field: 'init', type: 'nominal', sort: inits, title: 'initializer' },
        },
      },
      resolve: { scale: { x: 'independent' } },
    }),
  };
}

function figures(result: GradientsResult): Figure[] {
  return [lineFigure(result, 'weight'), lineFigure(result, 'activation')];
}

const SMALL = initSpec('normal:std=0.01');
const LARGE = initSpec('normal:std=0.3');
const XAVIER = initSpec('glorot_normal');
const HE = initSpec('he_normal');
const MATCHED: Partial<Record<Activation, InitializerSpec>> = {
  tanh: XAVIER,
  sigmoid: XAVIER,
  relu: HE,
  leaky_relu: HE,
  selu: initSpec('lecun_normal'),
  gelu: HE,
  silu: HE,
};

/** Margins of the claims. */
export const MARGINS = {
  /** std 0.01: the largest weight-gradient norm is below this fraction of the matched init's largest. */
  vanishingFactor: 1e-10,
  /** std 0.01: the backpropagated signal shrinks by more than this (first/last hidden) at the claim depth. */
  backpropVanishing: 1e-3,
  /** Large std + tanh: first/last weight-gradient ratio above this at the claim depth. */
  explodingRatio: 100,
  /** Large std + relu: every weight-gradient norm above this many times the matched init's largest. */
  explodingFactor: 1e3,
  /** Matched init: first/last weight-gradient ratio within [1/stable, stable] at every depth. */
  stable: 10,
} as const;

/** The depth the claims are checked at: 30 if present, else the largest depth. */
function claimDepth(config: GradientsConfig): number {
  return config.depths.includes(30) ? 30 : Math.max(...config.depths);
}

function find(result: GradientsResult, activation: Activation, init: InitializerSpec, depth: number): GradientsRun | undefined {
  return result.runs.find((r) => r.activation === activation && sameInit(r.init, init) && r.depth === depth);
}

/** The largest weight-gradient norm of a run (null norms, i.e. overflow, count as +∞). */
function maxNorm(run: GradientsRun): number {
  return Math.max(...run.weightGradNorms.map((n) => (n === null ? Number.POSITIVE_INFINITY : n)));
}
function minNorm(run: GradientsRun): number {
  return Math.min(...run.weightGradNorms.map((n) => (n === null ? Number.POSITIVE_INFINITY : n)));
}

function claims(result: GradientsResult): Claim[] {
  const depth = claimDepth(result.config);
  const out: Claim[] = [];
  for (const activation of result.config.activations) {
    const matchedInit = MATCHED[activation];
    const matchedLabel = matchedInit ? initLabel(matchedInit) : '';
    const matched = matchedInit ? find(result, activation, matchedInit, depth) : undefined;
    const small = find(result, activation, SMALL, depth);
    if (small && matched) {
      const factor = maxNorm(small) / maxNorm(matched);
      const backprop = small.activationRatio;
      out.push({
        claim: `Small random init (std 0.01) makes gradients vanish in deep networks (${activation}).`,
        measurement:
          `${activation}, depth ${depth}: the largest ‖∂L/∂W‖ with std 0.01 is ${formatValue(maxNorm(small))}, ${formatValue(factor)}× that of ${matchedLabel} ` +
          `(margin < ${MARGINS.vanishingFactor}); ‖∂L/∂h‖ shrinks from the last to the first hidden layer by ${formatValue(backprop)} (margin < ${MARGINS.backpropVanishing}). ` +
          `The weight gradients vanish uniformly: first/last kernel ratio ${formatValue(small.ratio)}.`,
        held: factor < MARGINS.vanishingFactor && backprop !== null && backprop < MARGINS.backpropVanishing,
      });
    }
    const large = find(result, activation, LARGE, depth);
    if (large && matched) {
      if (activation === 'relu' || activation === 'leaky_relu' || activation === 'linear') {
        const factor = minNorm(large) / maxNorm(matched);
        out.push({
          claim: `Too large a random init (std 0.3) makes gradients explode in deep networks (${activation}).`,
          measurement:
            `${activation}, depth ${depth}: every ‖∂L/∂W‖ with std 0.3 is at least ${formatValue(minNorm(large))}, ${formatValue(factor)}× the largest with ${matchedLabel} ` +
            `(margin > ${MARGINS.explodingFactor}); being positively homogeneous, ReLU scales all layers alike (first/last ratio ${formatValue(large.ratio)}).`,
          held: factor > MARGINS.explodingFactor,
        });
      } else {
        const ratio = large.ratio;
        out.push({
          claim: `Too large a random init (std 0.3) makes gradients explode in deep networks (${activation}).`,
          measurement:
            `${activation}, depth ${depth}: ‖∂L/∂W‖ grows from the output to the input side, first/last kernel ratio ${formatValue(ratio)} (margin > ${MARGINS.explodingRatio}), ` +
            `although the saturated units pass little gradient each.`,
          held: ratio !== null && ratio > MARGINS.explodingRatio,
        });
      }
    }
    if (matchedInit) {
      const matchedRuns = result.runs.filter((r) => r.activation === activation && sameInit(r.init, matchedInit));
      if (matchedRuns.length > 0) {
        const ok = matchedRuns.every((r) => r.ratio !== null && r.ratio >= 1 / MARGINS.stable && r.ratio <= MARGINS.stable);
        out.push({
          claim: `The matched initializer (${matchedLabel} for ${activation}) keeps gradients at the same scale in every layer.`,
          measurement:
            `${activation}, ${matchedLabel}: first/last ‖∂L/∂W‖ ratio ${matchedRuns.map((r) => `${formatValue(r.ratio)} at depth ${r.depth}`).join(', ')} ` +
            `(margin: within [1/${MARGINS.stable}, ${MARGINS.stable}]).`,
          held: ok,
        });
      }
    }
  }
  return out;
}

function reading(result: GradientsResult): string {
  const depth = claimDepth(result.config);
  const parts: string[] = [];
  const tanhSmall = find(result, 'tanh', SMALL, depth);
  const reluSmall = find(result, 'relu', SMALL, depth);
  const tanhLarge = find(result, 'tanh', LARGE, depth);
  const reluLarge = find(result, 'relu', LARGE, depth);
  const tanhXavier = find(result, 'tanh', XAVIER, depth);
  const reluHe = find(result, 'relu', HE, depth);
  if (tanhSmall && reluSmall && tanhXavier && reluHe) {
    parts.push(
      `At depth ${depth}, std 0.01 leaves weight gradients of at most ${formatValue(maxNorm(tanhSmall))} (tanh) and ${formatValue(maxNorm(reluSmall))} (ReLU) ` +
        `against ${formatValue(maxNorm(tanhXavier))} with Xavier and ${formatValue(maxNorm(reluHe))} with He: they vanish in every layer at once ` +
        `(first/last ratios ${formatValue(tanhSmall.ratio)} and ${formatValue(reluSmall.ratio)}), because the forward signal shrinks as fast as the backward one grows back.`,
    );
  }
  if (tanhLarge && reluLarge && tanhXavier && reluHe) {
    parts.push(
      `With std 0.3 the tanh gradients grow toward the input (first/last ratio ${formatValue(tanhLarge.ratio)}) and the ReLU ones are all about ` +
        `${formatValue(minNorm(reluLarge))} or more, while Xavier (tanh) and He (ReLU) keep the ratio at ${formatValue(tanhXavier.ratio)} and ${formatValue(reluHe.ratio)}.`,
    );
  }
  if (parts.length > 0) return parts.join(' ');
  return result.runs
    .slice(0, 2)
    .map(
      (r) =>
        `${r.activation} with ${initLabel(r.init)} at depth ${r.depth}: ‖∂L/∂W‖ from ${formatValue(r.weightGradNorms[0])} (first) to ${formatValue(r.weightGradNorms[r.depth])} (last), ratio ${formatValue(r.ratio)}.`,
    )
    .join(' ');
}

/** Per run: the weight-gradient norms of the first and the output layer, and their ratio. */
function table(result: GradientsResult): NumbersTable {
  return {
    columns: ['activation', 'initializer', 'depth', '‖∂L/∂W‖ first layer', '‖∂L/∂W‖ output layer', 'first / output'],
    rows: result.runs.map((r) => [
      r.activation,
      initLabel(r.init),
      cell(r.depth),
      cell(r.weightGradNorms[0]),
      cell(r.weightGradNorms[r.weightGradNorms.length - 1]),
      cell(r.ratio),
    ]),
  };
}

/** Experiment 2: gradient norms per layer at initialization in deep nets, activation × initializer × depth. */
export const gradientsExperiment: Experiment<GradientsConfig, GradientsResult> = {
  name: NAME,
  title: 'Gradients at initialization in deep networks',
  options: [
    { key: 'activations', kind: 'list', choices: ACTIVATIONS, description: 'hidden activations (default tanh,relu)' },
    { key: 'inits', kind: 'init-list', description: `initializers (default ${DEFAULT_INITS.map(initLabel).join(',')})` },
    { key: 'depths', kind: 'integer-list', description: 'numbers of hidden layers (default 10,30,50; quick 10,30)' },
    { key: 'width', kind: 'integer', description: 'units per hidden layer and input dimension (default 100)' },
    { key: 'batch', kind: 'integer', description: 'number of random inputs in the batch (default 256; quick 64)' },
    { key: 'classes', kind: 'integer', description: 'number of classes (default 10)' },
    { key: 'seed', kind: 'integer', description: 'random seed of data and weights' },
  ],
  defaults: (quick, seed) => ({
    activations: ['tanh', 'relu'],
    inits: [...DEFAULT_INITS],
    depths: quick ? [10, 30] : [10, 30, 50],
    width: 100,
    batch: quick ? 64 : 256,
    classes: 10,
    seed,
  }),
  run,
  figures,
  claims,
  reading,
  table,
};
