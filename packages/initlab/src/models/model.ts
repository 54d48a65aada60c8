/**
 * A model as initlab sees it: a list of parameters, each with its `state_dict` name, shape, layout and
 * initializer spec. Recipes (`gpt2`, `llama`, …) and users' own JSON descriptions produce a {@link ModelPlan};
 * the checkpoint writer consumes one. The key of a parameter is `fold(root, name)`, so adding a parameter changes
 * no other parameter's values.
 */
import type { Layout } from '../fans.ts';
import type { InitializerSpec } from '../initializers/initializer.ts';
import { fold, type Key } from '../random/key.ts';
import type { Shape } from '../shape.ts';

/** One parameter of a model. */
export interface ModelParameter {
  /** Its name in the framework's state dict, e.g. `transformer.h.0.attn.c_attn.weight`. */
  readonly name: string;
  readonly shape: Shape;
  /** How the shape is laid out for fans: `torch` for PyTorch / Hugging Face state dicts. */
  readonly layout: Layout;
  /** The canonical spec of its initializer (`fromSpec(...).spec`). */
  readonly init: InitializerSpec;
  /** What it is, for tables: `embedding`, `attention.qkv`, `mlp.out`, `norm.weight`, `bias`, … */
  readonly role: string;
  /**
   * Set only for a tensor whose element type is fixed by the framework whatever the checkpoint's dtype: `int64` for
   * BatchNorm's `num_batches_tracked` buffer (shape [], init zeros), which PyTorch keeps as int64. Absent: the
   * tensor takes the checkpoint's dtype.
   */
  readonly dtype?: 'int64';
}

/** A whole model: the recipe (or `custom`) it came from and its parameters, in state-dict order. */
export interface ModelPlan {
  readonly recipe: string;
  readonly parameters: readonly ModelParameter[];
}

/**
 * The random key of a parameter: `fold(root, name)`.
 *
 * @example
 * parameterKey(keyFromSeed(0), 'wte.weight');
 */
export function parameterKey(root: Key, name: string): Key {
  return fold(root, name);
}
