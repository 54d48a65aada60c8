/**
 * Llama as Hugging Face transformers initializes it (src/transformers/models/llama/modeling_llama.py, whose
 * `_init_weights` is PreTrainedModel's: nn.Linear and nn.Embedding 𝒩(0, initializer_range²), biases 0, the
 * embedding's padding row 0, LlamaRMSNorm weight 1), and as torchtitan initializes its Llama 3
 * (torchtitan/models/llama3/model/model.py `init_weights`, commit 238fa995, February 2026; the rules are unchanged in
 * its later torchtitan/models/llama3/__init__.py).
 */
import type { ModelPlan } from '../model.ts';
import { ConfigReader, type ModelConfig, normal, ONES, PlanBuilder, type Recipe, truncNormal, ZEROS } from './common.ts';

/** The sizes of a Llama config, checked. */
function llamaSizes(c: ConfigReader) {
  const vocab = c.positive('vocab_size');
  const hidden = c.positive('hidden_size');
  const intermediate = c.positive('intermediate_size');
  const layers = c.positive('num_hidden_layers');
  const heads = c.positive('num_attention_heads');
  const kvHeads = c.positive('num_key_value_heads', heads);
  c.divisible('num_attention_heads', heads, 'num_key_value_heads', kvHeads);
  const given = c.optionalIndex('head_dim');
  if (given === undefined || given === 0) c.divisible('hidden_size', hidden, 'num_attention_heads', heads);
  const headDim = given === undefined || given === 0 ? hidden / heads : given;
  return { vocab, hidden, intermediate, layers, heads, kvHeads, headDim };
}

/**
 * The parameters of HF `LlamaForCausalLM` (or `LlamaModel`, without the `model.` prefix and `lm_head`, when
 * `architectures[0]` is `LlamaModel`), in state-dict order:
 * - `model.embed_tokens.weight` [vocab_size, hidden_size]: 𝒩(0, initializer_range²), its `pad_token_id` row 0
 *   when the config sets one (`embedding_normal`);
 * - q/k/v/o_proj, gate/up/down_proj weights [out, in]: 𝒩(0, initializer_range²); no depth scaling;
 *   biases (only with attention_bias / mlp_bias) 0;
 * - input_layernorm, post_attention_layernorm, model.norm (RMSNorm): 1;
 * - `lm_head.weight` [vocab_size, hidden_size]: 𝒩(0, initializer_range²), not written when tie_word_embeddings.
 * The rotary `inv_freq` buffer is non-persistent and not written.
 *
 * Config fields: vocab_size, hidden_size, intermediate_size, num_hidden_layers, num_attention_heads (required);
 * num_key_value_heads (default num_attention_heads), head_dim (hidden_size / num_attention_heads),
 * initializer_range (0.02), tie_word_embeddings (false), attention_bias (false), mlp_bias (false), pad_token_id.
 *
 * @example
 * const plan = llama({ vocab_size: 32000, hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 32, num_attention_heads: 32 });
 * plan.parameters.at(-1)!.name; // 'lm_head.weight'
 */
export function llama(config: ModelConfig): ModelPlan {
  const c = new ConfigReader('llama', config);
  const { vocab, hidden, intermediate, layers, heads, kvHeads, headDim } = llamaSizes(c);
  const range = c.positiveNumber('initializer_range', 0.02);
  const tied = c.flag('tie_word_embeddings', false);
  const attentionBias = c.flag('attention_bias', false);
  const mlpBias = c.flag('mlp_bias', false);
  const pad = c.optionalIndex('pad_token_id');
  const causal = c.architecture(['LlamaForCausalLM', 'LlamaModel'], 'LlamaForCausalLM') === 'LlamaForCausalLM';
  const m = causal ? 'model.' : '';
  const w = normal(range);
  const b = new PlanBuilder('llama');
  b.add(
    `${m}embed_tokens.weight`,
    [vocab, hidden],
    pad === undefined || pad >= vocab ? w : { name: 'embedding_normal', std: range, paddingIdx: pad },
    'embedding',
  );
  const linear = (name: string, out: number, input: number, role: string, bias: boolean): void => {
    b.add(`${name}.weight`, [out, input], w, role);
    if (bias) b.add(`${name}.bias`, [out], ZEROS, 'bias');
  };
  for (let i = 0; i < layers; i++) {
    const l = `${m}layers.${i}`;
    linear(`${l}.self_attn.q_proj`, heads * headDim, hidden, 'attention.q', attentionBias);
    linear(`${l}.self_attn.k_proj`, kvHeads * headDim, hidden, 'attention.k', attentionBias);
    linear(`${l}.self_attn.v_proj`, kvHeads * headDim, hidden, 'attention.v', attentionBias);
    linear(`${l}.self_attn.o_proj`, hidden, heads * headDim, 'attention.out', attentionBias);
    linear(`${l}.mlp.gate_proj`, intermediate, hidden, 'mlp.gate', mlpBias);
    linear(`${l}.mlp.up_proj`, intermediate, hidden, 'mlp.up', mlpBias);
    linear(`${l}.mlp.down_proj`, hidden, intermediate, 'mlp.out', mlpBias);
    b.add(`${l}.input_layernorm.weight`, [hidden], ONES, 'norm.weight');
    b.add(`${l}.post_attention_layernorm.weight`, [hidden], ONES, 'norm.weight');
  }
  b.add(`${m}norm.weight`, [hidden], ONES, 'norm.weight');
  if (causal && !tied) b.add('lm_head.weight', [vocab, hidden], w, 'lm_head');
  return b.build();
}

/**
 * The parameters of torchtitan's Llama 3 `Transformer` (its own names: `tok_embeddings`, `layers.N.attention.wq`,
 * `feed_forward.w1`, `output`, …) with its `init_weights`, from the same Hugging Face config fields as `llama`:
 * - `tok_embeddings.weight`: 𝒩(0, 1);
 * - wq, wk, wv, w1: trunc_normal_(std 0.02) with PyTorch's absolute bounds ±2;
 * - wo, w2, w3: trunc_normal_(std 0.02/√(2·(layer_id + 1))) when `depth_init` (default true), else
 *   0.02/√(2·num_hidden_layers), bounds ±2;
 * - attention_norm, ffn_norm, norm (RMSNorm): 1;
 * - `output.weight`: trunc_normal_(std hidden_size^−½, bounds ±3·std).
 * The FFN width is the config's intermediate_size (torchtitan derives it from multiple_of and ffn_dim_multiplier;
 * Llama 3 8B's 14336 is the same). The output is always written (that torchtitan version does not tie it); the
 * `freqs_cis` buffer is non-persistent and not written.
 *
 * @example
 * const plan = llamaTitan({ vocab_size: 128256, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8 });
 * plan.parameters.find((p) => p.name === 'layers.0.attention.wo.weight')!.init; // truncated_normal std 0.02/√2
 */
export function llamaTitan(config: ModelConfig): ModelPlan {
  const c = new ConfigReader('llama-titan', config);
  const { vocab, hidden, intermediate, layers, heads, kvHeads, headDim } = llamaSizes(c);
  const depthInit = c.flag('depth_init', true);
  const b = new PlanBuilder('llama-titan');
  const qkv = truncNormal(0.02);
  b.add('tok_embeddings.weight', [vocab, hidden], normal(1), 'embedding');
  for (let i = 0; i < layers; i++) {
    const l = `layers.${i}`;
    const scaled = truncNormal(0.02 / Math.sqrt(2 * (depthInit ? i + 1 : layers)));
    b.add(`${l}.attention.wq.weight`, [heads * headDim, hidden], qkv, 'attention.q');
    b.add(`${l}.attention.wk.weight`, [kvHeads * headDim, hidden], qkv, 'attention.k');
    b.add(`${l}.attention.wv.weight`, [kvHeads * headDim, hidden], qkv, 'attention.v');
    b.add(`${l}.attention.wo.weight`, [hidden, heads * headDim], scaled, 'attention.out');
    b.add(`${l}.feed_forward.w1.weight`, [intermediate, hidden], qkv, 'mlp.gate');
    b.add(`${l}.feed_forward.w2.weight`, [hidden, intermediate], scaled, 'mlp.out');
    b.add(`${l}.feed_forward.w3.weight`, [intermediate, hidden], scaled, 'mlp.up');
    b.add(`${l}.attention_norm.weight`, [hidden], ONES, 'norm.weight');
    b.add(`${l}.ffn_norm.weight`, [hidden], ONES, 'norm.weight');
  }
  b.add('norm.weight', [hidden], ONES, 'norm.weight');
  const out = 1 / Math.sqrt(hidden);
  b.add('output.weight', [vocab, hidden], truncNormal(out, -3 * out, 3 * out), 'lm_head');
  return b.build();
}

/** The `llama` recipe. */
export const LLAMA: Recipe = {
  name: 'llama',
  summary: 'Hugging Face Llama (LlamaForCausalLM / LlamaModel): N(0, initializer_range) for every linear and embedding, RMSNorm 1',
  source: 'huggingface/transformers src/transformers/models/llama/modeling_llama.py (PreTrainedModel._init_weights)',
  fields: [
    'vocab_size',
    'hidden_size',
    'intermediate_size',
    'num_hidden_layers',
    'num_attention_heads',
    'num_key_value_heads',
    'head_dim',
    'initializer_range',
    'tie_word_embeddings',
    'attention_bias',
    'mlp_bias',
    'pad_token_id',
    'architectures',
  ],
  build: llama,
};

/** The `llama-titan` recipe. */
export const LLAMA_TITAN: Recipe = {
  name: 'llama-titan',
  summary: 'torchtitan Llama 3 (its own parameter names): embedding N(0,1), depth-scaled trunc_normal for wo/w2/w3, output trunc at ±3σ',
  source: 'pytorch/torchtitan torchtitan/models/llama3/model/model.py (Transformer.init_weights, TransformerBlock, Attention, FeedForward)',
  fields: ['vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'head_dim', 'depth_init'],
  build: llamaTitan,
};
