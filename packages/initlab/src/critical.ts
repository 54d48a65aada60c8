/**
 * Mean-field signal propagation in deep random networks (Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli 2016,
 * arXiv:1606.05340; Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017, arXiv:1611.01232): the length map, and the
 * edge-of-chaos initialization where the correlation map's slope χ₁ is 1.
 *
 * A dense layer with weights w ~ 𝒩(0, σ_w²/n) and biases b ~ 𝒩(0, σ_b²) maps the pre-activation variance q of its
 * input layer to q′ = σ_w²·E[φ(√q·z)²] + σ_b², z ~ 𝒩(0, 1) (the length map). Its fixed point q* is where deep
 * networks settle; there, χ₁ = σ_w²·E[φ′(√q*·z)²] decides the phase: below 1 inputs become correlated with depth
 * and gradients vanish (ordered), above 1 they decorrelate and gradients explode (chaotic).
 *
 * All expectations are Gauss quadratures in reproducible arithmetic (activations.ts), so the results are the same
 * bits on every engine.
 *
 * @module
 */
import { activationName, isHomogeneous, momentsAt, valueAtZero, type ActivationName } from './activations.ts';
import { fail } from './errors.ts';
import { log } from './random/special.ts';

/** Options of {@link criticalInit}. */
export interface CriticalInitOptions {
  /** Std σ_b of the biases (≥ 0); the weights' σ_w is what is solved for. */
  readonly sigmaB: number;
  /** Negative slope of leaky_relu (default 0.01). */
  readonly negativeSlope?: number;
}

/** The edge-of-chaos initialization of an activation at a given σ_b. */
export interface CriticalInit {
  /** σ_w: initialize the weights with std σ_w/√fanIn (i.e. `normal({std: sigmaW / Math.sqrt(fanIn)})`). */
  readonly sigmaW: number;
  /** σ_w², the weight variance times fanIn. */
  readonly sigmaW2: number;
  /** σ_b, as given: initialize the biases with 𝒩(0, σ_b²). */
  readonly sigmaB: number;
  /**
   * The fixed point q* of the length map (the variance of the pre-activations deep in the network). 0 when σ_b = 0
   * and φ(0) = 0 for a smooth φ (tanh: σ_w = 1, q* = 0); NaN when every q is a fixed point (linear, relu and
   * leaky_relu with σ_b = 0).
   */
  readonly qStar: number;
  /** χ₁ = σ_w²·E[φ′(√q*·z)²] at the solution: 1 up to rounding (returned as a check). */
  readonly chi1: number;
  /**
   * χ_q = σ_w²·∂E[φ(√q·z)²]/∂q at q*: the slope of the length map at its fixed point. Below 1 the fixed point
   * attracts (tanh: 0.518 at σ_b² = 0.05); above 1 it repels, so the variance runs away from q* with depth (GELU and
   * SiLU: their edge-of-chaos fixed points have χ_q > 1).
   */
  readonly chiQ: number;
  /**
   * ξ_q = −1/ln χ_q with χ_q = σ_w²·∂E[φ(√q·z)²]/∂q at q*: the number of layers over which the variance of a signal
   * relaxes to q* (Schoenholz et al. 2017, eq. 5). The correlation depth scale ξ_c = −1/ln χ₁ diverges at the edge of
   * chaos, so ξ_q is the depth scale that stays finite there. Infinity when the fixed point is not attracting
   * (or when every q is a fixed point).
   */
  readonly depthScale: number;
}

/** The smallest and largest q* searched for. */
const Q_MIN = 1e-8;
const Q_MAX = 1e4;

/**
 * The edge-of-chaos initialization (Schoenholz et al. 2017, §3): the σ_w at which χ₁ = 1 for the given σ_b, the
 * fixed point q* of the length map there, and the depth scale ξ_q.
 *
 * Solved as one equation in q: at criticality σ_w² = 1/E[φ′(√q·z)²], and q* must be a fixed point,
 * q = E[φ(√q·z)²]/E[φ′(√q·z)²] + σ_b². The smallest root in [1e-8, 1e4] is bracketed on a grid of ratio √2 and
 * refined by bisection to the last bit.
 *
 * @throws InitError `unknown_name` for an unknown activation (with a suggestion); `invalid_option` for σ_b < 0 or
 *   not finite, and for an activation with no edge of chaos at that σ_b (relu, leaky_relu and linear with σ_b > 0:
 *   at χ₁ = 1 their length map adds σ_b² per layer, so the variance grows without bound).
 * @see Poole et al. (2016), arXiv:1606.05340, eqs. 3 and 7; Schoenholz et al. (2017), arXiv:1611.01232, eqs. 2–5.
 * @example
 * const c = criticalInit('tanh', { sigmaB: Math.sqrt(0.05) });
 * c.sigmaW2; // 1.7610…
 * c.qStar;   // 0.5700…
 * const w = normal({ std: c.sigmaW / Math.sqrt(256) })([256, 256], keyFromSeed(1));
 */
export function criticalInit(nonlinearity: string, options: CriticalInitOptions): CriticalInit {
  const where = 'criticalInit';
  const name = activationName(nonlinearity, where);
  if (options === null || typeof options !== 'object') fail('invalid_argument', where, 'options', 'an object {sigmaB, negativeSlope?}', options);
  const { sigmaB } = options;
  if (typeof sigmaB !== 'number' || !Number.isFinite(sigmaB) || sigmaB < 0) fail('invalid_option', where, 'sigmaB', 'a finite number ≥ 0', sigmaB);
  const slope = options.negativeSlope ?? 0.01;
  if (typeof slope !== 'number' || !Number.isFinite(slope)) fail('invalid_option', where, 'negativeSlope', 'a finite number', slope);
  const sigmaB2 = sigmaB * sigmaB;
  const moments = (q: number) => momentsAt(name, q, slope);

  if (isHomogeneous(name)) {
    if (sigmaB2 > 0) {
      fail(
        'invalid_option',
        where,
        'sigmaB',
        `0 for ${name}, which has no edge of chaos with biases (at χ₁ = 1 its length map adds σ_b² every layer, so the variance grows without bound)`,
        sigmaB,
      );
    }
    const sigmaW2 = 1 / moments(1).derivativeSecondMoment;
    return { sigmaW: Math.sqrt(sigmaW2), sigmaW2, sigmaB, qStar: Number.NaN, chi1: 1, chiQ: 1, depthScale: Infinity };
  }

  // F(q) = E[φ²]/E[φ′²] + σ_b² − q: positive below the smallest fixed point, negative just above it.
  const excess = (q: number): number => {
    const m = moments(q);
    return m.secondMoment / m.derivativeSecondMoment + sigmaB2 - q;
  };
  let lo = Number.NaN;
  let hi = Number.NaN;
  let previousQ = Q_MIN;
  let previous = excess(previousQ);
  for (let q = Q_MIN * Math.SQRT2; q <= Q_MAX; q *= Math.SQRT2) {
    const value = excess(q);
    if (previous > 0 && value <= 0) {
      lo = previousQ;
      hi = q;
      break;
    }
    previousQ = q;
    previous = value;
  }
  if (Number.isNaN(lo)) {
    if (sigmaB2 === 0 && valueAtZero(name) === 0) return zeroFixedPoint(name, sigmaB);
    return fail('invalid_option', where, 'sigmaB', `a value at which ${name} has an edge of chaos (no fixed point q* in [1e-8, 1e4] with χ₁ = 1)`, sigmaB);
  }
  for (;;) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (excess(mid) > 0) lo = mid;
    else hi = mid;
  }
  const qStar = 0.5 * (lo + hi);
  const atStar = moments(qStar);
  const sigmaW2 = 1 / atStar.derivativeSecondMoment;
  const chiQ = lengthMapSlope(name, slope, sigmaW2, qStar);
  return {
    sigmaW: Math.sqrt(sigmaW2),
    sigmaW2,
    sigmaB,
    qStar,
    chi1: sigmaW2 * atStar.derivativeSecondMoment,
    chiQ,
    depthScale: chiQ > 0 && chiQ < 1 ? -1 / log(chiQ) : Infinity,
  };
}

/** σ_b = 0 and φ(0) = 0 with no positive fixed point: q* = 0 and σ_w = 1/|φ′(0)| (tanh: 1). */
function zeroFixedPoint(name: ActivationName, sigmaB: number): CriticalInit {
  const slope = momentsAt(name, 1e-12).derivativeSecondMoment; // φ′(0)², to ~1e-12
  const sigmaW2 = 1 / slope;
  return { sigmaW: Math.sqrt(sigmaW2), sigmaW2, sigmaB, qStar: 0, chi1: 1, chiQ: 1, depthScale: Infinity };
}

/**
 * χ_q = σ_w²·dE[φ(√q·z)²]/dq at q (central difference with relative step 1e-4: truncation error ~1e-8 relative).
 * Exported for the lab and the diagnostics, which ask whether a fixed point attracts.
 */
export function lengthMapSlope(name: ActivationName, slope: number, sigmaW2: number, q: number): number {
  const h = 1e-4 * q;
  return (sigmaW2 * (momentsAt(name, q + h, slope).secondMoment - momentsAt(name, q - h, slope).secondMoment)) / (2 * h);
}

/** Options of {@link lengthMap}. */
export interface LengthMapOptions {
  /** σ_w: weights with std σ_w/√fanIn. */
  readonly sigmaW: number;
  /** σ_b: biases with std σ_b (default 0). */
  readonly sigmaB?: number;
  /** Number of layers (≥ 1). */
  readonly layers: number;
  /** Mean square E[x²] of the network's input per unit (default 1). */
  readonly inputSecondMoment?: number;
  /** Negative slope of leaky_relu (default 0.01). */
  readonly negativeSlope?: number;
}

/**
 * The mean-field prediction of the pre-activation variance of every layer of a deep random dense network: q₁ =
 * σ_w²·E[x²] + σ_b² for the input, then q_{l+1} = σ_w²·E[φ(√q_l·z)²] + σ_b² (Poole et al. 2016, eq. 3). Exact in the
 * limit of infinite width; at finite width the measured variances scatter around it.
 *
 * @returns q₁, …, q_L (pre-activation variances of layers 1 … L).
 * @throws InitError `unknown_name` for an unknown activation; `invalid_option` for a bad σ_w, σ_b, layer count or
 *   input moment.
 * @see Poole et al. (2016), arXiv:1606.05340, eq. 3.
 * @example
 * lengthMap('relu', { sigmaW: Math.SQRT2, layers: 3 }); // [2, 2, 2]: He init keeps the variance
 * lengthMap('gelu', { sigmaW: Math.SQRT2, layers: 50 }).at(-1); // ≪ 1: the relu gain makes a GELU net's signal vanish
 */
export function lengthMap(nonlinearity: string, options: LengthMapOptions): number[] {
  const where = 'lengthMap';
  const name = activationName(nonlinearity, where);
  if (options === null || typeof options !== 'object') fail('invalid_argument', where, 'options', 'an object {sigmaW, sigmaB?, layers, ...}', options);
  const { sigmaW, sigmaB = 0, layers, inputSecondMoment = 1, negativeSlope = 0.01 } = options;
  const finiteNonNegative = (value: unknown, parameter: string): void => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail('invalid_option', where, parameter, 'a finite number ≥ 0', value);
  };
  finiteNonNegative(sigmaW, 'sigmaW');
  finiteNonNegative(sigmaB, 'sigmaB');
  finiteNonNegative(inputSecondMoment, 'inputSecondMoment');
  if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) fail('invalid_option', where, 'negativeSlope', 'a finite number', negativeSlope);
  if (typeof layers !== 'number' || !Number.isInteger(layers) || layers < 1 || layers > 100_000) {
    fail('invalid_option', where, 'layers', 'an integer in [1, 100000]', layers);
  }
  const sigmaW2 = sigmaW * sigmaW;
  const sigmaB2 = sigmaB * sigmaB;
  const q: number[] = [sigmaW2 * inputSecondMoment + sigmaB2];
  for (let l = 1; l < layers; l++) {
    const previous = q[l - 1]!;
    const atZero = valueAtZero(name);
    const second = previous > 0 && Number.isFinite(previous) ? momentsAt(name, previous, negativeSlope).secondMoment : atZero * atZero;
    q.push(Number.isFinite(previous) ? sigmaW2 * second + sigmaB2 : previous);
  }
  return q;
}
