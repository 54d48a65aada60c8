/**
 * Experiment 7, `recurrent`: does the hidden-to-hidden initializer keep repeated products from vanishing or
 * exploding? A vanilla RNN h_t = φ(h_{t−1}·W + d_t) (the Keras SimpleRNN layout: W is the [fanIn, fanOut] =
 * [n, n] recurrent kernel drawn by the initializer, h a row vector), with φ ∈ {linear, tanh, relu}, a random
 * initial state h_0 ~ 𝒩(0, I) and an input drive d_t = U·x_t modelled directly as d_t ~ 𝒩(0, inputStd²·I)
 * (inputStd = 0 by default: no inputs, so the state evolves on its own).
 *
 * The Jacobian of T steps is the product ∂h_T/∂h_0 = J_T ⋯ J_1 with J_t = diag(φ'(a_t))·Wᵀ, a_t = h_{t−1}·W + d_t
 * (for a linear RNN: (Wᵀ)^T; relu'(0) is taken as 0). Measured, all in float64 with the kernels drawn in float64:
 * - `log10SpectralNorm[T − 1]` = log10 ‖∂h_T/∂h_0‖₂ (largest singular value) for T = 1 … steps: the product is
 *   accumulated explicitly with a separate power-of-ten scale (rescaled after every step so that its largest entry
 *   is 1: it never overflows), and its spectral norm is found by power iteration on PᵀP warm-started from the
 *   previous T (exact for orthogonal matrices and projections, otherwise a lower bound converged to a change of
 *   relative 1e-10 between iterations, or after 30 iterations);
 * - `log10RmsSingularValue[T − 1]` = log10(‖∂h_T/∂h_0‖_F / √n), the root mean square of the singular values;
 * - `log10SingularValues`: all n singular values of ∂h_S/∂h_0 at S = `spectrumStep`, by orthogonal iteration on
 *   PᵀP with a Householder QR after every factor, accumulating log|R_ii| (Lyapunov-exponent style, no overflow;
 *   see analysis/linalg.ts), started from the right singular vectors of the explicit rescaled product (one-sided
 *   Jacobi SVD), three sweeps, with the convergence residual (largest change of a log10 σ_i in the last sweep).
 * Exact zeros (a ReLU state that died) are null in the log10 arrays.
 *
 * No training task: the adding problem was left out (issue 5 asks for one only if it shows a difference that
 * holds across seeds, and this experiment is about the products at initialization).
 *
 * Everything here is plain float64 arithmetic on 64 × 64 matrices (no TF.js: float32 would already move an
 * orthogonal matrix's norm by about 1e-7 per step, 5e-5 after 500 steps, and TF.js has no SVD).
 */
import type { InitializerSpec } from 'initlab';
import { initializerOf, initLabel, initSpec, sameInit } from '../init-arg.ts';
import { withDefaults } from '../analysis/figures.ts';
import { jacobiSvd, maxAbs, productSingularValues, spectralNorm, transpose, type MatrixProduct } from '../analysis/linalg.ts';
import { finiteOrNull, formatValue, log10OrNull, norm2 } from '../analysis/statistics.ts';
import { kernel64, normalData64 } from '../analysis/streams.ts';
import { cell } from '../analysis/cells.ts';
import type { Claim, Experiment, Figure, NumbersTable, ProgressCallback } from './experiment.ts';

/** Nonlinearities of the recurrent experiment. */
export type RecurrentNonlinearity = 'linear' | 'tanh' | 'relu';
export const RECURRENT_NONLINEARITIES: readonly RecurrentNonlinearity[] = ['linear', 'tanh', 'relu'];

/** Configuration of {@link recurrentExperiment}. */
export interface RecurrentConfig {
  readonly nonlinearities: readonly RecurrentNonlinearity[];
  /** Initializers of the hidden-to-hidden kernel W. */
  readonly inits: readonly InitializerSpec[];
  /** Hidden size n. */
  readonly hidden: number;
  /** Longest product: T = 1 … steps. */
  readonly steps: number;
  /** T at which all singular values are computed. */
  readonly spectrumStep: number;
  /** Std of the input drive d_t (0: no inputs). */
  readonly inputStd: number;
  readonly seed: number;
}

/** One (nonlinearity, init) pair. */
export interface RecurrentRun {
  readonly nonlinearity: RecurrentNonlinearity;
  readonly init: InitializerSpec;
  /** log10 ‖∂h_T/∂h_0‖₂ for T = 1 … steps (null: exactly 0). */
  readonly log10SpectralNorm: (number | null)[];
  /** log10(‖∂h_T/∂h_0‖_F/√n) for T = 1 … steps (null: exactly 0). */
  readonly log10RmsSingularValue: (number | null)[];
  /** log10 of the singular values of ∂h_S/∂h_0 at S = spectrumStep, descending (null: exactly 0). */
  readonly log10SingularValues: (number | null)[];
  /** Orthogonal-iteration sweeps used for the spectrum and the last sweep's largest change of a log10 singular value. */
  readonly spectrumSweeps: number;
  /** null when unknown: the set of exactly-zero singular values changed in the last sweep. */
  readonly spectrumResidual: number | null;
  /** ‖h_T‖/√n at T = steps (the RMS state: shows saturation or a dead ReLU state). */
  readonly finalStateRms: number;
}

export interface RecurrentResult {
  readonly config: RecurrentConfig;
  readonly runs: RecurrentRun[];
}

const NAME = 'recurrent';

/**
 * Orthogonal, 0.9 × orthogonal, identity (Le et al. 2015) and Gaussians with std ½/√n, 1/√n and 2/√n (spectral
 * radius about ½, 1 and 2 by the circular law): for n = 64, `normal:std=0.0625`, `0.125` and `0.25`.
 */
export function defaultInits(hidden: number): InitializerSpec[] {
  const scale = 1 / Math.sqrt(hidden);
  return [ORTHOGONAL, SCALED_ORTHOGONAL, IDENTITY, ...[0.5, 1, 2].map((c) => initSpec(`normal:std=${c * scale}`))];
}

/** The initializers the claims look for (besides the Gaussians, found by their std). */
const ORTHOGONAL = initSpec('orthogonal');
const SCALED_ORTHOGONAL = initSpec('orthogonal:gain=0.9');
const IDENTITY = initSpec('identity');

/** Hidden size of the default (64) and quick (16) runs. */
export const DEFAULT_HIDDEN = 64;
export const QUICK_HIDDEN = 16;

const LN10 = Math.LN10;

function checkConfig(config: RecurrentConfig): void {
  for (const key of ['hidden', 'steps', 'spectrumStep'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${config[key]}`);
  }
  if (config.spectrumStep > config.steps) throw new RangeError(`spectrumStep (${config.spectrumStep}) must not exceed steps (${config.steps})`);
  if (!(config.inputStd >= 0 && Number.isFinite(config.inputStd))) throw new RangeError(`inputStd must be a finite number ≥ 0, got ${config.inputStd}`);
  for (const f of config.nonlinearities) {
    if (!RECURRENT_NONLINEARITIES.includes(f))
      throw new RangeError(`unknown nonlinearity ${String(f)}; expected one of ${RECURRENT_NONLINEARITIES.join(', ')}`);
  }
  for (const init of config.inits) initializerOf(init);
  if (!Number.isSafeInteger(config.seed)) throw new RangeError(`seed must be a safe integer, got ${config.seed}`);
}

/** φ(a) and φ'(a). */
function phi(f: RecurrentNonlinearity, a: number): { value: number; slope: number } {
  switch (f) {
    case 'linear':
      return { value: a, slope: 1 };
    case 'tanh': {
      const y = Math.tanh(a);
      return { value: y, slope: 1 - y * y };
    }
    case 'relu':
      return a > 0 ? { value: a, slope: 1 } : { value: 0, slope: 0 };
  }
}

/**
 * Runs the RNN for `steps` steps from h0 and returns the slopes φ'(a_t) (steps × n, row t − 1 for step t) and the
 * final state.
 */
export function trajectory(
  w: Float64Array,
  n: number,
  f: RecurrentNonlinearity,
  h0: Float64Array,
  drive: Float64Array | null,
  steps: number,
): { slopes: Float64Array; final: Float64Array } {
  const slopes = new Float64Array(steps * n);
  let h = Float64Array.from(h0);
  const next = new Float64Array(n);
  for (let t = 1; t <= steps; t++) {
    // a_j = Σ_i h_i W[i][j] + d_j  (row vector times the [fanIn, fanOut] kernel)
    for (let j = 0; j < n; j++) next[j] = drive ? drive[(t - 1) * n + j]! : 0;
    for (let i = 0; i < n; i++) {
      const hi = h[i]!;
      if (hi === 0) continue;
      const wi = i * n;
      for (let j = 0; j < n; j++) next[j]! += hi * w[wi + j]!;
    }
    for (let j = 0; j < n; j++) {
      const { value, slope } = phi(f, next[j]!);
      next[j] = value;
      slopes[(t - 1) * n + j] = slope;
    }
    h = Float64Array.from(next);
  }
  return { slopes, final: h };
}

/** The Jacobian product J_S ⋯ J_1 with J_t = diag(slopes_t)·Wᵀ, as the linear-algebra helper wants it. */
function jacobianProduct(w: Float64Array, wt: Float64Array, n: number, slopes: Float64Array, steps: number): MatrixProduct {
  const y = (m: Float64Array): Float64Array => new Float64Array(m.length);
  return {
    n,
    steps,
    // J_t X = D_t (Wᵀ X)
    apply(t, x) {
      const out = y(x);
      const s = (t - 1) * n;
      for (let i = 0; i < n; i++) {
        const d = slopes[s + i]!;
        if (d === 0) continue;
        const oi = i * n;
        for (let j = 0; j < n; j++) {
          const a = wt[oi + j]! * d;
          if (a === 0) continue;
          const xj = j * n;
          for (let k = 0; k < n; k++) out[oi + k]! += a * x[xj + k]!;
        }
      }
      return out;
    },
    // J_tᵀ X = W (D_t X)
    applyTranspose(t, x) {
      const out = y(x);
      const s = (t - 1) * n;
      for (let i = 0; i < n; i++) {
        const oi = i * n;
        for (let j = 0; j < n; j++) {
          const a = w[oi + j]! * slopes[s + j]!;
          if (a === 0) continue;
          const xj = j * n;
          for (let k = 0; k < n; k++) out[oi + k]! += a * x[xj + k]!;
        }
      }
      return out;
    },
  };
}

/**
 * Spectral and RMS norms of ∂h_T/∂h_0 for T = 1 … steps, by the explicit scaled product, and a copy of the
 * (rescaled) product at T = `keepAt`.
 */
function normCurves(
  product: MatrixProduct,
  n: number,
  start: Float64Array,
  keepAt: number,
): { spectral: (number | null)[]; rms: (number | null)[]; kept: Float64Array | null } {
  // ∂h_T/∂h_0 = 10^log10Scale · m, with m rescaled after every step so that its largest entry is 1.
  let m: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  let log10Scale = 0;
  const v = Float64Array.from(start);
  const spectral: (number | null)[] = [];
  const rms: (number | null)[] = [];
  let dead = false;
  let kept: Float64Array | null = null;
  for (let t = 1; t <= product.steps; t++) {
    if (!dead) {
      m = product.apply(t, m);
      const big = maxAbs(m);
      if (big === 0) dead = true;
      else if (big !== 1) {
        for (let i = 0; i < m.length; i++) m[i] = m[i]! / big;
        log10Scale += Math.log10(big);
      }
    }
    if (t === keepAt && !dead) kept = Float64Array.from(m);
    if (dead) {
      spectral.push(null);
      rms.push(null);
      continue;
    }
    const s = log10OrNull(spectralNorm(m, n, v, { tolerance: 1e-10, maxIterations: 30 }));
    const f = log10OrNull(norm2(m) / Math.sqrt(n));
    spectral.push(s === null ? null : s + log10Scale);
    rms.push(f === null ? null : f + log10Scale);
  }
  return { spectral, rms, kept };
}

async function run(config: RecurrentConfig, onProgress?: ProgressCallback): Promise<RecurrentResult> {
  checkConfig(config);
  const { hidden: n, steps, spectrumStep, inputStd, seed } = config;
  const h0 = normalData64(seed, NAME, 'h0', n);
  const drive = inputStd > 0 ? normalData64(seed, NAME, 'drive', steps * n).map((x) => x * inputStd) : null;
  const start = normalData64(seed, NAME, 'power-iteration-start', n);
  const total = config.nonlinearities.length * config.inits.length;
  const runs: RecurrentRun[] = [];
  for (const init of config.inits) {
    const w = kernel64(init, seed, NAME, 0, n, n);
    const wt = transpose(w, n);
    for (const nonlinearity of config.nonlinearities) {
      const { slopes, final } = trajectory(w, n, nonlinearity, h0, drive, steps);
      const curves = normCurves(jacobianProduct(w, wt, n, slopes, steps), n, start, spectrumStep);
      // Orthogonal iteration started from the right singular vectors of the explicit product at the spectrum step.
      const basis = curves.kept ? jacobiSvd(curves.kept, n).vectors : undefined;
      const spectrum = productSingularValues(jacobianProduct(w, wt, n, slopes, spectrumStep), 1e-6, 3, basis);
      runs.push({
        nonlinearity,
        init,
        log10SpectralNorm: curves.spectral,
        log10RmsSingularValue: curves.rms,
        log10SingularValues: spectrum.logSingularValues.map((l) => (Number.isFinite(l) ? l / LN10 : null)),
        spectrumSweeps: spectrum.sweeps,
        spectrumResidual: finiteOrNull(spectrum.residual / LN10),
        finalStateRms: norm2(final) / Math.sqrt(n),
      });
      onProgress?.(runs.length, total);
    }
  }
  // Order runs by nonlinearity, then init, as configured.
  runs.sort(
    (a, b) =>
      config.nonlinearities.indexOf(a.nonlinearity) - config.nonlinearities.indexOf(b.nonlinearity) ||
      config.inits.findIndex((i) => sameInit(i, a.init)) - config.inits.findIndex((i) => sameInit(i, b.init)),
  );
  return { config, runs };
}

function figures(result: RecurrentResult): Figure[] {
  const { config } = result;
  const curve: Record<string, unknown>[] = [];
  let missing = 0;
  for (const r of result.runs) {
    r.log10SpectralNorm.forEach((value, i) => {
      if (value === null) missing++;
      else curve.push({ nonlinearity: r.nonlinearity, init: initLabel(r.init), T: i + 1, value });
    });
  }
  const spectrum: Record<string, unknown>[] = [];
  let zeros = 0;
  for (const r of result.runs) {
    r.log10SingularValues.forEach((value, i) => {
      if (value === null) zeros++;
      else spectrum.push({ nonlinearity: r.nonlinearity, init: initLabel(r.init), index: i + 1, value });
    });
  }
  const color = { field: 'init', type: 'nominal', sort: config.inits.map(initLabel), title: 'recurrent init' };
  const column = { field: 'nonlinearity', type: 'nominal', sort: [...config.nonlinearities], title: null };
  return [
    {
      name: 'recurrent-jacobian-norm',
      caption:
        `log10 of the spectral norm of ∂h_T/∂h_0 for T = 1 … ${config.steps} in a vanilla RNN with ${config.hidden} hidden units ` +
        `(${config.inputStd > 0 ? `input drive std ${config.inputStd}` : 'no inputs'}), one line per recurrent initializer, one panel per nonlinearity; ` +
        'lines that stay at 0 (norm 1) overlap.' +
        (missing > 0 ? ` Steps where the Jacobian is exactly 0 (a ReLU state that died) are not drawn (${missing} points).` : ''),
      spec: withDefaults({
        title: 'Norm of the T-step Jacobian ∂h_T/∂h_0',
        data: { values: curve },
        facet: { column },
        spec: {
          width: 240,
          height: 200,
          mark: { type: 'line', strokeWidth: 1.5, clip: true },
          encoding: {
            x: { field: 'T', type: 'quantitative', title: 'T (steps)' },
            y: { field: 'value', type: 'quantitative', title: 'log10 ‖∂h_T/∂h_0‖₂' },
            color,
          },
        },
      }),
    },
    {
      name: 'recurrent-singular-values',
      caption:
        `All ${config.hidden} singular values of ∂h_T/∂h_0 at T = ${config.spectrumStep}, in descending order (log10), by orthogonal iteration with ` +
        'QR after every step (no overflow). Orthogonal weights keep them all at 1 in the linear RNN. ' +
        `Convergence: every log10 σ_i changed by at most ${formatValue(Math.max(...result.runs.map((r) => r.spectrumResidual ?? 0)))} in the last sweep ` +
        '(pairs of nearly equal singular values converge slowest)' +
        (result.runs.some((r) => r.spectrumResidual === null)
          ? `; in ${result.runs.filter((r) => r.spectrumResidual === null).length} runs the set of exact zeros still changed.`
          : '.') +
        (zeros > 0 ? ` Exact zeros (${zeros}) are not drawn.` : ''),
      spec: withDefaults({
        title: `Singular values of the ${config.spectrumStep}-step Jacobian`,
        data: { values: spectrum },
        facet: { column },
        spec: {
          width: 240,
          height: 200,
          mark: { type: 'line', strokeWidth: 1.5, point: { size: 8 } },
          encoding: {
            x: { field: 'index', type: 'quantitative', title: 'index (largest first)' },
            y: { field: 'value', type: 'quantitative', title: `log10 σ_i(∂h_${config.spectrumStep}/∂h_0)` },
            color,
          },
        },
      }),
    },
  ];
}

function find(result: RecurrentResult, nonlinearity: RecurrentNonlinearity, init: InitializerSpec): RecurrentRun | undefined {
  return result.runs.find((r) => r.nonlinearity === nonlinearity && sameInit(r.init, init));
}

function lastOf<T>(values: readonly T[]): T {
  return values[values.length - 1]!;
}

/** Margins of the claims. */
export const MARGINS = {
  /** Orthogonal (linear): |‖∂h_T/∂h_0‖ − 1| below this at every T, and every singular value at the spectrum step. */
  isometry: 1e-9,
  /** 0.9·orthogonal (linear): |log10‖∂h_T/∂h_0‖ − T·log10 0.9| below this at every T. */
  geometric: 1e-9,
  /** Gaussian std 2/√n: log10 of the norm at the last step above this fraction of steps·log10 2. */
  explosion: 0.8,
  /** Gaussian std 1/√n: the singular values at the spectrum step span more than this many decades. */
  spread: 3,
} as const;

/** The largest |value − target| over a curve (∞ if a value is null). */
function worstDeviation(values: readonly (number | null)[], target: (i: number) => number): number {
  let worst = 0;
  values.forEach((v, i) => {
    worst = Math.max(worst, v === null ? Number.POSITIVE_INFINITY : Math.abs(v - target(i)));
  });
  return worst;
}

function claims(result: RecurrentResult): Claim[] {
  const { config } = result;
  const n = config.hidden;
  const T = config.steps;
  const S = config.spectrumStep;
  const out: Claim[] = [];
  const orth = find(result, 'linear', ORTHOGONAL);
  if (orth) {
    const worstNorm = worstDeviation(
      orth.log10SpectralNorm.map((l) => (l === null ? null : 10 ** l)),
      () => 1,
    );
    const worstSigma = worstDeviation(
      orth.log10SingularValues.map((l) => (l === null ? null : 10 ** l)),
      () => 1,
    );
    out.push({
      claim: 'Orthogonal recurrent weights keep repeated products from becoming too large or too small.',
      measurement:
        `linear RNN, orthogonal W: ‖∂h_T/∂h_0‖₂ = 1 within ${formatValue(worstNorm)} for every T ≤ ${T}, and all ${n} singular values at T = ${S} equal 1 within ` +
        `${formatValue(worstSigma)} (margin ${MARGINS.isometry}).`,
      held: worstNorm < MARGINS.isometry && worstSigma < MARGINS.isometry,
    });
  }
  const scaled = find(result, 'linear', SCALED_ORTHOGONAL);
  if (scaled) {
    const expected = (i: number): number => (i + 1) * Math.log10(0.9);
    const worst = worstDeviation(scaled.log10SpectralNorm, expected);
    out.push({
      claim: 'Scaled by 0.9, an orthogonal matrix makes the product decay geometrically as 0.9^T.',
      measurement: `linear RNN, 0.9·orthogonal: log10‖∂h_T/∂h_0‖₂ = T·log10 0.9 within ${formatValue(worst)} for every T ≤ ${T} (${formatValue(10 ** lastOf(scaled.log10SpectralNorm)!)} at T = ${T}; margin ${MARGINS.geometric}).`,
      held: worst < MARGINS.geometric,
    });
  }
  const wide = config.inits.find((i) => Math.abs(stdOf(i) - 2 / Math.sqrt(n)) < 1e-12);
  const gaussWide = wide ? find(result, 'linear', wide) : undefined;
  if (gaussWide) {
    const last = lastOf(gaussWide.log10SpectralNorm);
    out.push({
      claim: 'A Gaussian recurrent matrix with a spectral radius above 1 makes the product explode.',
      measurement: `linear RNN, ${initLabel(gaussWide.init)} (2/√${n}, spectral radius ≈ 2): log10‖∂h_${T}/∂h_0‖₂ = ${formatValue(last)} (T·log10 2 = ${formatValue(T * Math.log10(2))}; margin > ${MARGINS.explosion}× that).`,
      held: last !== null && last > MARGINS.explosion * T * Math.log10(2),
    });
  }
  const critical = config.inits.find((i) => Math.abs(stdOf(i) - 1 / Math.sqrt(n)) < 1e-12);
  const gauss = critical ? find(result, 'linear', critical) : undefined;
  if (gauss) {
    const sv = gauss.log10SingularValues.filter((v): v is number => v !== null);
    const spread = sv.length > 0 ? sv[0]! - sv[sv.length - 1]! : Number.NaN;
    const last = lastOf(gauss.log10SpectralNorm);
    out.push({
      claim: 'Unlike an orthogonal matrix, a Gaussian with std 1/√n (spectral radius ≈ 1) does not keep the norms of repeated products.',
      measurement:
        `linear RNN, ${initLabel(gauss.init)}: the ${n} singular values of ∂h_${S}/∂h_0 span ${formatValue(spread)} decades (from 10^${formatValue(sv[0])} to 10^${formatValue(sv[sv.length - 1])}; margin > ${MARGINS.spread}); ` +
        `‖∂h_${T}/∂h_0‖₂ = ${pow10(last)}, growing or decaying with this draw's spectral radius.`,
      held: spread > MARGINS.spread,
    });
  }
  const irnn = find(result, 'relu', IDENTITY);
  if (irnn && config.inputStd === 0) {
    const worst = worstDeviation(
      irnn.log10SpectralNorm.map((l) => (l === null ? null : 10 ** l)),
      () => 1,
    );
    out.push({
      claim: 'Identity recurrent weights with ReLU (IRNN, Le et al. 2015) keep the gradient norm while no inputs arrive.',
      measurement: `relu RNN, identity W, no inputs: ‖∂h_T/∂h_0‖₂ = 1 within ${formatValue(worst)} for every T ≤ ${T} (the Jacobian is the 0/1 mask of the units that start positive).`,
      held: worst < MARGINS.isometry,
    });
  }
  return out;
}

/** The std of a zero-mean `normal` initializer, else NaN. */
function stdOf(init: InitializerSpec): number {
  const spec = initializerOf(init).spec;
  return spec.name === 'normal' && spec['mean'] === 0 ? (spec['std'] as number) : Number.NaN;
}

/** 10^l as a readable number (`1`, `1.32e-23`), or `0` for null (an exact zero). */
function pow10(l: number | null): string {
  if (l === null) return '0';
  return Math.abs(l) < 300 ? formatValue(10 ** l) : `10^${l.toFixed(1)}`;
}

function reading(result: RecurrentResult): string {
  const { config } = result;
  const T = config.steps;
  const at = (r: RecurrentRun | undefined): string => (r ? pow10(lastOf(r.log10SpectralNorm)) : 'n/a');
  const linear = (init: InitializerSpec): RecurrentRun | undefined => find(result, 'linear', init);
  const n = config.hidden;
  const critical = config.inits.find((i) => Math.abs(stdOf(i) - 1 / Math.sqrt(n)) < 1e-12);
  const wide = config.inits.find((i) => Math.abs(stdOf(i) - 2 / Math.sqrt(n)) < 1e-12);
  const tanhOrth = find(result, 'tanh', ORTHOGONAL);
  const reluOrth = find(result, 'relu', ORTHOGONAL);
  const first =
    `In the linear RNN, ‖∂h_${T}/∂h_0‖₂ is ${at(linear(ORTHOGONAL))} with orthogonal W, ${at(linear(SCALED_ORTHOGONAL))} with 0.9·orthogonal (0.9^${T} = ${formatValue(0.9 ** T)})` +
    (critical ? `, ${at(linear(critical))} with ${initLabel(critical)}` : '') +
    (wide ? ` and ${at(linear(wide))} with ${initLabel(wide)}` : '') +
    '.';
  const irnn = find(result, 'relu', IDENTITY);
  let second = 'No training task was run.';
  if (tanhOrth && reluOrth && config.inputStd === 0) {
    second =
      `Without inputs and with orthogonal W, tanh brings it to ${at(tanhOrth)} (the state shrinks toward 0, RMS ${formatValue(tanhOrth.finalStateRms)} at T = ${T}, where tanh is nearly linear) ` +
      `and ReLU to ${at(reluOrth)} (each step cuts off the negative units; state RMS ${formatValue(reluOrth.finalStateRms)})` +
      (irnn ? `, while identity + ReLU stays at ${at(irnn)}` : '') +
      '; no training task was run.';
  } else if (tanhOrth && reluOrth) {
    second =
      `With an input drive of std ${config.inputStd} and orthogonal W, tanh brings it to ${at(tanhOrth)} and ReLU to ${at(reluOrth)}` +
      (irnn ? `, and identity + ReLU to ${at(irnn)}` : '') +
      '; no training task was run.';
  }
  return `${first} ${second}`;
}

/** Per (nonlinearity, init): ‖∂h_T/∂h_0‖₂ at T = 1, 10, 100 and the last step, and the final state's RMS. */
function table(result: RecurrentResult): NumbersTable {
  const steps = Math.max(...result.runs.map((r) => r.log10SpectralNorm.length));
  const picks = [1, 10, 100, steps].filter((t, i, a) => t <= steps && a.indexOf(t) === i);
  const norm = (log10: number | null | undefined): string => (log10 === null ? '0' : log10 === undefined ? '–' : cell(10 ** log10));
  return {
    columns: ['nonlinearity', 'initializer', ...picks.map((t) => `‖∂h_${t}/∂h_0‖`), 'final state RMS'],
    rows: result.runs.map((r) => [r.nonlinearity, initLabel(r.init), ...picks.map((t) => norm(r.log10SpectralNorm[t - 1])), cell(r.finalStateRms)]),
  };
}

/** Experiment 7: orthogonal vs Gaussian vs identity recurrent weights, norms and spectra of T-step Jacobians. */
export const recurrentExperiment: Experiment<RecurrentConfig, RecurrentResult> = {
  name: NAME,
  title: 'Recurrent weights: repeated products over 500 steps',
  options: [
    { key: 'nonlinearities', kind: 'list', choices: RECURRENT_NONLINEARITIES, description: 'RNN nonlinearities (default linear,tanh,relu)' },
    {
      key: 'inits',
      kind: 'init-list',
      description: `hidden-to-hidden initializers (default ${defaultInits(DEFAULT_HIDDEN).map(initLabel).join(',')}; quick: the same scales for n = ${QUICK_HIDDEN})`,
    },
    {
      key: 'hidden',
      kind: 'integer',
      description: `hidden size n (default ${DEFAULT_HIDDEN}; quick ${QUICK_HIDDEN}); the Gaussian claims look for std 1/√n and 2/√n`,
    },
    { key: 'steps', kind: 'integer', description: 'longest product T (default 500)' },
    { key: 'spectrumStep', kind: 'integer', description: 'T at which all singular values are computed (default 100)' },
    { key: 'inputStd', kind: 'number', description: 'std of the random input drive per unit and step (default 0: no inputs)' },
    { key: 'seed', kind: 'integer', description: 'random seed of weights and states' },
  ],
  defaults: (quick, seed) => ({
    nonlinearities: [...RECURRENT_NONLINEARITIES],
    inits: defaultInits(quick ? QUICK_HIDDEN : DEFAULT_HIDDEN),
    hidden: quick ? QUICK_HIDDEN : DEFAULT_HIDDEN,
    steps: 500,
    spectrumStep: 100,
    inputStd: 0,
    seed,
  }),
  run,
  figures,
  claims,
  reading,
  table,
};
