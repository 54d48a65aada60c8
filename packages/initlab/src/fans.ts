/**
 * Fans: how many inputs feed each output unit of a weight tensor (fanIn) and how many outputs each input feeds
 * (fanOut), the quantities the variance-scaling initializers of Glorot & Bengio (2010), He et al. (2015) and
 * LeCun et al. (1998) divide by.
 */
import { fail } from './errors.ts';
import { checkShape, type Shape } from './shape.ts';

/** Accepted weight layouts. */
export const LAYOUTS = ['tf', 'torch'] as const;

/**
 * Where the input and output axes of a weight tensor are.
 * - `tf` (default; Keras, TF.js, JAX, Flax): dense `[in, out]`, convolution `[...kernel, in, out]`.
 * - `torch` (PyTorch): dense `[out, in]`, convolution `[out, in, ...kernel]`.
 */
export type Layout = (typeof LAYOUTS)[number];

/** The fans of a weight tensor. */
export interface Fans {
  /** inputs per output unit: in · receptiveField. */
  readonly fanIn: number;
  /** outputs per input unit: out · receptiveField. */
  readonly fanOut: number;
  /** Product of the kernel (spatial) dimensions; 1 for dense weights. */
  readonly receptiveField: number;
}

/** Checks a layout id. @throws InitError `invalid_option` naming `layout` and the accepted values. */
export function checkLayout(layout: unknown, where: string): Layout {
  if (!(LAYOUTS as readonly unknown[]).includes(layout)) {
    fail('invalid_option', where, 'layout', `one of ${LAYOUTS.map((l) => `'${l}'`).join(', ')}`, layout);
  }
  return layout as Layout;
}

/**
 * Computes fanIn and fanOut of a weight tensor.
 *
 * With receptiveField = ∏ kernel dims:
 * - `tf`: shape `[...kernel, in, out]` → fanIn = in·rf, fanOut = out·rf. Rank 1 `[n]` gives fanIn = fanOut = n and
 *   rank 0 gives 1, 1, as Keras' `compute_fans` does (so biases can be initialized too).
 * - `torch`: shape `[out, in, ...kernel]` → fanIn = in·rf, fanOut = out·rf (PyTorch
 *   `_calculate_fan_in_and_fan_out`). Rank < 2 is an error there, and here.
 *
 * @throws InitError `invalid_shape` for a bad shape, or rank < 2 in the torch layout.
 * @example
 * computeFans([3, 3, 64, 128]); // { fanIn: 576, fanOut: 1152, receptiveField: 9 }
 * computeFans([128, 64, 3, 3], 'torch'); // the same kernel as PyTorch stores it: the same fans
 */
export function computeFans(shape: Shape, layout: Layout = 'tf'): Fans {
  checkShape(shape, 'fans');
  checkLayout(layout, 'fans');
  const rank = shape.length;
  if (layout === 'torch') {
    if (rank < 2) {
      fail('invalid_shape', 'fans', 'shape', 'of rank ≥ 2 in the torch layout [out, in, ...kernel]', shape);
    }
    const receptiveField = product(shape.slice(2));
    return { fanIn: shape[1]! * receptiveField, fanOut: shape[0]! * receptiveField, receptiveField };
  }
  if (rank === 0) return { fanIn: 1, fanOut: 1, receptiveField: 1 };
  if (rank === 1) return { fanIn: shape[0]!, fanOut: shape[0]!, receptiveField: 1 };
  const receptiveField = product(shape.slice(0, -2));
  return { fanIn: shape[rank - 2]! * receptiveField, fanOut: shape[rank - 1]! * receptiveField, receptiveField };
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
