/**
 * Orthogonal initializers: `orthogonal` (Saxe, McClelland & Ganguli 2014) and `delta_orthogonal` (Xiao et al.
 * 2018).
 *
 * Both draw a Haar-random matrix with orthonormal rows or columns: with big = max(rows, cols) and small = min, the
 * key's normal stream (float64) gives small Gaussian vectors x₀, x₁, … of lengths big, big − 1, …, one after the
 * other, and Q = H₀ ⋯ H_{small−1} [D; 0] is the product of the Householder reflectors that map each x_j onto a
 * multiple of e_j (acting on rows j …), with D their signs (Stewart 1980; haarOrthonormal in linalg/qr.ts): the
 * distribution of the sign-corrected QR factor of a big × small Gaussian matrix (Mezzadri 2007), at half the cost.
 * The result is Q when rows > cols and Qᵀ otherwise (for a square matrix, Qᵀ is as Haar as Q), times gain.
 *
 * Float64 output forms Q in float64 and rounds nothing; float32 output forms Q in float32 (linalg/haar-float32.ts,
 * as PyTorch's float32 orthogonal_ does), orthogonal to about 5e-7. The two differ by about a float32 rounding.
 *
 * Unlike the element-wise initializers, these are structured: every element depends on the whole Gaussian
 * matrix. `fill` with an offset therefore computes the whole matrix (O(big·small²) time, about big·small float64
 * values of memory) and copies the requested slice; filling a tensor in k shards costs k constructions.
 */
import { fail } from '../errors.ts';
import type { Layout } from '../fans.ts';
import { haarOrthonormalFloat32 } from '../linalg/haar-float32.ts';
import { haarInputLength, haarOrthonormal } from '../linalg/qr.ts';
import type { Key } from '../random/key.ts';
import { fillNormal, type FloatArray } from '../random/samplers.ts';
import { sizeOf, type Shape } from '../shape.ts';
import { formatNumber as f } from '../format.ts';
import { createInitializer, defineInitializer, type Initializer } from './initializer.ts';

const gainOption = { type: 'number', doc: 'multiplier of the orthogonal matrix', default: 1, min: 0, minExclusive: true } as const;

/**
 * The row-major rows × cols matrix gain·Q (rows > cols) or gain·Qᵀ (rows ≤ cols), with Q the Haar-random big × small
 * matrix with orthonormal columns built from `key` (see the module comment), in float64, or in float32 when `float32`
 * is set (then each element is gain·Q rounded once more to float32). Orthonormal columns when rows > cols,
 * orthonormal rows when rows ≤ cols (a square matrix has both; Qᵀ of a Haar matrix is Haar too). A zero dimension
 * gives an empty matrix.
 */
export function orthogonalMatrix(key: Key, rows: number, cols: number, gain: number, float32 = false): Float64Array | Float32Array {
  if (rows === 0 || cols === 0) return float32 ? new Float32Array(0) : new Float64Array(0);
  const big = Math.max(rows, cols);
  const small = Math.min(rows, cols);
  const x = fillNormal(key, new Float64Array(haarInputLength(big, small)));
  // Qᵀ, row-major small × big.
  const qt = float32 ? haarOrthonormalFloat32(x, big, small) : haarOrthonormal(x, big, small);
  if (rows <= cols) {
    for (let i = 0; i < qt.length; i++) qt[i] = gain * qt[i]!;
    return qt;
  }
  // rows = big, cols = small: W = Q, W[i][j] = Qᵀ[j][i].
  const w = float32 ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const rowOfQt = j * rows;
    for (let i = 0; i < rows; i++) w[i * cols + j] = gain * qt[rowOfQt + i]!;
  }
  return w;
}

/** How `orthogonal` flattens a shape of rank ≥ 2 into a matrix in each layout. */
export function orthogonalMatrixShape(shape: Shape, layout: Layout): { rows: number; cols: number } {
  if (layout === 'torch') {
    // PyTorch orthogonal_: rows = size(0), cols = numel / rows.
    return { rows: shape[0]!, cols: sizeOf(shape.slice(1)) };
  }
  // Keras Orthogonal: rows = prod(shape[:-1]), cols = shape[-1].
  return { rows: sizeOf(shape.slice(0, -1)), cols: shape[shape.length - 1]! };
}

/** Copies the slice [offset, offset + out.length) of `whole` into `out`. */
function copySlice(whole: Float64Array | Float32Array, out: FloatArray, offset: number): void {
  for (let j = 0; j < out.length; j++) out[j] = whole[offset + j]!;
}

/** Definition of {@link orthogonal}. */
export const orthogonalDefinition = defineInitializer({
  name: 'orthogonal',
  summary:
    'For deep linear and recurrent nets (RNN/LSTM recurrent kernels): all singular values equal gain, so signals and gradients keep their norm through many layers (dynamical isometry).',
  formula:
    'W = gain·Q (rows > cols) or gain·Qᵀ (rows ≤ cols), Q Haar-random with orthonormal columns: the product of the Householder reflectors of min(rows, cols) Gaussian vectors of lengths max(rows, cols), max(rows, cols) − 1, … times their signs, distributed as Q·diag(sign(diag R)) from the thin QR of a max(rows, cols) × min(rows, cols) standard normal matrix',
  reference:
    'Saxe, McClelland & Ganguli 2014 (arXiv:1312.6120); Stewart 1980 for the construction from reflectors; Mezzadri 2007 for the sign correction; PyTorch orthogonal_, Keras Orthogonal',
  options: { gain: gainOption },
  plan: ({ gain: g }, shape, layout) => {
    if (shape.length < 2) fail('invalid_shape', 'orthogonal', 'shape', 'of rank ≥ 2', shape);
    const { rows, cols } = orthogonalMatrixShape(shape, layout);
    const big = Math.max(rows, cols);
    const small = Math.min(rows, cols);
    const flattening = layout === 'torch' ? 'rows = shape[0], cols = the product of the rest' : 'rows = the product of all but the last dim, cols = shape[-1]';
    if (small === 0) {
      // Zero-size tensor: nothing to draw (PyTorch: no-op; JAX: zeros).
      return {
        formula: `W = gain·Q of a ${rows}×${cols} matrix (${flattening}): zero-size, no elements`,
        mean: 0,
        std: 0,
        fill: (_key, out) => void out.fill(0),
      };
    }
    // Every element is Q's entry times gain and the big·small elements have squared sum gain²·small (small unit
    // vectors of length big), so the root mean square is exactly gain/√big; the mean is 0 in expectation.
    const std = g / Math.sqrt(big);
    const which =
      rows > cols ? `W = gain·Q = ${f(g)}·Q (${rows}×${cols}, orthonormal columns)` : `W = gain·Qᵀ = ${f(g)}·Qᵀ (${rows}×${cols}, orthonormal rows)`;
    return {
      formula: `${which}, Q Haar-random from the reflectors of ${small} Gaussian vectors of lengths ${big}, ${big - 1}, … (Saxe et al. 2014, Stewart 1980; ${flattening}); std = gain/√${big} = ${f(std)}`,
      mean: 0,
      std,
      fill: (key, out, offset) => copySlice(orthogonalMatrix(key, rows, cols, g, out instanceof Float32Array), out, offset),
    };
  },
});

/** Channel counts, kernel dims and the flat index of the centre tap of a conv kernel, per layout. */
interface ConvKernel {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: readonly number[];
}

/** Splits a conv kernel shape into in, out and kernel dims: tf `[...k, in, out]`, torch `[out, in, ...k]`. */
export function convKernel(shape: Shape, layout: Layout): ConvKernel {
  const rank = shape.length;
  return layout === 'torch'
    ? { outChannels: shape[0]!, inChannels: shape[1]!, kernel: shape.slice(2) }
    : { outChannels: shape[rank - 1]!, inChannels: shape[rank - 2]!, kernel: shape.slice(0, -2) };
}

/** Row-major flat index of the position `at` in the kernel dims `kernel`. */
export function kernelIndex(kernel: readonly number[], at: readonly number[]): number {
  let index = 0;
  for (let d = 0; d < kernel.length; d++) index = index * kernel[d]! + at[d]!;
  return index;
}

/** Definition of {@link deltaOrthogonal}. */
export const deltaOrthogonalDefinition = defineInitializer({
  name: 'delta_orthogonal',
  summary:
    'For very deep plain CNNs (thousands of layers, tanh): a convolution that is an orthogonal map between channels at the centre tap and zero elsewhere, so the network starts dynamically isometric.',
  formula: 'W = 0 except the spatial centre tap ((k−1)//2 per dim), which is gain·(an orthogonal in×out matrix); requires in ≤ out',
  reference: 'Xiao, Bahri, Sohl-Dickstein, Schoenholz & Pennington 2018 (arXiv:1806.05393); JAX delta_orthogonal',
  options: { gain: gainOption },
  plan: ({ gain: g }, shape, layout) => {
    if (shape.length < 3 || shape.length > 5) {
      const form = layout === 'torch' ? '[out, in, ...kernel]' : '[...kernel, in, out]';
      fail('invalid_shape', 'delta_orthogonal', 'shape', `a 3-D, 4-D or 5-D convolution kernel ${form}`, shape);
    }
    const { inChannels, outChannels, kernel } = convKernel(shape, layout);
    if (inChannels > outChannels) {
      fail('invalid_shape', 'delta_orthogonal', 'shape', `a kernel with in channels ≤ out channels (in = ${inChannels}, out = ${outChannels})`, shape);
    }
    const centre = kernel.map((k) => Math.floor((k - 1) / 2));
    const size = sizeOf(shape);
    if (size === 0) {
      return { formula: 'W = 0 except the centre tap: zero-size, no elements', mean: 0, std: 0, fill: (_key, out) => void out.fill(0) };
    }
    const taps = sizeOf(kernel);
    const c = kernelIndex(kernel, centre);
    // The centre tap has squared sum gain²·min(in, out) = gain²·in (in orthonormal vectors) and every other element is
    // 0, so the root mean square, the population std about the expected mean 0, is gain·√(in/numel). (The mean of a
    // drawn tensor is not exactly 0, so its measured std about its own mean is slightly smaller.)
    const std = g * Math.sqrt(inChannels / size);
    const tap =
      layout === 'torch'
        ? `W[:, :, ${centre.join(', ')}] = gain·Q, Q ${outChannels}×${inChannels} with orthonormal columns`
        : `W[${centre.join(', ')}, :, :] = gain·Q, Q ${inChannels}×${outChannels} with orthonormal rows`;
    return {
      formula: `${tap} (gain = ${f(g)}), 0 elsewhere (Xiao et al. 2018); std = gain·√(in/numel) = ${f(std)}`,
      mean: 0,
      std,
      fill: (key, out, offset) => {
        out.fill(0);
        const end = offset + out.length;
        if (layout === 'torch') {
          // Centre tap: the out × in matrix of orthogonal([out, in]) in the torch layout.
          const m = orthogonalMatrix(key, outChannels, inChannels, g, out instanceof Float32Array);
          for (let oc = 0; oc < outChannels; oc++) {
            for (let ic = 0; ic < inChannels; ic++) {
              const index = (oc * inChannels + ic) * taps + c;
              if (index >= offset && index < end) out[index - offset] = m[oc * inChannels + ic]!;
            }
          }
        } else {
          // Centre tap: the in × out matrix of orthogonal([in, out]) in the tf layout, a contiguous block.
          const m = orthogonalMatrix(key, inChannels, outChannels, g, out instanceof Float32Array);
          const base = c * inChannels * outChannels;
          for (let j = 0; j < m.length; j++) {
            const index = base + j;
            if (index >= offset && index < end) out[index - offset] = m[j]!;
          }
        }
      },
    };
  },
});

/**
 * Orthogonal: W = gain·Q, where Q has orthonormal columns (rows ≥ cols) or rows (rows < cols) and is Haar-random,
 * distributed as the sign-corrected Q of the QR of a max(rows, cols) × min(rows, cols) standard normal matrix.
 * It is built directly as Q = H₀ ⋯ H_{k−1} [D; 0] (k = min(rows, cols)), H_j the Householder reflector mapping the
 * j-th Gaussian vector of the key's normal stream (lengths max(rows, cols), then one less each) onto a multiple of
 * e_j and D their signs (Stewart 1980): half the work of a QR. Float32 output is
 * formed in float32 (max |QᵀQ − I| ≈ 5e-7), float64 output in float64.
 *
 * Shapes of rank ≥ 2 are flattened as PyTorch's `orthogonal_` in the torch layout (rows = shape[0], cols = the
 * product of the rest) and as Keras' `Orthogonal` in the tf layout (rows = product of all but the last dim,
 * cols = shape[-1]). For a 2-D non-square shape, `[in, out]` in tf and `[out, in]` in torch give transposes of each
 * other from the same key. Every element has root mean square gain/√max(rows, cols).
 *
 * A zero-size shape gives an empty (all-zero) tensor, as PyTorch's no-op and JAX's zeros. Rank < 2 is an error.
 * Structured: `fill` with an offset computes the whole matrix and copies the slice.
 *
 * @see Saxe, A. M., McClelland, J. L. & Ganguli, S. (2014). Exact solutions to the nonlinear dynamics of learning in
 *   deep linear neural networks. ICLR. arXiv:1312.6120.
 * @see Mezzadri, F. (2007). How to generate random matrices from the classical compact groups. Notices of the AMS
 *   54(5). arXiv:math-ph/0609050 (the sign(diag R) correction that makes Q Haar-distributed).
 * @see Stewart, G. W. (1980). The efficient generation of random orthogonal matrices with an application to
 *   condition estimators. SIAM J. Numer. Anal. 17(3), 403–409.
 * @throws InitError `invalid_shape` (at call time) for a shape of rank < 2.
 * @example
 * const w = orthogonal()([128, 128], keyFromSeed(1)); // wᵀw = I up to rounding
 * const r = orthogonal({ gain: 2 })([64, 256], keyFromSeed(2)); // 64 orthogonal rows of norm 2
 */
export function orthogonal(options: { readonly gain?: number } = {}): Initializer {
  return createInitializer(orthogonalDefinition, options);
}

/**
 * Delta orthogonal: a 3-D, 4-D or 5-D convolution kernel that is zero everywhere except at the spatial centre
 * tap (index (k − 1)//2 in each kernel dim, as JAX), which holds gain times an orthogonal matrix between the in and
 * out channels. With in ≤ out (required, as JAX), the convolution is an isometry of the input channels: it
 * preserves norms exactly, the condition for dynamical isometry in very deep CNNs.
 *
 * - tf layout `[...k, in, out]`: W[c…, :, :] = the in × out matrix of `orthogonal` for shape `[in, out]` (orthonormal rows).
 * - torch layout `[out, in, ...k]`: W[:, :, c…] = the out × in matrix of `orthogonal` for shape `[out, in]`
 *   (orthonormal columns).
 *
 * Note the centre (k − 1)//2 differs from {@link dirac}'s k//2 (PyTorch) for even kernel sizes.
 *
 * @see Xiao, L., Bahri, Y., Sohl-Dickstein, J., Schoenholz, S. S. & Pennington, J. (2018). Dynamical isometry and a
 *   mean field theory of CNNs: how to train 10,000-layer vanilla convolutional neural networks. ICML.
 *   arXiv:1806.05393.
 * @throws InitError `invalid_shape` (at call time) for a rank other than 3–5 or in channels > out channels.
 * @example
 * const w = deltaOrthogonal()([3, 3, 64, 128], keyFromSeed(1)); // zero except the centre tap w[1, 1, :, :]
 */
export function deltaOrthogonal(options: { readonly gain?: number } = {}): Initializer {
  return createInitializer(deltaOrthogonalDefinition, options);
}
