/**
 * Initializers as one line of text, the way command lines and labels write them: `he_normal`,
 * `normal:std=0.01`, `he_normal:mode=fan_out,negative-slope=0.2`, or a JSON spec `{"name":"normal","std":1}`.
 *
 * Text is parsed once, into the canonical spec (`fromSpec(...).spec`: canonical name, every option with its
 * default filled in), so two spellings of one initializer (`std=0.01`, `std=1e-2`, `kaiming_normal`) become the
 * same spec; {@link canonicalJson} gives that spec one string, for keys and comparisons.
 */
import { camelCase, kebabCase } from '../names.ts';
import { fail } from '../errors.ts';
import type { InitializerSpec } from './initializer.ts';
import type { OptionValue } from './options.ts';
import { findDefinition, fromSpec } from './registry.ts';

/** A decimal number: optional sign, digits with an optional fraction (or a fraction alone), optional exponent. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** What {@link parseInitializerText} accepts, for its messages. */
const SYNTAX = 'an initializer such as he_normal, normal:std=0.01 or {"name":"normal","std":0.01}';

/**
 * Parses a finite decimal number strictly: `1.5`, `-2`, `.5`, `1e-3`; not `0x10`, `1.5x`, ``, ` 1`, `NaN`,
 * `Infinity`, nor a decimal too large for a double (`1e999`). The one rule for numbers written as text, in
 * initializer text and on the command line alike.
 *
 * @param where - What is being parsed, for the message (`--init`, `normal`).
 * @param parameter - The option or flag the text is the value of (`std`, `--std`).
 * @throws InitError `invalid_option` naming `parameter`.
 * @example
 * parseDecimal('1e-2', 'normal', 'std'); // 0.01
 * parseDecimal('0x10', 'normal', 'std'); // throws "normal: std must be a finite decimal number …; got '0x10'."
 */
export function parseDecimal(text: string, where: string, parameter: string): number {
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) fail('invalid_option', where, parameter, 'a finite decimal number such as 0.01 or 1e-2', text);
  return value;
}

/**
 * Parses initializer text into its canonical spec. Accepted forms:
 * - `name`: a canonical name or an alias, every option at its default;
 * - `name:key=value,key=value`: options in kebab-case or camelCase (`negative-slope`, `negativeSlope`); values of
 *   numeric options are strict decimals ({@link parseDecimal}), other values are taken as written;
 * - a JSON spec `{"name": …, …options}` (camelCase keys), as `Initializer.spec` serializes.
 *
 * Surrounding whitespace, and whitespace around names, keys and values, is ignored.
 *
 * @param where - Where the text comes from, for messages about its form (default `initializer`; e.g. `--init`).
 * @returns `fromSpec(parsed).spec`: the same object for every spelling of the same initializer.
 * @throws InitError `invalid_option` for malformed text, a number that is not a strict decimal, or an invalid
 *   option (naming the option); `unknown_name` for an unknown name (with a suggestion when one is close).
 * @example
 * parseInitializerText('normal:std=1e-2'); // { name: 'normal', mean: 0, std: 0.01 }
 * parseInitializerText('kaiming_normal:negative-slope=0.2').negativeSlope; // 0.2
 * parseInitializerText('{"name":"normal","std":0.01}'); // { name: 'normal', mean: 0, std: 0.01 }
 */
export function parseInitializerText(text: string, where = 'initializer'): InitializerSpec {
  const trimmed = text.trim();
  if (trimmed === '') fail('invalid_option', where, 'initializer', SYNTAX, text);
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return fail('invalid_option', where, 'initializer', `${SYNTAX} (valid JSON)`, text);
    }
    return fromSpec(parsed).spec;
  }
  const colon = trimmed.indexOf(':');
  const definition = findDefinition((colon < 0 ? trimmed : trimmed.slice(0, colon)).trim());
  const given: Record<string, OptionValue> = {};
  if (colon >= 0) {
    for (const pair of trimmed.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=');
      const key = camelCase(pair.slice(0, eq).trim());
      if (eq < 0 || key === '') fail('invalid_option', where, 'options', 'key=value pairs separated by commas', pair.trim());
      if (key === 'name' || Object.hasOwn(given, key)) fail('invalid_option', where, key, `given once, as an option of ${definition.name}`, trimmed);
      const raw = pair.slice(eq + 1).trim();
      given[key] = Object.hasOwn(definition.options, key) && definition.options[key]!.type === 'number' ? parseDecimal(raw, definition.name, key) : raw;
    }
  }
  return fromSpec({ ...given, name: definition.name }).spec;
}

/**
 * The shortest text of an initializer that {@link parseInitializerText} turns back into the same canonical spec:
 * the canonical name, then (in kebab-case, in declaration order) only the options that differ from what leaving
 * them out would give. Numbers are written as JavaScript writes them (shortest round trip: `0.01`, `1e-7`).
 * A spec whose choice values cannot be written as `key=value` text comes back as its {@link canonicalJson}.
 *
 * @throws InitError when `spec` is not a valid spec (as `fromSpec`).
 * @example
 * formatInitializerText({ name: 'normal', std: 1e-2 }); // 'normal:std=0.01'
 * formatInitializerText({ name: 'kaiming_normal', mode: 'fan_in' }); // 'he_normal'
 */
export function formatInitializerText(spec: InitializerSpec): string {
  const canonical = fromSpec(spec).spec;
  const target = canonicalJson(canonical);
  const kept: Record<string, OptionValue> = {};
  for (const [key, value] of Object.entries(canonical)) if (key !== 'name') kept[key] = value;
  for (const key of Object.keys(kept)) {
    const { [key]: _dropped, ...without } = kept;
    let same = false;
    try {
      same = canonicalJson({ ...without, name: canonical.name }) === target;
    } catch {
      same = false; // a required option: it stays
    }
    if (same) delete kept[key];
  }
  const pairs = Object.entries(kept).map(([key, value]) => [kebabCase(key), typeof value === 'number' ? numberText(value) : value] as const);
  if (pairs.some(([, text]) => !/^[\w.+-]+$/.test(text))) return target;
  return pairs.length === 0 ? canonical.name : `${canonical.name}:${pairs.map(([key, text]) => `${key}=${text}`).join(',')}`;
}

/**
 * One string for an initializer: the JSON of its canonical spec with the keys sorted (`-0` kept as `-0`), so two
 * specs give the same string exactly when they describe the same initializer. For keys of random streams, maps
 * and equality.
 *
 * @throws InitError when `spec` is not a valid spec (as `fromSpec`).
 * @example
 * canonicalJson({ name: 'normal', std: 0.01 }); // '{"mean":0,"name":"normal","std":0.01}'
 * canonicalJson(parseInitializerText('normal:std=1e-2')) === canonicalJson({ name: 'normal', std: 0.01, mean: 0 }); // true
 */
export function canonicalJson(spec: InitializerSpec): string {
  const canonical = fromSpec(spec).spec;
  const fields = Object.keys(canonical)
    .sort()
    .map((key) => {
      const value = canonical[key]!;
      return `${JSON.stringify(key)}:${typeof value === 'number' ? numberText(value) : JSON.stringify(value)}`;
    });
  return `{${fields.join(',')}}`;
}

/** A finite number as the shortest decimal that reads back to it; `-0` stays `-0`. */
function numberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}
