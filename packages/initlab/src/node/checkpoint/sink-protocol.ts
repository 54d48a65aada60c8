/** The messages and shared words between the checkpoint writer (sink.ts) and its consumer threads (sink-worker.ts). */
import type { MessagePort } from 'node:worker_threads';

/**
 * What a consumer thread does: `tensors` keeps the SHA-256 of each tensor, `file` the SHA-256 of the whole file,
 * `hash` both, `write` writes the file. One SHA-256 pass runs at about 1.6 GB/s (SHA-NI): on one thread, the two
 * hashes cap the writer at half that, so machines with cores to spare give each hash its own thread; on 2 cores
 * one more thread costs more than it gives (GPT-2 124M: 1.35 s with `hash`, 1.55 s with `tensors` + `file`).
 */
export type Role = 'tensors' | 'file' | 'hash' | 'write';

/**
 * The consumers of a sink: `['hash', 'write']`, or `['tensors', 'file', 'write']` with a thread per hash.
 *
 * @example
 * sinkRoles(2); // ['tensors', 'file', 'write']
 */
export function sinkRoles(hashThreads: 1 | 2): readonly Role[] {
  return hashThreads === 2 ? ['tensors', 'file', 'write'] : ['hash', 'write'];
}

/**
 * Layout of the shared control words: [0, slots) how many consumers still read each buffer of the ring; then one
 * result counter per consumer (at most 3); then the failure flag.
 */
export const RESULTS = 16;
export const FAILED = RESULTS + 3;
export const CONTROL_WORDS = FAILED + 1;
/** At most this many buffers in the ring (the control words before {@link RESULTS}). */
export const MAX_SLOTS = RESULTS;

/** What a consumer thread is given when it starts. */
export interface SinkSetup {
  readonly role: Role;
  /** This consumer's place in the sink's list: its result counter is control[RESULTS + index]. */
  readonly index: number;
  readonly control: SharedArrayBuffer;
  readonly slots: readonly SharedArrayBuffer[];
  readonly port: MessagePort;
  /** The write role tries O_DIRECT (staged-file.ts). */
  readonly direct: boolean;
  /** In buffered mode, the write role fdatasyncs after this many bytes. */
  readonly syncEvery: number;
}

/**
 * From the writer to every consumer: `data` (bytes 0 … length − 1 of ring buffer `slot`, −1 for none; part of
 * tensor `tensor`, −1 for the file header; `end` on a tensor's last piece); `open` a new temporary file, `close` it
 * (each role then reports: `tensors` done, the `file` hash, the file `closed` after an fsync), `abort` it (close
 * without syncing; only the write role reports).
 */
export type SinkMessage =
  | { readonly op: 'data'; readonly slot: number; readonly length: number; readonly tensor: number; readonly end: boolean }
  | { readonly op: 'open'; readonly path: string }
  | { readonly op: 'close' }
  | { readonly op: 'abort' };

/** From a consumer back to the writer. */
export type SinkResult =
  | { readonly kind: 'tensor'; readonly tensor: number; readonly sha256: string }
  | { readonly kind: 'tensors-done' }
  | { readonly kind: 'file'; readonly sha256: string }
  | { readonly kind: 'closed'; readonly bytes: number; readonly direct: boolean }
  | { readonly kind: 'aborted' }
  | {
      readonly kind: 'error';
      readonly message: string;
      readonly code?: string | undefined;
      readonly errno?: number | undefined;
      readonly syscall?: string | undefined;
    };
