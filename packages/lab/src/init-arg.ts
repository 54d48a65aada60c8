/**
 * Initializers in the lab: parsed once at the edge, held as canonical specs inside.
 *
 * The CLI (`--init normal:std=0.01`) and the experiments' defaults turn text into an {@link InitArgument} with the
 * core's `parseInitializerText`; configs, training jobs and results then hold the canonical
 * {@link InitializerSpec}, random streams are keyed on its {@link initKey} and claims find runs with
 * {@link sameInit}, so `normal:std=0.01` and `normal:std=1e-2` give the same weights and the same report.
 */
import { canonicalJson, formatInitializerText, fromSpec, parseInitializerText, type Initializer, type InitializerSpec } from 'initlab';

/** A parsed initializer argument: its canonical spec and the text to show for it. */
export interface InitArgument {
  /** The shortest text of the spec ({@link initLabel}), e.g. `normal:std=0.01` for `normal:std=1e-2`. */
  readonly label: string;
  /** The canonical spec (`fromSpec(...).spec`). */
  readonly spec: InitializerSpec;
}

/**
 * Parses one initializer argument as written on the command line: `name`, `name:key=value,...` or a JSON spec
 * (see `parseInitializerText`).
 *
 * @param where - Where the text comes from, for messages (default `--init`).
 * @throws InitError for malformed text, a number that is not a strict decimal, unknown names or invalid options.
 * @example
 * parseInitArgument('normal:std=1e-2'); // { label: 'normal:std=0.01', spec: { name: 'normal', mean: 0, std: 0.01 } }
 */
export function parseInitArgument(text: string, where = '--init'): InitArgument {
  const spec = parseInitializerText(text, where);
  return { label: initLabel(spec), spec };
}

/**
 * The canonical spec of initializer text, for the lab's own defaults written as text.
 *
 * @example
 * initSpec('he_normal'); // { name: 'he_normal', mode: 'fan_in', nonlinearity: 'relu', negativeSlope: 0 }
 */
export function initSpec(text: string): InitializerSpec {
  return parseInitializerText(text, 'lab');
}

/**
 * The text shown for an initializer in figures, tables, claims and readings: the shortest text that parses back
 * to the same spec (`formatInitializerText`).
 *
 * @example
 * initLabel({ name: 'normal', mean: 0, std: 1e-2 }); // 'normal:std=0.01'
 */
export function initLabel(spec: InitializerSpec): string {
  return formatInitializerText(spec);
}

/**
 * The key of an initializer in random streams and lookups: its canonical JSON with sorted keys.
 *
 * @example
 * initKey({ name: 'normal', std: 0.01 }); // '{"mean":0,"name":"normal","std":0.01}'
 */
export function initKey(spec: InitializerSpec): string {
  return canonicalJson(spec);
}

/**
 * Whether two specs describe the same initializer (equal canonical JSON).
 *
 * @example
 * sameInit({ name: 'kaiming_normal' }, initSpec('he_normal')); // true
 */
export function sameInit(a: InitializerSpec, b: InitializerSpec): boolean {
  return initKey(a) === initKey(b);
}

/**
 * The initializer of a spec (`fromSpec`).
 *
 * @throws InitError for an invalid spec.
 */
export function initializerOf(spec: InitializerSpec): Initializer {
  return fromSpec(spec);
}
