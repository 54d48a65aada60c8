/**
 * Activation functions φ and their derivatives φ′ in reproducible arithmetic, and their Gaussian moments
 * E[φ(√q·z)], E[φ(√q·z)²], E[φ′(√q·z)²] for z ~ 𝒩(0, 1): what forward/backward gains and the mean-field
 * recursion of Poole et al. (2016) need.
 *
 * Every function here is built from + − × ÷, √ and the library's own exp, log and Φ (random/special.ts), never from
 * the engine-rounded exp and tanh of the Math object, so the moments, gains and critical points are the same bits everywhere.
 *
 * @module
 */
import { fail } from './errors.ts';
import { gaussHermiteExpectation, splitExpectation } from './quadrature.ts';
import { exp, log, normalCdf } from './random/special.ts';
import { suggestion } from './suggest.ts';

/**
 * The activations whose moments initlab computes. `swish` is another name of `silu`; `gelu` is the exact
 * x·Φ(x) and `gelu_tanh` the tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (PyTorch
 * `approximate='tanh'`); `elu` has α = 1 and `selu` the constants of Klambauer et al. (2017).
 */
export const ACTIVATION_NAMES = [
  'linear',
  'relu',
  'leaky_relu',
  'elu',
  'selu',
  'gelu',
  'gelu_tanh',
  'silu',
  'swish',
  'mish',
  'softplus',
  'tanh',
  'sigmoid',
] as const;

/** A name in {@link ACTIVATION_NAMES}. */
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** SELU's α and λ (Klambauer et al. 2017, eq. 14), as PyTorch and TF.js write them. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_LAMBDA = 1.0507009873554805;

/** √(2/π), the constant of the tanh form of GELU. */
const SQRT_2_OVER_PI = 0.7978845608028654;
/** 1/√(2π). */
const INV_SQRT_2PI = 0.3989422804014327;

// ---------------------------------------------------------------------------------------------------------------
// Elementary functions from exp and log
// ---------------------------------------------------------------------------------------------------------------

/** eˣ − 1 without cancellation near 0: Taylor series for |x| < ½ (terms to x¹⁹/19!, error < 1e-22), else exp(x) − 1. */
export function expm1(x: number): number {
  if (!(Math.abs(x) < 0.5)) return exp(x) - 1;
  let term = x;
  let sum = x;
  for (let k = 2; k <= 19; k++) {
    term = (term * x) / k;
    sum += term;
  }
  return sum;
}

/** ln(1 + u) without cancellation for small u (Goldberg's correction: ln(w)·u/(w − 1) with w = 1 + u rounded). */
export function log1p(u: number): number {
  const w = 1 + u;
  if (w === 1) return u;
  return (log(w) * u) / (w - 1);
}

/** tanh x = t/(t + 2) with t = e^(2|x|) − 1, sign restored; ±1 beyond |x| = 20. */
export function tanh(x: number): number {
  const a = Math.abs(x);
  if (a > 20) return x > 0 ? 1 : -1;
  const t = expm1(2 * a);
  const y = t / (t + 2);
  return x < 0 ? -y : y;
}

/** The logistic sigmoid 1/(1 + e^(−x)), evaluated on the side where the exponential does not overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + exp(-x));
  const e = exp(x);
  return e / (1 + e);
}

/** softplus(x) = ln(1 + eˣ), as x + ln(1 + e^(−x)) for x > 0 so that it never overflows. */
export function softplus(x: number): number {
  return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

// ---------------------------------------------------------------------------------------------------------------
// φ and φ′
// ---------------------------------------------------------------------------------------------------------------

/** φ(x) and φ′(x) of one activation (φ′ of a kinked activation at exactly 0 is its right derivative). */
interface ActivationPair {
  readonly value: (x: number) => number;
  readonly derivative: (x: number) => number;
  /** Smooth (analytic) on the real line: Gauss–Hermite applies; otherwise the expectation is split at the kink 0. */
  readonly smooth: boolean;
}

/** φ and φ′ of an activation; leaky_relu takes its negative slope. */
function pair(name: ActivationName, negativeSlope: number): ActivationPair {
  switch (name) {
    case 'linear':
      return { value: (x) => x, derivative: () => 1, smooth: true };
    case 'relu':
      return { value: (x) => (x > 0 ? x : 0), derivative: (x) => (x > 0 ? 1 : 0), smooth: false };
    case 'leaky_relu':
      return { value: (x) => (x > 0 ? x : negativeSlope * x), derivative: (x) => (x > 0 ? 1 : negativeSlope), smooth: false };
    case 'elu':
      return { value: (x) => (x > 0 ? x : expm1(x)), derivative: (x) => (x > 0 ? 1 : exp(x)), smooth: false };
    case 'selu':
      return {
        value: (x) => SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * expm1(x)),
        derivative: (x) => SELU_LAMBDA * (x > 0 ? 1 : SELU_ALPHA * exp(x)),
        smooth: false,
      };
    case 'gelu':
      return { value: (x) => x * normalCdf(x), derivative: (x) => normalCdf(x) + x * INV_SQRT_2PI * exp(-0.5 * x * x), smooth: true };
    case 'gelu_tanh':
      return {
        value: (x) => 0.5 * x * (1 + tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))),
        derivative: (x) => {
          const t = tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
          return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
        },
        smooth: true,
      };
    case 'silu':
    case 'swish':
      return {
        value: (x) => x * sigmoid(x),
        derivative: (x) => {
          const s = sigmoid(x);
          return s * (1 + x * (1 - s));
        },
        smooth: true,
      };
    case 'mish':
      return {
        value: (x) => x * tanh(softplus(x)),
        derivative: (x) => {
          const t = tanh(softplus(x));
          return t + x * (1 - t * t) * sigmoid(x);
        },
        smooth: true,
      };
    case 'softplus':
      return { value: softplus, derivative: sigmoid, smooth: true };
    case 'tanh':
      return {
        value: tanh,
        derivative: (x) => {
          const t = tanh(x);
          return 1 - t * t;
        },
        smooth: true,
      };
    case 'sigmoid':
      return {
        value: sigmoid,
        derivative: (x) => {
          const s = sigmoid(x);
          return s * (1 - s);
        },
        smooth: true,
      };
  }
}

/**
 * Checks an activation name (PyTorch's conv* and conv_transpose* names count as `linear`), failing with a
 * suggestion for an unknown one.
 *
 * @throws InitError `unknown_name` naming `where` and `parameter`.
 */
export function activationName(name: unknown, where: string, parameter = 'nonlinearity'): ActivationName {
  if (typeof name === 'string') {
    if ((ACTIVATION_NAMES as readonly string[]).includes(name)) return name as ActivationName;
    if (/^conv(_transpose)?[123]d$/.test(name)) return 'linear';
  }
  return fail('unknown_name', where, parameter, `one of ${ACTIVATION_NAMES.join(', ')}${suggestion(name, ACTIVATION_NAMES)}`, name);
}

/** Default negative slope of leaky ReLU (PyTorch's `nn.LeakyReLU` and `calculate_gain`). */
const DEFAULT_SLOPE = 0.01;

/** Checks a negative slope, defaulting to 0.01. */
function slopeOf(where: string, negativeSlope: unknown): number {
  const slope = negativeSlope ?? DEFAULT_SLOPE;
  if (typeof slope !== 'number' || !Number.isFinite(slope)) fail('invalid_option', where, 'negativeSlope', 'a finite negative slope for leaky_relu', slope);
  return slope;
}

/**
 * The value φ(x) of an activation, in reproducible arithmetic.
 *
 * @throws InitError `unknown_name` for an unknown activation (with a suggestion), `invalid_option` for a bad slope.
 * @example
 * activation('gelu', 1); // 0.8413447460685429 = 1·Φ(1)
 * activation('leaky_relu', -2, { negativeSlope: 0.2 }); // -0.4
 */
export function activation(name: string, x: number, options: { readonly negativeSlope?: number } = {}): number {
  const where = 'activation';
  return pair(activationName(name, where), slopeOf(where, options.negativeSlope)).value(x);
}

/** The Gaussian moments of an activation at pre-activation variance q. */
export interface ActivationMoments {
  /** E[φ(√q·z)], z ~ 𝒩(0, 1). */
  readonly mean: number;
  /** E[φ(√q·z)²]: the second moment that the next layer's variance is proportional to. */
  readonly secondMoment: number;
  /** E[φ′(√q·z)²]: the factor by which a backward pass scales the gradient's second moment. */
  readonly derivativeSecondMoment: number;
}

/** Options of {@link activationMoments}. */
export interface ActivationMomentsOptions {
  /** Variance q of the pre-activation (default 1). */
  readonly q?: number;
  /** Negative slope of leaky_relu (default 0.01). */
  readonly negativeSlope?: number;
}

/**
 * E[φ(√q·z)], E[φ(√q·z)²] and E[φ′(√q·z)²] for z ~ 𝒩(0, 1): the moments behind the forward gain 1/√E[φ²], the
 * backward gain 1/√E[φ′²] and the mean-field length map q ↦ σ_w²·E[φ(√q·z)²] + σ_b² (Poole et al. 2016).
 *
 * Computed by 128-point Gauss–Hermite quadrature for smooth activations, and for those with a kink at 0 (relu,
 * leaky_relu, elu, selu) by splitting the integral at 0 with graded Gauss–Legendre panels (see quadrature.ts);
 * both are accurate to about 1e-13 at q = 1 (checked against closed forms and numpy references in the tests).
 *
 * @param name - One of {@link ACTIVATION_NAMES} (conv* names are linear).
 * @throws InitError `unknown_name` for an unknown activation, `invalid_option` for q not in (0, 1e6] or a bad slope.
 * @example
 * activationMoments('relu').secondMoment; // 0.5
 * activationMoments('gelu').secondMoment; // 0.42522148..., = 1/3 + 1/(2π√3)
 * activationMoments('tanh', { q: 0.57 }).derivativeSecondMoment; // E[tanh′(√0.57·z)²]
 */
export function activationMoments(name: string, options: ActivationMomentsOptions = {}): ActivationMoments {
  const where = 'activationMoments';
  const q = options.q ?? 1;
  if (typeof q !== 'number' || !(q > 0 && q <= 1e6)) fail('invalid_option', where, 'q', 'a variance in (0, 1e6]', q);
  return momentsOf(pair(activationName(name, where), slopeOf(where, options.negativeSlope)), q);
}

/** The moments of φ at variance q (no validation). */
function momentsOf(p: ActivationPair, q: number): ActivationMoments {
  const scale = Math.sqrt(q);
  const integrand = (z: number, add: (index: number, value: number) => void): void => {
    const x = scale * z;
    const value = p.value(x);
    const derivative = p.derivative(x);
    add(0, value);
    add(1, value * value);
    add(2, derivative * derivative);
  };
  const [mean, secondMoment, derivativeSecondMoment] = p.smooth ? gaussHermiteExpectation(3, integrand) : splitExpectation(3, integrand);
  return { mean: mean!, secondMoment: secondMoment!, derivativeSecondMoment: derivativeSecondMoment! };
}

/**
 * The moments of a validated activation at variance q, for the library's own callers (critical points, the
 * diagnostics' predictions) that have already checked their inputs.
 */
export function momentsAt(name: ActivationName, q: number, negativeSlope = DEFAULT_SLOPE): ActivationMoments {
  return momentsOf(pair(name, negativeSlope), q);
}

/**
 * Whether φ is positively homogeneous (φ(cx) = c·φ(x) for c > 0: linear, relu, leaky_relu): then the length map is
 * linear in q and has no nontrivial fixed point.
 */
export function isHomogeneous(name: ActivationName): boolean {
  return name === 'linear' || name === 'relu' || name === 'leaky_relu';
}

/** φ(0) of a validated activation (softplus: ln 2; sigmoid: ½; the others 0). */
export function valueAtZero(name: ActivationName): number {
  return pair(name, DEFAULT_SLOPE).value(0);
}
