/** Where a command's model comes from: a built-in recipe with a config, or a user's model JSON. */
import { readFileSync } from 'node:fs';
import { buildModel, findRecipe, InitError, type ModelPlan, modelFromJson } from '../src/index.ts';
import { UsageError, usageFail } from './errors.ts';
import { withFlags } from './parse.ts';

/** Reads and parses a JSON file named by a flag, as a usage error naming the flag when it cannot. */
function readJson(where: string, flag: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`${where}: --${flag} must be a readable JSON file; got '${path}' (${code}).`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: --${flag} must be a JSON file; got '${path}' (${(error as Error).message}).`);
  }
}

/**
 * The model a command works on, from its flags: `--recipe R [--config config.json]` (a built-in recipe built from a
 * Hugging Face config) or `--model M.json` (a user's own model, see `modelFromJson`), exactly one of them.
 *
 * @throws UsageError naming the flag for a missing, conflicting or unreadable source; InitError for a bad config.
 * @example
 * loadModelPlan('init', { recipe: 'gpt2', config: 'config.json' });
 */
export function loadModelPlan(where: string, flags: Readonly<Record<string, string | true | undefined>>): ModelPlan {
  const recipe = flags['recipe'];
  const model = flags['model'];
  if ((typeof recipe === 'string') === (typeof model === 'string')) {
    usageFail(where, 'exactly one of --recipe and --model', 'given', typeof recipe === 'string' ? 'both' : 'neither');
  }
  if (typeof model === 'string') {
    if (typeof flags['config'] === 'string')
      throw new UsageError(`${where}: --config must not be given with --model (the model JSON holds every shape); got '${flags['config']}'.`);
    const json = readJson(where, 'model', model);
    try {
      return modelFromJson(json);
    } catch (error) {
      // Say which file the library's one sentence is about.
      if (error instanceof InitError) throw new UsageError(`${where}: --model '${model}': ${error.message}`);
      throw error;
    }
  }
  const found = withFlags(where, { name: '--recipe' }, () => findRecipe(recipe));
  const config = typeof flags['config'] === 'string' ? readJson(where, 'config', flags['config']) : {};
  if (config === null || typeof config !== 'object' || Array.isArray(config)) usageFail(where, '--config', 'a JSON object (a config.json)', config);
  return buildModel(found, config as Readonly<Record<string, unknown>>);
}
