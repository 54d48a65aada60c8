/**
 * ViT as Hugging Face transformers initializes it: `ViTPreTrainedModel._init_weights` in
 * src/transformers/models/vit/modeling_vit.py.
 */
import type { ModelPlan } from '../model.ts';
import { ConfigReader, type ModelConfig, ONES, PlanBuilder, type Recipe, truncNormal, ZEROS } from './common.ts';

/**
 * The parameters of HF `ViTModel` (with the pooler; the default) or `ViTForImageClassification` (`vit.` prefix, no
 * pooler, a `classifier` of len(id2label) or num_labels outputs), in state-dict order:
 * - nn.Linear and the patch nn.Conv2d weights, `embeddings.cls_token` [1, 1, hidden] and
 *   `embeddings.position_embeddings` [1, (image_size/patch_size)² + 1, hidden]: trunc_normal_(std initializer_range)
 *   with PyTorch's absolute bounds ±2 (±100σ at 0.02: in effect untruncated), computed in float32;
 * - biases 0; LayerNorm weight 1, bias 0.
 *
 * Config fields: hidden_size, num_hidden_layers, num_attention_heads, intermediate_size, image_size, patch_size
 * (required); num_channels (3), qkv_bias (true), initializer_range (0.02), pooler_output_size (hidden_size),
 * id2label / num_labels, architectures.
 *
 * @example
 * const plan = vit({ hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, image_size: 224, patch_size: 16 });
 * plan.parameters[1].shape; // [1, 197, 768]: embeddings.position_embeddings
 */
export function vit(config: ModelConfig): ModelPlan {
  const c = new ConfigReader('vit', config);
  const hidden = c.positive('hidden_size');
  const layers = c.positive('num_hidden_layers');
  const heads = c.positive('num_attention_heads');
  c.divisible('hidden_size', hidden, 'num_attention_heads', heads);
  const intermediate = c.positive('intermediate_size');
  const image = c.positive('image_size');
  const patch = c.positive('patch_size');
  c.divisible('image_size', image, 'patch_size', patch);
  const channels = c.positive('num_channels', 3);
  const qkvBias = c.flag('qkv_bias', true);
  const range = c.positiveNumber('initializer_range', 0.02);
  const classify = c.architecture(['ViTModel', 'ViTForImageClassification'], 'ViTModel') === 'ViTForImageClassification';
  const labels =
    config['id2label'] !== null && typeof config['id2label'] === 'object' ? Object.keys(config['id2label'] as object).length : c.positive('num_labels', 2);
  const poolerSize = c.positive('pooler_output_size', hidden);
  const patches = (image / patch) * (image / patch);
  const p = classify ? 'vit.' : '';
  const w = truncNormal(range);
  const b = new PlanBuilder('vit');
  const linear = (name: string, out: number, input: number, role: string, bias = true): void => {
    b.add(`${name}.weight`, [out, input], w, role);
    if (bias) b.add(`${name}.bias`, [out], ZEROS, 'bias');
  };
  const layerNorm = (name: string): void => {
    b.add(`${name}.weight`, [hidden], ONES, 'norm.weight');
    b.add(`${name}.bias`, [hidden], ZEROS, 'norm.bias');
  };
  b.add(`${p}embeddings.cls_token`, [1, 1, hidden], w, 'cls_token');
  b.add(`${p}embeddings.position_embeddings`, [1, patches + 1, hidden], w, 'position_embedding');
  b.add(`${p}embeddings.patch_embeddings.projection.weight`, [hidden, channels, patch, patch], w, 'patch_embedding');
  b.add(`${p}embeddings.patch_embeddings.projection.bias`, [hidden], ZEROS, 'bias');
  for (let i = 0; i < layers; i++) {
    const l = `${p}encoder.layer.${i}`;
    linear(`${l}.attention.attention.query`, hidden, hidden, 'attention.q', qkvBias);
    linear(`${l}.attention.attention.key`, hidden, hidden, 'attention.k', qkvBias);
    linear(`${l}.attention.attention.value`, hidden, hidden, 'attention.v', qkvBias);
    linear(`${l}.attention.output.dense`, hidden, hidden, 'attention.out');
    linear(`${l}.intermediate.dense`, intermediate, hidden, 'mlp.in');
    linear(`${l}.output.dense`, hidden, intermediate, 'mlp.out');
    layerNorm(`${l}.layernorm_before`);
    layerNorm(`${l}.layernorm_after`);
  }
  layerNorm(`${p}layernorm`);
  if (classify) linear('classifier', labels, hidden, 'classifier');
  else linear('pooler.dense', poolerSize, hidden, 'pooler');
  return b.build();
}

/** The `vit` recipe. */
export const VIT: Recipe = {
  name: 'vit',
  summary: 'Hugging Face ViT (ViTModel / ViTForImageClassification): trunc_normal std initializer_range (bounds ±2), LayerNorm 1/0, biases 0',
  source: 'huggingface/transformers src/transformers/models/vit/modeling_vit.py (ViTPreTrainedModel._init_weights)',
  fields: [
    'hidden_size',
    'num_hidden_layers',
    'num_attention_heads',
    'intermediate_size',
    'image_size',
    'patch_size',
    'num_channels',
    'qkv_bias',
    'initializer_range',
    'pooler_output_size',
    'id2label',
    'num_labels',
    'architectures',
  ],
  build: vit,
};
