/**
 * A consumer thread of the checkpoint writer's pipeline (see sink.ts): the `tensors` role keeps the SHA-256 of each
 * tensor, the `file` role that of the whole file, the `hash` role both, the `write` role writes the file
 * (staged-file.ts: O_DIRECT where the file system takes it, else buffered and fdatasynced every `syncEvery` bytes).
 * Each consumer takes the buffers of the ring in the order the writer sends them, and frees each one (its count in
 * `control`) as soon as it is done with it. Results and errors go back on `port`, each followed by a bump of this
 * consumer's result counter, which the writer waits on.
 */
import { createHash, type Hash } from 'node:crypto';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { FAILED, RESULTS, type Role, type SinkMessage, type SinkResult, type SinkSetup } from './sink-protocol.ts';
import { StagedFile } from './staged-file.ts';

const setup = workerData as SinkSetup;
const control = new Int32Array(setup.control);
const slots = setup.slots.map((buffer) => new Uint8Array(buffer));
const port: MessagePort = setup.port;
const resultIndex = RESULTS + setup.index;

function report(result: SinkResult): void {
  port.postMessage(result);
  Atomics.add(control, resultIndex, 1);
  Atomics.notify(control, resultIndex);
}

function release(slot: number): void {
  if (slot < 0) return;
  Atomics.sub(control, slot, 1);
  Atomics.notify(control, slot);
}

function systemError(error: unknown): SinkResult {
  const e = error as NodeJS.ErrnoException;
  Atomics.store(control, FAILED, 1);
  Atomics.notify(control, FAILED);
  return { kind: 'error', message: String(e?.message ?? error), code: e?.code, errno: e?.errno, syscall: e?.syscall };
}

let tensorHash: Hash | undefined;
let file: StagedFile | undefined;
let fileHash: Hash | undefined;
let failed = false;

function closeQuietly(): void {
  file?.abort();
  file = undefined;
}

function onTensors(message: SinkMessage): void {
  if (message.op === 'open' || message.op === 'abort') {
    failed = false;
    tensorHash = undefined;
  } else if (message.op === 'close') {
    if (!failed) report({ kind: 'tensors-done' });
  } else if (message.tensor >= 0 && !failed) {
    tensorHash ??= createHash('sha256');
    if (message.slot >= 0) tensorHash.update(slots[message.slot]!.subarray(0, message.length));
    if (message.end) {
      report({ kind: 'tensor', tensor: message.tensor, sha256: tensorHash.digest('hex') });
      tensorHash = undefined;
    }
  }
}

function onFile(message: SinkMessage): void {
  if (message.op === 'open' || message.op === 'abort') {
    failed = false;
    fileHash = message.op === 'open' ? createHash('sha256') : undefined;
  } else if (message.op === 'close') {
    if (!failed) report({ kind: 'file', sha256: fileHash!.digest('hex') });
    fileHash = undefined;
  } else if (!failed && message.slot >= 0) {
    fileHash!.update(slots[message.slot]!.subarray(0, message.length));
  }
}

function onWrite(message: SinkMessage): void {
  if (message.op === 'data') {
    if (!failed && file !== undefined && message.slot >= 0) file.write(slots[message.slot]!.subarray(0, message.length));
  } else if (message.op === 'open') {
    failed = false;
    file = StagedFile.create(message.path, { direct: setup.direct, syncEvery: setup.syncEvery });
  } else if (message.op === 'close') {
    if (failed) return; // the error is already reported
    const direct = file!.direct;
    const bytes = file!.close();
    file = undefined;
    report({ kind: 'closed', bytes, direct });
  } else {
    closeQuietly();
    report({ kind: 'aborted' });
  }
}

const handlers: Record<Role, ((message: SinkMessage) => void)[]> = { tensors: [onTensors], file: [onFile], hash: [onTensors, onFile], write: [onWrite] };
const mine = handlers[setup.role];

// Each handler reads the buffer; the buffer is released once all of this thread's handlers are done with it. An
// error (ENOSPC, EFBIG… from the file, or a bug) stops this file's work here and is reported to the writer.
parentPort?.on('message', (message: SinkMessage) => {
  try {
    for (const handle of mine) handle(message);
  } catch (error) {
    failed = true;
    closeQuietly();
    report(systemError(error));
  } finally {
    if (message.op === 'data') release(message.slot);
  }
});
