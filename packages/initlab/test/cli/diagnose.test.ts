/**
 * `initlab diagnose model.json`: the command @initlab/lab adds, on a TF.js model saved to files (model.json and a
 * weights file, as `model.save('file://…')` writes them), run through the built `initlab` binary.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ok, usageError } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'initlab-cli-diagnose-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Saves `model` as model.json + weights.bin in `dir` and returns the model.json path. */
async function saveToFiles(model: tf.LayersModel, name: string): Promise<string> {
  const path = join(dir, `${name}.json`);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeFileSync(join(dir, `${name}.bin`), Buffer.from(artifacts.weightData as ArrayBuffer));
      const manifest = [{ paths: [`${name}.bin`], weights: artifacts.weightSpecs }];
      writeFileSync(path, JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: manifest, format: 'layers-model' }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return path;
}

test('a deliberately vanishing layer is flagged, and only it and the layers after it', async () => {
  await tf.setBackend('cpu');
  const model = tf.sequential();
  for (let l = 0; l < 5; l++) {
    model.add(tf.layers.dense({ name: `fc${l}`, units: 64, activation: 'tanh', inputShape: l === 0 ? [32] : undefined, kernelInitializer: 'glorotNormal' }));
  }
  const [kernel, bias] = model.getLayer('fc2').getWeights();
  model.getLayer('fc2').setWeights([tf.mul(kernel!, 1e-3), bias!]);
  const path = await saveToFiles(model, 'vanishing');
  const out = JSON.parse(ok(['diagnose', path, '--json', '--batch-size', '64', '--seed', '1'])) as { layers: { layer: string; flags: string[] }[] };
  const flagged = out.layers.filter((l) => l.flags.includes('vanishing')).map((l) => l.layer);
  assert.ok(flagged.includes('fc2'), `fc2 must be flagged; flagged: ${flagged.join(', ')}`);
  assert.ok(!flagged.includes('fc0') && !flagged.includes('fc1'), `layers before fc2 are healthy; flagged: ${flagged.join(', ')}`);
});

test('bad input: a missing file and a bad batch size are one-line usage errors', () => {
  assert.match(usageError(['diagnose', join(dir, 'missing.json')]), /missing\.json/);
  assert.match(usageError(['diagnose', join(dir, 'vanishing.json'), '--batch-size', '0']), /--batch-size/);
});
