/** LSUV and the diagnostics of initlab/tfjs on deep dense nets. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@initlab/lab';
import { diagnose, formatDiagnosis, lsuv } from '../../src/adapters/tfjs.ts';
import { fillNormal, heNormal, InitError, keyFromSeed } from '../../src/index.ts';

/** A plain dense net: `depth` layers of `width` units with one activation, kernels from he_normal (seed 1). */
function denseNet(depth: number, width: number, activation: 'relu' | 'tanh', inputSize = width): tf.Sequential {
  const model = tf.sequential();
  for (let l = 0; l < depth; l++) {
    model.add(tf.layers.dense({ name: `fc${l + 1}`, units: width, activation, ...(l === 0 && { inputShape: [inputSize] }) }));
  }
  let l = 0;
  for (const layer of model.layers) {
    const [kernel, bias] = layer.getWeights();
    const values = heNormal()(kernel!.shape, keyFromSeed(1000 + l++)) as Float32Array;
    layer.setWeights([tf.tensor(values, kernel!.shape), bias!]);
  }
  return model;
}

/** A batch of standard normal inputs from a fixed key. */
function normalBatch(examples: number, size: number, seed: number): tf.Tensor2D {
  return tf.tensor2d(fillNormal(keyFromSeed(seed), new Float32Array(examples * size)), [examples, size]);
}

/** Variance of every layer's pre-activation on a batch (kernel product plus bias), in order. */
function preActivationVariances(model: tf.Sequential, batch: tf.Tensor2D): number[] {
  return tf.tidy(() => {
    const out: number[] = [];
    let h: tf.Tensor = batch;
    for (const layer of model.layers) {
      const [kernel, bias] = layer.getWeights();
      const z = tf.add(tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D), bias!);
      out.push(tf.moments(z).variance.dataSync()[0]!);
      h = layer.apply(h) as tf.Tensor;
    }
    return out;
  });
}

const oneLine = (pattern: RegExp) => (e: unknown) => e instanceof InitError && pattern.test(e.message) && !e.message.includes('\n');

describe('lsuv', () => {
  before(async () => {
    await setupBackend('cpu');
  });

  for (const activation of ['tanh', 'relu'] as const) {
    it(`brings every layer of a 20-layer ${activation} net to unit variance within tol`, () => {
      const model = denseNet(20, 64, activation);
      const batch = normalBatch(256, 64, 7);
      const tol = 0.05;
      const records = lsuv(model, batch, { seed: 3, tol });
      assert.equal(records.length, 20);
      for (const r of records) assert.ok(Math.abs(r.varianceAfter - 1) < tol, `${r.layer}: ${r.varianceAfter} after ${r.iterations}`);
      // Re-measured after the whole pass: later layers do not disturb earlier ones.
      for (const [l, v] of preActivationVariances(model, batch).entries()) assert.ok(Math.abs(v - 1) < tol, `layer ${l + 1}: ${v}`);
      batch.dispose();
    });
  }

  it('is deterministic, leaves biases alone and picks a keyed sub-batch', () => {
    const batch = normalBatch(300, 32, 9);
    const run = () => {
      const model = denseNet(5, 32, 'relu');
      model.layers[2]!.setWeights([model.layers[2]!.getWeights()[0]!, tf.fill([32], 0.25)]);
      const records = lsuv(model, batch, { seed: 5, batchSize: 200 });
      return { records, weights: model.getWeights().map((w) => Array.from(w.dataSync())) };
    };
    const a = run();
    const b = run();
    assert.deepEqual(a, b);
    assert.ok(
      a.weights[5]!.every((v) => v === 0.25),
      'bias of fc3 untouched',
    );
    batch.dispose();
  });

  it('rejects bad inputs with one-line errors', () => {
    const model = denseNet(2, 8, 'relu');
    assert.throws(() => lsuv(model, tf.zeros([0, 8]) as tf.Tensor2D), oneLine(/lsuv: batch must be a non-empty batch/));
    assert.throws(() => lsuv(model, tf.zeros([4, 9]) as tf.Tensor2D), oneLine(/lsuv: batch must be a batch of shape \[examples, 8\]/));
    assert.throws(() => lsuv(model, tf.zeros([4, 8]) as tf.Tensor2D, { tol: 0 }), oneLine(/options.tol must be a number in \(0, 1\)/));
    assert.throws(() => lsuv(Promise.resolve(model) as unknown as tf.Sequential, tf.zeros([4, 8]) as tf.Tensor2D), oneLine(/did you forget await/));
    const noKernel = tf.sequential({ layers: [tf.layers.activation({ activation: 'relu', inputShape: [8] })] });
    assert.throws(() => lsuv(noKernel, tf.zeros([4, 8]) as tf.Tensor2D), oneLine(/model must be a model with at least one kernel/));
  });
});

describe('diagnose', () => {
  before(async () => {
    await setupBackend('cpu');
  });

  it('flags a deliberately vanishing layer and predicts the healthy ones', () => {
    const width = 256;
    const model = denseNet(8, width, 'relu');
    const bad = model.layers[4]!;
    const [kernel, bias] = bad.getWeights();
    bad.setWeights([tf.mul(kernel!, 1e-3), bias!]);
    const batch = normalBatch(512, width, 11);
    const d = diagnose(model, batch, { learningRate: 0.01 });
    assert.equal(d.layers.length, 8);
    const flagged = d.layers.filter((l) => l.flags.includes('vanishing')).map((l) => l.layer);
    assert.ok(flagged.includes('fc5'), `flagged: ${flagged.join(', ')}`);
    for (const l of d.layers.slice(0, 4)) {
      assert.deepEqual(l.flags, [], `${l.layer}: ${l.flags.join(', ')}`);
      // Width 256, batch 512: the std of one layer's output scatters around the mean-field value by about
      // √(2/256) ≈ 9% per layer at most (a χ² over the units); the prediction uses each kernel's actual mean square,
      // which removes most of it, so 10% is a loose bound that a wrong recursion (e.g. forgetting E[φ²] = q/2) fails.
      assert.ok(Math.abs(l.std / l.predictedStd - 1) < 0.1, `${l.layer}: measured ${l.std}, predicted ${l.predictedStd}`);
      assert.ok(l.dead >= 0 && l.dead < 0.1 && l.gradientNorm > 0 && l.updateRatio > 0);
    }
    // The prediction follows the bad layer down: it is the weights' actual statistics that it uses.
    assert.ok(Math.abs(d.layers[4]!.std / d.layers[4]!.predictedStd - 1) < 0.1);
    const table = formatDiagnosis(d);
    assert.match(table, /^layer +activation +mean +std +predicted std/);
    assert.match(table.split('\n')[5]!, /^fc5 .*vanishing/);
    batch.dispose();
  });

  it('measures saturation of tanh layers and accepts labels', () => {
    const model = denseNet(3, 64, 'tanh');
    const [kernel, bias] = model.layers[1]!.getWeights();
    model.layers[1]!.setWeights([tf.mul(kernel!, 20), bias!]);
    const batch = normalBatch(128, 64, 12);
    const d = diagnose(model, batch, { labels: tf.zeros([128, 64]) });
    assert.ok(d.layers[1]!.saturated > 0.5 && d.layers[1]!.flags.includes('saturated'), String(d.layers[1]!.saturated));
    assert.equal(d.lossDefinition, '½·mean((y − labels)²)');
    assert.throws(() => diagnose(model, batch, { labels: tf.zeros([128, 3]) }), oneLine(/options.labels must be a tensor of the model's output shape/));
  });

  it('rejects bad inputs with one-line errors', () => {
    const model = denseNet(2, 8, 'relu');
    assert.throws(() => diagnose(model, tf.zeros([0, 8]) as tf.Tensor2D), oneLine(/diagnose: batch must be a non-empty batch/));
    assert.throws(() => diagnose(model, [[1, 2]] as unknown as tf.Tensor2D), oneLine(/diagnose: batch must be a TF.js tensor/));
    assert.throws(() => diagnose(model, tf.zeros([2, 8]) as tf.Tensor2D, { learningRate: -1 }), oneLine(/learningRate must be a positive/));
    const noWeights = tf.sequential({ layers: [tf.layers.activation({ activation: 'relu', inputShape: [8] })] });
    assert.throws(() => diagnose(noWeights, tf.zeros([2, 8]) as tf.Tensor2D), oneLine(/diagnose: model must be a model with weights/));
    assert.throws(() => formatDiagnosis({} as never), oneLine(/formatDiagnosis: diagnosis must be a Diagnosis/));
  });
});
