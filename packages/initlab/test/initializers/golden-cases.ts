/**
 * The golden table's rows: every registered initializer, with default options and the option rows that change its
 * arithmetic, in both layouts and every dtype, on a few small shapes, from one fixed key. golden-generate.ts writes
 * what they give today into golden.json and golden.test.ts checks that they still give exactly that.
 *
 * A golden value is a snapshot, not a proof of correctness: the statistical tests say the values are right, the
 * goldens say they did not move. When one moves on purpose, the diff of golden.json goes into the CHANGELOG.
 */
import { createHash } from 'node:crypto';
import { InitError } from '../../src/errors.ts';
import { LAYOUTS, type Layout } from '../../src/fans.ts';
import { bfloat16Bits, float16Bits } from '../../src/half.ts';
import { DTYPES, type Dtype, type OutputArray, outputValues } from '../../src/initializers/initializer.ts';
import { findDefinition, fromSpec } from '../../src/initializers/registry.ts';
import type { OptionValue } from '../../src/initializers/options.ts';

/** The key every row is drawn from. */
export const GOLDEN_SEED = 20250607;

/** How many leading values a row shows in clear (the hash covers the rest). */
export const FIRST_COUNT = 6;

/** Candidate shapes per layout: dense, 1-D conv and 2-D conv kernels with fanIn ≠ fanOut; each initializer gets those it accepts. */
const SHAPES: Record<Layout, readonly (readonly number[])[]> = {
  tf: [
    [7, 5],
    [3, 4, 6],
    [3, 3, 4, 6],
  ],
  torch: [
    [7, 5],
    [6, 4, 3],
    [6, 4, 3, 3],
  ],
};

type Options = Readonly<Record<string, OptionValue>>;

/** The nonlinearity rows of He: each gain branch once, and both fan modes. */
const HE_ROWS: readonly Options[] = [
  {},
  { mode: 'fan_out' },
  { nonlinearity: 'leaky_relu', negativeSlope: 0.2 },
  { nonlinearity: 'leaky_relu', negativeSlope: 0.01, mode: 'fan_out' },
  { nonlinearity: 'tanh' },
  { nonlinearity: 'selu' },
  { nonlinearity: 'linear' },
  { nonlinearity: 'sigmoid' },
];

/** Option rows per initializer; the first row of each is its defaults (plus the options it requires). */
export const OPTION_ROWS: Readonly<Record<string, readonly Options[]>> = {
  zeros: [{}],
  ones: [{}],
  constant: [{ value: 0.5 }],
  uniform: [{ low: -0.1, high: 0.3 }],
  normal: [{ std: 0.02 }, { mean: 1, std: 0.5 }],
  truncated_normal: [{}, { mean: 0.5, std: 0.1, low: 0.4, high: 0.8 }],
  embedding_normal: [
    { std: 0.02, paddingIdx: 0 },
    { mean: 1, std: 0.5, paddingIdx: 2 },
  ],
  glorot_uniform: [{}, { gain: 1.5 }, { gain: Math.SQRT2 }],
  glorot_normal: [{}, { gain: 1.5 }, { gain: Math.SQRT2 }],
  he_uniform: HE_ROWS,
  he_normal: HE_ROWS,
  lecun_uniform: [{}],
  lecun_normal: [{}],
  variance_scaling: [
    {},
    { distribution: 'normal' },
    { distribution: 'uniform' },
    { scale: 2, mode: 'fan_out' },
    { scale: 2, distribution: 'normal' },
    { scale: 3, mode: 'fan_avg', distribution: 'uniform' },
    { scale: 0.5, mode: 'fan_avg', distribution: 'normal' },
  ],
  orthogonal: [{}, { gain: 2 }],
  delta_orthogonal: [{}, { gain: 0.5 }],
  identity: [{}, { gain: 2.5 }],
  dirac: [{}, { groups: 2 }],
  sparse: [{ sparsity: 0.3 }, { sparsity: 0.5, std: 0.1 }],
};

/** One golden row: an initializer spec applied to one shape in one layout and dtype. */
export interface GoldenCase {
  readonly key: string;
  readonly name: string;
  readonly options: Options;
  readonly layout: Layout;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
}

/** What a row pins: the first values, a hash of the whole tensor, and the described mean and std. */
export interface GoldenRow {
  readonly first: readonly number[];
  readonly hash: string;
  readonly mean: number;
  readonly std: number;
}

/** `he_normal/tf/float32/[7,5]`, plus `/mode=fan_out,…` when the row sets options. */
export function caseKey(name: string, layout: Layout, dtype: Dtype, shape: readonly number[], options: Options): string {
  const base = `${name}/${layout}/${dtype}/[${shape.join(',')}]`;
  const entries = Object.entries(options);
  return entries.length === 0 ? base : `${base}/${entries.map(([k, v]) => `${k}=${v}`).join(',')}`;
}

/** Whether the initializer takes this shape (some have rank or channel rules). */
function accepts(name: string, options: Options, shape: readonly number[], layout: Layout): boolean {
  try {
    fromSpec({ name, ...options }).describe(shape, layout);
    return true;
  } catch (error) {
    if (error instanceof InitError && error.code === 'invalid_shape') return false;
    throw error;
  }
}

/** Every golden case, in a fixed order: initializer, option row, layout, dtype, shape. */
export function goldenCases(): GoldenCase[] {
  const cases: GoldenCase[] = [];
  for (const [name, rows] of Object.entries(OPTION_ROWS)) {
    findDefinition(name);
    for (const options of rows) {
      for (const layout of LAYOUTS) {
        for (const dtype of DTYPES) {
          for (const shape of SHAPES[layout]) {
            if (!accepts(name, options, shape, layout)) continue;
            cases.push({ key: caseKey(name, layout, dtype, shape, options), name, options, layout, dtype, shape });
          }
        }
      }
    }
  }
  return cases;
}

/**
 * The shortest decimal that reads back as `value` in its dtype: JavaScript's own shortest form for float64, and the
 * shortest that rounds to the same float32, bfloat16 or float16 for those.
 */
export function shortest(value: number, dtype: Dtype): number {
  if (value === 0 || !Number.isFinite(value)) return value === 0 ? 0 : value; // JSON has no −0; the hash keeps the sign
  if (dtype === 'float64') return value;
  const same =
    dtype === 'float32'
      ? (c: number) => Math.fround(c) === value
      : dtype === 'bfloat16'
        ? (c: number) => bfloat16Bits(c) === bfloat16Bits(value)
        : (c: number) => float16Bits(c) === float16Bits(value);
  for (let digits = 1; digits < 17; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (same(candidate)) return candidate;
  }
  return value;
}

/** SHA-256 of the tensor's elements as little-endian IEEE bytes (the bits of 16-bit floats), first 16 hex digits. */
export function tensorHash(values: OutputArray): string {
  const width = values.BYTES_PER_ELEMENT;
  const bytes = new DataView(new ArrayBuffer(values.length * width));
  for (let i = 0; i < values.length; i++) {
    if (width === 2) bytes.setUint16(2 * i, values[i]!, true);
    else if (width === 4) bytes.setFloat32(4 * i, values[i]!, true);
    else bytes.setFloat64(8 * i, values[i]!, true);
  }
  return createHash('sha256').update(new Uint8Array(bytes.buffer)).digest('hex').slice(0, 16);
}

/** Computes a row as the code gives it now. */
export function computeRow(c: GoldenCase): GoldenRow {
  const init = fromSpec({ name: c.name, ...c.options });
  const values = init(c.shape, GOLDEN_SEED, { layout: c.layout, dtype: c.dtype });
  const { mean, std } = init.describe(c.shape, c.layout);
  return {
    first: Array.from(outputValues(values.subarray(0, FIRST_COUNT), c.dtype), (v) => shortest(v, c.dtype)),
    hash: tensorHash(values),
    mean,
    std,
  };
}

/** The golden file as written: the seed, then one row per line so that diffs show which rows moved. */
export interface GoldenFile {
  readonly seed: number;
  readonly rows: Readonly<Record<string, GoldenRow>>;
}

/** Serializes the golden file with one row per line. */
export function formatGolden(file: GoldenFile): string {
  const rows = Object.entries(file.rows).map(([key, row]) => `    ${JSON.stringify(key)}: ${JSON.stringify(row)}`);
  return `{\n  "seed": ${file.seed},\n  "rows": {\n${rows.join(',\n')}\n  }\n}\n`;
}

/** Where golden.json lives in the source tree, from this module compiled in dist/test/initializers. */
export const GOLDEN_PATH = new URL('../../../test/initializers/golden.json', import.meta.url);
