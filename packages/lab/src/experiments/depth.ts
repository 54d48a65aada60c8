/**
 * Experiment 5, `depth`: He et al. 2015 ("Delving deep into rectifiers", figure 3) on MNIST: a plain net of 30
 * ReLU layers of 100 units trained with SGD (lr 0.01, batch 128, 2,000 iterations). He's initialization
 * (`he_normal`, variance 2/fan_in) trains; "Xavier" as that paper uses the word, variance 1/fan_in (`lecun_normal`:
 * untruncated 𝒩(0, 1/fan_in); the same as `glorot_normal` for the square 100×100 layers), stays at the chance loss.
 *
 * The learning rate is the `mnist` experiment's 0.01: with it He trains the 30-layer net in a few hundred
 * iterations, so no other value is needed to show the contrast.
 */
import type { InitializerSpec } from 'initlab';
import type { Activation } from '../engine/mlp.ts';
import { runTrainingJobs, type TrainingRun } from '../engine/training-jobs.ts';
import { initLabel, initSpec, sameInit } from '../init-arg.ts';
import { formatPercent } from '../analysis/statistics.ts';
import {
  CHANCE_LOSS,
  count,
  firstBelow,
  lossText,
  movingAverage,
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
  reluRole,
  trainingJobs,
  trainingOptions,
  TRAINING_ACTIVATIONS,
  type TrainingConfig,
} from './training-config.ts';

/** Config of `depth`. */
export interface DepthConfig extends TrainingConfig {
  /** Hidden activation (relu). */
  readonly activation: Activation;
}

/** What `depth` adds per run: how long the smoothed loss stayed near chance. */
export interface DepthRun extends TrainingRun {
  /**
   * Number of leading iterations whose smoothed loss (moving average, see `smoothingWindow`) stays at or above
   * ln 10 − 0.1: the run's time "at chance". Equal to the iteration count when it never left.
   */
  readonly iterationsAtChance: number;
}

/** Result of `depth`. */
export interface DepthResult {
  readonly config: DepthConfig;
  readonly runs: DepthRun[];
  readonly summary: InitSummary[];
}

/** How far below ln 10 the smoothed loss may go and still count as "near chance". */
export const NEAR_CHANCE = 0.1;

/** The iterations the Xavier-like net must stay near chance: the first 1,000, or the whole run when it is shorter. */
export function requiredAtChance(iterations: number): number {
  return Math.min(1000, iterations);
}

const DEPTH_DEFAULTS: DepthConfig = {
  init: ['he_normal', 'lecun_normal'].map(initSpec),
  seeds: 2,
  seed: 0,
  iterations: 2000,
  lr: 0.01,
  batch: 128,
  depth: 30,
  width: 100,
  activation: 'relu',
};

function depthClaims(result: DepthResult): Claim[] {
  const { config, runs, summary } = result;
  const claims: Claim[] = [];
  const net = `${config.depth} ${config.activation} layers of ${config.width}`;
  const roleOf = (init: InitializerSpec): string => reluRole(init, config.width);
  const he = summary.filter((s) => roleOf(s.init) === 'he');
  const xavier = summary.filter((s) => roleOf(s.init) === 'xavier');
  for (const s of he) {
    const mine = runs.filter((r) => sameInit(r.init, s.init));
    claims.push({
      claim: `He initialization keeps a ReLU net trainable even as layers get deeper (${net}).`,
      measurement:
        `${initLabel(s.init)}: loss of the last 100 iterations ${lossText(s.finalLoss.median)} (chance 2.303), test accuracy ${percentSpread(s.testAccuracy)}; ` +
        `smoothed loss left chance at iteration ${mine.map((r) => count(r.iterationsAtChance + 1)).join(', ')} (${mine.length} seed(s)).`,
      held: s.finalLoss.max <= CHANCE_LOSS - 1 && s.testAccuracy.min >= 0.5,
    });
  }
  const needed = requiredAtChance(config.iterations);
  for (const s of xavier) {
    const mine = runs.filter((r) => sameInit(r.init, s.init));
    const atChance = mine.map((r) => r.iterationsAtChance);
    const described = atChance.map((n) => (n >= config.iterations ? `all ${count(config.iterations)}` : `the first ${count(n)}`)).join(' / ');
    claims.push({
      claim: `Xavier (variance 1/fan_in) is not suitable for ReLU: the ${net} stays near chance for at least the first ${count(needed)} iterations.`,
      measurement:
        `${initLabel(s.init)}: smoothed loss within ${NEAR_CHANCE} of ln 10 for ${described} iterations (needed: the first ${count(needed)}; ${mine.length} seed(s)); ` +
        `after ${count(config.iterations)}: loss ${lossText(s.finalLoss.median)}, test accuracy ${percentSpread(s.testAccuracy)}.`,
      held: atChance.every((n) => n >= needed),
    });
  }
  return claims;
}

function depthReading(result: DepthResult): string {
  const { config, runs, summary } = result;
  const role = (s: InitSummary): string => reluRole(s.init, config.width);
  const he = summary.find((s) => role(s) === 'he');
  const xavier = summary.find((s) => role(s) === 'xavier');
  const at = (init: InitializerSpec): string => {
    const mine = runs.filter((r) => sameInit(r.init, init));
    if (mine.every((r) => r.iterationsAtChance >= config.iterations)) {
      return `never left it in ${count(config.iterations)} iterations${mine.length > 1 ? `, in all ${mine.length} seeds` : ''}`;
    }
    return mine
      .map((r) => (r.iterationsAtChance >= config.iterations ? `never left it` : `left it at iteration ${count(r.iterationsAtChance + 1)}`))
      .join(' / ');
  };
  if (he && xavier) {
    return (
      `With ${config.depth} ReLU layers of ${config.width} units and SGD at lr ${config.lr}, ${initLabel(he.init)} trains to a final loss of ${lossText(he.finalLoss.median)} ` +
      `and ${formatPercent(he.testAccuracy.median)} test accuracy after ${count(config.iterations)} iterations, while ${initLabel(xavier.init)} (variance 1/fan_in, He et al.'s "Xavier") ` +
      `sits at the chance loss of 2.303 (${at(xavier.init)}) and ends at ${formatPercent(xavier.testAccuracy.median)}. ` +
      `A ReLU layer passes on half of its input's second moment, so variance 1/fan_in shrinks the signal's second moment (and the gradient's) by 2^${config.depth} ≈ ${(2 ** config.depth).toExponential(1)} over ${config.depth} layers, ` +
      `while He's factor 2 keeps it constant.`
    );
  }
  return (
    `With ${config.depth} ${config.activation} layers of ${config.width} units, after ${count(config.iterations)} iterations: ` +
    summary.map((s) => `${initLabel(s.init)} loss ${lossText(s.finalLoss.median)}, test accuracy ${formatPercent(s.testAccuracy.median)}`).join('; ') +
    `. Runs at chance: ${summary.map((s) => `${initLabel(s.init)} ${at(s.init)}`).join('; ')}.`
  );
}

/** Experiment 5: He vs variance-1/fan_in ("Xavier") on a 30-layer plain ReLU net. */
export const depthExperiment: Experiment<DepthConfig, DepthResult> = {
  name: 'depth',
  title: 'Depth: a 30-layer ReLU net trains with He, not with variance 1/fan_in',
  options: trainingOptions(DEPTH_DEFAULTS, [
    { key: 'activation', kind: 'string', choices: TRAINING_ACTIVATIONS, description: `hidden activation (default ${DEPTH_DEFAULTS.activation})` },
  ]),
  defaults(quick, seed) {
    return quick ? { ...DEPTH_DEFAULTS, seeds: 1, iterations: 300, seed } : { ...DEPTH_DEFAULTS, seed };
  },
  async run(config, onProgress) {
    checkTrainingConfig('depth', config);
    checkTrainingActivation('depth', config.activation);
    const trained = await runTrainingJobs(trainingJobs(config, [config.activation]), onProgress);
    const window = smoothingWindow(config.iterations);
    const runs: DepthRun[] = trained.map((run) => {
      const left = firstBelow(movingAverage(run.loss, window), CHANCE_LOSS - NEAR_CHANCE);
      return { ...run, iterationsAtChance: left ?? config.iterations };
    });
    return { config, runs, summary: summarize(runs, config.init, config.iterations) };
  },
  figures(result) {
    const { config, runs } = result;
    const legend = (init: InitializerSpec): string => describeInit(init, config.width);
    const window = smoothingWindow(config.iterations);
    const needed = requiredAtChance(config.iterations);
    return [
      {
        name: 'depth-loss',
        caption:
          `Training loss of a ${config.depth}-layer ReLU net (${config.width} units per layer) on MNIST, moving average of ${window} iterations` +
          `${config.seeds > 1 ? `, median and range of ${config.seeds} seeds` : ''}. The dashed line is chance (ln 10); the dotted one marks iteration ${count(needed)}.`,
        spec: lossFigureSpec({
          title: `${config.depth} ${config.activation} layers of ${config.width}, SGD lr ${config.lr}, batch ${config.batch}`,
          rows: lossBandRows(runs, config.init, config.iterations),
          inits: config.init,
          legend,
          window,
          marker: { iteration: needed, label: `iteration ${count(needed)}` },
        }),
      },
      {
        name: 'depth-accuracy',
        caption: `Test accuracy of the ${config.depth}-layer net after ${count(config.iterations)} iterations (one dot per seed).`,
        spec: accuracyFigureSpec({
          title: `${config.depth}-layer ReLU net: test accuracy after ${count(config.iterations)} iterations`,
          runs,
          inits: config.init,
        }),
      },
    ];
  },
  claims: depthClaims,
  reading: depthReading,
  table(result) {
    const base = trainingTable(result.summary);
    return {
      columns: [...base.columns, 'iterations at chance'],
      rows: base.rows.map((row, i) => [
        ...row,
        result.runs
          .filter((r) => sameInit(r.init, result.summary[i]!.init))
          .map((r) => (r.iterationsAtChance >= result.config.iterations ? `all ${count(result.config.iterations)}` : count(r.iterationsAtChance)))
          .join(', '),
      ]),
    };
  },
};
