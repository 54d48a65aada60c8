/**
 * `initlab/cli`: the kit the `initlab` command is built with, for packages that add commands to it (`@initlab/lab`
 * adds `lab` and `report`). A command is a {@link CommandSpec}; usage errors are {@link UsageError}s (or the
 * library's `InitError`s), which `initlab` prints as one line and exit code 2.
 *
 * @example
 * import { type CommandSpec, print } from 'initlab/cli';
 * export const commands: CommandSpec[] = [{ name: 'hello', summary: 'greets', description: 'Greets.', flags: {}, run: () => print('hi') }];
 *
 * @module
 */
export { type CommandSpec, type CommandInput, type FlagSpec, type RawFlag, FLAG_SUGGESTION, declaredFlags } from './command.ts';
export { UsageError, usageFail } from './errors.ts';
export { isSystemError, outputError } from './io.ts';
export { columns, print, printJson, terminalWidth, wrap } from './output.ts';
export { parseNumber, withFlags } from './parse.ts';
