import assert from 'node:assert/strict';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DIRECT_ALIGNMENT, STAGING_BYTES, StagedFile } from '../../src/node/checkpoint/staged-file.ts';
import { bytePattern } from '../support/bytes.ts';

const roots = [mkdtempSync(join(tmpdir(), 'initlab-staged-'))];
// tmpfs too, where it is mounted: O_DIRECT there depends on the kernel (6.6 and later take it), so either path runs.
if (existsSync('/dev/shm')) roots.push(mkdtempSync('/dev/shm/initlab-staged-'));
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});
let n = 0;

/** Whether the file system under `root` takes O_DIRECT (asked of the kernel directly, not through StagedFile). */
function takesDirect(root: string): boolean {
  if (constants.O_DIRECT === undefined) return false;
  const probe = join(root, `probe${n++}`);
  try {
    closeSync(openSync(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT));
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { force: true });
  }
}

test('direct and buffered writes give the same file for lengths around the block and staging sizes, in pieces of odd sizes', () => {
  const lengths = [0, 1, 8, DIRECT_ALIGNMENT - 1, DIRECT_ALIGNMENT, DIRECT_ALIGNMENT + 1, STAGING_BYTES - 1, STAGING_BYTES, 2 * STAGING_BYTES + 4097];
  const pieces = [1, 7, 4096, 100_003, STAGING_BYTES + 5];
  for (const root of roots) {
    const direct = takesDirect(root);
    for (const [k, length] of lengths.entries()) {
      const expected = bytePattern(length, k + 1);
      for (const wanted of [true, false]) {
        const piece = pieces[(k + Number(wanted)) % pieces.length]!;
        const path = join(root, `f${n++}`);
        const file = StagedFile.create(path, { direct: wanted, syncEvery: 3 * DIRECT_ALIGNMENT });
        // O_DIRECT exactly where asked for and where the file system takes it.
        assert.equal(file.direct, wanted && direct, `${root}: direct mode`);
        for (let at = 0; at < length; at += piece) file.write(expected.subarray(at, Math.min(length, at + piece)));
        assert.equal(file.close(), length, `${path}: length`);
        const actual = readFileSync(path);
        assert.equal(actual.length, length, `${path} (${file.direct ? 'direct' : 'buffered'}): size on disk`);
        assert.ok(Buffer.from(expected.buffer, expected.byteOffset, expected.length).equals(actual), `${path}: bytes`);
        rmSync(path); // a container's /dev/shm may hold only 64 MB
      }
    }
  }
});

test('an existing path is refused (temporary names are created, never reused); abort closes without a result', () => {
  const path = join(roots[0]!, `f${n++}`);
  const file = StagedFile.create(path, { syncEvery: 1 << 20 });
  file.write(bytePattern(10_000, 9));
  file.abort();
  file.abort(); // twice is harmless
  assert.throws(() => StagedFile.create(path, { syncEvery: 1 << 20 }), { code: 'EEXIST' });
  assert.throws(() => StagedFile.create(path, { direct: false, syncEvery: 1 << 20 }), { code: 'EEXIST' });
});
