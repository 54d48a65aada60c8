/**
 * Loading a saved TF.js layers model (`model.json` plus its `.bin` weight files, as `model.save('file://…')` or
 * `tensorflowjs_converter` write them) from disk with the plain `@tensorflow/tfjs` package: `file://` loading is
 * tfjs-node only, so the files are read here and handed to TF.js through `tf.io.fromMemory`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fail } from 'initlab';

/** The parts of model.json that are read. */
interface ModelJson {
  readonly modelTopology?: unknown;
  readonly weightsManifest?: readonly { readonly paths: readonly string[]; readonly weights: readonly tf.io.WeightsManifestEntry[] }[];
}

/**
 * Reads `model.json` and the weight files its `weightsManifest` lists (paths relative to model.json), and builds the
 * model with `tf.loadLayersModel(tf.io.fromMemory(...))`.
 *
 * @throws InitError `invalid_argument` (parameter `model`) for a file that cannot be read or parsed, a file without
 *   `modelTopology`, a manifest that lists no weights (a model without weights), or weight files whose total size
 *   does not match the manifest.
 * @example
 * const model = await loadModelFiles('out/model.json');
 */
export async function loadModelFiles(path: string): Promise<tf.LayersModel> {
  const where = 'diagnose';
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as ModelJson;
  } catch (error) {
    return fail('invalid_argument', where, 'model', `a readable TF.js model.json (${(error as Error).message.split('\n')[0]})`, path);
  }
  if (json === null || typeof json !== 'object' || json.modelTopology === undefined) {
    fail('invalid_argument', where, 'model', 'a TF.js layers model.json with a modelTopology', path);
  }
  const manifest = Array.isArray(json.weightsManifest) ? json.weightsManifest : [];
  const weightSpecs = manifest.flatMap((group) => group.weights ?? []);
  if (weightSpecs.length === 0) fail('invalid_argument', where, 'model', 'a model.json whose weightsManifest lists its weights (this one lists none)', path);
  const buffers: Uint8Array[] = [];
  for (const group of manifest) {
    for (const file of group.paths ?? []) {
      const full = resolve(dirname(path), file);
      try {
        buffers.push(readFileSync(full));
      } catch {
        fail('invalid_argument', where, 'model', `a model.json whose weight files exist (${file} cannot be read)`, path);
      }
    }
  }
  const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  const expected = weightSpecs.reduce(
    (sum, w) => sum + (w.shape as number[]).reduce((a: number, d: number) => a * d, 1) * (w.dtype === 'float32' || w.dtype === 'int32' ? 4 : 1),
    0,
  );
  if (expected !== total) fail('invalid_argument', where, 'model', `weight files of ${expected} bytes, as the manifest says (they hold ${total})`, path);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology as tf.io.ModelJSON['modelTopology'], weightSpecs, weightData: weightData.buffer }),
  );
}
