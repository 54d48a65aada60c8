/**
 * Recommended gains: the factor by which a nonlinearity's initializer standard deviation is multiplied so that
 * activations keep their scale through layers — PyTorch's `calculate_gain` table by default, and the forward and
 * backward gains computed from an activation's Gaussian moments — and the same for the variance, which the
 * variance-scaling presets use.
 */
import { activationName, momentsAt } from './activations.ts';
import { fail } from './errors.ts';
import { suggestion } from './suggest.ts';

/** The nonlinearities of PyTorch's `calculate_gain` table (the `pytorch` definition). */
export const PYTORCH_NONLINEARITIES = [
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
  'tanh',
  'relu',
  'leaky_relu',
  'selu',
] as const;

/**
 * Nonlinearities that {@link gain} knows: PyTorch's table, then the activations PyTorch has no gain for, whose
 * gains are computed from their Gaussian moments (`forward`/`backward` definitions).
 */
export const NONLINEARITIES = [...PYTORCH_NONLINEARITIES, 'elu', 'gelu', 'gelu_tanh', 'silu', 'swish', 'mish', 'softplus'] as const;

/** A nonlinearity name accepted by {@link gain}. */
export type Nonlinearity = (typeof NONLINEARITIES)[number];

/** Default negative slope of leaky ReLU when {@link gain} gets none (PyTorch's `calculate_gain`). */
export const DEFAULT_LEAKY_RELU_SLOPE = 0.01;

/** How a gain is defined; see {@link gain}. */
export const GAIN_DEFINITIONS = ['pytorch', 'forward', 'backward'] as const;
/** `pytorch` (the `calculate_gain` table), `forward` = 1/√E[φ(z)²], `backward` = 1/√E[φ′(z)²], z ~ 𝒩(0, 1). */
export type GainDefinition = (typeof GAIN_DEFINITIONS)[number];

/** Options of {@link gain} and {@link varianceGain}. */
export interface GainOptions {
  /**
   * Default: `pytorch` for the names in PyTorch's table ({@link PYTORCH_NONLINEARITIES}), `forward` for the others
   * (PyTorch has no value for them).
   */
  readonly definition?: GainDefinition;
  /** Negative slope of leaky_relu (default 0.01); ignored by the other nonlinearities. */
  readonly negativeSlope?: number;
}

/**
 * The recommended gain for a nonlinearity: the factor by which an initializer's std is multiplied.
 *
 * Three definitions (z ~ 𝒩(0, 1)):
 * - `pytorch` (the default for the names PyTorch knows, and the only one before 0.4): PyTorch's `calculate_gain`
 *   table — linear, conv*, conv_transpose*, sigmoid → 1; tanh → 5/3; relu → √2; leaky_relu → √(2/(1 + slope²));
 *   selu → 3/4. tanh's 5/3 (PyTorch PR #1172) and selu's 3/4 (PR #50664, found empirically) are heuristics;
 *   sigmoid's 1 ignores the activation altogether.
 * - `forward` = 1/√E[φ(z)²]: the gain that keeps the second moment of the pre-activations at 1 from layer to layer
 *   (Var(y) = n·Var(w)·E[x²], He et al. 2015 eq. 7 generalized). It reproduces PyTorch's linear, relu and leaky_relu
 *   values and gives tanh 1.5925, sigmoid 1.8462, GELU 1.5335 (E[φ²] = 1/3 + 1/(2π√3)), SiLU 1.6765, Mish 1.4868,
 *   SELU 1. The default for the names PyTorch does not know.
 * - `backward` = 1/√E[φ′(z)²]: the gain that keeps the gradient's second moment (He et al. 2015, eq. 13) when the
 *   pre-activations have unit variance: relu √2, tanh 1.4674, GELU 1.4811.
 *
 * The moments are computed by Gauss quadrature in reproducible arithmetic (see {@link activationMoments}), so the
 * values are the same bits on every engine.
 *
 * @param param - The negative slope of leaky_relu (a number, as PyTorch), or {@link GainOptions}.
 * @throws InitError `unknown_name` for an unknown nonlinearity (with a suggestion), `invalid_option` for a non-finite
 *   slope, an unknown definition, or `pytorch` asked for a nonlinearity PyTorch has no gain for.
 * @see PyTorch `torch.nn.init.calculate_gain`; He, Zhang, Ren & Sun (2015), arXiv:1502.01852, §2.2.
 * @example
 * gain('relu'); // 1.4142135623730951 (√2)
 * gain('leaky_relu', 0.2); // 1.3867504905630728, as torch.nn.init.calculate_gain
 * gain('gelu'); // 1.5335304411955... (forward: PyTorch has no gelu gain)
 * gain('tanh', { definition: 'forward' }); // 1.5925374... (PyTorch: 5/3)
 */
export function gain(nonlinearity: string, param?: number | GainOptions): number {
  const { name, definition, slope } = resolveGain('gain', nonlinearity, param);
  if (definition === 'pytorch') return pytorchGain(name, slope);
  return 1 / Math.sqrt(secondMoment(name, definition, slope));
}

/**
 * The recommended variance gain for a nonlinearity, gain²: the factor by which the variance 1/fan is multiplied.
 *
 * `pytorch` (the default for PyTorch's names): linear, conv*, conv_transpose*, sigmoid → 1; tanh → 25/9; relu → 2;
 * leaky_relu → 2/(1 + slope²); selu → 9/16 — the squares of PyTorch's `calculate_gain` values (torch/nn/init.py),
 * written as exact fractions rather than computed as gain(…)², which is not exact in floating point
 * (√2·√2 = 2.0000000000000004). The He presets use it as their variance scale: he_normal with relu is
 * variance_scaling with scale 2, bit for bit. `forward` = 1/E[φ(z)²] and `backward` = 1/E[φ′(z)²] (see {@link gain}),
 * the default being `forward` for the names PyTorch does not know.
 *
 * @param param - The negative slope of leaky_relu (a number), or {@link GainOptions}.
 * @throws InitError `unknown_name` for an unknown nonlinearity, `invalid_option` for a non-finite slope or a bad definition.
 * @example
 * varianceGain('relu'); // 2
 * varianceGain('leaky_relu', 0.2); // 2/1.04 = 1.923076923076923
 * varianceGain('tanh') === 25 / 9; // true, while gain('tanh') ** 2 is 2.777777777777778
 * varianceGain('gelu'); // 2.3517... = 1/E[gelu(z)²]
 */
export function varianceGain(nonlinearity: string, param?: number | GainOptions): number {
  const { name, definition, slope } = resolveGain('varianceGain', nonlinearity, param);
  if (definition === 'pytorch') return pytorchVarianceGain(name, slope);
  return 1 / secondMoment(name, definition, slope);
}

/**
 * Whether PyTorch's `calculate_gain` has a value for this name.
 *
 * @example
 * isPytorchNonlinearity('leaky_relu'); // true
 * isPytorchNonlinearity('gelu'); // false: its gain uses the `forward` definition
 */
export function isPytorchNonlinearity(name: string): boolean {
  return (PYTORCH_NONLINEARITIES as readonly string[]).includes(name);
}

/** E[φ²] (forward) or E[φ′²] (backward) at q = 1. */
function secondMoment(name: string, definition: 'forward' | 'backward', slope: number): number {
  const m = momentsAt(activationName(name, 'gain'), 1, slope);
  return definition === 'forward' ? m.secondMoment : m.derivativeSecondMoment;
}

/** Validates a gain request: the name, the definition (defaulted) and the slope. */
function resolveGain(
  where: string,
  nonlinearity: string,
  param: number | GainOptions | undefined,
): { name: string; definition: GainDefinition; slope: number } {
  if (!(NONLINEARITIES as readonly string[]).includes(nonlinearity)) unknownNonlinearity(where, nonlinearity);
  let options: GainOptions;
  if (param === undefined || typeof param === 'number') {
    options = param === undefined ? {} : { negativeSlope: param };
  } else if (param !== null && typeof param === 'object') {
    options = param;
  } else {
    return fail('invalid_option', where, 'param', 'a negative slope (number) or options {definition, negativeSlope}', param);
  }
  const known = isPytorchNonlinearity(nonlinearity);
  const definition = options.definition ?? (known ? 'pytorch' : 'forward');
  if (!(GAIN_DEFINITIONS as readonly string[]).includes(definition)) {
    fail('invalid_option', where, 'definition', `one of ${GAIN_DEFINITIONS.join(', ')}${suggestion(definition, GAIN_DEFINITIONS)}`, definition);
  }
  if (definition === 'pytorch' && !known) {
    fail('invalid_option', where, 'definition', `'forward' or 'backward' for ${nonlinearity} (PyTorch's calculate_gain has no value for it)`, definition);
  }
  const slope = options.negativeSlope ?? DEFAULT_LEAKY_RELU_SLOPE;
  if (typeof slope !== 'number' || !Number.isFinite(slope)) {
    fail('invalid_option', where, typeof param === 'number' ? 'param' : 'negativeSlope', 'a finite negative slope for leaky_relu', slope);
  }
  return { name: nonlinearity, definition, slope };
}

/** PyTorch's `calculate_gain` table. */
function pytorchGain(nonlinearity: string, slope: number): number {
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + slope * slope));
    case 'selu':
      return 3 / 4;
    default:
      return 1; // linear, conv*, conv_transpose*, sigmoid
  }
}

/** The squares of PyTorch's table as exact fractions. */
function pytorchVarianceGain(nonlinearity: string, slope: number): number {
  switch (nonlinearity) {
    case 'tanh':
      return 25 / 9;
    case 'relu':
      return 2;
    case 'leaky_relu':
      return 2 / (1 + slope * slope);
    case 'selu':
      return 9 / 16;
    default:
      return 1;
  }
}

function unknownNonlinearity(where: string, nonlinearity: string): never {
  return fail('unknown_name', where, 'nonlinearity', `one of ${NONLINEARITIES.join(', ')}${suggestion(nonlinearity, NONLINEARITIES)}`, nonlinearity);
}
