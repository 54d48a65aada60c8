/** The explorer's Node-side pieces: URL state, the lab command, report links and the mean-field prediction. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  activationsExperiment,
  DEFAULT_EXPLORER_STATE,
  formatExplorerState,
  initSpec,
  labCommand,
  parseExplorerState,
  predictSignal,
  setupBackend,
} from '../src/index.ts';
import { ExplorerSession, PREVIEW_SAMPLES, PREVIEW_WORK, previewSamples } from '../src/explorer/measure.ts';
import { renderHtml } from '../src/report/html.ts';

test('a state survives its URL form, and bad fields fall back to defaults with a message', () => {
  const state = { ...DEFAULT_EXPLORER_STATE, activation: 'selu' as const, init: initSpec('he_normal:mode=fan_out,nonlinearity=tanh'), depth: 30, seed: 12 };
  assert.deepEqual(parseExplorerState(`#${formatExplorerState(state)}`), { state, errors: [] });
  const parsed = parseExplorerState('act=swish&depth=99&init=normal:std=-1&train=he_normal&train=he_normal&lr=0');
  assert.equal(parsed.state.activation, DEFAULT_EXPLORER_STATE.activation);
  assert.equal(parsed.state.depth, DEFAULT_EXPLORER_STATE.depth);
  assert.deepEqual(parsed.state.init, DEFAULT_EXPLORER_STATE.init);
  assert.deepEqual(parsed.state.train, [initSpec('he_normal')]);
  assert.equal(parsed.errors.length, 4);
  assert.match(parsed.errors.join('\n'), /depth: expected an integer in \[1, 50\]; got 99/);
  assert.equal(
    labCommand(state),
    'npx initlab lab activations --activation selu --init he_normal:mode=fan_out,nonlinearity=tanh --depth 30 --width 100 --samples 1000 --seed 12',
  );
});

test('the report links each row of an activations figure to the explorer with that run’s settings', async () => {
  await setupBackend();
  const config = { ...activationsExperiment.defaults(true, 3), depth: 2, width: 20, samples: 30 };
  const result = await activationsExperiment.run(config);
  const links = activationsExperiment.explorerLinks!(result, 'http://127.0.0.1:5178/');
  assert.deepEqual(Object.keys(links), ['activations-sigmoid', 'activations-tanh', 'activations-relu']);
  const [first] = links['activations-sigmoid']!;
  assert.equal(first!.label, 'normal:std=1');
  const { state } = parseExplorerState(new URL(first!.href).hash);
  assert.deepEqual([state.activation, state.init, state.depth, state.width, state.samples, state.seed], ['sigmoid', initSpec('normal:std=1'), 2, 20, 30, 3]);
  const html = renderHtml({ date: new Date(0), seed: 3, quick: true, backend: 'wasm', version: '0', rng: '', seconds: 0, node: 'v20' }, [
    {
      name: 'activations',
      title: 't',
      reading: '',
      claims: [],
      table: null,
      config,
      seconds: 0,
      command: '',
      figures: [{ name: 'activations-sigmoid', caption: 'c', svg: '<svg></svg>', svgFile: 'a.svg', pngFile: null, links: links['activations-sigmoid']! }],
    },
  ]);
  assert.ok(html.includes(`href="${first!.href.replace(/&/g, '&amp;')}"`));
});

test('the mean-field prediction matches He/ReLU and Xavier/tanh measurements within a few percent', async () => {
  const he = predictSignal({ activation: 'relu', weightVariance: 2 / 500, width: 500, depth: 10, inputSecondMoment: 1 });
  const reluStd = Math.sqrt(1 - 1 / Math.PI); // E[h²] = 1, E[h] = √(1/π) ⇒ std = √(1 − 1/π)
  for (const s of he.std) assert.ok(Math.abs(s - reluStd) < 1e-6, `He/ReLU std ${s}`);
  await setupBackend();
  const state = { ...DEFAULT_EXPLORER_STATE, activation: 'tanh' as const, init: initSpec('glorot_normal'), depth: 6, width: 200, samples: 400 };
  const view = new ExplorerSession().activations(state);
  view.layers.forEach((layer, l) => {
    const predicted = view.prediction!.std[l]!;
    assert.ok(Math.abs(layer.std / predicted - 1) < 0.05, `layer ${l + 1}: measured ${layer.std}, predicted ${predicted}`);
  });
});

test('a preview on fewer inputs comes first only where the full forward pass is slow and the inputs are many', () => {
  const at = (samples: number, width: number, depth: number): number | null => previewSamples({ samples, width, depth });
  assert.equal(at(1000, 500, 10), PREVIEW_SAMPLES, 'width 500, depth 10, 1000 inputs: 2.5e9 multiply-adds');
  assert.equal(at(2000, 1000, 50), PREVIEW_SAMPLES, 'the largest state');
  assert.equal(at(DEFAULT_EXPLORER_STATE.samples, DEFAULT_EXPLORER_STATE.width, DEFAULT_EXPLORER_STATE.depth), null, 'the default state is quick');
  // The boundaries: work strictly above PREVIEW_WORK, samples strictly above twice the preview's.
  assert.equal(at(400, 100, PREVIEW_WORK / (400 * 100 * 100)), null, 'work exactly at the limit');
  assert.equal(at(400, 100, PREVIEW_WORK / (400 * 100 * 100) + 1), PREVIEW_SAMPLES);
  assert.equal(at(2 * PREVIEW_SAMPLES, 1000, 50), null, 'too few inputs for a preview to help');
  assert.equal(at(2 * PREVIEW_SAMPLES + 1, 1000, 50), PREVIEW_SAMPLES);
});
