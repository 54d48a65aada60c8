/**
 * The measuring part of the `activations` experiment, with no Node import, so that the explorer page runs the
 * very same code in a browser Web Worker: the inputs, the kernels, the forward pass and the per-layer statistics.
 * experiments/activations.ts adds the Node backend set-up, the figures, the claims and the reading on top.
 *
 * Streams (see analysis/streams.ts): inputs from `fold(keyFromSeed(seed), ['activations', 'data', name])` with
 * name `inputs` for 𝒩(0, 1) (the lab's default) and `inputs-uniform` / `inputs-pixels` for the other
 * {@link InputDistribution}s; layer i's kernel from `fold(keyFromSeed(seed), ['activations', initKey(init), i])`.
 * The TF.js backend must be ready (`setupBackend` in Node, `setupBackendAt` in a browser).
 */
import { moments, type InitializerSpec } from 'initlab';
import type { Activation } from '../engine/mlp.ts';
import { createMlp, disposeMlp, hiddenActivations } from '../engine/mlp.ts';
import { initSpec } from '../init-arg.ts';
import { fraction, histogram, type Histogram } from '../analysis/statistics.ts';
import { denseKernels } from '../analysis/streams.ts';
import { inputData, type InputDistribution } from '../analysis/inputs.ts';

export { INPUT_DISTRIBUTIONS, type InputDistribution } from '../analysis/inputs.ts';

/** The experiment's name, which keys its random streams. */
export const ACTIVATIONS_NAME = 'activations';

/** Number of equal histogram bins over the activation's range. */
export const HISTOGRAM_BINS = 30;

/**
 * Fixed histogram range per activation. sigmoid and tanh: their output ranges. relu: [0, 4] (with He init and
 * 𝒩(0, 1) inputs the pre-activations are about 𝒩(0, 2), so 4 is 2.8 std). leaky_relu: [−1, 4] (its negative
 * side is 0.01·z). selu: [−2, 4] (its lower bound is −λα ≈ −1.758). gelu and silu: [−0.5, 4] (their minima are
 * −0.170 and −0.278). linear: [−4, 4]. Values outside are counted in the end bins.
 */
export const HISTOGRAM_RANGES: Readonly<Record<Activation, readonly [number, number]>> = {
  sigmoid: [0, 1],
  tanh: [-1, 1],
  relu: [0, 4],
  leaky_relu: [-1, 4],
  selu: [-2, 4],
  gelu: [-0.5, 4],
  silu: [-0.5, 4],
  linear: [-4, 4],
};

/** Distance to a bound within which a sigmoid/tanh output counts as saturated. */
export const SATURATION_MARGIN = 0.02;

/** The initializer a single run uses when only `--activation` is given. */
export const MATCHED_INIT: Readonly<Record<Activation, InitializerSpec>> = {
  sigmoid: initSpec('glorot_normal'),
  tanh: initSpec('glorot_normal'),
  relu: initSpec('he_normal'),
  leaky_relu: initSpec('he_normal'),
  selu: initSpec('lecun_normal'),
  gelu: initSpec('he_normal'),
  silu: initSpec('he_normal'),
  linear: initSpec('lecun_normal'),
};

/** Statistics of one layer's activations (the JSON of the issue, key for key). */
export interface LayerStats {
  readonly index: number;
  readonly mean: number;
  readonly std: number;
  readonly saturated: number;
  readonly dead: number;
  readonly histogram: Histogram;
}

/** One (activation, init) pair of the grid. */
export interface ActivationsRun {
  readonly init: InitializerSpec;
  readonly activation: Activation;
  readonly layers: LayerStats[];
}

/** What one (activation, initializer) run of the experiment measures on. */
export interface ActivationsNet {
  readonly activation: Activation;
  readonly init: InitializerSpec;
  /** Number of dense layers (no bias). */
  readonly depth: number;
  /** Units per layer, and input dimension. */
  readonly width: number;
  /** Number of inputs. */
  readonly samples: number;
  readonly seed: number;
  /** Input distribution (default `normal`). */
  readonly input?: InputDistribution;
}

/**
 * Statistics of one layer's activations (`values`: samples × width outputs): moments, saturated and dead
 * fractions and the fixed-bin histogram (see experiments/activations.ts for the definitions).
 *
 * @example
 * layerStats(1, Float32Array.of(0, 0.5, 1), 'sigmoid').saturated; // 2/3
 */
export function layerStats(index: number, values: ArrayLike<number>, activation: Activation): LayerStats {
  const { mean, std } = moments(values);
  const [low, high] = HISTOGRAM_RANGES[activation];
  let saturated = 0;
  if (activation === 'sigmoid') saturated = fraction(values, (v) => v <= SATURATION_MARGIN || v >= 1 - SATURATION_MARGIN);
  else if (activation === 'tanh') saturated = fraction(values, (v) => Math.abs(v) >= 1 - SATURATION_MARGIN);
  return {
    index,
    mean,
    std,
    saturated,
    dead: fraction(values, (v) => v === 0),
    histogram: histogram(values, low, high, HISTOGRAM_BINS),
  };
}

/**
 * The inputs of a run, row-major [samples, width], from the experiment's data streams (common random numbers:
 * every run of one seed sees the same inputs).
 *
 * @example
 * activationInputs(0, 1000, 100).length; // 100000, the same values as `initlab lab activations --seed 0` uses
 */
export function activationInputs(seed: number, samples: number, width: number, input: InputDistribution = 'normal'): Float32Array {
  return inputData(seed, ACTIVATIONS_NAME, samples * width, input);
}

/**
 * The kernels of a run: layer i (0-based) is [width, width], drawn by `init` from the experiment's stream for
 * (initKey(init), i), so a deeper net of the same seed starts with the same layers.
 *
 * @throws InitError for an invalid spec or an initializer that cannot make a square dense kernel.
 */
export function activationKernels(init: InitializerSpec, seed: number, depth: number, width: number): Float32Array[] {
  return denseKernels(init, seed, ACTIVATIONS_NAME, new Array<number>(depth + 1).fill(width));
}

/**
 * Runs `inputs` through a plain net with the given kernels (no bias, the same activation everywhere) and returns
 * every layer's statistics. Synchronous; leaves no tensors behind.
 */
export function measureLayers(activation: Activation, kernels: readonly Float32Array[], inputs: Float32Array, samples: number, width: number): LayerStats[] {
  const sizes = new Array<number>(kernels.length + 1).fill(width);
  const mlp = createMlp({ sizes, activation, bias: false, output: 'none' }, kernels);
  let outputs: Float32Array[];
  try {
    outputs = hiddenActivations(mlp, inputs, samples);
  } finally {
    disposeMlp(mlp);
  }
  return outputs.map((values, l) => layerStats(l + 1, values, activation));
}

/**
 * One run of the experiment: the statistics of every layer. Equal, bit for bit, to the `layers` of
 * `initlab lab activations --activation A --init I --depth D --width W --samples S --seed s` on the same backend.
 *
 * @example
 * await setupBackend();
 * measureActivations({ activation: 'relu', init: initSpec('he_normal'), depth: 5, width: 100, samples: 1000, seed: 0 })[4].std;
 */
export function measureActivations(net: ActivationsNet): LayerStats[] {
  const inputs = activationInputs(net.seed, net.samples, net.width, net.input);
  return measureLayers(net.activation, activationKernels(net.init, net.seed, net.depth, net.width), inputs, net.samples, net.width);
}
