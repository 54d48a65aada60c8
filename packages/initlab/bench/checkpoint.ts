/**
 * Checkpoint benchmark: `node dist/bench/checkpoint.js [--scale S] [--dir DIR] [--workers] [--no-python]`.
 *
 * Cases: GPT-2 124M in float32 and Llama-3.2-1B (1.24B parameters) in bfloat16, from the built-in recipes and the
 * fields of their Hugging Face configs. Tools, each in a fresh process, one run each (these write gigabytes on a
 * shared disk): initlab `writeCheckpoint` (every core; with --workers also 1 worker of 1 thread pinned to one core
 * against 2 such workers, each on its own core, writing half the files each), PyTorch (empty + normal_/zeros_/ones_, then torch.save), numpy (the same draws, raw bytes
 * with tofile), and `dd if=/dev/zero bs=16M conv=fsync` of the same byte count to the same directory: the disk's
 * limit. Every writer fsyncs. Reports MB/s, time ratios and the peak resident set (ru_maxrss / VmHWM).
 * `--scale 0.05` shrinks vocabularies and layer counts: a smoke run of the code path, not a measurement.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, type ModelPlan } from '../src/index.ts';
import { writeCheckpoint } from '../src/node/index.ts';
import { peersScript } from './python.ts';

/** Hugging Face `gpt2` (124M): the fields of its config.json that the recipe reads. */
const GPT2_124M = { model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12, initializer_range: 0.02 };

/** `meta-llama/Llama-3.2-1B` (1.24B parameters, tied head): the fields of its config.json that the recipe reads. */
const LLAMA_32_1B = {
  model_type: 'llama',
  vocab_size: 128256,
  hidden_size: 2048,
  intermediate_size: 8192,
  num_hidden_layers: 16,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  initializer_range: 0.02,
  tie_word_embeddings: true,
};

interface Case {
  readonly name: string;
  readonly plan: ModelPlan;
  readonly dtype: 'float32' | 'bfloat16';
}

/** The two cases, from the built-in recipes; `scale` < 1 shrinks vocabularies and layer counts (a smoke run). */
function cases(scale: number): Case[] {
  const s = (n: number): number => Math.max(1, Math.round(n * scale));
  const gpt2 = { ...GPT2_124M, vocab_size: s(GPT2_124M.vocab_size), n_layer: s(GPT2_124M.n_layer) };
  const llama = { ...LLAMA_32_1B, vocab_size: s(LLAMA_32_1B.vocab_size), num_hidden_layers: s(LLAMA_32_1B.num_hidden_layers) };
  return [
    { name: 'GPT-2 124M float32 (recipe gpt2)', dtype: 'float32', plan: buildModel('gpt2', gpt2) },
    { name: 'Llama-3.2-1B bfloat16 (recipe llama)', dtype: 'bfloat16', plan: buildModel('llama', llama) },
  ];
}

interface Measurement {
  readonly tool: string;
  readonly ms: number;
  readonly bytes: number;
  readonly peakMB: number | undefined;
  readonly note?: string;
}

/** Runs a child and parses the last line of its stdout as JSON. */
function child(command: string, args: readonly string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')}: exit ${code}: ${err.trim().split('\n').pop()}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>);
    });
  });
}

const self = fileURLToPath(import.meta.url);

/** In a child process: write the checkpoint and report time, bytes and peak RSS. */
function childMain(planPath: string, out: string, worker: string | undefined, threads: string | undefined, maxShardSize: string | undefined): void {
  const job = JSON.parse(readText(planPath)) as { plan: ModelPlan; dtype: 'float32' | 'bfloat16' };
  const [index, count] = (worker ?? '0/1').split('/').map(Number);
  const start = performance.now();
  const result = writeCheckpoint(job.plan, out, {
    seed: 0,
    dtype: job.dtype,
    force: true,
    worker: { index: index!, count: count! },
    ...(threads && { threads: Number(threads) }),
    ...(maxShardSize && { maxShardSize: Number(maxShardSize) }),
  });
  const ms = performance.now() - start;
  console.log(JSON.stringify({ ms, bytes: result.bytes, peakKiB: process.resourceUsage().maxRSS }));
}

function readText(file: string): string {
  return spawnSync('cat', [file], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
}

async function measureCase(c: Case, dir: string, python: string | undefined, workers: boolean): Promise<Measurement[]> {
  const planPath = path.join(dir, 'plan.json');
  writeFileSync(planPath, JSON.stringify({ plan: c.plan, dtype: c.dtype, parameters: c.plan.parameters }));
  const results: Measurement[] = [];
  const out = path.join(dir, 'initlab');
  rmSync(out, { recursive: true, force: true });
  const one = await child(process.execPath, [self, '--child', planPath, out]);
  const bytes = one['bytes']!;
  results.push({ tool: 'initlab', ms: one['ms']!, bytes, peakMB: one['peakKiB']! / 1024 });
  if (workers) {
    // Worker scaling without the threads inside a process: 1 worker of 1 thread pinned to core 0, then 2 workers of
    // 1 thread each pinned to its own core, started together (time: the slower one's own, startup excluded as above).
    // Workers share files (i ≡ index mod count), so here the checkpoint is cut into about 10 shards (both runs alike).
    const shard = String(Math.ceil(bytes / 10));
    const pin = hasTaskset();
    const pinned = (core: number, args: readonly string[]): Promise<Record<string, number>> =>
      pin ? child('taskset', ['-c', String(core), process.execPath, ...args]) : child(process.execPath, args);
    rmSync(out, { recursive: true, force: true });
    const single = await pinned(0, [self, '--child', planPath, out, '0/1', '1', shard]);
    results.push({
      tool: `initlab, 1 worker × 1 thread (${pin ? 'pinned to core 0' : 'not pinned: no taskset'})`,
      ms: single['ms']!,
      bytes,
      peakMB: single['peakKiB']! / 1024,
    });
    rmSync(out, { recursive: true, force: true });
    const runs = await Promise.all([0, 1].map((i) => pinned(i, [self, '--child', planPath, out, `${i}/2`, '1', shard])));
    const slower = Math.max(...runs.map((r) => r['ms']!));
    results.push({
      tool: `initlab, 2 workers × 1 thread (${pin ? 'one core each' : 'not pinned'})`,
      ms: slower,
      bytes,
      peakMB: Math.max(...runs.map((r) => r['peakKiB']! / 1024)),
      note: `${(single['ms']! / slower).toFixed(2)}× one worker`,
    });
  }
  rmSync(out, { recursive: true, force: true });
  if (python) {
    const pyPlan = path.join(dir, 'py-plan.json');
    writeFileSync(pyPlan, JSON.stringify({ dtype: c.dtype, parameters: c.plan.parameters }));
    for (const tool of ['torch', 'numpy']) {
      const target = path.join(dir, `${tool}.bin`);
      try {
        const r = await child(python, [peersScript(), 'checkpoint', tool, pyPlan, target]);
        results.push({
          tool: tool === 'torch' ? 'PyTorch init + torch.save' : 'numpy draws + tofile',
          ms: r['ms']!,
          bytes: r['bytes']!,
          peakMB: r['peakKiB']! / 1024,
        });
      } catch (error) {
        results.push({ tool, ms: Number.NaN, bytes: 0, peakMB: undefined, note: (error as Error).message.slice(0, 120) });
      }
      rmSync(target, { force: true });
    }
  }
  const ddTarget = path.join(dir, 'dd.bin');
  const blocks = Math.ceil(bytes / (16 << 20));
  const start = performance.now();
  const dd = spawnSync('dd', ['if=/dev/zero', `of=${ddTarget}`, 'bs=16M', `count=${blocks}`, 'conv=fsync'], { encoding: 'utf8' });
  const ms = performance.now() - start;
  if (dd.status === 0) results.push({ tool: 'dd (disk limit)', ms, bytes: statSync(ddTarget).size, peakMB: undefined });
  rmSync(ddTarget, { force: true });
  return results;
}

/** True when `taskset` (util-linux) can pin a process to a core. */
function hasTaskset(): boolean {
  return spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

/** The first python3 that imports torch (or numpy), as bench/python.ts looks for them. */
function findPython(): string | undefined {
  for (const candidate of [process.env['INITLAB_BENCH_PYTHON'], '/usr/bin/python3', 'python3']) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === '--child') {
    childMain(argv[1]!, argv[2]!, argv[3], argv[4], argv[5]);
    return;
  }
  const at = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const scale = Number(at('--scale') ?? '1');
  const dir = path.resolve(at('--dir') ?? path.join(tmpdir(), 'initlab-bench-checkpoint'));
  mkdirSync(dir, { recursive: true });
  const python = argv.includes('--no-python') ? undefined : findPython();
  if (scale !== 1) console.log(`--scale ${scale}: a smoke run of the code path, not a measurement`);
  if (!python && !argv.includes('--no-python')) console.log('PyTorch/numpy columns skipped: no python3 imports torch and numpy (bash bench/install-peers.sh)');
  console.log(
    `directory: ${dir}; load average at start: ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const c of cases(scale)) {
    const parameters = c.plan.parameters.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
    console.log(`\n${c.name}: ${(parameters / 1e6).toFixed(1)}M parameters`);
    const results = await measureCase(c, dir, python, argv.includes('--workers'));
    const initlabMs = results[0]!.ms;
    const rows = results.map((r) => [
      r.tool,
      Number.isNaN(r.ms) ? '-' : (r.ms / 1000).toFixed(2),
      Number.isNaN(r.ms) ? '-' : (r.bytes / 1e6 / (r.ms / 1000)).toFixed(0),
      Number.isNaN(r.ms) ? '-' : (r.ms / initlabMs).toFixed(2),
      r.peakMB === undefined ? '-' : r.peakMB.toFixed(0),
      r.note ?? '',
    ]);
    const header = ['tool', 'seconds', 'MB/s', 'time / initlab', 'peak RSS MB', ''];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const row of [header, ...rows])
      console.log(
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      );
  }
  rmSync(path.join(dir, 'plan.json'), { force: true });
  rmSync(path.join(dir, 'py-plan.json'), { force: true });
}

await main(process.argv.slice(2));
