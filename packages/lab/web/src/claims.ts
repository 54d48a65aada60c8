/**
 * Claims of the tutorial that the lab's `activations` experiment does not check but the explorer's views can:
 * the symmetry of zero weights, SELU's self-normalization and vanishing gradients. Each is tested on what the
 * page shows, with the margin written in the measurement.
 */
import { formatInitializerText } from 'initlab';
import type { Claim } from '../../src/experiments/experiment.ts';
import type { ActivationView, GradientView } from '../../src/explorer/measure.ts';
import type { ExplorerState } from '../../src/explorer/state.ts';
import { short } from './charts.ts';

/** The page's own claims for a state, given its measured views (gradients may still be on their way). */
export function pageClaims(state: ExplorerState, view: ActivationView, gradients: GradientView | null): Claim[] {
  const claims: Claim[] = [];
  const name = state.init.name;
  const last = view.layers[view.layers.length - 1]!;
  if (name === 'zeros') {
    const spread = Math.max(...view.layers.map((l) => l.std));
    claims.push({
      claim: 'Zero initialization: all neurons output the same values, so having many of them is meaningless.',
      measurement: `the largest std of any layer's outputs is ${short(spread)} (every output equals ${state.activation}(0) = ${short(last.mean)}).`,
      held: spread === 0,
    });
  }
  if (state.activation === 'selu' && name === 'lecun_normal' && state.input !== 'pixels') {
    claims.push({
      claim: 'SELU with LeCun initialization normalizes itself: activations keep mean 0 and variance 1.',
      measurement: `layer ${last.index}: mean ${short(last.mean)}, std ${short(last.std)} (margins: |mean| < 0.1, std within [0.8, 1.2]).`,
      held: Math.abs(last.mean) < 0.1 && last.std >= 0.8 && last.std <= 1.2,
    });
  }
  const smallRandom = (name === 'normal' || name === 'truncated_normal') && 'std' in state.init && Number(state.init['std']) <= 0.01;
  if (gradients && smallRandom && state.depth >= 3) {
    const first = gradients.rms[0];
    const lastRms = gradients.rms[gradients.rms.length - 1];
    const ratio = first != null && lastRms != null && lastRms > 0 ? first / lastRms : null;
    claims.push({
      claim: `Small random values (${formatInitializerText(state.init)}) may cause vanishing gradients in deep networks.`,
      measurement: `the gradient reaching layer 1 is ${short(ratio)}× the one reaching layer ${state.depth} (margin: < 0.01 means vanishing).`,
      held: ratio !== null && ratio < 0.01,
    });
  }
  return claims;
}
