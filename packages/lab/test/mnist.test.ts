import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CLASS_COUNT,
  IMAGE_SIZE,
  TEST_COUNT,
  TRAIN_COUNT,
  batchIndices,
  batchStream,
  loadMnist,
  loadRawDigits,
  sampleBatch,
  splitOrder,
} from '../src/data/mnist.ts';
import { keyFromSeed } from 'initlab';

/** Count of each class in a label array. */
function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(CLASS_COUNT).fill(0);
  for (const label of labels) counts[label]!++;
  return counts;
}

test('the npm package holds 10,000 digits sorted by class, pixels in [0, 1]', () => {
  const raw = loadRawDigits();
  assert.equal(raw.count, 10_000);
  assert.equal(raw.images.length, 10_000 * IMAGE_SIZE);
  assert.deepEqual(classCounts(raw.labels), [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  for (let i = 1; i < raw.count; i++) assert.ok(raw.labels[i - 1]! <= raw.labels[i]!, 'raw labels are sorted');
  let min = Infinity;
  let max = -Infinity;
  for (const v of raw.images) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
});

test('loadMnist: 8,000 training and 2,000 test digits, cached', () => {
  const mnist = loadMnist();
  assert.equal(mnist.train.count, TRAIN_COUNT);
  assert.equal(mnist.test.count, TEST_COUNT);
  assert.equal(mnist.train.images.length, TRAIN_COUNT * IMAGE_SIZE);
  assert.equal(mnist.train.labels.length, TRAIN_COUNT);
  assert.equal(mnist.test.images.length, TEST_COUNT * IMAGE_SIZE);
  assert.equal(mnist.test.labels.length, TEST_COUNT);
  assert.equal(loadMnist(), mnist, 'the second call returns the cached split');
});

test('the split is a fixed permutation: deterministic, disjoint, covering every digit', () => {
  const order = splitOrder();
  assert.deepEqual(splitOrder(), order);
  const seen = new Uint8Array(10_000);
  for (const i of order) seen[i]!++;
  assert.ok(
    seen.every((n) => n === 1),
    'every raw digit lands in exactly one of train and test',
  );
  // Not the identity: the raw order is sorted by class.
  let fixedPoints = 0;
  for (let i = 0; i < order.length; i++) if (order[i] === i) fixedPoints++;
  assert.ok(fixedPoints < 20, `${fixedPoints} fixed points`);
});

test('train and test rows are the raw digits the split names', () => {
  const raw = loadRawDigits();
  const { train, test: testSet } = loadMnist();
  const order = splitOrder();
  for (const i of [0, 1, 4321, TRAIN_COUNT - 1]) {
    const j = order[i]!;
    assert.equal(train.labels[i], raw.labels[j]);
    assert.deepEqual(train.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), raw.images.subarray(j * IMAGE_SIZE, (j + 1) * IMAGE_SIZE));
  }
  for (const i of [0, 999, TEST_COUNT - 1]) {
    const j = order[TRAIN_COUNT + i]!;
    assert.equal(testSet.labels[i], raw.labels[j]);
    assert.deepEqual(testSet.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), raw.images.subarray(j * IMAGE_SIZE, (j + 1) * IMAGE_SIZE));
  }
});

test('both splits hold every class in plausible proportions', () => {
  const raw = classCounts(loadRawDigits().labels);
  const train = classCounts(loadMnist().train.labels);
  const testCounts = classCounts(loadMnist().test.labels);
  for (let c = 0; c < CLASS_COUNT; c++) {
    assert.equal(train[c]! + testCounts[c]!, raw[c]);
    // Hypergeometric: expected test count raw·0.2 ≈ 170–225 with sd ≈ 12.6; allow ±5 sd.
    const expected = raw[c]! * 0.2;
    assert.ok(Math.abs(testCounts[c]! - expected) < 5 * 12.6, `class ${c}: ${testCounts[c]} test digits, expected about ${expected}`);
  }
  // The test set is shuffled: its first 100 labels are not one class.
  assert.ok(new Set(loadMnist().test.labels.subarray(0, 100)).size >= 8);
});

test('batchIndices: deterministic per (key, iteration), in range, roughly uniform', () => {
  const key = keyFromSeed(7);
  const a = batchIndices(key, 3, 128, 8000);
  assert.deepEqual(batchIndices(key, 3, 128, 8000), a);
  assert.notDeepEqual(batchIndices(key, 4, 128, 8000), a);
  assert.notDeepEqual(batchIndices(keyFromSeed(8), 3, 128, 8000), a);
  const buckets = new Array<number>(10).fill(0);
  for (let it = 0; it < 100; it++) {
    for (const i of batchIndices(key, it, 128, 8000)) {
      assert.ok(i < 8000);
      buckets[Math.floor(i / 800)]!++;
    }
  }
  // 12,800 draws in 10 buckets: 1,280 each, sd ≈ 34.
  for (const n of buckets) assert.ok(Math.abs(n - 1280) < 200, `bucket count ${n}`);
  assert.throws(() => batchIndices(key, 0, 0, 10), RangeError);
});

test('sampleBatch copies the digits batchIndices names, reusing buffers when asked', () => {
  const { train } = loadMnist();
  const key = keyFromSeed(11);
  const batch = sampleBatch(train, key, 5, 16);
  const indices = batchIndices(key, 5, 16, train.count);
  assert.equal(batch.size, 16);
  assert.equal(batch.images.length, 16 * IMAGE_SIZE);
  for (let i = 0; i < 16; i++) {
    const j = indices[i]!;
    assert.equal(batch.labels[i], train.labels[j]);
    assert.deepEqual(batch.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), train.images.subarray(j * IMAGE_SIZE, (j + 1) * IMAGE_SIZE));
  }
  const next = sampleBatch(train, key, 6, 16, batch);
  assert.equal(next.images, batch.images, 'the buffer was reused');
  const labels = new Set<number>();
  for (let it = 0; it < 20; it++) for (const l of sampleBatch(train, key, it, 16).labels) labels.add(l);
  assert.equal(labels.size, CLASS_COUNT, 'batches mix all classes');
});

test('batchStream replays sampleBatch into one reused buffer', () => {
  const { train } = loadMnist();
  const next = batchStream(train, 3, 32);
  const first = next(0);
  const firstLabels = first.labels.slice();
  assert.deepEqual(firstLabels, sampleBatch(train, 3, 0, 32).labels);
  const second = next(1);
  assert.equal(second.images, first.images);
  assert.deepEqual(second.labels, sampleBatch(train, 3, 1, 32).labels);
  assert.deepEqual(next(0).labels, firstLabels, 'iteration 0 again gives the same batch');
});
