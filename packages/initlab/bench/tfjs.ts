/**
 * The TF.js 4.22 peers on the cpu and wasm backends, set up as the lab does (@initlab/lab's setupBackend, packages/lab/src/engine/backend.ts: the wasm binary
 * read from the installed package, offline). TF.js has no fill-into-a-buffer API: every run creates a tensor and
 * disposes it (mode `fresh`), which is what its initializers do too. The tensor is not read back (`dataSync`):
 * TF.js ops are eager on these backends, so the values exist when the op returns.
 */
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@initlab/lab';

export type TfBackend = 'cpu' | 'wasm';

const SEED = 20261129;

/** Initializes both backends once; returns the backends that work and notes for the others. */
export async function setupTfjs(): Promise<{ backends: TfBackend[]; notes: string[] }> {
  const backends: TfBackend[] = [];
  const notes: string[] = [];
  const wasm = await setupBackend('wasm');
  if (wasm.name === 'wasm') backends.push('wasm');
  else notes.push(wasm.notice ?? 'the TF.js wasm backend did not load');
  const cpu = await setupBackend('cpu');
  if (cpu.name === 'cpu') backends.push('cpu');
  return { backends, notes };
}

/** TF.js's version string. */
export function tfjsVersion(): string {
  return tf.version.tfjs;
}

/** Times one TF.js run of `op` (n values, or an n×n matrix for he_normal and orthogonal), in milliseconds. */
export async function timeTfjs(backend: TfBackend, op: string, n: number): Promise<number> {
  if (tf.getBackend() !== backend) await setupBackend(backend);
  const start = performance.now();
  let t: tf.Tensor;
  switch (op) {
    case 'normal':
      t = tf.randomNormal([n], 0, 1, 'float32', SEED);
      break;
    case 'uniform':
      t = tf.randomUniform([n], 0, 1, 'float32', SEED);
      break;
    case 'truncated_normal':
      t = tf.truncatedNormal([n], 0, 1, 'float32', SEED);
      break;
    case 'he_normal':
      t = tf.initializers.heNormal({ seed: SEED }).apply([n, n]);
      break;
    case 'orthogonal': {
      // TF.js warns "Slowness may result" on every call above 2000 elements: silence it (outside nothing else runs).
      const warn = console.warn;
      console.warn = () => {};
      try {
        t = tf.initializers.orthogonal({ seed: SEED }).apply([n, n]);
      } finally {
        console.warn = warn;
      }
      break;
    }
    default:
      throw new Error(`no TF.js operation ${op}`);
  }
  t.dispose();
  return performance.now() - start;
}
