/**
 * The packages as a user gets them: `npm pack` each workspace, install the tarballs into a new project from the npm
 * cache that `npm ci` filled (`--offline`: nothing is downloaded), and use them as the README shows.
 *
 * - `initlab` alone installs nothing else, imports as documented, and its CLI works; `initlab lab` without the lab
 *   is a one-line usage error that says how to install it.
 * - With `@initlab/lab`, `initlab lab` runs a quick experiment.
 * - publint and arethetypeswrong (esm-only profile) find nothing to report on either tarball.
 */
import assert from 'node:assert/strict';
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'initlab-consumer-'));
const tarballs: Record<'library' | 'lab', string> = { library: '', lab: '' };

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): Run {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 300_000,
    ...options,
    env: { ...process.env, INITLAB_DEBUG: '', npm_config_update_notifier: 'false', ...options.env },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function succeed(command: string, args: readonly string[], options: SpawnSyncOptions = {}): string {
  const result = run(command, args, options);
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** A new project in `work/<name>` with the tarballs installed from the cache. */
function project(name: string, packages: readonly string[]): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }));
  succeed('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...packages], { cwd: dir });
  return dir;
}

before(() => {
  for (const [which, workspace] of [
    ['library', 'packages/initlab'],
    ['lab', 'packages/lab'],
  ] as const) {
    const out = succeed('npm', ['pack', '--json', '--pack-destination', work, '--workspace', workspace], { cwd: root });
    const [info] = JSON.parse(out) as { filename: string }[];
    assert.ok(info, `npm pack ${workspace} names its tarball`);
    tarballs[which] = join(work, info.filename);
  }
});
after(() => rmSync(work, { recursive: true, force: true }));

test('initlab installs alone: nothing else in node_modules, imports as the README shows, its CLI runs', () => {
  const dir = project('library', [tarballs.library]);
  assert.deepEqual(
    readdirSync(join(dir, 'node_modules')).filter((name) => !name.startsWith('.')),
    ['initlab'],
  );
  writeFileSync(
    join(dir, 'use.js'),
    [
      "import { heNormal, orthogonal, fromSpec, fold, keyFromSeed, InitError } from 'initlab';",
      "import { initialize, writeFileAtomic } from 'initlab/node';",
      'const root = keyFromSeed(42);',
      "const w1 = heNormal()([784, 256], fold(root, 'dense_1.kernel'));",
      'const spec = orthogonal({ gain: 1.5 }).spec;',
      'const again = fromSpec(spec)([16, 16], 7);',
      "const parallel = initialize(heNormal(), [784, 256], fold(root, 'dense_1.kernel'));",
      'const same = parallel.every((v, i) => v === w1[i]);',
      "let message = '';",
      "try { heNormal({ mode: 'fan_avg' }); } catch (e) { message = e instanceof InitError ? e.message : 'not an InitError'; }",
      'console.log(JSON.stringify({ n: w1.length, type: w1.constructor.name, again: again.length, same, message, writer: typeof writeFileAtomic }));',
    ].join('\n'),
  );
  const printed = JSON.parse(succeed(process.execPath, ['use.js'], { cwd: dir })) as Record<string, unknown>;
  assert.deepEqual(printed, {
    n: 784 * 256,
    type: 'Float32Array',
    again: 256,
    same: true,
    message: "he_normal: mode must be one of 'fan_in', 'fan_out'; got 'fan_avg'.",
    writer: 'function',
  });
  const bin = join(dir, 'node_modules', '.bin', 'initlab');
  assert.equal(succeed(bin, ['gain', 'leaky_relu', '--param', '0.2']), '1.3867504905630728\n');
  // A checkpoint from the installed package: its worker threads (fills, hashes, writes) load from node_modules.
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ vocab_size: 1000, n_positions: 64, n_embd: 256, n_layer: 2, n_head: 4 }));
  succeed(bin, ['init', '--recipe', 'gpt2', '--config', 'config.json', '--seed', '3', '--dtype', 'bfloat16', '--threads', '2', '--quiet', '--out', 'ckpt'], {
    cwd: dir,
  });
  assert.match(succeed(bin, ['verify', 'ckpt'], { cwd: dir }), /: 28 tensors in 1 file match the manifest/);
  const lab = run(bin, ['lab', 'activations'], { cwd: dir });
  assert.equal(lab.status, 2, lab.stderr);
  assert.equal(lab.stdout, '');
  assert.equal(lab.stderr, 'initlab: lab: needs the package @initlab/lab, which is not installed; install it with: npm install @initlab/lab\n');
});

test('with @initlab/lab installed, initlab lab runs a quick experiment', () => {
  const dir = project('lab', [tarballs.library, tarballs.lab]);
  const bin = join(dir, 'node_modules', '.bin', 'initlab');
  const out = succeed(bin, ['lab', 'activations', '--quick', '--activation', 'tanh', '--init', 'glorot_normal'], { cwd: dir });
  assert.match(out, /^activations: /);
  assert.match(out, /^Claims \(\d+ of \d+ held\)$/m);
  writeFileSync(join(dir, 'use.js'), "import { activationsExperiment } from '@initlab/lab';\nconsole.log(typeof activationsExperiment.run);\n");
  assert.equal(succeed(process.execPath, ['use.js'], { cwd: dir }), 'function\n');
});

test('publint and arethetypeswrong (esm-only) report nothing on either package', () => {
  const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
  for (const tarball of [tarballs.library, tarballs.lab]) {
    const lint = run(bin('publint'), ['run', tarball, '--strict'], { cwd: root });
    assert.equal(lint.status, 0, `publint ${tarball}:\n${lint.stdout}${lint.stderr}`);
    assert.doesNotMatch(lint.stdout, /warning|error|suggestion/i, lint.stdout);
    const types = run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], { cwd: root });
    assert.equal(types.status, 0, `attw ${tarball}:\n${types.stdout}${types.stderr}`);
  }
});
