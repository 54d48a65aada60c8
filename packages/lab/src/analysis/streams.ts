/**
 * Named random streams of the lab's experiments, so that every number is reproducible from (seed, names):
 *
 * - weights of layer i under initializer argument `label`: `fold(keyFromSeed(seed), [experiment, label, i])`;
 * - data (inputs, labels, initial states): `fold(keyFromSeed(seed), [experiment, 'data', name])`.
 *
 * The label is the initializer argument as written (`normal:std=0.01`), so two inits never share a stream and
 * the same init gets the same weights whatever else the grid contains (common random numbers across activations
 * and depths).
 */
import { fillNormal, fillUniform, fold, keyFromSeed, type Key } from 'initlab';
import { parseInitArgument } from '../init-arg.ts';

/** The key of a named stream: `fold(keyFromSeed(seed), [experiment, ...path])`. */
export function streamKey(seed: number, experiment: string, ...path: readonly (string | number)[]): Key {
  return fold(keyFromSeed(seed), [experiment, ...path]);
}

/** `count` values ~ 𝒩(0, 1) (float32) from the data stream `name` of an experiment. */
export function normalData(seed: number, experiment: string, name: string, count: number): Float32Array {
  return fillNormal(streamKey(seed, experiment, 'data', name), new Float32Array(count));
}

/** `count` values ~ 𝒩(0, 1) in float64 from the data stream `name` of an experiment. */
export function normalData64(seed: number, experiment: string, name: string, count: number): Float64Array {
  return fillNormal(streamKey(seed, experiment, 'data', name), new Float64Array(count));
}

/** `count` class labels uniform in [0, classes) from the data stream `name` of an experiment. */
export function uniformLabels(seed: number, experiment: string, name: string, count: number, classes: number): Uint8Array {
  const u = fillUniform(streamKey(seed, experiment, 'data', name), new Float64Array(count));
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = Math.min(classes - 1, Math.floor(u[i]! * classes));
  return labels;
}

/**
 * Kernels of a dense network: layer i maps sizes[i] → sizes[i + 1] with a [fanIn, fanOut] kernel drawn by the
 * initializer argument `label` from `fold(keyFromSeed(seed), [experiment, label, i])`.
 *
 * @throws InitError for a malformed or unknown initializer argument.
 */
export function denseKernels(label: string, seed: number, experiment: string, sizes: readonly number[]): Float32Array[] {
  const { initializer } = parseInitArgument(label);
  const kernels: Float32Array[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    kernels.push(initializer([sizes[i]!, sizes[i + 1]!], streamKey(seed, experiment, label, i)));
  }
  return kernels;
}

/** One [rows, cols] kernel of initializer argument `label`, in float64, from `fold(keyFromSeed(seed), [experiment, label, index])`. */
export function kernel64(label: string, seed: number, experiment: string, index: number, rows: number, cols: number): Float64Array {
  const { initializer } = parseInitArgument(label);
  return initializer([rows, cols], streamKey(seed, experiment, label, index), { dtype: 'float64' });
}
