/**
 * Where each parameter of a model goes in a Hugging Face checkpoint: which file, at which offset. Pure functions of
 * (model, dtype, shard size limit, metadata), so every worker of a many-machine run computes the same layout alone,
 * whatever the number of workers. Sources: huggingface_hub `serialization/_base.py`
 * (`split_state_dict_into_shards_factory`, `parse_size_to_int`, `MAX_SHARD_SIZE = "5GB"`) and transformers'
 * `save_pretrained` (the file names and `model.safetensors.index.json`).
 */
import { fail } from '../errors.ts';
import type { ModelPlan } from '../models/model.ts';
import { layoutSafetensors, type SafetensorsDtype, type SafetensorsTensor, tensorByteSize } from './safetensors.ts';

/** Element types a checkpoint can hold. 16-bit ones are the float32 values rounded once (src/half.ts). */
export const CHECKPOINT_DTYPES = ['float32', 'float64', 'bfloat16', 'float16'] as const;
/** `float32`, `float64`, `bfloat16` or `float16`. */
export type CheckpointDtype = (typeof CHECKPOINT_DTYPES)[number];

/** The safetensors name of each checkpoint dtype. */
export const SAFETENSORS_DTYPE: Readonly<Record<CheckpointDtype, SafetensorsDtype>> = { float32: 'F32', float64: 'F64', bfloat16: 'BF16', float16: 'F16' };

/** Hugging Face's default shard size limit, in bytes (`MAX_SHARD_SIZE = "5GB"`, decimal). */
export const DEFAULT_MAX_SHARD_SIZE = 5_000_000_000;
/** The name of a checkpoint that fits in one file. */
export const SINGLE_FILE = 'model.safetensors';
/** The name of the index of a sharded checkpoint. */
export const INDEX_FILE = 'model.safetensors.index.json';

const SIZE_UNITS: Readonly<Record<string, number>> = { TB: 1e12, GB: 1e9, MB: 1e6, KB: 1e3 };

/**
 * Parses a size limit as huggingface_hub's `parse_size_to_int` does: a number followed by a decimal unit KB, MB, GB
 * or TB (case-insensitive; `"5GB"` = 5,000,000,000 bytes, `"0.5MB"` = 500,000), the product truncated to an integer.
 * A plain integer is taken as bytes (the Python API accepts an int).
 *
 * @throws InitError `invalid_option` for anything else or a limit below 1 byte.
 * @example
 * parseShardSize('5GB');   // 5000000000
 * parseShardSize('500MB'); // 500000000
 * parseShardSize('4096');  // 4096
 */
export function parseShardSize(text: string | number, where = 'checkpoint'): number {
  let bytes = Number.NaN;
  if (typeof text === 'number') bytes = text;
  else {
    const trimmed = text.trim();
    const unit = trimmed.slice(-2).toUpperCase();
    const number = /^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
    if (Object.hasOwn(SIZE_UNITS, unit) && number.test(trimmed.slice(0, -2).trim()))
      bytes = Math.trunc(Number(trimmed.slice(0, -2).trim()) * SIZE_UNITS[unit]!);
    else if (/^\d+$/.test(trimmed)) bytes = Number(trimmed);
  }
  if (!Number.isSafeInteger(bytes) || bytes < 1)
    fail('invalid_option', where, 'maxShardSize', 'a size such as 5GB, 500MB or 100KB (decimal units), or a number of bytes', text);
  return bytes;
}

/** One tensor of a checkpoint: the parameter it holds, where it is. */
export interface CheckpointTensor extends SafetensorsTensor {
  /** Its index in the model's parameter list. */
  readonly parameter: number;
}

/** One file of a checkpoint. */
export interface CheckpointFile {
  /** `model.safetensors`, or `model-00001-of-00003.safetensors`. */
  readonly name: string;
  /** Its position among the files, from 0. */
  readonly index: number;
  /** The header bytes (length prefix included). */
  readonly header: Uint8Array;
  /** The tensors in data order (sorted by name, as safetensors' writer sorts them). */
  readonly tensors: readonly CheckpointTensor[];
  readonly fileSize: number;
}

/** The layout of a whole checkpoint. */
export interface CheckpointLayout {
  readonly dtype: CheckpointDtype;
  readonly maxShardSize: number;
  /** Σ tensor bytes (headers excluded): the index's `metadata.total_size`. */
  readonly totalSize: number;
  readonly files: readonly CheckpointFile[];
  /** Parameter name → file name, in the model's order. */
  readonly weightMap: Readonly<Record<string, string>>;
}

/**
 * Lays out the checkpoint of `plan`: parameters are packed into files greedily in the model's order, as
 * huggingface_hub's `split_state_dict_into_shards_factory` iterates the state dict: a parameter larger than the limit
 * gets a file of its own (which then exceeds the limit) without closing the current one; otherwise a new file starts
 * when the current file's tensor bytes plus this one's would exceed the limit. One file is named `model.safetensors`;
 * n > 1 are `model-00001-of-0000n.safetensors`. Within a file, tensors are laid out as safetensors' writer does
 * (sorted by name). The rule depends only on (plan, dtype, limit), never on how many workers write the files.
 *
 * @throws InitError for an unknown dtype, a bad limit, a duplicate or reserved parameter name, or an invalid shape.
 * @example
 * const layout = planCheckpoint(plan, { dtype: 'bfloat16', maxShardSize: parseShardSize('5GB'), metadata: { format: 'pt' } });
 * layout.files.map((f) => f.name); // ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']
 */
export function planCheckpoint(
  plan: ModelPlan,
  options: { readonly dtype: CheckpointDtype; readonly maxShardSize?: number; readonly metadata?: Readonly<Record<string, string>> },
): CheckpointLayout {
  const { dtype } = options;
  if (!(CHECKPOINT_DTYPES as readonly string[]).includes(dtype)) {
    fail('invalid_option', 'checkpoint', 'dtype', `one of ${CHECKPOINT_DTYPES.map((d) => `'${d}'`).join(', ')}`, dtype);
  }
  const maxShardSize = parseShardSize(options.maxShardSize ?? DEFAULT_MAX_SHARD_SIZE);
  const st = SAFETENSORS_DTYPE[dtype];
  const names = new Set<string>();
  for (const p of plan.parameters) {
    if (typeof p.name !== 'string' || p.name === '' || p.name === '__metadata__' || names.has(p.name)) {
      fail('invalid_argument', 'checkpoint', 'a parameter name', 'a non-empty string, unique in the model and not __metadata__', p.name);
    }
    names.add(p.name);
    if (!Array.isArray(p.shape) || !p.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail('invalid_shape', 'checkpoint', `the shape of '${p.name}'`, 'a list of non-negative integers', p.shape);
    }
  }
  // Greedy split, in the model's order (huggingface_hub _base.py).
  const groups: number[][] = [];
  let current: number[] = [];
  let currentSize = 0;
  let totalSize = 0;
  plan.parameters.forEach((p, i) => {
    const size = tensorByteSize(p.dtype === 'int64' ? 'I64' : st, p.shape);
    totalSize += size;
    if (size > maxShardSize) {
      groups.push([i]);
      return;
    }
    if (currentSize + size > maxShardSize) {
      groups.push(current);
      current = [];
      currentSize = 0;
    }
    current.push(i);
    currentSize += size;
  });
  if (current.length > 0 || groups.length === 0) groups.push(current);
  const count = groups.length;
  const metadata = options.metadata ?? { format: 'pt' };
  const weightMap: Record<string, string> = {};
  const fileOf = new Map<number, string>();
  const files = groups.map((group, index): CheckpointFile => {
    const name = count === 1 ? SINGLE_FILE : shardFileName(index, count);
    for (const i of group) fileOf.set(i, name);
    const layout = layoutSafetensors(
      group.map((i) => ({ name: plan.parameters[i]!.name, dtype: plan.parameters[i]!.dtype === 'int64' ? 'I64' : st, shape: plan.parameters[i]!.shape })),
      metadata,
    );
    const indexOf = new Map(group.map((i) => [plan.parameters[i]!.name, i]));
    return { name, index, header: layout.header, tensors: layout.tensors.map((t) => ({ ...t, parameter: indexOf.get(t.name)! })), fileSize: layout.fileSize };
  });
  plan.parameters.forEach((p, i) => {
    weightMap[p.name] = fileOf.get(i)!;
  });
  return { dtype, maxShardSize, totalSize, files, weightMap };
}

/**
 * The name of file `index` (from 0) of `count`, as transformers names shards: `model-00001-of-00003.safetensors`.
 *
 * @example
 * shardFileName(0, 3); // 'model-00001-of-00003.safetensors'
 */
export function shardFileName(index: number, count: number): string {
  return `model-${String(index + 1).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.safetensors`;
}

/**
 * The files worker `worker` of `workers` writes: file i goes to worker i mod workers. A pure function of the file
 * count and the worker spec, so a re-run of an index writes the same files.
 *
 * @example
 * workerFiles(7, { index: 1, count: 3 }); // [1, 4]
 */
export function workerFiles(fileCount: number, worker: { readonly index: number; readonly count: number }): number[] {
  const files: number[] = [];
  for (let i = worker.index; i < fileCount; i += worker.count) files.push(i);
  return files;
}

/**
 * `model.safetensors.index.json` as transformers writes it: `{"metadata": {"total_size": bytes}, "weight_map":
 * {name: file}}` through Python's `json.dumps(index, indent=2, sort_keys=True)` plus a newline (keys sorted by code
 * point, non-ASCII escaped as \uXXXX).
 *
 * @example
 * checkpointIndexJson(layout); // '{\n  "metadata": {\n    "total_size": 248894976\n  },\n  "weight_map": {\n ...'
 */
export function checkpointIndexJson(layout: CheckpointLayout): string {
  return `${pythonJson({ metadata: { total_size: layout.totalSize }, weight_map: layout.weightMap }, 0)}\n`;
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
  return x.length - y.length;
}

function pythonString(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python's `json.dumps(value, indent=2, sort_keys=True)` for objects of strings and integers. */
function pythonJson(value: unknown, depth: number): string {
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'number') return String(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareCodePoints(a, b));
  if (entries.length === 0) return '{}';
  const pad = '  '.repeat(depth + 1);
  return `{\n${entries.map(([k, v]) => `${pad}${pythonString(k)}: ${pythonJson(v, depth + 1)}`).join(',\n')}\n${'  '.repeat(depth)}}`;
}
