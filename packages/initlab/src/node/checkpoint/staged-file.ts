/**
 * A file written sequentially through an aligned staging buffer, with O_DIRECT where the file system takes it.
 *
 * Buffered writes copy every byte into the page cache, which the kernel then writes back: on the benchmark machine
 * about 1 to 2 ns of system time per byte, as much as drawing the values, plus the flusher's work and a long final
 * fsync. With O_DIRECT the disk reads the bytes from this process's memory; Linux asks that the memory address, the
 * file offset and the length be multiples of the device's logical block size (open(2), "O_DIRECT"). Checkpoint data
 * starts after a header of any multiple of 8 bytes, so the bytes are copied into a staging buffer whose start is
 * page-aligned (a WebAssembly.Memory: V8 maps it in whole pages) and written in whole 4096-byte blocks; the last
 * block is padded with zeros and the file truncated to its length. A file system that refuses O_DIRECT (EINVAL from
 * open or from the first write, as tmpfs before Linux 6.6) gets buffered writes, fdatasynced every `syncEvery` bytes.
 */
import { closeSync, constants, fdatasyncSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { wasmApi } from '../../wasm/assembler.ts';

/** Alignment of memory, file offsets and lengths in direct mode: 4096 covers every common logical block size. */
export const DIRECT_ALIGNMENT = 4096;

/** Bytes staged before a write: 8 MiB, a multiple of {@link DIRECT_ALIGNMENT}. */
export const STAGING_BYTES = 8 << 20;

/** Options of {@link StagedFile.create}. */
export interface StagedFileOptions {
  /** Try O_DIRECT (default true); false writes through the page cache. */
  readonly direct?: boolean;
  /** In buffered mode, fdatasync after this many bytes (the last fsync then waits for at most that much). */
  readonly syncEvery: number;
}

let staging: Uint8Array | undefined;

/**
 * This thread's staging buffer of {@link STAGING_BYTES}, reused by each file: a WebAssembly.Memory, page-aligned,
 * where there is one (else an ArrayBuffer, which O_DIRECT may refuse: the file then falls back to buffered writes).
 */
function stagingBuffer(): Uint8Array {
  const Memory = wasmApi()?.Memory;
  staging ??= new Uint8Array(Memory ? new Memory({ initial: STAGING_BYTES / 65536 }).buffer : new ArrayBuffer(STAGING_BYTES));
  return staging;
}

const isInvalid = (error: unknown): boolean => (error as NodeJS.ErrnoException | undefined)?.code === 'EINVAL';

/**
 * A new file written front to back: `write(bytes)` appends, `close()` writes what is staged, fsyncs, closes and
 * returns the length; `abort()` closes without syncing. System errors (ENOSPC, EFBIG, EDQUOT…) are thrown as is.
 */
export class StagedFile {
  private fd: number;
  private directMode: boolean;
  /** Bytes staged and not yet written. */
  private filled = 0;
  /** File offset of the staging buffer's first byte (a multiple of DIRECT_ALIGNMENT in direct mode). */
  private position = 0;
  private sinceSync = 0;

  private constructor(
    private readonly path: string,
    fd: number,
    direct: boolean,
    private readonly syncEvery: number,
  ) {
    this.fd = fd;
    this.directMode = direct;
  }

  /** Creates `path`, which must not exist (a temporary name). */
  static create(path: string, options: StagedFileOptions): StagedFile {
    if (options.direct !== false && constants.O_DIRECT !== undefined) {
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT;
      try {
        return new StagedFile(path, openSync(path, flags, 0o666), true, options.syncEvery);
      } catch (error) {
        // The file may exist by now (the flag is checked after creation): it is ours, opened again below.
        if (!isInvalid(error)) throw error;
        return new StagedFile(path, openSync(path, 'w'), false, options.syncEvery);
      }
    }
    return new StagedFile(path, openSync(path, 'wx'), false, options.syncEvery);
  }

  /** Whether the bytes bypass the page cache. */
  get direct(): boolean {
    return this.directMode;
  }

  /** Appends `bytes`. */
  write(bytes: Uint8Array): void {
    const buffer = stagingBuffer();
    for (let at = 0; at < bytes.length; ) {
      const n = Math.min(bytes.length - at, buffer.length - this.filled);
      buffer.set(bytes.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === buffer.length) this.flush(buffer.length);
    }
  }

  /** Writes what is staged, fsyncs and closes the file; returns its length in bytes. */
  close(): number {
    const buffer = stagingBuffer();
    const length = this.position + this.filled;
    if (this.directMode) {
      const whole = this.filled - (this.filled % DIRECT_ALIGNMENT);
      if (whole > 0) this.flush(whole);
    }
    if (this.filled > 0) {
      const padded = this.directMode ? Math.ceil(this.filled / DIRECT_ALIGNMENT) * DIRECT_ALIGNMENT : this.filled;
      buffer.fill(0, this.filled, padded);
      this.filled = padded;
      this.flush(padded);
      if (this.position !== length) ftruncateSync(this.fd, length);
    }
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
    return length;
  }

  /** Closes the file without syncing it (the caller removes it). */
  abort(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } catch {
      // already failing: nothing to add
    }
    this.fd = -1;
  }

  /** Writes the first `length` staged bytes at `position` and moves the rest to the front. */
  private flush(length: number): void {
    const buffer = stagingBuffer();
    try {
      this.writeAll(buffer, length);
    } catch (error) {
      if (!this.directMode || !isInvalid(error)) throw error;
      // The file system took the flag but not this write: go on through the page cache from here (what is written
      // stays; the buffered descriptor writes the same bytes at the same offsets).
      closeSync(this.fd);
      this.fd = openSync(this.path, 'r+');
      this.directMode = false;
      this.writeAll(buffer, length);
    }
    this.position += length;
    buffer.copyWithin(0, length, this.filled);
    this.filled -= length;
    if (!this.directMode) {
      this.sinceSync += length;
      if (this.sinceSync >= this.syncEvery) {
        fdatasyncSync(this.fd);
        this.sinceSync = 0;
      }
    }
  }

  private writeAll(buffer: Uint8Array, length: number): void {
    for (let done = 0; done < length; ) done += writeSync(this.fd, buffer, done, length - done, this.position + done);
  }
}
