/**
 * What the MNIST training experiments (`symmetry`, `mnist`, `depth`) share before training: the config fields
 * every one of them has, their checks and command-line options, the runs a config asks for, and how they name and
 * classify initializers for the hidden layers (by the std they draw for a square hidden kernel).
 */
import { fail, type InitializerSpec } from 'initlab';
import { CLASS_COUNT, IMAGE_SIZE } from '../data/mnist-core.ts';
import { ACTIVATIONS, type Activation } from '../engine/mlp.ts';
import type { TrainingJob } from '../engine/training-jobs.ts';
import { count } from '../analysis/training-summary.ts';
import { initializerOf, initKey, initLabel } from '../init-arg.ts';
import type { ExperimentOption } from './experiment.ts';

/** The fields every MNIST training experiment's config has. */
export interface TrainingConfig {
  /** The initializers to compare, as canonical specs (the CLI parses `--init` text into them). */
  readonly init: readonly InitializerSpec[];
  /** Number of run seeds: seed, seed + 1, …, seed + seeds − 1. */
  readonly seeds: number;
  /** First run seed. */
  readonly seed: number;
  readonly iterations: number;
  /** SGD learning rate. */
  readonly lr: number;
  /** Batch size. */
  readonly batch: number;
  /** Number of hidden layers. */
  readonly depth: number;
  /** Units per hidden layer. */
  readonly width: number;
}

/** Checks a training config, throwing InitError with a one-sentence message naming the experiment and field. */
export function checkTrainingConfig(where: string, config: TrainingConfig): void {
  const positiveInteger = (key: keyof TrainingConfig, max = 1_000_000): void => {
    const v = config[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) fail('invalid_option', where, key, `an integer in [1, ${count(max)}]`, v);
  };
  if (!Array.isArray(config.init) || config.init.length === 0) fail('invalid_option', where, 'init', 'a non-empty list of initializers', config.init);
  for (const init of config.init) initializerOf(init); // throws InitError for an invalid spec
  positiveInteger('seeds', 1000);
  positiveInteger('iterations');
  positiveInteger('batch', 8000);
  positiveInteger('depth', 1000);
  positiveInteger('width', 10_000);
  if (!Number.isSafeInteger(config.seed)) fail('invalid_option', where, 'seed', 'a safe integer', config.seed);
  if (!Number.isSafeInteger(config.seed + config.seeds)) fail('invalid_option', where, 'seed', 'a safe integer with room for the run seeds', config.seed);
  if (typeof config.lr !== 'number' || !(config.lr > 0) || !Number.isFinite(config.lr))
    fail('invalid_option', where, 'lr', 'a positive finite number', config.lr);
  if (new Set(config.init.map(initKey)).size !== config.init.length)
    fail('invalid_option', where, 'init', 'a list without repeats', config.init.map(initLabel));
}

/** The run seeds of a config: seed, seed + 1, …. */
export function runSeeds(config: TrainingConfig): number[] {
  return Array.from({ length: config.seeds }, (_, i) => config.seed + i);
}

/** Layer widths of a config: 784, `depth` hidden layers of `width`, 10. */
export function layerSizes(config: Pick<TrainingConfig, 'depth' | 'width'>): number[] {
  return [IMAGE_SIZE, ...new Array<number>(config.depth).fill(config.width), CLASS_COUNT];
}

/** The command-line options shared by the training experiments (`--init`, `--seeds`, …), with their defaults. */
export function trainingOptions(defaults: TrainingConfig, extra: readonly ExperimentOption[] = []): ExperimentOption[] {
  return [
    {
      key: 'init',
      kind: 'init-list',
      description: `initializers to compare, repeated or comma-separated (default ${defaults.init.map(initLabel).join(', ')})`,
    },
    { key: 'seeds', kind: 'integer', description: `number of run seeds per initializer (default ${defaults.seeds})` },
    { key: 'iterations', kind: 'integer', description: `SGD steps per run (default ${count(defaults.iterations)})` },
    { key: 'lr', kind: 'number', description: `SGD learning rate (default ${defaults.lr})` },
    { key: 'batch', kind: 'integer', description: `batch size, digits drawn at random with replacement (default ${defaults.batch})` },
    { key: 'depth', kind: 'integer', description: `number of hidden layers (default ${defaults.depth})` },
    { key: 'width', kind: 'integer', description: `units per hidden layer (default ${defaults.width})` },
    ...extra,
    { key: 'seed', kind: 'integer', description: 'first run seed; runs use seed, seed + 1, … (default: the report seed, 0)' },
  ];
}

/** The activations a training experiment accepts (`linear` too, for completeness). */
export const TRAINING_ACTIVATIONS: readonly Activation[] = ACTIVATIONS;

/** Checks one hidden activation of a training config, throwing InitError naming the experiment and `activation`. */
export function checkTrainingActivation(where: string, activation: Activation): void {
  if (!TRAINING_ACTIVATIONS.includes(activation)) fail('invalid_option', where, 'activation', `one of ${TRAINING_ACTIVATIONS.join(', ')}`, activation);
}

/**
 * The runs a config asks for, in this order: per run seed, per activation, every initializer (each list in config
 * order), on the net of {@link layerSizes}; `extra` is added to every job (`{symmetry: true}` for `symmetry`).
 */
export function trainingJobs(config: TrainingConfig, activations: readonly Activation[], extra: Pick<TrainingJob, 'symmetry'> = {}): TrainingJob[] {
  const sizes = layerSizes(config);
  return runSeeds(config).flatMap((seed) =>
    activations.flatMap((activation) =>
      config.init.map((init) => ({ sizes, activation, init, seed, lr: config.lr, batch: config.batch, iterations: config.iterations, ...extra })),
    ),
  );
}

/** The initializer's std for a square hidden kernel of `width` (NaN when it does not take that shape, e.g. dirac). */
export function hiddenStd(init: InitializerSpec, width: number): number {
  const initializer = initializerOf(init);
  try {
    return initializer.describe([width, width]).std;
  } catch {
    return Number.NaN;
  }
}

/** The canonical name of an initializer (`he_normal` for `{name: 'kaiming_normal'}`). */
export function initName(init: InitializerSpec): string {
  return initializerOf(init).spec.name;
}

/** Role of an initializer for a ReLU layer of width n, from its std: he-like √(2/n), xavier-like √(1/n), or small. */
export type ReluRole = 'he' | 'xavier' | 'small' | 'other';

/** Classifies an initializer for square hidden kernels of `width` by its std (within 10%; small = std ≤ 0.2·√(1/n)). */
export function reluRole(init: InitializerSpec, width: number): ReluRole {
  const std = hiddenStd(init, width);
  if (!Number.isFinite(std)) return 'other';
  const near = (target: number): boolean => Math.abs(std - target) <= 0.1 * target;
  if (near(Math.sqrt(2 / width))) return 'he';
  if (near(Math.sqrt(1 / width))) return 'xavier';
  if (std > 0 && std <= 0.2 * Math.sqrt(1 / width)) return 'small';
  return 'other';
}

/** Legend text of an initializer in the training experiments: its label and what it means for a 100-unit layer. */
export function describeInit(init: InitializerSpec, width: number): string {
  const std = hiddenStd(init, width);
  const role = reluRole(init, width);
  const label = initLabel(init);
  const name = role === 'he' ? 'He' : role === 'xavier' ? 'Xavier' : null;
  const stdText = Number.isFinite(std) ? `std ${Number(std.toPrecision(3))} at ${width}×${width}` : '';
  if (initName(init) === 'glorot_normal') return `${label} (Xavier/Glorot, ${stdText})`;
  if (initName(init) === 'lecun_normal' && role === 'xavier') return `${label} (He et al.'s "Xavier": variance 1/fan_in, ${stdText})`;
  return name ? `${label} (${name}, ${stdText})` : stdText ? `${label} (${stdText})` : label;
}
