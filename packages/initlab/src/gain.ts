/**
 * Recommended gains: the factor by which a nonlinearity's initializer standard deviation is multiplied so that
 * activations keep their scale through layers (PyTorch's `calculate_gain` table), and the same table for the
 * variance, which the variance-scaling presets use.
 */
import { fail } from './errors.ts';
import { suggestion } from './suggest.ts';

/** Nonlinearities that {@link gain} knows. */
export const NONLINEARITIES = [
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

/** A nonlinearity name accepted by {@link gain}. */
export type Nonlinearity = (typeof NONLINEARITIES)[number];

/** Default negative slope of leaky ReLU when {@link gain} gets none (PyTorch's `calculate_gain`). */
export const DEFAULT_LEAKY_RELU_SLOPE = 0.01;

/**
 * The recommended gain for a nonlinearity:
 * linear, conv*, conv_transpose*, sigmoid → 1; tanh → 5/3; relu → √2;
 * leaky_relu → √(2 / (1 + slope²)) with slope = `param` (default 0.01); selu → 3/4.
 *
 * tanh's 5/3 and selu's 3/4 are PyTorch's values (selu's was found empirically; Klambauer et al. 2017 use
 * gain 1 with LeCun normal for self-normalizing nets). ReLU's √2 is He et al. (2015), eq. 10.
 *
 * @param param - The negative slope of leaky_relu; ignored for other nonlinearities.
 * @throws InitError `unknown_name` for an unknown nonlinearity, `invalid_option` for a non-finite slope.
 * @example
 * gain('relu'); // 1.4142135623730951 (√2)
 * gain('leaky_relu', 0.2); // 1.3867504905630728, as torch.nn.init.calculate_gain
 */
export function gain(nonlinearity: string, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(leakyReluVarianceGain('gain', param));
    case 'selu':
      return 3 / 4;
    default:
      return unknownNonlinearity('gain', nonlinearity);
  }
}

/**
 * The recommended variance gain for a nonlinearity, gain²: the factor by which the variance 1/fan is multiplied.
 * linear, conv*, conv_transpose*, sigmoid → 1; tanh → 25/9; relu → 2; leaky_relu → 2/(1 + slope²) with
 * slope = `param` (default 0.01); selu → 9/16.
 *
 * These are the squares of PyTorch's `calculate_gain` values (torch/nn/init.py), written as exact fractions
 * rather than computed as gain(…)², which is not exact in floating point (√2·√2 = 2.0000000000000004). The He
 * presets use it as their variance scale: he_normal with relu is variance_scaling with scale 2, bit for bit.
 *
 * @param param - The negative slope of leaky_relu; ignored for other nonlinearities.
 * @throws InitError `unknown_name` for an unknown nonlinearity, `invalid_option` for a non-finite slope.
 * @example
 * varianceGain('relu'); // 2
 * varianceGain('leaky_relu', 0.2); // 2/1.04 = 1.923076923076923
 * varianceGain('tanh') === 25 / 9; // true, while gain('tanh') ** 2 is 2.777777777777778
 */
export function varianceGain(nonlinearity: string, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 25 / 9;
    case 'relu':
      return 2;
    case 'leaky_relu':
      return leakyReluVarianceGain('varianceGain', param);
    case 'selu':
      return 9 / 16;
    default:
      return unknownNonlinearity('varianceGain', nonlinearity);
  }
}

/** 2/(1 + slope²), the variance gain of leaky ReLU (He et al. 2015, eq. 15), slope defaulting to 0.01. */
function leakyReluVarianceGain(where: string, param: number | undefined): number {
  const slope = param ?? DEFAULT_LEAKY_RELU_SLOPE;
  if (typeof slope !== 'number' || !Number.isFinite(slope)) {
    fail('invalid_option', where, 'param', 'a finite negative slope for leaky_relu', slope);
  }
  return 2 / (1 + slope * slope);
}

function unknownNonlinearity(where: string, nonlinearity: string): never {
  return fail('unknown_name', where, 'nonlinearity', `one of ${NONLINEARITIES.join(', ')}${suggestion(nonlinearity, NONLINEARITIES)}`, nonlinearity);
}
