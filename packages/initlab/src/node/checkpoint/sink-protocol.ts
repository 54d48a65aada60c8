/** The messages and shared words between the checkpoint writer (sink.ts) and its consumer threads (sink-worker.ts). */
import type { MessagePort } from 'node:worker_threads';

/**
 * Layout of the shared control words: [0, slots) how many consumers still read each buffer of the ring; then one
 * result counter per role (hash, write); then the failure flag.
 */
export const RESULTS = 16;
export const FAILED = RESULTS + 2;
export const CONTROL_WORDS = FAILED + 1;
/** At most this many buffers in the ring (the control words before {@link RESULTS}). */
export const MAX_SLOTS = RESULTS;

/** What a consumer thread is given when it starts. */
export interface SinkSetup {
  readonly role: 'hash' | 'write';
  readonly control: SharedArrayBuffer;
  readonly slots: readonly SharedArrayBuffer[];
  readonly port: MessagePort;
  /** The write role tries O_DIRECT (staged-file.ts). */
  readonly direct: boolean;
  /** In buffered mode, the write role fdatasyncs after this many bytes. */
  readonly syncEvery: number;
}

/**
 * From the writer to both consumers: `data` (bytes 0 … length − 1 of ring buffer `slot`, −1 for none; part of
 * tensor `tensor`, −1 for the file header; `end` on a tensor's last piece); `open` a new temporary file (the hash
 * role starts the file's hash), `close` it (fsync first; the hash role reports the file's hash), `abort` it (close
 * without syncing; the hash role drops its state).
 */
export type SinkMessage =
  | { readonly op: 'data'; readonly slot: number; readonly length: number; readonly tensor: number; readonly end: boolean }
  | { readonly op: 'open'; readonly path: string }
  | { readonly op: 'close' }
  | { readonly op: 'abort' };

/** From a consumer back to the writer. */
export type SinkResult =
  | { readonly kind: 'tensor'; readonly tensor: number; readonly sha256: string }
  | { readonly kind: 'opened'; readonly direct: boolean }
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
