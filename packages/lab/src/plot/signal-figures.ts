/**
 * Signal-propagation figures: a per-layer quantity (std or variance of the activations) against depth, measured
 * (points and line) beside the mean-field prediction (dashed), for one model (`initlab diagnose`) or for a grid of
 * activations × initializations (the `signal` experiment).
 */
import type { Diagnosis } from 'initlab/tfjs';
import { distinct, withDefaults } from '../analysis/figures.ts';
import type { VegaLiteSpec } from './render.ts';

/** One point of a signal-propagation figure. */
export interface SignalRow {
  /** Facet (e.g. the activation); one panel per distinct value. */
  readonly panel: string;
  /** Line within a panel (e.g. the initialization). */
  readonly series: string;
  /** 1-based layer index. */
  readonly layer: number;
  readonly measured: number;
  readonly predicted: number;
}

/**
 * A Vega-Lite spec: per panel, the measured values against layer (solid line with points) and the predicted values
 * (dashed line), one colour per series, on a log scale when `log` is set (values ≤ 0 or non-finite are left out).
 */
export function signalPropagationSpec(options: {
  readonly title: string;
  readonly rows: readonly SignalRow[];
  readonly yTitle: string;
  readonly log?: boolean;
}): VegaLiteSpec {
  const keep = (v: number): boolean => Number.isFinite(v) && (!options.log || v > 0);
  const values = options.rows.flatMap((r) => [
    ...(keep(r.measured) ? [{ panel: r.panel, series: r.series, layer: r.layer, value: r.measured, kind: 'measured' }] : []),
    ...(keep(r.predicted) ? [{ panel: r.panel, series: r.series, layer: r.layer, value: r.predicted, kind: 'predicted (mean field)' }] : []),
  ]);
  const panels = distinct(options.rows, 'panel');
  const series = distinct(options.rows, 'series');
  const y = { field: 'value', type: 'quantitative', title: options.yTitle, scale: options.log ? { type: 'log' } : { zero: true } };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: series },
    legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 },
  };
  const layer = [
    {
      transform: [{ filter: "datum.kind === 'measured'" }],
      mark: { type: 'line', point: { size: 14 }, strokeWidth: 1.5 },
      encoding: { x: { field: 'layer', type: 'quantitative', title: 'layer' }, y, color },
    },
    {
      transform: [{ filter: "datum.kind !== 'measured'" }],
      mark: { type: 'line', strokeDash: [5, 3], strokeWidth: 1.5, opacity: 0.8 },
      encoding: { x: { field: 'layer', type: 'quantitative' }, y, color },
    },
  ];
  const body = { width: 240, height: 170, layer };
  return withDefaults({
    title: { text: options.title, subtitle: 'solid: measured; dashed: mean-field prediction' },
    data: { values },
    ...(panels.length > 1
      ? { facet: { field: 'panel', type: 'nominal', title: null, sort: panels }, columns: 3, spec: body, resolve: { scale: { y: 'independent' } } }
      : body),
  });
}

/** The signal-propagation figure of a {@link Diagnosis}: each layer's output std, measured and predicted. */
export function diagnosisFigureSpec(diagnosis: Diagnosis, title = 'Signal propagation'): VegaLiteSpec {
  const rows: SignalRow[] = diagnosis.layers.map((l, i) => ({
    panel: 'model',
    series: 'output std',
    layer: i + 1,
    measured: l.std,
    predicted: l.predictedStd,
  }));
  return signalPropagationSpec({ title, rows, yTitle: 'std of the layer output', log: true });
}
