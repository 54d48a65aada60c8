/**
 * BERT as Hugging Face transformers initializes it: `BertPreTrainedModel._init_weights` in
 * src/transformers/models/bert/modeling_bert.py.
 */
import type { ModelPlan } from '../model.ts';
import { ConfigReader, type ModelConfig, normal, ONES, PlanBuilder, type Recipe, ZEROS } from './common.ts';

/**
 * The parameters of HF `BertModel` (no prefix, with the pooler; the default) or `BertForMaskedLM` (`bert.` prefix,
 * no pooler, the `cls.predictions` head), in state-dict order:
 * - nn.Linear weights [out, in] and the position and token-type embeddings: 𝒩(0, initializer_range²); biases 0;
 * - `embeddings.word_embeddings.weight`: 𝒩(0, initializer_range²) with its `pad_token_id` row (default 0) zeroed;
 * - LayerNorm weight 1, bias 0; `cls.predictions.bias` 0.
 * Not written: the `embeddings.position_ids` / `token_type_ids` buffers (non-persistent), and in BertForMaskedLM
 * `cls.predictions.decoder.weight` (tied to the word embeddings) and `cls.predictions.decoder.bias` (the same tensor
 * as `cls.predictions.bias`).
 *
 * Config fields: vocab_size, hidden_size, num_hidden_layers, num_attention_heads, intermediate_size,
 * max_position_embeddings (required); type_vocab_size (2), initializer_range (0.02), pad_token_id (0), architectures.
 *
 * @example
 * const plan = bert({ vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, max_position_embeddings: 512 });
 * plan.parameters[0].init; // { name: 'embedding_normal', mean: 0, std: 0.02, paddingIdx: 0 }
 */
export function bert(config: ModelConfig): ModelPlan {
  const c = new ConfigReader('bert', config);
  const vocab = c.positive('vocab_size');
  const hidden = c.positive('hidden_size');
  const layers = c.positive('num_hidden_layers');
  const heads = c.positive('num_attention_heads');
  c.divisible('hidden_size', hidden, 'num_attention_heads', heads);
  const intermediate = c.positive('intermediate_size');
  const positions = c.positive('max_position_embeddings');
  const types = c.positive('type_vocab_size', 2);
  const range = c.positiveNumber('initializer_range', 0.02);
  const pad = c.optionalIndex('pad_token_id') ?? 0;
  const masked = c.architecture(['BertModel', 'BertForMaskedLM'], 'BertModel') === 'BertForMaskedLM';
  const p = masked ? 'bert.' : '';
  const w = normal(range);
  const b = new PlanBuilder('bert');
  const linear = (name: string, out: number, input: number, role: string): void => {
    b.add(`${name}.weight`, [out, input], w, role);
    b.add(`${name}.bias`, [out], ZEROS, 'bias');
  };
  const layerNorm = (name: string): void => {
    b.add(`${name}.weight`, [hidden], ONES, 'norm.weight');
    b.add(`${name}.bias`, [hidden], ZEROS, 'norm.bias');
  };
  b.add(`${p}embeddings.word_embeddings.weight`, [vocab, hidden], pad < vocab ? { name: 'embedding_normal', std: range, paddingIdx: pad } : w, 'embedding');
  b.add(`${p}embeddings.position_embeddings.weight`, [positions, hidden], w, 'position_embedding');
  b.add(`${p}embeddings.token_type_embeddings.weight`, [types, hidden], w, 'token_type_embedding');
  layerNorm(`${p}embeddings.LayerNorm`);
  for (let i = 0; i < layers; i++) {
    const l = `${p}encoder.layer.${i}`;
    linear(`${l}.attention.self.query`, hidden, hidden, 'attention.q');
    linear(`${l}.attention.self.key`, hidden, hidden, 'attention.k');
    linear(`${l}.attention.self.value`, hidden, hidden, 'attention.v');
    linear(`${l}.attention.output.dense`, hidden, hidden, 'attention.out');
    layerNorm(`${l}.attention.output.LayerNorm`);
    linear(`${l}.intermediate.dense`, intermediate, hidden, 'mlp.in');
    linear(`${l}.output.dense`, hidden, intermediate, 'mlp.out');
    layerNorm(`${l}.output.LayerNorm`);
  }
  if (masked) {
    b.add('cls.predictions.bias', [vocab], ZEROS, 'bias');
    linear('cls.predictions.transform.dense', hidden, hidden, 'head.transform');
    layerNorm('cls.predictions.transform.LayerNorm');
  } else {
    linear('pooler.dense', hidden, hidden, 'pooler');
  }
  return b.build();
}

/** The `bert` recipe. */
export const BERT: Recipe = {
  name: 'bert',
  summary: 'Hugging Face BERT (BertModel / BertForMaskedLM): N(0, initializer_range), padding row 0, LayerNorm 1/0, biases 0',
  source: 'huggingface/transformers src/transformers/models/bert/modeling_bert.py (BertPreTrainedModel._init_weights)',
  fields: [
    'vocab_size',
    'hidden_size',
    'num_hidden_layers',
    'num_attention_heads',
    'intermediate_size',
    'max_position_embeddings',
    'type_vocab_size',
    'initializer_range',
    'pad_token_id',
    'architectures',
  ],
  build: bert,
};
