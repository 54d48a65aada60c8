/** `initlab list [--json]`: every initializer with its aliases, formula, options and when to use it. */
import { DEFINITIONS, type InitializerDefinition, kebabCase, type OptionSchema, formatNumber } from '../../src/index.ts';
import type { CommandSpec } from '../command.ts';
import { print, printJson, terminalWidth, wrap } from '../output.ts';

/** One option as `list --json` shows it. */
export interface OptionInfo {
  readonly name: string;
  readonly flag: string;
  readonly type: 'number' | 'choice';
  readonly doc: string;
  /** The default, when it is a constant. */
  readonly default?: number | string;
  /** True when the default is computed from other options (e.g. truncated_normal's low = mean − 2·std). */
  readonly derivedDefault?: true;
  readonly required: boolean;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly integer?: boolean;
}

/** One initializer as `list --json` shows it. */
export interface InitializerInfo {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly formula: string;
  readonly reference: string;
  readonly options: readonly OptionInfo[];
}

function optionInfo(name: string, schema: OptionSchema): OptionInfo {
  const base = { name, flag: `--${kebabCase(name)}`, doc: schema.doc };
  if (schema.type === 'choice') {
    return { ...base, type: 'choice', default: schema.default, required: false, values: schema.values };
  }
  return {
    ...base,
    type: 'number',
    ...(typeof schema.default === 'number' && { default: schema.default }),
    ...(typeof schema.default === 'function' && { derivedDefault: true as const }),
    required: schema.default === undefined,
    ...(schema.min !== undefined && { min: schema.min }),
    ...(schema.minExclusive && { minExclusive: true }),
    ...(schema.max !== undefined && { max: schema.max }),
    ...(schema.integer && { integer: true }),
  };
}

/** What `list --json` prints for a definition. */
export function initializerInfo(definition: InitializerDefinition): InitializerInfo {
  return {
    name: definition.name,
    aliases: definition.aliases ?? [],
    summary: definition.summary,
    formula: definition.formula,
    reference: definition.reference,
    options: Object.entries(definition.options).map(([name, schema]) => optionInfo(name, schema)),
  };
}

/** The value placeholder of an option: `fan_in|fan_out` for short choice lists, `<nonlinearity>` otherwise. */
function placeholder(option: OptionInfo): string {
  if (option.values !== undefined) return option.values.length <= 4 ? option.values.join('|') : `<${kebabCase(option.name)}>`;
  return option.integer ? '<integer>' : '<number>';
}

function defaultText(option: OptionInfo): string {
  if (option.required) return 'required';
  if (option.derivedDefault) return 'derived';
  return `= ${typeof option.default === 'number' ? formatNumber(option.default) : String(option.default)}`;
}

function describeInitializer(info: InitializerInfo, width: number): string {
  const lines: string[] = [];
  lines.push(info.aliases.length > 0 ? `${info.name} (alias ${info.aliases.join(', ')})` : info.name);
  lines.push(wrap(info.formula, width, '    '));
  lines.push(wrap(info.summary, width, '    '));
  if (info.options.length === 0) {
    lines.push('    options: none');
  } else {
    lines.push('    options:');
    const indent = '      ';
    const flags = info.options.map((o) => `${o.flag} ${placeholder(o)}`);
    const defaults = info.options.map(defaultText);
    const flagWidth = Math.max(...flags.map((f) => [...f].length));
    const defaultWidth = Math.max(...defaults.map((d) => [...d].length));
    const docColumn = indent.length + flagWidth + 2 + defaultWidth + 2;
    info.options.forEach((option, i) => {
      const choices = option.values !== undefined && option.values.length > 4 ? ` One of ${option.values.join(', ')}.` : '';
      const doc = `${option.doc.replace(/\.$/, '')}.${choices}`;
      const head = `${indent}${flags[i]!.padEnd(flagWidth)}  ${defaults[i]!.padEnd(defaultWidth)}  `;
      if (docColumn <= width / 2) {
        lines.push(head + wrap(doc, width, ' '.repeat(docColumn)).slice(docColumn));
      } else {
        lines.push(head.trimEnd(), wrap(doc, width, `${indent}    `));
      }
    });
  }
  lines.push(wrap(`reference: ${info.reference}`, width, '    '));
  return lines.join('\n');
}

/** `initlab list`. */
export const command: CommandSpec = {
  name: 'list',
  summary: 'every initializer with its formula, options and when to use it',
  description: 'Lists every initializer: its aliases, formula, when to use it, its options (as sample flags) with defaults, and its source.',
  flags: { json: { type: 'boolean', help: 'print the list as JSON' } },
  run({ flags }) {
    const infos = DEFINITIONS.map(initializerInfo);
    if (flags['json'] === true) {
      printJson(infos, true);
      return;
    }
    const width = terminalWidth();
    print(infos.map((info) => describeInitializer(info, width)).join('\n\n'));
    print();
    print(wrap('Use one with `initlab sample <name> --shape ... [--<option> value ...]`; options are the names above in kebab case.', width));
  },
};
