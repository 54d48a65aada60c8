/** "Did you mean" hints for unknown names, by Levenshtein distance (Levenshtein 1966). */

/** Edit distance between two strings: the fewest insertions, deletions and substitutions turning a into b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** How {@link suggestion} compares and prints names. */
export interface SuggestionStyle {
  /** Puts a name into the candidates' spelling before comparing: default lower case with `-` → `_`. */
  readonly normalize?: (name: string) => string;
  /** Quote around the suggested name: default `'`. */
  readonly quote?: string;
}

/**
 * A hint such as ` (did you mean 'he_normal'?)` naming the closest candidate when it is within a third of the
 * name's length (at least 2 edits), or '' when nothing is close.
 *
 * @example
 * suggestion('he_nromal', ['he_normal', 'he_uniform']);                 // " (did you mean 'he_normal'?)"
 * suggestion('--sahpe', ['--shape'], { quote: '', normalize: (s) => s }); // ' (did you mean --shape?)'
 */
export function suggestion(name: unknown, candidates: readonly string[], style: SuggestionStyle = {}): string {
  if (typeof name !== 'string') return '';
  const { normalize = (text: string) => text.toLowerCase().replace(/-/g, '_'), quote = "'" } = style;
  const normalized = normalize(name);
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(normalized, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean ${quote}${best}${quote}?)` : '';
}
