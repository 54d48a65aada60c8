/**
 * The recipe golden table's cases: a small config of each family (and the variants that change names or rules).
 * recipes-generate.ts writes what they give into recipes.json; recipes.test.ts checks that they still give exactly
 * that. Each row pins a parameter: `name: [shape, initializer text (name and options, std and bounds included),
 * described std, role]`. The rules behind the rows are in docs/models.md, with their sources.
 */
import { fromSpec } from '../../src/initializers/registry.ts';
import { formatInitializerText } from '../../src/initializers/spec-text.ts';
import type { ModelConfig } from '../../src/models/recipes/common.ts';
import { buildModel } from '../../src/models/recipes/index.ts';

/** One case: a recipe and a config. */
export interface RecipeCase {
  readonly key: string;
  readonly recipe: string;
  readonly config: ModelConfig;
}

export const RECIPE_CASES: readonly RecipeCase[] = [
  { key: 'gpt2', recipe: 'gpt2', config: { vocab_size: 11, n_positions: 6, n_embd: 8, n_layer: 2, n_head: 2 } },
  {
    key: 'gpt2/GPT2Model,n_inner',
    recipe: 'gpt2',
    config: { architectures: ['GPT2Model'], vocab_size: 11, n_positions: 6, n_embd: 8, n_layer: 3, n_head: 2, n_inner: 10, initializer_range: 0.01 },
  },
  {
    key: 'llama',
    recipe: 'llama',
    config: { vocab_size: 11, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2 },
  },
  {
    key: 'llama/tied,biases,pad,head_dim',
    recipe: 'llama',
    config: {
      vocab_size: 11,
      hidden_size: 8,
      intermediate_size: 12,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      head_dim: 6,
      tie_word_embeddings: true,
      attention_bias: true,
      mlp_bias: true,
      pad_token_id: 3,
    },
  },
  {
    key: 'llama-titan',
    recipe: 'llama-titan',
    config: { vocab_size: 11, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 3, num_attention_heads: 4, num_key_value_heads: 2 },
  },
  {
    key: 'llama-titan/depth_init=false',
    recipe: 'llama-titan',
    config: { vocab_size: 11, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 3, num_attention_heads: 4, depth_init: false },
  },
  {
    key: 'bert',
    recipe: 'bert',
    config: { vocab_size: 11, hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 12, max_position_embeddings: 6 },
  },
  {
    key: 'bert/BertForMaskedLM',
    recipe: 'bert',
    config: {
      architectures: ['BertForMaskedLM'],
      vocab_size: 11,
      hidden_size: 8,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 12,
      max_position_embeddings: 6,
      pad_token_id: 1,
    },
  },
  { key: 't5', recipe: 't5', config: { vocab_size: 11, d_model: 8, d_kv: 4, d_ff: 12, num_layers: 2, num_heads: 2, relative_attention_num_buckets: 5 } },
  {
    key: 't5/v1.1:gated,untied,factor,decoder_layers',
    recipe: 't5',
    config: {
      vocab_size: 11,
      d_model: 8,
      d_kv: 4,
      d_ff: 12,
      num_layers: 1,
      num_decoder_layers: 2,
      num_heads: 3,
      feed_forward_proj: 'gated-gelu',
      tie_word_embeddings: false,
      initializer_factor: 0.5,
    },
  },
  { key: 'vit', recipe: 'vit', config: { hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 12, image_size: 8, patch_size: 4 } },
  {
    key: 'vit/ViTForImageClassification',
    recipe: 'vit',
    config: {
      architectures: ['ViTForImageClassification'],
      id2label: { 0: 'cat', 1: 'dog', 2: 'fish' },
      hidden_size: 8,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 12,
      image_size: 8,
      patch_size: 2,
      num_channels: 1,
      qkv_bias: false,
    },
  },
  { key: 'resnet18/zero_init_residual', recipe: 'resnet18', config: { num_classes: 10, zero_init_residual: true } },
  { key: 'resnet50', recipe: 'resnet50', config: {} },
];

/** `[shape, initializer text, described std, role (+ ' int64' for int64 buffers)]`. */
export type RecipeRow = readonly [readonly number[], string, number, string];

/** The rows of a case, by parameter name, in state-dict order. */
export function recipeRows(c: RecipeCase): Record<string, RecipeRow> {
  const rows: Record<string, RecipeRow> = {};
  for (const p of buildModel(c.recipe, c.config).parameters) {
    rows[p.name] = [p.shape, formatInitializerText(p.init), fromSpec(p.init).describe(p.shape, p.layout).std, p.dtype ? `${p.role} ${p.dtype}` : p.role];
  }
  return rows;
}

/** Serializes the table with one parameter per line, so that a diff shows which parameters moved. */
export function formatRecipeTable(table: Readonly<Record<string, Readonly<Record<string, RecipeRow>>>>): string {
  const cases = Object.entries(table).map(([key, rows]) => {
    const lines = Object.entries(rows).map(([name, row]) => `    ${JSON.stringify(name)}: ${JSON.stringify(row)}`);
    return `  ${JSON.stringify(key)}: {\n${lines.join(',\n')}\n  }`;
  });
  return `{\n${cases.join(',\n')}\n}\n`;
}

/** Where recipes.json lives in the source tree, from this module compiled in dist/test/models. */
export const RECIPE_TABLE_PATH = new URL('../../../test/models/recipes.json', import.meta.url);
