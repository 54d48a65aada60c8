/**
 * Training runs of the MNIST experiments (`symmetry`, `mnist`, `depth`) in Node: one seeded run on the lab's MNIST
 * split ({@link trainRun}; the run itself and its seeding are engine/training-run.ts), and a pool that spreads
 * independent runs over worker threads ({@link runTrainingJobs}).
 *
 * Workers: this module is also the workers' entry. The pool starts `new Worker(new URL(import.meta.url))`, i.e. this
 * very file (the compiled `dist/lab/engine/training-jobs.js`, or the `.ts` file when run from source), with a
 * `workerData` marker; on loading, the module sees the marker and serves the jobs posted to it.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadMnist } from '../data/mnist.ts';
import type { ProgressCallback } from '../experiments/experiment.ts';
import { setupBackend, type BackendName } from './backend.ts';
import { trainRunOn, type TrainingJob, type TrainingRun } from './training-run.ts';

export {
  batchKey,
  countDistinctNeurons,
  createRunMlp,
  NEURON_TOLERANCE,
  trainRunOn,
  weightKey,
  type DistinctNeurons,
  type TrainingJob,
  type TrainingRun,
} from './training-run.ts';

/**
 * Trains one network on the lab's MNIST split (`loadMnist()`). Synchronous; call {@link setupBackend} first.
 * `onIteration(done)` is called after every SGD step with the number of steps done.
 */
export function trainRun(job: TrainingJob, onIteration?: (done: number) => void): TrainingRun {
  return trainRunOn(job, loadMnist(), onIteration);
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
