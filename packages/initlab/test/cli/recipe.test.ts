/** `initlab recipe show|list`: the table, JSON equal to the library's plan, users' models, and one-line usage errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildModel, fromSpec, RECIPES } from '../../src/index.ts';
import { ok, usageError } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'initlab-cli-recipe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const LLAMA = {
  model_type: 'llama',
  vocab_size: 11,
  hidden_size: 8,
  intermediate_size: 12,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
};
const llamaConfig = file('llama.json', JSON.stringify(LLAMA));

test('recipe show prints every parameter with shape, initializer and std, then totals for --dtype', () => {
  const out = ok(['recipe', 'show', '--recipe', 'llama', '--config', llamaConfig, '--dtype', 'bfloat16']);
  const plan = buildModel('llama', LLAMA);
  for (const p of plan.parameters) assert.match(out, new RegExp(`^${p.name.replace(/\./g, '\\.')} +\\[${p.shape.join(', ')}\\] +\\S+ +\\S+ +${p.role}$`, 'm'));
  assert.match(out, /^model\.layers\.1\.self_attn\.k_proj\.weight +\[4, 8\] +normal:std=0\.02 +0\.02 +attention\.k$/m);
  const total = plan.parameters.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  assert.match(
    out,
    new RegExp(
      `^llama: ${plan.parameters.length} tensors, ${total.toLocaleString('en-US')} parameters, ${(2 * total).toLocaleString('en-US')} bytes as bfloat16 `,
      'm',
    ),
  );
});

test('recipe show --json: the library plan, each std from describe(), bytes per dtype (int64 buffers 8 bytes)', () => {
  const json = JSON.parse(ok(['recipe', 'show', '--recipe', 'resnet18', '--json'])) as {
    recipe: string;
    parameters: { name: string; shape: number[]; init: object; std: number; dtype?: string; elements: number }[];
    total: { parameters: number; bufferElements: number; bytes: number };
  };
  const plan = buildModel('resnet18', {});
  assert.equal(json.recipe, 'resnet18');
  assert.deepEqual(
    json.parameters.map((p) => [p.name, p.shape, p.init]),
    plan.parameters.map((p) => [p.name, p.shape, p.init]),
  );
  for (const [i, p] of plan.parameters.entries()) assert.equal(json.parameters[i]!.std, fromSpec(p.init).describe(p.shape, p.layout).std);
  assert.equal(json.total.parameters, 11_689_512);
  const counters = json.parameters.filter((p) => p.dtype === 'int64');
  assert.equal(counters.length, 20);
  const floats = json.total.parameters + json.total.bufferElements - counters.length;
  assert.equal(json.total.bytes, 4 * floats + 8 * counters.length);
});

test('recipe show --model: a user model JSON with rules', () => {
  const model = file(
    'mine.json',
    JSON.stringify({
      rules: [
        { pattern: '*.bias', init: 'zeros' },
        { pattern: '*', init: 'normal:std=0.02' },
      ],
      parameters: [
        { name: 'proj.weight', shape: [64, 32] },
        { name: 'proj.bias', shape: [64] },
      ],
    }),
  );
  const out = ok(['recipe', 'show', '--model', model]);
  assert.match(out, /^proj\.weight +\[64, 32\] +normal:std=0\.02 +0\.02 +custom$/m);
  assert.match(out, /^proj\.bias +\[64\] +zeros +0 +custom$/m);
  assert.match(out, /^custom: 2 tensors, 2,112 parameters, 8,448 bytes as float32 /m);
});

test('recipe list names every recipe with its source', () => {
  const out = ok(['recipe', 'list']);
  for (const r of RECIPES) assert.ok(out.includes(`${r.name}: ${r.source}`), r.name);
});

test('usage errors: one line, exit 2', () => {
  assert.match(
    usageError(['recipe', 'show', '--recipe', 'lama', '--config', llamaConfig]),
    /--recipe must be one of gpt2, llama, .*\(did you mean 'llama'\?\); got 'lama'\.$/,
  );
  assert.match(
    usageError(['recipe', 'show', '--recipe', 'llama', '--config', join(dir, 'missing.json')]),
    /recipe: --config must be a readable JSON file; got '.*missing\.json' \(ENOENT\)\.$/,
  );
  assert.match(
    usageError(['recipe', 'show', '--recipe', 'llama', '--config', file('bad.json', '{"hidden_size": 8,')]),
    /recipe: --config must be a JSON file; got '.*bad\.json'/,
  );
  assert.match(usageError(['recipe', 'show', '--recipe', 'llama', '--config', file('list.json', '[1]')]), /--config must be a JSON object/);
  const { num_attention_heads: _drop, ...missing } = LLAMA;
  assert.match(
    usageError(['recipe', 'show', '--recipe', 'llama', '--config', file('missing-field.json', JSON.stringify(missing))]),
    /llama: num_attention_heads must be a positive integer \(a config\.json field\); got undefined\.$/,
  );
  const inconsistent = file('heads.json', JSON.stringify({ ...LLAMA, hidden_size: 10 }));
  assert.match(
    usageError(['recipe', 'show', '--recipe', 'llama', '--config', inconsistent]),
    /llama: hidden_size must be divisible by num_attention_heads \(4\); got 10\.$/,
  );
  assert.match(usageError(['recipe', 'show', '--config', llamaConfig]), /exactly one of --recipe and --model must be given; got 'neither'/);
  assert.match(
    usageError(['recipe', 'show', '--recipe', 'llama', '--config', llamaConfig, '--dtype', 'int8']),
    /--dtype must be one of 'float32', 'float64', 'bfloat16', 'float16'; got 'int8'/,
  );
  assert.match(usageError(['recipe', 'shwo', '--recipe', 'llama']), /recipe: the action must be one of show, list; got 'shwo'\./);
  assert.match(
    usageError(['recipe', 'show', '--model', file('nomatch.json', '{"rules": [], "parameters": [{"name": "w", "shape": [2]}]}')]),
    /model parameters\[0\]: init must be given \(no rules\); got 'w'\./,
  );
});
