/**
 * `initlab lab` and `initlab report`: the commands `@initlab/lab` adds to the initlab command line, run through the
 * built `initlab` binary of this workspace (where the lab is installed).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EXPERIMENT_NAMES } from '@initlab/lab';
import { formatInitializerText, type InitializerSpec } from '../../src/index.ts';
import { LAB_EXPERIMENTS } from '@initlab/lab/cli';
import { initlab, ok, usageError } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'initlab-cli-lab-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('the CLI help lists the experiments of the registry', () => {
  assert.deepEqual(LAB_EXPERIMENTS, EXPERIMENT_NAMES);
  const help = ok(['lab', '--help']);
  assert.match(help, /Usage: initlab lab \[options\] \[name\]/);
  assert.match(help, /activations, gradients, symmetry, mnist, depth, selu, recurrent/);
  const mnist = ok(['lab', 'mnist', '--help']);
  for (const flag of ['--init', '--seeds', '--iterations', '--lr', '--batch', '--depth', '--width', '--seed'])
    assert.match(mnist, new RegExp(`^  ${flag} `, 'm'));
  assert.match(ok(['report', '--help']), /Usage: initlab report \[options\]/);
});

test('initlab lab mnist --iterations 50 --seeds 1 --json f: prints claims and reading, writes {config, runs}', () => {
  const file = join(dir, 'mnist.json');
  const stdout = ok(['lab', 'mnist', '--iterations', '50', '--seeds', '1', '--json', file]);
  assert.match(stdout, /^mnist: /);
  assert.match(stdout, /^Claims \(\d of \d held\)$/m);
  assert.match(stdout, /^Reading$/m);
  assert.match(stdout, new RegExp(`wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
  const result = JSON.parse(readFileSync(file, 'utf8')) as {
    config: { init: InitializerSpec[]; seeds: number; iterations: number; lr: number; batch: number; depth: number; width: number; seed: number };
    runs: { init: InitializerSpec; seed: number; loss: number[]; testAccuracy: number }[];
  };
  assert.deepEqual(result.config.init, [
    { name: 'normal', mean: 0, std: 0.01 },
    { name: 'glorot_normal', gain: 1 },
    { name: 'he_normal', mode: 'fan_in', nonlinearity: 'relu', negativeSlope: 0 },
  ]);
  assert.deepEqual(
    [result.config.seeds, result.config.iterations, result.config.lr, result.config.batch, result.config.depth, result.config.width, result.config.seed],
    [1, 50, 0.01, 128, 4, 100, 0],
  );
  assert.deepEqual(
    result.runs.map((r) => [formatInitializerText(r.init), r.seed]),
    [
      ['normal:std=0.01', 0],
      ['glorot_normal', 0],
      ['he_normal', 0],
    ],
  );
  for (const run of result.runs) {
    assert.equal(run.loss.length, 50);
    assert.ok(run.loss.every((v) => typeof v === 'number' && v > 0));
    assert.ok(run.testAccuracy >= 0 && run.testAccuracy <= 1);
  }
});

test('initlab lab: unknown experiment, unknown option and bad values are one-line usage errors (exit 2)', () => {
  assert.match(
    usageError(['lab', 'mnsit']),
    /^initlab: lab: experiment must be one of activations, gradients, symmetry, mnist, depth, selu, recurrent, signal, lsuv \(did you mean 'mnist'\?\); got 'mnsit'\.$/,
  );
  assert.match(usageError(['lab']), /expected one experiment name/);
  assert.match(
    usageError(['lab', 'mnist', '--iteration', '5']),
    /^initlab: lab mnist: option must be one of --init, .*; got --iteration \(did you mean --iterations\?\)\.$/,
  );
  assert.match(usageError(['lab', 'mnist', '--iterations', '5x']), /^initlab: lab mnist: --iterations must be an integer; got '5x'\.$/);
  assert.match(usageError(['lab', 'mnist', '--iterations', '0']), /iterations must be an integer in \[1,/);
  assert.match(
    usageError(['report', '--quick', '--out', join(dir, 'missing', 'report')]),
    /^initlab: report: --out must be .*parent directory is not writable: ENOENT/,
  );
  assert.match(usageError(['lab', 'mnist', '--init', 'he_nromal']), /he_normal/);
  assert.match(usageError(['lab', 'symmetry', '--activation', 'relu,softplus']), /--activation must be a comma-separated list of sigmoid, tanh, relu/);
  assert.match(usageError(['lab', 'mnist', '--seeds', '1', '--seeds', '2']), /--seeds must be given once/);
  assert.match(usageError(['lab', 'mnist', '--json', join(dir, 'missing', 'f.json')]), /--json must be a writable file path/);
  // Numbers in --init follow the CLI's one rule (strict decimals): 0x10 is rejected naming the option, as `sample --std 0x10`.
  assert.match(usageError(['lab', 'activations', '--init', 'normal:std=0x10']), /^initlab: normal: std must be a finite decimal number.*got '0x10'\.$/);
  assert.match(usageError(['lab', 'mnist', '--init', 'normal:std=1e-2,std=0.01']), /std must be given once/);
});

test('initlab report refuses an --out directory holding other files, before running anything', () => {
  const other = join(dir, 'busy');
  mkdirSync(other);
  writeFileSync(join(other, 'keep.txt'), 'x');
  const started = performance.now();
  assert.match(
    usageError(['report', '--out', other]),
    /^initlab: report: --out must be a new directory, an empty one or an earlier report; got '.*busy' \(it holds 1 other file\(s\)\)\.$/,
  );
  assert.ok(performance.now() - started < 20_000);
  assert.deepEqual(readdirSync(other), ['keep.txt']);
  assert.match(usageError(['report', '--seed', 'x']), /--seed must be an integer/);
  const result = initlab(['report', '--out', join(other, 'keep.txt')]);
  assert.equal(result.status, 2);
});
