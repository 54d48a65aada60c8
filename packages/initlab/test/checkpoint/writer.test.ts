import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bfloat16Bits, float16Bits, fromSpec, InitError, keyFromSeed, type ModelPlan, parameterKey } from '../../src/index.ts';
import { inspectCheckpoint, MANIFEST_FILE, readSafetensorsHeader, verifyCheckpoint, writeCheckpoint } from '../../src/node/index.ts';
import { smallGpt2 } from '../support/models.ts';

const root = mkdtempSync(join(tmpdir(), 'initlab-checkpoint-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `c${n++}`);

/** Every tensor of a written checkpoint, as bytes, by name. */
function tensorsOf(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const t of inspectCheckpoint(dir).tensors) {
    const bytes = readFileSync(t.file);
    const header = readSafetensorsHeader(t.file);
    out.set(t.name, new Uint8Array(bytes.subarray(header.dataStart + t.begin, header.dataStart + t.end)));
  }
  return out;
}

/** What the public initializer API gives for a parameter, as checkpoint bytes (16-bit: float32 rounded once). */
function expected(plan: ModelPlan, name: string, seed: number, dtype: 'float32' | 'float64' | 'bfloat16' | 'float16'): Uint8Array {
  const p = plan.parameters.find((q) => q.name === name)!;
  const key = parameterKey(keyFromSeed(seed), name);
  const values = fromSpec(p.init)(p.shape, key, { layout: p.layout, dtype: dtype === 'float64' ? 'float64' : 'float32' });
  if (dtype === 'float32' || dtype === 'float64') return new Uint8Array(values.buffer);
  const round = dtype === 'bfloat16' ? bfloat16Bits : float16Bits;
  return new Uint8Array(Uint16Array.from(values, (v) => round(v)).buffer);
}

const files = (dir: string): Map<string, string> =>
  new Map(
    readdirSync(dir)
      .filter((f) => !f.startsWith('.'))
      .map((f) => [
        f,
        createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex'),
      ]),
  );

test('every tensor equals the public initializer API for its key fold(keyFromSeed(seed), name), in every dtype, chunked or not', () => {
  const plan = smallGpt2();
  for (const dtype of ['float32', 'float64', 'bfloat16', 'float16'] as const) {
    const dir = fresh();
    // 1000-element chunks cut every matrix into many chunks, and a chunk boundary inside rows.
    writeCheckpoint(plan, dir, { seed: 7, dtype, maxShardSize: '20KB', chunkElements: 1000, threads: 1 });
    const got = tensorsOf(dir);
    assert.equal(got.size, plan.parameters.length);
    for (const p of plan.parameters) assert.deepEqual(got.get(p.name), expected(plan, p.name, 7, dtype), `${dtype} ${p.name}`);
  }
});

test('threads and chunk sizes do not change a byte; a re-run writes identical files', () => {
  const plan: ModelPlan = {
    recipe: 'threads',
    parameters: [
      { name: 'big', shape: [600, 700], layout: 'torch', init: { name: 'truncated_normal', mean: 0, std: 0.02, low: -0.04, high: 0.04 }, role: 'w' },
      { name: 'he', shape: [512, 300], layout: 'torch', init: fromSpec({ name: 'he_uniform' }).spec, role: 'w' },
    ],
  };
  const a = fresh();
  const b = fresh();
  writeCheckpoint(plan, a, { seed: 1, dtype: 'bfloat16', threads: 1 });
  writeCheckpoint(plan, b, { seed: 1, dtype: 'bfloat16', threads: 2, chunkElements: (1 << 17) + 3 });
  assert.deepEqual(files(a), files(b));
  writeCheckpoint(plan, a, { seed: 1, dtype: 'bfloat16', threads: 2 });
  assert.deepEqual(files(a), files(b));
  const other = fresh();
  writeCheckpoint(plan, other, { seed: 2, dtype: 'bfloat16' });
  assert.notDeepEqual(files(a), files(other), 'another seed gives other bytes');
});

test('writes through the page cache (directIo: false) give the bytes of O_DIRECT writes', () => {
  const plan = smallGpt2();
  const direct = fresh();
  const buffered = fresh();
  writeCheckpoint(plan, direct, { seed: 4, dtype: 'bfloat16', maxShardSize: '20KB' });
  writeCheckpoint(plan, buffered, { seed: 4, dtype: 'bfloat16', maxShardSize: '20KB', directIo: false });
  assert.ok(files(direct).size >= 3, 'several files');
  assert.deepEqual(files(buffered), files(direct));
});

test('a directory that holds other files is refused unless forced; an earlier checkpoint is replaced, stale shards removed', () => {
  const plan = smallGpt2();
  const dir = fresh();
  writeCheckpoint(plan, dir, { seed: 0, maxShardSize: '20KB' });
  assert.ok(existsSync(join(dir, 'model.safetensors.index.json')));
  writeCheckpoint(plan, dir, { seed: 0 }); // one file now: the shards and index of the earlier run go
  assert.deepEqual(
    readdirSync(dir)
      .filter((f) => !f.startsWith('.'))
      .sort(),
    [MANIFEST_FILE, 'model.safetensors'],
  );
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  assert.throws(
    () => writeCheckpoint(plan, dir, { seed: 0 }),
    (e: unknown) => e instanceof InitError && e.parameter === 'out' && /holds 'notes.txt'/.test(e.message),
  );
  writeCheckpoint(plan, dir, { seed: 0, force: true });
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
});

test('bad worker specs, dtypes and constants a dtype cannot hold are refused before anything is written', () => {
  const plan = smallGpt2();
  const dir = fresh();
  for (const worker of [
    { index: 0, count: 0 },
    { index: 3, count: 2 },
    { index: -1, count: 2 },
    { index: 0.5, count: 2 },
  ]) {
    assert.throws(
      () => writeCheckpoint(plan, dir, { seed: 0, worker }),
      (e: unknown) => e instanceof InitError && e.parameter === 'worker',
    );
  }
  assert.throws(
    () => writeCheckpoint(plan, dir, { seed: 0, dtype: 'int8' as never }),
    (e: unknown) => e instanceof InitError && e.parameter === 'dtype',
  );
  const big: ModelPlan = { recipe: 'big', parameters: [{ name: 'c', shape: [3], layout: 'torch', init: { name: 'constant', value: 1e5 }, role: '' }] };
  assert.throws(() => writeCheckpoint(big, dir, { seed: 0, dtype: 'float16' }), /float16 stops at 65504/);
  const flat: ModelPlan = { recipe: 'bad', parameters: [{ name: 'o', shape: [5], layout: 'torch', init: { name: 'orthogonal' }, role: '' }] };
  assert.throws(() => writeCheckpoint(flat, dir, { seed: 0 }), /parameter 'o'/);
  assert.ok(!existsSync(dir), 'nothing was created');
});

test('verify catches a flipped byte on disk and a manifest edited to another seed', () => {
  const plan = smallGpt2();
  const dir = fresh();
  writeCheckpoint(plan, dir, { seed: 5, dtype: 'bfloat16', maxShardSize: '20KB' });
  assert.deepEqual(verifyCheckpoint(dir).problems, []);
  const target = join(
    dir,
    readdirSync(dir)
      .filter((f) => f.startsWith('model-'))
      .sort()[1]!,
  );
  const bytes = readFileSync(target);
  bytes[bytes.length - 3]! ^= 0x40;
  writeFileSync(target, bytes);
  const problems = verifyCheckpoint(dir).problems;
  // The tensor and the file differ from the manifest; the recomputation agrees with it (only the disk is wrong).
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems[0]!, /^model-00002-of-\d+\.safetensors: '.*' on disk \(sha256 [0-9a-f]{12}…\) differs from the manifest \([0-9a-f]{12}…\)$/);
  assert.match(problems[1]!, /^model-00002-of-\d+\.safetensors: file sha256 [0-9a-f]{12}… differs from the manifest/);
  bytes[bytes.length - 3]! ^= 0x40;
  writeFileSync(target, bytes);
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as { seed: string };
  manifest.seed = '6';
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
  const edited = verifyCheckpoint(dir).problems;
  assert.ok(
    edited.some((p) => p.includes('fingerprint')),
    edited.join('\n'),
  );
  assert.ok(
    edited.some((p) => p.includes('recomputed')),
    edited.join('\n'),
  );
  assert.ok(!edited.some((p) => p.includes('on disk')), 'the bytes on disk are the manifest’s');
});

test('inspect: statistics match the values, streamed in chunks', () => {
  const plan = smallGpt2();
  const dir = fresh();
  writeCheckpoint(plan, dir, { seed: 3, dtype: 'float32' });
  const stats = new Map(inspectCheckpoint(dir, { stats: true }).tensors.map((t) => [t.name, t.stats!]));
  for (const p of plan.parameters) {
    const values = new Float32Array(expected(plan, p.name, 3, 'float32').buffer);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    assert.ok(Math.abs(stats.get(p.name)!.mean - mean) <= 1e-12 + 1e-9 * Math.abs(mean), p.name);
    assert.ok(Math.abs(stats.get(p.name)!.std - std) <= 1e-9 * std + 1e-15, p.name);
  }
});
