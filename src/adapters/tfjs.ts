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
 * Requires `@tensorflow/tfjs` (a peer dependency); the initlab core never imports it.
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
