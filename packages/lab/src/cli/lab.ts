/**
 * `initlab lab <name> [options] [--quick] [--json FILE]`: runs one experiment of the lab's registry with its
 * options (the kebab-case flags of the experiment's `options`), prints its claims with the measurements that test
 * them, its numbers and its two-sentence reading, and writes the result as JSON when asked.
 *
 * The experiments load TensorFlow.js, so the registry is imported inside the action only.
 */
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { describeValue, type InitializerSpec, kebabCase, suggestion } from 'initlab';
import {
  type CommandInput,
  type CommandSpec,
  columns,
  declaredFlags,
  FLAG_SUGGESTION,
  isSystemError,
  outputError,
  parseNumber,
  print,
  type RawFlag,
  terminalWidth,
  UsageError,
  usageFail,
  wrap,
} from 'initlab/cli';
import { writeFileAtomic } from 'initlab/node';
import type { AnyExperiment } from '../experiments/index.ts';
import type { ExperimentOption } from '../experiments/experiment.ts';
import { initLabel, parseInitArgument } from '../init-arg.ts';

/** The experiments, in registry order (for the help text, which must not load the registry; a test keeps them equal). */
export const LAB_EXPERIMENTS: readonly string[] = ['activations', 'gradients', 'symmetry', 'mnist', 'depth', 'selu', 'recurrent', 'signal', 'lsuv'];

const HELP_AFTER = [
  '',
  `Experiments: ${LAB_EXPERIMENTS.join(', ')}.`,
  "`initlab lab <name> --help` lists an experiment's options. List options take comma-separated values or",
  'repeat (--init zeros --init he_normal); an --init is name:key=value,... or JSON: --init normal:std=0.01,',
  '--init \'{"name":"normal","std":1}\'.',
  '',
  'Examples:',
  '  initlab lab activations --activation sigmoid --init normal:std=1',
  '  initlab lab mnist --json mnist.json',
  '  initlab lab mnist --init he_normal,glorot_normal --seeds 1 --iterations 500',
  '  initlab lab depth --depth 20 --lr 0.005',
  '  initlab lab symmetry --quick',
].join('\n');

/** `initlab lab`. */
export const labCommand: CommandSpec = {
  name: 'lab',
  summary: 'run one lab experiment: its claims, numbers and reading; --json writes the result',
  description:
    'Runs one experiment of the lab (a seeded measurement of a claim about weight initialization) and prints each claim with ' +
    'the measurement that tests it, a table of numbers and a two-sentence reading. The defaults reproduce the report; ' +
    'options change the setup. Training experiments use both CPUs (INITLAB_WORKERS=1 keeps them in one thread).',
  operands: ['[name]'],
  flags: {
    json: { type: 'string', value: 'file', help: 'also write the result ({config, ...}) as JSON to this file' },
    quick: { type: 'boolean', help: 'start from the quick settings: fewer iterations and samples, same claims' },
  },
  open: true, // the experiment's own options are only known once its name is
  async helpAfter(operands) {
    if (operands.length !== 1) return HELP_AFTER;
    const experiment = await lookUp(operands[0]!);
    return `${HELP_AFTER}\n\nOptions of ${experiment.name} (${experiment.title}):\n${optionsHelp(experiment)}`;
  },
  run,
};

async function run({ operands, flags, extra }: CommandInput): Promise<void> {
  if (operands.length !== 1) {
    throw new UsageError(
      `lab: expected one experiment name, one of ${LAB_EXPERIMENTS.join(', ')}; got ${operands.length === 0 ? 'none' : operands.map((o) => `'${o}'`).join(', ')}.`,
    );
  }
  const json = typeof flags['json'] === 'string' ? flags['json'] : undefined;
  const experiment = await lookUp(operands[0]!);
  const where = `lab ${experiment.name}`;
  const given = parseExperimentOptions(experiment, extra);
  if (json !== undefined) checkWritable(where, json);

  const { setupBackend } = await import('../engine/backend.ts');
  const backend = await setupBackend();
  let quick = flags['quick'] === true;
  if (backend.notice) process.stderr.write(`${backend.notice}\n`);
  if (backend.name !== 'wasm' && !quick) {
    quick = true;
    process.stderr.write(`initlab: the ${backend.name} backend is about 20× slower than wasm; using the quick settings (options given still apply)\n`);
  }
  const seed = typeof given['seed'] === 'number' ? given['seed'] : 0;
  const config: object = { ...experiment.defaults(quick, seed), ...given };

  const bar = progressBar(experiment.name);
  let progressed = false;
  const started = performance.now();
  let result: { readonly config: object };
  try {
    result = await experiment.run(config, (done, total) => {
      progressed = true;
      bar?.update(done, total);
    });
  } catch (error) {
    // Config checks throw before any work is done: report them as usage errors.
    if (!progressed && error instanceof RangeError) throw new UsageError(`${where}: ${error.message.replace(/\.$/, '')}.`);
    throw error;
  } finally {
    bar?.stop();
  }
  const seconds = (performance.now() - started) / 1000;

  if (json !== undefined) {
    const target = json;
    try {
      writeFileAtomic(target, [Buffer.from(`${JSON.stringify(result)}\n`)]);
    } catch (error) {
      if (isSystemError(error)) throw outputError(where, '--json', target, error);
      throw error;
    }
  }
  printSummary(experiment, result, { seconds, backend: backend.name, quick });
  if (json !== undefined) print(`wrote ${json}`);
}

/** The experiment called `name`, or a usage error listing them. */
async function lookUp(name: string): Promise<AnyExperiment> {
  const { EXPERIMENTS, findExperiment } = await import('../experiments/index.ts');
  const experiment = findExperiment(name);
  if (experiment) return experiment;
  const names = EXPERIMENTS.map((e) => e.name);
  throw new UsageError(`lab: experiment must be one of ${names.join(', ')}${suggestion(name, names)}; got ${describeValue(name)}.`);
}

/** `--init`, `--seeds`, … of an experiment. */
function flagOf(option: ExperimentOption): string {
  return `--${kebabCase(option.key)}`;
}

/** One line per option: flag, value kind and description. */
export function optionsHelp(experiment: AnyExperiment): string {
  const placeholder = (o: ExperimentOption): string => {
    if (o.choices && o.kind === 'string' && o.choices.length <= 4) return o.choices.join('|');
    if (o.choices && o.kind === 'string') return `<${kebabCase(o.key)}>`;
    return { integer: '<n>', number: '<x>', string: '<text>', init: '<init>', 'init-list': '<init,...>', list: '<a,b,...>', 'integer-list': '<n,...>' }[o.kind];
  };
  return columns(
    experiment.options.map((o) => [
      `  ${flagOf(o)} ${placeholder(o)}`,
      o.description + (o.choices && (o.kind !== 'string' || o.choices.length > 4) ? ` (one of ${o.choices.join(', ')})` : ''),
    ]),
  );
}

/**
 * Splits a list of initializer arguments: commas separate arguments, except inside one argument's options
 * (`variance_scaling:scale=1,distribution=normal` is one argument: a piece `key=value` without a name joins the
 * previous one). A JSON value is one spec (`{...}`) or a list of them (`[...]`).
 */
export function splitInitList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return [trimmed];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new UsageError(`--init must be a JSON list of initializer specs or name:key=value,...; got ${describeValue(text)}.`);
    }
    if (!Array.isArray(parsed)) throw new UsageError(`--init must be a JSON list of initializer specs; got ${describeValue(text)}.`);
    return parsed.map((spec) => (typeof spec === 'string' ? spec : JSON.stringify(spec)));
  }
  const out: string[] = [];
  for (const piece of trimmed.split(',')) {
    const part = piece.trim();
    if (out.length > 0 && /^[A-Za-z][\w-]*=/.test(part) && !part.includes(':')) out[out.length - 1] += `,${part}`;
    else out.push(part);
  }
  return out;
}

/** Parses the experiment's flags into config values, strictly, with one-line errors naming the flag. */
export function parseExperimentOptions(experiment: AnyExperiment, flags: readonly RawFlag[]): Record<string, unknown> {
  const where = `lab ${experiment.name}`;
  const byFlag = new Map(experiment.options.map((o) => [flagOf(o), o]));
  const values: Record<string, unknown> = {};
  const seen = new Map<string, string>();
  for (const { flag, text } of flags) {
    const option = byFlag.get(flag);
    if (!option) throw unknownFlag(where, flag, [...byFlag.keys()]);
    const isList = option.kind === 'init-list' || option.kind === 'list' || option.kind === 'integer-list';
    const previous = seen.get(flag);
    if (previous !== undefined && !isList)
      throw new UsageError(`${where}: ${flag} must be given once; got ${describeValue(previous)} and ${describeValue(text)}.`);
    seen.set(flag, text);
    const accumulate = (items: unknown[]): void => {
      values[option.key] = [...((values[option.key] as unknown[] | undefined) ?? []), ...items];
    };
    switch (option.kind) {
      case 'integer':
        values[option.key] = parseInteger(text, where, flag);
        break;
      case 'number':
        values[option.key] = parseNumber(text, where, flag);
        break;
      case 'string':
        if (option.choices && !option.choices.includes(text)) usageFail(where, flag, `one of ${option.choices.join(', ')}`, text);
        values[option.key] = text;
        break;
      case 'init':
        values[option.key] = checkInit(text.trim(), where);
        break;
      case 'init-list':
        accumulate(splitInitList(text).map((t) => checkInit(t, where)));
        break;
      case 'list': {
        const items = text.split(',').map((t) => t.trim());
        for (const item of items) {
          if (item === '') usageFail(where, flag, 'a comma-separated list without empty items', text);
          if (option.choices && !option.choices.includes(item)) usageFail(where, flag, `a comma-separated list of ${option.choices.join(', ')}`, text);
        }
        accumulate(items);
        break;
      }
      case 'integer-list':
        accumulate(text.split(',').map((t) => parseInteger(t.trim(), where, flag)));
        break;
    }
  }
  return values;
}

/** Parses an initializer argument (InitError names --init or the option) into the canonical spec the config holds. */
function checkInit(text: string, where: string): InitializerSpec {
  if (text === '') throw new UsageError(`${where}: --init must be an initializer such as he_normal or normal:std=0.01; got ''.`);
  return parseInitArgument(text, `${where} --init`).spec;
}

/** A safe integer, written in decimal. */
function parseInteger(text: string, where: string, flag: string): number {
  const value = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) usageFail(where, flag, 'an integer', text);
  return value;
}

function unknownFlag(where: string, flag: string, known: readonly string[]): UsageError {
  const hint = suggestion(flag, [...known, ...declaredFlags(labCommand)], FLAG_SUGGESTION);
  return new UsageError(`${where}: option must be one of ${known.join(', ')}; got ${flag}${hint}.`);
}

/** Fails now, not after a long run, when the --json file's directory is missing or not writable. */
function checkWritable(where: string, target: string): void {
  const directory = dirname(resolve(target));
  try {
    if (!statSync(directory).isDirectory())
      throw new UsageError(`${where}: --json must be a writable file path; got '${target}' (${directory} is not a directory).`);
    accessSync(directory, fsConstants.W_OK);
  } catch (error) {
    if (isSystemError(error)) throw outputError(where, '--json', target, error);
    throw error;
  }
}

/** A progress bar on stderr when it is a terminal, else null. */
export function progressBar(label: string): { update(done: number, total: number): void; stop(): void } | null {
  if (!process.stderr.isTTY) return null;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(12)} {bar} {percentage}% | {value}/{total} | {duration_formatted} elapsed | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(Math.max(1, total), done);
        started = true;
      }
      if (total !== bar.getTotal()) bar.setTotal(Math.max(1, total));
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * `init normal:std=0.01, he_normal; seeds 3; iterations 2000` from a config; the values of the experiment's
 * initializer options (`init`, `init-list`) are canonical specs, shown by their labels.
 */
export function configText(config: object, options: readonly ExperimentOption[] = []): string {
  const inits = new Set(options.filter((o) => o.kind === 'init' || o.kind === 'init-list').map((o) => o.key));
  const text = (key: string, v: unknown): string =>
    inits.has(key) && v !== null && typeof v === 'object'
      ? initLabel(v as InitializerSpec)
      : typeof v === 'object' && v !== null
        ? JSON.stringify(v)
        : String(v);
  return Object.entries(config)
    .map(([key, value]) => `${key} ${Array.isArray(value) ? value.map((v) => text(key, v)).join(', ') : text(key, value)}`)
    .join('; ');
}

/** Prints the claims, the numbers and the reading of a result. */
function printSummary(experiment: AnyExperiment, result: { readonly config: object }, run: { seconds: number; backend: string; quick: boolean }): void {
  const width = terminalWidth();
  const claims = experiment.claims(result);
  const held = claims.filter((c) => c.held).length;
  print(`${experiment.name}: ${experiment.title}`);
  print(wrap(`settings: ${configText(result.config, experiment.options)}${run.quick ? ' (quick)' : ''}`, width, '  ').trimStart());
  print(`ran in ${run.seconds.toFixed(1)} s on the ${run.backend} backend`);
  print();
  print(`Claims (${held} of ${claims.length} held)`);
  for (const claim of claims) {
    print(`  ${claim.held ? '✓' : '✗'} ${wrap(claim.claim, width, '    ').trimStart()}`);
    print(wrap(claim.measurement, width, '      '));
  }
  const table = experiment.table?.(result);
  if (table) {
    print();
    print('Numbers');
    print(columns([table.columns, ...table.rows], '  '));
  }
  print();
  print('Reading');
  print(wrap(experiment.reading(result), width, '  '));
}
