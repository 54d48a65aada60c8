/**
 * A user's own model as JSON: every parameter with its initializer, or rules by name pattern.
 */
import { fail } from '../errors.ts';
import { checkLayout, type Layout } from '../fans.ts';
import type { InitializerSpec } from '../initializers/initializer.ts';
import { fromSpec } from '../initializers/registry.ts';
import { parseInitializerText } from '../initializers/spec-text.ts';
import { checkShape } from '../shape.ts';
import type { ModelParameter, ModelPlan } from './model.ts';

const WHERE = 'model';

/** An `init` as JSON: a spec object `{name, ...options}` or initializer text (`normal:std=0.02`). */
function readInit(value: unknown, at: string): InitializerSpec {
  if (typeof value === 'string') return parseInitializerText(value, `${WHERE} ${at}`);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return fromSpec(value).spec;
  return fail('invalid_option', `${WHERE} ${at}`, 'init', "an initializer spec object or text such as 'normal:std=0.02'", value);
}

function readObject(value: unknown, at: string): Readonly<Record<string, unknown>> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('invalid_argument', WHERE, at, 'an object', value);
  return value as Readonly<Record<string, unknown>>;
}

function readName(value: unknown, at: string): string {
  if (typeof value !== 'string' || value === '') fail('invalid_option', `${WHERE} ${at}`, 'name', 'a non-empty string', value);
  return value;
}

/**
 * A glob over parameter names: `*` matches any run of characters (dots included); everything else is literal.
 *
 * @example
 * const qkv = globMatcher('h.*.attn.c_attn.weight');
 * qkv('h.11.attn.c_attn.weight'); // true
 * qkv('h.0.attn.c_attn.bias'); // false
 */
export function globMatcher(pattern: string): (name: string) => boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (name) => regex.test(name);
}

/**
 * A {@link ModelPlan} (recipe `custom`) from JSON, in one of two forms:
 * - a list `[{name, shape, init, layout?, role?}, …]`: each parameter with its initializer;
 * - `{rules: [{pattern, init, layout?}], parameters: [{name, shape, init?, layout?, role?}]}`: a parameter without its
 *   own `init` takes that of the **first** rule whose pattern matches its whole name (`*` matches any characters,
 *   dots included: `*.bias`, `layers.*.mlp.*.weight`).
 * `init` is a spec object (`{"name": "normal", "std": 0.02}`) or text (`"normal:std=0.02"`); `layout` defaults to
 * `torch` (PyTorch's [out, in, …] weights); `role` defaults to `custom`. Names must be unique.
 *
 * @throws InitError naming the entry (`model parameters[3]`) and the field that is wrong; a parameter that no rule
 *   matches; a repeated name.
 * @example
 * modelFromJson({
 *   rules: [{ pattern: '*.bias', init: 'zeros' }, { pattern: '*', init: 'normal:std=0.02' }],
 *   parameters: [{ name: 'proj.weight', shape: [64, 32] }, { name: 'proj.bias', shape: [64] }],
 * }).parameters[1].init; // { name: 'zeros' }
 */
export function modelFromJson(value: unknown): ModelPlan {
  let entries: readonly unknown[];
  let rules: { matches: (name: string) => boolean; init: InitializerSpec; layout: Layout | undefined }[] = [];
  if (Array.isArray(value)) {
    entries = value;
  } else {
    const top = readObject(value, 'model');
    if (!Array.isArray(top['parameters'])) fail('invalid_option', WHERE, 'parameters', 'a list of {name, shape} objects', top['parameters']);
    entries = top['parameters'];
    const given = top['rules'] ?? [];
    if (!Array.isArray(given)) fail('invalid_option', WHERE, 'rules', 'a list of {pattern, init} objects', given);
    rules = given.map((raw, i) => {
      const rule = readObject(raw, `rules[${i}]`);
      const pattern = rule['pattern'];
      if (typeof pattern !== 'string' || pattern === '')
        fail('invalid_option', `${WHERE} rules[${i}]`, 'pattern', "a non-empty glob such as '*.bias'", pattern);
      const layout = rule['layout'] === undefined ? undefined : checkLayout(rule['layout'], `${WHERE} rules[${i}]`);
      return { matches: globMatcher(pattern), init: readInit(rule['init'], `rules[${i}]`), layout };
    });
  }
  if (entries.length === 0) fail('invalid_option', WHERE, 'parameters', 'a non-empty list of {name, shape, init} objects', entries);
  const seen = new Set<string>();
  const parameters: ModelParameter[] = entries.map((raw, i) => {
    const at = `parameters[${i}]`;
    const entry = readObject(raw, at);
    const name = readName(entry['name'], at);
    if (seen.has(name)) fail('invalid_option', `${WHERE} ${at}`, 'name', 'unique in the model', name);
    seen.add(name);
    const shape = checkShape(entry['shape'], `${WHERE} ${at}`);
    const rule = entry['init'] === undefined ? rules.find((r) => r.matches(name)) : undefined;
    if (entry['init'] === undefined && rule === undefined) {
      fail('invalid_option', `${WHERE} ${at}`, 'init', rules.length === 0 ? 'given (no rules)' : 'given, or a rule whose pattern matches the name', name);
    }
    const init = rule?.init ?? readInit(entry['init'], at);
    const layout = entry['layout'] !== undefined ? checkLayout(entry['layout'], `${WHERE} ${at}`) : (rule?.layout ?? 'torch');
    const role = entry['role'] ?? 'custom';
    if (typeof role !== 'string') fail('invalid_option', `${WHERE} ${at}`, 'role', 'a string', role);
    fromSpec(init).describe(shape, layout); // the initializer must accept the shape
    return { name, shape: Object.freeze([...shape]), layout, init, role };
  });
  return Object.freeze({ recipe: 'custom', parameters: Object.freeze(parameters) });
}
