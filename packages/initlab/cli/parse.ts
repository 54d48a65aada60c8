/**
 * Strict parsers for command-line values. Each rejects anything that is not exactly what it accepts (`1.5x`, ``,
 * `NaN`, `-3` in a shape) with a one-line {@link UsageError} naming the flag and what it accepts.
 */
import {
  camelCase,
  describeNumberRange,
  describeValue,
  InitError,
  type InitializerDefinition,
  kebabCase,
  keyFromSeed,
  type Key,
  parseDecimal,
  suggestion,
} from '../src/index.ts';
import { FLAG_SUGGESTION, type FlagSpec, type RawFlag } from './command.ts';
import { usageFail, UsageError } from './errors.ts';

/** `--layout`, as every command that takes a layout declares it (the library checks the value). */
export const LAYOUT_FLAG: FlagSpec = {
  type: 'string',
  value: 'layout',
  help: 'weight layout: tf ([in, out], [...kernel, in, out]) or torch ([out, in, ...kernel])',
  default: 'tf',
};

/** A decimal integer with an optional sign. */
const INTEGER = /^[+-]?\d+$/;

/**
 * Parses a finite decimal number (`1.5`, `-2`, `1e-3`) by the library's one rule, `parseDecimal` (which rejects
 * `1.5x`, ``, `NaN`, `Infinity`, `0x10`), saying in the error what the flag accepts.
 *
 * @example
 * parseNumber('1e-3', 'sample', '--std'); // 0.001
 * parseNumber('1.5x', 'sample', '--std'); // throws UsageError: "sample: --std must be a finite decimal number; got '1.5x'."
 */
export function parseNumber(text: string, where: string, flag: string, accepted = 'a finite decimal number'): number {
  try {
    return parseDecimal(text, where, flag);
  } catch (error) {
    if (error instanceof InitError) usageFail(where, flag, accepted, text);
    throw error;
  }
}

/**
 * Parses `--threads N` (absent: undefined, for every core): a positive decimal integer.
 *
 * @example
 * parseThreads('2', 'verify'); // 2
 * parseThreads('0', 'verify'); // throws UsageError: "verify: --threads must be a positive integer; got '0'."
 */
export function parseThreads(text: string | undefined, where: string): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${where}: --threads must be a positive integer; got '${text}'.`);
  return n;
}

/** Parses `--shape 64,3,3,3`: comma-separated non-negative integers (at least one, none empty). */
export function parseShape(text: string, where: string): number[] {
  const accepted = 'comma-separated non-negative integers such as 64,3,3,3';
  const parts = text.split(',').map((part) => part.trim());
  const shape: number[] = [];
  for (const part of parts) {
    const dim = /^\d+$/.test(part) ? Number(part) : NaN;
    if (!Number.isSafeInteger(dim)) {
      throw new UsageError(
        `${where}: --shape must be ${accepted}; got ${describeValue(text)}${parts.length > 1 ? ` (bad dimension ${describeValue(part)}).` : '.'}`,
      );
    }
    shape.push(dim);
  }
  return shape;
}

/**
 * Parses `--seed N` and turns it into a key with the library's {@link keyFromSeed}: the text must be a decimal
 * integer; the library checks its range (any safe integer, or a larger one up to 64 bits, two's complement for
 * negatives) and its error names `--seed`.
 */
export function parseSeed(text: string, where: string): { seed: number | bigint; key: Key } {
  if (!INTEGER.test(text)) usageFail(where, '--seed', 'an integer in [-2^63, 2^64)', text);
  const big = BigInt(text);
  const seed = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  return { seed, key: withFlags(where, { seed: '--seed' }, () => keyFromSeed(seed)) };
}

/**
 * Runs `body`, turning an {@link InitError} about one of `flags`' parameters into a usage error that names the flag
 * instead (`he_normal: dtype must be …` → `sample: --dtype must be …`): the library checks the value, the command
 * line only says which flag carried it.
 *
 * @example
 * withFlags('fans', { layout: '--layout' }, () => computeFans(shape, layoutText));
 */
export function withFlags<T>(where: string, flags: Readonly<Record<string, string>>, body: () => T): T {
  try {
    return body();
  } catch (error) {
    throw asFlagError(error, where, flags);
  }
}

/** The error {@link withFlags} throws for `error`: a {@link UsageError} naming the flag, or `error` itself. */
export function asFlagError(error: unknown, where: string, flags: Readonly<Record<string, string>>): unknown {
  if (!(error instanceof InitError) || !Object.hasOwn(flags, error.parameter)) return error;
  const marker = `: ${error.parameter} must `;
  const at = error.message.indexOf(marker);
  if (at < 0) return error;
  return new UsageError(`${where}: ${flags[error.parameter]} must ${error.message.slice(at + marker.length)}`);
}

/** The flags of an initializer's options: `['--mode', '--nonlinearity', '--negative-slope']`. */
export function optionFlags(definition: InitializerDefinition): string[] {
  return Object.keys(definition.options).map((name) => `--${kebabCase(name)}`);
}

/**
 * Turns flags into an initializer's options, keyed by camelCase name (`--negative-slope 0.2` → `negativeSlope: 0.2`),
 * taken from the definition's option schema: numbers are parsed strictly, choices passed on as strings for the
 * library to check.
 *
 * @param otherFlags - Flags of the command itself, only used to suggest a correction for a typo (`--sahpe`).
 * @throws UsageError for a flag the initializer does not take (listing the ones it does), a flag given twice, or a
 *   number that does not parse.
 */
export function initializerOptions(
  definition: InitializerDefinition,
  flags: readonly RawFlag[],
  otherFlags: readonly string[] = [],
): Record<string, number | string> {
  const options: Record<string, number | string> = {};
  const texts = new Map<string, string>();
  for (const { flag, text } of flags) {
    const name = /^--[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(flag) ? camelCase(flag.slice(2)) : undefined;
    const schema = name === undefined || !Object.hasOwn(definition.options, name) ? undefined : definition.options[name];
    if (name === undefined || schema === undefined) throw unknownOption(definition, flag, otherFlags);
    const previous = texts.get(name);
    if (previous !== undefined) {
      throw new UsageError(`${definition.name}: ${flag} must be given once; got ${describeValue(previous)} and ${describeValue(text)}.`);
    }
    texts.set(name, text);
    options[name] = schema.type === 'choice' ? text : parseNumber(text, definition.name, flag, describeNumberRange(schema));
  }
  return options;
}

function unknownOption(definition: InitializerDefinition, flag: string, otherFlags: readonly string[]): UsageError {
  const flags = optionFlags(definition);
  const hint = suggestion(flag, [...flags, ...otherFlags], FLAG_SUGGESTION);
  if (flags.length === 0) return new UsageError(`${definition.name}: takes no options; got ${flag}${hint}.`);
  return new UsageError(`${definition.name}: option must be one of ${flags.join(', ')}; got ${flag}${hint}.`);
}
