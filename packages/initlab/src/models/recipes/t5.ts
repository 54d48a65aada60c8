/**
 * T5 as Hugging Face transformers initializes it: `T5PreTrainedModel._init_weights` in
 * src/transformers/models/t5/modeling_t5.py (every std a multiple of `initializer_factor`).
 */
import type { ModelPlan } from '../model.ts';
import { ConfigReader, type ModelConfig, normal, ONES, PlanBuilder, type Recipe } from './common.ts';

/**
 * The parameters of HF `T5ForConditionalGeneration` (default), `T5Model` or `T5EncoderModel`, in state-dict order,
 * with f = initializer_factor:
 * - `shared.weight` [vocab_size, d_model]: 𝒩(0, f²); `lm_head.weight` the same, written only when
 *   tie_word_embeddings is false (T5 v1.1); `encoder/decoder.embed_tokens.weight` are tied to `shared`, not written;
 * - attention q [n_heads·d_kv, d_model]: 𝒩(0, f²/(d_model·d_kv)); k, v: f²/d_model;
 *   o [d_model, n_heads·d_kv]: f²/(n_heads·d_kv); `relative_attention_bias` [num_buckets, n_heads] (first block of
 *   each stack, self-attention only): f²/d_model;
 * - feed-forward wi (or wi_0, wi_1 for `gated-…` feed_forward_proj) [d_ff, d_model]: f²/d_model;
 *   wo [d_model, d_ff]: f²/d_ff;
 * - T5LayerNorm weights: f (no bias). No linear has a bias.
 *
 * Config fields: vocab_size, d_model, d_kv, d_ff, num_layers, num_heads (required); num_decoder_layers (num_layers),
 * relative_attention_num_buckets (32), initializer_factor (1), feed_forward_proj ('relu'), tie_word_embeddings
 * (true), architectures.
 *
 * @example
 * const plan = t5({ vocab_size: 32128, d_model: 512, d_kv: 64, d_ff: 2048, num_layers: 6, num_heads: 8 });
 * plan.parameters[1].init.std; // 1/√(512·64) for encoder.block.0.layer.0.SelfAttention.q.weight
 */
export function t5(config: ModelConfig): ModelPlan {
  const c = new ConfigReader('t5', config);
  const vocab = c.positive('vocab_size');
  const dModel = c.positive('d_model');
  const dKv = c.positive('d_kv');
  const dFf = c.positive('d_ff');
  const layers = c.positive('num_layers');
  const heads = c.positive('num_heads');
  const decoderLayers = c.positive('num_decoder_layers', layers);
  const buckets = c.positive('relative_attention_num_buckets', 32);
  const f = c.positiveNumber('initializer_factor', 1);
  const projection = c.text('feed_forward_proj', 'relu');
  const gated = projection.startsWith('gated-');
  const tied = c.flag('tie_word_embeddings', true);
  const architecture = c.architecture(['T5ForConditionalGeneration', 'T5Model', 'T5EncoderModel'], 'T5ForConditionalGeneration');
  const inner = heads * dKv;
  const b = new PlanBuilder('t5');
  const norm = f === 1 ? ONES : { name: 'constant', value: f };
  const attention = (name: string, relative: boolean): void => {
    b.add(`${name}.q.weight`, [inner, dModel], normal(f / Math.sqrt(dModel * dKv)), 'attention.q');
    b.add(`${name}.k.weight`, [inner, dModel], normal(f / Math.sqrt(dModel)), 'attention.k');
    b.add(`${name}.v.weight`, [inner, dModel], normal(f / Math.sqrt(dModel)), 'attention.v');
    b.add(`${name}.o.weight`, [dModel, inner], normal(f / Math.sqrt(inner)), 'attention.out');
    if (relative) b.add(`${name}.relative_attention_bias.weight`, [buckets, heads], normal(f / Math.sqrt(dModel)), 'attention.relative_bias');
  };
  const feedForward = (name: string): void => {
    if (gated) {
      b.add(`${name}.wi_0.weight`, [dFf, dModel], normal(f / Math.sqrt(dModel)), 'mlp.gate');
      b.add(`${name}.wi_1.weight`, [dFf, dModel], normal(f / Math.sqrt(dModel)), 'mlp.up');
    } else {
      b.add(`${name}.wi.weight`, [dFf, dModel], normal(f / Math.sqrt(dModel)), 'mlp.in');
    }
    b.add(`${name}.wo.weight`, [dModel, dFf], normal(f / Math.sqrt(dFf)), 'mlp.out');
  };
  b.add('shared.weight', [vocab, dModel], normal(f), 'embedding');
  for (let i = 0; i < layers; i++) {
    const block = `encoder.block.${i}.layer`;
    attention(`${block}.0.SelfAttention`, i === 0);
    b.add(`${block}.0.layer_norm.weight`, [dModel], norm, 'norm.weight');
    feedForward(`${block}.1.DenseReluDense`);
    b.add(`${block}.1.layer_norm.weight`, [dModel], norm, 'norm.weight');
  }
  b.add('encoder.final_layer_norm.weight', [dModel], norm, 'norm.weight');
  if (architecture !== 'T5EncoderModel') {
    for (let i = 0; i < decoderLayers; i++) {
      const block = `decoder.block.${i}.layer`;
      attention(`${block}.0.SelfAttention`, i === 0);
      b.add(`${block}.0.layer_norm.weight`, [dModel], norm, 'norm.weight');
      attention(`${block}.1.EncDecAttention`, false);
      b.add(`${block}.1.layer_norm.weight`, [dModel], norm, 'norm.weight');
      feedForward(`${block}.2.DenseReluDense`);
      b.add(`${block}.2.layer_norm.weight`, [dModel], norm, 'norm.weight');
    }
    b.add('decoder.final_layer_norm.weight', [dModel], norm, 'norm.weight');
  }
  if (architecture === 'T5ForConditionalGeneration' && !tied) b.add('lm_head.weight', [vocab, dModel], normal(f), 'lm_head');
  return b.build();
}

/** The `t5` recipe. */
export const T5: Recipe = {
  name: 't5',
  summary: 'Hugging Face T5 (T5ForConditionalGeneration / T5Model / T5EncoderModel): stds from initializer_factor and the widths',
  source: 'huggingface/transformers src/transformers/models/t5/modeling_t5.py (T5PreTrainedModel._init_weights)',
  fields: [
    'vocab_size',
    'd_model',
    'd_kv',
    'd_ff',
    'num_layers',
    'num_heads',
    'num_decoder_layers',
    'relative_attention_num_buckets',
    'initializer_factor',
    'feed_forward_proj',
    'tie_word_embeddings',
    'architectures',
  ],
  build: t5,
};
