/**
 * initlab core: counter-based random streams, samplers, fans and gains, initializers and linear algebra.
 * Zero runtime dependencies; the same key and shape give the same bits on every platform.
 */
export { InitError, type InitErrorCode, fail, describeValue } from './errors.ts';
export { suggestion, type SuggestionStyle } from './suggest.ts';
export { camelCase, kebabCase } from './names.ts';
export { type Shape, sizeOf } from './shape.ts';
export { type Moments, moments } from './statistics.ts';
export { formatNumber } from './format.ts';
export { threefry2x32 } from './random/threefry.ts';
export { type Key, type KeyLike, keyFromSeed, keyFromWords, toKey, fold, split } from './random/key.ts';
export {
  type FloatArray,
  type UniformOptions,
  type NormalOptions,
  type TruncatedNormalOptions,
  fillUniform,
  fillNormal,
  fillTruncatedNormal,
  permutation,
  MAX_TRUNCATION_SIGMAS,
} from './random/samplers.ts';
export { normalCdf, normalQuantile } from './random/special.ts';
export { type Fans, type Layout, LAYOUTS, computeFans } from './fans.ts';
export {
  type Nonlinearity,
  type GainDefinition,
  type GainOptions,
  NONLINEARITIES,
  PYTORCH_NONLINEARITIES,
  GAIN_DEFINITIONS,
  gain,
  varianceGain,
  isPytorchNonlinearity,
} from './gain.ts';
export {
  type ActivationName,
  type ActivationMoments,
  type ActivationMomentsOptions,
  ACTIVATION_NAMES,
  SELU_ALPHA,
  SELU_LAMBDA,
  activation,
  activationMoments,
} from './activations.ts';
export { type CriticalInit, type CriticalInitOptions, type LengthMapOptions, criticalInit, lengthMap } from './critical.ts';
export {
  type Initializer,
  type InitializerSpec,
  type InitializerDefinition,
  type CallOptions,
  type FillOptions,
  type Description,
  type Dtype,
  type HalfDtype,
  type OutputArray,
  type Block,
  DTYPES,
  DTYPE_BYTES,
  checkDtype,
  newOutputArray,
  outputValues,
  forEachSegment,
} from './initializers/initializer.ts';
export { zeros, ones, constant, uniform, normal, truncatedNormal, embeddingNormal } from './initializers/basic.ts';
export {
  type FanMode,
  type Distribution,
  type HeOptions,
  type VarianceScalingOptions,
  FAN_MODES,
  DISTRIBUTIONS,
  TRUNCATED_NORMAL_STD_AT_2,
  varianceScaling,
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  lecunUniform,
  lecunNormal,
} from './initializers/variance-scaling.ts';
export { orthogonal, deltaOrthogonal } from './initializers/orthogonal.ts';
export { identity, dirac, sparse } from './initializers/structured.ts';
export { DEFINITIONS, INITIALIZER_NAMES, findDefinition, fromSpec } from './initializers/registry.ts';
export { type OptionSchema, type NumberOptionSchema, type ChoiceOptionSchema, describeNumberRange } from './initializers/options.ts';
export { parseInitializerText, formatInitializerText, canonicalJson, parseDecimal } from './initializers/spec-text.ts';
export { orthonormalize, householderQr, haarOrthonormal, haarInputLength } from './linalg/qr.ts';
export { bfloat16Bits, float16Bits, bfloat16Value, float16Value, roundToBfloat16, roundToFloat16 } from './half.ts';
export { type ModelParameter, type ModelPlan, parameterKey } from './models/model.ts';
export {
  type SafetensorsDtype,
  type SafetensorsEntry,
  type SafetensorsTensor,
  type SafetensorsLayout,
  type SafetensorsHeader,
  SAFETENSORS_ITEM_SIZES,
  MAX_SAFETENSORS_HEADER,
  layoutSafetensors,
  safetensorsHeaderLength,
  parseSafetensorsHeader,
  tensorByteSize,
  compareUtf8,
} from './checkpoint/safetensors.ts';
export {
  type CheckpointDtype,
  type CheckpointTensor,
  type CheckpointFile,
  type CheckpointLayout,
  CHECKPOINT_DTYPES,
  SAFETENSORS_DTYPE,
  DEFAULT_MAX_SHARD_SIZE,
  SINGLE_FILE,
  INDEX_FILE,
  parseShardSize,
  planCheckpoint,
  shardFileName,
  workerFiles,
  checkpointIndexJson,
} from './checkpoint/layout.ts';
export { LITTLE_ENDIAN, decodeTensorBytes } from './checkpoint/encode.ts';
export type { Recipe, ModelConfig } from './models/recipes/common.ts';
export { RECIPES, RECIPE_NAMES, findRecipe, buildModel } from './models/recipes/index.ts';
export { gpt2 } from './models/recipes/gpt2.ts';
export { llama, llamaTitan } from './models/recipes/llama.ts';
export { bert } from './models/recipes/bert.ts';
export { t5 } from './models/recipes/t5.ts';
export { vit } from './models/recipes/vit.ts';
export { resnet } from './models/recipes/resnet.ts';
export { modelFromJson, globMatcher } from './models/custom.ts';
