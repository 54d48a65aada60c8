/**
 * Input distributions of the activation experiments and the explorer, drawn from an experiment's named data
 * streams (analysis/streams.ts). No TF.js, no Node import.
 */
import { normalData, uniformData } from './streams.ts';

/**
 * Distribution of the network inputs: `normal` 𝒩(0, 1) (the lab's default and the seed's setup), `uniform`
 * U(−√3, √3) (mean 0, variance 1, bounded), `pixels` U(0, 1) (positive, not centred, like image pixels).
 */
export type InputDistribution = 'normal' | 'uniform' | 'pixels';

/** Every {@link InputDistribution}, the default first. */
export const INPUT_DISTRIBUTIONS: readonly InputDistribution[] = ['normal', 'uniform', 'pixels'];

/** E[x²] of each input distribution (1, 1 and 1/3), what the mean-field prediction needs. */
export const INPUT_SECOND_MOMENT: Readonly<Record<InputDistribution, number>> = { normal: 1, uniform: 1, pixels: 1 / 3 };

/**
 * `count` inputs of an experiment: 𝒩(0, 1) from its data stream `inputs`, U(−√3, √3) from `inputs-uniform`,
 * U(0, 1) from `inputs-pixels`.
 *
 * @example
 * inputData(0, 'activations', 100_000, 'normal'); // the inputs of `initlab lab activations --seed 0`
 */
export function inputData(seed: number, experiment: string, count: number, input: InputDistribution): Float32Array {
  switch (input) {
    case 'normal':
      return normalData(seed, experiment, 'inputs', count);
    case 'uniform':
      return uniformData(seed, experiment, 'inputs-uniform', count, -Math.sqrt(3), Math.sqrt(3));
    case 'pixels':
      return uniformData(seed, experiment, 'inputs-pixels', count, 0, 1);
  }
}
