/**
 * The bytes of each tensor of a checkpoint, generated chunk by chunk, and the settings every worker derives alone
 * from (model, seed, dtype, shard size limit): the layout, the metadata and a fingerprint of the run.
 */
import { initlabVersion } from '../version.ts';
import { createHash } from 'node:crypto';
import {
  CHECKPOINT_DTYPES,
  DTYPE_BYTES,
  type CheckpointDtype,
  type CheckpointLayout,
  canonicalJson,
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
import { fillInitializer, initialize } from '../parallel.ts';

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

/**
 * Elements generated per chunk by default: 1 Mi (4 MB of float32, 2 MB of bfloat16), 16 tasks of a parallel fill.
 * Larger chunks amortize nothing more and lengthen the pipeline's start and end, when one stage works alone
 * (GPT-2 124M on 2 cores: 1.27–1.31 s with 1 Mi, 1.33–1.42 s with 2 Mi and 4 Mi).
 */
export const CHUNK_ELEMENTS = 1 << 20;

/**
 * Bytes per element of parameter `p` in a checkpoint of `dtype`: {@link DTYPE_BYTES} of the dtype, except 8 for an
 * int64 buffer (BatchNorm's `num_batches_tracked`, which PyTorch keeps in int64 whatever the weights' dtype).
 *
 * @example
 * elementBytes({ name: 'w', shape: [4], layout: 'torch', init: { name: 'zeros' }, role: '' }, 'bfloat16'); // 2
 */
export function elementBytes(p: ModelParameter, dtype: CheckpointDtype): number {
  return p.dtype === 'int64' ? 8 : DTYPE_BYTES[dtype];
}

/**
 * Where the bytes of one tensor come from: `fill(offset, count, out)` writes the little-endian bytes of elements
 * offset … offset + count − 1 into `out` (count × {@link TensorSource.elementBytes} bytes, 8-byte aligned; in a
 * SharedArrayBuffer for the fill to use every thread).
 */
export interface TensorSource {
  readonly numel: number;
  readonly elementBytes: number;
  fill(offset: number, count: number, out: Uint8Array): void;
}

/**
 * The source of parameter `i`'s bytes. Element-wise initializers are filled chunk by chunk, straight into the output
 * type (`fillInitializer(init, chunk, shape, key, {offset, layout, dtype})` on up to `threads` threads: 16-bit dtypes
 * are the float32 values rounded once, in the threads that drew them; float64 fills in float64). Structured ones
 * (orthogonal, identity, dirac, sparse, delta_orthogonal), whose elements depend on each other, are generated whole
 * (`initialize`, on every thread where it can) when the source is made, then copied out chunk by chunk: in practice
 * they are single matrices of a few MB. int64 buffers are made whole too (their values must be integers).
 *
 * @throws InitError `invalid_option` on `dtype` when a value overflows float16 (naming the parameter, element and value).
 * @example
 * const source = tensorSource(prepareCheckpoint(plan, { seed: 0, dtype: 'bfloat16' }), 0);
 * const out = new Uint8Array(new SharedArrayBuffer(1024 * source.elementBytes));
 * source.fill(0, 1024, out); // the first 1024 elements of parameter 0, as they are in the file
 */
export function tensorSource(prepared: PreparedCheckpoint, i: number, threads?: number): TensorSource {
  const p = prepared.plan.parameters[i]!;
  const init = prepared.initializers[i]!;
  const key = parameterKey(prepared.root, p.name);
  const { dtype } = prepared;
  const numel = sizeOf(p.shape);
  const bytesPer = elementBytes(p, dtype);
  const threading = threads !== undefined ? { threads } : {};
  const overflowCheck = (bits: Uint16Array, offset: number): void => {
    if (dtype !== 'float16') return;
    const at = firstInfinity(bits);
    if (at < 0) return;
    const value = init.fill(new Float32Array(1), p.shape, key, { layout: p.layout, offset: offset + at })[0];
    fail(
      'invalid_option',
      'checkpoint',
      'dtype',
      `a type that holds every value of '${p.name}' (element ${offset + at} is ${value}; float16 stops at 65504)`,
      dtype,
    );
  };
  let whole: Uint8Array | undefined;
  if (p.dtype === 'int64') whole = int64Bytes(p, init(p.shape, key, { layout: p.layout, dtype: 'float64' }));
  else if (init.definition.elementwise !== true) {
    const values = initialize(init, p.shape, key, { layout: p.layout, dtype, ...threading });
    if (values instanceof Uint16Array) overflowCheck(values, 0);
    whole = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  }
  const fill = (offset: number, count: number, out: Uint8Array): void => {
    if (whole) {
      out.set(whole.subarray(offset * bytesPer, (offset + count) * bytesPer));
      return;
    }
    const { buffer, byteOffset } = out;
    const view =
      dtype === 'float32'
        ? new Float32Array(buffer, byteOffset, count)
        : dtype === 'float64'
          ? new Float64Array(buffer, byteOffset, count)
          : new Uint16Array(buffer, byteOffset, count);
    fillInitializer(init, view, p.shape, key, { layout: p.layout, offset, ...threading, ...(view instanceof Uint16Array && { dtype }) });
    if (view instanceof Uint16Array) overflowCheck(view, offset);
  };
  return { numel, elementBytes: bytesPer, fill };
}

/** Index of the first ±infinity among float16 bits (an initializer's values are finite, so one is an overflow), or −1. */
function firstInfinity(bits: Uint16Array): number {
  for (let j = 0; j < bits.length; j++) if ((bits[j]! & 0x7fff) === 0x7c00) return j;
  return -1;
}

/**
 * The little-endian bytes of parameter `i`, chunk after chunk of at most `chunkElements` elements (each chunk is
 * only valid until the next is asked for), from {@link tensorSource}. The verifier hashes a tensor that differs
 * from the disk this way; the writer fills its ring of buffers with the same source.
 *
 * @example
 * const hash = createHash('sha256');
 * for (const bytes of tensorChunks(prepared, 0)) hash.update(bytes); // the manifest's sha256 of parameter 0
 */
export function* tensorChunks(prepared: PreparedCheckpoint, i: number, threads?: number, chunkElements = CHUNK_ELEMENTS): Generator<Uint8Array> {
  const source = tensorSource(prepared, i, threads);
  const scratch = new Uint8Array(new SharedArrayBuffer(Math.min(chunkElements, Math.max(source.numel, 1)) * source.elementBytes));
  const step = scratch.length / source.elementBytes;
  for (let offset = 0; offset < source.numel; offset += step) {
    const count = Math.min(step, source.numel - offset);
    const out = scratch.subarray(0, count * source.elementBytes);
    source.fill(offset, count, out);
    yield out;
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
