#!/usr/bin/env node
/**
 * The `initlab` command line: a commander program whose subcommands live in cli/commands/, one module each, every
 * module exporting `register(program: Command): void`.
 *
 * Errors: a usage error (bad flag or value, InitError from the library, an output that cannot be written, any of
 * commander's own errors) prints exactly one line `initlab: <message>` on stderr and exits with code 2; an unexpected
 * error prints one line and a hint and exits with code 1 (INITLAB_DEBUG=1 adds the stack trace).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { classify, EXIT_INTERNAL, UsageError } from './errors.ts';

/** What a command module exports. */
export interface CommandModule {
  /** Adds the command to the program (`program.command(name)…`, so it inherits the program's error handling). */
  register(program: Command): void;
}

/**
 * Every subcommand, in the order `initlab --help` lists them. To add one, write cli/commands/<name>.ts exporting
 * `register` and add its line here. Keep heavy imports of a command inside its action (`await import(…)`), so that
 * `initlab gain` does not pay for them.
 */
const COMMANDS: readonly Promise<CommandModule>[] = [
  import('./commands/sample.ts'),
  import('./commands/fans.ts'),
  import('./commands/gain.ts'),
  import('./commands/list.ts'),
  import('./commands/lab.ts'),
  import('./commands/report.ts'),
];

/** The package's version, read from its package.json (the nearest one named `initlab` above this module). */
function packageVersion(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'initlab' && typeof manifest.version === 'string') return manifest.version;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json of initlab above ${fileURLToPath(import.meta.url)}`);
    directory = parent;
  }
}

/** Errors are thrown to {@link main} (not printed and exited by commander), at every level of the command tree. */
function throwErrors(command: Command): void {
  command.exitOverride();
  // main prints errors, on one line; writeErr only carries the help commander prints after a missing or unknown
  // command (`initlab help nope`), which main replaces by one line too.
  command.configureOutput({ outputError: () => {}, writeErr: () => {} });
  for (const sub of command.commands) throwErrors(sub);
}

/** Builds the program with every command registered. */
export async function createProgram(): Promise<Command> {
  const program = new Command('initlab')
    .description(
      'Neural-network weight initializers with PyTorch/Keras semantics and reproducible counter-based seeding: ' +
        'draw weights, compute fans and gains, list the initializers.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  initlab list',
        '  initlab sample he_normal --shape 3,3,64,128 --seed 1',
        '  initlab sample he_normal --shape 128,64,3,3 --layout torch --mode fan_out --out w.npy',
        '  initlab fans --shape 3,3,64,128',
        '  initlab gain leaky_relu --param 0.2',
        '',
        'Usage errors print one line and exit with code 2.',
      ].join('\n'),
    );
  throwErrors(program);
  for (const module of await Promise.all(COMMANDS)) module.register(program);
  throwErrors(program);
  return program;
}

/** Runs the command line with `argv` (the arguments after `initlab`) and returns the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = await createProgram();
    if (argv.length === 0) {
      throw new UsageError(`missing command; use one of ${program.commands.map((c) => c.name()).join(', ')} (see initlab --help).`);
    }
    await program.parseAsync([...argv], { from: 'user' });
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
