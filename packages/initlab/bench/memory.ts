/**
 * Child process of the benchmark's memory table: `node dist/bench/memory.js TOOL OP N` warms TOOL up on a small
 * fill, then makes one fresh fill of N float32 values and prints {"baselineKiB", "peakKiB"}: the resident set size
 * before the fill and its peak during the fill. On Linux the peak is VmHWM from /proc/self/status after resetting it
 * (`echo 5 > /proc/self/clear_refs`), so that start-up peaks do not hide the fill's; elsewhere it is maxRSS, which
 * can then understate the fill. One process per measurement, so peaks do not mix.
 * TOOL: initlab (all threads, SharedArrayBuffer output), initlab-1 (core fill, one thread), tfjs-cpu, tfjs-wasm.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fillNormal, fillTruncatedNormal, fillUniform } from '../src/index.ts';
import * as parallel from '../src/node/parallel.ts';
import { timeTfjs, setupTfjs } from './tfjs.ts';

const SEED = 20261129;

async function fill(tool: string, op: string, n: number): Promise<unknown> {
  switch (tool) {
    case 'initlab': {
      const out = parallel.sharedFloat32Array(n);
      if (op === 'normal') return parallel.fillNormal(SEED, out);
      if (op === 'uniform') return parallel.fillUniform(SEED, out);
      return parallel.fillTruncatedNormal(SEED, out);
    }
    case 'initlab-1': {
      const out = new Float32Array(n);
      if (op === 'normal') return fillNormal(SEED, out);
      if (op === 'uniform') return fillUniform(SEED, out);
      return fillTruncatedNormal(SEED, out);
    }
    case 'tfjs-cpu':
    case 'tfjs-wasm':
      return timeTfjs(tool === 'tfjs-cpu' ? 'cpu' : 'wasm', op, n);
    default:
      throw new Error(`unknown tool ${tool}`);
  }
}

/** Resets the kernel's peak-RSS counter (Linux); false where that is not possible. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return statusKiB('VmHWM') !== undefined;
  } catch {
    return false;
  }
}

/** A `kB` line of /proc/self/status, e.g. VmRSS or VmHWM. */
function statusKiB(name: string): number | undefined {
  try {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

const [tool = '', op = 'normal', size = '16777216'] = process.argv.slice(2);
if (tool.startsWith('tfjs')) await setupTfjs();
// Warm up above the parallel threshold, so that workers and compiled code belong to the baseline.
await fill(tool, op, 1 << 18);
const baselineKiB = (resetPeak() ? statusKiB('VmRSS') : undefined) ?? process.resourceUsage().maxRSS;
const result = await fill(tool, op, Number(size));
const peakKiB = statusKiB('VmHWM') ?? process.resourceUsage().maxRSS;
void result;
process.stdout.write(`${JSON.stringify({ baselineKiB, peakKiB })}\n`);
await parallel.closeWorkers();
