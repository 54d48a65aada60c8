/**
 * The command kit of the `initlab` command line: a command is data (its flags, operands, help) plus a `run`
 * function, and one small parser turns the words after the command's name into flag values and operands. No
 * dependency: the rules are those of `node:util`'s `parseArgs` (`--name value`, `--name=value`, `--` ends the
 * flags), plus what `parseArgs` cannot do here: "open" commands keep the flags they do not declare (an
 * initializer's or an experiment's own options, known only once an operand names it), and a value may start with
 * `-` (`--negative-slope -0.2`).
 *
 * `@initlab/lab` defines its `lab` and `report` commands with the same kit (`initlab/cli`), so every command parses,
 * fails and prints help the same way.
 */
import { suggestion, type SuggestionStyle } from '../src/index.ts';
import { UsageError } from './errors.ts';
import { columns, wrap } from './output.ts';

/** How a mistyped flag is matched: `--negative_Slope` is compared as `--negative-slope`, and the hint is unquoted. */
export const FLAG_SUGGESTION: SuggestionStyle = { normalize: (flag) => flag.toLowerCase().replace(/_/g, '-'), quote: '' };

/** A flag a command declares. */
export interface FlagSpec {
  /** `'boolean'` flags take no value; `'string'` flags take exactly one (the command parses it). */
  readonly type: 'string' | 'boolean';
  /** The placeholder in help, e.g. `dims` for `--shape <dims>` (string flags only). */
  readonly value?: string;
  /** One line of help. */
  readonly help: string;
  /** The value when the flag is absent (string flags only). */
  readonly default?: string;
  /** The command cannot run without it. */
  readonly required?: boolean;
}

/** A flag the command did not declare, as typed: `--negative-slope 0.2` or `--negative-slope=0.2`. */
export interface RawFlag {
  readonly flag: string;
  readonly text: string;
}

/** What the parser hands to {@link CommandSpec.run}. */
export interface CommandInput {
  /** The words that are not flags, in order. */
  readonly operands: readonly string[];
  /** Declared flags by name (without `--`): a string, `true`, or absent. Defaults are filled in. */
  readonly flags: Readonly<Record<string, string | true | undefined>>;
  /** Undeclared flags with their values, in order (open commands only). */
  readonly extra: readonly RawFlag[];
}

/** A subcommand of `initlab`. */
export interface CommandSpec {
  readonly name: string;
  /** One line for `initlab --help`. */
  readonly summary: string;
  /** A paragraph for `initlab <name> --help`. */
  readonly description: string;
  /** Operands as help shows them, e.g. `<initializer>` or `[name]`; each `<...>` is required. */
  readonly operands?: readonly string[];
  /** Declared flags by name (without `--`). `--help`/`-h` is implicit. */
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Keep undeclared `--flags` (each with a value) in {@link CommandInput.extra} instead of rejecting them. */
  readonly open?: boolean;
  /** More help after the flags (examples, the options of what an operand names); may need the operands. */
  helpAfter?(operands: readonly string[]): string | Promise<string>;
  run(input: CommandInput): void | Promise<void>;
}

/** The result of {@link parseCommandLine}: the input to run, or a request for help. */
export type Parsed = { readonly help: true; readonly operands: readonly string[] } | ({ readonly help: false } & CommandInput);

/**
 * Parses the words after a command's name.
 *
 * @throws UsageError for an undeclared flag of a closed command (with a "did you mean"), a flag without its value, a
 *   declared flag given twice, a value given to a boolean flag, a missing required flag or operand, or too many operands.
 * @example
 * parseCommandLine(fansCommand, ['--shape', '3,3,64,128']).flags // { shape: '3,3,64,128', layout: 'tf' }
 */
export function parseCommandLine(command: CommandSpec, words: readonly string[]): Parsed {
  const operands: string[] = [];
  const extra: RawFlag[] = [];
  const flags: Record<string, string | true | undefined> = {};
  let help = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (word === '-h' || word === '--help') {
      help = true;
      continue;
    }
    if (!word.startsWith('-') || word === '-') {
      operands.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const flag = eq >= 0 ? word.slice(0, eq) : word;
    const inline = eq >= 0 ? word.slice(eq + 1) : undefined;
    const name = flag.startsWith('--') ? flag.slice(2) : '';
    const spec = Object.hasOwn(command.flags, name) ? command.flags[name] : undefined;
    if (spec === undefined && !(command.open && flag.startsWith('--'))) {
      throw new UsageError(`unknown option '${flag}'${suggestion(flag, declaredFlags(command), FLAG_SUGGESTION)}`);
    }
    if (spec?.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`${command.name}: ${flag} takes no value; got ${flag}=${inline}.`);
      flags[name] = true;
      continue;
    }
    let text = inline;
    if (text === undefined) {
      if (i + 1 >= words.length) throw new UsageError(`${command.name}: ${flag} must be followed by a value; got nothing.`);
      text = words[++i]!;
    }
    if (spec === undefined) {
      extra.push({ flag, text });
      continue;
    }
    const previous = flags[name];
    if (typeof previous === 'string') {
      throw new UsageError(`${command.name}: ${flag} must be given once; got '${previous}' and '${text}'.`);
    }
    flags[name] = text;
  }
  if (help) return { help, operands };
  for (const [name, spec] of Object.entries(command.flags)) {
    if (flags[name] !== undefined) continue;
    if (spec.required) throw new UsageError(`${command.name}: --${name} must be given (${spec.help}); got nothing.`);
    if (spec.default !== undefined) flags[name] = spec.default;
  }
  const declared = command.operands ?? [];
  const required = declared.filter((operand) => operand.startsWith('<'));
  if (operands.length < required.length) {
    throw new UsageError(`${command.name}: ${required[operands.length]} must be given; got nothing.`);
  }
  if (!command.open && operands.length > declared.length) {
    throw new UsageError(
      `${command.name}: takes ${declared.length === 0 ? 'no operands' : `at most ${declared.join(' ')}`}; got ${operands.map((o) => `'${o}'`).join(', ')}.`,
    );
  }
  return { help, operands, flags, extra };
}

/**
 * `--shape`, `--layout`, … and `--help`: the flags a typo is matched against.
 *
 * @example
 * declaredFlags(command); // ['--shape', '--layout', '--help'] for the `fans` command
 */
export function declaredFlags(command: CommandSpec): string[] {
  return [...Object.keys(command.flags).map((name) => `--${name}`), '--help'];
}

/** `initlab <name> --help`: usage, description, flags, then the command's own text. */
export async function commandHelp(command: CommandSpec, operands: readonly string[], width: number): Promise<string> {
  const usage = ['Usage: initlab', command.name, '[options]', ...(command.operands ?? [])].join(' ');
  const rows = Object.entries(command.flags).map(([name, spec]) => [
    `  --${name}${spec.type === 'string' ? ` <${spec.value ?? 'value'}>` : ''}`,
    spec.help + (spec.default !== undefined ? ` (default: ${spec.default})` : ''),
  ]);
  rows.push(['  -h, --help', 'show help']);
  const after = command.helpAfter ? await command.helpAfter(operands) : '';
  return [usage, '', wrap(command.description, width), '', 'Options:', columns(rows), after].join('\n').trimEnd();
}
