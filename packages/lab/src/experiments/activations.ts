/**
 * Experiment 1, `activations` (Saito, "Deep Learning from Scratch", §6.2): 1,000 inputs drawn from 𝒩(0, 1) in
 * 100 dimensions go through 5 dense layers of 100 units without bias; per layer we record a histogram with fixed
 * bins, the mean, the std, the saturated fraction and the dead fraction of the activations.
 *
 * Two forms:
 * - single run (`initlab lab activations --activation relu --init he_normal`): result
 *   `{config, layers: [{index, mean, std, saturated, dead, histogram: {edges, counts}}]}`;
 * - the grid (the defaults, used by the report: `activation` and `init` null): every (activation, init) pair of
 *   `config.grid`, result `{config, runs: [{init, activation, layers}]}`, one histogram figure per activation with
 *   one row per initializer and one column per layer, as in the seed's figures.
 *
 * Definitions (per layer, over all samples × units):
 * - `index`: 1-based layer number (layer 1 is the first hidden layer);
 * - `mean`, `std`: population moments;
 * - `saturated`: fraction within 0.02 of a bound of the activation's range: sigmoid outputs ≤ 0.02 or ≥ 0.98,
 *   tanh outputs with |y| ≥ 0.98; 0 for activations without two bounds (relu, leaky_relu, selu, gelu, silu, linear);
 * - `dead`: fraction of outputs exactly 0 (ReLU units that are off; for other activations it is the fraction
 *   that underflowed to 0, normally none);
 * - `histogram`: {@link HISTOGRAM_BINS} equal bins over the fixed range {@link HISTOGRAM_RANGES} of the activation;
 *   values outside the range are counted in the nearest end bin, so the counts sum to samples × width.
 *
 * `--input uniform|pixels` swaps the 𝒩(0, 1) inputs for U(−√3, √3) or U(0, 1). The measuring code (inputs,
 * kernels, forward pass, statistics) is in activations-core.ts, which imports nothing from Node, so the explorer
 * page runs it in a browser and gets the same numbers.
 */
import type { InitializerSpec } from 'initlab';
import type { Activation } from '../engine/mlp.ts';
import { ACTIVATIONS } from '../engine/mlp.ts';
import { setupBackend } from '../engine/backend.ts';
import { initializerOf, initLabel, initSpec } from '../init-arg.ts';
import { distinct, withDefaults } from '../analysis/figures.ts';
import { formatPercent, formatValue } from '../analysis/statistics.ts';
import { cell, percentCell } from '../analysis/cells.ts';
import type { Claim, Experiment, Figure, FigureLink, NumbersTable, ProgressCallback } from './experiment.ts';
import { activationsRunUrl } from '../explorer/links.ts';
import {
  activationInputs,
  activationKernels,
  ACTIVATIONS_NAME,
  HISTOGRAM_BINS,
  HISTOGRAM_RANGES,
  INPUT_DISTRIBUTIONS,
  MATCHED_INIT,
  measureLayers,
  SATURATION_MARGIN,
  type ActivationsRun,
  type InputDistribution,
  type LayerStats,
} from './activations-core.ts';
import { activationClaims, find, first, HE, last, STD_001, STD_1, XAVIER } from './activations-claims.ts';

export { activationClaims, MARGINS } from './activations-claims.ts';
export {
  activationInputs,
  activationKernels,
  HISTOGRAM_BINS,
  HISTOGRAM_RANGES,
  INPUT_DISTRIBUTIONS,
  layerStats,
  MATCHED_INIT,
  measureActivations,
  SATURATION_MARGIN,
  type ActivationsNet,
  type ActivationsRun,
  type InputDistribution,
  type LayerStats,
} from './activations-core.ts';

/** One row of the grid: an activation and the initializers compared with it. */
export interface ActivationsGridRow {
  readonly activation: Activation;
  readonly inits: readonly InitializerSpec[];
}

/** Configuration of {@link activationsExperiment}. */
export interface ActivationsConfig {
  /**
   * Single run: the activation of every layer. When both `activation` and `init` are null, the grid runs instead.
   * With only `init` given, the activation is sigmoid.
   */
  readonly activation: Activation | null;
  /** Single run: the initializer (`--init normal:std=0.01`). With only `activation` given: {@link MATCHED_INIT}. */
  readonly init: InitializerSpec | null;
  /** The report's grid (used when `activation` and `init` are both null). */
  readonly grid: readonly ActivationsGridRow[];
  /** Number of dense layers. */
  readonly depth: number;
  /** Units per layer, and input dimension. */
  readonly width: number;
  /** Number of inputs. */
  readonly samples: number;
  readonly seed: number;
  /** Distribution of the inputs (default `normal`, 𝒩(0, 1)); see {@link InputDistribution}. */
  readonly input?: InputDistribution;
}

/** Result of a single run. */
export interface ActivationsSingleResult {
  readonly config: ActivationsConfig;
  readonly layers: LayerStats[];
}

/** Result of the grid. */
export interface ActivationsGridResult {
  readonly config: ActivationsConfig;
  readonly runs: ActivationsRun[];
}

export type ActivationsResult = ActivationsSingleResult | ActivationsGridResult;

/** The report's grid: the seed's three sigmoid figures, the same three inits with tanh, and the ReLU comparison. */
export const DEFAULT_GRID: readonly ActivationsGridRow[] = [
  { activation: 'sigmoid', inits: ['normal:std=1', 'normal:std=0.01', 'glorot_normal'].map(initSpec) },
  { activation: 'tanh', inits: ['normal:std=1', 'normal:std=0.01', 'glorot_normal'].map(initSpec) },
  { activation: 'relu', inits: ['normal:std=0.01', 'glorot_normal', 'he_normal'].map(initSpec) },
];

const NAME = ACTIVATIONS_NAME;

/** The (activation, init) pairs a config runs, in order. */
export function plannedRuns(config: ActivationsConfig): { activation: Activation; init: InitializerSpec }[] {
  if (config.activation === null && config.init === null) {
    return config.grid.flatMap((row) => row.inits.map((init) => ({ activation: row.activation, init })));
  }
  const activation = config.activation ?? 'sigmoid';
  return [{ activation, init: config.init ?? MATCHED_INIT[activation] }];
}

/** Whether a result is the grid form. */
export function isGridResult(result: ActivationsResult): result is ActivationsGridResult {
  return 'runs' in result;
}

/** The runs of a result, whatever its form (a single run becomes a one-run list). */
export function runsOf(result: ActivationsResult): ActivationsRun[] {
  if (isGridResult(result)) return result.runs;
  const [only] = plannedRuns(result.config);
  return [{ init: only!.init, activation: only!.activation, layers: result.layers }];
}

function checkConfig(config: ActivationsConfig): void {
  for (const key of ['depth', 'width', 'samples'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${config[key]}`);
  }
  if (!Number.isSafeInteger(config.seed)) throw new RangeError(`seed must be a safe integer, got ${config.seed}`);
  if (config.input !== undefined && !INPUT_DISTRIBUTIONS.includes(config.input)) {
    throw new RangeError(`unknown input distribution ${String(config.input)}; expected one of ${INPUT_DISTRIBUTIONS.join(', ')}`);
  }
  for (const { activation, init } of plannedRuns(config)) {
    if (!ACTIVATIONS.includes(activation)) throw new RangeError(`unknown activation ${String(activation)}; expected one of ${ACTIVATIONS.join(', ')}`);
    initializerOf(init);
  }
}

async function run(config: ActivationsConfig, onProgress?: ProgressCallback): Promise<ActivationsResult> {
  checkConfig(config);
  await setupBackend();
  const { depth, width, samples, seed } = config;
  // The same inputs for every run (common random numbers).
  const inputs = activationInputs(seed, samples, width, config.input);
  const planned = plannedRuns(config);
  const runs: ActivationsRun[] = [];
  for (const [i, { activation, init }] of planned.entries()) {
    const layers = measureLayers(activation, activationKernels(init, seed, depth, width), inputs, samples, width);
    runs.push({ init, activation, layers });
    onProgress?.(i + 1, planned.length);
  }
  if (config.activation === null && config.init === null) return { config, runs };
  return { config, layers: runs[0]!.layers };
}

/** Histogram bars of one run for the figure: exact zeros (dead units) are left out of the bin holding 0. */
function histogramRows(run: ActivationsRun): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const layer of run.layers) {
    const { edges, counts } = layer.histogram;
    const total = counts.reduce((a, b) => a + b, 0);
    const deadCount = Math.round(layer.dead * total);
    for (let b = 0; b < counts.length; b++) {
      const holdsZero = edges[b]! <= 0 && (0 < edges[b + 1]! || b === counts.length - 1);
      const count = holdsZero ? counts[b]! - deadCount : counts[b]!;
      rows.push({
        init: initLabel(run.init),
        layer: `layer ${layer.index}`,
        x0: edges[b],
        x1: edges[b + 1],
        fraction: total > 0 ? count / total : 0,
      });
    }
  }
  return rows;
}

/** File stem of the histogram figure of an activation. */
const figureName = (activation: Activation): string => `activations-${activation.replace('_', '-')}`;

function histogramFigure(activation: Activation, runs: readonly ActivationsRun[]): Figure {
  const [low, high] = HISTOGRAM_RANGES[activation];
  const values = runs.flatMap(histogramRows);
  const layers = distinct(values as { layer: string }[], 'layer');
  const inits = runs.map((r) => initLabel(r.init));
  const deadNote = activation === 'relu' || activation === 'leaky_relu' ? ' Exact zeros (dead units) are not drawn; their fraction is in the numbers.' : '';
  return {
    name: figureName(activation),
    caption:
      `Histograms of ${activation} activations of each layer (columns) for each initializer (rows): ${runs[0]!.layers.length} dense layers of ` +
      `${HISTOGRAM_BINS} fixed bins over [${low}, ${high}], y = fraction of all outputs (own scale per panel).${deadNote}`,
    spec: withDefaults({
      title: `${activation} activations per layer`,
      data: { values },
      facet: {
        row: { field: 'init', type: 'nominal', sort: inits, title: 'initializer' },
        column: { field: 'layer', type: 'nominal', sort: layers, title: null },
      },
      spec: {
        width: 120,
        height: 80,
        mark: { type: 'bar', color: '#4c78a8', binSpacing: 0 },
        encoding: {
          x: { field: 'x0', type: 'quantitative', bin: { binned: true }, scale: { domain: [low, high] }, title: activation, axis: { tickCount: 4 } },
          x2: { field: 'x1' },
          y: { field: 'fraction', type: 'quantitative', title: 'fraction', axis: { tickCount: 3, format: '.0%' } },
        },
      },
      resolve: { scale: { y: 'independent' } },
    }),
  };
}

function figures(result: ActivationsResult): Figure[] {
  const runs = runsOf(result);
  return distinct(runs, 'activation').map((activation) =>
    histogramFigure(
      activation,
      runs.filter((r) => r.activation === activation),
    ),
  );
}

function claims(result: ActivationsResult): Claim[] {
  return activationClaims(runsOf(result));
}

function describeRun(run: ActivationsRun): string {
  const a = first(run);
  const z = last(run);
  const parts = [`std ${formatValue(a.std)} → ${formatValue(z.std)}`, `mean ${formatValue(a.mean)} → ${formatValue(z.mean)}`];
  if (run.activation === 'sigmoid' || run.activation === 'tanh') parts.push(`saturated ${formatPercent(a.saturated)} → ${formatPercent(z.saturated)}`);
  if (run.activation === 'relu' || run.activation === 'leaky_relu') parts.push(`dead ${formatPercent(a.dead)} → ${formatPercent(z.dead)}`);
  return parts.join(', ');
}

function reading(result: ActivationsResult): string {
  const runs = runsOf(result);
  const depth = runs[0]?.layers.length ?? 0;
  const big = find(runs, 'sigmoid', STD_1);
  const small = find(runs, 'sigmoid', STD_001);
  const xavier = find(runs, 'sigmoid', XAVIER);
  const he = find(runs, 'relu', HE);
  const xavierRelu = find(runs, 'relu', XAVIER);
  if (isGridResult(result) && big && small && xavier && he && xavierRelu) {
    return (
      `With sigmoid, std 1 leaves ${formatPercent(last(big).saturated)} of layer-${depth} outputs within ${SATURATION_MARGIN} of 0 or 1 and std 0.01 squeezes them to std ` +
      `${formatValue(last(small).std)} around ${formatValue(last(small).mean, 3)}, while Xavier keeps a std of ${formatValue(last(xavier).std)} with ` +
      `${formatPercent(last(xavier).saturated)} saturated. With ReLU, He keeps the std from ${formatValue(first(he).std)} (layer 1) to ` +
      `${formatValue(last(he).std)} (layer ${depth}), whereas Xavier lets it shrink from ${formatValue(first(xavierRelu).std)} to ${formatValue(last(xavierRelu).std)}.`
    );
  }
  const sentences = runs.map((r) => `${r.activation} with ${initLabel(r.init)}, layer 1 → ${depth}: ${describeRun(r)}.`);
  if (sentences.length === 1) {
    const r = runs[0]!;
    return `${sentences[0]} Layer ${depth} has ${formatPercent(last(r).saturated)} of its outputs within ${SATURATION_MARGIN} of a bound and ${formatPercent(last(r).dead)} exactly 0.`;
  }
  return sentences.join(' ');
}

/** Per run: the std of every layer, and the last layer's mean, saturated and dead fractions. */
function table(result: ActivationsResult): NumbersTable {
  const runs = runsOf(result);
  const depth = Math.max(...runs.map((r) => r.layers.length));
  return {
    columns: [
      'activation',
      'initializer',
      ...Array.from({ length: depth }, (_, l) => `std L${l + 1}`),
      `mean L${depth}`,
      `saturated L${depth}`,
      `dead L${depth}`,
    ],
    rows: runs.map((r) => {
      const z = last(r);
      return [
        r.activation,
        initLabel(r.init),
        ...Array.from({ length: depth }, (_, l) => cell(r.layers[l]?.std)),
        cell(z.mean),
        percentCell(z.saturated),
        percentCell(z.dead),
      ];
    }),
  };
}

/** Per histogram figure, one explorer link per row (initializer), with the run's exact settings. */
function explorerLinks(result: ActivationsResult, base: string): Record<string, FigureLink[]> {
  const { depth, width, samples, seed, input } = result.config;
  const links: Record<string, FigureLink[]> = {};
  for (const run of runsOf(result)) {
    const name = figureName(run.activation);
    links[name] ??= [];
    links[name].push({
      label: initLabel(run.init),
      href: activationsRunUrl(base, { activation: run.activation, init: run.init, depth, width, samples, seed, input }),
    });
  }
  return links;
}

/** Experiment 1: activation histograms through 5 layers for several initializers (Saito §6.2). */
export const activationsExperiment: Experiment<ActivationsConfig, ActivationsResult> = {
  name: NAME,
  title: 'Activation distributions through 5 layers',
  options: [
    {
      key: 'activation',
      kind: 'string',
      choices: ACTIVATIONS,
      description: 'activation of every layer (single run; default: the report grid, or sigmoid when only --init is given)',
    },
    { key: 'init', kind: 'init', description: 'initializer, e.g. normal:std=0.01 (single run; default: the report grid, or the matched init of --activation)' },
    { key: 'depth', kind: 'integer', description: 'number of dense layers (default 5)' },
    { key: 'width', kind: 'integer', description: 'units per layer and input dimension (default 100)' },
    { key: 'samples', kind: 'integer', description: 'number of inputs (default 1000; quick 300)' },
    {
      key: 'input',
      kind: 'string',
      choices: INPUT_DISTRIBUTIONS,
      description: 'input distribution: normal 𝒩(0, 1) (default), uniform U(−√3, √3), pixels U(0, 1)',
    },
    { key: 'seed', kind: 'integer', description: 'random seed of inputs and weights' },
  ],
  defaults: (quick, seed) => ({
    activation: null,
    init: null,
    grid: DEFAULT_GRID.map((row) => ({ activation: row.activation, inits: [...row.inits] })),
    depth: 5,
    width: 100,
    samples: quick ? 300 : 1000,
    seed,
  }),
  run,
  figures,
  claims,
  reading,
  table,
  explorerLinks,
};
