/**
 * Summary statistics of a sample, for reports that set measured values next to an initializer's targets (the
 * TF.js adapter's `InitReport`, `initlab sample`, the lab). Pure functions of their input, accumulated in
 * float64 whatever the array type, so results are the same bits on every engine.
 */
import { fail } from './errors.ts';

/** Mean, population variance and population standard deviation of a sample (see {@link moments}). */
export interface Moments {
  /** μ = (1/n) Σ xᵢ. */
  readonly mean: number;
  /** σ² = (1/n) Σ (xᵢ − μ)²: the population variance (divisor n, not n − 1). */
  readonly variance: number;
  /** σ = √σ². */
  readonly std: number;
}

/**
 * The mean and the population variance and standard deviation of `values`:
 *
 *   μ = (1/n) Σ xᵢ,   σ² = (1/n) Σ (xᵢ − μ)²,   σ = √σ²
 *
 * computed by the two-pass algorithm in float64: the first pass sums the values for μ (summed in index order,
 * then divided by n), the second sums the squared deviations dᵢ·dᵢ with dᵢ = xᵢ − μ, then divides by n. Unlike the
 * one-pass textbook formula Σxᵢ²/n − μ², which cancels catastrophically when |μ| ≫ σ, the two-pass sum has a
 * relative error of about n·ε in σ² and the rounding error of μ enters it only at second order.
 * The divisor is n (a weight tensor is the whole population being described, not a sample of one).
 *
 * An empty input gives NaN for all three (no mean exists); NaN or ±Infinity among the values propagate.
 *
 * @see T. F. Chan, G. H. Golub, R. J. LeVeque, "Algorithms for computing the sample variance: analysis and
 *   recommendations", The American Statistician 37(3), 242–247, 1983 (the two-pass algorithm and its error bound).
 * @param values - Numbers: an array or a typed array.
 * @throws InitError `invalid_argument` when `values` is not an array or a typed array.
 *
 * @example
 * ```ts
 * moments([1, 2, 3, 4]);               // { mean: 2.5, variance: 1.25, std: 1.118033988749895 }
 * moments([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]).variance; // 22.5 (the one-pass formula gives −128)
 * moments([]);                         // { mean: NaN, variance: NaN, std: NaN }
 * ```
 */
export function moments(values: ArrayLike<number>): Moments {
  if (!Array.isArray(values) && !(ArrayBuffer.isView(values) && !(values instanceof DataView))) {
    fail('invalid_argument', 'moments', 'values', 'an array or a typed array of numbers', values);
  }
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, variance: Number.NaN, std: Number.NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    squares += d * d;
  }
  const variance = squares / n;
  return { mean, variance, std: Math.sqrt(variance) };
}
