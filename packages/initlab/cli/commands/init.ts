/**
 * `initlab init (--model M.json | --recipe R --config C) --seed S --dtype bfloat16 --out DIR [--max-shard-size 5GB]
 * [--worker I/N | --workers N] [--finalize] [--force]`: writes a model's initial weights as a Hugging Face safetensors
 * checkpoint, on one machine or as worker I of N (the same bytes for every N). Worker specs also come from
 * Kubernetes Indexed Jobs, Slurm job arrays and AWS Batch array jobs (see {@link detectWorker}).
 */
import { CHECKPOINT_DTYPES, type CheckpointDtype } from '../../src/index.ts';
import { finalizeCheckpoint, type WorkerSpec, writeCheckpoint } from '../../src/node/index.ts';
import type { CommandSpec } from '../command.ts';
import { UsageError } from '../errors.ts';
import { loadModelPlan } from '../model-source.ts';
import { isSystemError } from '../io.ts';
import { print, printJson } from '../output.ts';
import { formatSize, progressPrinter } from '../progress.ts';
import { parseSeed, parseThreads, withFlags } from '../parse.ts';

const WHERE = 'init';
const FLAGS = { dtype: '--dtype', out: '--out', worker: '--worker', maxShardSize: '--max-shard-size', seed: '--seed' };

/** A worker spec and where it came from (for the progress line). */
export interface DetectedWorker extends WorkerSpec {
  readonly source: string;
}

function integer(text: string | undefined): number {
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}

function checked(index: number, count: number, source: string, text: string): DetectedWorker {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 0 || index >= count) {
    throw new UsageError(`${WHERE}: ${source} must be I/N with integers 0 ≤ I < N (worker I of N); got '${text}'.`);
  }
  return { index, count, source };
}

/**
 * The worker spec of this process: `--worker I/N`; else `--workers N` (or `INITLAB_WORKERS`) with the index from
 * `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job: Kubernetes sets the index, not the count, so the count is given);
 * else `SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT` (a Slurm array without a step);
 * else `AWS_BATCH_JOB_ARRAY_INDEX` of `AWS_BATCH_JOB_ARRAY_SIZE`; else worker 0 of 1.
 *
 * @example
 * detectWorker('3/8', undefined, {}); // { index: 3, count: 8, source: '--worker' }
 * detectWorker(undefined, '8', { JOB_COMPLETION_INDEX: '3' }); // { index: 3, count: 8, source: 'JOB_COMPLETION_INDEX' }
 */
export function detectWorker(flag: string | undefined, workers: string | undefined, env: NodeJS.ProcessEnv): DetectedWorker {
  if (flag !== undefined) {
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(flag);
    return checked(match ? Number(match[1]) : Number.NaN, match ? Number(match[2]) : Number.NaN, '--worker', flag);
  }
  const countText = workers ?? env['INITLAB_WORKERS'];
  const countSource = workers !== undefined ? '--workers' : 'INITLAB_WORKERS';
  if (env['JOB_COMPLETION_INDEX'] !== undefined) {
    if (countText === undefined) {
      throw new UsageError(`${WHERE}: --workers (or INITLAB_WORKERS) must be given in a Kubernetes Indexed Job (the Job's completions); got nothing.`);
    }
    return checked(
      integer(env['JOB_COMPLETION_INDEX']),
      integer(countText),
      `JOB_COMPLETION_INDEX with ${countSource}`,
      `${env['JOB_COMPLETION_INDEX']}/${countText}`,
    );
  }
  if (env['SLURM_ARRAY_TASK_ID'] !== undefined && env['SLURM_ARRAY_TASK_COUNT'] !== undefined) {
    const id = integer(env['SLURM_ARRAY_TASK_ID']);
    const min = env['SLURM_ARRAY_TASK_MIN'] !== undefined ? integer(env['SLURM_ARRAY_TASK_MIN']) : 0;
    const max = env['SLURM_ARRAY_TASK_MAX'] !== undefined ? integer(env['SLURM_ARRAY_TASK_MAX']) : Number.NaN;
    const count = integer(env['SLURM_ARRAY_TASK_COUNT']);
    if (Number.isSafeInteger(max) && max - min + 1 !== count) {
      throw new UsageError(`${WHERE}: the Slurm array must be a contiguous range such as --array=0-${count - 1}; got ${count} tasks from ${min} to ${max}.`);
    }
    return checked(id - min, count, 'SLURM_ARRAY_TASK_ID', `${id - min}/${env['SLURM_ARRAY_TASK_COUNT']}`);
  }
  if (env['AWS_BATCH_JOB_ARRAY_INDEX'] !== undefined) {
    const size = env['AWS_BATCH_JOB_ARRAY_SIZE'] ?? countText;
    if (size === undefined) throw new UsageError(`${WHERE}: --workers must be given in an AWS Batch array job without AWS_BATCH_JOB_ARRAY_SIZE; got nothing.`);
    return checked(integer(env['AWS_BATCH_JOB_ARRAY_INDEX']), integer(size), 'AWS_BATCH_JOB_ARRAY_INDEX', `${env['AWS_BATCH_JOB_ARRAY_INDEX']}/${size}`);
  }
  if (workers !== undefined)
    throw new UsageError(`${WHERE}: --workers needs a worker index (JOB_COMPLETION_INDEX) or use --worker I/N; got --workers ${workers} alone.`);
  return { index: 0, count: 1, source: 'default' };
}

/** `initlab init`. */
export const command: CommandSpec = {
  name: 'init',
  summary: "write a model's initial weights as a Hugging Face safetensors checkpoint, on one machine or many",
  description:
    'Writes every parameter of a model, drawn with the key fold(keyFromSeed(seed), name), as safetensors files laid out as Hugging Face ' +
    'saves them (model.safetensors, or model-0000i-of-0000n.safetensors split greedily at --max-shard-size, with model.safetensors.index.json), ' +
    'plus initlab-manifest.json with a SHA-256 per tensor (initlab verify DIR checks them). Tensors are generated and written in chunks, so ' +
    'memory stays flat whatever the model size; each file is written to a temporary name, fsynced and renamed. With --worker I/N (or a ' +
    'Kubernetes, Slurm or AWS Batch array index), a process writes files i with i mod N = I; the last to finish writes the index and manifest ' +
    '(or run --finalize after all of them). The bytes are the same for every N.',
  flags: {
    model: { type: 'string', value: 'file', help: 'the model as JSON: a list of {name, shape, init, layout?, role?}' },
    recipe: { type: 'string', value: 'name', help: 'a built-in recipe (with --config)' },
    config: { type: 'string', value: 'file', help: "the model's Hugging Face config.json (with --recipe)" },
    seed: { type: 'string', value: 'n', help: 'integer seed', default: '0' },
    dtype: { type: 'string', value: 'dtype', help: `element type: ${CHECKPOINT_DTYPES.join(', ')}`, default: 'float32' },
    out: { type: 'string', value: 'dir', help: 'the checkpoint directory (created if needed)', required: true },
    'max-shard-size': { type: 'string', value: 'size', help: 'largest file, in decimal units as Hugging Face: 5GB, 500MB', default: '5GB' },
    worker: { type: 'string', value: 'I/N', help: 'write only the share of worker I of N (from 0)' },
    workers: { type: 'string', value: 'N', help: 'the worker count, with the index from JOB_COMPLETION_INDEX (Kubernetes)' },
    finalize: { type: 'boolean', help: 'only write the index and manifest, once every file is written' },
    force: { type: 'boolean', help: 'write into a directory that holds other files (they are left alone)' },
    threads: { type: 'string', value: 'n', help: 'threads for the element-wise fills (default: every core but the hashing ones)' },
    'buffered-io': { type: 'boolean', help: 'write through the page cache instead of O_DIRECT (same bytes)' },
    quiet: { type: 'boolean', help: 'no progress on stderr' },
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
  helpAfter: () =>
    [
      '',
      'Examples:',
      '  initlab init --model model.json --seed 0 --dtype bfloat16 --out ckpt',
      '  initlab init --model model.json --seed 0 --dtype bfloat16 --out /shared/ckpt --worker 3/8',
      '  JOB_COMPLETION_INDEX=3 initlab init --model model.json --out /shared/ckpt --workers 8   # Kubernetes Indexed Job',
      '  initlab init --model model.json --out /shared/ckpt --finalize',
      '',
      'Worker index sources, in order: --worker; JOB_COMPLETION_INDEX with --workers or INITLAB_WORKERS;',
      'SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT; AWS_BATCH_JOB_ARRAY_INDEX of AWS_BATCH_JOB_ARRAY_SIZE.',
      'See docs/checkpoints.md for a Kubernetes Indexed Job manifest and a Slurm array script.',
    ].join('\n'),
  run: ({ flags }) => {
    const text = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
    const worker = detectWorker(text('worker'), text('workers'), process.env);
    const dtypeText = text('dtype')!;
    if (!(CHECKPOINT_DTYPES as readonly string[]).includes(dtypeText)) {
      throw new UsageError(`${WHERE}: --dtype must be one of ${CHECKPOINT_DTYPES.join(', ')}; got '${dtypeText}'.`);
    }
    const dtype = dtypeText as CheckpointDtype;
    const { seed } = parseSeed(text('seed')!, WHERE);
    const threads = parseThreads(text('threads'), WHERE);
    const plan = loadModelPlan(WHERE, flags);
    const out = text('out')!;
    const settings = { seed, dtype, maxShardSize: text('max-shard-size')! };
    if (flags['finalize'] === true) {
      const { files } = withFlags(WHERE, FLAGS, () => finalizeCheckpoint(plan, out, settings));
      if (flags['json'] === true) printJson({ out, files, finalized: true });
      else print(`finalized ${out}: ${files} file${files === 1 ? '' : 's'}, index and manifest written`);
      return;
    }
    const result = withFlags(WHERE, FLAGS, () => {
      try {
        return writeCheckpoint(plan, out, {
          ...settings,
          worker,
          force: flags['force'] === true,
          ...(threads !== undefined && { threads }),
          ...(flags['buffered-io'] === true && { directIo: false }),
          ...(flags['quiet'] !== true && { onProgress: progressPrinter(process.stderr, worker.count > 1 ? ` of worker ${worker.index}/${worker.count}` : '') }),
        });
      } catch (error) {
        if (isSystemError(error)) {
          const reason = error.message.split(',')[0]!.trim();
          throw new UsageError(
            `${WHERE}: --out must be a writable directory with room for the checkpoint; got '${out}' (${reason.startsWith(error.code) ? reason : `${error.code}: ${reason}`}; no partial file was left).`,
          );
        }
        throw error;
      }
    });
    if (flags['json'] === true) {
      printJson({
        out,
        worker: { index: worker.index, count: worker.count },
        files: result.layout.files.length,
        written: result.written,
        bytes: result.bytes,
        finalized: result.finalized,
        missing: result.missing,
      });
      return;
    }
    const who = worker.count > 1 ? ` as worker ${worker.index}/${worker.count} (${worker.source})` : '';
    const total = result.layout.files.length;
    const status = result.finalized
      ? `the checkpoint is complete (${formatSize(result.layout.totalSize)} of ${dtype} in ${total} file${total === 1 ? '' : 's'}; index and manifest written)`
      : `${result.missing.length} of ${total} files still to come from other workers`;
    print(`wrote ${result.written.length} file${result.written.length === 1 ? '' : 's'} (${formatSize(result.bytes)}) to ${out}${who}; ${status}`);
  },
};
