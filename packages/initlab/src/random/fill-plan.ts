/**
 * The plan of a sampler fill, everything but the output array: the distribution and its parameters by name (already
 * specialized to the output type), the key words and the stream index of `out[0]`. samplers.ts validates options into
 * a plan and runs it; the TypeScript kernels (kernels.ts) take the parameters as named arguments, and the SIMD
 * kernels (simd.ts, simd-float32.ts) as the f64 parameters p0, p1, … of their wasm function, in the order of
 * {@link WASM_PARAMETER_ORDER}, flattened by {@link wasmArguments} at the call.
 *
 * @module
 */

/** What every plan holds besides its distribution. */
interface PlanStream {
  /** Whether the output is a Float32Array (else a Float64Array). */
  readonly float32: boolean;
  readonly k0: number;
  readonly k1: number;
  /** Stream index of `out[0]`. */
  readonly offset: number;
}

/** 𝒰[low, high): x = min(low + width·u, top). */
export interface UniformPlan extends PlanStream {
  readonly distribution: 'uniform';
  readonly low: number;
  /** high − low. */
  readonly width: number;
  /** The largest value below high in the output precision. */
  readonly top: number;
}

/** 𝒩(mean, std²): x = mean + std·z. */
export interface NormalPlan extends PlanStream {
  readonly distribution: 'normal';
  readonly mean: number;
  readonly std: number;
}

/**
 * 𝒩(mean, std²) truncated to [low, high]: z = sign·Φ⁻¹(base + mass·u), x = mean + std·z (rounded to float32 for a
 * float32 output), clamped to [bottom, top].
 */
export interface TruncatedNormalPlan extends PlanStream {
  readonly distribution: 'truncated_normal';
  /** Φ at the standardized lower bound (of the mirrored draw when sign = −1). */
  readonly base: number;
  /** The normal mass between the standardized bounds. */
  readonly mass: number;
  /** 1, or −1 for the mirrored draw (both bounds at or above the mean). */
  readonly sign: 1 | -1;
  readonly mean: number;
  readonly std: number;
  /** low and high, rounded inward to the output precision. */
  readonly bottom: number;
  readonly top: number;
}

/** A validated fill: see {@link UniformPlan}, {@link NormalPlan}, {@link TruncatedNormalPlan}. */
export type FillPlan = UniformPlan | NormalPlan | TruncatedNormalPlan;

/** The distributions of the samplers. */
export type SamplerDistribution = FillPlan['distribution'];

/** The named parameters of the plans of one distribution. */
type ParameterOf<D extends SamplerDistribution> = Exclude<keyof Extract<FillPlan, { distribution: D }>, keyof PlanStream | 'distribution'>;

/**
 * The order of each distribution's parameters as the f64 parameters p0, p1, … of the SIMD kernels (simd.ts,
 * simd-float32.ts): the one place that fixes it, for the kernels that read them and for {@link wasmArguments}.
 */
export const WASM_PARAMETER_ORDER = {
  uniform: ['low', 'width', 'top'],
  normal: ['mean', 'std'],
  truncated_normal: ['base', 'mass', 'sign', 'mean', 'std', 'bottom', 'top'],
} as const satisfies { readonly [D in SamplerDistribution]: readonly ParameterOf<D>[] };

/** The index p of parameter `name` of distribution `distribution` among the SIMD kernels' f64 parameters. */
export function wasmParameterIndex<D extends SamplerDistribution>(distribution: D, name: (typeof WASM_PARAMETER_ORDER)[D][number]): number {
  const k = (WASM_PARAMETER_ORDER[distribution] as readonly string[]).indexOf(name);
  if (k < 0) throw new RangeError(`${distribution} has no parameter ${name}`);
  return k;
}

/** The plan's parameters in {@link WASM_PARAMETER_ORDER}: the f64 arguments p0, p1, … of a SIMD kernel call. */
export function wasmArguments(plan: FillPlan): number[] {
  const names: readonly string[] = WASM_PARAMETER_ORDER[plan.distribution];
  const fields = plan as unknown as Readonly<Record<string, number>>;
  return names.map((name) => fields[name]!);
}
