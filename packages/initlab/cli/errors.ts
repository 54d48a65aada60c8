/**
 * How the command line fails: user errors (bad flags, bad values, an unwritable output) print one line on stderr
 * and exit with code 2; anything else is a bug and prints one line and a hint, exit code 1. No stack traces unless
 * INITLAB_DEBUG is set.
 */
import { describeValue, InitError } from '../src/index.ts';

/** Exit code of a usage error: a bad command line, a bad value, an output that cannot be written. */
export const EXIT_USAGE = 2;
/** Exit code of an unexpected internal error. */
export const EXIT_INTERNAL = 1;

/** A user error detected by the command line itself; its message is one sentence. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Throws a {@link UsageError} in the library's one-sentence form: `<where>: <parameter> must be <constraint>; got <value>.`
 *
 * @example
 * usageFail('sample', '--count', 'a positive integer', '0'); // throws UsageError: "sample: --count must be a positive integer; got '0'."
 */
export function usageFail(where: string, parameter: string, constraint: string, value: unknown): never {
  throw new UsageError(`${where}: ${parameter} must be ${constraint}; got ${describeValue(value)}.`);
}

/** Collapses a message to one line. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

/** What to print and which exit code to use for an error thrown by a command. */
export interface Failure {
  /** Lines for stderr (without the `initlab: ` prefix). */
  readonly lines: readonly string[];
  readonly exitCode: number;
}

/** Classifies an error: usage (exit 2, one line) or a bug (exit 1, one line and a hint). */
export function classify(error: unknown): Failure {
  if (error instanceof InitError || error instanceof UsageError) {
    return { lines: [oneLine(error.message)], exitCode: EXIT_USAGE };
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    lines: [
      `internal error: ${oneLine(text)}`,
      'this is a bug in initlab; rerun with INITLAB_DEBUG=1 to see the stack trace, and report it with the command line you used.',
    ],
    exitCode: EXIT_INTERNAL,
  };
}
