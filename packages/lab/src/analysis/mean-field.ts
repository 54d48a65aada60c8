/**
 * What the theory predicts for a deep plain net at initialization, before any sample is drawn: the mean-field
 * ("signal propagation") recursion of Poole et al. 2016 and Schoenholz et al. 2017, the argument behind Glorot &
 * Bengio 2010, He et al. 2015 and Klambauer et al. 2017 (SELU).
 *
 * With independent zero-mean weights of variance σ² and width n, the pre-activation of a unit of layer l is about
 * 𝒩(0, q_l), where q_1 = n·σ²·E[x²] and q_{l+1} = n·σ²·E[f(z_l)²]; the layer's outputs then have mean E[f(z)] and
 * std √(E[f(z)²] − E[f(z)]²) for z ~ 𝒩(0, q_l). Backwards, the gradient reaching layer l − 1 is the one reaching
 * layer l times n·σ²·E[f'(z_l)²] in variance. Gaussian expectations are computed by Simpson's rule over ±10 std.
 * Pure arithmetic: no TF.js, no Node import.
 */
import type { Activation } from '../engine/mlp.ts';

/** SELU's constants (Klambauer et al. 2017), as TF.js and PyTorch use them. */
const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

/**
 * erf(x) with an absolute error below 1.2e-7 (Numerical Recipes' erfc by Chebyshev fitting), enough for a
 * prediction.
 */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const tau =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - tau : tau - 1;
}

/**
 * The activation as a function of one number, for the theory (the engine applies it to tensors with TF.js).
 *
 * @example
 * scalarActivation('relu')(-1); // 0
 */
export function scalarActivation(activation: Activation, leakyAlpha = 0.01): (x: number) => number {
  switch (activation) {
    case 'sigmoid':
      return (x) => 1 / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh;
    case 'relu':
      return (x) => (x > 0 ? x : 0);
    case 'leaky_relu':
      return (x) => (x > 0 ? x : leakyAlpha * x);
    case 'selu':
      return (x) => SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
    case 'gelu':
      return (x) => 0.5 * x * (1 + erf(x * Math.SQRT1_2));
    case 'silu':
      return (x) => x / (1 + Math.exp(-x));
    case 'linear':
      return (x) => x;
  }
}

/** Simpson's rule intervals over [−10, 10] standard deviations. */
const INTERVALS = 2000;
const SPAN = 10;

/**
 * E[g(z)] for z ~ 𝒩(0, variance) (g(0) when the variance is 0).
 *
 * @example
 * gaussianExpectation((z) => z * z, 4); // ≈ 4
 */
export function gaussianExpectation(g: (z: number) => number, variance: number): number {
  if (!(variance > 0)) return g(0);
  const s = Math.sqrt(variance);
  const h = (2 * SPAN) / INTERVALS;
  let sum = 0;
  for (let i = 0; i <= INTERVALS; i++) {
    const t = -SPAN + i * h;
    const weight = i === 0 || i === INTERVALS ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * g(s * t) * Math.exp(-0.5 * t * t);
  }
  return (sum * h) / 3 / Math.sqrt(2 * Math.PI);
}

/** What {@link predictSignal} needs. */
export interface SignalSetup {
  readonly activation: Activation;
  /** Variance σ² of every weight (zero mean, independent entries assumed). */
  readonly weightVariance: number;
  /** Units per layer (= fan-in and fan-out of every square kernel). */
  readonly width: number;
  /** Number of layers. */
  readonly depth: number;
  /** E[x²] of the inputs: 1 for 𝒩(0, 1) and U(−√3, √3), 1/3 for U(0, 1). */
  readonly inputSecondMoment: number;
  /** Negative slope of leaky_relu (default 0.01). */
  readonly leakyAlpha?: number;
}

/** The prediction, one entry per layer (index 0 = layer 1). */
export interface SignalPrediction {
  /** Predicted mean of the layer's outputs. */
  readonly mean: number[];
  /** Predicted std of the layer's outputs. */
  readonly std: number[];
  /** Predicted variance of the layer's pre-activations. */
  readonly preActivationVariance: number[];
  /**
   * Predicted size of the gradient reaching each layer's outputs relative to the last layer's (1 at the last
   * layer): √ of the product of n·σ²·E[f'(z)²] over the layers above.
   */
  readonly gradientRatio: number[];
  /** n·σ²·E[f'(z)²] at the last layer: > 1 means gradients grow towards the input, < 1 that they vanish. */
  readonly backwardGain: number;
}

/**
 * The mean-field prediction of every layer's output mean and std and of the backward gradient profile.
 *
 * @example
 * predictSignal({ activation: 'relu', weightVariance: 2 / 100, width: 100, depth: 5, inputSecondMoment: 1 }).std;
 * // He init keeps E[h²] = 1 in every layer: std ≈ 0.825 (= √(1 − 1/(2π)·2)) at every depth
 */
export function predictSignal(setup: SignalSetup): SignalPrediction {
  const { activation, weightVariance, width, depth, inputSecondMoment } = setup;
  const f = scalarActivation(activation, setup.leakyAlpha);
  const derivative = (z: number): number => {
    const step = 1e-5 * Math.max(1, Math.abs(z));
    return (f(z + step) - f(z - step)) / (2 * step);
  };
  const gain = width * weightVariance;
  const mean: number[] = [];
  const std: number[] = [];
  const preActivationVariance: number[] = [];
  const backward: number[] = [];
  let q = gain * inputSecondMoment;
  for (let l = 0; l < depth; l++) {
    const m1 = gaussianExpectation(f, q);
    const m2 = gaussianExpectation((z) => f(z) ** 2, q);
    preActivationVariance.push(q);
    mean.push(m1);
    std.push(Math.sqrt(Math.max(0, m2 - m1 * m1)));
    backward.push(gain * gaussianExpectation((z) => derivative(z) ** 2, q));
    q = gain * m2;
  }
  const gradientRatio = new Array<number>(depth).fill(1);
  for (let l = depth - 2; l >= 0; l--) gradientRatio[l] = gradientRatio[l + 1]! * Math.sqrt(backward[l + 1]!);
  return { mean, std, preActivationVariance, gradientRatio, backwardGain: backward[depth - 1] ?? Number.NaN };
}
