/** Plans shared by the element-wise initializers: each element is an independent draw from one distribution. */
import type { Fans } from '../fans.ts';
import { fillNormal, fillTruncatedNormal, fillUniform } from '../random/samplers.ts';
import { exp, normalCdf } from '../random/special.ts';
import type { Plan } from './initializer.ts';

/** A plan that fills every element with `value`. */
export function constantPlan(value: number, formula: string): Plan {
  return { formula, mean: value, std: 0, fill: (_key, out) => void out.fill(value) };
}

/** A plan drawing 𝒰[low, high): mean (low + high)/2, std (high − low)/√12. */
export function uniformPlan(low: number, high: number, formula: string, fans?: Fans): Plan {
  return {
    ...(fans && { fans }),
    formula,
    mean: (low + high) / 2,
    std: (high - low) / Math.sqrt(12),
    fill: (key, out, offset) => void fillUniform(key, out, { low, high, offset }),
  };
}

/** A plan drawing 𝒩(mean, std²). */
export function normalPlan(mean: number, std: number, formula: string, fans?: Fans): Plan {
  return {
    ...(fans && { fans }),
    formula,
    mean,
    std,
    fill: (key, out, offset) => void fillNormal(key, out, { mean, std, offset }),
  };
}

/**
 * A plan drawing 𝒩(mean, std²) restricted to [low, high]. Its moments are those of the truncated normal:
 * with α, β the standardized bounds and Z = Φ(β) − Φ(α),
 * E = mean + std·(φ(α) − φ(β))/Z and Var = std²·[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²].
 */
export function truncatedNormalPlan(mean: number, std: number, low: number, high: number, formula: string, fans?: Fans): Plan {
  const moments = truncatedNormalMoments(mean, std, low, high);
  return {
    ...(fans && { fans }),
    formula,
    mean: moments.mean,
    std: moments.std,
    fill: (key, out, offset) => void fillTruncatedNormal(key, out, { mean, std, low, high, offset }),
  };
}

/** Mean and standard deviation of 𝒩(mean, std²) truncated to [low, high] (Johnson, Kotz & Balakrishnan 1994, §10.1). */
export function truncatedNormalMoments(mean: number, std: number, low: number, high: number): { mean: number; std: number } {
  const alpha = (low - mean) / std;
  const beta = (high - mean) / std;
  const density = (x: number): number => (Number.isFinite(x) ? exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) : 0);
  const z = alpha >= 0 ? normalCdf(-alpha) - normalCdf(-beta) : normalCdf(beta) - normalCdf(alpha);
  const pa = density(alpha);
  const pb = density(beta);
  const shift = (pa - pb) / z;
  const tailTerm = ((Number.isFinite(alpha) ? alpha * pa : 0) - (Number.isFinite(beta) ? beta * pb : 0)) / z;
  const variance = std * std * (1 + tailTerm - shift * shift);
  return { mean: mean + std * shift, std: Math.sqrt(Math.max(variance, 0)) };
}
