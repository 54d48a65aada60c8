/** `initlab fans`, `initlab gain` and `initlab list`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { command as sample } from '../../cli/commands/sample.ts';
import { declaredFlags } from '../../cli/command.ts';
import { computeFans, DEFINITIONS, gain } from '../../src/index.ts';
import { initlab, ok } from './run.ts';

const fansOf = (args: string[]): unknown => JSON.parse(ok(['fans', ...args]));

test('fans of a dense kernel in both layouts', () => {
  assert.deepEqual(fansOf(['--shape', '256,128']), { fanIn: 256, fanOut: 128, receptiveField: 1 });
  assert.deepEqual(fansOf(['--shape', '256,128', '--layout', 'tf']), { fanIn: 256, fanOut: 128, receptiveField: 1 });
  assert.deepEqual(fansOf(['--shape', '256,128', '--layout', 'torch']), { fanIn: 128, fanOut: 256, receptiveField: 1 });
});

test('fans of a conv kernel in both layouts', () => {
  // tf: [kh, kw, in, out]; torch: [out, in, kh, kw]
  assert.deepEqual(fansOf(['--shape', '3,3,64,128']), { fanIn: 576, fanOut: 1152, receptiveField: 9 });
  assert.deepEqual(fansOf(['--shape', '128,64,3,3', '--layout', 'torch']), { fanIn: 576, fanOut: 1152, receptiveField: 9 });
  assert.deepEqual(fansOf(['--shape', '5,16,32', '--layout', 'tf']), computeFans([5, 16, 32], 'tf'));
  assert.deepEqual(fansOf(['--shape', '32,16,3,3,3', '--layout', 'torch']), computeFans([32, 16, 3, 3, 3], 'torch'));
  assert.deepEqual(fansOf(['--shape', '7']), { fanIn: 7, fanOut: 7, receptiveField: 1 });
});

test('fans prints one line of JSON', () => {
  assert.equal(ok(['fans', '--shape', '256,128']), '{"fanIn":256,"fanOut":128,"receptiveField":1}\n');
});

test('gain prints the number', () => {
  assert.equal(ok(['gain', 'leaky_relu', '--param', '0.2']), '1.3867504905630728\n');
  assert.equal(ok(['gain', 'leaky_relu', '--param', '-0.2']), '1.3867504905630728\n');
  assert.equal(ok(['gain', 'leaky_relu']), `${gain('leaky_relu')}\n`);
  assert.equal(ok(['gain', 'relu']), `${Math.SQRT2}\n`);
  assert.equal(ok(['gain', 'tanh']), `${5 / 3}\n`);
  assert.equal(ok(['gain', 'selu']), '0.75\n');
  assert.equal(ok(['gain', 'conv2d']), '1\n');
});

test('gain --definition: forward and backward gains for any activation', () => {
  assert.equal(ok(['gain', 'gelu', '--definition', 'forward']), `${gain('gelu', { definition: 'forward' })}\n`);
  assert.ok(Math.abs(Number(ok(['gain', 'gelu', '--definition', 'forward'])) - 1.5335304) < 1e-7);
  assert.equal(ok(['gain', 'tanh', '--definition', 'backward']), `${gain('tanh', { definition: 'backward' })}\n`);
  assert.equal(
    ok(['gain', 'leaky_relu', '--definition', 'forward', '--param', '0.2']),
    `${gain('leaky_relu', { definition: 'forward', negativeSlope: 0.2 })}\n`,
  );
  const bad = initlab(['gain', 'gelu', '--definition', 'fowrard']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--definition must be one of pytorch, forward, backward \(did you mean 'forward'\?\)/);
  assert.match(initlab(['gain', 'gelu', '--definition', 'pytorch']).stderr, /no value for it/);
});

test('list shows every initializer with its aliases, formula, options and summary', () => {
  const out = ok(['list']);
  for (const d of DEFINITIONS) {
    assert.match(out, new RegExp(`^${d.name}(?: \\(alias ${(d.aliases ?? []).join(', ')}\\))?$`, 'm'), d.name);
    for (const alias of d.aliases ?? []) assert.ok(out.includes(alias), alias);
    // formula and summary are wrapped; compare their first words
    assert.ok(out.includes(d.formula.split(' ').slice(0, 3).join(' ')), `formula of ${d.name}`);
    assert.ok(out.includes(d.summary.split(' ').slice(0, 4).join(' ')), `summary of ${d.name}`);
  }
  assert.match(out, /--negative-slope <number> +=\s+0/);
  assert.match(out, /--mode fan_in\|fan_out +=\s+fan_in/);
  assert.match(out, /--std <number> +required/);
});

test('list --json describes every definition', () => {
  const list = JSON.parse(ok(['list', '--json'])) as {
    name: string;
    aliases: string[];
    formula: string;
    summary: string;
    options: { name: string; flag: string; default?: unknown; required: boolean; values?: string[] }[];
  }[];
  assert.deepEqual(
    list.map((i) => i.name),
    DEFINITIONS.map((d) => d.name),
  );
  for (const [i, d] of DEFINITIONS.entries()) {
    assert.deepEqual(list[i]!.aliases, d.aliases ?? []);
    assert.equal(list[i]!.formula, d.formula);
    assert.equal(list[i]!.summary, d.summary);
    assert.deepEqual(
      list[i]!.options.map((o) => o.name),
      Object.keys(d.options),
    );
  }
  const he = list.find((i) => i.name === 'he_normal')!;
  assert.deepEqual(
    he.options.map((o) => [o.flag, o.default, o.required]),
    [
      ['--mode', 'fan_in', false],
      ['--nonlinearity', 'relu', false],
      ['--negative-slope', 0, false],
    ],
  );
  assert.deepEqual(he.options[0]!.values, ['fan_in', 'fan_out']);
});

test("no initializer option collides with sample's own flags", () => {
  const own = new Set(declaredFlags(sample));
  assert.ok(own.has('--shape') && own.has('--help'));
  for (const d of DEFINITIONS) {
    for (const name of Object.keys(d.options)) {
      const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      assert.ok(!own.has(flag), `${d.name}'s option ${name} would be taken by sample's ${flag}`);
    }
  }
});
