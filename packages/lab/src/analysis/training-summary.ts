/**
 * Summary statistics of MNIST training runs (`symmetry`, `mnist`, `depth`) and the number formatting of their
 * claims, readings and tables: the chance loss, medians and spreads over seeds, smoothed loss curves, the final
 * loss, and per-initializer summaries.
 */
import type { InitializerSpec } from 'initlab';
import { CLASS_COUNT } from '../data/mnist-core.ts';
import type { TrainingRun } from '../engine/training-jobs.ts';
import type { NumbersTable } from '../experiments/experiment.ts';
import { initLabel, sameInit } from '../init-arg.ts';
import { formatPercent } from './statistics.ts';

/** ln 10: the cross-entropy of a uniform guess over 10 classes (chance). */
export const CHANCE_LOSS = Math.log(CLASS_COUNT);

/** Median of finite values (NaN when there are none). */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Trailing moving average over `window` values (fewer at the start); NaN/Infinity propagate through their window. */
export function movingAverage(values: readonly number[], window: number): number[] {
  const out = new Array<number>(values.length);
  let sum = 0;
  let bad = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) sum += v;
    else bad++;
    if (i >= window) {
      const old = values[i - window]!;
      if (Number.isFinite(old)) sum -= old;
      else bad--;
    }
    out[i] = bad > 0 ? Number.NaN : sum / Math.min(i + 1, window);
  }
  return out;
}

/** Smoothing window of the loss curves: 50 iterations, or a tenth of a shorter run. */
export function smoothingWindow(iterations: number): number {
  return Math.max(1, Math.min(50, Math.floor(iterations / 10)));
}

/** Mean of the last `count` values (all of them when fewer): the "final loss" of a run. */
export function finalLoss(loss: readonly number[], count = 100): number {
  const tail = loss.slice(Math.max(0, loss.length - count));
  return tail.length === 0 ? Number.NaN : tail.reduce((a, b) => a + b, 0) / tail.length;
}

/** The first iteration whose smoothed loss is below `threshold`, or null when it never is. */
export function firstBelow(smoothed: readonly number[], threshold: number): number | null {
  const i = smoothed.findIndex((v) => v < threshold);
  return i < 0 ? null : i;
}

/** Median, min and max of a per-initializer quantity over seeds. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Median, min and max of finite values. */
export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  return { median: median(finite), min: finite.length ? Math.min(...finite) : Number.NaN, max: finite.length ? Math.max(...finite) : Number.NaN };
}

/** `93.3% (92.1–94.0%)`: median and range over seeds; the median alone for one seed. */
export function percentSpread(s: Spread): string {
  return s.min === s.max ? formatPercent(s.median) : `${formatPercent(s.median)} (${formatPercent(s.min)}–${formatPercent(s.max)})`;
}

/** A loss for humans: 3 decimals, `n/a` for non-finite. */
export function lossText(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : 'n/a';
}

/** An integer with thousands separators: `1,000`. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** Per-initializer summary of `mnist` (and `depth`). */
export interface InitSummary {
  readonly init: InitializerSpec;
  /** Test accuracy over seeds. */
  readonly testAccuracy: Spread;
  /** Mean loss of the last 100 iterations, over seeds. */
  readonly finalLoss: Spread;
  /** First iteration (1-based) whose smoothed loss is below 1.0, per seed (null: never). */
  readonly iterationsToLoss1: (number | null)[];
}

/** Summaries per initializer, in config order. */
export function summarize(runs: readonly TrainingRun[], inits: readonly InitializerSpec[], iterations: number): InitSummary[] {
  const window = smoothingWindow(iterations);
  return inits.map((init) => {
    const mine = runs.filter((r) => sameInit(r.init, init));
    return {
      init,
      testAccuracy: spread(mine.map((r) => r.testAccuracy)),
      finalLoss: spread(mine.map((r) => finalLoss(r.loss))),
      iterationsToLoss1: mine.map((r) => {
        const i = firstBelow(movingAverage(r.loss, window), 1.0);
        return i === null ? null : i + 1;
      }),
    };
  });
}

/** The numbers table of `mnist` and `depth`: per initializer, test accuracy and final loss over seeds. */
export function trainingTable(summary: readonly InitSummary[]): NumbersTable {
  return {
    columns: ['initializer', 'test accuracy: median', 'min–max', 'final loss (last 100): median', 'iterations to loss < 1.0'],
    rows: summary.map((s) => [
      initLabel(s.init),
      formatPercent(s.testAccuracy.median),
      `${formatPercent(s.testAccuracy.min)}–${formatPercent(s.testAccuracy.max)}`,
      lossText(s.finalLoss.median),
      s.iterationsToLoss1.map((v) => (v === null ? 'never' : count(v))).join(', '),
    ]),
  };
}
