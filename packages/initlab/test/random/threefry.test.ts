import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threefry2x32 } from '../../src/random/threefry.ts';

// Known-answer vectors of Threefry-2x32-20 from the Random123 distribution (kat_vectors), also used by
// JAX's tests/random_test.py: (key, counter) → output.
const KNOWN_ANSWERS: readonly [readonly number[], readonly number[], readonly number[]][] = [
  [
    [0x00000000, 0x00000000],
    [0x00000000, 0x00000000],
    [0x6b200159, 0x99ba4efe],
  ],
  [
    [0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x1cb996fc, 0xbb002be7],
  ],
  [
    [0x13198a2e, 0x03707344],
    [0x243f6a88, 0x85a308d3],
    [0xc4923a9c, 0x483df7a0],
  ],
];

test('threefry2x32 matches the Random123 known-answer vectors', () => {
  const out = new Uint32Array(2);
  for (const [key, counter, expected] of KNOWN_ANSWERS) {
    threefry2x32(key[0]!, key[1]!, counter[0]!, counter[1]!, out, 0);
    assert.deepEqual([...out], expected);
  }
});

test('threefry2x32 writes at the given index and accepts an Int32Array', () => {
  const out = new Int32Array(4);
  threefry2x32(0, 0, 0, 0, out, 2);
  assert.deepEqual([out[0], out[1], out[2]! >>> 0, out[3]! >>> 0], [0, 0, 0x6b200159, 0x99ba4efe]);
});

test('threefry2x32 avalanche: flipping one counter bit flips about half of the output bits', () => {
  // Over 64 bit positions × 100 counters, the mean number of flipped output bits should be 32 ± a few
  // standard errors: each flip count is Binomial(64, 1/2) (sd 4), so the mean of 6400 has sd 0.05; allow 0.3.
  const a = new Uint32Array(2);
  const b = new Uint32Array(2);
  let flips = 0;
  let trials = 0;
  for (let c = 0; c < 100; c++) {
    for (let bit = 0; bit < 64; bit++) {
      threefry2x32(7, 11, 0, c, a, 0);
      const c0 = bit < 32 ? (1 << bit) >>> 0 : 0;
      const c1 = bit >= 32 ? (c ^ (1 << (bit - 32))) >>> 0 : c;
      threefry2x32(7, 11, c0, c1, b, 0);
      flips += popcount(a[0]! ^ b[0]!) + popcount(a[1]! ^ b[1]!);
      trials++;
    }
  }
  assert.ok(Math.abs(flips / trials - 32) < 0.3, `mean flipped bits ${flips / trials}`);
});

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v >>>= 1) n += v & 1;
  return n;
}
