/**
 * The checkpoint writer: a model's parameters as Hugging Face safetensors files, streamed chunk by chunk, each file
 * written to a temporary name, fsynced and renamed; on one machine or many (a worker writes files i ≡ index mod count),
 * with the same bytes for every number of workers. After a worker renames a file it records the file's SHA-256 and its
 * tensors' in `.initlab/<file>.json`; whichever worker finds every file recorded (or `finalizeCheckpoint`) writes
 * `model.safetensors.index.json` (sharded checkpoints) and `initlab-manifest.json`.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type CheckpointFile,
  type CheckpointLayout,
  checkpointIndexJson,
  DTYPE_BYTES,
  fail,
  INDEX_FILE,
  type ModelPlan,
  SAFETENSORS_DTYPE,
  workerFiles,
} from '../../index.ts';
import { writeFileAtomic } from '../files.ts';
import type { ThreadOptions } from '../parallel.ts';
import { CHUNK_ELEMENTS, type CheckpointSettings, type PreparedCheckpoint, prepareCheckpoint, tensorSource } from './generate.ts';
import { CheckpointSink, type SinkFileResult } from './sink.ts';

/** The manifest's file name. */
export const MANIFEST_FILE = 'initlab-manifest.json';
/** The folder of per-file records, inside the output directory. */
export const RECORDS_DIR = '.initlab';

/** Which share of the files a process writes: files i with i mod count = index. */
export interface WorkerSpec {
  /** From 0. */
  readonly index: number;
  /** How many workers share the files, ≥ 1. */
  readonly count: number;
}

/** A step of a write, for progress displays. */
export interface CheckpointProgress {
  /** `bytes`: part of a file was written; `file`: a file was renamed into place. */
  readonly kind: 'bytes' | 'file';
  readonly file: string;
  /** Bytes of this file written so far, and its size. */
  readonly written: number;
  readonly size: number;
  /** Files of this worker done (after this one for `file`), and how many it writes. */
  readonly filesDone: number;
  readonly filesTotal: number;
  /** Bytes of this worker's files written so far (all files), and their sum: its share of the checkpoint. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/** Where a worker stands when it starts a file: for {@link CheckpointProgress}. */
interface Share {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesBefore: number;
  readonly bytesTotal: number;
}

/**
 * Options of {@link writeCheckpoint}. `threads` is for the element-wise fills (default: every core but those the
 * hashing threads keep busy, at least 1).
 */
export interface WriteCheckpointOptions extends CheckpointSettings, ThreadOptions {
  /** Write only this worker's share of the files (default: all of them, `{index: 0, count: 1}`). */
  readonly worker?: WorkerSpec;
  /** Write into a directory that holds files other than an initlab checkpoint's (they are left alone). */
  readonly force?: boolean;
  /** Write the index and manifest when every file is done (default true). */
  readonly finalize?: boolean;
  readonly onProgress?: (progress: CheckpointProgress) => void;
  /** Elements per generated chunk (default {@link CHUNK_ELEMENTS}; 8-byte elements get half as many). */
  readonly chunkElements?: number;
  /**
   * Write with O_DIRECT, bypassing the page cache, where the file system takes it (default true); false writes
   * through the page cache. The bytes are the same either way.
   */
  readonly directIo?: boolean;
}

/** What {@link writeCheckpoint} did. */
export interface WriteCheckpointResult {
  readonly layout: CheckpointLayout;
  /** The files this worker wrote, in order. */
  readonly written: readonly string[];
  /** Bytes this worker wrote. */
  readonly bytes: number;
  /** Whether the index and manifest were written (by this call). */
  readonly finalized: boolean;
  /** Files not yet recorded by any worker (empty once finalized). */
  readonly missing: readonly string[];
}

/** One tensor in the manifest. */
export interface ManifestTensor {
  readonly name: string;
  readonly file: string;
  /** Its safetensors dtype (`BF16`, …). */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** SHA-256 of its data bytes, hex. */
  readonly sha256: string;
  readonly init: ModelPlan['parameters'][number]['init'];
  readonly layout: ModelPlan['parameters'][number]['layout'];
  readonly role: string;
}

/** `initlab-manifest.json`: everything needed to recompute the checkpoint, and the hashes to compare with. */
export interface CheckpointManifest {
  readonly format: 'initlab-checkpoint-manifest/1';
  readonly initlab_version: string;
  readonly recipe: string;
  /** The root seed, in decimal. */
  readonly seed: string;
  readonly dtype: string;
  readonly max_shard_size: number;
  readonly fingerprint: string;
  readonly total_size: number;
  readonly files: readonly { readonly name: string; readonly size: number; readonly sha256: string }[];
  /** In the model's order. */
  readonly tensors: readonly ManifestTensor[];
}

/** A worker's record of one file it wrote. */
interface FileRecord {
  readonly fingerprint: string;
  readonly file: string;
  readonly size: number;
  readonly sha256: string;
  readonly tensors: Readonly<Record<string, string>>;
}

const CHECKPOINT_NAME = /^model(?:-\d{5}-of-\d{5})?\.safetensors$/;
const OWN_NAMES = new Set([INDEX_FILE, MANIFEST_FILE, RECORDS_DIR]);
const TEMPORARY = /^\.(?:model(?:-\d{5}-of-\d{5})?\.safetensors|model\.safetensors\.index\.json|initlab-manifest\.json)\.\d+\.[0-9a-f]+\.tmp$/;

/**
 * Whether `name` is one an initlab checkpoint directory may hold (its files, index, manifest, records, temporaries).
 *
 * @example
 * isCheckpointEntry('model-00001-of-00003.safetensors'); // true
 * isCheckpointEntry('notes.txt'); // false
 */
export function isCheckpointEntry(name: string): boolean {
  return CHECKPOINT_NAME.test(name) || OWN_NAMES.has(name) || TEMPORARY.test(name);
}

/**
 * Creates `out` if needed and refuses one that holds anything but an initlab checkpoint (an earlier one may be
 * overwritten), unless `force`.
 *
 * @throws InitError `invalid_option` on `out`, naming a file that is in the way.
 * @example
 * checkOutputDirectory('ckpt', false);
 */
export function checkOutputDirectory(out: string, force: boolean): void {
  let entries: string[];
  try {
    entries = readdirSync(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') fail('invalid_option', 'checkpoint', 'out', 'a directory (or a path to create one at)', out);
    throw error;
  }
  const foreign = entries.filter((name) => !isCheckpointEntry(name)).sort();
  if (foreign.length > 0 && !force) {
    const more = foreign.length > 1 ? ` and ${foreign.length - 1} more` : '';
    fail(
      'invalid_option',
      'checkpoint',
      'out',
      `empty or an initlab checkpoint directory (it holds '${foreign[0]}'${more}; pass force, --force on the command line, to write into it anyway)`,
      out,
    );
  }
}

function checkWorker(worker: WorkerSpec): void {
  const { index, count } = worker;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 0 || index >= count) {
    fail('invalid_option', 'checkpoint', 'worker', 'I/N with integers 0 ≤ I < N', `${index}/${count}`);
  }
}

/** Bytes of each buffer of the ring: `chunkElements` elements of the checkpoint's dtype, at least 8 bytes (one int64). */
function sinkSlotBytes(prepared: PreparedCheckpoint, chunkElements = CHUNK_ELEMENTS): number {
  if (!Number.isSafeInteger(chunkElements) || chunkElements < 1) fail('invalid_option', 'checkpoint', 'chunkElements', 'a positive integer', chunkElements);
  return Math.max(8, chunkElements * DTYPE_BYTES[prepared.dtype]);
}

/**
 * Writes the checkpoint of `plan` into directory `out` (created if needed), or this worker's share of it:
 * safetensors files laid out by `planCheckpoint` (Hugging Face's greedy split in the model's order, `model.safetensors`
 * or `model-0000i-of-0000n.safetensors`), each tensor generated in chunks with key `fold(keyFromSeed(seed), name)`,
 * so memory stays at a few chunks (plus one whole structured tensor) whatever the model's size. Each file goes to a
 * temporary name in `out`, is fsynced and renamed: a killed worker leaves temporaries, never a partial final file,
 * and a re-run writes the same bytes. When every file of the checkpoint is recorded, writes the index (sharded only)
 * and `initlab-manifest.json`. Bit-identical output for any worker count and any thread count.
 *
 * @throws InitError for a bad model, setting, worker spec or a directory in the way (nothing is written); the system
 *   error (ENOSPC, EACCES…) of a failed write, after removing the temporary file.
 * @example
 * writeCheckpoint(plan, 'ckpt', { seed: 0, dtype: 'bfloat16', maxShardSize: '5GB' });
 * writeCheckpoint(plan, 'ckpt', { seed: 0, dtype: 'bfloat16', worker: { index: 2, count: 8 } }); // files 2, 10, 18…
 */
export function writeCheckpoint(plan: ModelPlan, out: string, options: WriteCheckpointOptions): WriteCheckpointResult {
  const worker = options.worker ?? { index: 0, count: 1 };
  checkWorker(worker);
  const prepared = prepareCheckpoint(plan, options);
  const dir = resolve(out);
  checkOutputDirectory(dir, options.force === true);
  mkdirSync(join(dir, RECORDS_DIR), { recursive: true });
  const mine = workerFiles(prepared.layout.files.length, worker);
  const written: string[] = [];
  let bytes = 0;
  if (mine.length > 0) {
    const sink = new CheckpointSink({ slotBytes: sinkSlotBytes(prepared, options.chunkElements), direct: options.directIo !== false });
    // The hashing threads keep their cores busy: by default the fills take the others (at least one, this thread).
    // On 2 cores, 2 fill threads beside the hash thread were slower than 1 (GPT-2 124M: 1.22–1.45 s against 1.25–1.33 s).
    const threads = options.threads ?? Math.max(1, availableParallelism() - sink.hashThreads);
    const bytesTotal = mine.reduce((sum, i) => sum + prepared.layout.files[i]!.fileSize, 0);
    try {
      for (const [done, i] of mine.entries()) {
        const file = prepared.layout.files[i]!;
        const share = { filesDone: done, filesTotal: mine.length, bytesBefore: bytes, bytesTotal };
        const record = writeShard(prepared, dir, file, sink, { ...options, threads }, share);
        writeFileAtomic(join(dir, RECORDS_DIR, `${file.name}.json`), [new TextEncoder().encode(`${JSON.stringify(record)}\n`)]);
        written.push(file.name);
        bytes += file.fileSize;
      }
    } finally {
      sink.dispose();
    }
  }
  if (options.finalize === false) return { layout: prepared.layout, written, bytes, finalized: false, missing: missingFiles(prepared, dir) };
  const { finalized, missing } = tryFinalize(prepared, dir);
  return { layout: prepared.layout, written, bytes, finalized, missing };
}

/** The worker-wide part of a progress report, `sent` bytes into the current file. */
function progressOf(share: Share, sent: number): Pick<CheckpointProgress, 'filesDone' | 'filesTotal' | 'bytesDone' | 'bytesTotal'> {
  return { filesDone: share.filesDone, filesTotal: share.filesTotal, bytesDone: share.bytesBefore + sent, bytesTotal: share.bytesTotal };
}

/** Writes one file through a temporary name, drawing its tensors into the sink's ring; returns its record. */
function writeShard(
  prepared: PreparedCheckpoint,
  dir: string,
  file: CheckpointFile,
  sink: CheckpointSink,
  options: WriteCheckpointOptions,
  share: Share,
): FileRecord {
  const target = join(dir, file.name);
  const temporary = join(dir, `.${file.name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let sent = 0;
  let reported = 0;
  const progress = (n: number): void => {
    sent += n;
    if (options.onProgress && sent - reported >= 64 << 20) {
      reported = sent;
      options.onProgress({ kind: 'bytes', file: file.name, written: sent, size: file.fileSize, ...progressOf(share, sent) });
    }
  };
  let result: SinkFileResult;
  try {
    sink.open(temporary);
    sink.writeBytes(file.header, -1, false);
    progress(file.header.length);
    for (const t of file.tensors) {
      const source = tensorSource(prepared, t.parameter, options.threads);
      sink.streamTensor(t.parameter, source, (out, offset, count) => source.fill(offset, count, out), progress);
    }
    result = sink.close();
    if (result.bytes !== file.fileSize) throw new Error(`wrote ${result.bytes} bytes for ${file.name}, expected ${file.fileSize}`);
    renameSync(temporary, target);
    syncDirectory(dir);
  } catch (error) {
    sink.abort();
    rmSync(temporary, { force: true });
    throw error;
  }
  const tensors: Record<string, string> = {};
  for (const t of file.tensors) tensors[t.name] = result.tensors.get(t.parameter)!;
  options.onProgress?.({ kind: 'file', file: file.name, written: sent, size: file.fileSize, ...progressOf(share, sent), filesDone: share.filesDone + 1 });
  return { fingerprint: prepared.fingerprint, file: file.name, size: file.fileSize, sha256: result.sha256, tensors };
}

/** fsync on the directory, so that the rename itself survives a crash (best effort: not every platform allows it). */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory; the rename is still atomic
  }
}

function readRecord(prepared: PreparedCheckpoint, dir: string, file: CheckpointFile): FileRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(dir, RECORDS_DIR, `${file.name}.json`), 'utf8')) as FileRecord;
    if (record.fingerprint !== prepared.fingerprint || record.file !== file.name || record.size !== file.fileSize) return undefined;
    if (statSync(join(dir, file.name)).size !== file.fileSize) return undefined;
    return record;
  } catch {
    return undefined;
  }
}

function missingFiles(prepared: PreparedCheckpoint, dir: string): string[] {
  return prepared.layout.files.filter((f) => readRecord(prepared, dir, f) === undefined).map((f) => f.name);
}

/** The manifest of a complete checkpoint, from the workers' records. */
function buildManifest(prepared: PreparedCheckpoint, records: readonly FileRecord[]): CheckpointManifest {
  const { layout, plan } = prepared;
  const hashOf = new Map<string, string>();
  for (const r of records) for (const [name, sha] of Object.entries(r.tensors)) hashOf.set(name, sha);
  return {
    format: 'initlab-checkpoint-manifest/1',
    initlab_version: prepared.version,
    recipe: plan.recipe,
    seed: String(prepared.seed),
    dtype: prepared.dtype,
    max_shard_size: layout.maxShardSize,
    fingerprint: prepared.fingerprint,
    total_size: layout.totalSize,
    files: records.map((r) => ({ name: r.file, size: r.size, sha256: r.sha256 })),
    tensors: plan.parameters.map((p) => ({
      name: p.name,
      file: layout.weightMap[p.name]!,
      dtype: p.dtype === 'int64' ? 'I64' : SAFETENSORS_DTYPE[prepared.dtype],
      shape: [...p.shape],
      sha256: hashOf.get(p.name)!,
      init: p.init,
      layout: p.layout,
      role: p.role,
    })),
  };
}

/**
 * Writes the index (sharded checkpoints) and the manifest when every file of the checkpoint has been recorded by a
 * worker of this run; removes checkpoint files of an earlier run that this layout does not have. Safe to run from
 * several processes at once: each writes the same bytes atomically.
 */
function tryFinalize(prepared: PreparedCheckpoint, dir: string): { finalized: boolean; missing: string[] } {
  const records: FileRecord[] = [];
  const missing: string[] = [];
  for (const file of prepared.layout.files) {
    const record = readRecord(prepared, dir, file);
    if (record) records.push(record);
    else missing.push(file.name);
  }
  if (missing.length > 0) return { finalized: false, missing };
  const encoder = new TextEncoder();
  const sharded = prepared.layout.files.length > 1;
  if (sharded) writeFileAtomic(join(dir, INDEX_FILE), [encoder.encode(checkpointIndexJson(prepared.layout))]);
  writeFileAtomic(join(dir, MANIFEST_FILE), [encoder.encode(`${JSON.stringify(buildManifest(prepared, records), null, 2)}\n`)]);
  const names = new Set(prepared.layout.files.map((f) => f.name));
  for (const name of readdirSync(dir)) {
    const stale = (CHECKPOINT_NAME.test(name) && !names.has(name)) || (name === INDEX_FILE && !sharded);
    if (stale) rmSync(join(dir, name), { force: true });
  }
  for (const name of readdirSync(join(dir, RECORDS_DIR))) {
    if (!names.has(name.replace(/\.json$/, ''))) rmSync(join(dir, RECORDS_DIR, name), { force: true });
  }
  return { finalized: true, missing: [] };
}

/**
 * Writes the index and manifest of a checkpoint whose files the workers of a run have all written (what the last
 * worker does by itself; for a pipeline that runs a separate final step, e.g. `initlab init --finalize`).
 *
 * @throws InitError `invalid_file` naming the first missing file (and how many are missing) when some are not written yet.
 * @example
 * finalizeCheckpoint(plan, 'ckpt', { seed: 0, dtype: 'bfloat16' }); // { files: 12 }
 */
export function finalizeCheckpoint(plan: ModelPlan, out: string, settings: CheckpointSettings): { readonly files: number } {
  const prepared = prepareCheckpoint(plan, settings);
  const dir = resolve(out);
  const { missing } = tryFinalize(prepared, dir);
  if (missing.length > 0) {
    const more = missing.length > 1 ? ` and ${missing.length - 1} more` : '';
    fail(
      'invalid_file',
      'checkpoint',
      'out',
      `a directory where the workers of this run have written every file before finalizing ('${missing[0]}'${more} missing)`,
      dir,
    );
  }
  return { files: prepared.layout.files.length };
}

/**
 * For the CLI's temporary-file cleanup tests: the temporaries an interrupted write may leave in `dir`.
 *
 * @example
 * temporaryFiles('ckpt'); // [] after a complete write (also when 'ckpt' does not exist)
 */
export function temporaryFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => TEMPORARY.test(name));
  } catch {
    return [];
  }
}
