/** File output for the command line: atomic writes, and file-system errors turned into one-line usage errors. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.ts';

/**
 * Writes `chunks` to `target` atomically: into a new temporary file in the same directory (so the rename cannot
 * cross file systems), flushed to disk, then renamed over `target`. Readers see the old file or the whole new one,
 * never a half-written one; on any failure the temporary file is removed and the error rethrown.
 */
export function writeFileAtomic(target: string, chunks: readonly Uint8Array[]): void {
  const path = resolve(target);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(temporary, 'wx'); // fails rather than follow or clobber anything already there
    created = true;
    for (const chunk of chunks) {
      for (let written = 0; written < chunk.length; ) written += writeSync(fd, chunk, written, chunk.length - written);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    if (created) {
      try {
        unlinkSync(temporary);
      } catch {
        // nothing more can be done; the original error is the one to report
      }
    }
    throw error;
  }
}

/** True for Node's system errors (`ENOENT`, `EACCES`, …), which are about the environment, not a bug. */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((error as NodeJS.ErrnoException).code!);
}

/**
 * A usage error for a file that could not be written: `sample: --out must be a writable file path; got 'x.npy'
 * (EACCES: permission denied).` Node's message names the temporary file, so only its `CODE: reason` part is kept.
 */
export function outputError(where: string, flag: string, target: string, error: NodeJS.ErrnoException & { code: string }): UsageError {
  const reason = error.message.split(',')[0]!.trim();
  return new UsageError(`${where}: ${flag} must be a writable file path; got '${target}' (${reason.startsWith(error.code) ? reason : `${error.code}: ${reason}`}).`);
}
