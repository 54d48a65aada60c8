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
  | 'invalid_argument' // an argument of the wrong kind: not an object where one is needed, a Promise (a missing await)
  | 'unknown_name' // an initializer or nonlinearity name that does not exist
  | 'invalid_file'; // a file (a safetensors checkpoint, its index or manifest) that breaks its format's rules

/** The parts of a message built by {@link fail}, kept so that a caller can raise the error again under its own names. */
export interface InitErrorDetail {
  /** The function or context that rejected the value (the message's prefix). */
  readonly where: string;
  /** What the value must be (the text after "must be"). */
  readonly constraint: string;
  /** The rejected value itself. */
  readonly value: unknown;
}

/** An input error: `code` says what kind, `parameter` names the offending parameter. */
export class InitError extends Error {
  override readonly name = 'InitError';
  readonly code: InitErrorCode;
  readonly parameter: string;
  /** Where, constraint and value of the message when it was built by {@link fail}; undefined otherwise. */
  readonly detail: InitErrorDetail | undefined;

  constructor(code: InitErrorCode, parameter: string, message: string, detail?: InitErrorDetail) {
    super(message);
    this.code = code;
    this.parameter = parameter;
    this.detail = detail;
  }
}

/**
 * Formats a value for an error message, always on one line: strings quoted (control characters escaped), bigints
 * with `n`, arrays and typed arrays bracketed, plain objects as JSON, a Promise or another class instance as `a Promise` /
 * `a Sequential` (its constructor's name), a function as `a function`, everything else as `String()`.
 *
 * @example
 * ```ts
 * describeValue('fan_in');           // "'fan_in'"
 * describeValue([3, 3n]);            // '[3, 3n]'
 * describeValue(Promise.resolve(1)); // 'a Promise'
 * ```
 */
export function describeValue(value: unknown): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes, so a message stays one line
  if (typeof value === 'string') return `'${value.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1))}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return describeValue(Array.from(value as unknown as ArrayLike<unknown>));
  if (value !== null && typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      if (typeof name === 'string' && name !== '') return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
    }
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/**
 * Throws an {@link InitError} with the standard one-sentence message.
 *
 * @example
 * fail('invalid_option', 'normal', 'std', 'a finite number ≥ 0', -1); // throws InitError: 'normal: std must be a finite number ≥ 0; got -1.'
 */
export function fail(code: InitErrorCode, where: string, parameter: string, constraint: string, value: unknown): never {
  throw new InitError(code, parameter, `${where}: ${parameter} must be ${constraint}; got ${describeValue(value)}.`, { where, constraint, value });
}
