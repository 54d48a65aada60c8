/**
 * The benchmark's bookkeeping, free of timing and I/O so that test/bench/ can check it with synthetic numbers:
 * medians, rows with throughput and ratios, the printed table and the JSON document.
 */

/** One measured (operation, size, mode, tool). */
export interface Measurement {
  /** `normal`, `uniform`, `truncated_normal`, `he_normal`, `orthogonal`. */
  readonly operation: string;
  /** Human-readable size: `1M`, `16M`, `4096x4096`, `512x512`. */
  readonly size: string;
  /** Number of values produced by one run. */
  readonly values: number;
  /** `prealloc` (into an existing buffer), `fresh` (allocates its output) or `api` (a public initializer call). */
  readonly mode: string;
  /** `initlab`, `initlab 1 thread`, `tfjs-wasm`, `numpy`, `torch`, … */
  readonly tool: string;
  /** Milliseconds of each timed run (warm-up excluded), in the order they ran. */
  readonly runs: readonly number[];
}

/** A measurement with its summary numbers. */
export interface Row extends Measurement {
  readonly medianMs: number;
  /** Millions of values per second at the median. */
  readonly mValuesPerSecond: number;
  /**
   * This tool's median time over initlab's for the same (operation, size, mode): above 1, initlab is faster by that
   * factor. `null` when initlab has no row to compare with.
   */
  readonly ratioToInitlab: number | null;
}

/** A tool or case that was not measured, and why. */
export interface Note {
  readonly what: string;
  readonly why: string;
}

/** Peak resident memory of one fresh 16M float32 fill, each in a fresh process. */
export interface MemoryRow {
  readonly tool: string;
  readonly operation: string;
  readonly values: number;
  /** Bytes of the output itself. */
  readonly outputBytes: number;
  /** Peak RSS growth during the fill, bytes. */
  readonly peakExtraBytes: number;
  /** peakExtraBytes / outputBytes: 1 means nothing beyond the output. */
  readonly ratio: number;
}

/** The name of the tool that ratios are relative to. */
export const REFERENCE_TOOL = 'initlab';

/** The median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Key of a comparison group: the rows that a ratio compares. */
function groupKey(m: Measurement): string {
  return `${m.operation}\u0000${m.size}\u0000${m.mode}`;
}

/**
 * Summarizes measurements into rows: median, throughput, and the ratio to the `initlab` row of the same operation,
 * size and mode (or, for TF.js rows that only exist in `fresh` mode, initlab's `fresh` row).
 */
export function summarize(measurements: readonly Measurement[]): Row[] {
  const reference = new Map<string, number>();
  for (const m of measurements) if (m.tool === REFERENCE_TOOL) reference.set(groupKey(m), median(m.runs));
  return measurements.map((m) => {
    const medianMs = median(m.runs);
    const base = reference.get(groupKey(m));
    return {
      ...m,
      medianMs,
      mValuesPerSecond: m.values / (medianMs * 1000),
      ratioToInitlab: base === undefined ? null : medianMs / base,
    };
  });
}

/** Formats milliseconds with 3 significant digits (at least 1 decimal below 100). */
export function formatMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

/** Formats a ratio as `12.3x` (`-` when there is none). */
export function formatRatio(ratio: number | null): string {
  if (ratio === null) return '-';
  return ratio >= 10 ? `${ratio.toFixed(0)}x` : `${ratio.toFixed(2)}x`;
}

/** A plain-text table with a header, left-aligned text and right-aligned numbers. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The benchmark table: one line per row, grouped as measured. */
export function formatRows(rows: readonly Row[]): string {
  return formatTable(
    ['operation', 'size', 'mode', 'tool', 'median ms', 'M values/s', 'time / initlab'],
    rows.map((r) => [r.operation, r.size, r.mode, r.tool, formatMs(r.medianMs), r.mValuesPerSecond.toFixed(1), formatRatio(r.ratioToInitlab)]),
    [false, false, false, false, true, true, true],
  );
}

/** The peak-memory table. */
export function formatMemory(rows: readonly MemoryRow[]): string {
  return formatTable(
    ['operation', 'values', 'tool', 'output MiB', 'peak extra MiB', 'extra / output'],
    rows.map((r) => [r.operation, String(r.values), r.tool, (r.outputBytes / 2 ** 20).toFixed(1), (r.peakExtraBytes / 2 ** 20).toFixed(1), r.ratio.toFixed(2)]),
    [false, true, false, true, true, true],
  );
}

/** The tool name of the fresh-mode floor row: allocation and first touch of the output, no sampling. */
export const FLOOR_TOOL = 'floor: allocate + touch';

/**
 * A tool's fresh-mode sampling time beyond the allocation floor (fresh median − floor median), set against initlab's
 * prealloc median for the same operation and size: for tools that have no prealloc mode (TF.js), the comparison of
 * sampling alone when a page fault costs more than sampling. A model, not a measurement: it assumes the tool
 * allocates its output once and touches each page once, as the floor row does.
 */
export interface BeyondFloor {
  readonly operation: string;
  readonly size: string;
  readonly tool: string;
  readonly freshMs: number;
  readonly floorMs: number;
  readonly samplingMs: number;
  readonly initlabPreallocMs: number;
  /** samplingMs / initlabPreallocMs: above 1, initlab samples faster by that factor. */
  readonly ratio: number;
}

/** {@link BeyondFloor} for every fresh-only tool (no prealloc row) with a floor and an initlab prealloc row. */
export function beyondFloor(rows: readonly Row[]): BeyondFloor[] {
  const find = (operation: string, size: string, mode: string, tool: string): Row | undefined =>
    rows.find((r) => r.operation === operation && r.size === size && r.mode === mode && r.tool === tool);
  const result: BeyondFloor[] = [];
  for (const row of rows) {
    if (row.mode !== 'fresh' || row.tool === FLOOR_TOOL || find(row.operation, row.size, 'prealloc', row.tool)) continue;
    const floor = find(row.operation, row.size, 'fresh', FLOOR_TOOL);
    const initlab = find(row.operation, row.size, 'prealloc', REFERENCE_TOOL);
    if (!floor || !initlab) continue;
    const samplingMs = row.medianMs - floor.medianMs;
    result.push({
      operation: row.operation,
      size: row.size,
      tool: row.tool,
      freshMs: row.medianMs,
      floorMs: floor.medianMs,
      samplingMs,
      initlabPreallocMs: initlab.medianMs,
      ratio: samplingMs / initlab.medianMs,
    });
  }
  return result;
}

/** The printed table of {@link beyondFloor}. */
export function formatBeyondFloor(rows: readonly BeyondFloor[]): string {
  return formatTable(
    ['operation', 'size', 'tool', 'fresh ms', 'floor ms', 'sampling ms', 'initlab prealloc ms', 'sampling / initlab'],
    rows.map((r) => [
      r.operation,
      r.size,
      r.tool,
      formatMs(r.freshMs),
      formatMs(r.floorMs),
      formatMs(r.samplingMs),
      formatMs(r.initlabPreallocMs),
      formatRatio(r.ratio),
    ]),
    [false, false, false, true, true, true, true, true],
  );
}

/** What bench/results.json holds. */
export interface Results {
  readonly generated: string;
  readonly machine: Readonly<Record<string, unknown>>;
  readonly methodology: Readonly<Record<string, unknown>>;
  readonly rows: readonly Row[];
  readonly beyondFloor: readonly BeyondFloor[];
  readonly memory: readonly MemoryRow[];
  readonly notes: readonly Note[];
}

/** Serializes results with rounded numbers (µs precision for times, 4 significant digits for rates and ratios). */
export function resultsJson(results: Results): string {
  const round = (key: string, value: unknown): unknown => {
    if (typeof value !== 'number' || Number.isInteger(value)) return value;
    if (key === 'runs' || key === 'medianMs' || /^\d+$/.test(key)) return Math.round(value * 1000) / 1000;
    return Number(value.toPrecision(4));
  };
  return `${JSON.stringify(results, round, 2)}\n`;
}
