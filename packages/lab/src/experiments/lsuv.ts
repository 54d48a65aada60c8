/**
 * Experiment `lsuv`: LSUV (Mishkin & Matas 2016) against He and Xavier on the 30-layer ReLU net of the `depth`
 * experiment (30 layers of 100 units, MNIST, SGD lr 0.01, batch 128): the loss after 1,000 steps.
 *
 * LSUV runs start from `orthogonal` (the paper's orthonormal pre-init) and rescale every kernel on one training
 * batch (drawn with `fold(keyFromSeed(seed), 'lsuv')`) until each layer's pre-activation variance is within `tol` of
 * 1 (engine/mlp.ts `lsuvMlp`); He is `he_normal`, Xavier `glorot_normal`. The runs of one seed see the same batches.
 */
import { fail, type InitializerSpec } from 'initlab';
import { runTrainingJobs, type TrainingJob, type TrainingRun } from '../engine/training-jobs.ts';
import { initLabel, initSpec, sameInit } from '../init-arg.ts';
import { formatPercent } from '../analysis/statistics.ts';
import { CHANCE_LOSS, lossText, percentSpread, smoothingWindow, summarize, trainingTable, type InitSummary } from '../analysis/training-summary.ts';
import { accuracyFigureSpec, lossBandRows, lossFigureSpec } from '../plot/training-figures.ts';
import type { Claim, Experiment } from './experiment.ts';
import { checkTrainingConfig, layerSizes, runSeeds, trainingOptions, type TrainingConfig } from './training-config.ts';

/** Config of `lsuv`: the training config (its `init` are the baselines) plus LSUV's tolerance and iteration cap. */
export interface LsuvConfig extends TrainingConfig {
  readonly tol: number;
  readonly maxIterations: number;
}

/** Result of `lsuv`. */
export interface LsuvResult {
  readonly config: LsuvConfig;
  /** Baseline runs, then LSUV runs (init `orthogonal`, with their `lsuv` records), per seed. */
  readonly runs: TrainingRun[];
  readonly summary: InitSummary[];
}

/** The orthonormal pre-init of the LSUV runs. */
const PRE_INIT = initSpec('orthogonal');
/** LSUV "matches" He when its final loss is at most this much above He's. */
export const MATCH_MARGIN = 0.1;
/** A run has learned when its final loss is at least this far below chance (ln 10). */
export const LEARNED = 1;

const DEFAULTS: LsuvConfig = {
  init: ['he_normal', 'glorot_normal'].map(initSpec),
  seeds: 2,
  seed: 0,
  iterations: 1000,
  lr: 0.01,
  batch: 128,
  depth: 30,
  width: 100,
  tol: 0.1,
  maxIterations: 10,
};

const isLsuv = (init: InitializerSpec): boolean => sameInit(init, PRE_INIT);
const nameOf = (init: InitializerSpec): string => (isLsuv(init) ? 'LSUV (orthogonal pre-init)' : initLabel(init));

function lsuvClaims(result: LsuvResult): Claim[] {
  const { config, runs, summary } = result;
  const lsuv = summary.find((s) => isLsuv(s.init))!;
  const claims: Claim[] = [];
  const records = runs.flatMap((r) => r.lsuv ?? []);
  const off = records.filter((r) => !(Math.abs(r.varianceAfter - 1) < config.tol));
  const worst = records.reduce((a, r) => Math.max(a, Math.abs(r.varianceAfter - 1)), 0);
  claims.push({
    claim: `LSUV brings every layer of the ${config.depth}-layer ReLU net to unit pre-activation variance (within tol ${config.tol}) on its batch.`,
    measurement: `${records.length - off.length} of ${records.length} layers within tol (largest |Var − 1| ${worst.toPrecision(2)}); rescalings per layer ${Math.min(...records.map((r) => r.iterations))}–${Math.max(...records.map((r) => r.iterations))}.`,
    held: off.length === 0 && records.length > 0,
  });
  for (const s of summary.filter((x) => !isLsuv(x.init))) {
    const better = lsuv.finalLoss.median <= s.finalLoss.median + MATCH_MARGIN;
    claims.push({
      claim: `LSUV trains the net at least as well as ${initLabel(s.init)} after ${config.iterations.toLocaleString('en-US')} steps (loss of the last 100 steps within ${MATCH_MARGIN} or lower).`,
      measurement: `final loss LSUV ${lossText(lsuv.finalLoss.median)} vs ${initLabel(s.init)} ${lossText(s.finalLoss.median)} (medians over ${config.seeds} seed(s)); test accuracy ${percentSpread(lsuv.testAccuracy)} vs ${percentSpread(s.testAccuracy)}.`,
      held: better && lsuv.finalLoss.max <= CHANCE_LOSS - LEARNED,
    });
  }
  return claims;
}

/** Experiment `lsuv`. */
export const lsuvExperiment: Experiment<LsuvConfig, LsuvResult> = {
  name: 'lsuv',
  title: 'LSUV against He and Xavier on the 30-layer ReLU net',
  options: trainingOptions(DEFAULTS, [
    { key: 'tol', kind: 'number', description: `LSUV tolerance on |Var − 1| (default ${DEFAULTS.tol})` },
    { key: 'maxIterations', kind: 'integer', description: `LSUV rescalings per layer at most (default ${DEFAULTS.maxIterations})` },
  ]),
  defaults(quick, seed) {
    return quick ? { ...DEFAULTS, seeds: 1, iterations: 250, seed } : { ...DEFAULTS, seed };
  },
  async run(config, onProgress) {
    checkTrainingConfig('lsuv', config);
    if (typeof config.tol !== 'number' || !(config.tol > 0 && config.tol < 1)) fail('invalid_option', 'lsuv', 'tol', 'a number in (0, 1)', config.tol);
    if (!Number.isInteger(config.maxIterations) || config.maxIterations < 1 || config.maxIterations > 100) {
      fail('invalid_option', 'lsuv', 'maxIterations', 'an integer in [1, 100]', config.maxIterations);
    }
    const sizes = layerSizes(config);
    const base = { sizes, activation: 'relu' as const, lr: config.lr, batch: config.batch, iterations: config.iterations };
    const jobs: TrainingJob[] = runSeeds(config).flatMap((seed) => [
      ...config.init.map((init) => ({ ...base, init, seed })),
      { ...base, init: PRE_INIT, seed, lsuv: { tol: config.tol, maxIterations: config.maxIterations } },
    ]);
    const runs = await runTrainingJobs(jobs, onProgress);
    return { config, runs, summary: summarize(runs, [...config.init, PRE_INIT], config.iterations) };
  },
  figures(result) {
    const { config, runs } = result;
    const inits = [...config.init, PRE_INIT];
    const window = smoothingWindow(config.iterations);
    return [
      {
        name: 'lsuv-loss',
        caption: `Training loss of the ${config.depth}-layer ReLU net (${config.width} units) on MNIST with LSUV, He and Xavier, moving average of ${window} steps; dashed: chance (ln 10).`,
        spec: lossFigureSpec({
          title: `${config.depth} relu layers of ${config.width}, SGD lr ${config.lr}, batch ${config.batch}`,
          rows: lossBandRows(runs, inits, config.iterations),
          inits,
          legend: nameOf,
          window,
        }),
      },
      {
        name: 'lsuv-accuracy',
        caption: `Test accuracy after ${config.iterations.toLocaleString('en-US')} steps (one dot per seed).`,
        spec: accuracyFigureSpec({ title: `${config.depth}-layer ReLU net: test accuracy`, runs, inits }),
      },
    ];
  },
  claims: lsuvClaims,
  reading(result) {
    const { config, summary } = result;
    const parts = summary.map((s) => `${nameOf(s.init)} ${lossText(s.finalLoss.median)} (${formatPercent(s.testAccuracy.median)} test accuracy)`);
    return (
      `After ${config.iterations.toLocaleString('en-US')} SGD steps on the ${config.depth}-layer ReLU net the training loss is: ${parts.join('; ')}. ` +
      'LSUV needs no gain for the activation: it measures each layer on a batch and rescales its kernel until the layer passes on unit variance.'
    );
  },
  table(result) {
    const base = trainingTable(result.summary);
    return {
      columns: base.columns,
      rows: base.rows.map((row, i) => (isLsuv(result.summary[i]!.init) ? ['LSUV (orthogonal pre-init)', ...row.slice(1)] : row)),
    };
  },
};
