/**
 * Reading checkpoints back: safetensors headers with the format's checks, per-tensor statistics streamed in chunks,
 * Hugging Face index consistency, and `verifyCheckpoint`, which recomputes every tensor from the manifest.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  CHECKPOINT_DTYPES,
  type CheckpointDtype,
  checkpointIndexJson,
  decodeTensorBytes,
  fail,
  INDEX_FILE,
  type ModelPlan,
  moments,
  parseSafetensorsHeader,
  SINGLE_FILE,
  type SafetensorsHeader,
  type SafetensorsTensor,
  safetensorsHeaderLength,
} from '../../index.ts';
import type { ThreadOptions } from '../parallel.ts';
import { CHUNK_ELEMENTS, prepareCheckpoint, tensorChunks, tensorSource } from './generate.ts';
import { CheckpointSink } from './sink.ts';
import { type CheckpointManifest, MANIFEST_FILE } from './write.ts';

/**
 * Reads and checks the header of the safetensors file at `path` (only the header is read): 8-byte length ≤ 100 MB,
 * valid UTF-8 JSON, known dtypes, contiguous offsets from 0 to the end of the file, byte lengths = numel × item size.
 *
 * @throws InitError `invalid_file`, one sentence starting with the file's path and naming what is wrong.
 * @example
 * readSafetensorsHeader('model.safetensors').tensors.map((t) => t.name);
 */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const first = new Uint8Array(8);
    readSync(fd, first, 0, 8, 0);
    const n = safetensorsHeaderLength(first, size, path);
    const json = new Uint8Array(n);
    for (let at = 0; at < n; ) {
      const got = readSync(fd, json, at, n - at, 8 + at);
      if (got === 0) break;
      at += got;
    }
    return parseSafetensorsHeader(json, size, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes of a tensor of an open file, `chunkBytes` at a time (the buffer is reused between chunks).
 *
 * @example
 * for (const bytes of tensorBytes(fd, header, tensor)) hash.update(bytes);
 */
export function* tensorBytes(fd: number, header: SafetensorsHeader, tensor: SafetensorsTensor, chunkBytes = 16 << 20): Generator<Uint8Array> {
  const buffer = new Uint8Array(Math.min(chunkBytes, Math.max(8, tensor.end - tensor.begin)));
  for (let at = tensor.begin; at < tensor.end; ) {
    const want = Math.min(buffer.length, tensor.end - at);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, buffer, got, want - got, header.dataStart + at + got);
      if (n === 0) fail('invalid_file', 'checkpoint', `the data of '${tensor.name}'`, 'complete', 'a file that ends early');
      got += n;
    }
    yield buffer.subarray(0, want);
    at += want;
  }
}

/** Statistics of a tensor's values (float64; NaN when it is empty or its dtype is not decoded). */
export interface TensorStatistics {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/** A tensor as `inspect` reports it. */
export interface InspectedTensor extends SafetensorsTensor {
  readonly file: string;
  readonly stats?: TensorStatistics;
}

/** What `inspectCheckpoint` found. */
export interface InspectedCheckpoint {
  /** The files read, in order. */
  readonly files: readonly { readonly path: string; readonly metadata: Readonly<Record<string, string>> | undefined; readonly size: number }[];
  readonly tensors: readonly InspectedTensor[];
  /** Σ tensor bytes. */
  readonly totalSize: number;
}

/**
 * Mean, standard deviation (population), min and max of a tensor, streamed: each chunk is decoded (BF16/F16 exactly,
 * via the bits) and summarized with the core's `moments`; the chunks are merged with Chan, Golub and LeVeque's
 * pairwise update (M2 = M2a + M2b + δ²·na·nb/n), so memory stays one chunk.
 *
 * @example
 * const header = readSafetensorsHeader('model.safetensors');
 * tensorStatistics(openSync('model.safetensors', 'r'), header, header.tensors[0]!); // { mean, std, min, max }; undefined for an I64 tensor
 */
export function tensorStatistics(fd: number, header: SafetensorsHeader, tensor: SafetensorsTensor): TensorStatistics | undefined {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const bytes of tensorBytes(fd, header, tensor)) {
    const values = decodeTensorBytes(bytes, tensor.dtype);
    if (values === undefined) return undefined;
    if (values.length === 0) continue;
    const m = moments(values);
    const k = values.length;
    const delta = m.mean - mean;
    const total = n + k;
    mean += (delta * k) / total;
    m2 += m.variance * k + (delta * delta * n * k) / total;
    n = total;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { mean, std: Math.sqrt(m2 / n), min, max };
}

/** The files of a checkpoint directory (from its index when sharded), checking the index against the files. */
function checkpointFiles(dir: string): { files: string[]; index: { weight_map: Record<string, string>; total_size: number } | undefined } {
  const indexPath = join(dir, INDEX_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(indexPath, 'utf8');
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    try {
      statSync(join(dir, SINGLE_FILE));
    } catch {
      fail('invalid_file', 'checkpoint', 'the directory', `a checkpoint: ${INDEX_FILE} or ${SINGLE_FILE}`, dir);
    }
    return { files: [join(dir, SINGLE_FILE)], index: undefined };
  }
  let index: unknown;
  try {
    index = JSON.parse(text);
  } catch {
    fail('invalid_file', indexPath, 'the index', 'valid JSON', 'a parse error');
  }
  const map = (index as { weight_map?: unknown })?.weight_map;
  const total = (index as { metadata?: { total_size?: unknown } })?.metadata?.total_size;
  if (map === null || typeof map !== 'object' || !Object.values(map).every((f) => typeof f === 'string' && f === basename(f))) {
    fail('invalid_file', indexPath, 'weight_map', 'an object of tensor names to file names in the same directory', map);
  }
  const files = [...new Set(Object.values(map as Record<string, string>))].sort();
  return {
    files: files.map((f) => join(dir, f)),
    index: { weight_map: map as Record<string, string>, total_size: typeof total === 'number' ? total : Number.NaN },
  };
}

/**
 * Reads a safetensors file, or a checkpoint directory (`model.safetensors`, or the files its index lists), checking
 * every header and, for a sharded checkpoint, that the index's `weight_map` names exactly the tensors each file holds
 * and that `total_size` is their byte count. With `stats`, streams every tensor for its mean, std, min and max.
 *
 * @throws InitError `invalid_file` naming the file and what is wrong.
 * @example
 * inspectCheckpoint('ckpt', { stats: true }).tensors[0]; // { name, dtype, shape, begin, end, file, stats }
 */
export function inspectCheckpoint(path: string, options: { readonly stats?: boolean } = {}): InspectedCheckpoint {
  const isDirectory = statSync(path).isDirectory();
  const { files, index } = isDirectory ? checkpointFiles(path) : { files: [path], index: undefined };
  const tensors: InspectedTensor[] = [];
  const read: { path: string; metadata: Readonly<Record<string, string>> | undefined; size: number }[] = [];
  let totalSize = 0;
  for (const file of files) {
    const header = readSafetensorsHeader(file);
    read.push({ path: file, metadata: header.metadata, size: header.fileSize });
    const fd = options.stats ? openSync(file, 'r') : undefined;
    try {
      for (const t of header.tensors) {
        totalSize += t.end - t.begin;
        if (index && index.weight_map[t.name] !== basename(file)) {
          fail(
            'invalid_file',
            join(path, INDEX_FILE),
            `the weight_map entry of '${t.name}'`,
            `'${basename(file)}', the file that holds it`,
            index.weight_map[t.name] ?? null,
          );
        }
        const stats = fd === undefined ? undefined : tensorStatistics(fd, header, t);
        tensors.push({ ...t, file, ...(stats && { stats }) });
      }
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  if (index) {
    if (Object.keys(index.weight_map).length !== tensors.length) {
      const names = new Set(tensors.map((t) => t.name));
      const absent = Object.keys(index.weight_map).find((n) => !names.has(n));
      fail('invalid_file', join(path, INDEX_FILE), `the tensor '${absent}'`, `in the file the weight_map names (${index.weight_map[absent!]})`, 'absent');
    }
    if (index.total_size !== totalSize)
      fail('invalid_file', join(path, INDEX_FILE), 'metadata.total_size', `the tensors' byte count, ${totalSize}`, index.total_size);
  }
  return { files: read, tensors, totalSize };
}

/** The outcome of {@link verifyCheckpoint}. */
export interface VerifyResult {
  /** Tensors checked. */
  readonly tensors: number;
  readonly files: number;
  /** One sentence per difference; empty when the checkpoint is exactly what its manifest says. */
  readonly problems: readonly string[];
}

/**
 * Reads and checks `initlab-manifest.json`, returning it with the model plan it describes.
 *
 * @example
 * const { manifest, plan } = readManifest('ckpt');
 * plan.parameters.length === manifest.tensors.length; // true
 */
export function readManifest(dir: string): { manifest: CheckpointManifest; plan: ModelPlan } {
  const path = join(dir, MANIFEST_FILE);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as CheckpointManifest;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail('invalid_file', 'verify', MANIFEST_FILE, code === 'ENOENT' ? 'present (initlab init writes it when the last file is done)' : 'valid JSON', path);
  }
  if (manifest?.format !== 'initlab-checkpoint-manifest/1' || !Array.isArray(manifest.tensors) || !Array.isArray(manifest.files)) {
    fail('invalid_file', 'verify', MANIFEST_FILE, "an initlab manifest (format 'initlab-checkpoint-manifest/1')", path);
  }
  if (!(CHECKPOINT_DTYPES as readonly string[]).includes(manifest.dtype))
    fail('invalid_file', 'verify', 'the manifest dtype', CHECKPOINT_DTYPES.join(', '), manifest.dtype);
  const plan: ModelPlan = {
    recipe: manifest.recipe,
    parameters: manifest.tensors.map((t) => ({
      name: t.name,
      shape: t.shape,
      layout: t.layout,
      init: t.init,
      role: t.role,
      ...(t.dtype === 'I64' && { dtype: 'int64' as const }),
    })),
  };
  return { manifest, plan };
}

/** Options of {@link verifyCheckpoint}. */
export interface VerifyOptions extends ThreadOptions {
  /** Called as each file is started. */
  readonly onFile?: (file: string) => void;
  /** Called about every 64 MB read, and at the end: bytes of the checkpoint's files read so far, and their sum. */
  readonly onBytes?: (done: number, total: number) => void;
}

/**
 * Checks a checkpoint directory against its manifest, two ways: the bytes on disk (each file's SHA-256 and each
 * tensor's, and the header and index as the layout says), and a recomputation of every tensor from the manifest's
 * model, seed and dtype with this version of initlab (compared byte for byte). Streams in chunks.
 *
 * @throws InitError `invalid_file` when the manifest is missing or malformed.
 * @example
 * verifyCheckpoint('ckpt').problems; // [] when every byte is as recomputed
 */
export function verifyCheckpoint(dir: string, options: VerifyOptions = {}): VerifyResult {
  const { manifest, plan } = readManifest(dir);
  if (typeof manifest.seed !== 'string' || !/^-?\d+$/.test(manifest.seed))
    fail('invalid_file', 'verify', 'the manifest seed', 'an integer in decimal', manifest.seed);
  const big = BigInt(manifest.seed);
  const seed = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  const settings = { seed, dtype: manifest.dtype as CheckpointDtype, maxShardSize: manifest.max_shard_size };
  const prepared = prepareCheckpoint(plan, settings, manifest.initlab_version);
  const problems: string[] = [];
  const hashes = new Map(manifest.tensors.map((t) => [t.name, t.sha256]));
  const fileHashes = new Map(manifest.files.map((f) => [f.name, f.sha256]));
  if (prepared.fingerprint !== manifest.fingerprint) problems.push('the manifest fingerprint does not match its own settings (edited by hand?)');
  if (prepared.layout.files.length > 1) {
    let index = '';
    try {
      index = readFileSync(join(dir, INDEX_FILE), 'utf8');
    } catch {
      problems.push(`${INDEX_FILE} is missing`);
    }
    if (index !== '' && index !== checkpointIndexJson(prepared.layout)) problems.push(`${INDEX_FILE} differs from the layout of the manifest's model`);
  }
  let tensors = 0;
  const total = prepared.layout.files.reduce((sum, f) => sum + f.fileSize, 0);
  let read = 0;
  let reported = 0;
  const progress = (n: number): void => {
    read += n;
    if (options.onBytes && (read - reported >= 64 << 20 || read === total)) {
      reported = read;
      options.onBytes(read, total);
    }
  };
  // The bytes read go through a sink that hashes them on its own thread (per tensor and per file) while this thread
  // reads the next chunk and recomputes it; recomputed chunks are compared byte for byte and only hashed (in a
  // second pass) for a tensor that differs.
  const sink = new CheckpointSink({ slotBytes: CHUNK_ELEMENTS * 8, write: false });
  const recomputed = new Uint8Array(new SharedArrayBuffer(CHUNK_ELEMENTS * 8));
  try {
    for (const file of prepared.layout.files) {
      options.onFile?.(file.name);
      const path = join(dir, file.name);
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch {
        problems.push(`${file.name} is missing`);
        continue;
      }
      try {
        const size = fstatSync(fd).size;
        if (size !== file.fileSize) {
          problems.push(`${file.name} has ${size} bytes; the layout says ${file.fileSize}`);
          continue;
        }
        sink.open(path);
        const head = new Uint8Array(file.header.length);
        readExactly(fd, head, 0, file.name);
        progress(head.length);
        if (Buffer.compare(head, file.header) !== 0) problems.push(`${file.name}: the header differs from the one the manifest's model gives`);
        sink.writeBytes(head, -1, false);
        const differing = new Set<number>();
        for (const t of file.tensors) {
          tensors++;
          const source = tensorSource(prepared, t.parameter, options.threads);
          const position = file.header.length + t.begin; // the tensors follow the header, in this order
          sink.streamTensor(
            t.parameter,
            source,
            (onDisk, offset, count) => {
              readExactly(fd, onDisk, position + offset * source.elementBytes, file.name);
              const again = recomputed.subarray(0, onDisk.length);
              source.fill(offset, count, again);
              if (Buffer.compare(again, onDisk) !== 0) differing.add(t.parameter);
            },
            progress,
          );
        }
        const result = sink.close();
        for (const t of file.tensors) {
          const disk = result.tensors.get(t.parameter)!;
          const expected = hashes.get(t.name);
          if (disk !== expected)
            problems.push(`${file.name}: '${t.name}' on disk (sha256 ${disk.slice(0, 12)}…) differs from the manifest (${String(expected).slice(0, 12)}…)`);
          if (differing.has(t.parameter)) {
            // The recomputation differs from the disk: is it the manifest's tensor (a damaged file) or not?
            const hash = createHash('sha256');
            for (const bytes of tensorChunks(prepared, t.parameter, options.threads)) hash.update(bytes);
            if (hash.digest('hex') !== expected)
              problems.push(`${file.name}: '${t.name}' recomputed from the manifest's seed and model differs from the manifest`);
          }
        }
        if (result.sha256 !== fileHashes.get(file.name))
          problems.push(
            `${file.name}: file sha256 ${result.sha256.slice(0, 12)}… differs from the manifest (${String(fileHashes.get(file.name)).slice(0, 12)}…)`,
          );
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    sink.dispose();
  }
  return { tensors, files: prepared.layout.files.length, problems };
}

/** Reads `out.length` bytes of `fd` at `position`, or fails naming the file (it ended early). */
function readExactly(fd: number, out: Uint8Array, position: number, file: string): void {
  for (let got = 0; got < out.length; ) {
    const n = readSync(fd, out, got, out.length - got, position + got);
    if (n === 0) fail('invalid_file', 'verify', file, 'as long as its layout', 'a file that ends early');
    got += n;
  }
}
