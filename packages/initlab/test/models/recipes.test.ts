/**
 * Recipes: the golden table (every parameter of a small config of each family: name, shape, initializer with its
 * std and bounds, described std, role), the parameter counts of real configs, the rules the docs cite, config
 * validation, and users' own models from JSON.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fromSpec } from '../../src/initializers/registry.ts';
import { modelFromJson } from '../../src/models/custom.ts';
import type { ModelPlan } from '../../src/models/model.ts';
import { buildModel, findRecipe, RECIPES } from '../../src/models/recipes/index.ts';
import { RECIPE_CASES, RECIPE_TABLE_PATH, type RecipeRow, recipeRows } from './recipe-cases.ts';

const table = JSON.parse(readFileSync(RECIPE_TABLE_PATH, 'utf8')) as Record<string, Record<string, RecipeRow>>;

test('recipes.json has exactly the cases of recipe-cases.ts, and every recipe has at least one case', () => {
  assert.deepEqual(
    Object.keys(table),
    RECIPE_CASES.map((c) => c.key),
    'regenerate with `npm run golden`',
  );
  for (const recipe of RECIPES)
    assert.ok(
      RECIPE_CASES.some((c) => c.recipe === recipe.name),
      `no case for ${recipe.name}`,
    );
});

for (const c of RECIPE_CASES) {
  test(`recipe table ${c.key}: every parameter's name, order, shape, initializer, std and role`, () => {
    const actual = recipeRows(c);
    assert.deepEqual(Object.keys(actual), Object.keys(table[c.key] ?? {}), 'names and state-dict order');
    assert.deepEqual(actual, table[c.key]);
  });
}

const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
/** Parameters only: BatchNorm's running statistics and counter are buffers, not parameters. */
const parameterCount = (plan: ModelPlan): number => plan.parameters.filter((p) => !p.role.startsWith('buffer')).reduce((n, p) => n + elements(p.shape), 0);

test('GPT-2 124M (the gpt2 config.json): 124,439,808 parameters without the tied lm_head, by the formula too', () => {
  const [V, P, d, L] = [50257, 1024, 768, 12];
  const plan = buildModel('gpt2', { vocab_size: V, n_positions: P, n_embd: d, n_layer: L, n_head: 12, n_inner: null, initializer_range: 0.02 });
  // wte + wpe + per layer (2 LayerNorms, c_attn, attn c_proj, c_fc, mlp c_proj, with biases) + ln_f.
  const perLayer = 4 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d);
  assert.equal(parameterCount(plan), V * d + P * d + L * perLayer + 2 * d);
  assert.equal(parameterCount(plan), 124_439_808);
  assert.equal(plan.parameters.length, 4 + 12 * L);
  assert.ok(!plan.parameters.some((p) => p.name.includes('lm_head') || p.name.endsWith('.attn.bias') || p.name.endsWith('masked_bias')));
});

test('bert-base-uncased: BertModel 109,482,240 (with the pooler), BertForMaskedLM 109,514,298, by the formula too', () => {
  const base = {
    vocab_size: 30522,
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    max_position_embeddings: 512,
    type_vocab_size: 2,
  };
  const [V, H, L, I] = [30522, 768, 12, 3072];
  const embeddings = (V + 512 + 2) * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * H + (H * I + I) + (I * H + H) + 2 * H;
  const model = buildModel('bert', { ...base, architectures: ['BertModel'] });
  assert.equal(parameterCount(model), embeddings + L * layer + H * H + H);
  assert.equal(parameterCount(model), 109_482_240);
  const masked = buildModel('bert', { ...base, architectures: ['BertForMaskedLM'] });
  // no pooler; the head's transform (dense + LayerNorm) and its vocab bias; the decoder weight is tied.
  assert.equal(parameterCount(masked), embeddings + L * layer + (H * H + H) + 2 * H + V);
  assert.equal(parameterCount(masked), 109_514_298);
});

test('torchvision: resnet18 11,689,512 and resnet50 25,557,032 parameters; BN buffers written, num_batches_tracked int64', () => {
  const r18 = buildModel('resnet18', {});
  const r50 = buildModel('resnet50', {});
  assert.equal(parameterCount(r18), 11_689_512);
  assert.equal(parameterCount(r50), 25_557_032);
  for (const plan of [r18, r50]) {
    const norms = plan.parameters.filter((p) => p.role === 'bn.weight').length;
    const counters = plan.parameters.filter((p) => p.name.endsWith('num_batches_tracked'));
    assert.equal(counters.length, norms, 'one counter per BatchNorm');
    for (const p of counters) assert.deepEqual([p.shape, p.dtype, p.init.name], [[], 'int64', 'zeros']);
  }
  assert.equal(r18.parameters.filter((p) => p.role === 'conv').length, 20);
  assert.equal(r50.parameters.filter((p) => p.role === 'conv').length, 53);
});

test('other published counts: Llama-2-7B, Llama-3-8B, T5-small, T5-base, ViT-B/16', () => {
  const llama2 = { vocab_size: 32000, hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 32, num_attention_heads: 32 };
  assert.equal(parameterCount(buildModel('llama', llama2)), 6_738_415_616);
  const llama3 = { vocab_size: 128256, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8 };
  assert.equal(parameterCount(buildModel('llama', llama3)), 8_030_261_248);
  assert.equal(parameterCount(buildModel('llama-titan', llama3)), 8_030_261_248, 'same tensors, torchtitan names');
  assert.equal(parameterCount(buildModel('t5', { vocab_size: 32128, d_model: 512, d_kv: 64, d_ff: 2048, num_layers: 6, num_heads: 8 })), 60_506_624);
  assert.equal(parameterCount(buildModel('t5', { vocab_size: 32128, d_model: 768, d_kv: 64, d_ff: 3072, num_layers: 12, num_heads: 12 })), 222_903_552);
  const vit = { hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, image_size: 224, patch_size: 16 };
  assert.equal(parameterCount(buildModel('vit', vit)), 86_389_248);
});

test('the cited rules hold for every layer of a 6-layer model: GPT-2 c_proj, torchtitan depth_init', () => {
  const g = buildModel('gpt2', { vocab_size: 5, n_positions: 4, n_embd: 4, n_layer: 6, n_head: 2, initializer_range: 0.02 });
  for (const p of g.parameters.filter((q) => q.name.endsWith('c_proj.weight'))) assert.equal(p.init['std'], 0.02 / Math.sqrt(12));
  for (const p of g.parameters.filter((q) => q.name.endsWith('c_attn.weight') || q.name.endsWith('c_fc.weight'))) assert.equal(p.init['std'], 0.02);
  const t = buildModel('llama-titan', { vocab_size: 5, hidden_size: 4, intermediate_size: 8, num_hidden_layers: 6, num_attention_heads: 2 });
  for (let i = 0; i < 6; i++) {
    for (const w of ['attention.wo', 'feed_forward.w2', 'feed_forward.w3']) {
      const p = t.parameters.find((q) => q.name === `layers.${i}.${w}.weight`)!;
      assert.deepEqual([p.init['std'], p.init['low'], p.init['high']], [0.02 / Math.sqrt(2 * (i + 1)), -2, 2]);
    }
  }
});

test('every plan: unique names, torch layout, canonical specs that accept their shapes', () => {
  for (const c of RECIPE_CASES) {
    const plan = buildModel(c.recipe, c.config);
    assert.equal(plan.recipe, findRecipe(c.recipe).name);
    assert.equal(new Set(plan.parameters.map((p) => p.name)).size, plan.parameters.length);
    for (const p of plan.parameters) {
      assert.equal(p.layout, 'torch');
      assert.deepEqual(fromSpec(p.init).spec, p.init);
      fromSpec(p.init).describe(p.shape, p.layout);
    }
  }
});

test('config errors name the field: missing, wrong type, inconsistent sizes, unknown architecture; unknown recipes suggest', () => {
  const small = { vocab_size: 11, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 4 };
  const { hidden_size: _drop, ...missing } = small;
  assert.throws(() => buildModel('llama', missing), {
    message: 'llama: hidden_size must be a positive integer (a config.json field); got undefined.',
    parameter: 'hidden_size',
  });
  assert.throws(() => buildModel('llama', { ...small, hidden_size: 10 }), /llama: hidden_size must be divisible by num_attention_heads \(4\); got 10\./);
  assert.throws(() => buildModel('llama', { ...small, num_key_value_heads: 3 }), { parameter: 'num_attention_heads' });
  assert.throws(
    () => buildModel('gpt2', { vocab_size: 11, n_positions: 6, n_embd: 8, n_layer: '2', n_head: 2 }),
    /gpt2: n_layer must be a positive integer .*got '2'\./,
  );
  assert.throws(
    () => buildModel('vit', { hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 12, image_size: 10, patch_size: 4 }),
    {
      parameter: 'image_size',
    },
  );
  assert.throws(() => buildModel('bert', { ...RECIPE_CASES.find((c) => c.key === 'bert')!.config, architectures: ['BertForSequenceClassification'] }), {
    parameter: 'architectures',
  });
  assert.throws(
    () => findRecipe('lama'),
    /recipe: name must be one of gpt2, llama, llama-titan, bert, t5, vit, resnet18, resnet50 \(did you mean 'llama'\?\); got 'lama'\./,
  );
  assert.equal(findRecipe('LLAMA_TITAN').name, 'llama-titan');
  assert.throws(() => buildModel('gpt2', [] as never), { code: 'invalid_argument', parameter: 'config' });
});

test('modelFromJson: a list of parameters with spec objects or text; layout defaults to torch', () => {
  const plan = modelFromJson([
    { name: 'encoder.weight', shape: [16, 8], init: 'kaiming_normal:mode=fan_out' },
    { name: 'encoder.bias', shape: [16], init: { name: 'zeros' }, role: 'bias' },
    { name: 'dense.kernel', shape: [8, 4], init: 'glorot_uniform', layout: 'tf' },
  ]);
  assert.equal(plan.recipe, 'custom');
  assert.deepEqual(
    plan.parameters.map((p) => [p.name, p.layout, p.init.name, p.role]),
    [
      ['encoder.weight', 'torch', 'he_normal', 'custom'],
      ['encoder.bias', 'torch', 'zeros', 'bias'],
      ['dense.kernel', 'tf', 'glorot_uniform', 'custom'],
    ],
  );
  assert.equal(plan.parameters[0]!.init['mode'], 'fan_out');
});

test('modelFromJson: rules by glob, first match wins, a parameter’s own init overrides them', () => {
  const plan = modelFromJson({
    rules: [
      { pattern: '*.bias', init: 'zeros' },
      { pattern: 'blocks.*.out.weight', init: 'normal:std=0.002' },
      { pattern: '*', init: { name: 'normal', std: 0.02 } },
    ],
    parameters: [
      { name: 'blocks.0.out.weight', shape: [4, 4] },
      { name: 'blocks.0.out.bias', shape: [4] },
      { name: 'blocks.0.in.weight', shape: [4, 4] },
      { name: 'head.weight', shape: [2, 4], init: 'zeros' },
    ],
  });
  assert.deepEqual(
    plan.parameters.map((p) => [p.name, p.init.name, p.init['std']]),
    [
      ['blocks.0.out.weight', 'normal', 0.002],
      ['blocks.0.out.bias', 'zeros', undefined],
      ['blocks.0.in.weight', 'normal', 0.02],
      ['head.weight', 'zeros', undefined],
    ],
  );
});

test('modelFromJson errors name the entry and the field', () => {
  assert.throws(
    () => modelFromJson({ rules: [{ pattern: '*.bias', init: 'zeros' }], parameters: [{ name: 'w', shape: [2] }] }),
    /model parameters\[0\]: init must be given, or a rule whose pattern matches the name; got 'w'\./,
  );
  assert.throws(
    () =>
      modelFromJson([
        { name: 'w', shape: [2], init: 'zeros' },
        { name: 'w', shape: [2], init: 'zeros' },
      ]),
    /model parameters\[1\]: name must be unique/,
  );
  assert.throws(() => modelFromJson([{ name: 'w', shape: [2, -1], init: 'zeros' }]), { code: 'invalid_shape' });
  assert.throws(() => modelFromJson([{ name: 'w', shape: [2], init: 'nromal:std=1' }]), /did you mean 'normal'/);
  assert.throws(() => modelFromJson([{ name: 'w', shape: [2], init: 'orthogonal' }]), { code: 'invalid_shape' });
  assert.throws(() => modelFromJson({ parameters: 'x' }), { parameter: 'parameters' });
  assert.throws(() => modelFromJson({ rules: [{ pattern: '', init: 'zeros' }], parameters: [] }), { parameter: 'pattern' });
});
