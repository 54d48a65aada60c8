import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InitError } from '../../src/errors.ts';
import { DEFINITIONS, fromSpec, heNormal, normal } from '../../src/index.ts';
import { canonicalJson, formatInitializerText, parseDecimal, parseInitializerText } from '../../src/initializers/spec-text.ts';

/** Asserts that `run` throws an InitError of `code` naming `parameter`, with a message matching `message`. */
function rejects(run: () => unknown, code: string, parameter: string, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InitError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.parameter, parameter);
    assert.match(error.message, message);
    return true;
  });
}

test('std=0.01 and std=1e-2 (and 1E-2, .01, +0.010, JSON) give deep-equal canonical specs', () => {
  const expected = normal({ std: 0.01 }).spec;
  for (const text of [
    'normal:std=0.01',
    'normal:std=1e-2',
    'normal:std=1E-2',
    'normal:std=.01',
    'normal:std=+0.010',
    ' normal : std = 0.01 ',
    'normal:mean=0,std=0.01',
    '{"name":"normal","std":0.01}',
  ]) {
    assert.deepEqual(parseInitializerText(text), expected, text);
  }
  assert.equal(canonicalJson(parseInitializerText('normal:std=1e-2')), canonicalJson(parseInitializerText('normal:std=0.01')));
});

test('names: canonical or alias, options in kebab-case or camelCase, defaults filled in', () => {
  assert.deepEqual(parseInitializerText('he_normal'), heNormal().spec);
  assert.deepEqual(parseInitializerText('kaiming_normal'), heNormal().spec);
  assert.deepEqual(parseInitializerText('he_normal:negative-slope=0.2,mode=fan_out'), heNormal({ negativeSlope: 0.2, mode: 'fan_out' }).spec);
  assert.deepEqual(parseInitializerText('he_normal:negativeSlope=0.2,mode=fan_out'), heNormal({ negativeSlope: 0.2, mode: 'fan_out' }).spec);
});

test('numbers are strict decimals: 0x10, 1.5x, NaN, Infinity, empty and 1e999 are rejected naming the option', () => {
  for (const value of ['0x10', '1.5x', 'NaN', 'Infinity', '-Infinity', '', '1e999', '1_000', '0b1', '1e']) {
    rejects(() => parseInitializerText(`normal:std=${value}`), 'invalid_option', 'std', /^normal: std must be a finite decimal number/);
  }
  rejects(
    () => parseInitializerText('he_normal:negative-slope=0x10'),
    'invalid_option',
    'negativeSlope',
    /negativeSlope must be a finite decimal number.*got '0x10'/,
  );
  // A decimal that parses is then validated by the option's schema, as fromSpec does.
  rejects(() => parseInitializerText('normal:std=-1'), 'invalid_option', 'std', /^normal: std must be/);
});

test('parseDecimal: the one rule for numbers written as text', () => {
  assert.equal(parseDecimal('1e-2', 'x', 'p'), 0.01);
  assert.equal(parseDecimal('-2', 'x', 'p'), -2);
  assert.equal(parseDecimal('.5', 'x', 'p'), 0.5);
  assert.equal(parseDecimal('5.', 'x', 'p'), 5);
  for (const text of ['0x10', ' 1', '1 ', '1.5x', 'NaN', 'Infinity', '', '.', '-', 'e5', '1e999']) {
    rejects(() => parseDecimal(text, 'sample', '--std'), 'invalid_option', '--std', /^sample: --std must be a finite decimal number/);
  }
});

test('malformed text, unknown names and options, repeats are InitErrors naming what is wrong', () => {
  rejects(() => parseInitializerText('', '--init'), 'invalid_option', 'initializer', /^--init: initializer must be/);
  rejects(() => parseInitializerText('{"name":', '--init'), 'invalid_option', 'initializer', /^--init: initializer must be .*valid JSON/);
  rejects(() => parseInitializerText('normal:std', '--init'), 'invalid_option', 'options', /key=value pairs/);
  rejects(() => parseInitializerText('normal:', '--init'), 'invalid_option', 'options', /key=value pairs/);
  rejects(() => parseInitializerText('normal:std=1,std=2', '--init'), 'invalid_option', 'std', /given once/);
  rejects(() => parseInitializerText('normal:name=uniform', '--init'), 'invalid_option', 'name', /given once/);
  rejects(() => parseInitializerText('he_nromal'), 'unknown_name', 'name', /did you mean 'he_normal'/);
  rejects(() => parseInitializerText('normal:sdt=1'), 'invalid_option', 'option', /did you mean 'std'/);
  rejects(() => parseInitializerText('he_normal:mode=fan_inn'), 'invalid_option', 'mode', /fan_in/);
});

test('formatInitializerText: the shortest text, and parse(format(spec)) is the canonical spec', () => {
  assert.equal(formatInitializerText({ name: 'normal', std: 1e-2 }), 'normal:std=0.01');
  assert.equal(formatInitializerText(parseInitializerText('normal:std=1e-2')), 'normal:std=0.01');
  assert.equal(formatInitializerText({ name: 'kaiming_normal', mode: 'fan_in' }), 'he_normal');
  assert.equal(formatInitializerText(heNormal({ negativeSlope: 0.2, mode: 'fan_out' }).spec), 'he_normal:mode=fan_out,negative-slope=0.2');
  assert.equal(formatInitializerText({ name: 'normal', std: 1e-7 }), 'normal:std=1e-7');
  assert.equal(formatInitializerText({ name: 'constant', value: -0 }), 'constant:value=-0');
  // Round trip over every definition at its defaults (required options given) and with options changed.
  const required: Record<string, object> = {
    constant: { value: 0.5 },
    uniform: { low: -1, high: 1 },
    normal: { std: 1 },
    embedding_normal: { std: 0.02, paddingIdx: 1 },
    sparse: { sparsity: 0.1 },
  };
  const specs = [
    ...DEFINITIONS.map((d) => fromSpec({ name: d.name, ...required[d.name] }).spec),
    parseInitializerText('variance_scaling:scale=2,mode=fan_avg,distribution=uniform'),
    parseInitializerText('truncated_normal:std=0.3,mean=-1'),
    parseInitializerText('orthogonal:gain=0.9'),
    parseInitializerText('constant:value=-0'),
  ];
  for (const spec of specs) {
    const text = formatInitializerText(spec);
    assert.deepEqual(parseInitializerText(text), spec, text);
    assert.ok(Object.is(parseInitializerText(text)['value'], spec['value']), text);
    assert.equal(canonicalJson(parseInitializerText(text)), canonicalJson(spec), text);
  }
});

test('canonicalJson: sorted keys, one string per initializer whatever the spelling', () => {
  assert.equal(canonicalJson({ name: 'normal', std: 0.01 }), '{"mean":0,"name":"normal","std":0.01}');
  assert.equal(canonicalJson({ std: 0.01, name: 'normal', mean: 0 }), canonicalJson(normal({ std: 0.01 }).spec));
  assert.equal(canonicalJson({ name: 'kaiming_normal' }), canonicalJson(heNormal().spec));
  assert.notEqual(canonicalJson({ name: 'constant', value: 0 }), canonicalJson({ name: 'constant', value: -0 }));
  assert.notEqual(canonicalJson({ name: 'normal', std: 0.01 }), canonicalJson({ name: 'normal', std: 0.010000000000000002 }));
});
