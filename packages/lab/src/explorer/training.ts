/**
 * Training in the explorer page: the lab's MNIST net (the `mnist` experiment's 4 hidden layers of 100, softmax
 * output, plain SGD on random batches of 128) for up to three initializers side by side, advanced a few steps at
 * a time so that the page can draw the curves as they grow and stop whenever asked. Each initializer's run is the
 * lab's run seed `seed` (engine/training-run.ts: same weights, same batches), so its losses are those of
 * `initlab lab mnist --init … --seeds 1 --seed s` on the same backend. No Node import.
 */
import type { InitializerSpec } from 'initlab';
import { batchStream, type Batch, type DigitSet, type Mnist } from '../data/mnist-core.ts';
import { accuracy, disposeMlp, train, type Activation, type Mlp } from '../engine/mlp.ts';
import { batchKey, createRunMlp, type TrainingJob } from '../engine/training-run.ts';
import { layerSizes } from '../experiments/training-config.ts';

/** Batch size of the page's training (the lab's default). */
export const EXPLORER_BATCH = 128;
/** Hidden layers × units of the page's net (the lab's `mnist` defaults). */
export const EXPLORER_NET = { depth: 4, width: 100 } as const;

/** What to train. */
export interface TrainingPlan {
  readonly inits: readonly InitializerSpec[];
  readonly activation: Activation;
  /** The run seed. */
  readonly seed: number;
  readonly lr: number;
  /** SGD steps per initializer. */
  readonly steps: number;
}

/** The training job of one initializer of a plan (as the lab's `mnist` experiment builds it). */
export function explorerJob(plan: TrainingPlan, init: InitializerSpec): TrainingJob {
  return {
    sizes: layerSizes(EXPLORER_NET),
    activation: plan.activation,
    init,
    seed: plan.seed,
    lr: plan.lr,
    batch: EXPLORER_BATCH,
    iterations: plan.steps,
  };
}

/**
 * Several runs advanced together, a chunk of steps each in turn. Owns TF.js variables until {@link dispose}.
 *
 * @example
 * const session = new TrainingSession(plan, mnist);
 * while (!session.done) session.advance(10); // session.losses[i] grows by 10 per call
 * session.dispose();
 */
export class TrainingSession {
  /** Each run's loss per step so far (the batch's mean cross-entropy before the step's update). */
  readonly losses: number[][];
  private readonly nets: Mlp[];
  private readonly batches: ((iteration: number) => Batch)[];
  private readonly plan: TrainingPlan;

  constructor(plan: TrainingPlan, data: Mnist) {
    this.plan = plan;
    this.nets = [];
    try {
      for (const init of plan.inits) this.nets.push(createRunMlp(explorerJob(plan, init)));
    } catch (error) {
      for (const net of this.nets) disposeMlp(net);
      throw error;
    }
    this.batches = plan.inits.map(() => batchStream(data.train, batchKey(plan.seed), EXPLORER_BATCH));
    this.losses = plan.inits.map(() => []);
  }

  /** Steps done by every run. */
  get stepsDone(): number {
    return Math.min(...this.losses.map((l) => l.length));
  }

  /** Whether every run reached the plan's steps. */
  get done(): boolean {
    return this.stepsDone >= this.plan.steps;
  }

  /** Advances every run by up to `steps` SGD steps and returns the milliseconds spent per step (all runs). */
  advance(steps: number): number {
    const start = performance.now();
    const from = this.stepsDone;
    const count = Math.min(steps, this.plan.steps - from);
    if (count <= 0) return 0;
    for (const [i, net] of this.nets.entries()) {
      const next = this.batches[i]!;
      const { loss } = train(net, { learningRate: this.plan.lr, iterations: count, nextBatch: (it) => next(from + it) });
      this.losses[i]!.push(...loss);
    }
    return (performance.now() - start) / count;
  }

  /** Each run's fraction of `set` classified correctly at its current weights. */
  accuracies(set: DigitSet): number[] {
    return this.nets.map((net) => accuracy(net, set));
  }

  /** Releases the nets. */
  dispose(): void {
    for (const net of this.nets) disposeMlp(net);
    this.nets.length = 0;
  }
}
