/**
 * The seed's claims about activation distributions, checked against measured runs of the `activations`
 * experiment. No Node import: the report and the explorer page check the same claims with the same margins.
 */
import type { InitializerSpec } from 'initlab';
import type { Activation } from '../engine/mlp.ts';
import { initLabel, initSpec, sameInit } from '../init-arg.ts';
import { formatPercent, formatValue } from '../analysis/statistics.ts';
import { SATURATION_MARGIN, type ActivationsRun, type LayerStats } from './activations-core.ts';
import type { Claim } from './experiment.ts';

/** The initializers the claims look for. */
export const STD_1 = initSpec('normal:std=1');
export const STD_001 = initSpec('normal:std=0.01');
export const XAVIER = initSpec('glorot_normal');
export const HE = initSpec('he_normal');

/** The run of an (activation, initializer) pair, if any. */
export function find(runs: readonly ActivationsRun[], activation: Activation, init: InitializerSpec): ActivationsRun | undefined {
  return runs.find((r) => r.activation === activation && sameInit(r.init, init));
}

/** The last layer of a run. */
export const last = (run: ActivationsRun): LayerStats => run.layers[run.layers.length - 1]!;
/** The first layer of a run. */
export const first = (run: ActivationsRun): LayerStats => run.layers[0]!;

/** Margins of the claims (see the module comment of the test for the measured values). */
export const MARGINS = {
  /** std 1 + sigmoid/tanh: the last layer's saturated fraction exceeds this. */
  saturatedMajority: 0.5,
  /** std 0.01 + sigmoid: the last layer's std is below this and its mean within this of 0.5. */
  squeezedStd: 0.02,
  squeezedMean: 0.02,
  /** Xavier + sigmoid/tanh: the last layer's std is at least this many times the std 0.01 one … */
  spreadFactor: 3,
  /** … and at most this fraction of it is saturated. */
  spreadSaturated: 0.05,
  /** He + ReLU: std(last)/std(first) within [1/constantFactor, constantFactor]. */
  constantFactor: 2,
  /** Xavier + ReLU: std(last)/std(first) below this. */
  shrinkRatio: 0.5,
} as const;

/**
 * The seed's claims about activation histograms that `runs` can test (each needs its (activation, initializer)
 * pair among the runs; a single run tests the claims about its own pair), with the measurement and whether it
 * held within {@link MARGINS}. The report checks them on the grid, the explorer page on the run it shows.
 *
 * @example
 * activationClaims([{ activation: 'relu', init: initSpec('he_normal'), layers }]); // [{ claim: 'He initialization: …', held: true, … }]
 */
export function activationClaims(runs: readonly ActivationsRun[]): Claim[] {
  const out: Claim[] = [];
  const depth = runs[0]?.layers.length ?? 0;
  for (const activation of ['sigmoid', 'tanh'] as const) {
    const big = find(runs, activation, STD_1);
    if (big) {
      const s = last(big).saturated;
      out.push({
        claim: `Std 1 pushes ${activation} outputs to the extremes, where the derivative is nearly zero.`,
        measurement: `${activation}, ${initLabel(STD_1)}: ${formatPercent(s)} of layer-${depth} outputs within ${SATURATION_MARGIN} of a bound (margin: > ${formatPercent(MARGINS.saturatedMajority)}).`,
        held: s > MARGINS.saturatedMajority,
      });
    }
  }
  const small = find(runs, 'sigmoid', STD_001);
  if (small) {
    const { std, mean } = last(small);
    out.push({
      claim: 'Std 0.01 avoids saturation, but most sigmoid outputs are located around 0.5.',
      measurement: `sigmoid, ${initLabel(STD_001)}: layer-${depth} std ${formatValue(std)}, mean ${formatValue(mean, 4)} (margins: std < ${MARGINS.squeezedStd}, |mean − 0.5| < ${MARGINS.squeezedMean}).`,
      held: std < MARGINS.squeezedStd && Math.abs(mean - 0.5) < MARGINS.squeezedMean,
    });
  }
  for (const activation of ['sigmoid', 'tanh'] as const) {
    const xavier = find(runs, activation, XAVIER);
    if (!xavier) continue;
    const tiny = find(runs, activation, STD_001);
    const { std, saturated } = last(xavier);
    const factor = tiny ? std / last(tiny).std : Number.NaN;
    const spread = tiny ? factor >= MARGINS.spreadFactor : true;
    out.push({
      claim: `Xavier initialization spreads ${activation} activations much more evenly (suitable for tanh or sigmoid).`,
      measurement:
        `${activation}, ${initLabel(XAVIER)}: layer-${depth} std ${formatValue(std)}` +
        (tiny ? ` (${formatValue(factor)}× the std 0.01 run's ${formatValue(last(tiny).std)})` : '') +
        `, ${formatPercent(saturated)} saturated (margins: ≥ ${MARGINS.spreadFactor}× and < ${formatPercent(MARGINS.spreadSaturated)}).`,
      held: spread && saturated < MARGINS.spreadSaturated,
    });
  }
  const he = find(runs, 'relu', HE);
  if (he) {
    const ratio = last(he).std / first(he).std;
    out.push({
      claim: 'He initialization: even as the layers get deeper, ReLU activations keep an even distribution.',
      measurement: `relu, ${initLabel(HE)}: std ${formatValue(first(he).std)} at layer 1, ${formatValue(last(he).std)} at layer ${depth} (ratio ${formatValue(ratio)}; margin: within [1/${MARGINS.constantFactor}, ${MARGINS.constantFactor}]).`,
      held: ratio >= 1 / MARGINS.constantFactor && ratio <= MARGINS.constantFactor,
    });
  }
  const xavierRelu = find(runs, 'relu', XAVIER);
  if (xavierRelu) {
    const ratio = last(xavierRelu).std / first(xavierRelu).std;
    out.push({
      claim: 'Xavier is not suitable for ReLU: activations shrink with depth.',
      measurement: `relu, ${initLabel(XAVIER)}: std ${formatValue(first(xavierRelu).std)} at layer 1, ${formatValue(last(xavierRelu).std)} at layer ${depth} (ratio ${formatValue(ratio)}, about (1/√2)^${depth - 1} = ${formatValue(Math.SQRT1_2 ** (depth - 1))}; margin: < ${MARGINS.shrinkRatio}).`,
      held: ratio < MARGINS.shrinkRatio,
    });
  }
  return out;
}
