/**
 * Small SVG charts for the explorer, drawn as strings: per-layer histograms and line charts with an optional log
 * scale. Each chart carries the numbers it plots in a `data-numbers` attribute (JSON), for the tests and for
 * anyone who wants them.
 */

/** Colours of the series, in order (colour-blind-safe pairs with distinct dashes where it matters). */
export const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#b279a2'] as const;

const escapeAttribute = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
export const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A number for an axis or a label: 3 significant digits, exponent form when tiny or huge. */
export function short(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a < 1e-3 || a >= 1e5) return value.toExponential(1).replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}

/** One histogram panel. */
export interface HistogramPanel {
  readonly title: string;
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  /** Count left out of the bin holding 0 (exact zeros of dead ReLU units), drawn as a note instead. */
  readonly hiddenZeros: number;
  readonly note: string;
}

/** A histogram panel as SVG (bar heights relative to the panel's largest bar). */
export function histogramSvg(panel: HistogramPanel, numbers: unknown): string {
  const width = 150;
  const height = 102;
  const plotTop = 30;
  const plotBottom = height - 16;
  const { edges, counts } = panel;
  const low = edges[0]!;
  const high = edges[edges.length - 1]!;
  const drawn = counts.map((c, b) => (edges[b]! <= 0 && (0 < edges[b + 1]! || b === counts.length - 1) ? c - panel.hiddenZeros : c));
  const total = counts.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...drawn);
  const x = (v: number): number => 4 + ((v - low) / (high - low)) * (width - 8);
  const bars = drawn
    .map((c, b) => {
      const h = ((plotBottom - plotTop) * c) / max;
      return c > 0
        ? `<rect x="${x(edges[b]!).toFixed(1)}" y="${(plotBottom - h).toFixed(1)}" width="${(x(edges[b + 1]!) - x(edges[b]!)).toFixed(1)}" height="${h.toFixed(1)}"/>`
        : '';
    })
    .join('');
  const label = `${panel.title}: histogram of ${total} outputs over [${low}, ${high}]. ${panel.note}`;
  return (
    `<svg class="hist" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeAttribute(label)}" data-numbers="${escapeAttribute(JSON.stringify(numbers))}">` +
    `<text x="4" y="12" class="title">${escapeHtml(panel.title)}</text><text x="4" y="24" class="note">${escapeHtml(panel.note)}</text>` +
    `<g class="bars">${bars}</g><line x1="4" x2="${width - 4}" y1="${plotBottom}" y2="${plotBottom}" class="axis"/>` +
    `<text x="4" y="${height - 3}" class="tick">${short(low)}</text><text x="${width - 4}" y="${height - 3}" class="tick" text-anchor="end">${short(high)}</text>` +
    `</svg>`
  );
}

/** One series of a line chart: y per x; null or non-positive (on a log scale) values leave a gap. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number | null])[];
  /** Draw a line (default true). */
  readonly line?: boolean;
  /** Draw a dot at each point. */
  readonly dots?: boolean;
  readonly dashed?: boolean;
  /** Hidden series keep their legend entry but draw nothing ("predict, then reveal"). */
  readonly hidden?: boolean;
}

/** A line chart. */
export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly log?: boolean;
  /** Fixed y range (in data units); otherwise from the data. */
  readonly yDomain?: readonly [number, number];
  /** Horizontal reference lines. */
  readonly rules?: readonly { readonly y: number; readonly label: string }[];
  readonly description: string;
}

/** Nice ticks for a linear axis. */
function linearTicks(low: number, high: number, count = 5): number[] {
  const span = high - low || 1;
  const step0 = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= step0) ?? step0;
  const ticks: number[] = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Ticks of a log axis, in log10 units: the powers of 10 inside, or also 2× and 5× them when the range is short. */
function logTicks(low: number, high: number): number[] {
  const decades: number[] = [];
  for (let d = Math.ceil(low); d <= Math.floor(high); d++) decades.push(d);
  if (decades.length >= 3) {
    const every = Math.ceil(decades.length / 8);
    return decades.filter((_, i) => i % every === 0);
  }
  const ticks: number[] = [];
  for (let d = Math.floor(low); d <= Math.ceil(high); d++) {
    for (const m of [1, 2, 5]) {
      const t = d + Math.log10(m);
      if (t >= low && t <= high) ticks.push(m === 1 ? d : t);
    }
  }
  return ticks;
}

/** A line chart as SVG, with a legend above it. */
export function lineChartSvg(chart: LineChart, numbers: unknown): string {
  const width = 560;
  const height = 300;
  const left = 62;
  const right = 14;
  const top = 14;
  const bottom = 42;
  const transform = (v: number): number | null => (chart.log ? (v > 0 && Number.isFinite(v) ? Math.log10(v) : null) : Number.isFinite(v) ? v : null);
  const xs = chart.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = chart.series
    .filter((s) => !s.hidden)
    .flatMap((s) => s.points.map((p) => (p[1] === null ? null : transform(p[1]))))
    .concat((chart.rules ?? []).map((r) => transform(r.y)))
    .filter((v): v is number => v !== null);
  const xMin = Math.min(...xs, 1);
  const xMax = Math.max(...xs, xMin + 1);
  let [yMin, yMax] = chart.yDomain ? chart.yDomain.map((v) => transform(v) ?? 0) : [Math.min(...ys), Math.max(...ys)];
  if (!Number.isFinite(yMin!) || !Number.isFinite(yMax!)) [yMin, yMax] = [0, 1];
  if (yMax! - yMin! < (chart.log ? 1 : 1e-9)) {
    const mid = (yMin! + yMax!) / 2;
    const half = chart.log ? 0.5 : Math.max(Math.abs(mid) * 0.1, 0.5);
    [yMin, yMax] = [mid - half, mid + half];
  } else if (!chart.yDomain) {
    const pad = 0.06 * (yMax! - yMin!);
    [yMin, yMax] = [yMin! - pad, yMax! + pad];
  }
  const px = (x: number): number => left + ((x - xMin) / (xMax - xMin)) * (width - left - right);
  const py = (y: number): number => top + (1 - (y - yMin!) / (yMax! - yMin!)) * (height - top - bottom);
  const yTicks = chart.log ? logTicks(yMin!, yMax!) : linearTicks(yMin!, yMax!);
  const xTicks = linearTicks(xMin, xMax, 6).filter((t) => Number.isInteger(t));
  const grid = yTicks
    .map(
      (t) =>
        `<line x1="${left}" x2="${width - right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" class="grid"/><text x="${left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end" class="tick">${chart.log ? (Number.isInteger(t) && (t < -3 || t > 4) ? `1e${t}` : short(10 ** t)) : short(t)}</text>`,
    )
    .join('');
  const xAxis = xTicks.map((t) => `<text x="${px(t).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" class="tick">${t}</text>`).join('');
  const rules = (chart.rules ?? [])
    .map((r) => {
      const y = transform(r.y);
      return y === null
        ? ''
        : `<line x1="${left}" x2="${width - right}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" class="rule"/><text x="${width - right - 4}" y="${(py(y) - 4).toFixed(1)}" text-anchor="end" class="tick">${escapeHtml(r.label)}</text>`;
    })
    .join('');
  const clamp = (y: number): number => Math.min(Math.max(y, yMin! - 0.05 * (yMax! - yMin!)), yMax! + 0.05 * (yMax! - yMin!));
  const paths = chart.series
    .filter((s) => !s.hidden)
    .map((s) => {
      const pts = s.points.map(([x, y]) => {
        const t = y === null ? null : transform(y);
        return t === null ? null : ([px(x), py(clamp(t))] as const);
      });
      let d = '';
      let pen = false;
      for (const p of pts) {
        if (p === null) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`;
        pen = true;
      }
      const line =
        s.line === false || d === '' ? '' : `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
      const dots = s.dots
        ? pts
            .filter((p) => p !== null)
            .map((p) => `<circle cx="${p![0].toFixed(1)}" cy="${p![1].toFixed(1)}" r="3.2" fill="${s.color}"/>`)
            .join('')
        : '';
      return line + dots;
    })
    .join('');
  const legend = chart.series
    .map(
      (s) =>
        `<span class="key${s.hidden ? ' hidden-key' : ''}"><span class="swatch${s.dashed ? ' dashed' : ''}${s.dots && s.line === false ? ' dot' : ''}" style="--c:${s.color}"></span>${escapeHtml(s.name)}${s.hidden ? ' (hidden)' : ''}</span>`,
    )
    .join('');
  return (
    `<figure class="chart"><figcaption>${escapeHtml(chart.title)}</figcaption><div class="legend">${legend}</div>` +
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeAttribute(chart.description)}" data-numbers="${escapeAttribute(JSON.stringify(numbers))}">` +
    `${grid}${rules}<line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" class="axis"/>${xAxis}` +
    `<text x="${(left + width - right) / 2}" y="${height - 6}" text-anchor="middle" class="label">${escapeHtml(chart.xLabel)}</text>` +
    `<text transform="translate(14 ${(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle" class="label">${escapeHtml(chart.yLabel)}</text>` +
    `${paths}</svg></figure>`
  );
}
