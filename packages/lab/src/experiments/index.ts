/**
 * The registry of lab experiments, in the order of the issue and of the report: `initlab lab <name>` looks names
 * up here and `initlab report` runs them all, in this order.
 */
import { activationsExperiment } from './activations.ts';
import { depthExperiment } from './depth.ts';
import type { Experiment } from './experiment.ts';
import { gradientsExperiment } from './gradients.ts';
import { lsuvExperiment } from './lsuv.ts';
import { mnistExperiment } from './mnist.ts';
import { recurrentExperiment } from './recurrent.ts';
import { seluExperiment } from './selu.ts';
import { signalExperiment } from './signal.ts';
import { symmetryExperiment } from './symmetry.ts';

/**
 * An experiment of any config and result type, as the CLI and the report handle it: they pass `run` a config built
 * from `defaults` and hand each result back to the same experiment's `figures`, `claims`, `reading` and `table`.
 * Every experiment is assignable to it because `Experiment`'s members are methods, whose parameters TypeScript
 * compares both ways.
 */
export type AnyExperiment = Experiment<object, { readonly config: object }>;

/** Every experiment, in report order. */
export const EXPERIMENTS: readonly AnyExperiment[] = [
  activationsExperiment,
  gradientsExperiment,
  symmetryExperiment,
  mnistExperiment,
  depthExperiment,
  seluExperiment,
  recurrentExperiment,
  signalExperiment,
  lsuvExperiment,
];

/** The experiments' names, in report order. */
export const EXPERIMENT_NAMES: readonly string[] = EXPERIMENTS.map((e) => e.name);

/** The experiment called `name`, or undefined. */
export function findExperiment(name: string): AnyExperiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
