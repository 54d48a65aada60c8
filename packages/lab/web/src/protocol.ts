/**
 * Messages between the explorer page and its Web Workers. One worker measures (histograms, prediction,
 * gradients), another trains; both run web/src/worker.ts.
 */
import type { ExplorerState } from '../../src/explorer/state.ts';
import type { ActivationView, GradientView } from '../../src/explorer/measure.ts';
import type { TrainingPlan } from '../../src/explorer/training.ts';

/** From the page to a worker. */
export type ToWorker =
  | { readonly type: 'measure'; readonly id: number; readonly state: ExplorerState }
  | { readonly type: 'train'; readonly id: number; readonly plan: TrainingPlan }
  | { readonly type: 'stop' };

/** From a worker to the page. */
export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string; readonly notice: string | null }
  | {
      readonly type: 'activations';
      readonly id: number;
      readonly view: ActivationView;
      readonly milliseconds: number;
      /** Inputs of a quick preview (the full measurement follows), or null for the full measurement. */
      readonly previewSamples: number | null;
    }
  | { readonly type: 'gradients'; readonly id: number; readonly view: GradientView }
  | { readonly type: 'measure-error'; readonly id: number; readonly message: string }
  | { readonly type: 'train-status'; readonly id: number; readonly text: string }
  | {
      readonly type: 'train-progress';
      readonly id: number;
      /** Each run's losses of the steps done since the previous message. */
      readonly losses: number[][];
      readonly stepsDone: number;
      readonly steps: number;
      /** Milliseconds per SGD step of one net, averaged over the chunk. */
      readonly msPerStep: number;
    }
  | { readonly type: 'train-done'; readonly id: number; readonly stopped: boolean; readonly testAccuracy: number[] }
  | { readonly type: 'train-error'; readonly id: number; readonly message: string };
