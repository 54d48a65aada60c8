/**
 * One seeded training run of the MNIST experiments (`symmetry`, `mnist`, `depth`) on a given split, with no Node
 * import (the explorer page trains the same nets in a browser). engine/training-jobs.ts adds the lab's MNIST
 * files and the pool of worker threads.
 *
 * Seeding: run seed s gives the kernel of layer l from `fold(fold(keyFromSeed(s), 'weights'), l)` and the
 * training batches from `fold(keyFromSeed(s), 'batches')` (see data/mnist-core.ts). Two initializers compared
 * under the same seed therefore see the same batches in the same order (a paired comparison), and biases start at
 * zero.
 */
import { fold, keyFromSeed, type InitializerSpec } from 'initlab';
import { batchStream, type Mnist } from '../data/mnist-core.ts';
import { initializerOf } from '../init-arg.ts';
import { accuracy, createMlp, disposeMlp, lsuvMlp, train, type Activation, type Mlp, type MlpLsuvRecord } from './mlp.ts';

/** One seeded training run on the lab's MNIST split: JSON-serializable, so it can be sent to a worker. */
export interface TrainingJob {
  /** Layer widths, input first: [784, 100, 100, 10]. */
  readonly sizes: readonly number[];
  /** Activation of every hidden layer. */
  readonly activation: Activation;
  /** The initializer of every kernel, as a canonical spec (JSON, so it can be posted to a worker). */
  readonly init: InitializerSpec;
  /** Run seed: weights from `fold(keyFromSeed(seed), 'weights')`, batches from `fold(keyFromSeed(seed), 'batches')`. */
  readonly seed: number;
  /** SGD learning rate. */
  readonly lr: number;
  /** Batch size. */
  readonly batch: number;
  /** SGD steps. */
  readonly iterations: number;
  /** Also count distinct neurons per hidden layer before and after training (the `symmetry` experiment). */
  readonly symmetry?: boolean;
  /**
   * Apply LSUV (engine/mlp.ts `lsuvMlp`) after the initializer (the `lsuv` experiment; the initializer is then its
   * orthonormal pre-init), on `batch` training digits drawn with `fold(keyFromSeed(seed), 'lsuv')`.
   */
  readonly lsuv?: { readonly tol: number; readonly maxIterations: number };
}

/** Distinct neurons per hidden layer, before and after training. */
export interface DistinctNeurons {
  readonly before: number[];
  readonly after: number[];
}

/** What one run measured. */
export interface TrainingRun {
  /** The initializer's spec, as in the job. */
  readonly init: InitializerSpec;
  readonly seed: number;
  /** Mean cross-entropy of each iteration's batch, before its update (non-finite values become null in JSON). */
  readonly loss: number[];
  /** Fraction of the 2,000 test digits classified correctly after training. */
  readonly testAccuracy: number;
  /** With `symmetry`: distinct neurons per hidden layer (columns of the [fanIn, fanOut] kernel plus the bias). */
  readonly distinctNeurons?: DistinctNeurons;
  /** With `symmetry`: the largest change of any incoming weight or bias of each hidden layer during training. */
  readonly weightChange?: number[];
  /** With `lsuv`: what LSUV did to each layer before training. */
  readonly lsuv?: MlpLsuvRecord[];
}

/** Two neurons are the same when every incoming weight and the bias agree within this tolerance. */
export const NEURON_TOLERANCE = 1e-6;

/** The key of the kernels of a run seed: layer l uses `fold(weightKey(seed), l)`. */
export function weightKey(seed: number): ReturnType<typeof keyFromSeed> {
  return fold(keyFromSeed(seed), 'weights');
}

/** The key of the training batches of a run seed. */
export function batchKey(seed: number): ReturnType<typeof keyFromSeed> {
  return fold(keyFromSeed(seed), 'batches');
}

/**
 * Counts distinct neurons: `kernel` is [fanIn, fanOut] row-major (neuron j = column j) and `bias` has fanOut
 * values; two neurons are equal when all their weights and their biases differ by at most `tolerance`. Neurons
 * are grouped greedily against the first member of each group.
 */
export function countDistinctNeurons(kernel: Float32Array, bias: Float32Array | null, fanIn: number, fanOut: number, tolerance = NEURON_TOLERANCE): number {
  const representatives: number[] = [];
  for (let j = 0; j < fanOut; j++) {
    const same = representatives.some((r) => {
      if (bias && !(Math.abs(bias[j]! - bias[r]!) <= tolerance)) return false;
      for (let i = 0; i < fanIn; i++) if (!(Math.abs(kernel[i * fanOut + j]! - kernel[i * fanOut + r]!) <= tolerance)) return false;
      return true;
    });
    if (!same) representatives.push(j);
  }
  return representatives.length;
}

/** Kernel and bias values of hidden layer l, copied out of TF.js. */
function hiddenParameters(mlp: Mlp, l: number): { kernel: Float32Array; bias: Float32Array | null } {
  return {
    kernel: (mlp.kernels[l]!.dataSync() as Float32Array).slice(),
    bias: mlp.biases ? (mlp.biases[l]!.dataSync() as Float32Array).slice() : null,
  };
}

/** Largest absolute difference between two arrays of the same length (NaN when either has a NaN). */
function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = d; // NaN propagates
  }
  return max;
}

/**
 * The network of a job at initialization: kernel l from `fold(weightKey(seed), l)`, zero biases. Release it with
 * `disposeMlp`.
 *
 * @example
 * const mlp = createRunMlp({ sizes: [784, 100, 10], activation: 'relu', init: initSpec('he_normal'), seed: 0, lr: 0.01, batch: 128, iterations: 10 });
 */
export function createRunMlp(job: TrainingJob): Mlp {
  const initializer = initializerOf(job.init);
  const key = weightKey(job.seed);
  return createMlp({ sizes: job.sizes, activation: job.activation }, (l, shape) => initializer(shape, fold(key, l)) as Float32Array);
}

/**
 * Trains one network on a split of MNIST (the lab's: `loadMnist()` in Node, or the same digits fetched by the
 * explorer page). Synchronous; the TF.js backend must be ready. `onIteration(done)` is called after every SGD
 * step with the number of steps done.
 */
export function trainRunOn(job: TrainingJob, data: Mnist, onIteration?: (done: number) => void): TrainingRun {
  const mlp = createRunMlp(job);
  try {
    let lsuvRecords: MlpLsuvRecord[] | undefined;
    if (job.lsuv) {
      const draw = batchStream(data.train, fold(keyFromSeed(job.seed), 'lsuv'), job.batch)(0);
      lsuvRecords = lsuvMlp(mlp, draw.images, draw.size, job.lsuv);
    }
    const hidden = job.sizes.length - 2;
    const before = job.symmetry ? Array.from({ length: hidden }, (_, l) => hiddenParameters(mlp, l)) : [];
    const { loss } = train(mlp, {
      learningRate: job.lr,
      iterations: job.iterations,
      nextBatch: batchStream(data.train, batchKey(job.seed), job.batch),
      onProgress: onIteration && ((iteration) => onIteration(iteration + 1)),
    });
    const testAccuracy = accuracy(mlp, data.test);
    const run: TrainingRun = { init: job.init, seed: job.seed, loss: Array.from(loss), testAccuracy, ...(lsuvRecords && { lsuv: lsuvRecords }) };
    if (!job.symmetry) return run;
    const after = Array.from({ length: hidden }, (_, l) => hiddenParameters(mlp, l));
    const count = (p: { kernel: Float32Array; bias: Float32Array | null }, l: number): number =>
      countDistinctNeurons(p.kernel, p.bias, job.sizes[l]!, job.sizes[l + 1]!);
    return {
      ...run,
      distinctNeurons: { before: before.map(count), after: after.map(count) },
      weightChange: after.map((p, l) =>
        Math.max(maxAbsDifference(p.kernel, before[l]!.kernel), p.bias && before[l]!.bias ? maxAbsDifference(p.bias, before[l]!.bias) : 0),
      ),
    };
  } finally {
    disposeMlp(mlp);
  }
}
