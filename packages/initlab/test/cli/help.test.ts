/** `initlab --help`, `--version` and the help of each command. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFINITIONS } from '../../src/index.ts';
import { initlab, ok, ROOT } from './run.ts';

test('--help lists every command and exits 0', () => {
  const out = ok(['--help']);
  assert.match(out, /^Usage: initlab \[options\] \[command\]/);
  for (const command of ['sample', 'fans', 'gain', 'list', 'help']) assert.match(out, new RegExp(`^  ${command} `, 'm'));
  assert.equal(ok(['-h']), out);
});

test('--version prints the version of package.json', () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(ok(['--version']), `${version}\n`);
  assert.equal(ok(['-V']), `${version}\n`);
});

test('sample --help shows its flags and every initializer with its options', () => {
  const out = ok(['sample', '--help']);
  for (const flag of ['--shape <dims>', '--layout <layout>', '--seed <n>', '--dtype <dtype>', '--out <file>']) assert.ok(out.includes(flag), flag);
  for (const definition of DEFINITIONS) assert.match(out, new RegExp(`^  ${definition.name} `, 'm'));
  assert.match(out, /he_normal +--mode --nonlinearity --negative-slope/);
  assert.equal(ok(['help', 'sample']), out);
});

test('each command has its own help', () => {
  assert.match(ok(['fans', '--help']), /Usage: initlab fans \[options\]/);
  assert.match(ok(['gain', '--help']), /Usage: initlab gain \[options\] <nonlinearity>/);
  assert.match(ok(['list', '--help']), /Usage: initlab list \[options\]/);
});

test('help output goes to stdout only', () => {
  const result = initlab(['--help']);
  assert.equal(result.stderr, '');
});
