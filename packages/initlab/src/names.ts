/** Option names as code writes them (camelCase) and as command lines and text specs write them (kebab-case). */

/**
 * `negative-slope` → `negativeSlope`: each `-x` becomes `X`; a camelCase name passes through unchanged.
 *
 * @example
 * camelCase('negative-slope'); // 'negativeSlope'
 */
export function camelCase(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * `negativeSlope` → `negative-slope`: each capital `X` becomes `-x`.
 *
 * @example
 * kebabCase('negativeSlope'); // 'negative-slope'
 */
export function kebabCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
