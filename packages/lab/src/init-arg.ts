/**
 * Parses initializer arguments as written on the command line: `name:key=value,...` (`normal:std=0.01`,
 * `he_normal:mode=fan_out`) or a JSON spec (`{"name":"normal","std":1}`). Values that look like numbers become
 * numbers; everything is then validated by the core's `fromSpec`, so errors name the option and accepted values.
 */
import { fromSpec, InitError, type Initializer } from 'initlab';

/** A parsed initializer argument: the text as written (the label in results) and the initializer. */
export interface InitArgument {
  /** The argument as written, e.g. `normal:std=0.01`. */
  readonly label: string;
  readonly initializer: Initializer;
}

/**
 * Parses one initializer argument.
 *
 * @throws InitError for malformed text (naming `--init`), unknown names or invalid options.
 */
export function parseInitArgument(text: string): InitArgument {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let spec: unknown;
    try {
      spec = JSON.parse(trimmed);
    } catch {
      throw new InitError('invalid_option', '--init', `--init must be valid JSON or name:key=value,...; got '${text}'.`);
    }
    return { label: trimmed, initializer: fromSpec(spec) };
  }
  const colon = trimmed.indexOf(':');
  const name = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const options: Record<string, string | number> = {};
  if (colon >= 0) {
    for (const pair of trimmed.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new InitError('invalid_option', '--init', `--init options must be key=value pairs separated by commas; got '${pair}' in '${text}'.`);
      }
      const key = kebabToCamel(pair.slice(0, eq).trim());
      const raw = pair.slice(eq + 1).trim();
      options[key] = raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw === 'NaN' ? Number.NaN : raw;
    }
  }
  return { label: trimmed, initializer: fromSpec({ name, ...options }) };
}

/** `negative-slope` → `negativeSlope`; camelCase passes through. */
export function kebabToCamel(text: string): string {
  return text.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
