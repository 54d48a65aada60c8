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
export { type Nonlinearity, NONLINEARITIES, gain, varianceGain } from './gain.ts';
export {
  type Initializer,
  type InitializerSpec,
  type InitializerDefinition,
  type CallOptions,
  type FillOptions,
  type Description,
  type Dtype,
  DTYPES,
} from './initializers/initializer.ts';
export { zeros, ones, constant, uniform, normal, truncatedNormal } from './initializers/basic.ts';
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
export { bfloat16Bits, float16Bits, bfloat16Value, float16Value } from './half.ts';
export { type ModelParameter, type ModelPlan, parameterKey } from './models/model.ts';
