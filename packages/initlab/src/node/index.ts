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
  type FillInitializerOptions,
  fillInitializer,
} from './parallel.ts';
export { writeFileAtomic } from './files.ts';
export {
  type CheckpointSettings,
  type PreparedCheckpoint,
  CHUNK_ELEMENTS,
  prepareCheckpoint,
} from './checkpoint/generate.ts';
export {
  type WorkerSpec,
  type CheckpointProgress,
  type WriteCheckpointOptions,
  type WriteCheckpointResult,
  type ManifestTensor,
  type CheckpointManifest,
  MANIFEST_FILE,
  RECORDS_DIR,
  isCheckpointEntry,
  checkOutputDirectory,
  writeCheckpoint,
  finalizeCheckpoint,
  temporaryFiles,
} from './checkpoint/write.ts';
export {
  type TensorStatistics,
  type InspectedTensor,
  type InspectedCheckpoint,
  type VerifyOptions,
  type VerifyResult,
  readSafetensorsHeader,
  tensorBytes,
  tensorStatistics,
  inspectCheckpoint,
  readManifest,
  verifyCheckpoint,
} from './checkpoint/read.ts';
export { initlabVersion } from './version.ts';
