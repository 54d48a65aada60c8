/** Files for Node.js: writes that a reader or a crash never sees half done. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Writes `chunks` to `target` atomically: into a new temporary file in the same directory (so the rename cannot
 * cross file systems), flushed to disk, then renamed over `target`. Readers see the old file or the whole new one,
 * never a half-written one; on any failure the temporary file is removed and the error rethrown. This is the
 * write-to-a-temporary-name, fsync, rename protocol of POSIX `rename(2)`.
 *
 * @example
 * writeFileAtomic('w.npy', [header, new Uint8Array(values.buffer)]);
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
