/**
 * Cells of the numbers tables that experiments declare (`Experiment.table`): numbers to short strings, the same
 * way in every table of the report and of `initlab lab`.
 */

/**
 * A number for a table: 3 significant digits, exponent form for very small or large values, `–` when absent,
 * strings as they are.
 *
 * @example
 * cell(0.012345); // '0.0123'
 * cell(2.5e-7); // '2.50·10^-7'
 * cell(null); // '–'
 */
export function cell(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(2).replace('e', '·10^').replace('^+', '^');
  return String(Number(value.toPrecision(3)));
}

/**
 * A fraction as a percentage with one decimal, or {@link cell} of a value that is not a finite number.
 *
 * @example
 * percentCell(0.1234); // '12.3%'
 */
export function percentCell(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${(100 * value).toFixed(1)}%` : cell(value);
}
