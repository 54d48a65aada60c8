/**
 * ModelPlans built by hand for the checkpoint tests (the recipes live on another branch): a small GPT-2-shaped
 * model with the names and shapes of Hugging Face's GPT2Model state dict, N(0, 0.02) weights, c_proj weights
 * N(0, 0.02/√(2·n_layer)), zero biases, LayerNorm 1/0, and one structured initializer (an orthogonal head) so that
 * whole-tensor generation is exercised too.
 */
import type { InitializerSpec, ModelParameter, ModelPlan } from '../../src/index.ts';

/** GPT-2 dimensions. */
export interface Gpt2Size {
  readonly vocab: number;
  readonly positions: number;
  readonly embd: number;
  readonly layers: number;
}

/** A GPT-2-shaped plan (Conv1D weights are [in, out], as HF stores them). */
export function gpt2Plan(size: Gpt2Size, head = true): ModelPlan {
  const { vocab, positions, embd, layers } = size;
  const parameters: ModelParameter[] = [];
  const add = (name: string, shape: number[], init: InitializerSpec, role: string): void => {
    parameters.push({ name, shape, layout: 'torch', init, role });
  };
  const normal = (std: number): InitializerSpec => ({ name: 'normal', mean: 0, std });
  const projection = 0.02 / Math.sqrt(2 * layers);
  add('wte.weight', [vocab, embd], normal(0.02), 'embedding');
  add('wpe.weight', [positions, embd], normal(0.01), 'embedding');
  for (let l = 0; l < layers; l++) {
    const h = `h.${l}`;
    add(`${h}.ln_1.weight`, [embd], { name: 'ones' }, 'norm.weight');
    add(`${h}.ln_1.bias`, [embd], { name: 'zeros' }, 'bias');
    add(`${h}.attn.c_attn.weight`, [embd, 3 * embd], normal(0.02), 'attention.qkv');
    add(`${h}.attn.c_attn.bias`, [3 * embd], { name: 'zeros' }, 'bias');
    add(`${h}.attn.c_proj.weight`, [embd, embd], normal(projection), 'attention.out');
    add(`${h}.attn.c_proj.bias`, [embd], { name: 'zeros' }, 'bias');
    add(`${h}.ln_2.weight`, [embd], { name: 'ones' }, 'norm.weight');
    add(`${h}.ln_2.bias`, [embd], { name: 'zeros' }, 'bias');
    add(`${h}.mlp.c_fc.weight`, [embd, 4 * embd], normal(0.02), 'mlp.in');
    add(`${h}.mlp.c_fc.bias`, [4 * embd], { name: 'zeros' }, 'bias');
    add(`${h}.mlp.c_proj.weight`, [4 * embd, embd], normal(projection), 'mlp.out');
    add(`${h}.mlp.c_proj.bias`, [embd], { name: 'zeros' }, 'bias');
  }
  add('ln_f.weight', [embd], { name: 'ones' }, 'norm.weight');
  add('ln_f.bias', [embd], { name: 'zeros' }, 'bias');
  if (head) add('score.weight', [8, embd], { name: 'orthogonal', gain: 1 }, 'head');
  return { recipe: 'gpt2-test', parameters };
}

/** A small GPT-2 (about 30k parameters): several files at a 20KB limit. */
export function smallGpt2(): ModelPlan {
  return gpt2Plan({ vocab: 100, positions: 16, embd: 32, layers: 2 });
}

/** The plan as the JSON `initlab init --model` reads. */
export function modelJson(plan: ModelPlan): string {
  return JSON.stringify(plan.parameters.map(({ name, shape, init, layout, role }) => ({ name, shape, init, layout, role })));
}
