import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { modelJson, smallGpt2 } from '../support/models.ts';
import { CLI, initlab, ok, ROOT, usageError } from './run.ts';

const root = mkdtempSync(join(tmpdir(), 'initlab-cli-checkpoint-'));
after(() => rmSync(root, { recursive: true, force: true }));
const model = join(root, 'model.json');
writeFileSync(model, modelJson(smallGpt2()));
const COMMON = ['--model', model, '--seed', '11', '--dtype', 'bfloat16', '--max-shard-size', '8KB', '--threads', '1', '--quiet'];

/** Name → SHA-256 of every visible file of a directory. */
function hashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => !f.startsWith('.'))
      .sort()
      .map((f) => [
        f,
        createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex'),
      ]),
  );
}

/** Runs `initlab ...args` in a child process without waiting (so several workers run at once). */
function start(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

test('N worker processes write the same bytes as one, for N = 1, 2, 3 and 7, and the last one writes the index and manifest', async () => {
  const one = join(root, 'one');
  ok(['init', ...COMMON, '--out', one]);
  const reference = hashes(one);
  const shards = Object.keys(reference).filter((f) => f.endsWith('.safetensors'));
  assert.ok(shards.length >= 7, `a model of ${shards.length} files exercises 7 workers`);
  assert.ok('model.safetensors.index.json' in reference && 'initlab-manifest.json' in reference);
  for (const count of [2, 3, 7]) {
    const dir = join(root, `n${count}`);
    // One of the 3 workers writes through the page cache (--buffered-io), the others with O_DIRECT: same bytes.
    const io = (i: number): string[] => (count === 3 && i === 1 ? ['--buffered-io'] : []);
    const runs = await Promise.all(Array.from({ length: count }, (_, i) => start(['init', ...COMMON, '--out', dir, '--worker', `${i}/${count}`, ...io(i)])));
    for (const run of runs) assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(hashes(dir), reference, `${count} workers`);
  }
  ok(['verify', join(root, 'n7'), '--threads', '1']);
});

test('workers from Kubernetes and Slurm variables; --finalize writes the index when every file is there', () => {
  const dir = join(root, 'env');
  const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, INITLAB_DEBUG: '', ...vars });
  const run = (vars: Record<string, string>, extra: string[] = []): void => {
    const result = spawnSync(process.execPath, [CLI, 'init', ...COMMON, '--out', dir, ...extra], { env: env(vars), encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  };
  run({ JOB_COMPLETION_INDEX: '0' }, ['--workers', '3']);
  run({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '3', SLURM_ARRAY_TASK_COUNT: '3' }); // index 1
  assert.ok(!existsSync(join(dir, 'initlab-manifest.json')), 'worker 2 has not run yet');
  assert.match(
    usageError(['init', ...COMMON, '--out', dir, '--finalize']),
    /^initlab: init: --out must be a directory where the workers of this run have written every file .* missing\)/,
  );
  run({ AWS_BATCH_JOB_ARRAY_INDEX: '2', AWS_BATCH_JOB_ARRAY_SIZE: '3' });
  const complete = hashes(dir);
  assert.deepEqual(complete, hashes(join(root, 'one')));
  rmSync(join(dir, 'initlab-manifest.json'));
  rmSync(join(dir, 'model.safetensors.index.json'));
  assert.match(ok(['init', ...COMMON, '--out', dir, '--finalize']), /^finalized /);
  assert.deepEqual(hashes(dir), complete);
});

test('bad input: one line, exit code 2, nothing written', () => {
  const dir = join(root, 'never');
  const cases: [string[], RegExp][] = [
    [['--worker', '0/0'], /--worker must be I\/N/],
    [['--worker', '3/2'], /--worker must be I\/N/],
    [['--worker', 'x'], /--worker must be I\/N/],
    [['--dtype', 'int8'], /--dtype must be one of float32, float64, bfloat16, float16; got 'int8'/],
    [['--max-shard-size', '5GiB'], /--max-shard-size must be a size such as 5GB/],
    [['--seed', '1.5'], /--seed must be/],
    [['--workers', '4'], /--workers needs a worker index/],
    [['--threads', '0'], /^initlab: init: --threads must be a positive integer; got '0'\.$/],
  ];
  for (const [flags, message] of cases) {
    const args = ['init', ...COMMON.filter((_, i) => !flags.includes(COMMON[i - 1] ?? '') && !flags.includes(COMMON[i]!)), '--out', dir, ...flags];
    assert.match(usageError(args), message, flags.join(' '));
  }
  const models: [string, RegExp][] = [
    ['{"a":', /--model must be a JSON file; got .* \(Unexpected end of JSON input\)/],
    ['[]', /--model '.*': model: parameters must be a non-empty list/],
    ['[{"name":"w","shape":[2,-1],"init":{"name":"zeros"}}]', /--model '.*': model parameters\[0\]: shape\[1\] must be a non-negative integer; got -1\./],
    ['[{"name":"w","shape":[2],"init":{"name":"gaussian"}}]', /--model '.*': initializer: name must be one of .*; got 'gaussian'\./],
    ['[{"name":"w","shape":[2],"init":"normal"}]', /--model '.*': normal: std must be given/],
    ['[{"name":"w","shape":[2],"init":{"name":"zeros"}},{"name":"w","shape":[2],"init":{"name":"zeros"}}]', /name must be unique in the model; got 'w'/],
    ['[{"name":"w","shape":[4],"init":{"name":"orthogonal"}}]', /orthogonal: shape must be of rank ≥ 2; got \[4\]/],
    ['[{"name":"c","shape":[4],"init":{"name":"constant","value":1e6}}]', /--dtype must be a type that can hold 1000000/],
  ];
  for (const [text, message] of models) {
    const file = join(root, 'bad-model.json');
    writeFileSync(file, text);
    assert.match(usageError(['init', '--model', file, '--dtype', 'float16', '--out', dir]), message, text);
  }
  assert.match(usageError(['init', '--recipe', 'gtp2', '--out', dir]), /recipe.*did you mean 'gpt2'/);
  assert.match(usageError(['verify', dir, '--threads', '1.5']), /^initlab: verify: --threads must be a positive integer; got '1\.5'\.$/);
  assert.ok(!existsSync(dir), 'no output directory was created');
  const busy = join(root, 'busy');
  mkdirSync(busy);
  writeFileSync(join(busy, 'notes.txt'), 'mine');
  assert.match(usageError(['init', ...COMMON, '--out', busy]), /^initlab: init: --out must be empty or an initlab checkpoint directory \(it holds 'notes.txt'/);
  assert.deepEqual(readdirSync(busy), ['notes.txt']);
  ok(['init', ...COMMON, '--out', busy, '--force']);
});

test('inspect: a table of every tensor; a malformed file gives one line naming what is wrong', () => {
  const text = ok(['inspect', join(root, 'one')]);
  assert.match(text, /wte\.weight +BF16 +\[100, 32\]/);
  assert.match(text, /h\.0\.ln_1\.weight +BF16 +\[32\] +\S+ +1 +0 +1 +1/);
  const json = JSON.parse(ok(['inspect', join(root, 'one'), '--json'])) as { tensors: { name: string; stats: { std: number } }[] };
  const wte = json.tensors.find((t) => t.name === 'wte.weight')!;
  assert.ok(Math.abs(wte.stats.std - 0.02) < 0.002, String(wte.stats.std));
  const bad = join(root, 'bad.safetensors');
  const header = Buffer.from('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,12]}}');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(bad, Buffer.concat([length, header, Buffer.alloc(12)]));
  assert.match(usageError(['inspect', bad]), /bad\.safetensors: the byte length of 'w' must be numel × item size = 16 for F32 \[4\]; got 12\.$/);
  length.writeBigUInt64LE(200_000_000n);
  writeFileSync(bad, Buffer.concat([length, header]));
  assert.match(usageError(['inspect', bad]), /the header length must be at most 100000000 bytes/);
  assert.match(usageError(['inspect', join(root, 'nothing-here')]), /must be a readable file or directory/);
});

test('an independent Python reader (numpy and json only) agrees on names, shapes, dtypes and stds', (t) => {
  const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    // CI installs python3-numpy (.ci/run), so there this test always runs.
    if (process.env['CI']) assert.fail(`python3 with numpy is required in CI: ${probe.stderr ?? probe.error}`);
    t.skip('python3 with numpy is not installed');
    return;
  }
  const plan = smallGpt2();
  const expected = plan.parameters.map((p) => ({ name: p.name, shape: p.shape, init: p.init }));
  const result = spawnSync('python3', [join(ROOT, 'test', 'support', 'read_safetensors.py'), join(root, 'one'), JSON.stringify(expected)], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(result.stdout, new RegExp(`^checked ${plan.parameters.length} tensors`));
});

test('the init, inspect and verify commands are listed with their help', () => {
  const help = ok(['--help']);
  for (const name of ['init', 'inspect', 'verify']) assert.match(help, new RegExp(`\\n  ${name} `));
  assert.match(ok(['init', '--help']), /JOB_COMPLETION_INDEX/);
  assert.equal(initlab(['verify']).status, 2);
});

test('a built-in recipe: resnet18 in bfloat16 keeps its int64 BatchNorm counters, matches recipe show, and verifies', () => {
  const dir = join(root, 'resnet18');
  ok(['init', '--recipe', 'resnet18', '--dtype', 'bfloat16', '--out', dir, '--quiet']);
  const bytes = readFileSync(join(dir, 'model.safetensors'));
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;
  const shown = JSON.parse(ok(['recipe', 'show', '--recipe', 'resnet18', '--json'])) as { parameters: { name: string; shape: number[] }[] };
  const names = Object.keys(header).filter((name) => name !== '__metadata__');
  assert.deepEqual(names.sort(), shown.parameters.map((p) => p.name).sort(), 'the checkpoint holds exactly the parameters of the recipe');
  for (const p of shown.parameters) assert.deepEqual(header[p.name]!.shape, p.shape, p.name);
  const counter = header['layer1.0.bn1.num_batches_tracked']!;
  assert.equal(counter.dtype, 'I64');
  assert.deepEqual(counter.shape, []);
  assert.equal(bytes.readBigInt64LE(8 + headerLength + counter.data_offsets[0]!), 0n);
  assert.equal(header['conv1.weight']!.dtype, 'BF16');
  assert.match(ok(['verify', dir]), /^verified .*: 122 tensors in 1 file match the manifest/);
});

test('a write the system refuses (a file-size limit: EFBIG from a real write): one line, exit 2, no temporary or partial file; a re-run completes', () => {
  // `ulimit -f` caps the size of any file this process writes (in 1 KiB blocks): shards under the cap are written
  // and renamed, the first one over it fails in write(2) with EFBIG, as a full disk fails with ENOSPC. Node ignores
  // SIGXFSZ, so the write returns the error instead of killing the process.
  const dir = join(root, 'capped');
  const args = ['init', ...COMMON, '--out', dir].map((a) => `'${a}'`).join(' ');
  const capped = spawnSync('bash', ['-c', `ulimit -f 8 && exec '${process.execPath}' '${CLI}' ${args}`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(capped.status, 2, capped.stderr);
  assert.equal(capped.stdout, '');
  assert.match(
    capped.stderr,
    /^initlab: init: --out must be a writable directory with room for the checkpoint; got '.*capped' \(EFBIG: file too large; no partial file was left\)\.\n$/,
  );
  const left = readdirSync(dir);
  assert.deepEqual(
    left.filter((f) => f.startsWith('.') && f !== '.initlab'),
    [],
    `temporary files left: ${left.join(', ')}`,
  );
  assert.ok(!left.includes('model.safetensors.index.json') && !left.includes('initlab-manifest.json'), left.join(', '));
  const shards = left.filter((f) => f.endsWith('.safetensors'));
  assert.deepEqual(
    shards,
    ['model-00001-of-00009.safetensors', 'model-00002-of-00009.safetensors'],
    'the two shards under the cap (8 KiB) were written; the third (8392 bytes) failed',
  );
  for (const f of shards) ok(['inspect', join(dir, f)]); // each renamed file is whole
  ok(['init', ...COMMON, '--out', dir]);
  assert.match(ok(['verify', dir]), /: 29 tensors in 9 files match the manifest/);
});
