/**
 * `initlab/lab`: the lab's public entry. The experiments (each an {@link Experiment}: defaults, a seeded `run`,
 * figures, checked claims and a reading), the registry the CLI and the report use, the report itself, and the
 * pieces they are built from: initializer arguments (parsed once into canonical specs), the TF.js backend and MLP
 * engine, the MNIST split and the Vega-Lite renderer.
 *
 * Importing it loads TensorFlow.js (`@tensorflow/tfjs` and `@tensorflow/tfjs-backend-wasm`).
 */
export type { Claim, Experiment, ExperimentOption, Figure, FigureLink, NumbersTable, ProgressCallback } from './experiments/experiment.ts';
export { EXPERIMENTS, EXPERIMENT_NAMES, findExperiment, type AnyExperiment } from './experiments/index.ts';

export { activationsExperiment, type ActivationsConfig, type ActivationsResult, type ActivationsRun, type LayerStats } from './experiments/activations.ts';
export { gradientsExperiment, type GradientsConfig, type GradientsResult, type GradientsRun } from './experiments/gradients.ts';
export { symmetryExperiment, isConstantInit, type SymmetryConfig, type SymmetryResult, type SymmetryRun } from './experiments/symmetry.ts';
export { mnistExperiment, type MnistConfig, type MnistResult } from './experiments/mnist.ts';
export type { TrainingConfig } from './experiments/training-config.ts';
export {
  trainRun,
  runTrainingJobs,
  trainingParallelism,
  closeTrainingWorkers,
  countDistinctNeurons,
  NEURON_TOLERANCE,
  type TrainingJob,
  type TrainingRun,
  type DistinctNeurons,
} from './engine/training-jobs.ts';
export { CHANCE_LOSS, movingAverage, type InitSummary, type Spread } from './analysis/training-summary.ts';
export { depthExperiment, type DepthConfig, type DepthResult, type DepthRun } from './experiments/depth.ts';
export { seluExperiment, type SeluConfig, type SeluResult, type SeluRun } from './experiments/selu.ts';
export { recurrentExperiment, type RecurrentConfig, type RecurrentResult, type RecurrentRun } from './experiments/recurrent.ts';

export {
  runReport,
  checkReportTarget,
  initlabVersion,
  DEFAULT_REPORT_DIR,
  RNG_DESCRIPTION,
  type ReportOptions,
  type ReportEvents,
  type ReportOutcome,
  type ExperimentOutcome,
  type FigureFiles,
} from './report/report.ts';
export { renderHtml, scopeSvgIds, escapeHtml, type PageMeta, type PageExperiment, type PageFigure } from './report/html.ts';
export { cell, percentCell } from './analysis/cells.ts';

export { parseInitArgument, initSpec, initLabel, initKey, sameInit, type InitArgument } from './init-arg.ts';
export { setupBackend, type BackendInfo, type BackendName } from './engine/backend.ts';
export {
  ACTIVATIONS,
  createMlp,
  disposeMlp,
  forwardAll,
  hiddenActivations,
  train,
  predict,
  accuracy,
  gradientNorms,
  readKernels,
  type Activation,
  type Mlp,
  type MlpSpec,
  type KernelShape,
  type WeightSource,
  type BiasSource,
  type LabelledBatch,
  type TrainOptions,
  type TrainResult,
  type GradientNorms,
} from './engine/mlp.ts';
export {
  loadMnist,
  batchStream,
  sampleBatch,
  batchIndices,
  IMAGE_SIZE,
  CLASS_COUNT,
  TRAIN_COUNT,
  TEST_COUNT,
  type DigitSet,
  type Mnist,
  type Batch,
} from './data/mnist.ts';
export { vegaLiteToSvg, svgToPng, fontFiles, type VegaLiteSpec, type PngOptions } from './plot/render.ts';

export {
  DEFAULT_EXPLORER_STATE,
  EXPLORER_LIMITS,
  explorerUrl,
  formatExplorerState,
  labCommand,
  parseExplorerState,
  type ExplorerState,
  type ParsedExplorerState,
} from './explorer/state.ts';
export { activationsRunUrl, DEFAULT_EXPLORER_URL, EXPLORER_PORT } from './explorer/links.ts';
export { predictSignal, gaussianExpectation, scalarActivation, type SignalPrediction, type SignalSetup } from './analysis/mean-field.ts';
