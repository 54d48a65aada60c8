/** Formatting numbers for people: reports, tables and the CLI. */
import { fail } from './errors.ts';

/**
 * A number as short text for people: an integer as it is (`String(value)`, so −0 gives `0` and 1e21 gives
 * `1e+21`); any other finite number rounded to 6 significant digits, with trailing zeros dropped
 * (`String(Number(value.toPrecision(6)))`, so 0.1 + 0.2 gives `0.3`, 1.5e-7 gives `1.5e-7` and 1234567.5 gives
 * `1234570`, in JavaScript's shortest round-trip notation); ±Infinity as
 * `Infinity` / `-Infinity`; NaN and undefined (a missing value) as `–` (an en dash).
 *
 * @param value - A number, or undefined for a value that does not exist (e.g. the mean of an empty tensor).
 * @throws InitError `invalid_argument` when `value` is neither a number nor undefined.
 *
 * @example
 * ```ts
 * formatNumber(256);                 // '256'
 * formatNumber(Math.sqrt(2 / 512));  // '0.0625'
 * formatNumber(1 / 3);               // '0.333333'
 * formatNumber(Number.NaN);          // '–'
 * ```
 */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (typeof value !== 'number') return fail('invalid_argument', 'formatNumber', 'value', 'a number or undefined', value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}
