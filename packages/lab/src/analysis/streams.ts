/**
 * Named random streams of the lab's experiments, so that every number is reproducible from (seed, names):
 *
 * - weights of layer i under initializer `spec`: `fold(keyFromSeed(seed), [experiment, initKey(spec), i])`;
 * - data (inputs, labels, initial states): `fold(keyFromSeed(seed), [experiment, 'data', name])`.
 *
 * `initKey(spec)` is the canonical JSON of the spec with sorted keys, so two initializers never share a stream,
 * two spellings of one initializer (`normal:std=0.01`, `normal:std=1e-2`) share it, and the same initializer gets
 * the same weights whatever else the grid contains (common random numbers across activations and depths).
 */
import { fillNormal, fillUniform, fold, keyFromSeed, type InitializerSpec, type Key } from 'initlab';
import { initializerOf, initKey } from '../init-arg.ts';

/** The key of a named stream: `fold(keyFromSeed(seed), [experiment, ...path])`. */
export function streamKey(seed: number, experiment: string, ...path: readonly (string | number)[]): Key {
  return fold(keyFromSeed(seed), [experiment, ...path]);
}

/** `count` values ~ 𝒩(0, 1) (float32) from the data stream `name` of an experiment. */
export function normalData(seed: number, experiment: string, name: string, count: number): Float32Array {
  return fillNormal(streamKey(seed, experiment, 'data', name), new Float32Array(count));
}

/** `count` values ~ U[low, high) (float32) from the data stream `name` of an experiment. */
export function uniformData(seed: number, experiment: string, name: string, count: number, low: number, high: number): Float32Array {
  return fillUniform(streamKey(seed, experiment, 'data', name), new Float32Array(count), { low, high });
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
 * Kernel `index` of a dense network, [fanIn, fanOut], drawn by the initializer `spec` from
 * `fold(keyFromSeed(seed), [experiment, initKey(spec), index])`.
 *
 * @throws InitError for an invalid spec.
 * @example
 * denseKernel(initSpec('he_normal'), 0, 'activations', 2, 100, 100); // the third layer of `initlab lab activations --init he_normal`
 */
export function denseKernel(spec: InitializerSpec, seed: number, experiment: string, index: number, fanIn: number, fanOut: number): Float32Array {
  return initializerOf(spec)([fanIn, fanOut], streamKey(seed, experiment, initKey(spec), index));
}

/**
 * Kernels of a dense network: layer i maps sizes[i] → sizes[i + 1] with the [fanIn, fanOut] kernel
 * {@link denseKernel}(spec, seed, experiment, i, …).
 *
 * @throws InitError for an invalid spec.
 */
export function denseKernels(spec: InitializerSpec, seed: number, experiment: string, sizes: readonly number[]): Float32Array[] {
  initializerOf(spec); // throws InitError before any draw
  const kernels: Float32Array[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) kernels.push(denseKernel(spec, seed, experiment, i, sizes[i]!, sizes[i + 1]!));
  return kernels;
}

/** One [rows, cols] kernel of initializer `spec`, in float64, from `fold(keyFromSeed(seed), [experiment, initKey(spec), index])`. */
export function kernel64(spec: InitializerSpec, seed: number, experiment: string, index: number, rows: number, cols: number): Float64Array {
  return initializerOf(spec)([rows, cols], streamKey(seed, experiment, initKey(spec), index), { dtype: 'float64' });
}
