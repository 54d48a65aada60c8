/**
 * Vega-Lite figures of MNIST training runs (`mnist`, `depth`): smoothed training-loss curves with their spread
 * over seeds and the chance level, and test accuracy per run.
 */
import { withDefaults } from '../analysis/figures.ts';
import { CHANCE_LOSS, median, movingAverage, smoothingWindow } from '../analysis/training-summary.ts';
import type { InitializerSpec } from 'initlab';
import type { TrainingRun } from '../engine/training-jobs.ts';
import { initLabel, sameInit } from '../init-arg.ts';
import type { VegaLiteSpec } from './render.ts';

/**
 * Rows of a loss figure: per initializer (`init`: its label) and (sub-sampled) iteration, the median and range over
 * seeds of the smoothed loss.
 */
export function lossBandRows(runs: readonly TrainingRun[], inits: readonly InitializerSpec[], iterations: number): Record<string, number | string>[] {
  const window = smoothingWindow(iterations);
  const step = Math.max(1, Math.floor(iterations / 250));
  const rows: Record<string, number | string>[] = [];
  for (const init of inits) {
    const curves = runs.filter((r) => sameInit(r.init, init)).map((r) => movingAverage(r.loss, window));
    if (curves.length === 0) continue;
    for (let i = 0; i < iterations; i += step) {
      const at = i + step >= iterations ? iterations - 1 : i;
      const values = curves.map((c) => c[at]!).filter(Number.isFinite);
      if (values.length === 0) continue;
      rows.push({ init: initLabel(init), iteration: at + 1, median: median(values), lo: Math.min(...values), hi: Math.max(...values) });
      if (at === iterations - 1) break;
    }
  }
  return rows;
}

/** A Vega-Lite figure of smoothed training-loss curves (median line and min–max band over seeds) with the chance level. */
export function lossFigureSpec(options: {
  readonly title: string;
  readonly rows: Record<string, number | string>[];
  readonly inits: readonly InitializerSpec[];
  readonly legend: (init: InitializerSpec) => string;
  readonly window: number;
  readonly marker?: { readonly iteration: number; readonly label: string };
}): VegaLiteSpec {
  const legends = new Map(options.inits.map((init) => [initLabel(init), options.legend(init)]));
  const legendOf = (label: string): string => legends.get(label) ?? label;
  const labelled = options.rows.map((r) => ({ ...r, label: legendOf(String(r['init'])), band: legendOf(String(r['init'])) }));
  const domain = options.inits.map(options.legend);
  const x = { field: 'iteration', type: 'quantitative' as const, title: 'iteration' };
  const color = { field: 'label', type: 'nominal' as const, title: 'initializer', scale: { domain } };
  const layers: unknown[] = [
    {
      mark: { type: 'area', opacity: 0.18 },
      encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, fill: { ...color, field: 'band', legend: null } },
    },
    {
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x,
        y: { field: 'median', type: 'quantitative', title: `training loss (smoothed over ${options.window})`, scale: { zero: true } },
        color: { ...color, legend: { orient: 'bottom', direction: 'vertical', symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 0 } },
      },
    },
    {
      data: { values: [{ chance: CHANCE_LOSS, text: 'chance: ln 10 ≈ 2.303' }] },
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { y: { field: 'chance', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'right', dy: -7, color: '#444', x: 'width' },
          encoding: { y: { field: 'chance', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    },
  ];
  if (options.marker && options.marker.iteration < maxIteration(options.rows)) {
    layers.push({
      data: { values: [{ iteration: options.marker.iteration, text: options.marker.label }] },
      layer: [
        { mark: { type: 'rule', strokeDash: [2, 3], color: '#999' }, encoding: { x: { field: 'iteration', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', dx: 4, y: 8, color: '#444' },
          encoding: { x: { field: 'iteration', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    });
  }
  return withDefaults({ title: options.title, width: 560, height: 300, data: { values: labelled }, layer: layers });
}

/** The largest `iteration` of figure rows. */
function maxIteration(rows: readonly Record<string, number | string>[]): number {
  return rows.reduce((max, r) => Math.max(max, Number(r['iteration'])), 0);
}

/** A Vega-Lite dot plot of test accuracy per run with a tick at each initializer's median. */
export function accuracyFigureSpec(options: {
  readonly title: string;
  readonly runs: readonly TrainingRun[];
  readonly inits: readonly InitializerSpec[];
}): VegaLiteSpec {
  const rows = options.runs.map((r) => ({ label: initLabel(r.init), seed: r.seed, accuracy: r.testAccuracy }));
  const medians = options.inits.map((init) => ({
    label: initLabel(init),
    accuracy: median(options.runs.filter((r) => sameInit(r.init, init)).map((r) => r.testAccuracy)),
  }));
  const domain = options.inits.map(initLabel);
  const y = { field: 'label', type: 'nominal' as const, title: null, scale: { domain }, axis: { labelLimit: 320 } };
  const x = { field: 'accuracy', type: 'quantitative' as const, title: 'test accuracy (2,000 digits)', scale: { domain: [0, 1] }, axis: { format: '%' } };
  return withDefaults({
    title: options.title,
    width: 460,
    height: { step: 34 },
    layer: [
      { data: { values: medians }, mark: { type: 'tick', thickness: 3, color: '#222', size: 24 }, encoding: { x, y } },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 70, opacity: 0.75 },
        encoding: {
          x,
          y,
          color: { field: 'label', type: 'nominal', scale: { domain }, legend: null },
          tooltip: [{ field: 'seed' }, { field: 'accuracy', format: '.3f' }],
        },
      },
      {
        data: { values: [{ accuracy: 0.1, text: 'chance 10%' }] },
        layer: [{ mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { x: { field: 'accuracy', type: 'quantitative' } } }],
      },
    ],
  });
}
