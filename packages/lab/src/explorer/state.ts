/**
 * The explorer page's state: every setting that decides what the page shows, its URL form (the part after `#`)
 * and the lab command that computes the same histograms in Node. No DOM and no Node import: the page parses its
 * URL with it, and the report builds its links to the page with it.
 *
 * URL form, in this order: `act`, `init` (initializer text, `formatInitializerText`), `depth`, `width`,
 * `samples`, `seed`, `input`, then the training settings `tact`, `train` (repeated, one per initializer), `steps`
 * and `lr`. Every field is written, defaults included, so a URL keeps meaning the same view when defaults change.
 */
import { formatInitializerText, type InitializerSpec } from 'initlab';
import { ACTIVATIONS, type Activation } from '../engine/activation-names.ts';
import { INPUT_DISTRIBUTIONS, type InputDistribution } from '../analysis/inputs.ts';
import { initSpec, parseInitArgument } from '../init-arg.ts';

/** Everything the page shows is a function of this. */
export interface ExplorerState {
  /** Activation of every layer of the histogram net. */
  readonly activation: Activation;
  /** Initializer of every layer of the histogram net (canonical spec). */
  readonly init: InitializerSpec;
  /** Number of layers, 1 … 50. */
  readonly depth: number;
  /** Units per layer, 10 … 1000. */
  readonly width: number;
  /** Number of inputs, 10 … 2000. */
  readonly samples: number;
  /** Seed of the inputs and the weights: a safe integer ≥ 0. */
  readonly seed: number;
  readonly input: InputDistribution;
  /** Hidden activation of the MNIST net trained in the page. */
  readonly trainActivation: Activation;
  /** The 1 … 3 initializers trained side by side (distinct). */
  readonly train: readonly InitializerSpec[];
  /** SGD steps per initializer, 1 … 5000. */
  readonly steps: number;
  /** SGD learning rate, in (0, 10]. */
  readonly lr: number;
}

/** Bounds of the numeric settings (inclusive). */
export const EXPLORER_LIMITS = {
  depth: [1, 50],
  width: [10, 1000],
  samples: [10, 2000],
  steps: [1, 5000],
  seed: [0, Number.MAX_SAFE_INTEGER],
} as const;

/** At most this many initializers are trained side by side. */
export const MAX_TRAINED = 3;

/**
 * The view the page opens on: the seed's first figure (sigmoid, std 1, 5 layers of 100, 1,000 𝒩(0, 1) inputs,
 * seed 0, as `initlab lab activations` by default) and the lab's MNIST comparison (std 0.01, Xavier, He on the
 * 4 × 100 ReLU net, SGD lr 0.01).
 */
export const DEFAULT_EXPLORER_STATE: ExplorerState = {
  activation: 'sigmoid',
  init: initSpec('normal:std=1'),
  depth: 5,
  width: 100,
  samples: 1000,
  seed: 0,
  input: 'normal',
  trainActivation: 'relu',
  train: ['normal:std=0.01', 'glorot_normal', 'he_normal'].map(initSpec),
  steps: 1000,
  lr: 0.01,
};

/** A parsed URL: the state, and one message per field that was invalid and replaced by its default. */
export interface ParsedExplorerState {
  readonly state: ExplorerState;
  readonly errors: readonly string[];
}

/**
 * The URL form of a state (without the `#`).
 *
 * @example
 * formatExplorerState(DEFAULT_EXPLORER_STATE);
 * // 'act=sigmoid&init=normal%3Astd%3D1&depth=5&width=100&samples=1000&seed=0&input=normal&tact=relu&train=…&steps=1000&lr=0.01'
 */
export function formatExplorerState(state: ExplorerState): string {
  const params = new URLSearchParams();
  params.set('act', state.activation);
  params.set('init', formatInitializerText(state.init));
  params.set('depth', String(state.depth));
  params.set('width', String(state.width));
  params.set('samples', String(state.samples));
  params.set('seed', String(state.seed));
  params.set('input', state.input);
  params.set('tact', state.trainActivation);
  for (const init of state.train) params.append('train', formatInitializerText(init));
  params.set('steps', String(state.steps));
  params.set('lr', String(state.lr));
  return params.toString();
}

/**
 * Reads a state from the URL form (with or without the leading `#`). A missing field takes its default; an
 * invalid one takes its default too and adds a one-line message to `errors`, so a mistyped link still opens.
 *
 * @example
 * parseExplorerState('#act=relu&init=he_normal&depth=10').state.depth; // 10
 * parseExplorerState('depth=99').errors; // ['depth: expected an integer in [1, 50]; got 99']
 */
export function parseExplorerState(text: string): ParsedExplorerState {
  const params = new URLSearchParams(text.startsWith('#') ? text.slice(1) : text);
  const errors: string[] = [];
  const d = DEFAULT_EXPLORER_STATE;
  const choice = <T extends string>(key: string, values: readonly T[], fallback: T): T => {
    const v = params.get(key);
    if (v === null) return fallback;
    if ((values as readonly string[]).includes(v)) return v as T;
    errors.push(`${key}: expected one of ${values.join(', ')}; got ${v}`);
    return fallback;
  };
  const integer = (key: 'depth' | 'width' | 'samples' | 'steps' | 'seed', fallback: number): number => {
    const v = params.get(key);
    if (v === null) return fallback;
    const [low, high] = EXPLORER_LIMITS[key];
    const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (Number.isSafeInteger(n) && n >= low && n <= high) return n;
    errors.push(`${key}: expected an integer in [${low}, ${high}]; got ${v}`);
    return fallback;
  };
  const init = (text: string | null, key: string): InitializerSpec | null => {
    if (text === null) return null;
    try {
      return parseInitArgument(text, key).spec;
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
      return null;
    }
  };
  let lr = d.lr;
  const lrText = params.get('lr');
  if (lrText !== null) {
    const n = Number(lrText);
    if (lrText.trim() !== '' && Number.isFinite(n) && n > 0 && n <= 10) lr = n;
    else errors.push(`lr: expected a number in (0, 10]; got ${lrText}`);
  }
  let train = d.train;
  const trainTexts = params.getAll('train');
  if (trainTexts.length > 0) {
    const specs = trainTexts.map((t) => init(t, 'train')).filter((s): s is InitializerSpec => s !== null);
    const unique = specs.filter((s, i) => specs.findIndex((o) => formatInitializerText(o) === formatInitializerText(s)) === i);
    if (unique.length > MAX_TRAINED) errors.push(`train: at most ${MAX_TRAINED} initializers; the first ${MAX_TRAINED} are kept`);
    if (unique.length > 0) train = unique.slice(0, MAX_TRAINED);
  }
  const state: ExplorerState = {
    activation: choice('act', ACTIVATIONS, d.activation),
    init: init(params.get('init'), 'init') ?? d.init,
    depth: integer('depth', d.depth),
    width: integer('width', d.width),
    samples: integer('samples', d.samples),
    seed: integer('seed', d.seed),
    input: choice('input', INPUT_DISTRIBUTIONS, d.input),
    trainActivation: choice('tact', ACTIVATIONS, d.trainActivation),
    train,
    steps: integer('steps', d.steps),
    lr,
  };
  return { state, errors };
}

/**
 * The explorer URL of a state: `base` (the page's address, e.g. `http://127.0.0.1:5178/`) plus the hash.
 *
 * @example
 * explorerUrl('http://127.0.0.1:5178/', { ...DEFAULT_EXPLORER_STATE, activation: 'tanh' });
 */
export function explorerUrl(base: string, state: ExplorerState): string {
  return `${base.replace(/#.*$/, '')}#${formatExplorerState(state)}`;
}

/** Quotes a command-line argument for a POSIX shell when it holds anything but safe characters. */
function shellWord(text: string): string {
  return /^[\w.,:=+/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The lab command that computes the same per-layer statistics in Node, bit for bit on the wasm backend.
 *
 * @example
 * labCommand(DEFAULT_EXPLORER_STATE);
 * // 'npx initlab lab activations --activation sigmoid --init normal:std=1 --depth 5 --width 100 --samples 1000 --seed 0'
 */
export function labCommand(state: ExplorerState): string {
  const words = [
    'npx initlab lab activations',
    `--activation ${state.activation}`,
    `--init ${shellWord(formatInitializerText(state.init))}`,
    `--depth ${state.depth}`,
    `--width ${state.width}`,
    `--samples ${state.samples}`,
    `--seed ${state.seed}`,
  ];
  if (state.input !== 'normal') words.push(`--input ${state.input}`);
  return words.join(' ');
}
