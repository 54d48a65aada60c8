/** Initializers with fixed parameters: zeros, ones, constant, uniform, normal and truncated normal. */
import { fail } from '../errors.ts';
import { checkTruncationBounds } from '../random/samplers.ts';
import { formatNumber as f } from '../format.ts';
import { sizeOf } from '../shape.ts';
import { createInitializer, defineInitializer, type Initializer } from './initializer.ts';
import { constantPlan, normalPlan, truncatedNormalPlan, uniformPlan } from './plans.ts';

const CONSTANT_SUMMARY =
  'Every weight equal: fine for biases, but for weights every neuron of a layer computes the same thing and receives the same update (the symmetry problem).';

/** Definition of {@link zeros}. */
export const zerosDefinition = defineInitializer({
  name: 'zeros',
  elementwise: true,
  aliases: ['zero'],
  summary: `${CONSTANT_SUMMARY} The usual bias initializer.`,
  formula: 'w = 0',
  reference: 'PyTorch zeros_, Keras Zeros',
  options: {},
  plan: () => constantPlan(0, 'w = 0'),
});

/** Definition of {@link ones}. */
export const onesDefinition = defineInitializer({
  name: 'ones',
  elementwise: true,
  aliases: ['one'],
  summary: `${CONSTANT_SUMMARY} Used for scale parameters such as batch-norm gamma.`,
  formula: 'w = 1',
  reference: 'PyTorch ones_, Keras Ones',
  options: {},
  plan: () => constantPlan(1, 'w = 1'),
});

/** Definition of {@link constant}. */
export const constantDefinition = defineInitializer({
  name: 'constant',
  elementwise: true,
  summary: CONSTANT_SUMMARY,
  formula: 'w = value',
  reference: 'PyTorch constant_, Keras Constant',
  options: { value: { type: 'number', doc: 'the value of every element' } },
  plan: (o) => constantPlan(o.value, `w = ${f(o.value)}`),
});

/** Definition of {@link uniform}. */
export const uniformDefinition = defineInitializer({
  name: 'uniform',
  elementwise: true,
  aliases: ['random_uniform'],
  summary:
    'Small random values with a fixed range (e.g. ±0.01); breaks symmetry, but the right range depends on the layer width, so deep nets vanish or explode.',
  formula: 'w ~ 𝒰[low, high)',
  reference: 'PyTorch uniform_ (defaults 0, 1), Keras RandomUniform (defaults ±0.05): no default here, say which',
  options: {
    low: { type: 'number', doc: 'inclusive lower bound' },
    high: { type: 'number', doc: 'exclusive upper bound' },
  },
  check: (o) => {
    if (!(o.low < o.high)) fail('invalid_option', 'uniform', 'low', `less than high (${o.high})`, o.low);
  },
  plan: (o) => uniformPlan(o.low, o.high, `w ~ 𝒰[${f(o.low)}, ${f(o.high)})`),
});

/** Definition of {@link normal}. */
export const normalDefinition = defineInitializer({
  name: 'normal',
  elementwise: true,
  aliases: ['random_normal'],
  summary:
    'Random normal values with a fixed std (e.g. 0.01): breaks symmetry; too small a std makes sigmoid outputs all ≈ 0.5 and gradients vanish, too large saturates them.',
  formula: 'w ~ 𝒩(mean, std²)',
  reference: 'PyTorch normal_ (default std 1), Keras RandomNormal (default std 0.05): std has no default here',
  options: {
    mean: { type: 'number', doc: 'mean', default: 0 },
    std: { type: 'number', doc: 'standard deviation', min: 0 },
  },
  plan: (o) => normalPlan(o.mean, o.std, `w ~ 𝒩(${f(o.mean)}, ${f(o.std)}²)`),
});

/** Definition of {@link truncatedNormal}. */
export const truncatedNormalDefinition = defineInitializer({
  name: 'truncated_normal',
  elementwise: true,
  aliases: ['trunc_normal'],
  summary: 'A normal draw restricted to absolute bounds [low, high] (PyTorch trunc_normal_): no outliers; std is that of the normal before truncation.',
  formula: 'w ~ 𝒩(mean, std²) restricted to [low, high]',
  reference: 'PyTorch trunc_normal_ (absolute bounds, no variance correction)',
  options: {
    mean: { type: 'number', doc: 'mean of the normal before truncation', default: 0 },
    std: { type: 'number', doc: 'std of the normal before truncation', default: 1, min: 0, minExclusive: true },
    low: { type: 'number', doc: 'absolute lower bound (default mean − 2·std)', default: (o) => o['mean']! - 2 * o['std']! },
    high: { type: 'number', doc: 'absolute upper bound (default mean + 2·std)', default: (o) => o['mean']! + 2 * o['std']! },
  },
  check: ({ mean, std, low, high }) => checkTruncationBounds(mean, std, low, high),
  plan: ({ mean, std, low, high }) => truncatedNormalPlan(mean, std, low, high, `w ~ 𝒩(${f(mean)}, ${f(std)}²) restricted to [${f(low)}, ${f(high)}]`),
});

/** Definition of {@link embeddingNormal}. */
export const embeddingNormalDefinition = defineInitializer({
  name: 'embedding_normal',
  elementwise: true,
  summary:
    'An embedding table drawn from 𝒩(mean, std²) with the padding token’s row set to zero, as Hugging Face models initialize nn.Embedding(padding_idx=…): the padding token starts with no signal.',
  formula: 'w[i, …] = 0 for i = paddingIdx, else w ~ 𝒩(mean, std²)',
  reference: 'Hugging Face transformers PreTrainedModel._init_weights (normal_, then weight[padding_idx].zero_())',
  options: {
    mean: { type: 'number', doc: 'mean', default: 0 },
    std: { type: 'number', doc: 'standard deviation', min: 0 },
    paddingIdx: { type: 'number', doc: 'the row (first index) set to zero', integer: true, min: 0 },
  },
  plan: (o, shape) => {
    if (shape.length < 1) fail('invalid_shape', 'embedding_normal', 'shape', 'of rank 1 or more (rows first, e.g. [num_embeddings, dim])', shape);
    const rows = shape[0]!;
    if (o.paddingIdx >= rows) fail('invalid_option', 'embedding_normal', 'paddingIdx', `less than the number of rows (${rows})`, o.paddingIdx);
    const normalOfShape = normalPlan(o.mean, o.std, '');
    const rowLength = rows === 0 ? 0 : sizeOf(shape) / rows;
    const zeroStart = o.paddingIdx * rowLength;
    const zeroEnd = zeroStart + rowLength;
    const n = sizeOf(shape);
    // Moments over the whole tensor: (n − r) normal elements and r zeros (r = one row).
    const share = n === 0 ? 0 : (n - rowLength) / n;
    const mean = share * o.mean;
    const std = Math.sqrt(share * (o.std * o.std + o.mean * o.mean) - mean * mean);
    return {
      formula: `w ~ 𝒩(${f(o.mean)}, ${f(o.std)}²), row ${o.paddingIdx} = 0`,
      mean,
      std,
      fill: (key, out, offset) => {
        normalOfShape.fill(key, out, offset);
        const from = Math.max(zeroStart, offset);
        const to = Math.min(zeroEnd, offset + out.length);
        if (from < to) out.fill(0, from - offset, to - offset);
      },
    };
  },
});

/**
 * Zeros: w = 0. The standard bias initializer; for weights it leaves every neuron of a layer identical.
 * @example
 * const b = zeros()([256], 0); // Float32Array of 256 zeros; the key is ignored
 */
export function zeros(): Initializer {
  return createInitializer(zerosDefinition);
}

/**
 * Ones: w = 1.
 * @example
 * const gamma = ones()([64], 0); // Float32Array of 64 ones, e.g. a batch-norm scale
 */
export function ones(): Initializer {
  return createInitializer(onesDefinition);
}

/**
 * Constant: w = value (Keras Constant, PyTorch constant_).
 * @example
 * const b = constant({ value: 0.1 })([128], 0); // every element fl32(0.1) = 0.10000000149011612
 */
export function constant(options: { readonly value: number }): Initializer {
  return createInitializer(constantDefinition, options);
}

/**
 * Uniform: w ~ 𝒰[low, high). Both bounds are required, since PyTorch (0, 1) and Keras (±0.05) disagree.
 * @example
 * const w = uniform({ low: -0.05, high: 0.05 })([784, 256], keyFromSeed(1)); // Keras RandomUniform's default range
 */
export function uniform(options: { readonly low: number; readonly high: number }): Initializer {
  return createInitializer(uniformDefinition, options);
}

/**
 * Normal: w ~ 𝒩(mean, std²), untruncated; std is required (PyTorch defaults to 1, Keras to 0.05).
 * @example
 * const w = normal({ std: 0.02 })([768, 3072], keyFromSeed(1)); // Float32Array, 𝒩(0, 0.02²)
 */
export function normal(options: { readonly mean?: number; readonly std: number }): Initializer {
  return createInitializer(normalDefinition, options);
}

/**
 * Embedding normal: w ~ 𝒩(mean, std²) except the row `paddingIdx` (first index), which is 0 — Hugging Face's
 * `_init_weights` for an `nn.Embedding` with a `padding_idx` (BERT's word embeddings, pad_token_id 0). The other
 * elements are exactly those of `normal({mean, std})` with the same key: the row is overwritten, not skipped.
 * @example
 * const table = embeddingNormal({ std: 0.02, paddingIdx: 0 })([30522, 768], keyFromSeed(1)); // row 0 all zeros
 */
export function embeddingNormal(options: { readonly mean?: number; readonly std: number; readonly paddingIdx: number }): Initializer {
  return createInitializer(embeddingNormalDefinition, options);
}

/**
 * Truncated normal with absolute bounds, as PyTorch's `trunc_normal_`: w ~ 𝒩(mean, std²) restricted to
 * [low, high] (defaults mean ± 2·std), sampled exactly by inversion, without variance correction.
 * @example
 * const w = truncatedNormal({ std: 0.02 })([768, 768], keyFromSeed(1)); // every |w| ≤ 0.04
 * truncatedNormal({ std: 0.02 }).describe([768, 768]).std; // 0.0175925…: 0.8796·0.02, no correction
 */
export function truncatedNormal(options: { readonly mean?: number; readonly std?: number; readonly low?: number; readonly high?: number } = {}): Initializer {
  return createInitializer(truncatedNormalDefinition, options);
}
