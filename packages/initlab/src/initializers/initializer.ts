/**
 * What an initializer is: a value built from a validated spec, callable as a pure function of (shape, key).
 * The same spec, shape, key and layout give the same bits on every platform, and any slice of the tensor can be
 * generated alone with {@link Initializer.fill}.
 */
import { fail } from '../errors.ts';
import { checkLayout, type Fans, type Layout } from '../fans.ts';
import { bfloat16Value, float16Value, roundToBfloat16, roundToFloat16 } from '../half.ts';
import { toKey, type Key, type KeyLike } from '../random/key.ts';
import type { FloatArray } from '../random/samplers.ts';
import { checkShape, sizeOf, type Shape } from '../shape.ts';
import { resolveOptions, type OptionSchemas, type OptionValue, type ResolvedOptionsOf } from './options.ts';

/** A JSON-serializable description of an initializer: its canonical name and every option's value. */
export type InitializerSpec = { readonly name: string } & Readonly<Record<string, OptionValue>>;

/** Element types an initializer can produce. */
export const DTYPES = ['float32', 'float64', 'bfloat16', 'float16'] as const;
/**
 * `float32` (default), `float64`, `bfloat16` or `float16`. Values are computed in float64 and rounded once to
 * float32 or float64; a 16-bit output is the float32 output rounded once more, to nearest with ties to even
 * (src/half.ts: as `torch.tensor(x, dtype=torch.float32).to(torch.bfloat16)` and `numpy.float16`), and is returned
 * as a Uint16Array of its bits.
 */
export type Dtype = (typeof DTYPES)[number];

/** The 16-bit dtypes, whose values are held as bits in a Uint16Array. */
export type HalfDtype = 'bfloat16' | 'float16';

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = Object.freeze({ float32: 4, float64: 8, bfloat16: 2, float16: 2 });

/** What an initializer returns or fills: Float32Array, Float64Array, or the bits of 16-bit floats in a Uint16Array. */
export type OutputArray = Float32Array | Float64Array | Uint16Array;

/**
 * The dtype, checked: one of {@link DTYPES}.
 *
 * @throws InitError `invalid_option` naming `dtype`.
 * @example
 * checkDtype('bfloat16', 'normal'); // 'bfloat16'
 * checkDtype('fp16', 'normal'); // throws InitError: "normal: dtype must be one of 'float32', 'float64', 'bfloat16', 'float16'; got 'fp16'."
 */
export function checkDtype(dtype: unknown, where: string): Dtype {
  if (!(DTYPES as readonly unknown[]).includes(dtype)) fail('invalid_option', where, 'dtype', `one of ${DTYPES.map((d) => `'${d}'`).join(', ')}`, dtype);
  return dtype as Dtype;
}

/**
 * The values an output holds, as numbers: the array itself for float32 and float64, the decoded 16-bit floats (exact,
 * in a Float32Array) for bfloat16 and float16.
 *
 * @example
 * outputValues(Uint16Array.of(0x3f80, 0xc000), 'bfloat16'); // Float32Array [1, -2]
 */
export function outputValues(out: OutputArray, dtype: Dtype): Float32Array | Float64Array {
  if (!(out instanceof Uint16Array)) return out;
  const decode = dtype === 'bfloat16' ? bfloat16Value : float16Value;
  return Float32Array.from(out, (bits) => decode(bits));
}

/**
 * A new zero-filled array of `size` elements of `dtype`: Float32Array, Float64Array, or Uint16Array for the 16-bit ones.
 *
 * @example
 * newOutputArray('bfloat16', 4); // Uint16Array(4)
 */
export function newOutputArray(dtype: Dtype, size: number): OutputArray {
  if (dtype === 'float64') return new Float64Array(size);
  if (dtype === 'float32') return new Float32Array(size);
  return new Uint16Array(size);
}

/** Options of a call. */
export interface CallOptions {
  /** Weight layout (default `tf`): see {@link Layout}. */
  readonly layout?: Layout;
  /** Output element type (default `float32`). */
  readonly dtype?: Dtype;
}

/** Options of {@link Initializer.fill}. */
export interface FillOptions {
  /** Weight layout (default `tf`). */
  readonly layout?: Layout;
  /** Flat row-major index of `out[0]` in the whole tensor (default 0), to fill one shard of it. */
  readonly offset?: number;
  /**
   * The element type `out` holds: required for a Uint16Array (`bfloat16` or `float16`, which it holds as bits);
   * for a Float32Array or Float64Array it may be omitted and, when given, must be `float32` or `float64` to match.
   */
  readonly dtype?: Dtype;
}

/**
 * A rectangular block of a tensor: `start` and `size` per dimension, e.g. rows 512…1023 of a [1024, 768] weight is
 * `{ start: [512, 0], size: [512, 768] }`.
 */
export interface Block {
  readonly start: readonly number[];
  readonly size: readonly number[];
}

/** What an initializer does to a given shape: the numbers behind it. */
export interface Description {
  /** The fans, for fan-based initializers. */
  readonly fans?: Fans;
  /** The formula with this shape's numbers, e.g. `std = gain / √fanIn = 1.41421 / √576 = 0.0589256`. */
  readonly formula: string;
  /** Expected mean of the elements. */
  readonly mean: number;
  /** Expected standard deviation of the elements (exact for deterministic initializers). */
  readonly std: number;
}

/** How an initializer fills a shape: created once per (options, shape, layout). */
export interface Plan extends Description {
  /** Writes elements offset … offset + out.length − 1 of the row-major tensor. */
  fill(key: Key, out: FloatArray, offset: number): void;
}

/**
 * The definition of an initializer family member: data about it plus its planner. `S` is its option schema;
 * `check` and `plan` receive the options typed by it (see {@link defineInitializer}).
 */
export interface InitializerDefinition<S extends OptionSchemas = OptionSchemas> {
  /** Canonical id, snake_case (`he_normal`). */
  readonly name: string;
  /** Other accepted ids (`kaiming_normal`). */
  readonly aliases?: readonly string[];
  /** When to use it, one sentence. */
  readonly summary: string;
  /** The general formula. */
  readonly formula: string;
  /** The paper or library it comes from. */
  readonly reference: string;
  /** Its options, in order. */
  readonly options: S;
  /**
   * True when every element is an independent draw (or a constant), so any slice of a tensor can be computed alone
   * and in parallel; structured initializers (orthogonal, identity, dirac, sparse…) leave it unset.
   */
  readonly elementwise?: boolean;
  /** Checks between options, after each was validated alone. */
  check?(options: ResolvedOptionsOf<S>): void;
  /** Plans the fill of a (checked) shape. */
  plan(options: ResolvedOptionsOf<S>, shape: Shape, layout: Layout): Plan;
}

/**
 * Returns `definition` as it is, with its option types inferred from its `options` literal, so that `check` and
 * `plan` read `o.gain` as a number and `o.mode` as the union of the mode's values, without casts.
 */
export function defineInitializer<const S extends OptionSchemas>(definition: InitializerDefinition<S>): InitializerDefinition<S> {
  return definition;
}

/**
 * An initializer: call it with a shape and a key (or seed) to get new weights, or use `fill` to write into an
 * array you own. `spec` rebuilds it with `fromSpec`.
 */
export interface Initializer {
  (shape: Shape, key: KeyLike, options?: CallOptions & { readonly dtype?: 'float32' }): Float32Array;
  (shape: Shape, key: KeyLike, options: CallOptions & { readonly dtype: 'float64' }): Float64Array;
  (shape: Shape, key: KeyLike, options: CallOptions & { readonly dtype: HalfDtype }): Uint16Array;
  (shape: Shape, key: KeyLike, options: CallOptions & { readonly dtype: 'float32' | 'float64' }): Float32Array | Float64Array;
  (shape: Shape, key: KeyLike, options?: CallOptions): OutputArray;
  /** The canonical JSON description: `{name, ...options}` with defaults filled in. */
  readonly spec: InitializerSpec;
  /** The definition this initializer was made from. */
  readonly definition: InitializerDefinition;
  /**
   * Writes the flat slice [offset, offset + out.length) of the row-major tensor into `out` and returns `out`: the
   * same bits as that slice of the whole tensor, for every initializer (an FSDP flat shard).
   */
  fill<T extends OutputArray>(out: T, shape: Shape, key: KeyLike, options?: FillOptions): T;
  /**
   * The block `{start, size}` of the tensor alone, in row-major order, bit-identical to the same block of the whole
   * tensor (a tensor-parallel shard): element-wise initializers only (`definition.elementwise`); a structured one
   * accepts only the whole tensor as its block.
   */
  block(shape: Shape, key: KeyLike, block: Block, options?: CallOptions & { readonly dtype?: 'float32' }): Float32Array;
  block(shape: Shape, key: KeyLike, block: Block, options: CallOptions & { readonly dtype: 'float64' }): Float64Array;
  block(shape: Shape, key: KeyLike, block: Block, options: CallOptions & { readonly dtype: HalfDtype }): Uint16Array;
  block(shape: Shape, key: KeyLike, block: Block, options: CallOptions & { readonly dtype: 'float32' | 'float64' }): Float32Array | Float64Array;
  block(shape: Shape, key: KeyLike, block: Block, options?: CallOptions): OutputArray;
  /** The fans, formula with numbers, and target mean and std for a shape. */
  describe(shape: Shape, layout?: Layout): Description;
}

/**
 * Builds an initializer from a definition and user options, validating the options now (not at call time).
 *
 * @throws InitError `invalid_option` for unknown, missing or out-of-range options.
 */
export function createInitializer<S extends OptionSchemas>(definition: InitializerDefinition<S>, given: object = {}): Initializer {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    fail('invalid_option', definition.name, 'options', 'an object of options', given);
  }
  const options = resolveOptions(definition.name, definition.options, given as Readonly<Record<string, unknown>>);
  definition.check?.(options);
  const spec: InitializerSpec = Object.freeze({ name: definition.name, ...options });
  const plan = (shape: Shape, layout: Layout | undefined): Plan => {
    checkShape(shape, definition.name);
    return definition.plan(options, shape, checkLayout(layout ?? 'tf', definition.name));
  };
  const elementwise = definition.elementwise === true;
  const call = (shape: Shape, key: KeyLike, callOptions: CallOptions = {}): OutputArray => {
    const dtype = checkDtype(callOptions.dtype ?? 'float32', definition.name);
    const k = toKey(key);
    const p = plan(shape, callOptions.layout);
    const out = newOutputArray(dtype, sizeOf(shape));
    fillPlanned(p, k, out, 0, dtype, elementwise);
    return out;
  };
  const fill = <T extends OutputArray>(out: T, shape: Shape, key: KeyLike, fillOptions: FillOptions = {}): T => {
    const dtype = outputDtype(out, fillOptions.dtype, definition.name);
    const k = toKey(key);
    const p = plan(shape, fillOptions.layout);
    const offset = fillOptions.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + out.length > sizeOf(shape)) {
      fail('invalid_option', definition.name, 'offset', `an integer in [0, ${sizeOf(shape) - out.length}] for this shape and output length`, offset);
    }
    fillPlanned(p, k, out, offset, dtype, elementwise);
    return out;
  };
  const block = (shape: Shape, key: KeyLike, region: Block, callOptions: CallOptions = {}): OutputArray => {
    const dtype = checkDtype(callOptions.dtype ?? 'float32', definition.name);
    const k = toKey(key);
    const p = plan(shape, callOptions.layout);
    const { start, size } = checkBlock(region, shape, definition.name);
    if (!elementwise && !(start.every((s) => s === 0) && size.every((n, i) => n === shape[i]))) {
      fail(
        'invalid_argument',
        definition.name,
        'start',
        `all zeros, with size equal to the shape [${shape.join(', ')}]: ${definition.name} is not element-wise (its elements depend on each other), so it needs the whole tensor; generate it whole and slice it`,
        start,
      );
    }
    const out = newOutputArray(dtype, sizeOf(size));
    const scratch = dtype === 'bfloat16' || dtype === 'float16' ? new Float32Array(Math.min(HALF_CHUNK, out.length)) : undefined;
    forEachSegment(shape, start, size, (offset, at, length) => fillPlanned(p, k, out.subarray(at, at + length), offset, dtype, true, scratch));
    return out;
  };
  const describe = (shape: Shape, layout?: Layout): Description => {
    const { fill: _unused, ...description } = plan(shape, layout);
    return description;
  };
  return Object.freeze(Object.assign(call, { spec, definition, fill, block, describe })) as Initializer;
}

/** Elements a 16-bit fill of an element-wise initializer computes at a time as float32 before rounding them. */
const HALF_CHUNK = 1 << 14;

/**
 * Runs a plan into `out` of `dtype`: float32 and float64 directly; a 16-bit dtype through float32 chunks, each rounded
 * once (element-wise plans in chunks of {@link HALF_CHUNK}, others in one piece, since they compute the whole tensor).
 */
function fillPlanned(p: Plan, key: Key, out: OutputArray, offset: number, dtype: Dtype, elementwise: boolean, scratch?: Float32Array): void {
  if (dtype === 'float32' || dtype === 'float64') {
    p.fill(key, out as FloatArray, offset);
    return;
  }
  const bits = out as Uint16Array;
  const round = dtype === 'bfloat16' ? roundToBfloat16 : roundToFloat16;
  const chunk = elementwise ? Math.min(HALF_CHUNK, bits.length) : bits.length;
  const buffer = scratch !== undefined && scratch.length >= chunk ? scratch : new Float32Array(chunk);
  for (let done = 0; done < bits.length; done += chunk) {
    const n = Math.min(chunk, bits.length - done);
    const part = buffer.subarray(0, n);
    p.fill(key, part, offset + done);
    round(part, bits.subarray(done, done + n));
  }
}

/** The dtype of a fill's output: the array's own for Float32Array/Float64Array, the given 16-bit one for a Uint16Array. */
function outputDtype(out: unknown, given: unknown, where: string): Dtype {
  if (out instanceof Uint16Array) {
    if (given !== 'bfloat16' && given !== 'float16') fail('invalid_option', where, 'dtype', "'bfloat16' or 'float16' for a Uint16Array output", given);
    return given;
  }
  const natural = out instanceof Float64Array ? 'float64' : out instanceof Float32Array ? 'float32' : undefined;
  if (natural === undefined) fail('invalid_argument', where, 'out', 'a Float32Array, Float64Array or Uint16Array', out);
  if (given !== undefined && given !== natural)
    fail('invalid_option', where, 'dtype', `'${natural}' (or omitted) for a ${natural === 'float64' ? 'Float64Array' : 'Float32Array'} output`, given);
  return natural;
}

/** The block, checked against the shape: `start` and `size` lists of the shape's rank, inside it. */
function checkBlock(region: unknown, shape: Shape, where: string): Block {
  if (region === null || typeof region !== 'object' || Array.isArray(region)) fail('invalid_argument', where, 'block', 'an object {start, size}', region);
  const { start, size } = region as { start?: unknown; size?: unknown };
  const rank = shape.length;
  const integers = (value: unknown): value is number[] =>
    Array.isArray(value) && value.length === rank && value.every((v) => Number.isSafeInteger(v) && (v as number) >= 0);
  if (!integers(start)) fail('invalid_option', where, 'start', `a list of ${rank} non-negative integers (one per dimension of [${shape.join(', ')}])`, start);
  if (!integers(size)) fail('invalid_option', where, 'size', `a list of ${rank} non-negative integers (one per dimension of [${shape.join(', ')}])`, size);
  for (let i = 0; i < rank; i++) {
    if (start[i]! + size[i]! > shape[i]!) {
      fail('invalid_option', where, 'size', `such that start + size ≤ shape in every dimension (dimension ${i}: ${start[i]} + ${size[i]} > ${shape[i]})`, size);
    }
  }
  return { start, size };
}

/**
 * Calls `visit(offset, at, length)` for each contiguous run of the block in the row-major tensor: `offset` its flat
 * index in the tensor, `at` its index in the block, `length` its number of elements. Trailing dimensions the block
 * covers whole are merged into one run, so a block of whole rows is a single run. Run r of the block starts at
 * offset = Σᵢ (startᵢ + indexᵢ)·strideᵢ over the outer dimensions, strideᵢ = Π_{j>i} shapeⱼ (row-major).
 *
 * @example
 * const runs: number[][] = [];
 * forEachSegment([4, 6], [0, 2], [3, 3], (offset, at, length) => runs.push([offset, at, length]));
 * // runs = [[2, 0, 3], [8, 3, 3], [14, 6, 3]]: columns 2…4 of rows 0…2
 */
export function forEachSegment(
  shape: Shape,
  start: readonly number[],
  size: readonly number[],
  visit: (offset: number, at: number, length: number) => void,
): void {
  const rank = shape.length;
  if (size.some((n) => n === 0)) return;
  if (rank === 0) {
    visit(0, 0, 1);
    return;
  }
  const strides: number[] = new Array(rank);
  strides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
  let inner = rank - 1; // the runs span dimensions inner … rank − 1
  while (inner > 0 && size[inner] === shape[inner]) inner--;
  const length = size[inner]! * strides[inner]!;
  const index: number[] = new Array(inner).fill(0); // position in the block's outer dimensions
  let base = 0;
  for (let i = 0; i <= inner; i++) base += start[i]! * strides[i]!;
  for (let at = 0; ; at += length) {
    let offset = base;
    for (let i = 0; i < inner; i++) offset += index[i]! * strides[i]!;
    visit(offset, at, length);
    let d = inner - 1;
    while (d >= 0 && ++index[d]! === size[d]!) index[d--] = 0;
    if (d < 0) return;
  }
}
