/**
 * INTERIM: where `initlab init` gets its ModelPlan until the recipes branch (h-models: `buildModel`, `findRecipe`,
 * `modelFromJson`) is merged. Today only `--model M.json` works, through the minimal parser below; `--recipe R
 * --config C` is refused with a usage error. At the merge, {@link loadModelPlan} becomes:
 *
 *   recipe → `buildModel(recipe, JSON.parse(readFileSync(config)))` (errors naming --recipe / --config);
 *   model  → `modelFromJson(JSON.parse(readFileSync(model)))` (replacing {@link parseModelJson}),
 *
 * and this file is deleted. Nothing else in the checkpoint code depends on where the plan came from.
 */
import { readFileSync } from 'node:fs';
import { fromSpec, InitError, type InitializerSpec, type Layout, LAYOUTS, type ModelParameter, type ModelPlan } from '../src/index.ts';
import { UsageError } from './errors.ts';

/** Where a model comes from on the command line. */
export interface ModelSource {
  readonly recipe?: string;
  readonly config?: string;
  readonly model?: string;
}

/**
 * The model of `init`/`verify` from its flags: exactly one of `--model M.json` or `--recipe R --config C`.
 *
 * @throws UsageError for a missing, conflicting or unreadable source, or a malformed model file (one line).
 */
export function loadModelPlan(where: string, source: ModelSource): ModelPlan {
  if (source.model !== undefined && (source.recipe !== undefined || source.config !== undefined)) {
    throw new UsageError(`${where}: --model and --recipe/--config are alternatives; got both.`);
  }
  if (source.recipe !== undefined || source.config !== undefined) {
    // MERGE POINT: return buildModel(source.recipe, readConfig(source.config)).
    throw new UsageError(`${where}: --recipe must be a built-in recipe, and this build has none yet; got '${source.recipe ?? ''}' (use --model M.json).`);
  }
  if (source.model === undefined) throw new UsageError(`${where}: --model (or --recipe with --config) must be given; got nothing.`);
  let text: string;
  try {
    text = readFileSync(source.model, 'utf8');
  } catch (error) {
    throw new UsageError(`${where}: --model must be a readable JSON file; got '${source.model}' (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: --model must be valid JSON; got '${source.model}' (${(error as Error).message.split('\n')[0]}).`);
  }
  return parseModelJson(json, `${where}: --model '${source.model}'`);
}

/**
 * The minimal model format: a JSON list (or `{"recipe"?: name, "parameters": list}`) of
 * `{"name", "shape": [dims], "init": {"name": initializer, ...options}, "layout"?: "torch" (default) | "tf", "role"?}`.
 *
 * @example
 * parseModelJson([{ name: 'w', shape: [4, 4], init: { name: 'normal', std: 0.02 } }], 'init'); // { recipe: 'custom', parameters: [...] }
 */
export function parseModelJson(json: unknown, where: string): ModelPlan {
  const object = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const list = Array.isArray(json) ? json : object?.['parameters'];
  const bad = (what: string, got: unknown): never => {
    throw new UsageError(`${where}: ${what}; got ${JSON.stringify(got) ?? String(got)}.`);
  };
  if (!Array.isArray(list) || list.length === 0) return bad('must be a non-empty list of parameters (or {"parameters": [...]})', typeof json);
  const recipe = typeof object?.['recipe'] === 'string' ? (object['recipe'] as string) : 'custom';
  const seen = new Set<string>();
  const parameters = list.map((entry: unknown, i): ModelParameter => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return bad(`parameter ${i} must be an object {name, shape, init}`, entry);
    const { name, shape, init, layout = 'torch', role = 'parameter' } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || name === '' || seen.has(name)) return bad(`parameter ${i}'s name must be a unique non-empty string`, name);
    seen.add(name);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      return bad(`the shape of '${name}' must be a list of non-negative integers`, shape);
    if (typeof layout !== 'string' || !(LAYOUTS as readonly string[]).includes(layout))
      return bad(`the layout of '${name}' must be one of ${LAYOUTS.join(', ')}`, layout);
    if (typeof role !== 'string') return bad(`the role of '${name}' must be a string`, role);
    if (init === null || typeof init !== 'object' || Array.isArray(init))
      return bad(`the init of '${name}' must be an initializer spec object such as {"name": "normal", "std": 0.02}`, init);
    let spec: InitializerSpec;
    try {
      spec = fromSpec(init as InitializerSpec).spec;
    } catch (error) {
      if (error instanceof InitError) throw new UsageError(`${where}: the init of '${name}': ${error.message}`);
      throw error;
    }
    return { name, shape: shape as number[], layout: layout as Layout, init: spec, role };
  });
  return { recipe, parameters };
}
