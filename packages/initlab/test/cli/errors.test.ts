/**
 * Errors of the command line: every usage error exits with code 2 and prints exactly one line `initlab: …` on
 * stderr, naming the parameter and what it accepts, with no stack trace; a failed write leaves no file behind.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { usageError } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'initlab-cli-errors-'));
after(() => {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir)) chmodSync(join(dir, entry), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

/** [arguments, pattern the one stderr line must match] */
const cases: [string[], RegExp][] = [
  // initializers and their options
  [
    ['sample', 'he_nromal', '--shape', '3,3'],
    /^initlab: initializer: name must be one of zeros, .*he_normal.* \(did you mean 'he_normal'\?\); got 'he_nromal'\.$/,
  ],
  [['sample', 'kaiming', '--shape', '3,3'], /name must be one of .*; got 'kaiming'\.$/],
  [
    ['sample', 'he_normal', '--shape', '3,3', '--gain', '2'],
    /^initlab: he_normal: option must be one of --mode, --nonlinearity, --negative-slope; got --gain\.$/,
  ],
  [['sample', 'he_normal', '--shape', '3,3', '--negative-slop', '2'], /got --negative-slop \(did you mean --negative-slope\?\)\.$/],
  [['sample', 'he_normal', '--shape', '3,3', '--sahpe', '2'], /got --sahpe \(did you mean --shape\?\)\.$/],
  [['sample', 'lecun_normal', '--shape', '3,3', '--gain', '2'], /^initlab: lecun_normal: takes no options; got --gain\.$/],
  [['sample', 'he_normal', '--shape', '3,3', '--mode', 'fan_avg'], /^initlab: he_normal: mode must be one of 'fan_in', 'fan_out'; got 'fan_avg'\.$/],
  [['sample', 'he_normal', '--shape', '3,3', '--negative-slope', '1.5x'], /^initlab: he_normal: --negative-slope must be a finite number; got '1\.5x'\.$/],
  [['sample', 'he_normal', '--shape', '3,3', '--negative-slope', ''], /--negative-slope must be a finite number; got ''\.$/],
  [['sample', 'he_normal', '--shape', '3,3', '--negative-slope'], /--negative-slope must be followed by a value/],
  [['sample', 'he_normal', '--shape', '3,3', '--mode', 'fan_in', '--mode', 'fan_out'], /--mode must be given once; got 'fan_in' and 'fan_out'\.$/],
  [['sample', 'normal', '--shape', '3', '--std', 'NaN'], /^initlab: normal: --std must be a finite number ≥ 0; got 'NaN'\.$/],
  [['sample', 'normal', '--shape', '3', '--std', 'Infinity'], /--std must be a finite number ≥ 0; got 'Infinity'\.$/],
  [['sample', 'normal', '--shape', '3', '--std', '-1'], /^initlab: normal: std must be a finite number ≥ 0; got -1\.$/],
  [['sample', 'normal', '--shape', '3'], /^initlab: normal: std must be given/],
  [['sample', 'uniform', '--shape', '3', '--low', '1', '--high', '0'], /^initlab: uniform: low must be less than high/],
  [['sample', 'he_normal', '--shape', '3,3', 'extra'], /expected exactly one initializer name; got 'he_normal', 'extra'\.$/],
  // shapes
  [
    ['sample', 'he_normal', '--shape', '64,-3'],
    /^initlab: sample: --shape must be comma-separated non-negative integers such as 64,3,3,3; got '64,-3' \(bad dimension '-3'\)\.$/,
  ],
  [['sample', 'he_normal', '--shape', '3,,3'], /--shape must be .*; got '3,,3' \(bad dimension ''\)\.$/],
  [['sample', 'he_normal', '--shape', '3.5,2'], /--shape must be .*bad dimension '3\.5'/],
  [['sample', 'he_normal', '--shape', ''], /--shape must be .*; got ''\.$/],
  [['sample', 'he_normal', '--shape', '1e3'], /--shape must be/],
  [['sample', 'he_normal', '--shape', '0,3'], /^initlab: he_normal: shape must be a shape with fanIn > 0; got \[0, 3\]\.$/],
  [['sample', 'he_normal', '--shape', '100000,100000,100'], /--shape must have few enough elements to fit in memory/],
  [['sample', 'he_normal'], /^initlab: sample: --shape must be given \(comma-separated dimensions, e\.g\. 64,3,3,3\); got nothing\.$/],
  [['fans', '--shape', '-1'], /^initlab: fans: --shape must be/],
  [['fans', '--shape', '3', '--layout', 'torch'], /^initlab: fans: --shape must be of rank ≥ 2 in the torch layout/],
  // layout, dtype, seed
  [['sample', 'he_normal', '--shape', '3,3', '--layout', 'pytorch'], /^initlab: sample: --layout must be one of 'tf', 'torch'; got 'pytorch'\.$/],
  [['fans', '--shape', '3,3', '--layout', 'TF'], /^initlab: fans: --layout must be one of 'tf', 'torch'; got 'TF'\.$/],
  [['sample', 'he_normal', '--shape', '3,3', '--dtype', 'float8'], /--dtype must be one of 'float32', 'float64', 'bfloat16', 'float16'; got 'float8'\.$/],
  [['sample', 'he_normal', '--shape', '3,3', '--seed', '1.5'], /^initlab: sample: --seed must be an integer in \[-2\^63, 2\^64\); got '1\.5'\.$/],
  [['sample', 'he_normal', '--shape', '3,3', '--seed', '18446744073709551616'], /--seed must be an integer in \[-2\^63, 2\^64\)/],
  [['sample', 'he_normal', '--shape', '3,3', '--seed', '-9223372036854775809'], /--seed must be an integer in \[-2\^63, 2\^64\)/],
  [['sample', 'he_normal', '--shape', '3,3', '--seed', 'abc'], /--seed must be/],
  // gain
  [['gain', 'lekay_relu'], /^initlab: gain: nonlinearity must be one of .* \(did you mean 'leaky_relu'\?\); got 'lekay_relu'\.$/],
  [['gain', 'leaky_relu', '--param', 'x'], /^initlab: gain: --param must be a finite decimal number; got 'x'\.$/],
  // the command line itself
  [[], /^initlab: missing command; use one of sample, fans, gain, recipe, list/],
  [['sampel'], /^initlab: command must be one of sample, fans, gain, .* \(did you mean 'sample'\?\); got 'sampel'\.$/],
  [['fans', '--shape', '3,3', '--bogus'], /^initlab: unknown option '--bogus'$/],
  [['fans', '--shape', '3,3', '--layuot', 'tf'], /^initlab: unknown option '--layuot' \(did you mean --layout\?\)$/],
  [['list', '--json=yes'], /^initlab: list: --json takes no value; got --json=yes\.$/],
  [['fans', '--shape', '3,3', '--shape', '4'], /^initlab: fans: --shape must be given once; got '3,3' and '4'\.$/],
  [['--bogus'], /^initlab: unknown option '--bogus'; the options before a command are --help and --version\.$/],
  [['gain'], /^initlab: gain: <nonlinearity> must be given; got nothing\.$/],
  [['list', 'extra'], /^initlab: list: takes no operands; got 'extra'\.$/],
  [['help', 'nope'], /^initlab: command must be one of sample, .*; got 'nope'\.$/],
];

for (const [args, pattern] of cases) {
  test(`usage error: initlab ${args.map((a) => (a === '' ? "''" : a)).join(' ')}`, () => {
    assert.match(usageError(args), pattern);
  });
}

test('an unwritable output is a usage error that leaves no file behind', async (t) => {
  const notADirectory = join(dir, 'file');
  writeFileSync(notADirectory, 'x');
  const existingDirectory = join(dir, 'existing');
  mkdirSync(existingDirectory);
  const targets: [string, RegExp][] = [
    [join(dir, 'missing', 'w.npy'), /ENOENT/],
    [join(notADirectory, 'w.npy'), /ENOTDIR/],
    [existingDirectory, /EISDIR|EEXIST|ENOTEMPTY|EPERM/],
  ];
  for (const [target, code] of targets) {
    const before = readdirSync(dir).sort();
    const line = usageError(['sample', 'he_normal', '--shape', '3,3', '--out', target]);
    assert.ok(line.startsWith(`initlab: sample: --out must be a writable file path; got '${target}' (`), line);
    assert.match(line, code);
    assert.deepEqual(readdirSync(dir).sort(), before, 'nothing is left in the directory');
    assert.deepEqual(readdirSync(existingDirectory), []);
  }
  await t.test('read-only directory (skipped as root, who can write anywhere)', { skip: process.getuid?.() === 0 }, () => {
    const readOnly = join(dir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    const line = usageError(['sample', 'he_normal', '--shape', '3,3', '--out', join(readOnly, 'w.npy')]);
    assert.match(line, /--out must be a writable file path; got .* \(EACCES: permission denied\)\.$/);
    assert.deepEqual(readdirSync(readOnly), []);
  });
});

test('an internal error prints one line and a hint, exit code 1, no stack trace', () => {
  // There is no way to trigger a bug on purpose from the command line; the classification is checked directly.
  return import('../../cli/errors.ts').then(({ classify, EXIT_INTERNAL }) => {
    const failure = classify(new TypeError('x is not a function'));
    assert.equal(failure.exitCode, EXIT_INTERNAL);
    assert.equal(failure.lines.length, 2);
    assert.equal(failure.lines[0], 'internal error: TypeError: x is not a function');
    assert.match(failure.lines[1]!, /INITLAB_DEBUG=1/);
  });
});
