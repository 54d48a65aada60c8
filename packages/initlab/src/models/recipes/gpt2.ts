/**
 * GPT-2 as Hugging Face transformers builds and initializes it: `GPT2PreTrainedModel._init_weights` in
 * src/transformers/models/gpt2/modeling_gpt2.py.
 */
import { fail } from '../../errors.ts';
import type { ModelPlan } from '../model.ts';
import { ConfigReader, type ModelConfig, normal, ONES, PlanBuilder, type Recipe, ZEROS } from './common.ts';

/**
 * The parameters of HF `GPT2LMHeadModel` (names `transformer.…`) or `GPT2Model` (no prefix, when
 * `architectures[0]` is `GPT2Model`), in state-dict order, with `_init_weights`' rules:
 * - Conv1D weights (`c_attn`, `c_fc`, `c_proj`; stored [in, out], transposed against nn.Linear) and the embeddings
 *   `wte` [vocab_size, n_embd], `wpe` [n_positions, n_embd]: 𝒩(0, initializer_range²);
 * - every `c_proj.weight` (attention and MLP) is redrawn: 𝒩(0, (initializer_range / √(2·n_layer))²);
 * - biases 0; LayerNorm weight 1, bias 0.
 * `lm_head.weight` is tied to `wte` and is not written, as `save_pretrained` saves it. The causal-mask buffers
 * `attn.bias` and `attn.masked_bias` are non-persistent in current transformers (not in the state dict), so they are
 * not written either; a checkpoint is loaded with `from_pretrained`, or with `load_state_dict(strict=False)`, whose
 * only missing key is then the tied `lm_head.weight`.
 *
 * Config fields: vocab_size, n_positions, n_embd, n_layer, n_head (required); n_inner (default 4·n_embd),
 * initializer_range (0.02), architectures.
 *
 * @example
 * const plan = gpt2({ vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12 });
 * plan.parameters[0]; // { name: 'transformer.wte.weight', shape: [50257, 768], init: { name: 'normal', mean: 0, std: 0.02 }, … }
 */
export function gpt2(config: ModelConfig): ModelPlan {
  const c = new ConfigReader('gpt2', config);
  const vocab = c.positive('vocab_size');
  const positions = c.positive('n_positions');
  const d = c.positive('n_embd');
  const layers = c.positive('n_layer');
  const heads = c.positive('n_head');
  c.divisible('n_embd', d, 'n_head', heads);
  const inner = c.positive('n_inner', 4 * d);
  const range = c.positiveNumber('initializer_range', 0.02);
  if (c.flag('add_cross_attention', false)) fail('invalid_option', 'gpt2', 'add_cross_attention', 'false (this recipe has no cross-attention layers)', true);
  const prefix = c.architecture(['GPT2LMHeadModel', 'GPT2Model'], 'GPT2LMHeadModel') === 'GPT2Model' ? '' : 'transformer.';
  const projection = normal(range / Math.sqrt(2 * layers));
  const b = new PlanBuilder('gpt2');
  b.add(`${prefix}wte.weight`, [vocab, d], normal(range), 'embedding');
  b.add(`${prefix}wpe.weight`, [positions, d], normal(range), 'position_embedding');
  for (let i = 0; i < layers; i++) {
    const h = `${prefix}h.${i}`;
    b.add(`${h}.ln_1.weight`, [d], ONES, 'norm.weight');
    b.add(`${h}.ln_1.bias`, [d], ZEROS, 'norm.bias');
    b.add(`${h}.attn.c_attn.weight`, [d, 3 * d], normal(range), 'attention.qkv');
    b.add(`${h}.attn.c_attn.bias`, [3 * d], ZEROS, 'bias');
    b.add(`${h}.attn.c_proj.weight`, [d, d], projection, 'attention.out');
    b.add(`${h}.attn.c_proj.bias`, [d], ZEROS, 'bias');
    b.add(`${h}.ln_2.weight`, [d], ONES, 'norm.weight');
    b.add(`${h}.ln_2.bias`, [d], ZEROS, 'norm.bias');
    b.add(`${h}.mlp.c_fc.weight`, [d, inner], normal(range), 'mlp.in');
    b.add(`${h}.mlp.c_fc.bias`, [inner], ZEROS, 'bias');
    b.add(`${h}.mlp.c_proj.weight`, [inner, d], projection, 'mlp.out');
    b.add(`${h}.mlp.c_proj.bias`, [d], ZEROS, 'bias');
  }
  b.add(`${prefix}ln_f.weight`, [d], ONES, 'norm.weight');
  b.add(`${prefix}ln_f.bias`, [d], ZEROS, 'norm.bias');
  return b.build();
}

/** The `gpt2` recipe. */
export const GPT2: Recipe = {
  name: 'gpt2',
  summary: 'Hugging Face GPT-2 (GPT2LMHeadModel / GPT2Model): N(0, initializer_range), c_proj scaled by 1/√(2·n_layer), tied lm_head not written',
  source: 'huggingface/transformers src/transformers/models/gpt2/modeling_gpt2.py (GPT2PreTrainedModel._init_weights)',
  fields: ['vocab_size', 'n_positions', 'n_embd', 'n_layer', 'n_head', 'n_inner', 'initializer_range', 'architectures'],
  build: gpt2,
};
