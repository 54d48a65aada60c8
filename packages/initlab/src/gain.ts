/**
 * Recommended gains: the factor by which a nonlinearity's initializer standard deviation is multiplied so that
 * activations keep their scale through layers (PyTorch's `calculate_gain` table).
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
    case 'leaky_relu': {
      const slope = param ?? DEFAULT_LEAKY_RELU_SLOPE;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) {
        fail('invalid_option', 'gain', 'param', 'a finite negative slope for leaky_relu', slope);
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      fail(
        'unknown_name',
        'gain',
        'nonlinearity',
        `one of ${NONLINEARITIES.join(', ')}${suggestion(nonlinearity, NONLINEARITIES)}`,
        nonlinearity,
      );
  }
}
