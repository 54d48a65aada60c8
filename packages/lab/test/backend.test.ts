import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../src/engine/backend.ts';

const run = promisify(execFile);

test('setupBackend gives a working backend, wasm on this machine unless INITLAB_BACKEND says otherwise', async () => {
  const info = await setupBackend();
  assert.equal(tf.getBackend(), info.name);
  const expected = process.env['INITLAB_BACKEND'] === 'cpu' ? 'cpu' : 'wasm';
  assert.equal(info.name, expected, `expected the ${expected} backend, got ${info.name} (${info.notice ?? 'no notice'})`);
  assert.equal(info.notice, undefined);
  const y = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
  assert.deepEqual(Array.from(y.dataSync()), [19, 22, 43, 50]);
  y.dispose();
});

test('setupBackend is idempotent and safe to call concurrently', async () => {
  const first = await setupBackend();
  const again = await Promise.all([setupBackend(), setupBackend(), setupBackend()]);
  for (const info of again) assert.deepEqual(info, first);
  assert.equal(tf.getBackend(), first.name);
});

test('setupBackend switches between cpu and wasm on request', async () => {
  const cpu = await setupBackend('cpu');
  assert.deepEqual(cpu, { name: 'cpu' });
  assert.equal(tf.getBackend(), 'cpu');
  const back = await setupBackend('wasm');
  assert.equal(tf.getBackend(), back.name);
});

test('without its .wasm binaries it falls back to cpu with a one-line notice and no console noise', async () => {
  const backendUrl = new URL('../src/engine/backend.js', import.meta.url).href;
  const script = `import { setupBackend } from ${JSON.stringify(backendUrl)};
import * as tf from '@tensorflow/tfjs';
const info = await setupBackend('wasm');
const sum = tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0];
process.stdout.write(JSON.stringify({ ...info, sum, active: tf.getBackend() }));`;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, INITLAB_WASM_DIR: '/nonexistent/initlab-wasm/' },
    cwd: new URL('../..', import.meta.url).pathname,
  });
  const result = JSON.parse(stdout) as { name: string; notice?: string; sum: number; active: string };
  assert.equal(result.name, 'cpu');
  assert.equal(result.active, 'cpu');
  assert.equal(result.sum, 5);
  assert.match(result.notice ?? '', /^initlab: wasm backend unavailable \(.+\); using the cpu backend$/);
  assert.doesNotMatch(result.notice ?? '', /\n/);
  assert.equal(stderr, '');
});
