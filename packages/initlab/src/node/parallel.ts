/**
 * initlab/node: multi-threaded fills for Node.js (worker_threads over a SharedArrayBuffer-backed output).
 *
 * The same functions as the core samplers, with the same arguments and the same bits: element j of the output is
 * stream element offset + j whichever thread computes it, so a fill on N threads is identical, bit for bit, to a
 * fill on one (test/random/parallel.test.ts). The output is cut into tasks of {@link TASK_SIZE} elements that the
 * calling thread and the workers take from a shared atomic counter until none is left, so a busy core slows the
 * fill down without stalling it; the call returns when every task is done (the calling thread waits with
 * `Atomics.wait`, which Node allows on its main thread).
 *
 * The output must live in a SharedArrayBuffer ({@link sharedFloat32Array}, {@link sharedFloat64Array}) for the
 * workers to write into it; any other array is filled on the calling thread alone (same bits, no speed-up). Workers
 * are started on first use, kept for later fills, and do not keep the process alive; {@link closeWorkers} ends them.
 *
 * {@link initialize} does the same for a whole initializer: `initialize(init, shape, key, options)` returns a
 * SharedArrayBuffer-backed array, filled on every core, bit-identical to `init(shape, key, options)`.
 *
 * This module imports `node:` built-ins, so it is a separate entry point, not part of the platform-neutral core.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkLayout, type Layout } from '../fans.ts';
import { checkDtype, type Dtype, type HalfDtype, type Initializer, type InitializerSpec, type OutputArray } from '../initializers/initializer.ts';
import { orthogonalDefinition, orthogonalMatrixShape } from '../initializers/orthogonal.ts';
import { findDefinition, fromSpec } from '../initializers/registry.ts';
import { haarColumnCost, haarColumnsFloat32 } from '../linalg/haar-float32.ts';
import { haarInputLength } from '../linalg/qr.ts';
import { toKey, type Key, type KeyLike } from '../random/key.ts';
import {
  type FillPlan,
  type FloatArray,
  type NormalOptions,
  type TruncatedNormalOptions,
  type UniformOptions,
  planNormal,
  planTruncatedNormal,
  planUniform,
  runFill,
} from '../random/samplers.ts';
import { checkShape, sizeOf, type Shape } from '../shape.ts';

/** How many threads a fill may use. */
export interface ThreadOptions {
  /**
   * Threads including the calling one (default: `os.availableParallelism()`). 1 fills on the calling thread only.
   */
  readonly threads?: number;
}

/** Elements per task: large enough that taking a task costs nothing, small enough to balance a loaded machine. */
export const TASK_SIZE = 1 << 16;
/** Outputs shorter than this are filled on the calling thread: waking a worker would cost more than it saves. */
export const MIN_PARALLEL_LENGTH = 1 << 17;

/** What the threads of a job compute: a sampler's plan, or an element-wise initializer rebuilt from its spec. */
export type JobWork =
  | { readonly kind: 'sampler'; readonly plan: FillPlan }
  | {
      /** Columns bounds[t] … bounds[t+1]−1 of the float32 Haar matrix per task t (haarColumnsFloat32). */
      readonly kind: 'haar32';
      readonly x: Float64Array;
      readonly m: number;
      readonly n: number;
      readonly bounds: readonly number[];
    }
  | {
      readonly kind: 'initializer';
      readonly spec: InitializerSpec;
      readonly shape: Shape;
      readonly key: Key;
      readonly layout: Layout;
      /** Flat index of `out[0]` in the whole tensor (0 for a whole-tensor fill). */
      readonly offset?: number;
      readonly dtype: Dtype;
    };

/** A job as a worker receives it (structured clone; `out` and `control` share memory with the caller). */
export interface FillJob {
  readonly work: JobWork;
  readonly out: OutputArray;
  /** [next task, tasks done, failures]. */
  readonly control: Int32Array;
  readonly tasks: number;
  readonly taskSize: number;
}

/** Indices into {@link FillJob.control}. */
export const NEXT = 0;
export const DONE = 1;
export const FAILED = 2;

/** Initializers rebuilt from specs in this thread, by JSON of the spec (specs are small and few). */
const rebuilt = new Map<string, Initializer>();

function rebuild(spec: InitializerSpec): Initializer {
  const id = JSON.stringify(spec);
  let init = rebuilt.get(id);
  if (init === undefined) {
    if (rebuilt.size >= 64) rebuilt.clear();
    init = fromSpec(spec);
    rebuilt.set(id, init);
  }
  return init;
}

/** Returns the function that fills elements [start, end) of the job's output. */
function taskRunner(work: JobWork, out: OutputArray): (start: number, end: number) => void {
  if (work.kind === 'sampler') return (start, end) => runFill(work.plan, out as FloatArray, start, end);
  if (work.kind === 'haar32') {
    const { x, m, n, bounds } = work;
    // Task t starts at t (taskSize 1).
    return (start) => haarColumnsFloat32(x, m, n, bounds[start]!, bounds[start + 1]!, out as Float32Array);
  }
  const init = rebuild(work.spec);
  const { shape, key, layout, dtype } = work;
  const base = work.offset ?? 0;
  return (start, end) => void init.fill(out.subarray(start, end), shape, key, { layout, offset: base + start, dtype });
}

/**
 * Takes tasks from the job's counter and fills them until none is left; shared by the calling thread and the workers.
 * Counts each finished task in control[DONE] and wakes the caller after the last one.
 */
export function workOn(job: FillJob): void {
  const { work, out, control, tasks, taskSize } = job;
  let run: (start: number, end: number) => void;
  try {
    run = taskRunner(work, out);
  } catch (error) {
    Atomics.add(control, FAILED, 1);
    Atomics.notify(control, DONE);
    throw error;
  }
  for (;;) {
    const task = Atomics.add(control, NEXT, 1);
    if (task >= tasks) return;
    const start = task * taskSize;
    const end = Math.min(out.length, start + taskSize);
    try {
      run(start, end);
    } catch (error) {
      Atomics.add(control, FAILED, 1);
      throw error;
    } finally {
      if (Atomics.add(control, DONE, 1) + 1 === tasks) Atomics.notify(control, DONE);
    }
  }
}

/**
 * A Float32Array of `length` zeros in a SharedArrayBuffer, which the parallel fills write to from every thread.
 *
 * @example
 * const out = sharedFloat32Array(4096 * 4096); // out.buffer is a SharedArrayBuffer
 * fillNormal(keyFromSeed(0), out, { std: 0.02 }); // filled on every core
 */
export function sharedFloat32Array(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

/**
 * A Uint16Array of `length` zeros in a SharedArrayBuffer, for bfloat16 or float16 bits.
 *
 * @example
 * const bits = sharedUint16Array(4096 * 4096);
 * heNormal().fill(bits, [4096, 4096], keyFromSeed(0), { dtype: 'bfloat16' }); // bfloat16 bits
 */
export function sharedUint16Array(length: number): Uint16Array {
  return new Uint16Array(new SharedArrayBuffer(length * Uint16Array.BYTES_PER_ELEMENT));
}

/**
 * A Float64Array of `length` zeros in a SharedArrayBuffer.
 *
 * @example
 * const out = sharedFloat64Array(1 << 20);
 * fillUniform(keyFromSeed(0), out, { low: -1, high: 1, threads: 4 }); // float64 stream, on 4 threads
 */
export function sharedFloat64Array(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

const workers: Worker[] = [];
let workerError: Error | undefined;

function startWorker(): Worker {
  const url = new URL(import.meta.url.endsWith('.ts') ? './fill-worker.ts' : './fill-worker.js', import.meta.url);
  const worker = new Worker(url);
  worker.unref();
  worker.on('error', (error) => {
    workerError = error;
  });
  worker.on('exit', () => {
    const at = workers.indexOf(worker);
    if (at >= 0) workers.splice(at, 1);
  });
  return worker;
}

/**
 * Ends the worker threads (they are restarted by the next parallel fill).
 *
 * @example
 * await closeWorkers();
 * workerCount(); // 0
 */
export async function closeWorkers(): Promise<void> {
  const ending = workers.splice(0, workers.length);
  await Promise.all(ending.map((worker) => worker.terminate()));
}

/**
 * Number of worker threads currently running.
 *
 * @example
 * fillNormal(keyFromSeed(0), sharedFloat32Array(1 << 22), { threads: 4 });
 * workerCount(); // 3 in a fresh process: the calling thread is the fourth
 */
export function workerCount(): number {
  return workers.length;
}

function threadCount(options: ThreadOptions): number {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new RangeError(`threads must be a positive integer, got ${String(threads)}`);
  }
  return threads;
}

/** Runs a planned fill on up to `threads` threads (the calling one included) and returns when it is complete. */
export function runParallel<T extends FloatArray>(plan: FillPlan, out: T, options: ThreadOptions = {}): T {
  const threads = threadCount(options);
  if (threads === 1 || !(out.buffer instanceof SharedArrayBuffer) || out.length < MIN_PARALLEL_LENGTH) {
    runFill(plan, out);
    return out;
  }
  runJob({ kind: 'sampler', plan }, out, threads);
  return out;
}

/** Runs a job on `threads` threads (the calling one included) over a shared `out`; returns when it is complete. */
function runJob(work: JobWork, out: OutputArray, threads: number, tasks = Math.ceil(out.length / TASK_SIZE), taskSize = TASK_SIZE): void {
  const helpers = Math.min(threads, tasks) - 1;
  workerError = undefined; // an error of a worker that has since exited (and left the pool) is not this fill's
  while (workers.length < helpers) workers.push(startWorker());
  const control = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const job: FillJob = { work, out, control, tasks, taskSize };
  for (let w = 0; w < helpers; w++) workers[w]!.postMessage(job);
  workOn(job);
  // Tasks that workers took are finishing; wait for them (with a timeout, to notice a worker that died).
  for (let done = Atomics.load(control, DONE); done < tasks; done = Atomics.load(control, DONE)) {
    Atomics.wait(control, DONE, done, 100);
    if (workerError !== undefined || Atomics.load(control, FAILED) > 0) {
      const error = workerError ?? new Error('a fill task failed in a worker');
      workerError = undefined;
      throw error;
    }
  }
}

/**
 * {@link fillUniform} of the core, on several threads when `out` is shared. Same bits.
 *
 * @example
 * fillUniform(keyFromSeed(0), sharedFloat32Array(1 << 24), { low: -0.1, high: 0.1, threads: 8 }); // same bits as on 1 thread
 */
export function fillUniform<T extends FloatArray>(key: KeyLike, out: T, options: UniformOptions & ThreadOptions = {}): T {
  return runParallel(planUniform(key, out instanceof Float32Array, out.length, options), out, options);
}

/**
 * {@link fillNormal} of the core, on several threads when `out` is shared. Same bits.
 *
 * @example
 * fillNormal(keyFromSeed(0), sharedFloat32Array(1 << 24), { std: 0.02 }); // all cores, same bits as on 1 thread
 */
export function fillNormal<T extends FloatArray>(key: KeyLike, out: T, options: NormalOptions & ThreadOptions = {}): T {
  return runParallel(planNormal(key, out instanceof Float32Array, out.length, options), out, options);
}

/**
 * {@link fillTruncatedNormal} of the core, on several threads when `out` is shared. Same bits.
 *
 * @example
 * fillTruncatedNormal(keyFromSeed(0), sharedFloat32Array(1 << 24), { std: 0.02, threads: 4 }); // every value in [-0.04, 0.04]
 */
export function fillTruncatedNormal<T extends FloatArray>(key: KeyLike, out: T, options: TruncatedNormalOptions & ThreadOptions = {}): T {
  return runParallel(planTruncatedNormal(key, out instanceof Float32Array, out.length, options), out, options);
}

/** Options of {@link initialize}: those of an initializer call, plus the number of threads. */
export interface InitializeOptions extends ThreadOptions {
  /** Weight layout (default `tf`). */
  readonly layout?: Layout;
  /** Output element type (default `float32`). */
  readonly dtype?: Dtype;
}

/**
 * `init(shape, key, {layout, dtype})` computed on several threads, into a new SharedArrayBuffer-backed array.
 *
 * Guarantee: the result is bit-identical to `init(shape, key, {layout, dtype})` for every thread count
 * (test/node/initialize.test.ts), since element i of the tensor depends only on (spec, shape, key, layout, i).
 *
 * Element-wise initializers (`definition.elementwise`: zeros, ones, constant, uniform, normal,
 * truncated_normal, the glorot/he/lecun families and variance_scaling) are cut into tasks of {@link TASK_SIZE}
 * elements; each worker rebuilds the initializer from `init.spec` with `fromSpec` and fills its slices with
 * `init.fill(slice, shape, key, {layout, offset})`. `orthogonal` in float32 (smaller side at least
 * {@link MIN_PARALLEL_ORTHOGONAL}) splits the columns of its Haar matrix between the threads (same bits). Other
 * structured initializers (delta_orthogonal, identity, dirac, sparse, orthogonal in float64), whose elements depend
 * on each other, and initializers not made from the registry's definitions,
 * which a worker could not rebuild, run on the calling thread alone (same result, no speed-up), as do tensors
 * shorter than {@link MIN_PARALLEL_LENGTH} elements and `threads: 1`.
 *
 * @throws InitError as the initializer call would (invalid shape, layout, dtype or key); RangeError for `threads`.
 * @example
 * const w = initialize(heNormal(), [4096, 4096], keyFromSeed(0)); // Float32Array, bit-identical to heNormal()([4096, 4096], keyFromSeed(0))
 * initialize(normal({ std: 0.02 }), [50257, 768], keyFromSeed(0), { dtype: 'bfloat16', threads: 8 }); // Uint16Array of bfloat16 bits
 */
export function initialize(init: Initializer, shape: Shape, key: KeyLike, options?: InitializeOptions & { readonly dtype?: 'float32' }): Float32Array;
export function initialize(init: Initializer, shape: Shape, key: KeyLike, options: InitializeOptions & { readonly dtype: 'float64' }): Float64Array;
export function initialize(init: Initializer, shape: Shape, key: KeyLike, options: InitializeOptions & { readonly dtype: HalfDtype }): Uint16Array;
export function initialize(
  init: Initializer,
  shape: Shape,
  key: KeyLike,
  options: InitializeOptions & { readonly dtype: 'float32' | 'float64' },
): Float32Array | Float64Array;
export function initialize(init: Initializer, shape: Shape, key: KeyLike, options?: InitializeOptions): OutputArray;
export function initialize(init: Initializer, shape: Shape, key: KeyLike, options: InitializeOptions = {}): OutputArray {
  const name = init.definition.name;
  const dtype = checkDtype(options.dtype ?? 'float32', name);
  const threads = threadCount(options);
  const k = toKey(key);
  checkShape(shape, name);
  const layout = checkLayout(options.layout ?? 'tf', name);
  const size = sizeOf(shape);
  if (dtype === 'float32' && threads > 1 && init.definition === orthogonalDefinition && findDefinition(init.spec.name) === init.definition) {
    const out = orthogonalOnThreads(init, shape, k, layout, threads);
    if (out !== undefined) return out;
  }
  const out = dtype === 'float64' ? sharedFloat64Array(size) : dtype === 'float32' ? sharedFloat32Array(size) : sharedUint16Array(size);
  if (threads === 1 || size < MIN_PARALLEL_LENGTH || !splittable(init)) {
    init.fill(out, shape, k, { layout, dtype });
    return out;
  }
  init.describe(shape, layout); // plans once here, so that an invalid shape throws before any worker starts
  runJob({ kind: 'initializer', spec: init.spec, shape: [...shape], key: { k0: k.k0, k1: k.k1 }, layout, dtype }, out, threads);
  return out;
}

/** Options of {@link fillInitializer}. */
export interface FillInitializerOptions extends ThreadOptions {
  /** Weight layout (default `tf`). */
  readonly layout?: Layout;
  /** Flat row-major index of `out[0]` in the whole tensor (default 0). */
  readonly offset?: number;
  /** `bfloat16` or `float16` for a Uint16Array `out` (its bits); the array's own type otherwise. */
  readonly dtype?: Dtype;
}

/**
 * `init.fill(out, shape, key, {layout, offset, dtype})` on several threads: writes elements offset … offset + out.length − 1
 * of the row-major tensor into `out`, bit-identical to the one-thread call for every thread count (element i depends
 * only on the spec, shape, key, layout and i). A Uint16Array `out` receives bfloat16 or float16 bits (`dtype`), each
 * thread rounding its own slices once from float32. Threads help when `out` lives in a SharedArrayBuffer, is at least
 * {@link MIN_PARALLEL_LENGTH} long and `init` is an element-wise initializer of the registry; otherwise the calling
 * thread fills it alone. This is how the checkpoint writer fills a tensor chunk by chunk.
 *
 * @throws InitError as `init.fill` would (shape, layout, offset, key, dtype); RangeError for `threads`.
 * @example
 * const chunk = sharedFloat32Array(1 << 22);
 * fillInitializer(normal({ std: 0.02 }), chunk, [50257, 768], key, { layout: 'torch', offset: 1 << 22 });
 * fillInitializer(normal({ std: 0.02 }), sharedUint16Array(1 << 22), [50257, 768], key, { layout: 'torch', dtype: 'bfloat16' });
 */
export function fillInitializer<T extends OutputArray>(init: Initializer, out: T, shape: Shape, key: KeyLike, options: FillInitializerOptions = {}): T {
  const threads = threadCount(options);
  const layout = options.layout ?? 'tf';
  const offset = options.offset ?? 0;
  const call = { layout, offset, ...(options.dtype !== undefined && { dtype: options.dtype }) };
  if (threads === 1 || !(out.buffer instanceof SharedArrayBuffer) || out.length < MIN_PARALLEL_LENGTH || !splittable(init)) {
    return init.fill(out, shape, key, call);
  }
  const k = toKey(key);
  // One call on the calling thread checks every argument (and fills the first element) before any worker starts.
  init.fill(out.subarray(0, 1), shape, k, { ...call, layout: checkLayout(layout, init.definition.name) });
  if (offset + out.length > sizeOf(shape)) init.fill(out, shape, k, call); // throws the range error
  const dtype: Dtype = out instanceof Float64Array ? 'float64' : out instanceof Float32Array ? 'float32' : (options.dtype as Dtype);
  runJob({ kind: 'initializer', spec: init.spec, shape: [...shape], key: { k0: k.k0, k1: k.k1 }, layout, offset, dtype }, out, threads);
  return out;
}

/** Whether workers can compute slices of `init` alone: an element-wise initializer of the registry. */
function splittable(init: Initializer): boolean {
  if (init.definition.elementwise !== true) return false;
  try {
    return findDefinition(init.spec.name) === init.definition;
  } catch {
    return false;
  }
}

/** Orthogonal matrices whose smaller side is below this are built on the calling thread alone. */
export const MIN_PARALLEL_ORTHOGONAL = 128;

/**
 * `orthogonal` in float32 on `threads` threads: the Gaussian vectors are drawn into shared memory (the parallel
 * fill, same bits), then the columns of Q are split into one range per thread of about equal work
 * ({@link haarColumnCost}); each thread forms its columns with haarColumnsFloat32 in its own WebAssembly memory,
 * every column through the same operations as on one thread, so the result is bit-identical to
 * `orthogonal(...)(shape, key)` (test/node/orthogonal.test.ts). Undefined when the matrix is too small to split.
 */
function orthogonalOnThreads(init: Initializer, shape: Shape, key: Key, layout: Layout, threads: number): Float32Array | undefined {
  init.describe(shape, layout); // validates the shape first
  const { rows, cols } = orthogonalMatrixShape(shape, layout);
  const big = Math.max(rows, cols);
  const small = Math.min(rows, cols);
  if (small < MIN_PARALLEL_ORTHOGONAL) return undefined;
  const gain = init.spec['gain'] as number;
  const x = sharedFloat64Array(haarInputLength(big, small));
  runParallel(planNormal(key, false, x.length), x, { threads });
  const total = haarColumnCost(big, small, small);
  const bounds = [0];
  for (let t = 1, c = 0; t < threads; t++) {
    while (c < small && haarColumnCost(big, small, c) < (total * t) / threads) c++;
    bounds.push(c);
  }
  bounds.push(small);
  const qt = sharedFloat32Array(big * small);
  runJob({ kind: 'haar32', x, m: big, n: small, bounds }, qt, threads, threads, 1);
  // As orthogonalMatrix: W = gain·Qᵀ (rows ≤ cols) or gain·Q, rounded to float32.
  if (rows <= cols) {
    for (let i = 0; i < qt.length; i++) qt[i] = gain * qt[i]!;
    return qt;
  }
  const w = sharedFloat32Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const rowOfQt = j * rows;
    for (let i = 0; i < rows; i++) w[i * cols + j] = gain * qt[rowOfQt + i]!;
  }
  return w;
}
