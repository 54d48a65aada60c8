/**
 * Experiment `signal`: signal propagation through 50-layer random dense nets with GELU, SiLU and tanh, at three
 * weight scales — the forward gain 1/√E[φ(z)²], PyTorch's gain (5/3 for tanh; the relu gain √2 for GELU and SiLU,
 * which PyTorch has no value for and llm-foundry uses as "closest"), and the edge of chaos (σ_w, σ_b from
 * `criticalInit` at σ_b² = 0.05) — measured per-layer pre-activation variance against the mean-field length map
 * q_{l+1} = σ_w²·E[φ(√q_l·z)²] + σ_b² (Poole et al. 2016).
 *
 * Net: inputs x ~ 𝒩(0, I); layer 1 has σ_w = 1 (its input is data, not an activation, so its pre-activation
 * variance starts at 1 + σ_b²); layers 2 … depth use the setting's σ_w; weights 𝒩(0, σ_w²/width), biases
 * 𝒩(0, σ_b²), each drawn from `fold(root, [activation, setting, layer, 'kernel' | 'bias'])`.
 */
import * as tf from '@tensorflow/tfjs';
import { activationMoments, criticalInit, fillNormal, fold, gain, keyFromSeed, lengthMap, normal, fail } from 'initlab';
import { setupBackend } from '../engine/backend.ts';
import { signalPropagationSpec, type SignalRow } from '../plot/signal-figures.ts';
import type { Claim, Experiment } from './experiment.ts';

/** Activations of the experiment. */
export const SIGNAL_ACTIVATIONS = ['gelu', 'silu', 'tanh'] as const;
type SignalActivation = (typeof SIGNAL_ACTIVATIONS)[number];
/** Weight scales compared. */
export const SIGNAL_SETTINGS = ['forward', 'pytorch', 'critical'] as const;
type SignalSetting = (typeof SIGNAL_SETTINGS)[number];

/** Config of `signal`. */
export interface SignalConfig {
  readonly depth: number;
  readonly width: number;
  /** Inputs per net. */
  readonly batch: number;
  /** σ_b² of the edge-of-chaos setting. */
  readonly sigmaB2: number;
  readonly seed: number;
}

/** One net of the experiment. */
export interface SignalRun {
  readonly activation: SignalActivation;
  readonly setting: SignalSetting;
  readonly sigmaW: number;
  readonly sigmaB: number;
  /** Measured mean of z² over the batch and units, per layer (the pre-activation variance q_l). */
  readonly measured: number[];
  /** The length map from q_1 = measured input mean square + σ_b²: the prediction for every layer. */
  readonly predicted: number[];
  /** One-step prediction: q̂_{l+1} = σ_w²·E[φ(√q_l·z)²] + σ_b² from the measured q_l (q̂_1 = predicted q_1). */
  readonly oneStep: number[];
  /** The fixed point q* of the setting's length map (NaN when there is none in reach) and its slope χ_q there. */
  readonly qStar: number;
  readonly chiQ: number;
}

/** Result of `signal`. */
export interface SignalResult {
  readonly config: SignalConfig;
  readonly runs: SignalRun[];
}

/** Largest mean (signed) relative error of the one-step prediction that counts as unbiased (see `signalClaims`). */
export const ONE_STEP_BIAS = 0.05;
/** Standard errors the mean one-step error may be away from 0. */
export const STANDARD_ERRORS = 3;
/** The forward gain "keeps" the variance when q at the last layer is within a factor 2 of 1. */
export const KEEP_FACTOR = 2;
/** Vanishing: q at the last layer below this. */
export const VANISHED = 1e-2;
/** Standard deviations of the finite-width scatter of q at the last layer that still count as "at q*". */
export const CONVERGED_SDS = 3;

/**
 * The relative standard deviation of q at a deep layer around an attracting fixed point: each layer's mean of z² over
 * `width` units scatters by about √(2/width) (a χ² with `width` degrees of freedom, the worst case where the batch's
 * examples have become alike), and the length map passes a fraction χ_q of the previous deviation on, so the
 * stationary scatter of this AR(1) process is √(2/width)/√(1 − χ_q²).
 */
export function convergedMargin(width: number, chiQ: number): number {
  return (CONVERGED_SDS * Math.sqrt(2 / width)) / Math.sqrt(1 - chiQ * chiQ);
}

const DEFAULTS: SignalConfig = { depth: 50, width: 256, batch: 256, sigmaB2: 0.05, seed: 0 };

/** σ_w and σ_b of a setting. */
export function signalScales(activation: SignalActivation, setting: SignalSetting, sigmaB2: number): { sigmaW: number; sigmaB: number } {
  if (setting === 'forward') return { sigmaW: gain(activation, { definition: 'forward' }), sigmaB: 0 };
  if (setting === 'pytorch') return { sigmaW: activation === 'tanh' ? gain('tanh') : gain('relu'), sigmaB: 0 };
  const c = criticalInit(activation, { sigmaB: Math.sqrt(sigmaB2) });
  return { sigmaW: c.sigmaW, sigmaB: c.sigmaB };
}

/** The fixed point of q ↦ σ_w²·E[φ(√q·z)²] + σ_b² reached by iterating from q = 1 (NaN if it leaves [1e-8, 1e6]) and its slope. */
function fixedPoint(activation: SignalActivation, sigmaW: number, sigmaB: number): { qStar: number; chiQ: number } {
  const q = lengthMap(activation, { sigmaW, sigmaB, layers: 2000 }).at(-1)!;
  if (!(q > 1e-8 && q < 1e6)) return { qStar: Number.NaN, chiQ: Number.NaN };
  const h = 1e-4 * q;
  const slope =
    (sigmaW * sigmaW * (activationMoments(activation, { q: q + h }).secondMoment - activationMoments(activation, { q: q - h }).secondMoment)) / (2 * h);
  return { qStar: q, chiQ: slope };
}

function apply(activation: SignalActivation, z: tf.Tensor2D): tf.Tensor2D {
  switch (activation) {
    case 'tanh':
      return tf.tanh(z);
    case 'silu':
      return tf.mul(z, tf.sigmoid(z));
    case 'gelu':
      return tf.mul(tf.mul(z, 0.5), tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2))));
  }
}

const label = (setting: SignalSetting, activation: SignalActivation): string =>
  setting === 'forward' ? 'forward gain' : setting === 'pytorch' ? (activation === 'tanh' ? 'PyTorch 5/3' : 'relu gain √2') : 'edge of chaos';

function runNet(config: SignalConfig, activation: SignalActivation, setting: SignalSetting, inputs: tf.Tensor2D, inputMeanSquare: number): SignalRun {
  const { sigmaW, sigmaB } = signalScales(activation, setting, config.sigmaB2);
  const root = fold(keyFromSeed(config.seed), ['signal', activation, setting]);
  const measured: number[] = [];
  const oneStep: number[] = [];
  let h: tf.Tensor2D = inputs;
  for (let l = 0; l < config.depth; l++) {
    const scale = l === 0 ? 1 : sigmaW;
    const w = normal({ std: scale / Math.sqrt(config.width) })([config.width, config.width], fold(root, [l, 'kernel'])) as Float32Array;
    const b = sigmaB > 0 ? (normal({ std: sigmaB })([config.width], fold(root, [l, 'bias'])) as Float32Array) : null;
    const previous = h;
    const [z, q] = tf.tidy(() => {
      const pre = tf.matMul(previous, tf.tensor2d(w, [config.width, config.width]));
      const out = b ? tf.add(pre, tf.tensor1d(b)) : pre;
      return [out, tf.mean(tf.square(out))] as [tf.Tensor2D, tf.Scalar];
    });
    measured.push(q.dataSync()[0]!);
    q.dispose();
    if (l === 0) oneStep.push(inputMeanSquare + sigmaB * sigmaB);
    else oneStep.push(sigmaW * sigmaW * activationMoments(activation, { q: Math.min(Math.max(measured[l - 1]!, 1e-300), 1e6) }).secondMoment + sigmaB * sigmaB);
    h = tf.tidy(() => apply(activation, z));
    z.dispose();
    if (previous !== inputs) previous.dispose();
  }
  if (h !== inputs) h.dispose();
  const q1 = inputMeanSquare + sigmaB * sigmaB;
  const predicted = [
    q1,
    ...(config.depth > 1
      ? lengthMap(activation, { sigmaW, sigmaB, layers: config.depth - 1, inputSecondMoment: activationMoments(activation, { q: q1 }).secondMoment })
      : []),
  ];
  return { activation, setting, sigmaW, sigmaB, measured, predicted, oneStep, ...fixedPoint(activation, sigmaW, sigmaB) };
}

const relative = (a: number, b: number): number => Math.abs(a / b - 1);
const fmt = (x: number): string => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : Number(x.toPrecision(3)).toString());

/**
 * Claims. One step of the length map is exact in expectation over the weights, so each layer's relative error is
 * sampling scatter: up to √5/√width per layer for ReLU-like φ (E[φ⁴]/E[φ²]² = 6) once the examples have become alike.
 * The claim therefore tests for bias: the mean signed error over all layers must be within 3 standard errors
 * (sd/√count of the errors themselves) of 0 and below 5% — a wrong map (σ_w in place of σ_w², a missing σ_b²) is
 * biased in every layer. Convergence to a fixed point uses {@link convergedMargin}.
 */
function signalClaims(result: SignalResult): Claim[] {
  const { config, runs } = result;
  const last = (r: SignalRun): number => r.measured.at(-1)!;
  const claims: Claim[] = [];
  // 1. The one-step map, where the variance is in a measurable range.
  const errors = runs.flatMap((r) => r.measured.flatMap((m, l) => (l > 0 && m > 1e-6 && m < 1e6 ? [{ r, l, error: m / r.oneStep[l]! - 1 }] : [])));
  const worst = errors.reduce((a, b) => (Math.abs(b.error) > Math.abs(a.error) ? b : a), errors[0]!);
  const meanError = errors.reduce((a, e) => a + e.error, 0) / errors.length;
  const sd = Math.sqrt(errors.reduce((a, e) => a + (e.error - meanError) * (e.error - meanError), 0) / (errors.length - 1));
  const standardError = sd / Math.sqrt(errors.length);
  claims.push({
    claim: `The mean-field length map q′ = σ_w²·E[φ(√q·z)²] + σ_b² predicts each layer's variance from the layer before, without bias (GELU, SiLU, tanh; ${config.depth} layers of ${config.width}).`,
    measurement:
      `mean signed relative error over ${errors.length} layers of ${runs.length} nets ${fmt(meanError)} ± ${fmt(standardError)} (standard error; allowed: within ${STANDARD_ERRORS} standard errors of 0 and below ${ONE_STEP_BIAS}); ` +
      `per-layer scatter sd ${fmt(sd)}, largest ${fmt(worst.error)} (${worst.r.activation}, ${label(worst.r.setting, worst.r.activation)}, layer ${worst.l + 1}).`,
    held: Math.abs(meanError) <= STANDARD_ERRORS * standardError && Math.abs(meanError) <= ONE_STEP_BIAS,
  });
  // 2. Forward gain keeps q at 1.
  for (const r of runs.filter((x) => x.setting === 'forward')) {
    const q = last(r);
    claims.push({
      claim: `At the forward gain 1/√E[φ²] (${fmt(r.sigmaW)}), ${r.activation}'s pre-activation variance stays at 1 through ${config.depth} layers.`,
      measurement: `q at layer ${config.depth}: ${fmt(q)} (required within ×${KEEP_FACTOR} of 1; full mean-field recursion ${fmt(r.predicted.at(-1)!)}; slope of the length map at q = 1: χ_q = ${fmt(slopeAtOne(r))}, ${slopeAtOne(r) > 1 ? 'a repelling fixed point, so finite-width noise grows' : 'an attracting fixed point'}).`,
      held: q <= KEEP_FACTOR && q >= 1 / KEEP_FACTOR,
    });
  }
  // 3. PyTorch's / relu gain.
  for (const r of runs.filter((x) => x.setting === 'pytorch')) {
    const q = last(r);
    if (r.activation === 'tanh') {
      const margin = convergedMargin(config.width, r.chiQ);
      claims.push({
        claim: `PyTorch's 5/3 for tanh does not keep the variance at 1: it settles at the fixed point q* = ${fmt(r.qStar)} of its length map.`,
        measurement: `q at layer ${config.depth}: ${fmt(q)} vs q* ${fmt(r.qStar)} (relative ${fmt(relative(q, r.qStar))}; margin ${fmt(margin)} = ${CONVERGED_SDS} sd of the finite-width scatter at χ_q ${fmt(r.chiQ)}).`,
        held: relative(q, r.qStar) <= margin && relative(q, 1) > margin / CONVERGED_SDS,
      });
    } else {
      claims.push({
        claim: `The relu gain √2 (what users take for ${r.activation}, which PyTorch has no gain for) makes a deep ${r.activation} net's signal vanish.`,
        measurement: `q at layer ${config.depth}: ${fmt(q)} (vanished: below ${VANISHED}); mean-field recursion ${fmt(r.predicted.at(-1)!)}.`,
        held: q < VANISHED,
      });
    }
  }
  // 4. Edge of chaos.
  for (const r of runs.filter((x) => x.setting === 'critical')) {
    const c = criticalInit(r.activation, { sigmaB: Math.sqrt(config.sigmaB2) });
    const q = last(r);
    const margin = c.chiQ < 1 ? convergedMargin(config.width, c.chiQ) : 0;
    claims.push({
      claim: `At the edge of chaos (σ_b² = ${config.sigmaB2}, σ_w² = ${fmt(c.sigmaW2)}), ${r.activation}'s variance converges to the critical fixed point q* = ${fmt(c.qStar)}.`,
      measurement: `q at layer ${config.depth}: ${fmt(q)} (relative distance ${fmt(relative(q, c.qStar))}, margin ${c.chiQ < 1 ? `${fmt(margin)} = ${CONVERGED_SDS} sd of the finite-width scatter` : 'none: the fixed point repels'}); slope of the length map at q*: χ_q = ${fmt(c.chiQ)} (${c.chiQ < 1 ? 'attracting' : 'repelling: q runs away from q*'}).`,
      held: c.chiQ < 1 && relative(q, c.qStar) <= margin,
    });
  }
  return claims;
}

/** χ_q = σ_w²·dE[φ(√q·z)²]/dq at q = 1. */
function slopeAtOne(r: SignalRun): number {
  const h = 1e-4;
  return (
    (r.sigmaW * r.sigmaW * (activationMoments(r.activation, { q: 1 + h }).secondMoment - activationMoments(r.activation, { q: 1 - h }).secondMoment)) / (2 * h)
  );
}

function checkConfig(config: SignalConfig): void {
  const positive = (key: keyof SignalConfig, max: number): void => {
    const v = config[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) fail('invalid_option', 'signal', key, `an integer in [1, ${max}]`, v);
  };
  positive('depth', 1000);
  positive('width', 4096);
  positive('batch', 8192);
  if (typeof config.sigmaB2 !== 'number' || !(config.sigmaB2 > 0 && config.sigmaB2 <= 10))
    fail('invalid_option', 'signal', 'sigmaB2', 'a number in (0, 10]', config.sigmaB2);
  if (!Number.isSafeInteger(config.seed)) fail('invalid_option', 'signal', 'seed', 'a safe integer', config.seed);
}

/** Experiment `signal`. */
export const signalExperiment: Experiment<SignalConfig, SignalResult> = {
  name: 'signal',
  title: 'Signal propagation: forward gain, PyTorch gain and edge of chaos in 50-layer GELU, SiLU and tanh nets',
  options: [
    { key: 'depth', kind: 'integer', description: `layers (default ${DEFAULTS.depth})` },
    { key: 'width', kind: 'integer', description: `units per layer (default ${DEFAULTS.width}; quick 128)` },
    { key: 'batch', kind: 'integer', description: `random inputs per net (default ${DEFAULTS.batch}; quick 128)` },
    { key: 'sigmaB2', kind: 'number', description: `σ_b² of the edge-of-chaos nets (default ${DEFAULTS.sigmaB2})` },
    { key: 'seed', kind: 'integer', description: 'seed of weights and inputs (default: the report seed, 0)' },
  ],
  defaults(quick, seed) {
    return quick ? { ...DEFAULTS, width: 128, batch: 128, seed } : { ...DEFAULTS, seed };
  },
  async run(config, onProgress) {
    checkConfig(config);
    await setupBackend();
    const values = fillNormal(fold(keyFromSeed(config.seed), ['signal', 'inputs']), new Float32Array(config.batch * config.width));
    let meanSquare = 0;
    for (const v of values) meanSquare += v * v;
    meanSquare /= values.length;
    const inputs = tf.tensor2d(values, [config.batch, config.width]);
    const runs: SignalRun[] = [];
    const total = SIGNAL_ACTIVATIONS.length * SIGNAL_SETTINGS.length;
    try {
      for (const activation of SIGNAL_ACTIVATIONS) {
        for (const setting of SIGNAL_SETTINGS) {
          runs.push(runNet(config, activation, setting, inputs, meanSquare));
          onProgress?.(runs.length, total);
        }
      }
    } finally {
      inputs.dispose();
    }
    return { config, runs };
  },
  figures(result) {
    const rows: SignalRow[] = result.runs.flatMap((r) =>
      r.measured.map((m, l) => ({
        panel: r.activation,
        series: label(r.setting, r.activation),
        layer: l + 1,
        measured: Math.sqrt(m),
        predicted: Math.sqrt(r.predicted[l]!),
      })),
    );
    return [
      {
        name: 'signal-propagation',
        caption:
          `Std of the pre-activations per layer (√q_l) in ${result.config.depth}-layer random nets of width ${result.config.width}, measured on ${result.config.batch} ` +
          'Gaussian inputs (solid) and predicted by the mean-field length map from the input (dashed), log scale.',
        spec: signalPropagationSpec({ title: 'Signal propagation by activation and weight scale', rows, yTitle: 'std of pre-activations', log: true }),
      },
    ];
  },
  claims: signalClaims,
  reading(result) {
    const { config, runs } = result;
    const find = (a: SignalActivation, s: SignalSetting): SignalRun => runs.find((r) => r.activation === a && r.setting === s)!;
    const q = (a: SignalActivation, s: SignalSetting): string => fmt(find(a, s).measured.at(-1)!);
    const slope = (a: SignalActivation): string => fmt(slopeAtOne(find(a, 'forward')));
    return (
      `After ${config.depth} layers of ${config.width}, the pre-activation variance q is ${q('tanh', 'forward')} for tanh at its forward gain and ${q('tanh', 'pytorch')} with PyTorch's 5/3 ` +
      `(the length map's fixed point there is ${fmt(find('tanh', 'pytorch').qStar)}); GELU and SiLU at the relu gain √2 end at ${q('gelu', 'pytorch')} and ${q('silu', 'pytorch')} ` +
      `(near 0 they behave like x/2, so √2 halves q per layer). At their forward gains GELU and SiLU end at ${q('gelu', 'forward')} and ${q('silu', 'forward')}: q = 1 is a fixed point ` +
      `of their length maps but its slope χ_q is ${slope('gelu')} and ${slope('silu')} (tanh: ${slope('tanh')}), so finite-width deviations grow by that factor per layer; at the edge of chaos ` +
      `(σ_b² = ${config.sigmaB2}) q ends at ${q('tanh', 'critical')} for tanh (q* ${fmt(criticalInit('tanh', { sigmaB: Math.sqrt(config.sigmaB2) }).qStar)}), ` +
      `${q('gelu', 'critical')} for GELU and ${q('silu', 'critical')} for SiLU.`
    );
  },
  table(result) {
    return {
      columns: ['activation', 'weights', 'σ_w', 'σ_b', `q at layer ${result.config.depth} (measured)`, 'q (mean field)', 'fixed point q*', 'χ_q at q*'],
      rows: result.runs.map((r) => [
        r.activation,
        label(r.setting, r.activation),
        fmt(r.sigmaW),
        fmt(r.sigmaB),
        fmt(r.measured.at(-1)!),
        fmt(r.predicted.at(-1)!),
        Number.isNaN(r.qStar) ? '–' : fmt(r.qStar),
        Number.isNaN(r.chiQ) ? '–' : fmt(r.chiQ),
      ]),
    };
  },
};
