/** File-system errors of the command line turned into one-line usage errors (the atomic write is initlab/node's). */
import { UsageError } from './errors.ts';

/**
 * True for Node's system errors (`ENOENT`, `EACCES`, …), which are about the environment, not a bug.
 *
 * @example
 * isSystemError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })); // true
 * isSystemError(new TypeError('x is not a function')); // false
 */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((error as NodeJS.ErrnoException).code!);
}

/**
 * A usage error for a file that could not be written: `sample: --out must be a writable file path; got 'x.npy'
 * (EACCES: permission denied).` Node's message names the temporary file, so only its `CODE: reason` part is kept.
 *
 * @example
 * const error = Object.assign(new Error("EACCES: permission denied, open '.x.npy.123.tmp'"), { code: 'EACCES' });
 * outputError('sample', '--out', 'x.npy', error).message; // "sample: --out must be a writable file path; got 'x.npy' (EACCES: permission denied)."
 */
export function outputError(where: string, flag: string, target: string, error: NodeJS.ErrnoException & { code: string }): UsageError {
  const reason = error.message.split(',')[0]!.trim();
  return new UsageError(
    `${where}: ${flag} must be a writable file path; got '${target}' (${reason.startsWith(error.code) ? reason : `${error.code}: ${reason}`}).`,
  );
}
