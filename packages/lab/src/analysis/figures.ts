/**
 * Small shared pieces of the lab's Vega-Lite figures: the schema URL, the common config, and sorting helpers.
 * Specs carry their data inline (`data: {values}`), so they render offline and the web page can reuse them.
 */
import type { VegaLiteSpec } from '../plot/render.ts';

/** The Vega-Lite schema every spec declares. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Shared look: white background, sans-serif, no chart border. */
export const FIGURE_CONFIG = {
  background: 'white',
  font: 'sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 10, titleFontSize: 11 },
  header: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 10, titleFontSize: 11, labelLimit: 260 },
} as const;

/** A spec with the schema and shared config added. */
export function withDefaults(spec: Record<string, unknown>): VegaLiteSpec {
  return { $schema: VEGA_LITE_SCHEMA, config: FIGURE_CONFIG, ...spec } as VegaLiteSpec;
}

/** The distinct values of `key` in `rows`, in order of first appearance (for facet and legend sort orders). */
export function distinct<T, K extends keyof T>(rows: readonly T[], key: K): T[K][] {
  const seen: T[K][] = [];
  for (const row of rows) if (!seen.includes(row[key])) seen.push(row[key]);
  return seen;
}
