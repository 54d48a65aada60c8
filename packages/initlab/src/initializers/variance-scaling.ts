/**
 * Fan-based initializers: variance scaling (Keras), Glorot/Xavier, He/Kaiming and LeCun.
 *
 * Each keeps the variance of activations (fanIn) or of gradients (fanOut) the same from layer to layer, given
 * the layer's fans in the chosen layout. The `*_normal` presets draw from an UNTRUNCATED normal, as PyTorch and
 * the formulas do; `variance_scaling` with `distribution: 'truncated_normal'` gives Keras/JAX's corrected
 * truncated normal with the same variance.
 *
 * One plan computes them all: a preset is a row of data (fan mode, distribution, variance scale as a function of
 * its options) over the variance-scaling plan, as in JAX, so `heNormal()` and
 * `varianceScaling({scale: 2, mode: 'fan_in', distribution: 'normal'})` give the same bits.
 */
import { fail } from '../errors.ts';
import { computeFans, type Fans, type Layout } from '../fans.ts';
import { isPytorchNonlinearity, NONLINEARITIES, varianceGain, type Nonlinearity } from '../gain.ts';
import type { Shape } from '../shape.ts';
import { formatNumber as f } from '../format.ts';
import { createInitializer, defineInitializer, type Initializer, type InitializerDefinition, type Plan } from './initializer.ts';
import type { ChoiceOptionSchema, OptionSchemas, ResolvedOptionsOf } from './options.ts';
import { normalPlan, truncatedNormalPlan, uniformPlan } from './plans.ts';

/**
 * Standard deviation of 𝒩(0, 1) truncated to (−2, 2): √(1 − 4φ(2)/(2Φ(2) − 1)). Keras and JAX divide by it so that
 * a normal truncated at ±2σ still has variance σ² (the "corrected" truncated normal).
 */
export const TRUNCATED_NORMAL_STD_AT_2 = 0.87962566103423978;

/** Fan modes. */
export const FAN_MODES = ['fan_in', 'fan_out', 'fan_avg'] as const;
/** Which fan a variance-scaling initializer divides by; `fan_avg` = (fanIn + fanOut)/2. */
export type FanMode = (typeof FAN_MODES)[number];

/** Distributions of {@link varianceScaling}. */
export const DISTRIBUTIONS = ['truncated_normal', 'normal', 'uniform'] as const;
/** `truncated_normal` (corrected, cut at ±2σ'), `normal` (untruncated) or `uniform`. */
export type Distribution = (typeof DISTRIBUTIONS)[number];

const MODE_ALIASES = { fanIn: 'fan_in', fanOut: 'fan_out', fanAvg: 'fan_avg' } as const;

/** The `mode` option over some of the fan modes, the first being the default; only their aliases are accepted. */
function modeOption<const M extends FanMode>(values: readonly [M, ...M[]], doc: string): ChoiceOptionSchema<M> {
  const aliases: Record<string, M> = {};
  for (const [alias, mode] of Object.entries(MODE_ALIASES)) {
    const accepted = values.find((value) => value === mode);
    if (accepted !== undefined) aliases[alias] = accepted;
  }
  return { type: 'choice', doc, values, default: values[0], aliases };
}

const gainOption = { type: 'number', doc: 'multiplier of the std (and of the bound)', default: 1, min: 0, minExclusive: true } as const;

/** The fan a mode selects, failing with a clear message when it is zero. */
function selectFan(where: string, fans: Fans, mode: FanMode, shape: Shape): number {
  const fan = mode === 'fan_in' ? fans.fanIn : mode === 'fan_out' ? fans.fanOut : (fans.fanIn + fans.fanOut) / 2;
  if (!(fan > 0)) {
    const name = mode === 'fan_in' ? 'fanIn' : mode === 'fan_out' ? 'fanOut' : '(fanIn + fanOut)/2';
    fail('invalid_shape', where, 'shape', `a shape with ${name} > 0`, shape);
  }
  return fan;
}

const fanSymbol = (mode: FanMode): string => (mode === 'fan_in' ? 'fanIn' : mode === 'fan_out' ? 'fanOut' : 'fanAvg');

/** What one variance-scaling draw needs: Var(w) = scale/n, with n the fan that `mode` selects. */
interface VarianceScalingParameters {
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  /** How the formula names the scale: `scale` (variance_scaling), `gain²` (Glorot, He) or `1` (LeCun). */
  readonly scaleSymbol: string;
}

/**
 * The one plan of the variance-scaling family. With n the selected fan and Var = scale/n:
 * normal: std = √(scale/n), untruncated; uniform: limit = √(3·scale/n);
 * truncated_normal: σ' = √(scale/n)/0.87962566103423978, cut at ±2σ' (so the std after truncation is √(scale/n)).
 */
function varianceScalingPlan(where: string, p: VarianceScalingParameters, shape: Shape, layout: Layout): Plan {
  const fans = computeFans(shape, layout);
  const n = selectFan(where, fans, p.mode, shape);
  const std = Math.sqrt(p.scale / n);
  const ratio = `${p.scaleSymbol}/${fanSymbol(p.mode)}`;
  const numbers = `${f(p.scale)}/${f(n)}`;
  switch (p.distribution) {
    case 'uniform': {
      const limit = Math.sqrt((3 * p.scale) / n);
      return uniformPlan(-limit, limit, `limit = √(3·${ratio}) = √(3·${numbers}) = ${f(limit)}`, fans);
    }
    case 'normal':
      return normalPlan(0, std, `std = √(${ratio}) = √(${numbers}) = ${f(std)}`, fans);
    case 'truncated_normal': {
      const sigma = std / TRUNCATED_NORMAL_STD_AT_2;
      const text = `σ' = √(${ratio})/0.879626 = √(${numbers})/0.879626 = ${f(sigma)}, cut at ±2σ', std ${f(std)}`;
      return truncatedNormalPlan(0, sigma, -2 * sigma, 2 * sigma, text, fans);
    }
  }
}

/** Definition of {@link varianceScaling}. */
export const varianceScalingDefinition = defineInitializer({
  name: 'variance_scaling',
  elementwise: true,
  summary: 'The general form of Glorot, He and LeCun: variance scale/fan, with Keras semantics (corrected truncated normal by default).',
  formula: "truncated_normal: σ' = √(scale/n)/0.8796256610342398 cut at ±2σ' (std √(scale/n)); normal: std = √(scale/n); uniform: limit = √(3·scale/n)",
  reference: 'Keras VarianceScaling; JAX variance_scaling',
  options: {
    scale: { type: 'number', doc: 'variance multiplier', default: 1, min: 0, minExclusive: true },
    mode: modeOption(FAN_MODES, 'which fan n divides the variance: fan_in, fan_out or fan_avg'),
    distribution: {
      type: 'choice',
      doc: 'truncated_normal (Keras default, corrected), normal (untruncated) or uniform',
      values: DISTRIBUTIONS,
      default: 'truncated_normal',
      aliases: { untruncated_normal: 'normal', truncatedNormal: 'truncated_normal' },
    },
  },
  plan: ({ scale, mode, distribution }, shape, layout) =>
    varianceScalingPlan('variance_scaling', { scale, mode, distribution, scaleSymbol: 'scale' }, shape, layout),
});

/**
 * A Glorot, He or LeCun preset as a row of data over {@link varianceScalingPlan}, as JAX defines them
 * (`he_normal = variance_scaling(2.0, "fan_in", …)`): which fan, which distribution, and the variance scale as a
 * function of the preset's options. The presets draw untruncated normals, as PyTorch does.
 */
interface Preset<S extends OptionSchemas> {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly summary: string;
  /** The general formula, as `initlab list` shows it. */
  readonly formula: string;
  readonly reference: string;
  readonly distribution: 'normal' | 'uniform';
  readonly options: S;
  /** The fan n: fixed (fan_avg for Glorot, fan_in for LeCun) or the `mode` option (He). */
  readonly mode: (o: ResolvedOptionsOf<S>) => FanMode;
  /** The variance scale: gain·gain (Glorot), varianceGain(nonlinearity, negativeSlope) (He) or 1 (LeCun). */
  readonly scale: (o: ResolvedOptionsOf<S>) => number;
  /** How the formula with numbers names the scale. */
  readonly scaleSymbol: string;
}

function presetDefinition<const S extends OptionSchemas>(preset: Preset<S>): InitializerDefinition<S> {
  return {
    name: preset.name,
    elementwise: true,
    ...(preset.aliases && { aliases: preset.aliases }),
    summary: preset.summary,
    formula: preset.formula,
    reference: preset.reference,
    options: preset.options,
    plan: (o, shape, layout) =>
      varianceScalingPlan(
        preset.name,
        { scale: preset.scale(o), mode: preset.mode(o), distribution: preset.distribution, scaleSymbol: preset.scaleSymbol },
        shape,
        layout,
      ),
  };
}

/** Glorot's variance scale: the square of its `gain` option. */
const glorotScale = ({ gain }: { readonly gain: number }): number => gain * gain;
/**
 * He's variance scale: the variance gain of its nonlinearity. PyTorch's table for the names PyTorch knows (so
 * `kaiming_normal_` is reproduced bit for bit); for the others (gelu, silu, mish, …) the gain that the mode
 * preserves: fan_in keeps the forward signal, 1/E[φ(z)²]; fan_out keeps the gradient, 1/E[φ′(z)²] (He et al. 2015,
 * eqs. 10 and 13, with φ in place of ReLU).
 */
const heScale = (o: { readonly mode: FanMode; readonly nonlinearity: Nonlinearity; readonly negativeSlope: number }): number =>
  isPytorchNonlinearity(o.nonlinearity)
    ? varianceGain(o.nonlinearity, o.negativeSlope)
    : varianceGain(o.nonlinearity, { definition: o.mode === 'fan_out' ? 'backward' : 'forward', negativeSlope: o.negativeSlope });
const heMode = (o: { readonly mode: 'fan_in' | 'fan_out' }): FanMode => o.mode;

/** Definition of {@link glorotUniform}. */
export const glorotUniformDefinition = presetDefinition({
  name: 'glorot_uniform',
  formula: 'limit = gain·√(6/(fanIn + fanOut)), w ~ 𝒰[−limit, limit)',
  aliases: ['xavier_uniform'],
  summary: 'For tanh and sigmoid layers: keeps activation and gradient variance equal across layers (Keras default for Dense and Conv).',
  reference: 'Glorot & Bengio 2010, eq. 16',
  distribution: 'uniform',
  options: { gain: gainOption },
  mode: () => 'fan_avg',
  scale: glorotScale,
  scaleSymbol: 'gain²',
});

/** Definition of {@link glorotNormal}. */
export const glorotNormalDefinition = presetDefinition({
  name: 'glorot_normal',
  formula: 'std = gain·√(2/(fanIn + fanOut)), w ~ 𝒩(0, std²) untruncated',
  aliases: ['xavier_normal'],
  summary: 'For tanh and sigmoid layers: variance 2/(fanIn + fanOut), the compromise between forward and backward signal.',
  reference: 'Glorot & Bengio 2010; PyTorch xavier_normal_',
  distribution: 'normal',
  options: { gain: gainOption },
  mode: () => 'fan_avg',
  scale: glorotScale,
  scaleSymbol: 'gain²',
});

const heOptions = {
  mode: modeOption(['fan_in', 'fan_out'], 'fan_in preserves activations (forward), fan_out preserves gradients (backward)'),
  nonlinearity: {
    type: 'choice',
    doc: "the nonlinearity that follows the layer; sets the variance gain (relu: 2; PyTorch's table for its names, 1/E[φ²] (fan_in) or 1/E[φ′²] (fan_out) for gelu, silu, mish, …)",
    values: NONLINEARITIES,
    default: 'relu',
  },
  negativeSlope: { type: 'number', doc: 'negative slope of leaky_relu (PyTorch a)', default: 0 },
} as const;

/** Definition of {@link heNormal}. */
export const heNormalDefinition = presetDefinition({
  name: 'he_normal',
  formula: 'std = √(gain²/fan), gain² = varianceGain(nonlinearity, negativeSlope) (relu: 2), w ~ 𝒩(0, std²) untruncated',
  aliases: ['kaiming_normal'],
  summary: 'For ReLU-family layers: twice the variance of LeCun/Xavier, so activations keep their scale even in deep ReLU nets.',
  reference: 'He, Zhang, Ren & Sun 2015, eq. 10; PyTorch kaiming_normal_',
  distribution: 'normal',
  options: heOptions,
  mode: heMode,
  scale: heScale,
  scaleSymbol: 'gain²',
});

/** Definition of {@link heUniform}. */
export const heUniformDefinition = presetDefinition({
  name: 'he_uniform',
  formula: 'limit = √(3·gain²/fan), gain² = varianceGain(nonlinearity, negativeSlope) (relu: 2), w ~ 𝒰[−limit, limit)',
  aliases: ['kaiming_uniform'],
  summary: 'For ReLU-family layers, uniform form of He: same variance 2/fanIn.',
  reference: 'He et al. 2015; PyTorch kaiming_uniform_',
  distribution: 'uniform',
  options: heOptions,
  mode: heMode,
  scale: heScale,
  scaleSymbol: 'gain²',
});

/** Definition of {@link lecunNormal}. */
export const lecunNormalDefinition = presetDefinition({
  name: 'lecun_normal',
  formula: 'std = √(1/fanIn), w ~ 𝒩(0, std²) untruncated',
  summary: 'For SELU layers (self-normalizing networks) and linear layers: variance 1/fanIn.',
  reference: 'LeCun, Bottou, Orr & Müller 1998; Klambauer et al. 2017',
  distribution: 'normal',
  options: {},
  mode: () => 'fan_in',
  scale: () => 1,
  scaleSymbol: '1',
});

/** Definition of {@link lecunUniform}. */
export const lecunUniformDefinition = presetDefinition({
  name: 'lecun_uniform',
  formula: 'limit = √(3/fanIn), w ~ 𝒰[−limit, limit)',
  summary: 'Uniform form of LeCun: variance 1/fanIn.',
  reference: 'LeCun et al. 1998',
  distribution: 'uniform',
  options: {},
  mode: () => 'fan_in',
  scale: () => 1,
  scaleSymbol: '1',
});

/** Options of {@link varianceScaling}. */
export interface VarianceScalingOptions {
  /** Variance multiplier (default 1). */
  readonly scale?: number;
  /** Fan n (default `fan_in`). */
  readonly mode?: FanMode;
  /** Default `truncated_normal` (Keras). */
  readonly distribution?: Distribution;
}

/** Options of {@link heNormal} and {@link heUniform}. */
export interface HeOptions {
  /** Default `fan_in`. */
  readonly mode?: 'fan_in' | 'fan_out';
  /** Default `relu`. */
  readonly nonlinearity?: Nonlinearity;
  /** Negative slope of leaky_relu (default 0, PyTorch's `a`). */
  readonly negativeSlope?: number;
}

/**
 * Variance scaling, Keras semantics: with n = fanIn, fanOut or (fanIn + fanOut)/2,
 * truncated_normal: σ' = √(scale/n)/0.87962566103423978, cut at ±2σ' (so the std is √(scale/n));
 * normal: std = √(scale/n), untruncated (Keras treats 'normal' as truncated; initlab, like JAX, does not);
 * uniform: limit = √(3·scale/n).
 * @see Keras `VarianceScaling`; He et al. 2015 and Glorot & Bengio 2010 for the presets.
 * @example
 * const w = varianceScaling({ scale: 2 })([3, 3, 64, 128], keyFromSeed(1)); // Keras he_normal: corrected truncated normal
 * varianceScaling({ scale: 2 }).describe([3, 3, 64, 128]).std; // √(2/576) = 0.05892556509887896
 */
export function varianceScaling(options: VarianceScalingOptions = {}): Initializer {
  return createInitializer(varianceScalingDefinition, options);
}

/**
 * Glorot (Xavier) uniform: limit = gain·√(6/(fanIn + fanOut)), w ~ 𝒰[−limit, limit). Computed as
 * {@link varianceScaling} with scale = gain·gain, mode fan_avg, distribution uniform (the same bits).
 * @see Glorot, X. & Bengio, Y. (2010). Understanding the difficulty of training deep feedforward neural networks. AISTATS, PMLR 9:249–256.
 * @example
 * const w = glorotUniform()([784, 256], keyFromSeed(1)); // Float32Array, limit √(6/1040) ≈ 0.0760 (Keras Dense default)
 */
export function glorotUniform(options: { readonly gain?: number } = {}): Initializer {
  return createInitializer(glorotUniformDefinition, options);
}

/**
 * Glorot (Xavier) normal: std = gain·√(2/(fanIn + fanOut)), untruncated (PyTorch `xavier_normal_`). Computed as
 * {@link varianceScaling} with scale = gain·gain, mode fan_avg, distribution normal (the same bits).
 * @see Glorot & Bengio (2010), AISTATS, PMLR 9:249–256.
 * @example
 * const w = glorotNormal({ gain: 5 / 3 })([256, 256], keyFromSeed(1)); // for tanh: std (5/3)·√(2/512) ≈ 0.104
 */
export function glorotNormal(options: { readonly gain?: number } = {}): Initializer {
  return createInitializer(glorotNormalDefinition, options);
}

/**
 * He (Kaiming) normal: std = √(gain²/fan) with gain² = {@link varianceGain}(nonlinearity, negativeSlope) (relu: 2,
 * so std = √(2/fanIn)), untruncated as PyTorch's `kaiming_normal_`. Computed as {@link varianceScaling} with that
 * scale, the chosen mode and distribution normal (the same bits).
 * @see He, K., Zhang, X., Ren, S. & Sun, J. (2015). Delving deep into rectifiers. ICCV. arXiv:1502.01852.
 * @example
 * const w = heNormal()([784, 256], keyFromSeed(1)); // Float32Array, std √(2/784)
 * const v = heNormal({ mode: 'fan_out' })([256, 784], keyFromSeed(2), { layout: 'torch' }); // kaiming_normal_(mode='fan_out')
 */
export function heNormal(options: HeOptions = {}): Initializer {
  return createInitializer(heNormalDefinition, options);
}

/**
 * He (Kaiming) uniform: limit = √(3·gain²/fan) with gain² = {@link varianceGain}(nonlinearity, negativeSlope)
 * (relu: √(6/fanIn)). Computed as {@link varianceScaling} with that scale and distribution uniform.
 * @see He et al. (2015), arXiv:1502.01852.
 * @example
 * // PyTorch's nn.Linear(784, 256) default, kaiming_uniform_(a=√5): limit 1/√784
 * const w = heUniform({ nonlinearity: 'leaky_relu', negativeSlope: Math.sqrt(5) })([256, 784], keyFromSeed(1), { layout: 'torch' });
 */
export function heUniform(options: HeOptions = {}): Initializer {
  return createInitializer(heUniformDefinition, options);
}

/**
 * LeCun normal: std = √(1/fanIn), untruncated ({@link varianceScaling} with scale 1, fan_in, normal). With SELU it
 * gives self-normalizing networks.
 * @see LeCun, Y., Bottou, L., Orr, G. & Müller, K.-R. (1998). Efficient BackProp. Neural Networks: Tricks of the Trade.
 * @see Klambauer, G. et al. (2017). Self-normalizing neural networks. NeurIPS. arXiv:1706.02515.
 * @example
 * const w = lecunNormal()([512, 512], keyFromSeed(1)); // std √(1/512), for SELU networks
 */
export function lecunNormal(): Initializer {
  return createInitializer(lecunNormalDefinition);
}

/**
 * LeCun uniform: limit = √(3/fanIn) ({@link varianceScaling} with scale 1, fan_in, uniform).
 * @see LeCun et al. (1998), Efficient BackProp.
 * @example
 * const w = lecunUniform()([512, 512], keyFromSeed(1)); // limit √(3/512) ≈ 0.0765
 */
export function lecunUniform(): Initializer {
  return createInitializer(lecunUniformDefinition);
}
