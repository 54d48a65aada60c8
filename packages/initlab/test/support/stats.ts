/**
 * Statistical helpers for tests (never in src/). Every test draws from a fixed key, so these checks are
 * deterministic; tolerances come from sampling error, stated at each use.
 */

/** Sample mean and (population) standard deviation. */
export function moments(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

/**
 * Kolmogorov–Smirnov statistic D = sup |F_n(x) − F(x)| of a sample against a CDF.
 * Under the null, √n·D is asymptotically Kolmogorov-distributed: P(√n·D > 1.95) ≈ 0.001.
 */
export function ksStatistic(values: ArrayLike<number>, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** The KS critical value of √n·D at significance 0.001 (Kolmogorov distribution, Smirnov 1948 tables). */
export const KS_CRITICAL_0_001 = 1.9495;

/** Pearson's χ² statistic of counts against equal expected counts. */
export function chiSquareUniform(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const expected = total / counts.length;
  let chi = 0;
  for (let i = 0; i < counts.length; i++) chi += (counts[i]! - expected) ** 2 / expected;
  return chi;
}

/**
 * Upper critical value of χ² with `dof` degrees of freedom at significance 0.001, by the Wilson–Hilferty
 * approximation χ² ≈ dof·(1 − 2/(9·dof) + z·√(2/(9·dof)))³ with z = 3.0902 (accurate to < 1% for dof ≥ 10).
 */
export function chiSquareCritical0001(dof: number): number {
  const z = 3.0902;
  const a = 2 / (9 * dof);
  return dof * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Pearson correlation of two equally long samples. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = moments(a);
  const mb = moments(b);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - ma.mean) * (b[i]! - mb.mean);
  return sum / a.length / (ma.std * mb.std);
}
