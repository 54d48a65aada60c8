/**
 * The bytes of each tensor of a checkpoint, generated chunk by chunk, and the settings every worker derives alone
 * from (model, seed, dtype, shard size limit): the layout, the metadata and a fingerprint of the run.
 */
import { initlabVersion } from '../version.ts';
import { createHash } from 'node:crypto';
import {
  CHECKPOINT_DTYPES,
  type CheckpointDtype,
  type CheckpointLayout,
  canonicalJson,
  encodeBfloat16,
  encodeFloat16,
  fail,
  fromSpec,
  InitError,
  type Initializer,
  type Key,
  keyFromSeed,
  LITTLE_ENDIAN,
  type ModelParameter,
  type ModelPlan,
  parameterKey,
  parseShardSize,
  planCheckpoint,
  sizeOf,
} from '../../index.ts';
import { fillInitializer, sharedFloat32Array, sharedFloat64Array } from '../parallel.ts';

/** What fixes the bytes of a checkpoint, besides the model. */
export interface CheckpointSettings {
  /** The root seed: parameter `name` is drawn with `fold(keyFromSeed(seed), name)`. */
  readonly seed: number | bigint;
  /** Element type of every tensor (default `float32`). */
  readonly dtype?: CheckpointDtype;
  /** Shard size limit: bytes, or text such as `5GB` / `500MB` (default 5GB, decimal units as Hugging Face). */
  readonly maxShardSize?: number | string;
}

/** Settings resolved once, identical in every worker. */
export interface PreparedCheckpoint {
  readonly plan: ModelPlan;
  readonly dtype: CheckpointDtype;
  readonly seed: number | bigint;
  readonly root: Key;
  readonly layout: CheckpointLayout;
  /** The `__metadata__` of every file: format pt, recipe, seed, dtype, initlab version. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly version: string;
  /** SHA-256 of (version, recipe, seed, dtype, limit, every parameter's name, shape, layout and canonical spec). */
  readonly fingerprint: string;
  /** The initializer of each parameter, in the model's order. */
  readonly initializers: readonly Initializer[];
}

/** Elements generated per chunk: 4 Mi (16 MB of float32), few enough to keep memory flat, many enough to amortize calls. */
export const CHUNK_ELEMENTS = 1 << 22;

const FLOAT16_MAX = 65504;
const BFLOAT16_MAX = 3.3895313892515355e38;

/**
 * Checks a model and settings and derives everything the writer, the finalizer and the verifier need, before any file
 * is touched: every initializer is rebuilt from its spec and described for its parameter's shape and layout (so an
 * invalid shape fails here, naming the parameter), and a constant that the dtype cannot hold is refused.
 *
 * @throws InitError naming the parameter or setting at fault.
 * @example
 * const prepared = prepareCheckpoint(plan, { seed: 0, dtype: 'bfloat16', maxShardSize: '5GB' });
 * prepared.layout.files.length; // 1 for a model of at most 5 GB of bfloat16
 */
export function prepareCheckpoint(plan: ModelPlan, settings: CheckpointSettings, atVersion = initlabVersion()): PreparedCheckpoint {
  if (!LITTLE_ENDIAN) fail('invalid_argument', 'checkpoint', 'the machine', 'little-endian, as safetensors files are', 'a big-endian machine');
  const dtype = settings.dtype ?? 'float32';
  if (!(CHECKPOINT_DTYPES as readonly string[]).includes(dtype)) {
    fail('invalid_option', 'checkpoint', 'dtype', `one of ${CHECKPOINT_DTYPES.map((d) => `'${d}'`).join(', ')}`, dtype);
  }
  const root = keyFromSeed(settings.seed);
  const maxShardSize = parseShardSize(settings.maxShardSize ?? '5GB');
  const initializers = plan.parameters.map((p) => checkParameter(p, dtype));
  const seedText = String(settings.seed);
  const metadata = { format: 'pt', recipe: plan.recipe, seed: seedText, dtype, initlab_version: atVersion };
  const layout = planCheckpoint(plan, { dtype, maxShardSize, metadata });
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        atVersion,
        plan.recipe,
        seedText,
        dtype,
        maxShardSize,
        plan.parameters.map((p, i) => [p.name, p.shape, p.layout, canonicalJson(initializers[i]!.spec)]),
      ]),
    )
    .digest('hex');
  return { plan, dtype, seed: settings.seed, root, layout, metadata, version: atVersion, fingerprint, initializers };
}

function checkParameter(p: ModelParameter, dtype: CheckpointDtype): Initializer {
  try {
    const init = fromSpec(p.init);
    const description = init.describe(p.shape, p.layout);
    if (p.dtype === 'int64') return init;
    const limit = dtype === 'float16' ? FLOAT16_MAX : dtype === 'bfloat16' ? BFLOAT16_MAX : Number.MAX_VALUE;
    if (description.std === 0 && Math.abs(description.mean) > limit && sizeOf(p.shape) > 0) {
      fail('invalid_option', 'checkpoint', 'dtype', `a type that can hold ${description.mean}, the value of '${p.name}' (${dtype} stops at ${limit})`, dtype);
    }
    return init;
  } catch (error) {
    if (error instanceof InitError && error.parameter !== 'dtype') {
      throw new InitError(error.code, error.parameter, `checkpoint: parameter '${p.name}': ${error.message}`, error.detail);
    }
    throw error;
  }
}

/** Reusable chunk buffers (shared memory, so the fill can use every thread). */
export interface Scratch {
  readonly f32: Float32Array;
  readonly f64: Float64Array | undefined;
  readonly half: Uint16Array;
}

/** Chunk buffers for `dtype`: at most {@link CHUNK_ELEMENTS} × (4 + 2) bytes, or × 8 for float64. */
export function createScratch(dtype: CheckpointDtype, chunkElements = CHUNK_ELEMENTS): Scratch {
  const wide = dtype === 'float64';
  return {
    f32: wide ? new Float32Array(0) : sharedFloat32Array(chunkElements),
    f64: wide ? sharedFloat64Array(chunkElements) : undefined,
    half: new Uint16Array(dtype === 'bfloat16' || dtype === 'float16' ? chunkElements : 0),
  };
}

/**
 * The little-endian bytes of parameter `i`, chunk after chunk (each chunk is only valid until the next is asked
 * for). Element-wise initializers are filled chunk by chunk, `fill(chunk, shape, key, {offset, layout})`, on up to
 * `threads` threads; structured ones (orthogonal, identity, dirac, sparse, delta_orthogonal), whose elements depend
 * on each other, are generated whole and then cut into chunks: in practice they are single matrices of a few MB.
 * 16-bit dtypes are the float32 values rounded once; float64 fills in float64.
 */
export function* tensorChunks(prepared: PreparedCheckpoint, i: number, scratch: Scratch, threads?: number): Generator<Uint8Array> {
  const p = prepared.plan.parameters[i]!;
  const init = prepared.initializers[i]!;
  const key = parameterKey(prepared.root, p.name);
  const { dtype } = prepared;
  const numel = sizeOf(p.shape);
  const chunk = scratch.f64 ? scratch.f64.length : scratch.f32.length;
  if (p.dtype === 'int64') {
    yield int64Bytes(p, init(p.shape, key, { layout: p.layout, dtype: 'float64' }));
    return;
  }
  const whole = init.definition.elementwise === true ? undefined : init(p.shape, key, { layout: p.layout, dtype: dtype === 'float64' ? 'float64' : 'float32' });
  for (let offset = 0; offset < numel; offset += chunk) {
    const n = Math.min(chunk, numel - offset);
    let values: Float32Array | Float64Array;
    if (whole) values = whole.subarray(offset, offset + n);
    else {
      values = scratch.f64 ? scratch.f64.subarray(0, n) : scratch.f32.subarray(0, n);
      fillInitializer(init, values, p.shape, key, { layout: p.layout, offset, ...(threads !== undefined && { threads }) });
    }
    if (dtype === 'float32' || dtype === 'float64') {
      yield new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      continue;
    }
    const half = scratch.half.subarray(0, n);
    if (dtype === 'bfloat16') encodeBfloat16(values as Float32Array, half);
    else {
      const overflow = encodeFloat16(values as Float32Array, half);
      if (overflow >= 0) {
        fail(
          'invalid_option',
          'checkpoint',
          'dtype',
          `a type that holds every value of '${p.name}' (element ${offset + overflow} is ${values[overflow]}; float16 stops at 65504)`,
          dtype,
        );
      }
    }
    yield new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
  }
}

/**
 * The bytes of an int64 buffer (BatchNorm's `num_batches_tracked`, whatever the checkpoint's dtype): its values,
 * computed in float64, must be integers; such buffers are scalars or small, so they are made whole.
 */
function int64Bytes(p: ModelParameter, values: Float64Array): Uint8Array {
  const out = new BigInt64Array(values.length);
  values.forEach((v, j) => {
    if (!Number.isSafeInteger(v)) fail('invalid_option', 'checkpoint', `the init of '${p.name}'`, 'integer values for an int64 buffer', v);
    out[j] = BigInt(v);
  });
  return new Uint8Array(out.buffer);
}
