/**
 * Experiment 3, `symmetry`: constant initialization (`zeros`, `constant:value=0.5`) against `he_normal` on a
 * 784-50-50-10 MLP trained on MNIST: the number of distinct neurons per hidden layer before and after training
 * (a neuron is a column of the [fanIn, fanOut] kernel plus its bias; two are the same when every value agrees within
 * 1e-6), how far training moved the hidden weights, and the test accuracy.
 *
 * Why two activations by default. With ReLU (or tanh) and all-zero weights, every hidden unit outputs 0 and every
 * gradient into the hidden weights is exactly 0, forever: the neurons stay identical because nothing moves. With
 * sigmoid, zero weights give hidden outputs of 0.5, the output layer learns from them, and from the second step
 * on the hidden weights do receive gradients, identical for every neuron of a layer: this is the seed's claim
 * ("even after updating through back propagation, they will all change to the same value") in action. The
 * learning rate is 0.1 so that the random initialization reaches ~90% in 2,000 steps with sigmoid too, which
 * makes the gap visible; the default net is sigmoid and ReLU, each measured.
 */
import { fail, type InitializerSpec } from 'initlab';
import type { Activation } from '../engine/mlp.ts';
import { runTrainingJobs, type DistinctNeurons, type TrainingRun } from '../engine/training-jobs.ts';
import { initLabel, initSpec } from '../init-arg.ts';
import { withDefaults } from '../analysis/figures.ts';
import { formatPercent } from '../analysis/statistics.ts';
import { count, finalLoss, lossText } from '../analysis/training-summary.ts';
import type { Claim, Experiment } from './experiment.ts';
import {
  checkTrainingActivation,
  checkTrainingConfig,
  initName,
  layerSizes,
  trainingJobs,
  trainingOptions,
  TRAINING_ACTIVATIONS,
  type TrainingConfig,
} from './training-config.ts';

/** Config of `symmetry`. */
export interface SymmetryConfig extends TrainingConfig {
  /** Hidden activations to run, each with every initializer. */
  readonly activation: readonly Activation[];
}

/** One run of `symmetry`. */
export interface SymmetryRun extends TrainingRun {
  readonly activation: Activation;
  readonly distinctNeurons: DistinctNeurons;
  readonly weightChange: number[];
}

/** Result of `symmetry`. */
export interface SymmetryResult {
  readonly config: SymmetryConfig;
  readonly runs: SymmetryRun[];
}

/** Initializers that give every weight the same value. */
const CONSTANT_INITS = new Set(['zeros', 'ones', 'constant']);

/** Whether an initializer sets every weight to the same value. */
export function isConstantInit(init: InitializerSpec): boolean {
  return CONSTANT_INITS.has(initName(init));
}

/** Accuracy gap (in fraction) the random initialization must have over the constant ones, per activation. */
export const SYMMETRY_MARGIN = 0.3;

const SYMMETRY_DEFAULTS: SymmetryConfig = {
  init: ['zeros', 'constant:value=0.5', 'he_normal'].map(initSpec),
  seeds: 1,
  seed: 0,
  iterations: 2000,
  lr: 0.1,
  batch: 128,
  depth: 2,
  width: 50,
  activation: ['sigmoid', 'relu'],
};

/** `1, 1 → 1, 1`. */
function distinctText(d: DistinctNeurons): string {
  return `${d.before.join(', ')} → ${d.after.join(', ')}`;
}

/** A weight change for humans. */
function changeText(values: readonly number[]): string {
  const max = Math.max(...values);
  if (!Number.isFinite(max)) return 'n/a';
  return max === 0 ? '0 (no update at all)' : Number(max.toPrecision(2)).toString();
}

function symmetryClaims(result: SymmetryResult): Claim[] {
  const { config, runs } = result;
  const claims: Claim[] = [];
  const constant = runs.filter((r) => isConstantInit(r.init));
  const random = runs.filter((r) => !isConstantInit(r.init));
  const iters = count(config.iterations);
  if (constant.length > 0) {
    claims.push({
      claim: 'Constant initialization makes all neurons of a layer identical, and back-propagation keeps them identical.',
      measurement:
        `distinct neurons per hidden layer (of ${config.width}), before → after ${iters} SGD steps, with the largest weight change: ` +
        constant.map((r) => `${r.activation} ${initLabel(r.init)}: ${distinctText(r.distinctNeurons)} (moved ${changeText(r.weightChange)})`).join('; ') +
        '.',
      held: constant.every((r) => [...r.distinctNeurons.before, ...r.distinctNeurons.after].every((n) => n === 1)),
    });
  }
  if (random.length > 0) {
    claims.push({
      claim: 'Therefore initial values must be set randomly: random weights give every neuron its own role.',
      measurement: `distinct neurons before → after: ${random.map((r) => `${r.activation} ${initLabel(r.init)}: ${distinctText(r.distinctNeurons)}`).join('; ')} (of ${config.width}).`,
      held: random.every((r) => [...r.distinctNeurons.before, ...r.distinctNeurons.after].every((n) => n === config.width)),
    });
  }
  if (constant.length > 0 && random.length > 0) {
    const gaps = config.activation.map((activation) => {
      const best = (list: readonly SymmetryRun[]): number => Math.max(...list.filter((r) => r.activation === activation).map((r) => r.testAccuracy));
      return { activation, randomBest: best(random), constantBest: best(constant) };
    });
    claims.push({
      claim: 'With identical neurons, having many nodes becomes meaningless: the constant-initialized net does not learn effectively.',
      measurement:
        `test accuracy after ${iters} steps: ` +
        runs.map((r) => `${r.activation} ${initLabel(r.init)} ${formatPercent(r.testAccuracy)}`).join(', ') +
        `; the random initialization leads by ${gaps.map((g) => `${(100 * (g.randomBest - g.constantBest)).toFixed(1)} (${g.activation})`).join(', ')} points (needed ≥ ${100 * SYMMETRY_MARGIN}).`,
      held: gaps.every((g) => g.randomBest - g.constantBest >= SYMMETRY_MARGIN),
    });
  }
  return claims;
}

function symmetryReading(result: SymmetryResult): string {
  const { config, runs } = result;
  const constant = runs.filter((r) => isConstantInit(r.init));
  const random = runs.filter((r) => !isConstantInit(r.init));
  const net = `${layerSizes(config).join('-')} net`;
  const iters = count(config.iterations);
  const parts: string[] = [];
  if (constant.length > 0) {
    const afters = [...new Set(constant.flatMap((r) => r.distinctNeurons.after))].sort((a, b) => a - b);
    const moved = constant.filter((r) => Math.max(...r.weightChange) > 0);
    const frozen = constant.filter((r) => !(Math.max(...r.weightChange) > 0));
    const accs = constant.map((r) => r.testAccuracy);
    parts.push(
      `With ${constant
        .map((r) => initLabel(r.init))
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(' or ')}, every hidden layer of the ${net} has ` +
        `${afters.join('/')} distinct neuron(s) out of ${config.width} after ${iters} SGD steps — ` +
        (moved.length > 0
          ? `even where training moved the hidden weights (${moved.map((r) => `${r.activation} ${initLabel(r.init)} by up to ${changeText(r.weightChange)}`).join(', ')}), it moved them identically`
          : 'training moved nothing') +
        (frozen.length > 0
          ? `, and ${frozen.map((r) => `${r.activation} ${initLabel(r.init)}`).join(', ')} received exactly zero gradient (dead or saturated units)`
          : '') +
        ` — and these nets stay at ${formatPercent(Math.min(...accs))}–${formatPercent(Math.max(...accs))} test accuracy.`,
    );
  }
  if (random.length > 0) {
    parts.push(
      `${random
        .map((r) => initLabel(r.init))
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(', ')} starts with ${[...new Set(random.flatMap((r) => r.distinctNeurons.before))].join('/')} distinct neurons per layer and reaches ` +
        random.map((r) => `${formatPercent(r.testAccuracy)} (${r.activation}, final loss ${lossText(finalLoss(r.loss))})`).join(' and ') +
        '.',
    );
  }
  return parts.join(' ');
}

/** Experiment 3: constant initialization keeps every neuron of a layer identical. */
export const symmetryExperiment: Experiment<SymmetryConfig, SymmetryResult> = {
  name: 'symmetry',
  title: 'Symmetry: constant initialization leaves one distinct neuron per layer',
  options: trainingOptions(SYMMETRY_DEFAULTS, [
    {
      key: 'activation',
      kind: 'list',
      choices: TRAINING_ACTIVATIONS,
      description: `hidden activations, comma-separated, each run with every initializer (default ${SYMMETRY_DEFAULTS.activation.join(',')})`,
    },
  ]),
  defaults(quick, seed) {
    return quick ? { ...SYMMETRY_DEFAULTS, iterations: 400, seed } : { ...SYMMETRY_DEFAULTS, seed };
  },
  async run(config, onProgress) {
    checkTrainingConfig('symmetry', config);
    if (!Array.isArray(config.activation) || config.activation.length === 0)
      fail('invalid_option', 'symmetry', 'activation', 'a non-empty list of activations', config.activation);
    for (const a of config.activation) checkTrainingActivation('symmetry', a);
    const jobs = trainingJobs(config, config.activation, { symmetry: true });
    const trained = await runTrainingJobs(jobs, onProgress);
    const runs = trained.map((run, i) => ({
      init: run.init,
      activation: jobs[i]!.activation,
      seed: run.seed,
      loss: run.loss,
      testAccuracy: run.testAccuracy,
      distinctNeurons: run.distinctNeurons!,
      weightChange: run.weightChange!,
    }));
    return { config, runs };
  },
  figures(result) {
    const { config, runs } = result;
    const rows = runs.flatMap((r) =>
      (['before', 'after'] as const).flatMap((when) =>
        r.distinctNeurons[when].map((n, l) => ({
          init: initLabel(r.init),
          activation: r.activation,
          seed: r.seed,
          layer: `hidden ${l + 1}`,
          when: `${when} training`,
          distinct: n,
        })),
      ),
    );
    const accuracyRows = runs.map((r) => ({ init: initLabel(r.init), activation: r.activation, seed: r.seed, accuracy: r.testAccuracy }));
    const initScale = { domain: config.init.map(initLabel) };
    return [
      {
        name: 'symmetry-neurons',
        caption:
          `Distinct neurons per hidden layer of the ${layerSizes(config).join('-')} net (of ${config.width}; equal within 1e-6), before and after ` +
          `${count(config.iterations)} SGD steps at lr ${config.lr}. Constant initializations keep exactly one.`,
        spec: withDefaults({
          title: { text: `Distinct neurons per hidden layer (of ${config.width})`, anchor: 'start' },
          data: { values: rows },
          facet: {
            row: { field: 'activation', type: 'nominal', title: 'activation', sort: [...config.activation] },
            column: { field: 'layer', type: 'nominal', title: null },
          },
          spec: {
            width: 240,
            height: { step: 14 },
            encoding: {
              y: { field: 'init', type: 'nominal', title: null, scale: initScale, axis: { labelLimit: 200 } },
              yOffset: { field: 'when', type: 'nominal', sort: ['before training', 'after training'] },
              x: {
                field: 'distinct',
                type: 'quantitative',
                title: 'distinct neurons',
                scale: { domain: [0, config.width * 1.12] },
                axis: { values: [0, 10, 20, 30, 40, 50].filter((v) => v <= config.width) },
              },
            },
            layer: [
              {
                mark: { type: 'bar' },
                encoding: {
                  color: {
                    field: 'when',
                    type: 'nominal',
                    title: null,
                    sort: ['before training', 'after training'],
                    scale: { range: ['#9ecae1', '#3182bd'] },
                    legend: { orient: 'bottom' },
                  },
                },
              },
              { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333' }, encoding: { text: { field: 'distinct', type: 'quantitative' } } },
            ],
          },
        }),
      },
      {
        name: 'symmetry-accuracy',
        caption: `Test accuracy (2,000 digits) after ${count(config.iterations)} SGD steps at lr ${config.lr}; chance is 10%.`,
        spec: withDefaults({
          title: { text: 'Test accuracy after training', anchor: 'start' },
          data: { values: accuracyRows },
          facet: { column: { field: 'activation', type: 'nominal', title: null, sort: [...config.activation] } },
          spec: {
            width: 240,
            height: { step: 22 },
            encoding: {
              y: { field: 'init', type: 'nominal', title: null, scale: initScale, axis: { labelLimit: 200 } },
              x: { aggregate: 'median', field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { domain: [0, 1] }, axis: { format: '%' } },
            },
            layer: [
              { mark: { type: 'bar' }, encoding: { color: { field: 'init', type: 'nominal', scale: initScale, legend: null } } },
              {
                mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333' },
                encoding: { text: { aggregate: 'median', field: 'accuracy', type: 'quantitative', format: '.1%' } },
              },
            ],
          },
        }),
      },
    ];
  },
  claims: symmetryClaims,
  reading: symmetryReading,
  table(result) {
    return {
      columns: ['activation', 'initializer', 'seed', 'distinct before', 'distinct after', 'largest weight change', 'final loss', 'test accuracy'],
      rows: result.runs.map((r) => [
        r.activation,
        initLabel(r.init),
        String(r.seed),
        r.distinctNeurons.before.join(', '),
        r.distinctNeurons.after.join(', '),
        r.weightChange.map((v) => (Number.isFinite(v) ? Number(v.toPrecision(2)).toString() : 'n/a')).join(', '),
        lossText(finalLoss(r.loss)),
        formatPercent(r.testAccuracy),
      ]),
    };
  },
};
