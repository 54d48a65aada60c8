#!/usr/bin/env node
/**
 * The `initlab` command line. `sample`, `fans`, `gain`, `recipe`, `list`, `init`, `inspect` and `verify` live here
 * (cli/commands/, one {@link CommandSpec} each); `lab`, `report` and `diagnose` come from the `@initlab/lab` package
 * (its `./cli` entry exports `commands`), loaded only
 * when one of them runs, so the library installs with no dependency and `initlab gain` never loads TensorFlow.js.
 *
 * Errors: a usage error (bad flag or value, an InitError from the library, an output that cannot be written)
 * prints exactly one line `initlab: <message>` on stderr and exits with code 2; an unexpected error prints one line
 * and a hint and exits with code 1 (INITLAB_DEBUG=1 adds the stack trace).
 */
import { suggestion } from '../src/index.ts';
import { initlabVersion } from '../src/node/index.ts';
import { type CommandSpec, commandHelp, parseCommandLine } from './command.ts';
import { classify, EXIT_INTERNAL, UsageError } from './errors.ts';
import { columns, print, terminalWidth, wrap } from './output.ts';

/** The package that provides `lab` and `report`, and the entry that exports them. */
const LAB_PACKAGE = '@initlab/lab';
const LAB_ENTRY = `${LAB_PACKAGE}/cli`;

/** Every command by name, in the order `initlab --help` lists them, with its summary (shown without loading it). */
const COMMANDS: readonly { name: string; summary: string; load(): Promise<CommandSpec> }[] = [
  {
    name: 'sample',
    summary: 'draw weights from an initializer; print their statistics or write a .npy file',
    load: async () => (await import('./commands/sample.ts')).command,
  },
  { name: 'fans', summary: 'fanIn, fanOut and receptive field of a weight shape, as JSON', load: async () => (await import('./commands/fans.ts')).command },
  { name: 'gain', summary: 'the recommended gain of a nonlinearity', load: async () => (await import('./commands/gain.ts')).command },
  {
    name: 'recipe',
    summary: 'the parameters of a model recipe (gpt2, llama, bert, …) or of your own model JSON, with initializers and sizes',
    load: async () => (await import('./commands/recipe.ts')).command,
  },
  { name: 'list', summary: 'every initializer with its formula, options and when to use it', load: async () => (await import('./commands/list.ts')).command },
  {
    name: 'init',
    summary: "write a model's initial weights as a Hugging Face safetensors checkpoint, on one machine or many",
    load: async () => (await import('./commands/init.ts')).command,
  },
  {
    name: 'inspect',
    summary: 'check and describe a safetensors file or checkpoint directory: header, dtypes, shapes, statistics',
    load: async () => (await import('./commands/inspect.ts')).command,
  },
  {
    name: 'verify',
    summary: "check a checkpoint against its manifest: the files' hashes, and every tensor recomputed",
    load: async () => (await import('./commands/verify.ts')).command,
  },
  { name: 'lab', summary: `run one lab experiment: its claims, numbers and reading (needs ${LAB_PACKAGE})`, load: () => labCommand('lab') },
  { name: 'report', summary: `run every lab experiment and write the report (needs ${LAB_PACKAGE})`, load: () => labCommand('report') },
  {
    name: 'diagnose',
    summary: `per-layer signal, gradients and mean-field predictions of a saved TF.js model (needs ${LAB_PACKAGE})`,
    load: () => labCommand('diagnose'),
  },
];

/** The lab's command `name`, or a usage error saying how to install the lab when it is not installed. */
async function labCommand(name: string): Promise<CommandSpec> {
  let module: { commands?: readonly CommandSpec[] };
  try {
    // A variable specifier: the lab depends on this package, so this package cannot name the lab's types.
    module = (await import(LAB_ENTRY)) as { commands?: readonly CommandSpec[] };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(LAB_PACKAGE)) {
      throw new UsageError(`${name}: needs the package ${LAB_PACKAGE}, which is not installed; install it with: npm install ${LAB_PACKAGE}`);
    }
    throw error;
  }
  const command = module.commands?.find((c) => c.name === name);
  if (!command) throw new Error(`${LAB_ENTRY} exports no command '${name}'`);
  return command;
}

function programHelp(): string {
  const width = terminalWidth();
  return [
    'Usage: initlab [options] [command]',
    '',
    wrap(
      'Neural-network weight initializers with PyTorch/Keras semantics and reproducible counter-based seeding: ' +
        'draw weights, compute fans and gains, list the initializers; with @initlab/lab, run the lab and its report.',
      width,
    ),
    '',
    'Options:',
    columns([
      ['  -V, --version', 'print the version'],
      ['  -h, --help', 'show help'],
    ]),
    '',
    'Commands:',
    columns([...COMMANDS.map((c) => [`  ${c.name}`, c.summary]), ['  help [command]', 'show help for a command']]),
    '',
    'Examples:',
    '  initlab list',
    '  initlab sample he_normal --shape 3,3,64,128 --seed 1',
    '  initlab sample he_normal --shape 128,64,3,3 --layout torch --mode fan_out --out w.npy',
    '  initlab fans --shape 3,3,64,128',
    '  initlab gain leaky_relu --param 0.2',
    '  initlab recipe show --recipe gpt2 --config config.json --dtype bfloat16',
    '  initlab init --model model.json --seed 0 --dtype bfloat16 --out ckpt',
    '  initlab inspect ckpt',
    '',
    'Usage errors print one line and exit with code 2.',
  ].join('\n');
}

function findCommand(name: string): (typeof COMMANDS)[number] {
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry) return entry;
  const names = COMMANDS.map((c) => c.name);
  throw new UsageError(`command must be one of ${names.join(', ')}${suggestion(name, names)}; got '${name}'.`);
}

/** Runs the command line with `argv` (the words after `initlab`) and returns the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined) throw new UsageError(`missing command; use one of ${COMMANDS.map((c) => c.name).join(', ')} (see initlab --help).`);
    if (first === '-h' || first === '--help' || (first === 'help' && rest.length === 0)) {
      print(programHelp());
      return 0;
    }
    if (first === '-V' || first === '--version') {
      print(initlabVersion());
      return 0;
    }
    if (first.startsWith('-')) throw new UsageError(`unknown option '${first}'; the options before a command are --help and --version.`);
    const helpOf = first === 'help';
    const command = await findCommand(helpOf ? rest[0]! : first).load();
    const words = helpOf ? ['--help', ...rest.slice(1)] : rest;
    const parsed = parseCommandLine(command, words);
    if (parsed.help) {
      print(await commandHelp(command, parsed.operands, terminalWidth()));
      return 0;
    }
    await command.run(parsed);
    return 0;
  } catch (error) {
    const failure = classify(error);
    for (const line of failure.lines) process.stderr.write(`initlab: ${line}\n`);
    if (failure.exitCode === EXIT_INTERNAL && process.env['INITLAB_DEBUG'] && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
    return failure.exitCode;
  }
}

// `initlab list | head` closes the pipe early: stop quietly instead of failing with EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
