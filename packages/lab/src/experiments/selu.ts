/**
 * Experiment 6, `selu`: self-normalization (Klambauer et al. 2017). 1,000 inputs drawn from 𝒩(0, 1) in 100
 * dimensions go through 64 dense SELU layers of 100 units without bias; per layer we record the mean and the
 * (population) variance of the activations over all samples × units, for each initializer.
 *
 * SELU's fixed point (mean 0, variance 1) is attracting when the weights have mean 0 and variance 1/fanIn
 * (lecun_normal). he_normal (variance 2/fanIn) moves it away. Note that for square layers (fanIn = fanOut)
 * glorot_normal has variance 2/(fanIn + fanOut) = 1/fanIn: exactly lecun_normal's distribution (different draws),
 * so in this setup Xavier self-normalizes too.
 */
import type { InitializerSpec } from 'initlab';
import { setupBackend } from '../engine/backend.ts';
import { createMlp, disposeMlp, hiddenActivations } from '../engine/mlp.ts';
import { initializerOf, initLabel, initSpec, sameInit } from '../init-arg.ts';
import { withDefaults } from '../analysis/figures.ts';
import { moments } from 'initlab';
import { formatValue } from '../analysis/statistics.ts';
import { denseKernels, normalData } from '../analysis/streams.ts';
import { cell } from '../analysis/cells.ts';
import type { Claim, Experiment, Figure, NumbersTable, ProgressCallback } from './experiment.ts';

/** Configuration of {@link seluExperiment}. */
export interface SeluConfig {
  readonly inits: readonly InitializerSpec[];
  /** Number of SELU layers. */
  readonly depth: number;
  /** Units per layer, and input dimension. */
  readonly width: number;
  /** Number of 𝒩(0, 1) inputs. */
  readonly samples: number;
  readonly seed: number;
}

/** Per-layer statistics of one initializer (index l = layer l + 1). */
export interface SeluRun {
  readonly init: InitializerSpec;
  readonly mean: number[];
  readonly variance: number[];
}

export interface SeluResult {
  readonly config: SeluConfig;
  readonly runs: SeluRun[];
}

const NAME = 'selu';

/** The initializers the claims look for. */
const LECUN = initSpec('lecun_normal');
const HE = initSpec('he_normal');
const XAVIER = initSpec('glorot_normal');

export const DEFAULT_INITS: readonly InitializerSpec[] = [LECUN, HE, XAVIER];

/** Margins of the claims. */
export const MARGINS = {
  /** lecun_normal: |mean| at the last layer below this … */
  mean: 0.1,
  /** … and variance within [1 − variance, 1 + variance]. */
  variance: 0.2,
  /** Drift: the last layer's variance is at least this factor away from 1 (above drift or below 1/drift). */
  drift: 2,
} as const;

function checkConfig(config: SeluConfig): void {
  for (const key of ['depth', 'width', 'samples'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${config[key]}`);
  }
  for (const init of config.inits) initializerOf(init);
  if (!Number.isSafeInteger(config.seed)) throw new RangeError(`seed must be a safe integer, got ${config.seed}`);
}

async function run(config: SeluConfig, onProgress?: ProgressCallback): Promise<SeluResult> {
  checkConfig(config);
  await setupBackend();
  const { depth, width, samples, seed } = config;
  const sizes = new Array<number>(depth + 1).fill(width);
  const inputs = normalData(seed, NAME, 'inputs', samples * width);
  const runs: SeluRun[] = [];
  for (const [i, init] of config.inits.entries()) {
    const mlp = createMlp({ sizes, activation: 'selu', bias: false, output: 'none' }, denseKernels(init, seed, NAME, sizes));
    let outputs: Float32Array[];
    try {
      outputs = hiddenActivations(mlp, inputs, samples);
    } finally {
      disposeMlp(mlp);
    }
    const stats = outputs.map((values) => moments(values));
    runs.push({ init, mean: stats.map((s) => s.mean), variance: stats.map((s) => s.variance) });
    onProgress?.(i + 1, config.inits.length);
  }
  return { config, runs };
}

function figures(result: SeluResult): Figure[] {
  const values: Record<string, unknown>[] = [];
  for (const r of result.runs) {
    r.mean.forEach((m, l) => {
      values.push({ init: initLabel(r.init), layer: l + 1, statistic: 'mean', value: m });
      values.push({ init: initLabel(r.init), layer: l + 1, statistic: 'variance (log scale)', value: r.variance[l] });
    });
  }
  const line = (statistic: string, title: string, scale: Record<string, unknown>): Record<string, unknown> => ({
    width: 320,
    height: 200,
    title: statistic === 'mean' ? 'mean' : 'variance',
    transform: [{ filter: { field: 'statistic', equal: statistic } }],
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'layer', type: 'quantitative', title: 'layer' },
      y: { field: 'value', type: 'quantitative', title, scale },
      color: { field: 'init', type: 'nominal', sort: result.config.inits.map(initLabel), title: 'initializer' },
    },
  });
  return [
    {
      name: 'selu-moments',
      caption:
        `Mean and variance of the activations of each of ${result.config.depth} dense SELU layers (${result.config.width} units, ${result.config.samples} 𝒩(0, 1) inputs), ` +
        'one line per initializer; the variance axis is logarithmic. The self-normalizing fixed point is mean 0, variance 1.',
      spec: withDefaults({
        title: 'SELU: activation mean and variance per layer',
        data: { values },
        hconcat: [line('mean', 'mean', { zero: false }), line('variance (log scale)', 'variance', { type: 'log' })],
      }),
    },
  ];
}

function lastOf(values: readonly number[]): number {
  return values[values.length - 1]!;
}

/** How far a variance is from 1, as a factor ≥ 1. */
function driftFactor(variance: number): number {
  return variance >= 1 ? variance : 1 / variance;
}

function claims(result: SeluResult): Claim[] {
  const out: Claim[] = [];
  const depth = result.config.depth;
  const lecun = result.runs.find((r) => sameInit(r.init, LECUN));
  if (lecun) {
    const mean = lastOf(lecun.mean);
    const variance = lastOf(lecun.variance);
    const worstMean = Math.max(...lecun.mean.map(Math.abs));
    const worstVar = Math.max(...lecun.variance.map((v) => Math.abs(v - 1)));
    out.push({
      claim: 'LeCun normal initialization makes SELU networks self-normalizing: mean 0 and variance 1 are kept through the layers.',
      measurement:
        `lecun_normal, layer ${depth}: mean ${formatValue(mean)}, variance ${formatValue(variance)} (margins: |mean| < ${MARGINS.mean}, variance within 1 ± ${MARGINS.variance}); ` +
        `over all ${depth} layers |mean| ≤ ${formatValue(worstMean)} and |variance − 1| ≤ ${formatValue(worstVar)}.`,
      held: Math.abs(mean) < MARGINS.mean && Math.abs(variance - 1) < MARGINS.variance,
    });
  }
  for (const init of [HE, XAVIER]) {
    const r = result.runs.find((x) => sameInit(x.init, init));
    if (!r) continue;
    const variance = lastOf(r.variance);
    const mean = lastOf(r.mean);
    const coincides =
      init === XAVIER ? ' For square layers glorot_normal has std √(2/(fanIn + fanOut)) = √(1/fanIn), the same distribution as lecun_normal.' : '';
    out.push({
      claim: `Without LeCun's scale the statistics drift: ${initLabel(init)} (issue 5 expects drift for He and Xavier).`,
      measurement: `${initLabel(init)}, layer ${depth}: mean ${formatValue(mean)}, variance ${formatValue(variance)} (drift means variance ≥ ${MARGINS.drift}× or ≤ 1/${MARGINS.drift} of 1).${coincides}`,
      held: driftFactor(variance) >= MARGINS.drift,
    });
  }
  return out;
}

function reading(result: SeluResult): string {
  const depth = result.config.depth;
  const describe = (r: SeluRun): string => `${initLabel(r.init)} ends at mean ${formatValue(lastOf(r.mean))} and variance ${formatValue(lastOf(r.variance))}`;
  const lecun = result.runs.find((r) => sameInit(r.init, LECUN));
  const others = result.runs.filter((r) => r !== lecun);
  const first = lecun
    ? `After ${depth} SELU layers, lecun_normal keeps the activations at mean ${formatValue(lastOf(lecun.mean))} and variance ${formatValue(lastOf(lecun.variance))}, at the self-normalizing fixed point (0, 1).`
    : `After ${depth} SELU layers, ${result.runs.map(describe).join('; ')}.`;
  if (!lecun || others.length === 0) return first;
  const glorot = others.find((r) => sameInit(r.init, XAVIER));
  const second =
    `By comparison ${others.map(describe).join(', and ')}` +
    (glorot && driftFactor(lastOf(glorot.variance)) < MARGINS.drift
      ? ': Xavier does not drift here because for square layers it is the same distribution as LeCun.'
      : '.');
  return `${first} ${second}`;
}

/** Per initializer: mean and variance at the first layer, a quarter and half way through, and the last layer. */
function table(result: SeluResult): NumbersTable {
  const depth = Math.max(...result.runs.map((r) => r.mean.length));
  const picks = [...new Set([1, Math.ceil(depth / 4), Math.ceil(depth / 2), depth])].filter((l) => l >= 1);
  return {
    columns: ['initializer', ...picks.flatMap((l) => [`mean L${l}`, `variance L${l}`])],
    rows: result.runs.map((r) => [initLabel(r.init), ...picks.flatMap((l) => [cell(r.mean[l - 1]), cell(r.variance[l - 1])])]),
  };
}

/** Experiment 6: self-normalizing SELU networks need LeCun initialization. */
export const seluExperiment: Experiment<SeluConfig, SeluResult> = {
  name: NAME,
  title: 'SELU self-normalization through 64 layers',
  options: [
    { key: 'inits', kind: 'init-list', description: `initializers (default ${DEFAULT_INITS.map(initLabel).join(',')})` },
    { key: 'depth', kind: 'integer', description: 'number of SELU layers (default 64)' },
    { key: 'width', kind: 'integer', description: 'units per layer and input dimension (default 100)' },
    { key: 'samples', kind: 'integer', description: 'number of 𝒩(0, 1) inputs (default 1000; quick 300)' },
    { key: 'seed', kind: 'integer', description: 'random seed of inputs and weights' },
  ],
  defaults: (quick, seed) => ({ inits: [...DEFAULT_INITS], depth: 64, width: 100, samples: quick ? 300 : 1000, seed }),
  run,
  figures,
  claims,
  reading,
  table,
};
