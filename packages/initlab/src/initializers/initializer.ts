/**
 * What an initializer is: a value built from a validated spec, callable as a pure function of (shape, key).
 * The same spec, shape, key and layout give the same bits on every platform, and any slice of the tensor can be
 * generated alone with {@link Initializer.fill}.
 */
import { fail } from '../errors.ts';
import { checkLayout, type Fans, type Layout } from '../fans.ts';
import { toKey, type Key, type KeyLike } from '../random/key.ts';
import type { FloatArray } from '../random/samplers.ts';
import { checkShape, sizeOf, type Shape } from '../shape.ts';
import { resolveOptions, type OptionSchemas, type OptionValue, type ResolvedOptionsOf } from './options.ts';

/** A JSON-serializable description of an initializer: its canonical name and every option's value. */
export type InitializerSpec = { readonly name: string } & Readonly<Record<string, OptionValue>>;

/** Element types an initializer can produce. */
export const DTYPES = ['float32', 'float64'] as const;
/** `float32` (default) or `float64`. Values are computed in float64 and rounded once. */
export type Dtype = (typeof DTYPES)[number];

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
  (shape: Shape, key: KeyLike, options?: CallOptions): Float32Array | Float64Array;
  /** The canonical JSON description: `{name, ...options}` with defaults filled in. */
  readonly spec: InitializerSpec;
  /** The definition this initializer was made from. */
  readonly definition: InitializerDefinition;
  /** Writes the slice [offset, offset + out.length) of the tensor into `out` and returns `out`. */
  fill<T extends FloatArray>(out: T, shape: Shape, key: KeyLike, options?: FillOptions): T;
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
  const call = (shape: Shape, key: KeyLike, callOptions: CallOptions = {}): Float32Array | Float64Array => {
    const dtype = callOptions.dtype ?? 'float32';
    if (!(DTYPES as readonly string[]).includes(dtype)) {
      fail('invalid_option', definition.name, 'dtype', `one of ${DTYPES.map((d) => `'${d}'`).join(', ')}`, dtype);
    }
    const k = toKey(key);
    const p = plan(shape, callOptions.layout);
    const size = sizeOf(shape);
    const out = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
    p.fill(k, out, 0);
    return out;
  };
  const fill = <T extends FloatArray>(out: T, shape: Shape, key: KeyLike, fillOptions: FillOptions = {}): T => {
    const k = toKey(key);
    const p = plan(shape, fillOptions.layout);
    const offset = fillOptions.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + out.length > sizeOf(shape)) {
      fail('invalid_option', definition.name, 'offset', `an integer in [0, ${sizeOf(shape) - out.length}] for this shape and output length`, offset);
    }
    p.fill(k, out, offset);
    return out;
  };
  const describe = (shape: Shape, layout?: Layout): Description => {
    const { fill: _unused, ...description } = plan(shape, layout);
    return description;
  };
  return Object.freeze(Object.assign(call, { spec, definition, fill, describe })) as Initializer;
}
