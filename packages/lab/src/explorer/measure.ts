/**
 * What the explorer page computes for a state, with the lab's own code and no Node import (it runs in a Web
 * Worker; the tests and the benchmark run it in Node too):
 *
 * - the per-layer activation statistics and histograms of the `activations` experiment (experiments/
 *   activations-core.ts), equal bit for bit to `labCommand(state)` on the same backend;
 * - the mean-field prediction of every layer's std and of the gradient profile (analysis/mean-field.ts);
 * - one backward pass of the softmax cross-entropy (engine/backward.ts) through the same layers plus a 10-class
 *   output layer drawn by the same initializer (key `fold(keyFromSeed(seed), ['explorer', initKey(init),
 *   'output'])`), on the first {@link GRADIENT_BATCH} inputs with labels uniform over 10 classes (data stream
 *   `labels` of `explorer`); the gradient std of a layer is the RMS of ∂L/∂h over the batch and its units;
 * - the seed's claims that this (activation, initializer) pair tests (experiments/activations-claims.ts).
 *
 * {@link ExplorerSession} caches the inputs and kernels of the last state, so moving the activation or the depth
 * does not draw the weights again.
 */
import type { InitializerSpec } from 'initlab';
import { activationClaims } from '../experiments/activations-claims.ts';
import { activationInputs, ACTIVATIONS_NAME, measureLayers, type LayerStats } from '../experiments/activations-core.ts';
import type { Claim } from '../experiments/experiment.ts';
import { predictSignal, type SignalPrediction } from '../analysis/mean-field.ts';
import { denseKernel, streamKey, uniformLabels } from '../analysis/streams.ts';
import { backwardNorms } from '../engine/backward.ts';
import { INPUT_SECOND_MOMENT } from '../analysis/inputs.ts';
import { initializerOf, initKey } from '../init-arg.ts';
import type { ExplorerState } from './state.ts';

/** Number of inputs of the gradient pass (fewer when the state has fewer samples). */
export const GRADIENT_BATCH = 128;

/** Classes of the gradient pass's output layer. */
export const GRADIENT_CLASSES = 10;

/** The histogram part of a measurement (what the page draws first). */
export interface ActivationView {
  readonly layers: LayerStats[];
  /** The mean-field prediction, or null when the theory does not apply (see `predictionNote`). */
  readonly prediction: SignalPrediction | null;
  /** Why there is no prediction, or what it assumes. */
  readonly predictionNote: string;
  /** The seed's claims this pair tests, checked on these layers. */
  readonly claims: Claim[];
  /** Milliseconds spent: drawing inputs and kernels, the forward pass with statistics. */
  readonly timing: { readonly draw: number; readonly forward: number };
}

/** The gradient part of a measurement. */
export interface GradientView {
  /** RMS of ∂L/∂h per hidden layer (null where not finite). */
  readonly rms: (number | null)[];
  /** The batch's cross-entropy. */
  readonly loss: number | null;
  /** Inputs in the batch. */
  readonly batch: number;
  readonly milliseconds: number;
}

/**
 * The weight variance the theory uses for a square [width, width] kernel of `init`, or a note saying why it
 * does not apply (non-zero mean, e.g. ones or identity; or a shape the initializer rejects).
 */
export function weightVariance(init: InitializerSpec, width: number): { variance: number | null; note: string } {
  try {
    const { mean, std } = initializerOf(init).describe([width, width]);
    if (mean !== 0) return { variance: null, note: `No prediction: the theory assumes zero-mean weights, and these have mean ${mean}.` };
    return {
      variance: std * std,
      note: `Prediction: the mean-field recursion with weight variance ${(std * std).toPrecision(3)} (std ${std.toPrecision(3)}).`,
    };
  } catch (error) {
    return { variance: null, note: `No prediction: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Inputs of a preview measurement. */
export const PREVIEW_SAMPLES = 100;

/**
 * Forward-pass multiply-adds (samples × width² × depth) above which the page shows a preview first: about 70 ms on
 * TF.js's wasm backend in Chromium on the benchmark machine (2 cores, ~6 G multiply-adds/s).
 */
export const PREVIEW_WORK = 4e8;

/**
 * How many inputs a quick first measurement of `state` should use, or null when the full one is quick anyway:
 * {@link PREVIEW_SAMPLES} when the forward pass costs more than {@link PREVIEW_WORK} multiply-adds and the state has
 * more than twice as many samples. With width 500, depth 10 and 1000 samples the full histograms take about 0.4 s
 * and the preview 0.07 s, so a slider answers at once and the exact numbers follow.
 *
 * @example
 * previewSamples({ ...DEFAULT_EXPLORER_STATE, depth: 10, width: 500, samples: 1000 }); // 100
 * previewSamples(DEFAULT_EXPLORER_STATE); // null (5 layers of width 100: quick)
 */
export function previewSamples(state: Pick<ExplorerState, 'samples' | 'width' | 'depth'>): number | null {
  const work = state.samples * state.width * state.width * state.depth;
  return work > PREVIEW_WORK && state.samples > 2 * PREVIEW_SAMPLES ? PREVIEW_SAMPLES : null;
}

/** Caches of the last inputs and kernels; one per worker. */
export class ExplorerSession {
  private inputsKey = '';
  private inputs: Float32Array = new Float32Array(0);
  private kernelsKey = '';
  private kernels: Float32Array[] = [];
  private outputKey = '';
  private output: Float32Array = new Float32Array(0);

  /** The inputs of a state, drawn again only when seed, samples, width or input distribution change. */
  inputsOf(state: ExplorerState): Float32Array {
    const key = `${state.seed}|${state.samples}|${state.width}|${state.input}`;
    if (key !== this.inputsKey) {
      this.inputs = activationInputs(state.seed, state.samples, state.width, state.input);
      this.inputsKey = key;
    }
    return this.inputs;
  }

  /**
   * The first `depth` kernels of a state (the activations experiment's streams): layers already drawn for the same
   * seed, initializer and width are reused.
   *
   * @throws InitError when the initializer cannot make a [width, width] kernel.
   */
  kernelsOf(state: ExplorerState): Float32Array[] {
    const key = `${state.seed}|${initKey(state.init)}|${state.width}`;
    if (key !== this.kernelsKey) {
      this.kernels = [];
      this.kernelsKey = key;
    }
    for (let i = this.kernels.length; i < state.depth; i++) {
      this.kernels.push(denseKernel(state.init, state.seed, ACTIVATIONS_NAME, i, state.width, state.width));
    }
    return this.kernels.slice(0, state.depth);
  }

  /** The output kernel [width, 10] of the gradient pass. */
  outputKernelOf(state: ExplorerState): Float32Array {
    const key = `${state.seed}|${initKey(state.init)}|${state.width}`;
    if (key !== this.outputKey) {
      this.output = initializerOf(state.init)([state.width, GRADIENT_CLASSES], streamKey(state.seed, 'explorer', initKey(state.init), 'output'));
      this.outputKey = key;
    }
    return this.output;
  }

  /**
   * The activation statistics, the prediction and the claims of a state. The TF.js backend must be ready.
   *
   * @throws InitError when the initializer cannot make a [width, width] kernel.
   * @example
   * const view = new ExplorerSession().activations(DEFAULT_EXPLORER_STATE); // view.layers[4].saturated ≈ 0.9
   */
  activations(state: ExplorerState): ActivationView {
    const start = performance.now();
    const inputs = this.inputsOf(state);
    const kernels = this.kernelsOf(state);
    const drawn = performance.now();
    const layers = measureLayers(state.activation, kernels, inputs, state.samples, state.width);
    const forward = performance.now() - drawn;
    const { variance, note } = weightVariance(state.init, state.width);
    const prediction =
      variance === null
        ? null
        : predictSignal({
            activation: state.activation,
            weightVariance: variance,
            width: state.width,
            depth: state.depth,
            inputSecondMoment: INPUT_SECOND_MOMENT[state.input],
          });
    const claims = activationClaims([{ activation: state.activation, init: state.init, layers }]);
    return { layers, prediction, predictionNote: note, claims, timing: { draw: drawn - start, forward } };
  }

  /**
   * The gradient RMS of every layer for a state (one backward pass; see the module comment). The TF.js backend
   * must be ready.
   */
  gradients(state: ExplorerState): GradientView {
    const start = performance.now();
    const batch = Math.min(GRADIENT_BATCH, state.samples);
    const inputs = this.inputsOf(state).subarray(0, batch * state.width);
    const kernels = [...this.kernelsOf(state), this.outputKernelOf(state)];
    const labels = uniformLabels(state.seed, 'explorer', 'labels', batch, GRADIENT_CLASSES);
    const sizes = [...new Array<number>(state.depth + 1).fill(state.width), GRADIENT_CLASSES];
    const norms = backwardNorms(kernels, sizes, state.activation, inputs, labels);
    const scale = Math.sqrt(batch * state.width);
    return {
      rms: norms.activation.map((n) => (Number.isFinite(n) ? n / scale : null)),
      loss: Number.isFinite(norms.loss) ? norms.loss : null,
      batch,
      milliseconds: performance.now() - start,
    };
  }
}
