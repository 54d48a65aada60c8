/**
 * Experiment 4, `mnist`: the book's 5-layer net (Saito, Deep Learning from Scratch, 6.2.4): 4 hidden layers of
 * 100 ReLU units and a softmax output, plain SGD with learning rate 0.01 on batches of 128 drawn at random, for
 * 2,000 iterations, started from `normal:std=0.01`, `glorot_normal` (Xavier) and `he_normal`, several seeds each.
 *
 * This module also holds what the three MNIST training experiments (`symmetry`, `mnist`, `depth`) share: one
 * seeded training run ({@link trainRun}), a pool that spreads independent runs over worker threads
 * ({@link runTrainingJobs}), and the small statistics and plotting helpers of their results.
 *
 * Seeding: run seed s gives the kernel of layer l from `fold(fold(keyFromSeed(s), 'weights'), l)` and the
 * training batches from `fold(keyFromSeed(s), 'batches')` (see data/mnist.ts). Two initializers compared under the
 * same seed therefore see the same batches in the same order (a paired comparison), and biases start at zero.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { fail } from '../../src/errors.ts';
import { fold, keyFromSeed } from '../../src/index.ts';
import { batchStream, loadMnist, IMAGE_SIZE, CLASS_COUNT } from '../data/mnist.ts';
import { setupBackend, type BackendName } from '../engine/backend.ts';
import { ACTIVATIONS, accuracy, createMlp, disposeMlp, train, type Activation, type Mlp } from '../engine/mlp.ts';
import { parseInitArgument } from '../init-arg.ts';
import { withDefaults } from '../analysis/figures.ts';
import type { VegaLiteSpec } from '../plot/render.ts';
import type { Claim, Experiment, ExperimentOption, ProgressCallback } from './experiment.ts';

// ---------------------------------------------------------------------------------------------------------------
// One training run
// ---------------------------------------------------------------------------------------------------------------

/** One seeded training run on the lab's MNIST split: JSON-serializable, so it can be sent to a worker. */
export interface TrainingJob {
  /** Layer widths, input first: [784, 100, 100, 10]. */
  readonly sizes: readonly number[];
  /** Activation of every hidden layer. */
  readonly activation: Activation;
  /** Initializer argument as written on the command line (parsed with `parseInitArgument`). */
  readonly init: string;
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
}

/** Distinct neurons per hidden layer, before and after training. */
export interface DistinctNeurons {
  readonly before: number[];
  readonly after: number[];
}

/** What one run measured. */
export interface TrainingRun {
  /** The initializer argument as written. */
  readonly init: string;
  readonly seed: number;
  /** Mean cross-entropy of each iteration's batch, before its update (non-finite values become null in JSON). */
  readonly loss: number[];
  /** Fraction of the 2,000 test digits classified correctly after training. */
  readonly testAccuracy: number;
  /** With `symmetry`: distinct neurons per hidden layer (columns of the [fanIn, fanOut] kernel plus the bias). */
  readonly distinctNeurons?: DistinctNeurons;
  /** With `symmetry`: the largest change of any incoming weight or bias of each hidden layer during training. */
  readonly weightChange?: number[];
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
  const { initializer } = parseInitArgument(job.init);
  const data = loadMnist();
  const key = weightKey(job.seed);
  const mlp = createMlp({ sizes: job.sizes, activation: job.activation }, (l, shape) => initializer(shape, fold(key, l)) as Float32Array);
  try {
    const hidden = job.sizes.length - 2;
    const before = job.symmetry ? Array.from({ length: hidden }, (_, l) => hiddenParameters(mlp, l)) : [];
    const { loss } = train(mlp, {
      learningRate: job.lr,
      iterations: job.iterations,
      nextBatch: batchStream(data.train, batchKey(job.seed), job.batch),
      onProgress: onIteration && ((iteration) => onIteration(iteration + 1)),
    });
    const testAccuracy = accuracy(mlp, data.test);
    const run: TrainingRun = { init: job.init, seed: job.seed, loss: Array.from(loss), testAccuracy };
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
        onProgress?.(progress.reduce((a, b) => a + b, 0), total);
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

// ---------------------------------------------------------------------------------------------------------------
// Statistics and plotting helpers shared by the training experiments
// ---------------------------------------------------------------------------------------------------------------

/** ln 10: the cross-entropy of a uniform guess over 10 classes (chance). */
export const CHANCE_LOSS = Math.log(CLASS_COUNT);

/** Median of finite values (NaN when there are none). */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Trailing moving average over `window` values (fewer at the start); NaN/Infinity propagate through their window. */
export function movingAverage(values: readonly number[], window: number): number[] {
  const out = new Array<number>(values.length);
  let sum = 0;
  let bad = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) sum += v;
    else bad++;
    if (i >= window) {
      const old = values[i - window]!;
      if (Number.isFinite(old)) sum -= old;
      else bad--;
    }
    out[i] = bad > 0 ? Number.NaN : sum / Math.min(i + 1, window);
  }
  return out;
}

/** Smoothing window of the loss curves: 50 iterations, or a tenth of a shorter run. */
export function smoothingWindow(iterations: number): number {
  return Math.max(1, Math.min(50, Math.floor(iterations / 10)));
}

/** Mean of the last `count` values (all of them when fewer): the "final loss" of a run. */
export function finalLoss(loss: readonly number[], count = 100): number {
  const tail = loss.slice(Math.max(0, loss.length - count));
  return tail.length === 0 ? Number.NaN : tail.reduce((a, b) => a + b, 0) / tail.length;
}

/** The first iteration whose smoothed loss is below `threshold`, or null when it never is. */
export function firstBelow(smoothed: readonly number[], threshold: number): number | null {
  const i = smoothed.findIndex((v) => v < threshold);
  return i < 0 ? null : i;
}

/** Median, min and max of a per-initializer quantity over seeds. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Median, min and max of finite values. */
export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  return { median: median(finite), min: finite.length ? Math.min(...finite) : Number.NaN, max: finite.length ? Math.max(...finite) : Number.NaN };
}

/** `93.3%`. */
export function percent(value: number, digits = 1): string {
  return Number.isFinite(value) ? `${(100 * value).toFixed(digits)}%` : 'n/a';
}

/** `93.3% (92.1–94.0%)`: median and range over seeds; the median alone for one seed. */
export function percentSpread(s: Spread): string {
  return s.min === s.max ? percent(s.median) : `${percent(s.median)} (${percent(s.min)}–${percent(s.max)})`;
}

/** A loss for humans: 3 decimals, `n/a` for non-finite. */
export function lossText(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : 'n/a';
}

/** An integer with thousands separators: `1,000`. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** The initializer's std for a square hidden kernel of `width` (NaN when the argument does not parse). */
export function hiddenStd(init: string, width: number): number {
  try {
    return parseInitArgument(init).initializer.describe([width, width]).std;
  } catch {
    return Number.NaN;
  }
}

/** The canonical name of an initializer argument (`he_normal`), or the text itself when it does not parse. */
export function initName(init: string): string {
  try {
    return parseInitArgument(init).initializer.spec.name;
  } catch {
    return init;
  }
}

/** Role of an initializer for a ReLU layer of width n, from its std: he-like √(2/n), xavier-like √(1/n), or small. */
export type ReluRole = 'he' | 'xavier' | 'small' | 'other';

/** Classifies an initializer for square hidden kernels of `width` by its std (within 10%; small = std ≤ 0.2·√(1/n)). */
export function reluRole(init: string, width: number): ReluRole {
  const std = hiddenStd(init, width);
  if (!Number.isFinite(std)) return 'other';
  const near = (target: number): boolean => Math.abs(std - target) <= 0.1 * target;
  if (near(Math.sqrt(2 / width))) return 'he';
  if (near(Math.sqrt(1 / width))) return 'xavier';
  if (std > 0 && std <= 0.2 * Math.sqrt(1 / width)) return 'small';
  return 'other';
}

/** Rows of a loss figure: per initializer and (sub-sampled) iteration, the median and range over seeds of the smoothed loss. */
export function lossBandRows(runs: readonly TrainingRun[], inits: readonly string[], iterations: number): Record<string, number | string>[] {
  const window = smoothingWindow(iterations);
  const step = Math.max(1, Math.floor(iterations / 250));
  const rows: Record<string, number | string>[] = [];
  for (const init of inits) {
    const curves = runs.filter((r) => r.init === init).map((r) => movingAverage(r.loss, window));
    if (curves.length === 0) continue;
    for (let i = 0; i < iterations; i += step) {
      const at = i + step >= iterations ? iterations - 1 : i;
      const values = curves.map((c) => c[at]!).filter(Number.isFinite);
      if (values.length === 0) continue;
      rows.push({ init, iteration: at + 1, median: median(values), lo: Math.min(...values), hi: Math.max(...values) });
      if (at === iterations - 1) break;
    }
  }
  return rows;
}

/** A Vega-Lite figure of smoothed training-loss curves (median line and min–max band over seeds) with the chance level. */
export function lossFigureSpec(options: {
  readonly title: string;
  readonly rows: Record<string, number | string>[];
  readonly inits: readonly string[];
  readonly legend: (init: string) => string;
  readonly window: number;
  readonly marker?: { readonly iteration: number; readonly label: string };
}): VegaLiteSpec {
  const labelled = options.rows.map((r) => ({ ...r, label: options.legend(String(r['init'])), band: options.legend(String(r['init'])) }));
  const domain = options.inits.map(options.legend);
  const x = { field: 'iteration', type: 'quantitative' as const, title: 'iteration' };
  const color = { field: 'label', type: 'nominal' as const, title: 'initializer', scale: { domain } };
  const layers: unknown[] = [
    { mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, fill: { ...color, field: 'band', legend: null } } },
    {
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x,
        y: { field: 'median', type: 'quantitative', title: `training loss (smoothed over ${options.window})`, scale: { zero: true } },
        color: { ...color, legend: { orient: 'bottom', direction: 'vertical', symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 0 } },
      },
    },
    {
      data: { values: [{ chance: CHANCE_LOSS, text: 'chance: ln 10 ≈ 2.303' }] },
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { y: { field: 'chance', type: 'quantitative' } } },
        { mark: { type: 'text', align: 'right', dy: -7, color: '#444', x: 'width' }, encoding: { y: { field: 'chance', type: 'quantitative' }, text: { field: 'text' } } },
      ],
    },
  ];
  if (options.marker && options.marker.iteration < maxIteration(options.rows)) {
    layers.push({
      data: { values: [{ iteration: options.marker.iteration, text: options.marker.label }] },
      layer: [
        { mark: { type: 'rule', strokeDash: [2, 3], color: '#999' }, encoding: { x: { field: 'iteration', type: 'quantitative' } } },
        { mark: { type: 'text', align: 'left', dx: 4, y: 8, color: '#444' }, encoding: { x: { field: 'iteration', type: 'quantitative' }, text: { field: 'text' } } },
      ],
    });
  }
  return withDefaults({ title: options.title, width: 560, height: 300, data: { values: labelled }, layer: layers });
}

/** The largest `iteration` of figure rows. */
function maxIteration(rows: readonly Record<string, number | string>[]): number {
  return rows.reduce((max, r) => Math.max(max, Number(r['iteration'])), 0);
}

/** A Vega-Lite dot plot of test accuracy per run with a tick at each initializer's median. */
export function accuracyFigureSpec(options: { readonly title: string; readonly runs: readonly TrainingRun[]; readonly inits: readonly string[] }): VegaLiteSpec {
  const rows = options.runs.map((r) => ({ label: r.init, seed: r.seed, accuracy: r.testAccuracy }));
  const medians = options.inits.map((init) => ({
    label: init,
    accuracy: median(options.runs.filter((r) => r.init === init).map((r) => r.testAccuracy)),
  }));
  const domain = [...options.inits];
  const y = { field: 'label', type: 'nominal' as const, title: null, scale: { domain }, axis: { labelLimit: 320 } };
  const x = { field: 'accuracy', type: 'quantitative' as const, title: 'test accuracy (2,000 digits)', scale: { domain: [0, 1] }, axis: { format: '%' } };
  return withDefaults({
    title: options.title,
    width: 460,
    height: { step: 34 },
    layer: [
      { data: { values: medians }, mark: { type: 'tick', thickness: 3, color: '#222', size: 24 }, encoding: { x, y } },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 70, opacity: 0.75 },
        encoding: { x, y, color: { field: 'label', type: 'nominal', scale: { domain }, legend: null }, tooltip: [{ field: 'seed' }, { field: 'accuracy', format: '.3f' }] },
      },
      {
        data: { values: [{ accuracy: 0.1, text: 'chance 10%' }] },
        layer: [
          { mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { x: { field: 'accuracy', type: 'quantitative' } } },
        ],
      },
    ],
  });
}

/** A small table of numbers for the report: column headers and rows of cells. */
export interface NumbersTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

// ---------------------------------------------------------------------------------------------------------------
// Config validation shared by the training experiments
// ---------------------------------------------------------------------------------------------------------------

/** The fields every MNIST training experiment's config has. */
export interface TrainingConfig {
  /** Initializer arguments as written on the command line. */
  readonly init: readonly string[];
  /** Number of run seeds: seed, seed + 1, …, seed + seeds − 1. */
  readonly seeds: number;
  /** First run seed. */
  readonly seed: number;
  readonly iterations: number;
  /** SGD learning rate. */
  readonly lr: number;
  /** Batch size. */
  readonly batch: number;
  /** Number of hidden layers. */
  readonly depth: number;
  /** Units per hidden layer. */
  readonly width: number;
}

/** Checks a training config, throwing InitError with a one-sentence message naming the experiment and field. */
export function checkTrainingConfig(where: string, config: TrainingConfig): void {
  const positiveInteger = (key: keyof TrainingConfig, max = 1_000_000): void => {
    const v = config[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) fail('invalid_option', where, key, `an integer in [1, ${count(max)}]`, v);
  };
  if (!Array.isArray(config.init) || config.init.length === 0) fail('invalid_option', where, 'init', 'a non-empty list of initializers', config.init);
  for (const init of config.init) parseInitArgument(String(init)); // throws InitError naming --init
  positiveInteger('seeds', 1000);
  positiveInteger('iterations');
  positiveInteger('batch', 8000);
  positiveInteger('depth', 1000);
  positiveInteger('width', 10_000);
  if (!Number.isSafeInteger(config.seed)) fail('invalid_option', where, 'seed', 'a safe integer', config.seed);
  if (!Number.isSafeInteger(config.seed + config.seeds)) fail('invalid_option', where, 'seed', 'a safe integer with room for the run seeds', config.seed);
  if (typeof config.lr !== 'number' || !(config.lr > 0) || !Number.isFinite(config.lr)) fail('invalid_option', where, 'lr', 'a positive finite number', config.lr);
  if (new Set(config.init).size !== config.init.length) fail('invalid_option', where, 'init', 'a list without repeats', config.init);
}

/** The run seeds of a config: seed, seed + 1, …. */
export function runSeeds(config: TrainingConfig): number[] {
  return Array.from({ length: config.seeds }, (_, i) => config.seed + i);
}

/** Layer widths of a config: 784, `depth` hidden layers of `width`, 10. */
export function layerSizes(config: Pick<TrainingConfig, 'depth' | 'width'>): number[] {
  return [IMAGE_SIZE, ...new Array<number>(config.depth).fill(config.width), CLASS_COUNT];
}

/** The command-line options shared by the training experiments (`--init`, `--seeds`, …), with their defaults. */
export function trainingOptions(defaults: TrainingConfig, extra: readonly ExperimentOption[] = []): ExperimentOption[] {
  return [
    { key: 'init', kind: 'init-list', description: `initializers to compare, repeated or comma-separated (default ${defaults.init.join(', ')})` },
    { key: 'seeds', kind: 'integer', description: `number of run seeds per initializer (default ${defaults.seeds})` },
    { key: 'iterations', kind: 'integer', description: `SGD steps per run (default ${count(defaults.iterations)})` },
    { key: 'lr', kind: 'number', description: `SGD learning rate (default ${defaults.lr})` },
    { key: 'batch', kind: 'integer', description: `batch size, digits drawn at random with replacement (default ${defaults.batch})` },
    { key: 'depth', kind: 'integer', description: `number of hidden layers (default ${defaults.depth})` },
    { key: 'width', kind: 'integer', description: `units per hidden layer (default ${defaults.width})` },
    ...extra,
    { key: 'seed', kind: 'integer', description: 'first run seed; runs use seed, seed + 1, … (default: the report seed, 0)' },
  ];
}

/** The activations a training experiment accepts (`linear` too, for completeness). */
export const TRAINING_ACTIVATIONS: readonly Activation[] = ACTIVATIONS;

// ---------------------------------------------------------------------------------------------------------------
// The `mnist` experiment
// ---------------------------------------------------------------------------------------------------------------

/** Config of `mnist`. */
export interface MnistConfig extends TrainingConfig {
  /** Hidden activation (relu, as the book). */
  readonly activation: Activation;
}

/** Per-initializer summary of `mnist` (and `depth`). */
export interface InitSummary {
  readonly init: string;
  /** Test accuracy over seeds. */
  readonly testAccuracy: Spread;
  /** Mean loss of the last 100 iterations, over seeds. */
  readonly finalLoss: Spread;
  /** First iteration (1-based) whose smoothed loss is below 1.0, per seed (null: never). */
  readonly iterationsToLoss1: (number | null)[];
}

/** Result of `mnist`. */
export interface MnistResult {
  readonly config: MnistConfig;
  readonly runs: TrainingRun[];
  readonly summary: InitSummary[];
}

/** Summaries per initializer, in config order. */
export function summarize(runs: readonly TrainingRun[], inits: readonly string[], iterations: number): InitSummary[] {
  const window = smoothingWindow(iterations);
  return inits.map((init) => {
    const mine = runs.filter((r) => r.init === init);
    return {
      init,
      testAccuracy: spread(mine.map((r) => r.testAccuracy)),
      finalLoss: spread(mine.map((r) => finalLoss(r.loss))),
      iterationsToLoss1: mine.map((r) => {
        const i = firstBelow(movingAverage(r.loss, window), 1.0);
        return i === null ? null : i + 1;
      }),
    };
  });
}

/** Legend text of an initializer in the training experiments: the argument and what it means for a 100-unit layer. */
export function describeInit(init: string, width: number): string {
  const std = hiddenStd(init, width);
  const role = reluRole(init, width);
  const name = role === 'he' ? 'He' : role === 'xavier' ? 'Xavier' : null;
  const stdText = Number.isFinite(std) ? `std ${Number(std.toPrecision(3))} at ${width}×${width}` : '';
  if (initName(init) === 'glorot_normal') return `${init} (Xavier/Glorot, ${stdText})`;
  if (initName(init) === 'lecun_normal' && role === 'xavier') return `${init} (He et al.'s "Xavier": variance 1/fan_in, ${stdText})`;
  return name ? `${init} (${name}, ${stdText})` : stdText ? `${init} (${stdText})` : init;
}

const MNIST_DEFAULTS: MnistConfig = {
  init: ['normal:std=0.01', 'glorot_normal', 'he_normal'],
  seeds: 3,
  seed: 0,
  iterations: 2000,
  lr: 0.01,
  batch: 128,
  depth: 4,
  width: 100,
  activation: 'relu',
};

/** Test accuracy margin by which the random-scaled inits must beat std 0.01 for the claim to hold. */
export const MNIST_MARGIN = 0.2;

function mnistClaims(result: MnistResult): Claim[] {
  const { config, summary } = result;
  const claims: Claim[] = [];
  const byMedian = [...summary].sort((a, b) => a.testAccuracy.median - b.testAccuracy.median);
  const worst = byMedian[0]!;
  const best = byMedian[byMedian.length - 1]!;
  const iters = count(config.iterations);
  const net = `${config.depth} hidden layers of ${config.width} ${config.activation}`;
  if (summary.length >= 2) {
    const others = summary.filter((s) => s !== worst);
    const margin = Math.min(...others.map((s) => s.testAccuracy.min)) - worst.testAccuracy.max;
    claims.push({
      claim: 'The learning performance varies greatly depending on the weight initialization method.',
      measurement:
        `MNIST, ${net}, SGD lr ${config.lr}, ${iters} iterations, ${config.seeds} seed(s): median test accuracy ` +
        summary.map((s) => `${s.init} ${percentSpread(s.testAccuracy)}`).join(', ') +
        `; every run of the others beats every run of ${worst.init} by ≥ ${(100 * margin).toFixed(1)} points (needed: ≥ ${100 * MNIST_MARGIN}).`,
      held: margin >= MNIST_MARGIN && best.testAccuracy.median - worst.testAccuracy.median >= MNIST_MARGIN,
    });
  }
  const small = summary.find((s) => reluRole(s.init, config.width) === 'small');
  if (small) {
    claims.push({
      claim: 'Small random values (std 0.01) make gradients vanish in a deep net: learning does not occur.',
      measurement: `${small.init}: mean loss of the last 100 iterations ${lossText(small.finalLoss.median)} (chance ln 10 = 2.303), test accuracy ${percentSpread(small.testAccuracy)} after ${iters} iterations.`,
      held: small.finalLoss.min >= CHANCE_LOSS - 0.1 && small.testAccuracy.max < 0.3,
    });
  }
  const he = summary.find((s) => reluRole(s.init, config.width) === 'he');
  const xavier = summary.find((s) => initName(s.init) === 'glorot_normal' || reluRole(s.init, config.width) === 'xavier');
  if (he && xavier && config.activation === 'relu') {
    const reach = (s: InitSummary): number => median(s.iterationsToLoss1.map((v) => v ?? Number.POSITIVE_INFINITY).map((v) => (Number.isFinite(v) ? v : 1e12)));
    const reachText = (s: InitSummary): string => {
      const m = reach(s);
      return m >= 1e12 ? 'never' : `${count(Math.round(m))}`;
    };
    claims.push({
      claim: 'Xavier is not suitable for ReLU; He initialization is (5-layer net).',
      measurement:
        `median iterations to a smoothed loss below 1.0: ${he.init} ${reachText(he)}, ${xavier.init} ${reachText(xavier)}; ` +
        `test accuracy ${he.init} ${percentSpread(he.testAccuracy)} vs ${xavier.init} ${percentSpread(xavier.testAccuracy)}.`,
      held: reach(he) < reach(xavier) && he.testAccuracy.median > xavier.testAccuracy.median,
    });
  }
  return claims;
}

function mnistReading(result: MnistResult): string {
  const { config, summary } = result;
  const sorted = [...summary].sort((a, b) => b.testAccuracy.median - a.testAccuracy.median);
  const best = sorted[0]!;
  const worst = sorted[sorted.length - 1]!;
  const seeds = config.seeds === 1 ? 'one seed' : `the median of ${config.seeds} seeds`;
  const first =
    `After ${count(config.iterations)} SGD steps on the ${config.depth + 1}-layer ${config.activation} net, ` +
    summary.map((s) => `${s.init} reaches ${percent(s.testAccuracy.median)}`).join(', ') +
    ` test accuracy (${seeds}), so the initializer alone moves the result by ${(100 * (best.testAccuracy.median - worst.testAccuracy.median)).toFixed(0)} points.`;
  const stuck = summary.filter((s) => s.finalLoss.median >= CHANCE_LOSS - 0.1);
  const small = stuck.filter((s) => reluRole(s.init, config.width) === 'small');
  const others = stuck.filter((s) => !small.includes(s));
  const parts: string[] = [];
  for (const s of small) {
    const std = hiddenStd(s.init, config.width);
    const gain = config.activation === 'relu' ? std * Math.sqrt(config.width / 2) : std * Math.sqrt(config.width);
    parts.push(
      `${s.init} never leaves the chance loss (last-100 mean ${lossText(s.finalLoss.median)} vs ln 10 = 2.303): each ${config.width}-unit layer multiplies ` +
        `the signal's scale by about ${Number(gain.toPrecision(2))}, so the logits and the gradients of the early layers vanish`,
    );
  }
  if (others.length > 0) parts.push(`${others.map((s) => s.init).join(' and ')} ${others.length > 1 ? 'are' : 'is'} still at the chance loss after ${count(config.iterations)} iterations`);
  const second =
    parts.length > 0
      ? `${parts.join('; ')}, while ${best.init} ends at loss ${lossText(best.finalLoss.median)}.`
      : `All initializers left the chance loss of 2.303; the final losses are ${summary.map((s) => `${s.init} ${lossText(s.finalLoss.median)}`).join(', ')}.`;
  return `${first} ${second}`;
}

/** Experiment 4: std 0.01 vs Xavier vs He on the book's 5-layer ReLU net, several seeds. */
export const mnistExperiment: Experiment<MnistConfig, MnistResult> & { table(result: MnistResult): NumbersTable } = {
  name: 'mnist',
  title: 'MNIST: std 0.01 vs Xavier vs He on a 5-layer ReLU net',
  options: trainingOptions(MNIST_DEFAULTS, [
    { key: 'activation', kind: 'string', choices: TRAINING_ACTIVATIONS, description: `hidden activation (default ${MNIST_DEFAULTS.activation})` },
  ]),
  defaults(quick, seed) {
    return quick ? { ...MNIST_DEFAULTS, seeds: 1, iterations: 400, seed } : { ...MNIST_DEFAULTS, seed };
  },
  async run(config, onProgress) {
    checkTrainingConfig('mnist', config);
    if (!TRAINING_ACTIVATIONS.includes(config.activation)) fail('invalid_option', 'mnist', 'activation', `one of ${TRAINING_ACTIVATIONS.join(', ')}`, config.activation);
    const sizes = layerSizes(config);
    const jobs: TrainingJob[] = runSeeds(config).flatMap((seed) =>
      config.init.map((init) => ({ sizes, activation: config.activation, init, seed, lr: config.lr, batch: config.batch, iterations: config.iterations })),
    );
    const runs = await runTrainingJobs(jobs, onProgress);
    return { config, runs, summary: summarize(runs, config.init, config.iterations) };
  },
  figures(result) {
    const { config, runs } = result;
    const legend = (init: string): string => describeInit(init, config.width);
    const window = smoothingWindow(config.iterations);
    const seeds = config.seeds === 1 ? '1 seed' : `median and range of ${config.seeds} seeds`;
    return [
      {
        name: 'mnist-loss',
        caption: `Training loss of the ${config.depth + 1}-layer ReLU net on MNIST (moving average of ${window} iterations; ${seeds}). The dashed line is chance, ln 10.`,
        spec: lossFigureSpec({
          title: `MNIST, ${config.depth} × ${config.width} ${config.activation}, SGD lr ${config.lr}, batch ${config.batch}`,
          rows: lossBandRows(runs, config.init, config.iterations),
          inits: config.init,
          legend,
          window,
        }),
      },
      {
        name: 'mnist-accuracy',
        caption: `Test accuracy after ${count(config.iterations)} iterations: one dot per seed, the bar is the median.`,
        spec: accuracyFigureSpec({ title: `Test accuracy after ${count(config.iterations)} iterations`, runs, inits: config.init }),
      },
    ];
  },
  claims: mnistClaims,
  reading: mnistReading,
  table(result) {
    return trainingTable(result.summary);
  },
};

/** The numbers table of `mnist` and `depth`: per initializer, test accuracy and final loss over seeds. */
export function trainingTable(summary: readonly InitSummary[]): NumbersTable {
  return {
    columns: ['initializer', 'test accuracy: median', 'min–max', 'final loss (last 100): median', 'iterations to loss < 1.0'],
    rows: summary.map((s) => [
      s.init,
      percent(s.testAccuracy.median),
      `${percent(s.testAccuracy.min)}–${percent(s.testAccuracy.max)}`,
      lossText(s.finalLoss.median),
      s.iterationsToLoss1.map((v) => (v === null ? 'never' : count(v))).join(', '),
    ]),
  };
}
