/**
 * Strict parsers for command-line values. Each rejects anything that is not exactly what it accepts (`1.5x`, ``,
 * `NaN`, `-3` in a shape) with a one-line {@link UsageError} naming the flag and what it accepts.
 */
import { describeValue } from '../src/errors.ts';
import { DTYPES, type Dtype, type InitializerDefinition, keyFromSeed, type Key, type Layout, LAYOUTS } from '../src/index.ts';
import { describeNumberRange } from '../src/initializers/options.ts';
import { editDistance } from '../src/suggest.ts';
import { usageFail, UsageError } from './errors.ts';

/** A decimal number: optional sign, digits with an optional fraction (or a fraction alone), optional exponent. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A decimal integer with an optional sign. */
const INTEGER = /^[+-]?\d+$/;

/** Parses a finite decimal number (`1.5`, `-2`, `1e-3`); rejects `1.5x`, ``, `NaN`, `Infinity`, `0x10`. */
export function parseNumber(text: string, where: string, flag: string, accepted = 'a finite decimal number'): number {
  const value = NUMBER.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) usageFail(where, flag, accepted, text);
  return value;
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
        `${where}: --shape must be ${accepted}; got ${describeValue(text)}` +
          (parts.length > 1 ? ` (bad dimension ${describeValue(part)}).` : '.'),
      );
    }
    shape.push(dim);
  }
  return shape;
}

/** Parses `--layout tf|torch`. */
export function parseLayout(text: string, where: string): Layout {
  if (!(LAYOUTS as readonly string[]).includes(text)) usageFail(where, '--layout', `one of ${LAYOUTS.map((l) => `'${l}'`).join(', ')}`, text);
  return text as Layout;
}

/** Parses `--dtype float32|float64`. */
export function parseDtype(text: string, where: string): Dtype {
  if (!(DTYPES as readonly string[]).includes(text)) usageFail(where, '--dtype', `one of ${DTYPES.map((d) => `'${d}'`).join(', ')}`, text);
  return text as Dtype;
}

/**
 * Parses `--seed N` and turns it into a key with {@link keyFromSeed}: any safe integer, or a larger integer up to
 * 64 bits (as a bigint, two's complement for negatives), exactly as the library's `keyFromSeed`.
 */
export function parseSeed(text: string, where: string): { seed: number | bigint; key: Key } {
  const accepted = 'an integer in [-2^63, 2^64)';
  if (!INTEGER.test(text)) usageFail(where, '--seed', accepted, text);
  const big = BigInt(text);
  if (big < -(1n << 63n) || big >= 1n << 64n) usageFail(where, '--seed', accepted, text);
  const seed = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  return { seed, key: keyFromSeed(seed) };
}

/** `negativeSlope` → `negative-slope`. */
export function kebabCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `negative-slope` → `negativeSlope`. */
export function camelCase(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The flags of an initializer's options: `['--mode', '--nonlinearity', '--negative-slope']`. */
export function optionFlags(definition: InitializerDefinition): string[] {
  return Object.keys(definition.options).map((name) => `--${kebabCase(name)}`);
}

/** A flag with its value, as typed: `--negative-slope 0.2` or `--negative-slope=0.2`. */
export interface RawFlag {
  readonly flag: string;
  readonly text: string;
}

/**
 * Splits the arguments commander left over for `sample` (its operands and the flags it does not know) into
 * operands and flags with their values. Every such flag takes a value: `--name value` or `--name=value`, and the
 * value may start with `-` (`--negative-slope -0.2`); everything after `--` is an operand.
 *
 * @throws UsageError for a flag without a value.
 */
export function splitArguments(where: string, tokens: readonly string[]): { operands: string[]; flags: RawFlag[] } {
  const operands: string[] = [];
  const flags: RawFlag[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '--') {
      operands.push(...tokens.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      operands.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    if (eq >= 0) {
      flags.push({ flag: token.slice(0, eq), text: token.slice(eq + 1) });
    } else if (i + 1 < tokens.length) {
      flags.push({ flag: token, text: tokens[++i]! });
    } else {
      throw new UsageError(`${where}: ${token} must be followed by a value; got nothing.`);
    }
  }
  return { operands, flags };
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
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of [...flags, ...otherFlags]) {
    const distance = editDistance(flag.toLowerCase().replace(/_/g, '-'), candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  const hint = bestDistance <= Math.max(2, Math.floor(flag.length / 3)) ? ` (did you mean ${best}?)` : '';
  if (flags.length === 0) return new UsageError(`${definition.name}: takes no options; got ${flag}${hint}.`);
  return new UsageError(`${definition.name}: option must be one of ${flags.join(', ')}; got ${flag}${hint}.`);
}
