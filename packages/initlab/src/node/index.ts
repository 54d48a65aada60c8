/**
 * `initlab/node`: what needs Node.js. Multi-threaded fills and initializers (worker_threads over shared memory,
 * bit-identical to one thread) and atomic file writes. The platform-neutral core is `initlab`.
 *
 * @module
 */
export {
  type ThreadOptions,
  type InitializeOptions,
  TASK_SIZE,
  MIN_PARALLEL_LENGTH,
  sharedFloat32Array,
  sharedFloat64Array,
  sharedUint16Array,
  closeWorkers,
  workerCount,
  fillUniform,
  fillNormal,
  fillTruncatedNormal,
  initialize,
} from './parallel.ts';
export { writeFileAtomic } from './files.ts';
