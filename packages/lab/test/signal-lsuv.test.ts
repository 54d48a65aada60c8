/** The lab's LSUV on its own MLP, and the `signal` experiment on a small net. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fillNormal, fold, keyFromSeed, orthogonal } from 'initlab';
import { setupBackend } from '../src/engine/backend.ts';
import { createMlp, disposeMlp, hiddenActivations, lsuvMlp } from '../src/engine/mlp.ts';
import { signalExperiment } from '../src/experiments/signal.ts';

before(async () => {
  await setupBackend('cpu');
});

test('lsuvMlp brings every layer of a 20-layer tanh MLP to unit pre-activation variance within tol', () => {
  const sizes = new Array<number>(21).fill(48);
  const mlp = createMlp({ sizes, activation: 'tanh', output: 'none' }, (l, shape) => orthogonal()(shape, fold(keyFromSeed(4), l)) as Float32Array);
  try {
    const inputs = fillNormal(keyFromSeed(5), new Float32Array(200 * 48));
    const tol = 0.05;
    const records = lsuvMlp(mlp, inputs, 200, { tol, maxIterations: 20 });
    assert.equal(records.length, 20);
    for (const r of records) assert.ok(Math.abs(r.varianceAfter - 1) < tol, `layer ${r.layer}: ${r.varianceAfter}`);
    // Biases are zero here, so the pre-activation of layer l + 1 is tanh(z_l)·W: re-measure the last hidden layer's input scale.
    const hidden = hiddenActivations(mlp, inputs, 200);
    assert.equal(hidden.length, 20);
  } finally {
    disposeMlp(mlp);
  }
});

test('signal: claims are computed from a run; the relu gain makes a GELU net vanish while tanh keeps its variance', async () => {
  const config = { ...signalExperiment.defaults(true, 3), depth: 20, width: 64, batch: 64 };
  const result = await signalExperiment.run(config);
  assert.equal(result.runs.length, 9);
  const at = (a: string, s: string): number => result.runs.find((r) => r.activation === a && r.setting === s)!.measured.at(-1)!;
  assert.ok(at('gelu', 'pytorch') < 0.05, String(at('gelu', 'pytorch')));
  assert.ok(Math.abs(at('tanh', 'forward') - 1) < 0.5, String(at('tanh', 'forward')));
  const claims = signalExperiment.claims(result);
  assert.equal(claims.length, 10);
  assert.ok(signalExperiment.figures(result)[0]!.spec);
  assert.equal(signalExperiment.table!(result).rows.length, 9);
});
