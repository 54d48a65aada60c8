/**
 * The TF.js initializer class: an initlab initializer, a root key and a weight path, packaged as a subclass of
 * tfjs-layers' `Initializer` so that layers accept it and `model.toJSON()` / `model.save()` serialize it.
 *
 * tfjs-layers does not export its `Initializer` base class (only the factories in `tf.initializers`), so the base
 * is reached through a built-in initializer's prototype chain: `zeros()` → `Zeros.prototype` → `Initializer`.
 * A duck-typed `{apply}` object is rejected by the layers ("Improper config format"), and a class that does not
 * extend the base fails `getInitializer`'s `instanceof Initializer` test, so the subclass is required.
 */
import { serialization, tensor, type DataType, type Tensor } from '@tensorflow/tfjs-core';
import { initializers } from '@tensorflow/tfjs-layers';
import { fail, InitError } from '../../errors.ts';
import { fold, fromSpec, keyFromSeed, keyFromWords, sizeOf, type Initializer, type InitializerSpec, type Key, type Shape } from '../../index.ts';

/** tfjs-layers' `Initializer` instance type (its class is not exported; this names it through a factory). */
export type TfjsInitializerBase = ReturnType<typeof initializers.zeros>;

/** What the adapter accepts as an initializer: an initlab initializer, its JSON spec, or a name (`'he_normal'`). */
export type InitializerLike = Initializer | InitializerSpec | string;

/**
 * Where a weight sits in a model: `[layerName, role]`, e.g. `['fc1', 'kernel']`, or the same as one string with
 * `/` between segments (`'fc1/kernel'`, like TF.js weight names). Segments are names or indices (integers in
 * [0, 2^32)); the weight's key is `fold(root, segments)`, i.e. one fold per segment.
 */
export type WeightPath = string | readonly (string | number)[];

/** The registered TF.js class name of {@link InitlabInitializer} (the `class_name` in model JSON). */
export const TFJS_CLASS_NAME = 'initlab>Initializer';

/** Accepted values of a root: exactly one of a seed or a key. */
export interface RootOptions {
  /** Root seed: a safe integer or a bigint of at most 64 bits (`keyFromSeed`). */
  readonly seed?: number | bigint;
  /** Root key, instead of a seed. */
  readonly key?: Key;
}

/** How a weight is cut into independently initialized blocks (see {@link TfjsInitializerOptions}). */
export interface BlockOptions {
  /** Number of equal column blocks of a rank-2 weight (RNN gates), each initialized alone; default 1. */
  readonly gates?: number;
  /** Initialize a depthwise kernel `[...k, in, m]` as `in` separate kernels `[...k, 1, m]`; default false. */
  readonly perChannel?: boolean;
}

/** Options of {@link tfjsInitializer}. */
export interface TfjsInitializerOptions extends RootOptions, BlockOptions {
  /** The weight's path, usually `[layerName, role]` (see {@link WeightPath}); required. */
  readonly path: WeightPath;
}

/**
 * The resolved, validated state of an {@link InitlabInitializer}. Only {@link tfjsInitializer} and
 * {@link InitlabInitializer.fromConfig} make one (each validates its input once, then builds this); the class's
 * constructor takes it as it is and rejects any object that they did not make.
 */
export interface InitlabInitializerState {
  /** The initlab initializer. */
  readonly init: Initializer;
  /** The seed as given when it was a safe integer (kept for a readable config); undefined otherwise. */
  readonly seed: number | undefined;
  /** The root key (from the seed or given). */
  readonly root: Key;
  /** The weight's path segments. */
  readonly path: readonly (string | number)[];
  /** The weight's key: `fold(root, path)`. */
  readonly key: Key;
  /** Column blocks of a rank-2 weight (1: the whole weight). */
  readonly gates: number;
  /** Whether each input channel of a depthwise kernel is drawn alone. */
  readonly perChannel: boolean;
}

/** The states this module built (so the constructor can tell them from objects made elsewhere). */
const STATES = new WeakSet<InitlabInitializerState>();

/** Freezes and registers the state of validated parts, deriving the weight's key `fold(root, path)` once. */
function makeState(parts: Omit<InitlabInitializerState, 'key'>): InitlabInitializerState {
  const state = Object.freeze({ ...parts, key: fold(parts.root, parts.path) });
  STATES.add(state);
  return state;
}

// tfjs-layers' Initializer base (not exported): the prototype of Zeros.prototype. Relies on an internal; the tests
// pin it by using instances as layer initializers and round-tripping them through toJSON.
const TfjsInitializerClass = Object.getPrototypeOf(Object.getPrototypeOf(initializers.zeros())).constructor as abstract new () => TfjsInitializerBase;

/**
 * An initlab initializer as a TF.js layers initializer (registered as `'initlab>Initializer'`).
 *
 * `apply(shape)` returns `tf.tensor(values, shape)` with `values = init(shape, fold(root, path), {layout: 'tf'})`
 * from the core, bit for bit (or the block-wise variants of {@link tfjsInitializer}). Build instances with
 * {@link tfjsInitializer}; TF.js rebuilds them from JSON through {@link InitlabInitializer.fromConfig}
 * (decode the config, then construct). Either way the state is derived and validated once.
 *
 * @example
 * ```ts
 * const init = tfjsInitializer('orthogonal', { seed: 7, path: 'lstm/recurrent', gates: 4 });
 * init.getConfig(); // {spec: {name: 'orthogonal', gain: 1}, seed: 7, path: [{name: 'lstm'}, {name: 'recurrent'}], gates: 4, perChannel: false}
 * InitlabInitializer.fromConfig(InitlabInitializer, init.getConfig()).key; // equals init.key
 * ```
 */
export class InitlabInitializer extends TfjsInitializerClass {
  /** TF.js class name used by `registerClass` and in model JSON. */
  static className = TFJS_CLASS_NAME;

  readonly #state: InitlabInitializerState;

  /**
   * Wraps a state that {@link tfjsInitializer} or {@link InitlabInitializer.fromConfig} built; it is not checked
   * or derived again. Call those two rather than `new`.
   *
   * @throws InitError `invalid_argument` for any other object (a config included: use `fromConfig` for that).
   */
  constructor(state: InitlabInitializerState) {
    super();
    if (!STATES.has(state)) {
      fail('invalid_argument', CLASS_WHERE, 'state', 'the state made by tfjsInitializer or InitlabInitializer.fromConfig (a config goes to fromConfig)', state);
    }
    this.#state = state;
  }

  /** The initlab initializer. */
  get initializer(): Initializer {
    return this.#state.init;
  }

  /** The root key. */
  get root(): Key {
    return this.#state.root;
  }

  /** The path segments. */
  get path(): readonly (string | number)[] {
    return this.#state.path;
  }

  /** The key this weight is drawn from: `fold(root, path)`. */
  get key(): Key {
    return this.#state.key;
  }

  /**
   * The initial value of a weight of this shape: initlab's values for the key `fold(root, path)` in the `tf`
   * layout, as a float32 tensor.
   *
   * @throws InitError for a dtype other than float32, or a shape that the initializer or the block options reject.
   */
  override apply(shape: (number | null)[], dtype?: DataType): Tensor {
    if (dtype !== undefined && dtype !== 'float32') fail('invalid_option', CLASS_WHERE, 'dtype', "'float32'", dtype);
    const dims = checkDims(shape);
    const values = weightValues(this.#state.init, dims, this.#state.key, this.#state);
    return tensor(values, dims, 'float32');
  }

  /**
   * The serializable config: `{spec, seed | k0 + k1, path, gates, perChannel}`.
   *
   * TF.js rewrites every string of a model's JSON (snake_case on save, camelCase on load) except the values of
   * `name` keys, which would corrupt layer names such as `dense_1` or option values such as `fan_in`. So the spec
   * keeps its `name` and stores each other string option as `{name: value}`, and each string path segment is
   * stored as `{name: segment}`. A safe-integer seed is stored as `seed`; a bigint seed or a key as its two
   * 32-bit words `k0`, `k1` (numbers, so the config is plain JSON).
   */
  override getConfig(): serialization.ConfigDict {
    return encodeConfig(this.#state);
  }

  /**
   * Rebuilds an instance from {@link InitlabInitializer.getConfig}'s output, also after a JSON round trip through
   * TF.js (which calls it when loading a model): decodes and validates the config once, then constructs.
   *
   * @param _cls - The class TF.js passes (unused).
   * @throws InitError naming the bad field (`config.spec.std`, `config.seed`, `config.path[0]`, ...).
   */
  static fromConfig(_cls: unknown, config: serialization.ConfigDict): InitlabInitializer {
    return new InitlabInitializer(decodeConfig(config));
  }
}

/**
 * Registers {@link InitlabInitializer} with TF.js's serialization registry under `'initlab>Initializer'`.
 *
 * Importing `initlab/tfjs` registers it already; call this before `tf.loadLayersModel` / `tf.models.modelFromJSON`
 * in a program that does not otherwise use this module's exports (a bundler may drop an import that is only
 * there for its side effect). Idempotent.
 *
 * @example
 * ```ts
 * registerTfjsInitializer();
 * const model = await tf.loadLayersModel('file://model/model.json'); // its initlab>Initializer configs resolve
 * ```
 */
export function registerTfjsInitializer(): void {
  serialization.registerClass(InitlabInitializer, 'initlab', 'Initializer');
}

registerTfjsInitializer();

/**
 * Turns an initlab initializer into an initializer that TF.js layers accept as `kernelInitializer`,
 * `biasInitializer`, `recurrentInitializer`, `embeddingsInitializer`, `depthwiseInitializer`,
 * `pointwiseInitializer`, and so on.
 *
 * Seeding: TF.js calls `apply(shape)` without saying which weight it is building, so the weight's name path is
 * part of the initializer: the weight is drawn from `fold(root, path)`, with `root` from `seed` or `key`. Use
 * `[layerName, role]` with an explicit layer `name` (TF.js's default names such as `dense_Dense1` come from a
 * process-wide counter and change when other layers are created first). Roles are the ones
 * {@link initializeModel} uses: `kernel`, `recurrent`, `bias`, `depthwise`, `pointwise`, `embeddings`, `gamma`,
 * `beta`, `moving_mean`, `moving_variance`; then both routes give a weight the same bits.
 *
 * The values are the core's, bit for bit: `init(shape, fold(root, path), {layout: 'tf'})`, where the `tf` layout
 * is TF.js's own (dense `[in, out]`, convolution `[...k, in, out]`), so fans are positional as in Keras:
 * fanIn = in·∏k, fanOut = out·∏k. Two opt-in block modes change that:
 *
 * - `gates: g` (rank-2 weights `[rows, g·u]`, e.g. LSTM `g = 4` in the order i, f, c, o; GRU `g = 3`: z, r, h):
 *   block b (columns b·u … (b+1)·u − 1) is `init([rows, u], fold(weightKey, b))`. With `orthogonal` on a
 *   recurrent kernel `[u, g·u]` each gate's `[u, u]` block is its own orthogonal matrix (all singular values =
 *   gain), whereas Keras (and the default `gates: 1`) orthogonalizes the whole `[u, g·u]` matrix: its rows are
 *   orthonormal, so each gate block has singular values in (0, 1) and RMS entry gain/√(g·u) instead of gain/√u.
 *   Fan-based initializers see fanOut = u instead of g·u.
 * - `perChannel: true` (depthwise kernels `[...k, in, m]`): input channel c's slice is `init([...k, 1, m],
 *   fold(weightKey, c))`. Keras computes the depthwise fans positionally, fanIn = ∏k·in and fanOut = ∏k·m, but each
 *   output of a depthwise convolution sees only ∏k inputs (one channel); per channel the fans are the correct
 *   fanIn = ∏k, fanOut = ∏k·m (a He-normal depthwise kernel gets std √(2/∏k) instead of √(2/(∏k·in))).
 *   The default (off) matches Keras and TF.js, which users compare against.
 *
 * One initializer object (one path) per weight: an instance shared by two layers gives both the same values.
 * Where TF.js itself reuses an initializer, use {@link initializeModel} after building instead: in
 * tfjs-layers 4.22 SeparableConv2D ignores `pointwiseInitializer` (its pointwise kernel is drawn by
 * `depthwiseInitializer`, with the depthwise path) and drops `depthMultiplier` from its config, and Bidirectional
 * builds its backward layer from the forward layer's config (same paths, so identical weights).
 *
 * @param init - An initlab initializer, a spec `{name, ...options}` or a name.
 * @param options - `seed` or `key` (exactly one), `path` (required), `gates`, `perChannel`.
 * @returns A registered TF.js initializer; `getConfig()` holds `{spec, seed | k0 + k1, path, gates, perChannel}`.
 * @throws InitError for an unknown initializer or option, a missing or double root, a bad path or block option.
 *
 * @example
 * ```ts
 * const dense = tf.layers.dense({
 *   units: 256, name: 'fc1',
 *   kernelInitializer: tfjsInitializer('he_normal', { seed: 42, path: 'fc1/kernel' }),
 * });
 * ```
 */
export function tfjsInitializer(init: InitializerLike, options: TfjsInitializerOptions): InitlabInitializer {
  const where = 'tfjsInitializer';
  const initializer = toInitializer(init, where, 'init');
  checkOptions(options, where, TFJS_INITIALIZER_KEYS, '{seed | key, path, gates?, perChannel?}');
  const root = resolveRoot(options, where);
  const path = normalizePath(options.path, where, 'options.path');
  const blocks = checkBlocks(options, where, 'options');
  const seed = typeof options.seed === 'number' ? options.seed : undefined;
  return new InitlabInitializer(makeState({ init: initializer, seed, root, path, ...blocks }));
}

/** The `where` of errors raised by {@link InitlabInitializer} itself (its `apply` and `fromConfig`). */
const CLASS_WHERE = TFJS_CLASS_NAME;

/** The keys {@link tfjsInitializer} accepts in its options. */
const TFJS_INITIALIZER_KEYS: readonly string[] = ['seed', 'key', 'path', 'gates', 'perChannel'];

/**
 * Runs `f` and raises an {@link InitError} of the core from it again as an error of `where` about `rename(its
 * parameter)`, with the same code, constraint and value, so that messages name the caller's parameters
 * (`options.seed` rather than the core's `seed`). Other errors pass through.
 */
export function within<T>(where: string, rename: (parameter: string) => string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof InitError && error.detail !== undefined) {
      fail(error.code, where, rename(error.parameter), error.detail.constraint, error.detail.value);
    }
    throw error;
  }
}

/** Checks that `options` is a plain object whose keys are all in `keys` (an undefined value counts as absent). */
export function checkOptions(options: unknown, where: string, keys: readonly string[], shape: string): asserts options is Readonly<Record<string, unknown>> {
  if (!isPlainObject(options)) fail('invalid_argument', where, 'options', `an object ${shape}`, options);
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !keys.includes(key)) fail('invalid_option', where, 'options', `an object with only the keys ${keys.join(', ')}`, key);
  }
}

/**
 * Resolves an {@link InitializerLike} to an initializer (names and specs through `fromSpec`); errors name
 * `parameter` (`init`, `options.rules['Dense']`) and, for a spec, its option (`init.std`).
 */
export function toInitializer(init: unknown, where: string, parameter: string): Initializer {
  if (typeof init === 'string')
    return within(
      where,
      (p) => (p === 'name' ? parameter : `${parameter}.${p}`),
      () => fromSpec({ name: init }),
    );
  if (typeof init === 'function' && 'spec' in init) return init as Initializer;
  if (isPlainObject(init)) {
    return within(
      where,
      (p) => `${parameter}.${p}`,
      () => fromSpec(init),
    );
  }
  return fail('invalid_argument', where, parameter, 'an initlab initializer, a spec {name, ...options} or a name', init);
}

/** True for an object literal or JSON object (prototype `Object.prototype` or null), not for arrays or class instances. */
export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The root key from exactly one of `options.seed` and `options.key`. */
export function resolveRoot(options: RootOptions, where: string): Key {
  const hasSeed = options.seed !== undefined;
  const hasKey = options.key !== undefined;
  if (hasSeed && hasKey) fail('invalid_option', where, 'options.seed', 'absent when options.key is given (give exactly one of them)', options.seed);
  if (!hasSeed && !hasKey) fail('invalid_option', where, 'options.seed', 'given, or options.key instead (exactly one of them)', options.seed);
  if (hasSeed)
    return within(
      where,
      () => 'options.seed',
      () => keyFromSeed(options.seed!),
    );
  const key = options.key as unknown;
  if (key === null || typeof key !== 'object') fail('invalid_key', where, 'options.key', 'a key {k0, k1}', key);
  return within(
    where,
    (p) => `options.key.${p}`,
    () => keyFromWords((key as Key).k0, (key as Key).k1),
  );
}

/** Path segments from a {@link WeightPath}: a string is split at `/`; every segment is checked. */
export function normalizePath(path: unknown, where: string, parameter: string): readonly (string | number)[] {
  const segments = typeof path === 'string' ? path.split('/') : path;
  if (!Array.isArray(segments) || segments.length === 0) {
    fail('invalid_option', where, parameter, "a non-empty array of names and indices, or a string 'layer/role'", path);
  }
  (segments as unknown[]).forEach((segment, i) => {
    const ok =
      (typeof segment === 'string' && segment.length > 0) ||
      (typeof segment === 'number' && Number.isInteger(segment) && segment >= 0 && segment <= 0xffffffff);
    if (!ok) fail('invalid_option', where, `${parameter}[${i}]`, 'a non-empty name or an integer in [0, 2^32)', segment);
  });
  return Object.freeze([...(segments as (string | number)[])]);
}

/** Checks the block options `${prefix}.gates` and `${prefix}.perChannel`; returns them with defaults. */
export function checkBlocks(options: BlockOptions, where: string, prefix: string): { gates: number; perChannel: boolean } {
  const gates = options.gates ?? 1;
  const perChannel = options.perChannel ?? false;
  if (!Number.isSafeInteger(gates) || gates < 1) fail('invalid_option', where, `${prefix}.gates`, 'a positive integer', gates);
  if (typeof perChannel !== 'boolean') fail('invalid_option', where, `${prefix}.perChannel`, 'a boolean', perChannel);
  if (perChannel && gates !== 1) fail('invalid_option', where, `${prefix}.gates`, `1 when ${prefix}.perChannel is true`, gates);
  return { gates, perChannel };
}

/**
 * The values of one weight: `init(shape, key, {layout: 'tf'})`, or block by block for `gates` > 1 (columns of a
 * rank-2 weight, block b from `fold(key, b)`) and `perChannel` (slice c of a depthwise kernel from `fold(key, c)`).
 */
export function weightValues(init: Initializer, shape: Shape, key: Key, blocks: { gates: number; perChannel: boolean }): Float32Array {
  if (blocks.perChannel) {
    if (shape.length < 3) fail('invalid_shape', CLASS_WHERE, 'shape', 'a depthwise kernel [...k, in, m] of rank ≥ 3 when perChannel is true', shape);
    const channels = shape[shape.length - 2]!;
    const m = shape[shape.length - 1]!;
    const taps = sizeOf(shape.slice(0, -2));
    const sliceShape = [...shape.slice(0, -2), 1, m];
    const out = new Float32Array(sizeOf(shape));
    for (let c = 0; c < channels; c++) {
      const slice = init(sliceShape, fold(key, c), { layout: 'tf' });
      for (let s = 0; s < taps; s++) out.set(slice.subarray(s * m, (s + 1) * m), (s * channels + c) * m);
    }
    return out;
  }
  if (blocks.gates > 1) {
    const g = blocks.gates;
    if (shape.length !== 2 || shape[1]! % g !== 0) fail('invalid_shape', CLASS_WHERE, 'shape', `a rank-2 weight [rows, ${g}·units] when gates = ${g}`, shape);
    const rows = shape[0]!;
    const cols = shape[1]!;
    const u = cols / g;
    const out = new Float32Array(rows * cols);
    for (let b = 0; b < g; b++) {
      const block = init([rows, u], fold(key, b), { layout: 'tf' });
      for (let r = 0; r < rows; r++) out.set(block.subarray(r * u, (r + 1) * u), r * cols + b * u);
    }
    return out;
  }
  return init(shape, key, { layout: 'tf' });
}

/** The shape of one block (what the target statistics refer to). */
export function blockShape(shape: Shape, blocks: { gates: number; perChannel: boolean }): Shape {
  if (blocks.perChannel && shape.length >= 3) return [...shape.slice(0, -2), 1, shape[shape.length - 1]!];
  if (blocks.gates > 1 && shape.length === 2) return [shape[0]!, shape[1]! / blocks.gates];
  return shape;
}

function checkDims(shape: readonly (number | null)[]): number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    fail('invalid_shape', CLASS_WHERE, 'shape', 'fully defined (non-negative integers)', shape);
  }
  return shape as number[];
}

/** Wraps a string so TF.js's key/value case conversion leaves it alone (it skips values of `name` keys). */
function wrap(value: string | number): serialization.ConfigDictValue {
  return typeof value === 'string' ? { name: value } : value;
}

/** Reverses {@link wrap}; also accepts a bare number. */
function unwrap(value: unknown, parameter: string): string | number {
  if (typeof value === 'number') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') {
    return (value as { name: string }).name;
  }
  return fail('invalid_option', CLASS_WHERE, parameter, 'a number or {name: string}', value);
}

function encodeConfig(state: InitlabInitializerState): serialization.ConfigDict {
  const { name, ...options } = state.init.spec;
  const spec: serialization.ConfigDict = { name };
  for (const [option, value] of Object.entries(options)) spec[option] = wrap(value);
  const root: serialization.ConfigDict = state.seed !== undefined ? { seed: state.seed } : { k0: state.root.k0, k1: state.root.k1 };
  return { spec, ...root, path: state.path.map(wrap), gates: state.gates, perChannel: state.perChannel };
}

function decodeConfig(config: unknown): InitlabInitializerState {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    fail('invalid_argument', CLASS_WHERE, 'config', 'an object {spec, seed | k0 + k1, path, gates, perChannel}', config);
  }
  const c = config as Record<string, unknown>;
  const rawSpec = c['spec'];
  if (rawSpec === null || typeof rawSpec !== 'object' || typeof (rawSpec as { name?: unknown }).name !== 'string') {
    fail('invalid_option', CLASS_WHERE, 'config.spec', 'an object {name, ...options}', rawSpec);
  }
  const { name, ...wrapped } = rawSpec as Record<string, unknown>;
  const spec: Record<string, unknown> = { name };
  for (const [option, value] of Object.entries(wrapped)) spec[option] = unwrap(value, `config.spec.${option}`);
  const init = toInitializer(spec, CLASS_WHERE, 'config.spec');
  let seed: number | undefined;
  let root: Key;
  if (c['seed'] !== undefined && c['seed'] !== null) {
    const raw = c['seed'];
    if (typeof raw !== 'number') fail('invalid_seed', CLASS_WHERE, 'config.seed', 'a number (bigint seeds are stored as k0, k1)', raw);
    seed = raw;
    root = within(
      CLASS_WHERE,
      () => 'config.seed',
      () => keyFromSeed(raw),
    );
  } else {
    root = within(
      CLASS_WHERE,
      (p) => `config.${p}`,
      () => keyFromWords(c['k0'] as number, c['k1'] as number),
    );
  }
  const rawPath = c['path'];
  if (!Array.isArray(rawPath)) fail('invalid_option', CLASS_WHERE, 'config.path', 'an array', rawPath);
  const path = normalizePath(
    rawPath.map((segment, i) => unwrap(segment, `config.path[${i}]`)),
    CLASS_WHERE,
    'config.path',
  );
  const blocks = checkBlocks({ gates: (c['gates'] ?? undefined) as number, perChannel: (c['perChannel'] ?? undefined) as boolean }, CLASS_WHERE, 'config');
  return makeState({ init, seed, root, path, ...blocks });
}
