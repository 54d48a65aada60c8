/**
 * Structured initializers: `identity` (eye), `dirac` and `sparse`.
 *
 * `identity` and `dirac` are deterministic (the key is ignored) and their plans give the exact mean and std of
 * the tensor. `sparse` is random, but both its values and its zero pattern are functions of the element's
 * position, so any slice can be filled alone.
 */
import { fail } from '../errors.ts';
import type { Layout } from '../fans.ts';
import { fold, type Key } from '../random/key.ts';
import { permutation, uniformAt } from '../random/samplers.ts';
import { normalQuantile } from '../random/special.ts';
import { sizeOf, type Shape } from '../shape.ts';
import { formatNumber as f } from '../format.ts';
import { createInitializer, defineInitializer, type Initializer, type Plan } from './initializer.ts';
import { convKernel, kernelIndex } from './orthogonal.ts';

/**
 * Exact mean and population std of a tensor of `size` elements of which `count` equal `value` and the rest are 0:
 * mean = value·count/size, std = √(value²·count/size − mean²).
 */
function sparseConstantMoments(value: number, count: number, size: number): { mean: number; std: number } {
  if (size === 0) return { mean: 0, std: 0 };
  const mean = (value * count) / size;
  return { mean, std: Math.sqrt(Math.max((value * value * count) / size - mean * mean, 0)) };
}

/** A plan that writes 0 everywhere except `value` at the sorted flat indices `positions`. */
function positionsPlan(positions: readonly number[], value: number, size: number, formula: string): Plan {
  return {
    formula,
    ...sparseConstantMoments(value, positions.length, size),
    fill: (_key, out, offset) => {
      out.fill(0);
      const end = offset + out.length;
      for (const p of positions) if (p >= offset && p < end) out[p - offset] = value;
    },
  };
}

/** Definition of {@link identity}. */
export const identityDefinition = defineInitializer({
  name: 'identity',
  aliases: ['eye'],
  summary:
    'For square layers that should start as the identity map (e.g. IRNN recurrent kernels with ReLU, residual-like blocks): the layer passes its input through unchanged, times gain.',
  formula: 'W = gain·I (rectangular: W[i][j] = gain if i = j, else 0)',
  reference: 'Keras Identity (with gain); PyTorch eye_ (no gain); Le, Jaitly & Hinton 2015 (IRNN)',
  options: { gain: { type: 'number', doc: 'value of the diagonal', default: 1, min: 0, minExclusive: true } },
  plan: ({ gain: g }, shape) => {
    if (shape.length !== 2) fail('invalid_shape', 'identity', 'shape', '2-D (rank 2)', shape);
    const [rows, cols] = shape as [number, number];
    const diagonal = Math.min(rows, cols);
    const size = rows * cols;
    return {
      formula: `W = gain·I = ${f(g)}·I (${rows}×${cols}, ${diagonal} ones on the diagonal)`,
      ...sparseConstantMoments(g, diagonal, size),
      fill: (_key, out, offset) => {
        out.fill(0);
        // Diagonal element i sits at flat index i·(cols + 1).
        const end = offset + out.length;
        const first = Math.ceil(offset / (cols + 1));
        for (let i = first; i < diagonal; i++) {
          const index = i * (cols + 1);
          if (index >= end) break;
          out[index - offset] = g;
        }
      },
    };
  },
});

/**
 * The flat indices of the ones of `dirac` with `groups` groups, sorted. torch `[out, in, ...k]`:
 * W[g·(out/groups) + d, d, k1//2, …] = 1; tf `[...k, in, out]`: W[k1//2, …, d, g·(out/groups) + d] = 1;
 * for g < groups and d < min(out/groups, in).
 */
function diracPositions(shape: Shape, layout: Layout, groups: number): number[] {
  const { inChannels, outChannels, kernel } = convKernel(shape, layout);
  const perGroup = outChannels / groups;
  const perGroupOnes = Math.min(perGroup, inChannels);
  const taps = sizeOf(kernel);
  const c = kernelIndex(
    kernel,
    kernel.map((k) => Math.floor(k / 2)),
  );
  const positions: number[] = [];
  if (taps === 0) return positions;
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < perGroupOnes; d++) {
      const oc = g * perGroup + d;
      positions.push(layout === 'torch' ? (oc * inChannels + d) * taps + c : (c * inChannels + d) * outChannels + oc);
    }
  }
  return positions.sort((a, b) => a - b);
}

/** Definition of {@link dirac}. */
export const diracDefinition = defineInitializer({
  name: 'dirac',
  summary:
    'For convolutions that should start as the identity (residual-free deep CNNs, DiracNets): output channel d of each group copies input channel d at the kernel centre.',
  formula: 'W = 0, then W[g·(out/groups) + d, d, k1//2, …] = 1 for g < groups, d < min(out/groups, in) (torch layout [out, in, ...k])',
  reference: 'PyTorch dirac_; Zagoruyko & Komodakis 2017, DiracNets (arXiv:1706.00388)',
  options: { groups: { type: 'number', doc: 'number of convolution groups; out channels must be a multiple of it', default: 1, min: 1, integer: true } },
  plan: ({ groups }, shape, layout) => {
    const form = layout === 'torch' ? '[out, in, ...kernel]' : '[...kernel, in, out]';
    if (shape.length < 3 || shape.length > 5) {
      fail('invalid_shape', 'dirac', 'shape', `a 3-D, 4-D or 5-D convolution kernel ${form}`, shape);
    }
    const { inChannels, outChannels, kernel } = convKernel(shape, layout);
    if (outChannels % groups !== 0) {
      fail(
        'invalid_option',
        'dirac',
        'groups',
        `a divisor of the out channels (${outChannels}, dim ${layout === 'torch' ? 0 : shape.length - 1} of ${form})`,
        groups,
      );
    }
    const positions = diracPositions(shape, layout, groups);
    const centre = kernel.map((k) => Math.floor(k / 2)).join(', ');
    const where = layout === 'torch' ? `W[g·${outChannels / groups} + d, d, ${centre}]` : `W[${centre}, d, g·${outChannels / groups} + d]`;
    return positionsPlan(
      positions,
      1,
      sizeOf(shape),
      `${where} = 1 for g < ${groups}, d < ${Math.min(outChannels / groups, inChannels)}, 0 elsewhere (${positions.length} ones)`,
    );
  },
});

/** The sparse matrix in its torch orientation: `length` rows (out units) per column (in unit), `columns` columns. */
function sparseGeometry(shape: Shape, layout: Layout): { length: number; columns: number } {
  const [a, b] = shape as [number, number];
  // torch [out, in]: columns are input units, each of length out. tf [in, out]: row i of the tf matrix is input unit i.
  return layout === 'torch' ? { length: a, columns: b } : { length: b, columns: a };
}

/** Definition of {@link sparse}. */
export const sparseDefinition = defineInitializer({
  name: 'sparse',
  summary:
    'For deep or recurrent nets trained with second-order methods (Martens 2010): each input unit connects to only a fraction of the output units, so units start diverse without large weights.',
  formula: 'W ~ 𝒩(0, std²), then for each input unit zero ⌈sparsity·out⌉ randomly chosen of its out weights (PyTorch: per column of [out, in])',
  reference: 'Martens 2010, "Deep learning via Hessian-free optimization"; PyTorch sparse_',
  options: {
    sparsity: { type: 'number', doc: 'fraction of each column (input unit) set to zero', min: 0, max: 1 },
    std: { type: 'number', doc: 'std of the non-zero values', default: 0.01, min: 0 },
  },
  plan: ({ sparsity, std }, shape, layout) => {
    if (shape.length !== 2) fail('invalid_shape', 'sparse', 'shape', '2-D (rank 2)', shape);
    const { length, columns } = sparseGeometry(shape, layout);
    // Math.ceil of the same double product as PyTorch's math.ceil(sparsity * rows), so e.g. 0.07·100 = 7.000000000000001 → 8 as there.
    const zeros = Math.ceil(sparsity * length);
    const targetStd = length === 0 ? 0 : std * Math.sqrt(1 - zeros / length);
    const unit = layout === 'torch' ? `column of the ${length}×${columns} [out, in] matrix` : `row of the ${columns}×${length} [in, out] matrix`;
    return {
      formula: `W ~ 𝒩(0, ${f(std)}²), then ${zeros} of the ${length} entries of each ${unit} set to 0 (Martens 2010); std = std·√(1 − ${zeros}/${length}) = ${f(targetStd)}`,
      mean: 0,
      std: targetStd,
      fill: (key, out, offset) => fillSparse(key, out, offset, layout, length, columns, zeros, std),
    };
  },
});

/**
 * Fills elements [offset, offset + out.length) of the sparse tensor. Element (r, j) of the torch-oriented
 * `length × columns` matrix has the value std·Φ⁻¹(u) with u element r·columns + j of the stream fold(key, 'values')
 * (so tf `[in, out]` and torch `[out, in]` give transposes of each other from the same key), and is zero if r is
 * among the first `zeros` entries of permutation(fold(key, ['zeros', j]), length).
 */
function fillSparse(
  key: Key,
  out: Float32Array | Float64Array,
  offset: number,
  layout: Layout,
  length: number,
  columns: number,
  zeros: number,
  std: number,
): void {
  const values = fold(key, 'values');
  const end = offset + out.length;
  // Flat index in this layout of torch-oriented element (r, j).
  const flat = layout === 'torch' ? (r: number, j: number) => r * columns + j : (r: number, j: number) => j * length + r;
  for (let index = offset; index < end; index++) {
    const r = layout === 'torch' ? Math.floor(index / columns) : index % length;
    const j = layout === 'torch' ? index % columns : Math.floor(index / length);
    out[index - offset] = std * normalQuantile(uniformAt(values.k0, values.k1, r * columns + j));
  }
  if (zeros === 0 || out.length === 0) return;
  // The input units (columns j) whose elements lie in the slice.
  let firstColumn = 0;
  let lastColumn = columns - 1;
  if (layout === 'tf') {
    firstColumn = Math.floor(offset / length);
    lastColumn = Math.floor((end - 1) / length);
  } else if (end - offset < columns) {
    const a = offset % columns;
    const b = (end - 1) % columns;
    if (a <= b) [firstColumn, lastColumn] = [a, b];
  }
  for (let j = firstColumn; j <= lastColumn; j++) {
    const order = permutation(fold(key, ['zeros', j]), length);
    for (let t = 0; t < zeros; t++) {
      const index = flat(order[t]!, j);
      if (index >= offset && index < end) out[index - offset] = 0;
    }
  }
}

/**
 * Identity: W = gain·I for a 2-D shape, rectangular allowed (W[i][j] = gain if i = j, else 0), as Keras'
 * `Identity(gain)`; PyTorch's `eye_` is the case gain = 1. The layout does not matter ([in, out] and [out, in] give
 * transposes of each other, both identities). Deterministic: the key is ignored.
 *
 * @see Keras `Identity`; PyTorch `eye_`; Le, Q. V., Jaitly, N. & Hinton, G. E. (2015). A simple way to initialize
 *   recurrent networks of rectified linear units. arXiv:1504.00941.
 * @throws InitError `invalid_shape` (at call time) for a shape that is not 2-D.
 * @example
 * identity()([3, 3], 0); // Float32Array [1, 0, 0, 0, 1, 0, 0, 0, 1]
 * identity({ gain: 0.5 })([2, 4], 0); // [0.5, 0, 0, 0, 0, 0.5, 0, 0]
 */
export function identity(options: { readonly gain?: number } = {}): Initializer {
  return createInitializer(identityDefinition, options);
}

/**
 * Dirac: the kernel of a convolution that preserves its input, PyTorch's `dirac_(groups)`. For 3-D, 4-D and 5-D
 * kernels: W = 0, then for each group g < groups and d < min(out/groups, in):
 * - torch `[out, in, ...k]`: W[g·(out/groups) + d, d, k1//2, (k2//2, k3//2)] = 1;
 * - tf `[...k, in, out]`: W[k1//2, …, d, g·(out/groups) + d] = 1 (out is the last dim there).
 *
 * So output channel g·(out/groups) + d copies input channel d of group g at the kernel centre k//2 (for an odd
 * kernel with 'same' padding, the convolution is the identity channel map). Deterministic: the key is ignored.
 *
 * @see PyTorch `dirac_`; Zagoruyko, S. & Komodakis, N. (2017). DiracNets: training very deep neural networks without
 *   skip-connections. arXiv:1706.00388.
 * @throws InitError `invalid_option` when out channels are not a multiple of groups; `invalid_shape` for ranks
 *   other than 3–5.
 * @example
 * const w = dirac()([16, 16, 3, 3], 0, { layout: 'torch' }); // PyTorch dirac_: a 3×3 convolution that copies its input
 */
export function dirac(options: { readonly groups?: number } = {}): Initializer {
  return createInitializer(diracDefinition, options);
}

/**
 * Sparse: PyTorch's `sparse_` for 2-D weights. Every element ~ 𝒩(0, std²) (default std 0.01), then in each column
 * of the torch `[out, in]` matrix, i.e. for each input unit, ⌈sparsity·out⌉ randomly chosen entries are set to
 * zero (so 10×6 with sparsity 0.25 has 3 zeros per column). In the tf layout `[in, out]` the same map is stored
 * transposed: each row (input unit) has ⌈sparsity·out⌉ zeros. The std of the elements is std·√(1 − zeros/out).
 *
 * @see Martens, J. (2010). Deep learning via Hessian-free optimization. ICML (its sparse initialization).
 * @see PyTorch `sparse_`.
 * @throws InitError `invalid_option` for sparsity outside [0, 1] or a negative std; `invalid_shape` (at call time)
 *   for a shape that is not 2-D.
 * @example
 * const w = sparse({ sparsity: 0.25 })([100, 50], keyFromSeed(1), { layout: 'torch' }); // 25 zeros in each of the 50 columns
 */
export function sparse(options: { readonly sparsity: number; readonly std?: number }): Initializer {
  return createInitializer(sparseDefinition, options);
}
