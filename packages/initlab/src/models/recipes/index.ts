/**
 * The registry of model recipes: `RECIPES`, {@link findRecipe} (with a "did you mean") and {@link buildModel}.
 */
import { fail } from '../../errors.ts';
import { suggestion } from '../../suggest.ts';
import type { ModelPlan } from '../model.ts';
import { BERT } from './bert.ts';
import type { ModelConfig, Recipe } from './common.ts';
import { GPT2 } from './gpt2.ts';
import { LLAMA, LLAMA_TITAN } from './llama.ts';
import { RESNET18, RESNET50 } from './resnet.ts';
import { T5 } from './t5.ts';
import { VIT } from './vit.ts';

/** Every built-in recipe, in the order help lists them. */
export const RECIPES: readonly Recipe[] = Object.freeze([GPT2, LLAMA, LLAMA_TITAN, BERT, T5, VIT, RESNET18, RESNET50]);

/** The recipe names. */
export const RECIPE_NAMES: readonly string[] = Object.freeze(RECIPES.map((r) => r.name));

/**
 * Finds a recipe by name (`gpt2`, `llama`, `llama-titan`, `bert`, `t5`, `vit`, `resnet18`, `resnet50`; `_` and `-`
 * are the same, case is ignored).
 *
 * @throws InitError `unknown_name` listing the recipes, with a suggestion when one is close.
 * @example
 * findRecipe('llama_titan').name; // 'llama-titan'
 * findRecipe('lama');             // throws: recipe: name must be one of gpt2, llama, … (did you mean 'llama'?); got 'lama'.
 */
export function findRecipe(name: unknown): Recipe {
  const normalize = (text: string): string => text.toLowerCase().replace(/_/g, '-');
  const recipe = typeof name === 'string' ? RECIPES.find((r) => r.name === normalize(name)) : undefined;
  if (recipe === undefined) fail('unknown_name', 'recipe', 'name', `one of ${RECIPE_NAMES.join(', ')}${suggestion(name, RECIPE_NAMES, { normalize })}`, name);
  return recipe;
}

/**
 * The model a recipe gives for a config: `findRecipe(recipe).build(config)` when `recipe` is a name.
 *
 * @throws InitError for an unknown recipe, or naming the config field that is missing or invalid.
 * @example
 * const plan = buildModel('gpt2', JSON.parse(readFileSync('config.json', 'utf8')));
 * plan.parameters.length; // 148 for GPT-2 124M (12 layers × 12 + 4)
 */
export function buildModel(recipe: string | Recipe, config: ModelConfig): ModelPlan {
  return (typeof recipe === 'string' ? findRecipe(recipe) : recipe).build(config);
}
