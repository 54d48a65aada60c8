/**
 * Experiment 4, `mnist`: the book's 5-layer net (Saito, Deep Learning from Scratch, 6.2.4): 4 hidden layers of
 * 100 ReLU units and a softmax output, plain SGD with learning rate 0.01 on batches of 128 drawn at random, for
 * 2,000 iterations, started from `normal:std=0.01`, `glorot_normal` (Xavier) and `he_normal`, several seeds each.
 *
 * Runs are trained by engine/training-jobs.ts (seeding: run seed s gives the weights and the batches, so two
 * initializers compared under the same seed see the same batches in the same order), summarized by
 * analysis/training-summary.ts and drawn by plot/training-figures.ts; the config is the shared training config
 * of training-config.ts plus the hidden activation.
 */
import type { InitializerSpec } from 'initlab';
import type { Activation } from '../engine/mlp.ts';
import { runTrainingJobs, type TrainingRun } from '../engine/training-jobs.ts';
import { initLabel, initSpec } from '../init-arg.ts';
import { formatPercent } from '../analysis/statistics.ts';
import {
  CHANCE_LOSS,
  count,
  lossText,
  median,
  percentSpread,
  smoothingWindow,
  summarize,
  trainingTable,
  type InitSummary,
} from '../analysis/training-summary.ts';
import { accuracyFigureSpec, lossBandRows, lossFigureSpec } from '../plot/training-figures.ts';
import type { Claim, Experiment } from './experiment.ts';
import {
  checkTrainingActivation,
  checkTrainingConfig,
  describeInit,
  hiddenStd,
  initName,
  reluRole,
  trainingJobs,
  trainingOptions,
  TRAINING_ACTIVATIONS,
  type TrainingConfig,
} from './training-config.ts';

/** Config of `mnist`. */
export interface MnistConfig extends TrainingConfig {
  /** Hidden activation (relu, as the book). */
  readonly activation: Activation;
}

/** Result of `mnist`. */
export interface MnistResult {
  readonly config: MnistConfig;
  readonly runs: TrainingRun[];
  readonly summary: InitSummary[];
}

const MNIST_DEFAULTS: MnistConfig = {
  init: ['normal:std=0.01', 'glorot_normal', 'he_normal'].map(initSpec),
  seeds: 3,
  seed: 0,
  iterations: 2000,
  lr: 0.01,
  batch: 128,
  depth: 4,
  width: 100,
  activation: 'relu',
};

/** Test accuracy margin by which the random-scaled inits must beat std 0.01 for the claim to hold. */
export const MNIST_MARGIN = 0.2;

function mnistClaims(result: MnistResult): Claim[] {
  const { config, summary } = result;
  const claims: Claim[] = [];
  const byMedian = [...summary].sort((a, b) => a.testAccuracy.median - b.testAccuracy.median);
  const worst = byMedian[0]!;
  const best = byMedian[byMedian.length - 1]!;
  const iters = count(config.iterations);
  const net = `${config.depth} hidden layers of ${config.width} ${config.activation}`;
  if (summary.length >= 2) {
    const others = summary.filter((s) => s !== worst);
    const margin = Math.min(...others.map((s) => s.testAccuracy.min)) - worst.testAccuracy.max;
    claims.push({
      claim: 'The learning performance varies greatly depending on the weight initialization method.',
      measurement:
        `MNIST, ${net}, SGD lr ${config.lr}, ${iters} iterations, ${config.seeds} seed(s): median test accuracy ` +
        summary.map((s) => `${initLabel(s.init)} ${percentSpread(s.testAccuracy)}`).join(', ') +
        `; every run of the others beats every run of ${initLabel(worst.init)} by ≥ ${(100 * margin).toFixed(1)} points (needed: ≥ ${100 * MNIST_MARGIN}).`,
      held: margin >= MNIST_MARGIN && best.testAccuracy.median - worst.testAccuracy.median >= MNIST_MARGIN,
    });
  }
  const small = summary.find((s) => reluRole(s.init, config.width) === 'small');
  if (small) {
    claims.push({
      claim: 'Small random values (std 0.01) make gradients vanish in a deep net: learning does not occur.',
      measurement: `${initLabel(small.init)}: mean loss of the last 100 iterations ${lossText(small.finalLoss.median)} (chance ln 10 = 2.303), test accuracy ${percentSpread(small.testAccuracy)} after ${iters} iterations.`,
      held: small.finalLoss.min >= CHANCE_LOSS - 0.1 && small.testAccuracy.max < 0.3,
    });
  }
  const he = summary.find((s) => reluRole(s.init, config.width) === 'he');
  const xavier = summary.find((s) => initName(s.init) === 'glorot_normal' || reluRole(s.init, config.width) === 'xavier');
  if (he && xavier && config.activation === 'relu') {
    const reach = (s: InitSummary): number => median(s.iterationsToLoss1.map((v) => v ?? Number.POSITIVE_INFINITY).map((v) => (Number.isFinite(v) ? v : 1e12)));
    const reachText = (s: InitSummary): string => {
      const m = reach(s);
      return m >= 1e12 ? 'never' : `${count(Math.round(m))}`;
    };
    claims.push({
      claim: 'Xavier is not suitable for ReLU; He initialization is (5-layer net).',
      measurement:
        `median iterations to a smoothed loss below 1.0: ${initLabel(he.init)} ${reachText(he)}, ${initLabel(xavier.init)} ${reachText(xavier)}; ` +
        `test accuracy ${initLabel(he.init)} ${percentSpread(he.testAccuracy)} vs ${initLabel(xavier.init)} ${percentSpread(xavier.testAccuracy)}.`,
      held: reach(he) < reach(xavier) && he.testAccuracy.median > xavier.testAccuracy.median,
    });
  }
  return claims;
}

function mnistReading(result: MnistResult): string {
  const { config, summary } = result;
  const sorted = [...summary].sort((a, b) => b.testAccuracy.median - a.testAccuracy.median);
  const best = sorted[0]!;
  const worst = sorted[sorted.length - 1]!;
  const seeds = config.seeds === 1 ? 'one seed' : `the median of ${config.seeds} seeds`;
  const first =
    `After ${count(config.iterations)} SGD steps on the ${config.depth + 1}-layer ${config.activation} net, ` +
    summary.map((s) => `${initLabel(s.init)} reaches ${formatPercent(s.testAccuracy.median)}`).join(', ') +
    ` test accuracy (${seeds}), so the initializer alone moves the result by ${(100 * (best.testAccuracy.median - worst.testAccuracy.median)).toFixed(0)} points.`;
  const stuck = summary.filter((s) => s.finalLoss.median >= CHANCE_LOSS - 0.1);
  const small = stuck.filter((s) => reluRole(s.init, config.width) === 'small');
  const others = stuck.filter((s) => !small.includes(s));
  const parts: string[] = [];
  for (const s of small) {
    const std = hiddenStd(s.init, config.width);
    const gain = config.activation === 'relu' ? std * Math.sqrt(config.width / 2) : std * Math.sqrt(config.width);
    parts.push(
      `${initLabel(s.init)} never leaves the chance loss (last-100 mean ${lossText(s.finalLoss.median)} vs ln 10 = 2.303): each ${config.width}-unit layer multiplies ` +
        `the signal's scale by about ${Number(gain.toPrecision(2))}, so the logits and the gradients of the early layers vanish`,
    );
  }
  if (others.length > 0)
    parts.push(
      `${others.map((s) => initLabel(s.init)).join(' and ')} ${others.length > 1 ? 'are' : 'is'} still at the chance loss after ${count(config.iterations)} iterations`,
    );
  const second =
    parts.length > 0
      ? `${parts.join('; ')}, while ${initLabel(best.init)} ends at loss ${lossText(best.finalLoss.median)}.`
      : `All initializers left the chance loss of 2.303; the final losses are ${summary.map((s) => `${initLabel(s.init)} ${lossText(s.finalLoss.median)}`).join(', ')}.`;
  return `${first} ${second}`;
}

/** Experiment 4: std 0.01 vs Xavier vs He on the book's 5-layer ReLU net, several seeds. */
export const mnistExperiment: Experiment<MnistConfig, MnistResult> = {
  name: 'mnist',
  title: 'MNIST: std 0.01 vs Xavier vs He on a 5-layer ReLU net',
  options: trainingOptions(MNIST_DEFAULTS, [
    { key: 'activation', kind: 'string', choices: TRAINING_ACTIVATIONS, description: `hidden activation (default ${MNIST_DEFAULTS.activation})` },
  ]),
  defaults(quick, seed) {
    return quick ? { ...MNIST_DEFAULTS, seeds: 1, iterations: 400, seed } : { ...MNIST_DEFAULTS, seed };
  },
  async run(config, onProgress) {
    checkTrainingConfig('mnist', config);
    checkTrainingActivation('mnist', config.activation);
    const runs = await runTrainingJobs(trainingJobs(config, [config.activation]), onProgress);
    return { config, runs, summary: summarize(runs, config.init, config.iterations) };
  },
  figures(result) {
    const { config, runs } = result;
    const legend = (init: InitializerSpec): string => describeInit(init, config.width);
    const window = smoothingWindow(config.iterations);
    const seeds = config.seeds === 1 ? '1 seed' : `median and range of ${config.seeds} seeds`;
    return [
      {
        name: 'mnist-loss',
        caption: `Training loss of the ${config.depth + 1}-layer ReLU net on MNIST (moving average of ${window} iterations; ${seeds}). The dashed line is chance, ln 10.`,
        spec: lossFigureSpec({
          title: `MNIST, ${config.depth} × ${config.width} ${config.activation}, SGD lr ${config.lr}, batch ${config.batch}`,
          rows: lossBandRows(runs, config.init, config.iterations),
          inits: config.init,
          legend,
          window,
        }),
      },
      {
        name: 'mnist-accuracy',
        caption: `Test accuracy after ${count(config.iterations)} iterations: one dot per seed, the bar is the median.`,
        spec: accuracyFigureSpec({ title: `Test accuracy after ${count(config.iterations)} iterations`, runs, inits: config.init }),
      },
    ];
  },
  claims: mnistClaims,
  reading: mnistReading,
  table(result) {
    return trainingTable(result.summary);
  },
};
