import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CheckpointSink } from '../../src/node/checkpoint/sink.ts';
import { bytePattern } from '../support/bytes.ts';

const root = mkdtempSync(join(tmpdir(), 'initlab-sink-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

test('every consumer layout (one hash thread or two, direct or buffered) gives the file, its SHA-256 and each tensor’s', () => {
  // Tensors of lengths around the buffer size (1000 bytes): empty, shorter, exact, longer, many buffers.
  const header = bytePattern(40, 1);
  const tensors = [0, 13, 1000, 1001, 5_432].map((length, i) => bytePattern(length, i + 2));
  const whole = Buffer.concat([header, ...tensors]);
  for (const hashThreads of [1, 2] as const) {
    for (const direct of [true, false]) {
      const sink = new CheckpointSink({ slotBytes: 1000, slots: 3, hashThreads, direct, syncEvery: 4096 });
      try {
        for (let file = 0; file < 2; file++) {
          // Two files through the same sink: nothing of the first leaks into the second.
          const path = join(root, `f${n++}`);
          sink.open(path);
          sink.writeBytes(header, -1, false);
          const runs: number[][] = [];
          for (const [i, bytes] of tensors.entries()) {
            // Tensor numbers are the caller's (here 10 + i): results come back under them. Elements of 1 byte
            // here; the writer's are 2, 4 or 8.
            sink.streamTensor(10 + i, { numel: bytes.length, elementBytes: 1 }, (out, offset, count) => {
              runs.push([i, offset, count]);
              out.set(bytes.subarray(offset, offset + count));
            });
          }
          // Runs of a buffer each (1000 bytes), in order, covering every tensor; none for the empty one.
          assert.deepEqual(runs, [
            [1, 0, 13],
            [2, 0, 1000],
            [3, 0, 1000],
            [3, 1000, 1],
            ...[0, 1000, 2000, 3000, 4000, 5000].map((offset) => [4, offset, Math.min(1000, 5_432 - offset)]),
          ]);
          const result = sink.close();
          const what = `${hashThreads} hash thread(s), ${direct ? 'direct' : 'buffered'}, file ${file}`;
          assert.ok(whole.equals(readFileSync(path)), `${what}: bytes`);
          assert.equal(result.bytes, whole.length, what);
          assert.equal(result.sha256, sha256(whole), `${what}: file hash`);
          assert.deepEqual(
            [...result.tensors].sort((a, b) => a[0] - b[0]),
            tensors.map((bytes, i) => [10 + i, sha256(bytes)]),
            `${what}: tensor hashes`,
          );
          if (!direct) assert.equal(result.direct, false);
        }
      } finally {
        sink.dispose();
      }
    }
  }
});

test('a file that cannot be created: the system error, with its code, from the next call that waits', () => {
  for (const hashThreads of [1, 2] as const) {
    const sink = new CheckpointSink({ slotBytes: 64, hashThreads });
    try {
      sink.open(join(root, 'missing-directory', 'f'));
      assert.throws(
        () => {
          for (let i = 0; i < 100; i++) {
            sink.writeBytes(bytePattern(64, i), 0, false);
          }
          sink.close();
        },
        { code: 'ENOENT' },
      );
      sink.abort();
    } finally {
      sink.dispose();
    }
  }
});

test('a sink that does not write (the verifier’s) gives the same hashes and byte count, and creates no file', () => {
  const header = bytePattern(24, 7);
  const tensor = bytePattern(2_500, 8);
  for (const hashThreads of [1, 2] as const) {
    const sink = new CheckpointSink({ slotBytes: 1000, write: false, hashThreads });
    try {
      const path = join(root, `none${n++}`);
      sink.open(path);
      sink.writeBytes(header, -1, false);
      sink.writeBytes(tensor, 3, true);
      const result = sink.close();
      assert.equal(result.sha256, sha256(Buffer.concat([header, tensor])));
      assert.deepEqual([...result.tensors], [[3, sha256(tensor)]]);
      assert.equal(result.bytes, header.length + tensor.length);
      assert.equal(result.direct, false);
      assert.equal(sink.hashThreads, hashThreads);
      assert.ok(!existsSync(path), 'nothing written');
    } finally {
      sink.dispose();
    }
  }
});
