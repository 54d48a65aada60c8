/**
 * The checkpoint writer's pipeline: while the calling thread (with the fill threads) draws chunk k + 1 into a ring of
 * shared buffers, consumer threads take chunk k: it goes into its tensor's SHA-256 and the file's (on one thread, or
 * one each where there are cores to spare) and is written (staged-file.ts). Hashing and writing cost as much as drawing; done in line, they left every other
 * core idle. The bytes are those of the sequential writer: only the time at which each step runs changes.
 */
import { Worker, receiveMessageOnPort, MessageChannel, type MessagePort } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { CONTROL_WORDS, FAILED, MAX_SLOTS, RESULTS, type Role, type SinkMessage, type SinkResult, type SinkSetup, sinkRoles } from './sink-protocol.ts';

/** Options of {@link CheckpointSink}. */
export interface SinkOptions {
  /** Bytes of each buffer of the ring. */
  readonly slotBytes: number;
  /** Buffers in the ring (default 4: one being drawn, one being hashed, one being written, one spare). */
  readonly slots?: number;
  /** Write with O_DIRECT where the file system takes it (default true; see staged-file.ts). */
  readonly direct?: boolean;
  /**
   * In buffered mode, fdatasync the file every this many bytes (default 64 MiB: the last fsync of a file then waits
   * for at most that much).
   */
  readonly syncEvery?: number;
  /** Threads for the two SHA-256 passes (default: 2 on machines of 4 cores or more, else 1; see sink-protocol.ts). */
  readonly hashThreads?: 1 | 2;
  /** Write the file (default true); false only hashes the bytes (the verifier hashes what it reads this way). */
  readonly write?: boolean;
}

/** What the consumers computed for one file. */
export interface SinkFileResult {
  readonly sha256: string;
  /** Bytes written (committed, when the sink does not write). */
  readonly bytes: number;
  /** Whether the file was written with O_DIRECT (false when the sink does not write). */
  readonly direct: boolean;
  /** SHA-256 of each tensor ended in this file, by the tensor number given to {@link CheckpointSink.commit}. */
  readonly tensors: ReadonlyMap<number, string>;
}

const WAIT_MS = 200;

/**
 * Threads a sink gives the two SHA-256 passes by default: 2 on machines of 4 cores or more, else 1 (see
 * sink-protocol.ts).
 *
 * @example
 * defaultHashThreads(); // 1 on a 2-core machine
 */
export function defaultHashThreads(): 1 | 2 {
  return availableParallelism() >= 4 ? 2 : 1;
}

/** A system error (ENOSPC, EFBIG, EACCES…) from a consumer thread, rebuilt with its code for the caller. */
function rebuildError(result: Extract<SinkResult, { kind: 'error' }>): Error {
  const error = new Error(result.message) as NodeJS.ErrnoException;
  if (result.code !== undefined) error.code = result.code;
  if (result.errno !== undefined) error.errno = result.errno;
  if (result.syscall !== undefined) error.syscall = result.syscall;
  return error;
}

/**
 * A ring of shared buffers drained by hashing threads (per tensor and per file) and a writing thread. Use:
 * `open(path)`, then `writeBytes` or `streamTensor` (or per piece of data: `acquire()` a buffer, fill it,
 * `commit(length, tensor, end)`); `close()` returns the hashes once the file is fsynced and closed; `abort()` closes
 * it without a result; `dispose()` ends the threads. A consumer's system error is thrown by the next call that waits.
 */
export class CheckpointSink {
  private readonly control: Int32Array;
  private readonly slots: Uint8Array[];
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly roles: readonly Role[];
  /** Index of the write role in `roles`, or −1 for a sink that only hashes. */
  private readonly writer: number;
  private readonly taken: number[];
  private next = 0;
  private current = -1;
  private tensorResults = new Map<number, string>();
  /** Bytes committed since the file was opened. */
  private committed = 0;

  constructor(options: SinkOptions) {
    const count = Math.min(MAX_SLOTS, Math.max(2, options.slots ?? 4));
    const roles = sinkRoles(options.hashThreads ?? defaultHashThreads());
    this.roles = options.write === false ? roles.filter((role) => role !== 'write') : roles;
    this.writer = this.roles.indexOf('write');
    this.taken = this.roles.map(() => 0);
    const shared = new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT);
    this.control = new Int32Array(shared);
    const buffers = Array.from({ length: count }, () => new SharedArrayBuffer(options.slotBytes));
    this.slots = buffers.map((b) => new Uint8Array(b));
    const url = new URL(import.meta.url.endsWith('.ts') ? './sink-worker.ts' : './sink-worker.js', import.meta.url);
    for (const [index, role] of this.roles.entries()) {
      const { port1, port2 } = new MessageChannel();
      const setup: SinkSetup = {
        role,
        index,
        control: shared,
        slots: buffers,
        port: port2,
        direct: options.direct ?? true,
        syncEvery: options.syncEvery ?? 64 << 20,
      };
      const worker = new Worker(url, { workerData: setup, transferList: [port2] });
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /** Threads hashing (1 or 2): each keeps a core busy while the sink works. */
  get hashThreads(): number {
    return this.roles.filter((role) => role !== 'write').length;
  }

  /** Bytes each buffer holds. */
  get slotBytes(): number {
    return this.slots[0]!.length;
  }

  /** Starts a new file at `path` (created, so it must not exist; ignored by a sink that does not write). */
  open(path: string): void {
    this.tensorResults = new Map();
    this.committed = 0;
    this.broadcast({ op: 'open', path });
  }

  /** The next buffer of the ring, once every consumer is done with it (throws a consumer's error). */
  acquire(): Uint8Array {
    this.throwIfFailed();
    const slot = this.next;
    for (let busy = Atomics.load(this.control, slot); busy > 0; busy = Atomics.load(this.control, slot)) {
      Atomics.wait(this.control, slot, busy, WAIT_MS);
      this.throwIfFailed();
    }
    this.current = slot;
    this.next = (slot + 1) % this.slots.length;
    return this.slots[slot]!;
  }

  /**
   * Hands bytes 0 … length − 1 of the buffer last acquired to every consumer: part of tensor number `tensor` (−1 for
   * bytes outside any tensor, such as the header), its last part when `end`. A tensor of no bytes is committed with
   * length 0.
   */
  commit(length: number, tensor: number, end: boolean): void {
    const slot = length > 0 ? this.current : -1;
    if (length > 0 && slot < 0) throw new Error('CheckpointSink.commit: acquire a buffer first');
    if (slot >= 0) Atomics.store(this.control, slot, this.roles.length);
    this.current = -1;
    this.committed += length;
    const message: SinkMessage = { op: 'data', slot, length, tensor, end };
    this.broadcast(message);
  }

  /**
   * Streams tensor number `tensor`, `numel` elements of `elementBytes` bytes, through the ring: for each run of
   * elements offset … offset + count − 1 that fills a buffer, `fill(out, offset, count)` writes the run's bytes into
   * `out` (count × elementBytes bytes), which is then committed, the last run with `end`, and `onCommitted` told its
   * length. A tensor of no elements is one commit of no bytes.
   *
   * @example
   * sink.streamTensor(7, { numel: 3000, elementBytes: 2 }, (out, offset, count) => out.set(bits.subarray(2 * offset, 2 * (offset + count))));
   */
  streamTensor(
    tensor: number,
    size: { readonly numel: number; readonly elementBytes: number },
    fill: (out: Uint8Array, offset: number, count: number) => void,
    onCommitted?: (bytes: number) => void,
  ): void {
    const { numel, elementBytes } = size;
    if (numel === 0) this.commit(0, tensor, true);
    const step = Math.floor(this.slotBytes / elementBytes);
    for (let offset = 0; offset < numel; offset += step) {
      const count = Math.min(step, numel - offset);
      const out = this.acquire().subarray(0, count * elementBytes);
      fill(out, offset, count);
      this.commit(out.length, tensor, offset + count === numel);
      onCommitted?.(out.length);
    }
  }

  /** Copies `bytes` through the ring ({@link commit} for each piece). */
  writeBytes(bytes: Uint8Array, tensor: number, end: boolean): void {
    if (bytes.length === 0) {
      this.commit(0, tensor, end);
      return;
    }
    for (let at = 0; at < bytes.length; ) {
      const slot = this.acquire();
      const n = Math.min(slot.length, bytes.length - at);
      slot.set(bytes.subarray(at, at + n));
      at += n;
      this.commit(n, tensor, end && at === bytes.length);
    }
  }

  /** Waits until the file is written, fsynced and closed and every tensor ended in it is hashed. */
  close(): SinkFileResult {
    this.broadcast({ op: 'close' });
    let closed: { readonly bytes: number; readonly direct: boolean } | undefined = this.writer < 0 ? { bytes: this.committed, direct: false } : undefined;
    while (closed === undefined) {
      const result = this.take(this.writer);
      if (result.kind === 'closed') closed = result;
    }
    let file: string | undefined;
    for (const [index, role] of this.roles.entries()) {
      // Per role, its results in order: the tensors ended in this file, 'tensors-done', then the file hash.
      let tensorsDone = role === 'file' || role === 'write';
      let fileDone = role === 'tensors' || role === 'write';
      while (!tensorsDone || !fileDone) {
        const result = this.take(index);
        if (result.kind === 'tensor') this.tensorResults.set(result.tensor, result.sha256);
        else if (result.kind === 'tensors-done') tensorsDone = true;
        else if (result.kind === 'file') {
          file = result.sha256;
          fileDone = true;
        }
      }
    }
    if (file === undefined) throw new Error('CheckpointSink.close: no file hash');
    return { sha256: file, bytes: closed.bytes, direct: closed.direct, tensors: this.tensorResults };
  }

  /** Closes the current file without syncing it and waits until it is closed (the caller then removes it). */
  abort(): void {
    this.broadcast({ op: 'abort' });
    if (this.writer < 0) return;
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline) {
      const result = this.poll(this.writer);
      if (result?.kind === 'aborted') return;
      if (result === undefined) Atomics.wait(this.control, RESULTS + this.writer, Atomics.load(this.control, RESULTS + this.writer), WAIT_MS);
    }
  }

  /** Ends the consumer threads. */
  dispose(): void {
    for (const worker of this.workers) void worker.terminate().catch(() => undefined);
    for (const port of this.ports) port.close();
  }

  private broadcast(message: SinkMessage): void {
    for (const worker of this.workers) worker.postMessage(message);
  }

  /** The next result of `role` if one has arrived. */
  private poll(role: number): SinkResult | undefined {
    if (Atomics.load(this.control, RESULTS + role) <= this.taken[role]!) return undefined;
    const received = receiveMessageOnPort(this.ports[role]!);
    if (received === undefined) return undefined; // counted, still in flight
    this.taken[role]!++;
    return received.message as SinkResult;
  }

  /** Waits for the next result of `role`; throws it if it is an error. */
  private take(role: number): SinkResult {
    for (;;) {
      const result = this.poll(role);
      if (result?.kind === 'error') throw rebuildError(result);
      if (result !== undefined) return result;
      this.throwIfFailed();
      Atomics.wait(this.control, RESULTS + role, this.taken[role]!, WAIT_MS);
    }
  }

  /** Throws the error of a consumer that failed, once its report has arrived. */
  private throwIfFailed(): void {
    if (Atomics.load(this.control, FAILED) === 0) return;
    for (const role of this.roles.keys()) {
      for (let result = this.poll(role); result !== undefined; result = this.poll(role)) {
        if (result.kind === 'error') throw rebuildError(result);
        if (result.kind === 'tensor') this.tensorResults.set(result.tensor, result.sha256);
      }
    }
  }
}
