/**
 * Option schemas: each initializer declares its options as data, and one validator checks specs, factory
 * arguments and command-line flags against them, so every bad value gets the same kind of one-line error.
 */
import { fail } from '../errors.ts';
import { suggestion } from '../suggest.ts';

/** A resolved option value. */
export type OptionValue = number | string;

/** Resolved options of an initializer: every declared option with its value (defaults filled in). */
export type ResolvedOptions = Readonly<Record<string, OptionValue>>;

/** A numeric option. */
export interface NumberOptionSchema {
  readonly type: 'number';
  /** What it means, with its symbol in the formula. */
  readonly doc: string;
  /** The default, or a function of the options declared before it; absent = required. */
  readonly default?: number | ((resolved: ResolvedOptions) => number);
  /** Smallest accepted value. */
  readonly min?: number;
  /** When true, `min` itself is rejected. */
  readonly minExclusive?: boolean;
  /** Largest accepted value. */
  readonly max?: number;
  /** Only integers are accepted. */
  readonly integer?: boolean;
}

/** An option with a fixed set of string values. */
export interface ChoiceOptionSchema {
  readonly type: 'choice';
  readonly doc: string;
  readonly values: readonly string[];
  readonly default: string;
  /** Other accepted spellings and what they mean, e.g. `{ fanIn: 'fan_in' }`. */
  readonly aliases?: Readonly<Record<string, string>>;
}

/** The schema of one option. */
export type OptionSchema = NumberOptionSchema | ChoiceOptionSchema;

/** Describes the accepted range of a numeric option, e.g. "a number > 0". */
export function describeNumberRange(schema: NumberOptionSchema): string {
  const kind = schema.integer ? 'an integer' : 'a finite number';
  const parts: string[] = [];
  if (schema.min !== undefined) parts.push(`${schema.minExclusive ? '>' : '≥'} ${schema.min}`);
  if (schema.max !== undefined) parts.push(`≤ ${schema.max}`);
  return parts.length > 0 ? `${kind} ${parts.join(' and ')}` : kind;
}

/**
 * Validates `given` against `schemas` and fills in defaults, in declaration order.
 *
 * @param where - The initializer name, for messages.
 * @throws InitError `invalid_option` for an unknown option (listing the accepted ones), a missing required one,
 *   a wrong type, NaN, or a value out of range.
 */
export function resolveOptions(
  where: string,
  schemas: Readonly<Record<string, OptionSchema>>,
  given: Readonly<Record<string, unknown>>,
): ResolvedOptions {
  const names = Object.keys(schemas);
  for (const key of Object.keys(given)) {
    if (key === 'name' || given[key] === undefined) continue;
    if (!(key in schemas)) {
      const accepted = names.length > 0 ? `one of ${names.join(', ')}${suggestion(key, names)}` : 'absent (it takes no options)';
      fail('invalid_option', where, 'option', accepted, key);
    }
  }
  const resolved: Record<string, OptionValue> = {};
  for (const name of names) {
    const schema = schemas[name]!;
    const value = given[name];
    if (schema.type === 'choice') {
      resolved[name] = resolveChoice(where, name, schema, value);
      continue;
    }
    if (value === undefined) {
      if (schema.default === undefined) fail('invalid_option', where, name, `given (${describeNumberRange(schema)})`, value);
      resolved[name] = typeof schema.default === 'function' ? schema.default(resolved) : schema.default;
      continue;
    }
    resolved[name] = checkNumber(where, name, schema, value);
  }
  return resolved;
}

function resolveChoice(where: string, name: string, schema: ChoiceOptionSchema, value: unknown): string {
  if (value === undefined) return schema.default;
  if (typeof value === 'string') {
    if (schema.values.includes(value)) return value;
    const aliased = schema.aliases?.[value];
    if (aliased !== undefined && schema.values.includes(aliased)) return aliased;
  }
  const accepted = `one of ${schema.values.map((v) => `'${v}'`).join(', ')}${suggestion(value, schema.values)}`;
  return fail('invalid_option', where, name, accepted, value);
}

function checkNumber(where: string, name: string, schema: NumberOptionSchema, value: unknown): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!schema.integer || Number.isInteger(value)) &&
    (schema.min === undefined || (schema.minExclusive ? value > schema.min : value >= schema.min)) &&
    (schema.max === undefined || value <= schema.max);
  if (!ok) fail('invalid_option', where, name, describeNumberRange(schema), value);
  return value as number;
}
