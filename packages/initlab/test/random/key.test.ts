import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InitError } from '../../src/errors.ts';
import { fold, keyFromSeed, keyFromWords, split, toKey } from '../../src/random/key.ts';

test('keyFromSeed: 64-bit two’s complement, JAX-compatible words', () => {
  assert.deepEqual(keyFromSeed(0), { k0: 0, k1: 0 });
  assert.deepEqual(keyFromSeed(1), { k0: 0, k1: 1 });
  assert.deepEqual(keyFromSeed(-1), { k0: 0xffffffff, k1: 0xffffffff });
  assert.deepEqual(keyFromSeed(2 ** 32 + 5), { k0: 1, k1: 5 });
  assert.deepEqual(keyFromSeed(Number.MAX_SAFE_INTEGER), { k0: 0x1fffff, k1: 0xffffffff });
  assert.deepEqual(keyFromSeed(-(2 ** 32)), { k0: 0xffffffff, k1: 0 });
  assert.deepEqual(keyFromSeed(0xfedcba9876543210n), { k0: 0xfedcba98, k1: 0x76543210 });
  assert.deepEqual(keyFromSeed(-2n), { k0: 0xffffffff, k1: 0xfffffffe });
  assert.deepEqual(keyFromSeed(123n), keyFromSeed(123));
});

test('keyFromSeed rejects what is not a 64-bit integer, naming the seed', () => {
  for (const bad of [Number.NaN, Infinity, 1.5, 2 ** 53, 1n << 64n, -(1n << 63n) - 1n, '3' as unknown as number]) {
    assert.throws(
      () => keyFromSeed(bad),
      (e: unknown) => e instanceof InitError && e.code === 'invalid_seed' && /seed must be/.test(e.message),
    );
  }
});

test('keyFromWords and toKey check the words', () => {
  assert.deepEqual(toKey({ k0: 1, k1: 2 }), { k0: 1, k1: 2 });
  assert.throws(() => keyFromWords(-1, 0), /k0 must be an unsigned 32-bit integer/);
  assert.throws(() => toKey({ k0: 0, k1: 2 ** 32 }), /k1 must be/);
  assert.throws(() => toKey(null as unknown as number), /key must be/);
});

test('fold is deterministic, separates indices and names, and never returns the parent', () => {
  const root = keyFromSeed(42);
  const seen = new Set<string>([`${root.k0},${root.k1}`]);
  const children = [
    ...Array.from({ length: 200 }, (_, i) => fold(root, i)),
    ...['encoder.0.weight', 'encoder.0.bias', 'encoder.1.weight', '', 'a', 'b', 'ab', 'ba', 'α', 'a\0', 'abcd', 'abcde'].map((name) => fold(root, name)),
  ];
  for (const child of children) {
    const id = `${child.k0},${child.k1}`;
    assert.ok(!seen.has(id), `collision at ${id}`);
    seen.add(id);
  }
  assert.deepEqual(fold(root, 'encoder.0.weight'), fold(keyFromSeed(42), 'encoder.0.weight'));
  assert.deepEqual(fold(root, ['encoder', 0, 'weight']), fold(fold(fold(root, 'encoder'), 0), 'weight'));
  assert.notDeepEqual(fold(root, 0), fold(root, '0'));
});

test('split(k, n)[i] is fold(k, i)', () => {
  const root = keyFromSeed(7);
  const children = split(root, 5);
  assert.equal(children.length, 5);
  children.forEach((child, i) => assert.deepEqual(child, fold(root, i)));
  assert.deepEqual(split(7), split(root, 2));
});

test('fold rejects invalid indices', () => {
  for (const bad of [-1, 1.5, 2 ** 32, Number.NaN]) {
    assert.throws(
      () => fold(0, bad),
      (e: unknown) => e instanceof InitError && e.parameter === 'index',
    );
  }
});

// Golden values: streams are a compatibility promise (docs/rng.md). Changing any of these is a breaking change.
test('golden: derived keys are pinned', () => {
  assert.deepEqual(fold(0, 0), GOLDEN.fold0_0);
  assert.deepEqual(fold(42, 'encoder.0.weight'), GOLDEN.fold42_name);
  assert.deepEqual(fold(keyFromSeed(-1), ['layers', 3, 'kernel']), GOLDEN.foldPath);
});

const GOLDEN = {
  fold0_0: { k0: 107003909, k1: 3364557040 },
  fold42_name: { k0: 3436549074, k1: 3813735247 },
  foldPath: { k0: 2681581402, k1: 453583473 },
};
