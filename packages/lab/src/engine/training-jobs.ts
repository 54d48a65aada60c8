/**
 * Training runs of the MNIST experiments (`symmetry`, `mnist`, `depth`): one seeded run on the lab's MNIST split
 * ({@link trainRun}), and a pool that spreads independent runs over worker threads ({@link runTrainingJobs}).
 *
 * Seeding: run seed s gives the kernel of layer l from `fold(fold(keyFromSeed(s), 'weights'), l)` and the
 * training batches from `fold(keyFromSeed(s), 'batches')` (see data/mnist.ts). Two initializers compared under the
 * same seed therefore see the same batches in the same order (a paired comparison), and biases start at zero.
 *
 * Workers: this module is also the workers' entry. The pool starts `new Worker(new URL(import.meta.url))`, i.e. this
 * very file (the compiled `dist/lab/engine/training-jobs.js`, or the `.ts` file when run from source), with a
 * `workerData` marker; on loading, the module sees the marker and serves the jobs posted to it.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { fold, keyFromSeed, type InitializerSpec } from 'initlab';
import { batchStream, loadMnist } from '../data/mnist.ts';
import { initializerOf } from '../init-arg.ts';
import type { ProgressCallback } from '../experiments/experiment.ts';
import { setupBackend, type BackendName } from './backend.ts';
import { accuracy, createMlp, disposeMlp, lsuvMlp, train, type Activation, type Mlp, type MlpLsuvRecord } from './mlp.ts';

// ---------------------------------------------------------------------------------------------------------------
// One training run
// ---------------------------------------------------------------------------------------------------------------

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
 * Trains one network on the lab's MNIST split. Synchronous; call {@link setupBackend} first. `onIteration(done)`
 * is called after every SGD step with the number of steps done.
 */
export function trainRun(job: TrainingJob, onIteration?: (done: number) => void): TrainingRun {
  const initializer = initializerOf(job.init);
  const data = loadMnist();
  const key = weightKey(job.seed);
  const mlp = createMlp({ sizes: job.sizes, activation: job.activation }, (l, shape) => initializer(shape, fold(key, l)) as Float32Array);
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

// ---------------------------------------------------------------------------------------------------------------
// Running independent runs on worker threads
// ---------------------------------------------------------------------------------------------------------------

/** workerData of a training worker. */
interface WorkerSetup {
  readonly initlabTrainingWorker: true;
  readonly backend: BackendName;
}

/** Messages from a training worker. */
type WorkerMessage =
  | { readonly type: 'progress'; readonly index: number; readonly done: number }
  | { readonly type: 'done'; readonly index: number; readonly run: TrainingRun }
  | { readonly type: 'error'; readonly index: number; readonly message: string };

/** Posts progress at most every this many iterations. */
const PROGRESS_EVERY = 10;

/**
 * How many worker threads {@link runTrainingJobs} may use: the `INITLAB_WORKERS` environment variable when it is a
 * positive integer (1 = train in the calling thread), else the number of CPUs, at most 8 (each worker holds its
 * own copy of MNIST and TF.js, about 150 MB).
 */
export function trainingParallelism(): number {
  const fromEnv = Number(process.env['INITLAB_WORKERS']);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * Runs independent training jobs and returns their results in job order. With more than one job and more than
 * one CPU (see {@link trainingParallelism}), the jobs are spread over worker threads, each with its own TF.js on
 * the same backend as this thread; results do not depend on where a job ran. `onProgress(done, total)` counts
 * iterations over all jobs.
 */
export async function runTrainingJobs(jobs: readonly TrainingJob[], onProgress?: ProgressCallback): Promise<TrainingRun[]> {
  const backend = await setupBackend();
  const total = jobs.reduce((sum, job) => sum + job.iterations, 0);
  const workers = Math.min(trainingParallelism(), jobs.length);
  onProgress?.(0, total);
  if (workers <= 1) {
    const runs: TrainingRun[] = [];
    let before = 0;
    for (const job of jobs) {
      runs.push(trainRun(job, onProgress && ((done) => (done % PROGRESS_EVERY === 0 || done === job.iterations) && onProgress(before + done, total))));
      before += job.iterations;
    }
    return runs;
  }
  return runInWorkers(jobs, workers, backend.name === 'cpu' ? 'cpu' : 'wasm', total, onProgress);
}

/** A worker of the pool and the handler of its messages while it serves a batch of jobs. */
interface PoolWorker {
  readonly worker: Worker;
  onMessage: ((message: WorkerMessage) => void) | null;
  onFailure: ((error: Error) => void) | null;
}

/** The training workers, kept between calls (and unref'd while idle, so they never keep the process alive). */
let pool: { backend: BackendName; workers: PoolWorker[] } | undefined;

/** Terminates the pooled training workers (they are also dropped when the process exits). */
export async function closeTrainingWorkers(): Promise<void> {
  const workers = pool?.workers ?? [];
  pool = undefined;
  await Promise.all(workers.map((w) => w.worker.terminate()));
}

/** `count` pooled workers on `backend`, started when missing. */
function pooledWorkers(count: number, backend: BackendName): PoolWorker[] {
  if (pool && pool.backend !== backend) void closeTrainingWorkers();
  pool ??= { backend, workers: [] };
  const current = pool;
  while (current.workers.length < count) {
    const setup: WorkerSetup = { initlabTrainingWorker: true, backend };
    const entry: PoolWorker = { worker: new Worker(new URL(import.meta.url), { workerData: setup }), onMessage: null, onFailure: null };
    entry.worker.on('message', (message: WorkerMessage) => entry.onMessage?.(message));
    entry.worker.on('error', (error: Error) => {
      dropWorker(entry);
      entry.onFailure?.(error);
    });
    entry.worker.on('exit', (code) => {
      dropWorker(entry);
      entry.onFailure?.(new Error(`a training worker stopped with exit code ${code}`));
    });
    entry.worker.unref();
    current.workers.push(entry);
  }
  return current.workers.slice(0, count);
}

function dropWorker(entry: PoolWorker): void {
  if (pool) pool.workers = pool.workers.filter((w) => w !== entry);
}

function runInWorkers(jobs: readonly TrainingJob[], count: number, backend: BackendName, total: number, onProgress?: ProgressCallback): Promise<TrainingRun[]> {
  return new Promise((resolve, reject) => {
    const results: (TrainingRun | undefined)[] = new Array(jobs.length);
    const progress = new Array<number>(jobs.length).fill(0);
    const workers = pooledWorkers(count, backend);
    let next = 0;
    let finished = 0;
    let settled = false;
    const release = (): void => {
      for (const w of workers) {
        w.onMessage = null;
        w.onFailure = null;
        w.worker.unref();
      }
    };
    const failWith = (error: unknown): void => {
      if (settled) return;
      settled = true;
      release();
      // A failed worker may be mid-job: start from fresh workers next time.
      void closeTrainingWorkers().finally(() => reject(error instanceof Error ? error : new Error(String(error))));
    };
    const feed = (w: PoolWorker): void => {
      if (next >= jobs.length) return;
      const index = next++;
      w.worker.postMessage({ index, job: jobs[index] });
    };
    for (const w of workers) {
      w.worker.ref();
      w.onFailure = failWith;
      w.onMessage = (message) => {
        if (settled) return;
        if (message.type === 'error') {
          failWith(new Error(message.message));
          return;
        }
        if (message.type === 'progress') {
          progress[message.index] = message.done;
        } else {
          results[message.index] = message.run;
          progress[message.index] = jobs[message.index]!.iterations;
          finished++;
        }
        onProgress?.(
          progress.reduce((a, b) => a + b, 0),
          total,
        );
        if (message.type !== 'done') return;
        if (finished === jobs.length) {
          settled = true;
          release();
          resolve(results as TrainingRun[]);
        } else {
          feed(w);
        }
      };
      feed(w);
    }
  });
}

/** The worker side: set up TF.js once, then train each job posted to it. */
function serveTrainingJobs(setup: WorkerSetup): void {
  const port = parentPort!;
  const ready = setupBackend(setup.backend);
  port.on('message', (message: { index: number; job: TrainingJob }) => {
    void ready
      .then(() => {
        const { index, job } = message;
        const run = trainRun(job, (done) => {
          if (done % PROGRESS_EVERY === 0 && done < job.iterations) port.postMessage({ type: 'progress', index, done } satisfies WorkerMessage);
        });
        port.postMessage({ type: 'done', index, run } satisfies WorkerMessage);
      })
      .catch((error: unknown) => {
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        port.postMessage({ type: 'error', index: message.index, message: text } satisfies WorkerMessage);
      });
  });
}

if (!isMainThread && (workerData as Partial<WorkerSetup> | null)?.initlabTrainingWorker === true) {
  serveTrainingJobs(workerData as WorkerSetup);
}
