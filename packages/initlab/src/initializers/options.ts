/**
 * Option schemas: each initializer declares its options as data, and one validator checks specs, factory
 * arguments and command-line flags against them, so every bad value gets the same kind of one-line error.
 */
import { fail } from '../errors.ts';
import { suggestion } from '../suggest.ts';

/** A resolved option value. */
export type OptionValue = number | string;

/** The numeric options resolved so far, by name: what a derived default reads. */
export type NumericOptions = Readonly<Record<string, number>>;

/** A numeric option. */
export interface NumberOptionSchema {
  readonly type: 'number';
  /** What it means, with its symbol in the formula. */
  readonly doc: string;
  /** The default, or a function of the numeric options declared before it; absent = required. */
  readonly default?: number | ((earlier: NumericOptions) => number);
  /** Smallest accepted value. */
  readonly min?: number;
  /** When true, `min` itself is rejected. */
  readonly minExclusive?: boolean;
  /** Largest accepted value. */
  readonly max?: number;
  /** Only integers are accepted. */
  readonly integer?: boolean;
}

/** An option with a fixed set of string values `V`. */
export interface ChoiceOptionSchema<V extends string = string> {
  readonly type: 'choice';
  readonly doc: string;
  readonly values: readonly V[];
  readonly default: V;
  /** Other accepted spellings and what they mean, e.g. `{ fanIn: 'fan_in' }`. */
  readonly aliases?: Readonly<Record<string, V>>;
}

/** The schema of one option. */
export type OptionSchema = NumberOptionSchema | ChoiceOptionSchema;

/** The options of an initializer, by name, in order. */
export type OptionSchemas = Readonly<Record<string, OptionSchema>>;

/** The type of a resolved option: `number`, or the union of a choice's values. */
export type OptionValueOf<S extends OptionSchema> = S extends ChoiceOptionSchema<infer V> ? V : number;

/**
 * Resolved options typed by their schema: `{ gain: number }` for `{ gain: { type: 'number', … } }`,
 * `{ mode: 'fan_in' | 'fan_out' }` for a choice with those values.
 */
export type ResolvedOptionsOf<S extends OptionSchemas> = { readonly [K in keyof S]: OptionValueOf<S[K]> };

/**
 * Describes the accepted range of a numeric option, e.g. "a number > 0".
 *
 * @example
 * describeNumberRange({ type: 'number', doc: 'standard deviation σ', min: 0, minExclusive: true }); // 'a finite number > 0'
 * describeNumberRange({ type: 'number', doc: 'number of groups', integer: true, min: 1 }); // 'an integer ≥ 1'
 */
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
export function resolveOptions<S extends OptionSchemas>(where: string, schemas: S, given: Readonly<Record<string, unknown>>): ResolvedOptionsOf<S> {
  const names = Object.keys(schemas);
  for (const key of Object.keys(given)) {
    if (key === 'name' || given[key] === undefined) continue;
    if (!(key in schemas)) {
      const accepted = names.length > 0 ? `one of ${names.join(', ')}${suggestion(key, names)}` : 'absent (it takes no options)';
      fail('invalid_option', where, 'option', accepted, key);
    }
  }
  const resolved: Record<string, OptionValue> = {};
  const numeric: Record<string, number> = {};
  for (const name of names) {
    const schema: OptionSchema = schemas[name]!;
    if (schema.type === 'choice') {
      resolved[name] = resolveChoice(where, name, schema, given[name]);
    } else {
      resolved[name] = numeric[name] = resolveNumber(where, name, schema, given[name], numeric);
    }
  }
  // Each value was checked against its schema above: this is where the schema's types become true.
  return resolved as ResolvedOptionsOf<S>;
}

function resolveNumber(where: string, name: string, schema: NumberOptionSchema, value: unknown, earlier: NumericOptions): number {
  if (value !== undefined) return checkNumber(where, name, schema, value);
  if (schema.default === undefined) fail('invalid_option', where, name, `given (${describeNumberRange(schema)})`, value);
  return typeof schema.default === 'function' ? schema.default(earlier) : schema.default;
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
  if (!isAccepted(schema, value)) fail('invalid_option', where, name, describeNumberRange(schema), value);
  return value;
}

function isAccepted(schema: NumberOptionSchema, value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!schema.integer || Number.isInteger(value)) &&
    (schema.min === undefined || (schema.minExclusive ? value > schema.min : value >= schema.min)) &&
    (schema.max === undefined || value <= schema.max)
  );
}
