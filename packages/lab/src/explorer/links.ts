/**
 * Links from the report to the explorer: the address `npm run explore` serves the page on, and the explorer URL
 * of each run of an activations figure.
 */
import type { ActivationsNet } from '../experiments/activations-core.ts';
import { DEFAULT_EXPLORER_STATE, explorerUrl } from './state.ts';

/** The port `npm run explore` serves the explorer on by default. */
export const EXPLORER_PORT = 5178;

/** The address of the explorer that `npm run explore` serves, which the report links to by default. */
export const DEFAULT_EXPLORER_URL = `http://127.0.0.1:${EXPLORER_PORT}/`;

/** The settings of one run of the `activations` experiment. */
export type ActivationsRunSettings = ActivationsNet;

/**
 * The explorer URL that shows the same histograms as one run of the `activations` experiment.
 *
 * @example
 * activationsRunUrl(DEFAULT_EXPLORER_URL, { activation: 'relu', init: initSpec('he_normal'), depth: 5, width: 100, samples: 1000, seed: 0 });
 */
export function activationsRunUrl(base: string, run: ActivationsRunSettings): string {
  return explorerUrl(base, { ...DEFAULT_EXPLORER_STATE, ...run, input: run.input ?? 'normal' });
}
