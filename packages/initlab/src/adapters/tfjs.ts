/**
 * `initlab/tfjs`: initlab initializers inside TensorFlow.js layers models.
 *
 * - {@link tfjsInitializer} turns an initlab initializer into a TF.js initializer (a registered subclass of
 *   tfjs-layers' `Initializer`) for `kernelInitializer`, `biasInitializer`, `recurrentInitializer`,
 *   `embeddingsInitializer`, `depthwiseInitializer`, `pointwiseInitializer`, ...; each weight is drawn from
 *   `fold(root, [layerName, role])`, bit for bit the core's values, and survives `model.toJSON()` and `model.save()`.
 * - {@link initializeModel} (re)initializes an existing model in place from a root seed and rules
 *   (`{Dense: 'he_normal', 'LSTM.recurrent': 'orthogonal', bias: 'zeros'}`) through `layer.setWeights`, and reports
 *   target vs measured std per weight.
 *
 * - {@link lsuv} rescales a model's kernels layer by layer to unit output variance on a batch (Mishkin & Matas 2016).
 * - {@link diagnose} measures per-layer statistics and gradients on a batch beside the mean-field prediction, and
 *   flags layers where the signal vanishes or explodes; {@link formatDiagnosis} prints them as a table.
 *
 * Imports only `@tensorflow/tfjs-core` and `@tensorflow/tfjs-layers` (optional peer dependencies, ^4.22), not the
 * whole `@tensorflow/tfjs` bundle; the initlab core never imports either. Models built with the bundle work as they
 * are: it re-exports these two packages, so there is one tfjs-core and one serialization registry. A backend must be
 * registered by the program (the bundle, `@tensorflow/tfjs-node` or e.g. `@tensorflow/tfjs-backend-cpu`).
 *
 * @example
 * ```ts
 * // tf: the @tensorflow/tfjs bundle; initializeModel and tfjsInitializer: this module (initlab/tfjs).
 * const model = tf.sequential({ layers: [tf.layers.dense({ name: 'fc1', units: 256, inputShape: [784],
 *   kernelInitializer: tfjsInitializer('he_normal', { seed: 42, path: 'fc1/kernel' }) })] });
 * initializeModel(model, { seed: 42, rules: { bias: 'zeros' } });
 * ```
 */
export {
  InitlabInitializer,
  TFJS_CLASS_NAME,
  registerTfjsInitializer,
  tfjsInitializer,
  type BlockOptions,
  type InitializerLike,
  type InitlabInitializerState,
  type RootOptions,
  type TfjsInitializerBase,
  type TfjsInitializerOptions,
  type WeightPath,
} from './tfjs/initializer.ts';
export {
  formatInitReport,
  initializeModel,
  weightPath,
  weightRole,
  type InitializeModelOptions,
  type InitReport,
  type InitReportEntry,
  type InitRules,
} from './tfjs/initialize-model.ts';
export { lsuv, type LsuvOptions, type LsuvRecord } from './tfjs/lsuv.ts';
export {
  diagnose,
  formatDiagnosis,
  CUMULATIVE_LIMIT,
  FRACTION_LIMIT,
  LAYER_GAIN_LIMIT,
  THEORY_LIMIT,
  type DiagnoseOptions,
  type Diagnosis,
  type DiagnosisFlag,
  type LayerDiagnosis,
} from './tfjs/diagnose.ts';
