/**
 * The one error type of initlab. Every message is one sentence of the form
 * `<where>: <parameter> must be <constraint>; got <value>.`, so that a CLI can print it on one line.
 */

/** What kind of input was rejected. */
export type InitErrorCode =
  | 'invalid_seed' // not a safe integer or a bigint that fits in 64 bits
  | 'invalid_key' // not a pair of unsigned 32-bit words
  | 'invalid_shape' // non-integer or negative dimension, or a rank the initializer cannot take
  | 'invalid_option' // an option out of range, NaN, or not one of the accepted values
  | 'unknown_name'; // an initializer or nonlinearity name that does not exist

/** An input error: `code` says what kind, `parameter` names the offending parameter. */
export class InitError extends Error {
  override readonly name = 'InitError';
  readonly code: InitErrorCode;
  readonly parameter: string;

  constructor(code: InitErrorCode, parameter: string, message: string) {
    super(message);
    this.code = code;
    this.parameter = parameter;
  }
}

/** Formats a value for an error message: strings quoted, arrays bracketed, everything else as `String()`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/** Throws an {@link InitError} with the standard one-sentence message. */
export function fail(code: InitErrorCode, where: string, parameter: string, constraint: string, value: unknown): never {
  throw new InitError(code, parameter, `${where}: ${parameter} must be ${constraint}; got ${describeValue(value)}.`);
}
