/**
 * The registry of initializers: names and aliases to definitions, and `fromSpec`, which rebuilds an initializer
 * from its JSON spec `{name, ...options}` after validating it.
 */
import { fail } from '../errors.ts';
import { suggestion } from '../suggest.ts';
import {
  constantDefinition,
  embeddingNormalDefinition,
  normalDefinition,
  onesDefinition,
  truncatedNormalDefinition,
  uniformDefinition,
  zerosDefinition,
} from './basic.ts';
import { createInitializer, type Initializer, type InitializerDefinition } from './initializer.ts';
import { deltaOrthogonalDefinition, orthogonalDefinition } from './orthogonal.ts';
import { diracDefinition, identityDefinition, sparseDefinition } from './structured.ts';
import {
  glorotNormalDefinition,
  glorotUniformDefinition,
  heNormalDefinition,
  heUniformDefinition,
  lecunNormalDefinition,
  lecunUniformDefinition,
  varianceScalingDefinition,
} from './variance-scaling.ts';

/** Every initializer definition, in the order `initlab list` shows them. */
export const DEFINITIONS: readonly InitializerDefinition[] = [
  zerosDefinition,
  onesDefinition,
  constantDefinition,
  uniformDefinition,
  normalDefinition,
  truncatedNormalDefinition,
  embeddingNormalDefinition,
  glorotUniformDefinition,
  glorotNormalDefinition,
  heUniformDefinition,
  heNormalDefinition,
  lecunUniformDefinition,
  lecunNormalDefinition,
  varianceScalingDefinition,
  orthogonalDefinition,
  deltaOrthogonalDefinition,
  identityDefinition,
  diracDefinition,
  sparseDefinition,
];

const byName = new Map<string, InitializerDefinition>();
for (const definition of DEFINITIONS) {
  for (const id of [definition.name, ...(definition.aliases ?? [])]) byName.set(id, definition);
}

/** Every accepted id: canonical names and aliases. */
export const INITIALIZER_NAMES: readonly string[] = [...byName.keys()];

/**
 * Finds a definition by canonical name or alias (`xavier_uniform` → `glorot_uniform`).
 *
 * @throws InitError `unknown_name` listing the accepted names, with a suggestion when one is close.
 * @example
 * findDefinition('xavier_uniform').name; // 'glorot_uniform'
 * Object.keys(findDefinition('he_normal').options); // ['mode', 'nonlinearity', 'negativeSlope']
 */
export function findDefinition(name: unknown): InitializerDefinition {
  const definition = typeof name === 'string' ? byName.get(name) : undefined;
  if (definition === undefined) {
    const canonical = DEFINITIONS.map((d) => d.name);
    fail('unknown_name', 'initializer', 'name', `one of ${canonical.join(', ')}${suggestion(name, INITIALIZER_NAMES)}`, name);
  }
  return definition;
}

/**
 * Builds an initializer from a JSON spec `{name, ...options}` (options in camelCase; names or aliases).
 * `fromSpec(init.spec)` rebuilds an initializer that gives the same bits as `init`.
 *
 * @throws InitError `unknown_name` for an unknown name, `invalid_option` for unknown or invalid options.
 * @example
 * const init = fromSpec({ name: 'kaiming_normal', mode: 'fan_out' });
 * init.spec; // { name: 'he_normal', mode: 'fan_out', nonlinearity: 'relu', negativeSlope: 0 }
 * fromSpec(JSON.parse(JSON.stringify(init.spec)))([64, 32], 7); // the same bits as init([64, 32], 7)
 */
export function fromSpec(spec: unknown): Initializer {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    fail('invalid_option', 'fromSpec', 'spec', 'an object {name, ...options}', spec);
  }
  const { name, ...options } = spec as { name?: unknown };
  return createInitializer(findDefinition(name), options);
}
