/**
 * Summary statistics of the lab's measurements (moments are the library's `moments`): fixed-bin histograms, fractions and logarithms that
 * survive JSON. Everything is accumulated in float64, whatever the input array type, and is a pure function of
 * its input (so results are bit-for-bit reproducible).
 */

/** A histogram with fixed bins: `counts[i]` values fell in [edges[i], edges[i + 1]). */
export interface Histogram {
  /** bins + 1 increasing bin edges. */
  readonly edges: number[];
  /** One count per bin. */
  readonly counts: number[];
}

/**
 * Edges of `bins` equal bins over [low, high]: edge i is low + i·(high − low)/bins (computed from i, not
 * accumulated, so the last edge is exactly `high`).
 *
 * @throws RangeError unless low < high (both finite) and bins is a positive integer.
 */
export function binEdges(low: number, high: number, bins: number): number[] {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) throw new RangeError(`histogram range must satisfy low < high, got [${low}, ${high}]`);
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const width = (high - low) / bins;
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? high : low + i * width));
}

/**
 * Histogram of `values` with `bins` equal bins over the fixed range [low, high]. Bins are half-open
 * [edge_i, edge_{i+1}) except the last, which also holds `high`. Values outside the range are counted in the
 * nearest end bin (clamped), so the counts always sum to the number of non-NaN values; NaN values are not counted.
 */
export function histogram(values: ArrayLike<number>, low: number, high: number, bins: number): Histogram {
  const edges = binEdges(low, high, bins);
  const counts = new Array<number>(bins).fill(0);
  const scale = bins / (high - low);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    let b = Math.floor((v - low) * scale);
    if (b < 0) b = 0;
    else if (b >= bins) b = bins - 1;
    else if (v < edges[b]!)
      b -= 1; // floating-point boundary cases: the edges decide
    else if (b < bins - 1 && v >= edges[b + 1]!) b += 1;
    counts[b]! += 1;
  }
  return { edges, counts };
}

/** Fraction of `values` for which `predicate` holds (NaN for an empty array). */
export function fraction(values: ArrayLike<number>, predicate: (value: number) => boolean): number {
  if (values.length === 0) return Number.NaN;
  let count = 0;
  for (let i = 0; i < values.length; i++) if (predicate(values[i]!)) count++;
  return count / values.length;
}

/** Euclidean (Frobenius) norm in float64, scaled so that neither squares of huge values overflow nor tiny ones underflow. */
export function norm2(values: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > scale || Number.isNaN(a)) scale = a;
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]! / scale;
    sum += x * x;
  }
  return scale * Math.sqrt(sum);
}

/**
 * log10 of a positive finite number, or null for 0, negative, NaN or infinite values: JSON has no ±Infinity or
 * NaN (JSON.stringify would write null anyway), so results say null explicitly and texts say why.
 */
export function log10OrNull(value: number): number | null {
  return value > 0 && Number.isFinite(value) ? Math.log10(value) : null;
}

/** `value` when finite, else null (see {@link log10OrNull}). */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** a / b when both are positive and finite, else null. */
export function ratioOrNull(a: number, b: number): number | null {
  return a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b) ? a / b : null;
}

/**
 * A number for a sentence: 3 significant digits, scientific notation below 1e-3 or from 1e5 in magnitude
 * (`1.23e-30`), `0` for zero, `n/a` for null/NaN, `∞` for infinities.
 */
export function formatValue(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a < 1e-3 || a >= 1e5) return value.toExponential(digits - 1).replace('e+', 'e');
  return String(Number(value.toPrecision(digits)));
}

/** A fraction as a percentage with one decimal (`57.3%`). */
export function formatPercent(value: number): string {
  return Number.isFinite(value) ? `${(100 * value).toFixed(1)}%` : 'n/a';
}
