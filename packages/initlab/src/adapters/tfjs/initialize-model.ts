/**
 * (Re)initializing an existing TF.js model in place from a root seed and a rule set, through public API only
 * (`layer.weights` for names and shapes, `layer.setWeights` to write), with a report of what was done.
 */
import { alignColumns } from './text-table.ts';
import { tensor } from '@tensorflow/tfjs-core';
import { LayersModel, type layers } from '@tensorflow/tfjs-layers';
import { describeValue, fail } from '../../errors.ts';
import { fold, formatNumber, moments, type Initializer, type Key } from '../../index.ts';
import { blockShape, checkOptions, isPlainObject, resolveRoot, toInitializer, weightValues, type InitializerLike, type RootOptions } from './initializer.ts';

/**
 * Rules: which initializer sets which weights. Keys are
 * - `'Class.role'`: one role in layers of one class (`'LSTM.recurrent'`, `'Dense.bias'`);
 * - `'role'`: that role in every layer (`bias`, `kernel`, `recurrent`, `depthwise`, `pointwise`, `embeddings`,
 *   `gamma`, `beta`, `moving_mean`, `moving_variance`);
 * - `'Class'`: the weight matrices and kernels (rank ≥ 2) of layers of that class (`'Dense'`, `'Conv2D'`).
 *
 * Values are initlab initializers, specs `{name, ...options}` or names (`'he_normal'`).
 */
export type InitRules = Readonly<Record<string, InitializerLike>>;

/** Options of {@link initializeModel}. */
export interface InitializeModelOptions extends RootOptions {
  /** The rules; weights that no rule matches keep their current values. */
  readonly rules: InitRules;
  /**
   * Recurrent kernels `[units, gates·units]` of LSTM (4 gates: i, f, c, o), GRU (3: z, r, h) and SimpleRNN (1);
   * the gate count is read from the shape, so Bidirectional-wrapped layers work too. `'whole'` (default, as
   * Keras) initializes the whole matrix at once; `'per_gate'` initializes each gate's `[units, units]` block alone
   * from `fold(weightKey, gateIndex)` (see `tfjsInitializer`'s `gates`).
   */
  readonly recurrent?: 'whole' | 'per_gate';
  /**
   * Depthwise kernels `[...k, in, m]` (DepthwiseConv2D, SeparableConv2D): `'keras'` (default) uses positional
   * fans (fanIn = ∏k·in, as Keras and TF.js); `'per_channel'` initializes each input channel's `[...k, 1, m]`
   * slice alone (fanIn = ∏k, the true fan-in of a depthwise convolution).
   */
  readonly depthwise?: 'keras' | 'per_channel';
}

/** What happened to one weight. */
export interface InitReportEntry {
  /** Path of the layer in the model (nested models give more than one name). */
  readonly layer: readonly string[];
  /** The layer's class (`Dense`, `LSTM`, ...). */
  readonly className: string;
  /** The weight's role (`kernel`, `recurrent`, `bias`, ...): the last segment of its TF.js name, shortened. */
  readonly role: string;
  /** The weight's TF.js name, e.g. `fc1/kernel`. */
  readonly weight: string;
  readonly shape: readonly number[];
  /** The rule key that matched, or null when no rule did (the weight was kept). */
  readonly rule: string | null;
  /** The initializer's spec, or null when the weight was kept. */
  readonly spec: Initializer['spec'] | null;
  /** Path folded into the root key (see {@link weightPath}), usually `[layer, role]`; null when kept. */
  readonly path: readonly string[] | null;
  /** Block mode used: gates (> 1 for per-gate recurrent kernels) and per-channel depthwise. */
  readonly gates: number;
  readonly perChannel: boolean;
  /** The formula with this weight's (block's) numbers, from `init.describe`; null when kept. */
  readonly formula: string | null;
  /** Expected mean and std of the elements (of each block when blocks are used); null when kept. */
  readonly target: { readonly mean: number; readonly std: number } | null;
  /**
   * Measured mean and population std of the weight's values after this call, from the core's `moments` (two-pass,
   * float64, divisor n); NaN for a weight with no elements.
   */
  readonly actual: { readonly mean: number; readonly std: number };
}

/** The result of {@link initializeModel}. */
export interface InitReport {
  /** One entry per weight of the model, in layer order. */
  readonly entries: readonly InitReportEntry[];
  /** Rule keys that matched no weight (usually a typo such as `'Dense.kernal'`). */
  readonly unusedRules: readonly string[];
}

/** TF.js weight names (last segment) → short roles; other names are their own role. */
const ROLES: Readonly<Record<string, string>> = {
  recurrent_kernel: 'recurrent',
  depthwise_kernel: 'depthwise',
  pointwise_kernel: 'pointwise',
};

/**
 * The role of a weight from its TF.js name: the last `/` segment, with `recurrent_kernel` → `recurrent`,
 * `depthwise_kernel` → `depthwise`, `pointwise_kernel` → `pointwise` (the prefixes of the layer arguments
 * `recurrentInitializer`, `depthwiseInitializer`, `pointwiseInitializer`). `fc1/kernel` → `kernel`.
 *
 * @throws InitError `invalid_argument` when `weightName` is not a string.
 *
 * @example
 * ```ts
 * weightRole('lstm/recurrent_kernel'); // 'recurrent'
 * weightRole('fc1/bias');              // 'bias'
 * ```
 */
export function weightRole(weightName: string): string {
  if (typeof weightName !== 'string') fail('invalid_argument', 'weightRole', 'weightName', "a TF.js weight name such as 'fc1/kernel'", weightName);
  const last = weightName.slice(weightName.lastIndexOf('/') + 1);
  return ROLES[last] ?? last;
}

/**
 * The path of a weight: the layer's path, then the segments of the weight's TF.js name after the layer name,
 * the last one shortened to its role (`fc1/kernel` → `[fc1, kernel]`; a Bidirectional LSTM's
 * `bidi/forward_lstm/recurrent_kernel` → `[bidi, forward_lstm, recurrent]`, so both directions differ).
 *
 * @throws InitError `invalid_argument` for a layer path that is not an array of strings, or a non-string name.
 *
 * @example
 * ```ts
 * weightPath([], 'bidi', 'bidi/forward_lstm/recurrent_kernel'); // ['bidi', 'forward_lstm', 'recurrent']
 * weightPath(['encoder'], 'fc1', 'fc1/kernel');                 // ['encoder', 'fc1', 'kernel']
 * ```
 */
export function weightPath(layerPath: readonly string[], layerName: string, weightName: string): string[] {
  const where = 'weightPath';
  if (!Array.isArray(layerPath) || !layerPath.every((s) => typeof s === 'string'))
    fail('invalid_argument', where, 'layerPath', 'an array of layer names', layerPath);
  if (typeof layerName !== 'string') fail('invalid_argument', where, 'layerName', 'a string', layerName);
  if (typeof weightName !== 'string') fail('invalid_argument', where, 'weightName', "a TF.js weight name such as 'fc1/kernel'", weightName);
  const segments = weightName.split('/').filter((s) => s.length > 0);
  if (segments.length > 1 && segments[0] === layerName) segments.shift();
  const middle = segments.slice(0, -1);
  return [...layerPath, ...middle, weightRole(weightName)];
}

/** Gates of a recurrent kernel [units, gates·units]: 4 for LSTM, 3 for GRU, 1 for SimpleRNN (1 if not a multiple). */
function gateCount(shape: readonly number[]): number {
  if (shape.length !== 2 || shape[0]! === 0 || shape[1]! % shape[0]! !== 0) return 1;
  return shape[1]! / shape[0]!;
}

/**
 * (Re)initializes the weights of an existing TF.js model in place, from a root seed and rules.
 *
 * For every layer (nested models are walked, their layer names added to the path) and every weight, the first
 * matching rule in this order decides: `'Class.role'`, then `'role'`, then `'Class'` (which only covers weights
 * of rank ≥ 2, so `{Dense: 'he_normal'}` does not touch biases). A role rule thus beats a class rule:
 * with `{kernel: 'lecun_normal', Dense: 'he_normal'}` Dense kernels get lecun_normal; write `'Dense.kernel'` to
 * single them out. The weight gets `init(shape, fold(root, path), {layout: 'tf'})` from the core with
 * path = `[layerName, role]` ({@link weightPath}), the same bits that
 * `tfjsInitializer(init, {seed, path: [layerName, role]})` gives at build time; weights that no rule matches
 * keep their values. Values are written with `layer.setWeights` (public API; works on any backend).
 *
 * This is also the route for weights the build-time route cannot reach in TF.js 4.22: SeparableConv2D's pointwise
 * kernel (the layer ignores `pointwiseInitializer` and draws it with `depthwiseInitializer`) and the backward
 * layer of a Bidirectional wrapper (a copy made from the forward layer's config, so the same paths).
 *
 * Give layers explicit names: TF.js's default names (`dense_Dense3`) come from a process-wide counter.
 *
 * @param model - A built model (Sequential or functional).
 * @param options - `seed` or `key`, `rules`, and the block modes `recurrent` and `depthwise`.
 * @returns For each weight: the rule, initializer spec and path used, the target mean/std (`init.describe`) and the
 *   measured mean/std; plus rule keys that matched nothing.
 * @throws InitError for a bad root, rule value or option, before any weight is changed.
 *
 * @example
 * ```ts
 * const report = initializeModel(model, {
 *   seed: 42,
 *   rules: { Dense: 'he_normal', 'LSTM.recurrent': 'orthogonal', bias: 'zeros' },
 *   recurrent: 'per_gate',
 * });
 * console.log(formatInitReport(report));
 * ```
 */
export function initializeModel(model: LayersModel, options: InitializeModelOptions): InitReport {
  const where = 'initializeModel';
  checkModel(model, where);
  checkOptions(options, where, INITIALIZE_MODEL_KEYS, '{seed | key, rules, recurrent?, depthwise?}');
  const root = resolveRoot(options, where);
  const rules: unknown = options.rules;
  if (!isPlainObject(rules)) fail('invalid_option', where, 'options.rules', "an object {key: initializer}, e.g. {Dense: 'he_normal'}", rules);
  const resolved = new Map<string, Initializer>();
  for (const [key, value] of Object.entries(rules)) resolved.set(key, toInitializer(value, where, `options.rules[${describeValue(key)}]`));
  const recurrent = options.recurrent ?? 'whole';
  const depthwise = options.depthwise ?? 'keras';
  if (recurrent !== 'whole' && recurrent !== 'per_gate') fail('invalid_option', where, 'options.recurrent', "'whole' or 'per_gate'", recurrent);
  if (depthwise !== 'keras' && depthwise !== 'per_channel') fail('invalid_option', where, 'options.depthwise', "'keras' or 'per_channel'", depthwise);
  const used = new Set<string>();
  const entries: InitReportEntry[] = [];
  // First compute every new value (so a bad shape throws before anything is written), then write layer by layer.
  const writes: { layer: layers.Layer; values: (Float32Array | null)[] }[] = [];
  const visit = (layer: layers.Layer, prefix: readonly string[]): void => {
    const layerPath = [...prefix, layer.name];
    if (layer instanceof LayersModel) {
      for (const inner of layer.layers) visit(inner, layerPath);
      return;
    }
    const variables = layer.weights;
    if (variables.length === 0) return;
    const className = layer.getClassName();
    const values: (Float32Array | null)[] = [];
    variables.forEach((variable) => {
      const shape = variable.shape as number[];
      const role = weightRole(variable.originalName);
      const rule = [`${className}.${role}`, role, ...(shape.length >= 2 ? [className] : [])].find((k) => resolved.has(k)) ?? null;
      const base = { layer: layerPath, className, role, weight: variable.originalName, shape: [...shape] };
      if (rule === null) {
        values.push(null);
        const kept = variable.read().dataSync();
        entries.push({ ...base, rule, spec: null, path: null, gates: 1, perChannel: false, formula: null, target: null, actual: measured(kept) });
        return;
      }
      used.add(rule);
      const init = resolved.get(rule)!;
      const blocks = {
        gates: role === 'recurrent' && recurrent === 'per_gate' ? gateCount(shape) : 1,
        perChannel: role === 'depthwise' && depthwise === 'per_channel',
      };
      const path = weightPath(layerPath, layer.name, variable.originalName);
      const key: Key = fold(root, path);
      const weight = weightValues(init, shape, key, blocks);
      const description = init.describe(blockShape(shape, blocks), 'tf');
      values.push(weight);
      entries.push({
        ...base,
        rule,
        spec: init.spec,
        path,
        ...blocks,
        formula: description.formula,
        target: { mean: description.mean, std: description.std },
        actual: measured(weight),
      });
    });
    if (values.some((v) => v !== null)) writes.push({ layer, values });
  };
  for (const layer of model.layers) visit(layer, []);
  for (const { layer, values } of writes) {
    const variables = layer.weights;
    const created = values.map((v, i) => (v === null ? null : tensor(v, variables[i]!.shape as number[], 'float32')));
    layer.setWeights(created.map((t, i) => t ?? variables[i]!.read()));
    for (const t of created) t?.dispose();
  }
  return { entries, unusedRules: [...resolved.keys()].filter((k) => !used.has(k)) };
}

/** The keys {@link initializeModel} accepts in its options. */
const INITIALIZE_MODEL_KEYS: readonly string[] = ['seed', 'key', 'rules', 'recurrent', 'depthwise'];

/** Checks that `model` is a TF.js LayersModel; a Promise (an `await` forgotten on `loadLayersModel`) is named as such. */
function checkModel(model: unknown, where: string): asserts model is LayersModel {
  if (model instanceof LayersModel) return;
  const thenable = model !== null && (typeof model === 'object' || typeof model === 'function') && typeof (model as { then?: unknown }).then === 'function';
  if (thenable) fail('invalid_argument', where, 'model', 'a TF.js LayersModel (did you forget await?)', model);
  fail('invalid_argument', where, 'model', 'a TF.js LayersModel (tf.sequential, tf.model or a loaded model)', model);
}

/**
 * Formats an {@link InitReport} as an aligned text table, one row per weight: TF.js weight name, shape,
 * `rule → initializer` (or `(kept)`), target std and actual std, each std through the core's `formatNumber`
 * (6 significant digits, `–` for NaN); then a line with the unused rule keys, if any.
 *
 * @throws InitError `invalid_argument` when `report` is not an {@link InitReport}.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [tf.layers.dense({ name: 'fc1', units: 256, inputShape: [784] })] });
 * console.log(formatInitReport(initializeModel(model, { seed: 42, rules: { Dense: 'he_normal', bias: 'zeros' } })));
 * // weight      shape       rule → initializer  target std  actual std
 * // fc1/kernel  [784, 256]  Dense → he_normal   0.0505076   0.0505195
 * // fc1/bias    [256]       bias → zeros        0           0
 * ```
 */
export function formatInitReport(report: InitReport): string {
  checkReport(report);
  const rows = report.entries.map((e) => [
    e.weight,
    `[${e.shape.join(', ')}]`,
    e.rule === null ? '(kept)' : `${e.rule} → ${String(e.spec?.name)}${e.gates > 1 ? ` ×${e.gates} gates` : ''}${e.perChannel ? ' per channel' : ''}`,
    e.target === null ? '' : formatNumber(e.target.std),
    formatNumber(e.actual.std),
  ]);
  const header = ['weight', 'shape', 'rule → initializer', 'target std', 'actual std'];
  const lines = alignColumns([header, ...rows]);
  if (report.unusedRules.length > 0) lines.push(`unused rules: ${report.unusedRules.join(', ')}`);
  return lines.join('\n');
}

/** Mean and population std of a weight's values (the core's {@link moments}), as the report holds them. */
function measured(values: ArrayLike<number>): { mean: number; std: number } {
  const { mean, std } = moments(values);
  return { mean, std };
}

/** Checks the parts of an {@link InitReport} that {@link formatInitReport} reads. */
function checkReport(report: unknown): asserts report is InitReport {
  const where = 'formatInitReport';
  const shape = 'an InitReport {entries, unusedRules} from initializeModel';
  if (report === null || typeof report !== 'object') fail('invalid_argument', where, 'report', shape, report);
  const { entries, unusedRules } = report as { entries?: unknown; unusedRules?: unknown };
  if (!Array.isArray(entries)) fail('invalid_argument', where, 'report.entries', 'an array of InitReportEntry', entries);
  if (!Array.isArray(unusedRules) || !unusedRules.every((r) => typeof r === 'string')) {
    fail('invalid_argument', where, 'report.unusedRules', 'an array of rule keys', unusedRules);
  }
  entries.forEach((entry: unknown, i) => {
    const e = entry as Partial<Record<keyof InitReportEntry, unknown>> | null;
    const std = (x: unknown): boolean => x !== null && typeof x === 'object' && typeof (x as { std?: unknown }).std === 'number';
    const ok =
      e !== null &&
      typeof e === 'object' &&
      typeof e.weight === 'string' &&
      Array.isArray(e.shape) &&
      (e.rule === null || typeof e.rule === 'string') &&
      (e.target === null || std(e.target)) &&
      std(e.actual);
    if (!ok) fail('invalid_argument', where, `report.entries[${i}]`, 'an InitReportEntry {weight, shape, rule, spec, target, actual, ...}', entry);
  });
}
